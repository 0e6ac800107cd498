# The GRADER image: what `pmkit grade --shard auto/N` needs in a Kubernetes Indexed Job (grading-job.yaml).
# It holds solutions/ (the hidden tests run from here, never inside a learner's sandbox), bubblewrap and
# util-linux for the sandbox, and the PostgreSQL driver for the shared gradebook. It serves no one: no
# JupyterLab, no hub; only the grading Job runs it, with the cohort volume mounted at /cohort.
#   docker build -f deploy/jupyterhub/kubernetes/grader.Dockerfile -t REGISTRY/pmkit-grader:TAG .
FROM python:3.11-slim-bookworm

RUN apt-get update \
 && apt-get install -y --no-install-recommends bubblewrap util-linux \
 && rm -rf /var/lib/apt/lists/*
COPY . /opt/pmkit
RUN test -d /opt/pmkit/solutions \
 && pip install --no-cache-dir -e '/opt/pmkit[postgres]'
# The sandbox runs learner kernels as this unprivileged user; grading itself needs no root.
RUN useradd --create-home --uid 1000 grader
USER 1000
WORKDIR /cohort
ENTRYPOINT ["pmkit"]
