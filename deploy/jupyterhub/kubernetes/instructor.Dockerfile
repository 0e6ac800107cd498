# The INSTRUCTOR single-user image: the learner image's contents plus solutions/ and the data generator,
# which nbgrader (release, autograde) and Formgrader need. values.yaml gives it to instructors only.
#   docker build -f deploy/jupyterhub/kubernetes/instructor.Dockerfile -t REGISTRY/pmkit-course-instructor:TAG .
FROM quay.io/jupyter/minimal-notebook:python-3.11

USER root
# `pmkit grade` in an instructor's terminal runs each learner's notebook in a bubblewrap sandbox
# (grading at scale runs as a Job instead: grader.Dockerfile, grading-job.yaml).
RUN apt-get update \
 && apt-get install -y --no-install-recommends bubblewrap util-linux \
 && rm -rf /var/lib/apt/lists/*
COPY --chown=${NB_UID}:${NB_GID} . /opt/pmkit
RUN test -d /opt/pmkit/solutions
USER ${NB_UID}
RUN pip install --no-cache-dir -e /opt/pmkit ngshare_exchange
COPY --chown=${NB_UID}:${NB_GID} deploy/jupyterhub/kubernetes/start-pmkit.sh /usr/local/bin/start-pmkit.sh
