#!/bin/sh
# postStart hook of every single-user pod (values.yaml): role settings, and the course for learners.
set -e
role="${PMKIT_ROLE:-learner}"
mkdir -p "$HOME/.jupyter"
cp -r "/opt/pmkit/deploy/jupyterhub/singleuser/$role/." "$HOME/.jupyter/"
# learner mode as `make lab` has it: the style sheet and JupyterLab's defaults (pmkit/hub/config.py LAB_MODE_FILES)
for name in custom settings; do
  if [ -d "/opt/pmkit/deploy/lab/$role/$name" ]; then
    mkdir -p "$HOME/.jupyter/$name" && cp -r "/opt/pmkit/deploy/lab/$role/$name/." "$HOME/.jupyter/$name/"
  fi
done
if [ -f "/opt/pmkit/deploy/lab/$role/jupyter_lab_config.py" ]; then
  cp "/opt/pmkit/deploy/lab/$role/jupyter_lab_config.py" "$HOME/.jupyter/"
fi
if [ "$role" = learner ]; then
  [ -d "$HOME/course" ] || cp -r /opt/pmkit/course "$HOME/course"
  mkdir -p "$HOME/exercises"
fi
