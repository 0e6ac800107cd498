#!/bin/sh
# postStart hook of every single-user pod (values.yaml): role settings, and the course for learners.
set -e
role="${PMKIT_ROLE:-learner}"
mkdir -p "$HOME/.jupyter"
cp -r "/opt/pmkit/deploy/jupyterhub/singleuser/$role/." "$HOME/.jupyter/"
if [ "$role" = learner ]; then
  [ -d "$HOME/course" ] || cp -r /opt/pmkit/course "$HOME/course"
  mkdir -p "$HOME/exercises"
fi
