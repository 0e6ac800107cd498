#!/bin/sh
# postStart hook of every single-user pod (values.yaml): role settings, and the course for learners.
set -e
role="${PMKIT_ROLE:-learner}"
mkdir -p "$HOME/.jupyter"
cp -r "/opt/pmkit/deploy/jupyterhub/singleuser/$role/." "$HOME/.jupyter/"
# learner mode's style sheet, as `make lab` has it
if [ -d "/opt/pmkit/deploy/lab/$role/custom" ]; then
  mkdir -p "$HOME/.jupyter/custom" && cp -r "/opt/pmkit/deploy/lab/$role/custom/." "$HOME/.jupyter/custom/"
fi
if [ "$role" = learner ]; then
  [ -d "$HOME/course" ] || cp -r /opt/pmkit/course "$HOME/course"
  mkdir -p "$HOME/exercises"
fi
