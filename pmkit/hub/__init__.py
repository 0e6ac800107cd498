"""A cohort on JupyterHub: who may log in, what each role's server runs, and the images for Kubernetes.

Holds ``config`` (the hub's settings from a cohort) and ``image_contexts`` (the learner and instructor
images' build contexts). May import every layer below it, cohorts included; only the command line
imports it. Flow: cohort roster -> hub users and groups -> each server's nbgrader identity and
settings -> learners fetch and submit through the exchange, instructors grade.
"""
