"""nbgrader on a learner's hub server: the assignment list files everything under the learner's own id.

Without `student_id`, nbgrader names a submission after the OS user, and on a one-OS-user hub every
learner would be the same person. The hub sets PMKIT_STUDENT_ID (the roster id) and either
PMKIT_EXCHANGE (a folder: one machine) or PMKIT_NGSHARE_URL (the ngshare service: Kubernetes).
"""

import os

from pmkit.grading.engine import COURSE_ID

c = get_config()  # noqa: F821 - provided by nbgrader
c.CourseDirectory.course_id = COURSE_ID
c.CourseDirectory.student_id = os.environ["PMKIT_STUDENT_ID"]
if os.environ.get("PMKIT_NGSHARE_URL"):  # Kubernetes: see deploy/jupyterhub/README.md (not run by the tests)
    import ngshare_exchange

    ngshare_exchange.configureExchange(c, os.environ["PMKIT_NGSHARE_URL"])
else:
    c.Exchange.root = os.environ["PMKIT_EXCHANGE"]
# Fetched exercises land in ~/exercises/<id>/, where the chapters' links point.
c.Exchange.assignment_dir = os.path.join(os.environ["HOME"], "exercises")
