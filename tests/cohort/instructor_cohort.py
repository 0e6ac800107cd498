"""A small cohort as an instructor meets it: graded, late, blank, hostile, hand-graded and not-yet-due work.

Built with the real tools (``Cohort``, ``Grader``: real kernels, real nbgrader, SQLite gradebook) and
shared by the report, feedback and export tests. What each learner did:

- ``ana``: right answers to both graded exercises; beta-metrics handed in 30 hours late (10%/day policy).
- ``ben``: right role-sort; beta-metrics blank (0 points; he is at risk on average).
- ``cy``: beta-metrics with a hostile answer that prints ``<script>``/``<style>`` and an answer key line, and a
  written (Markdown) answer with ``<img onerror>``, ``<script>`` and ``<svg onload>`` that set ``window.__pwned``.
- ``dee``: handed in nothing (beta-metrics is past due: missing; role-sort has an extension).
- ``eve``: both right; her written answer graded by hand in the gradebook with a comment.

beta-metrics is due yesterday, role-sort in a week; prd is released but due later and not collected.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import nbformat

from pmkit.cohort import deadlines
from pmkit.cohort.folder import Cohort
from pmkit.grading.gradebook import gradebook
from pmkit.runs.runner import Grader
from tests.conftest import REPO, new_cohort
from tests.conftest import with_answers as _with

LEARNERS = ["ana", "ben", "cy", "dee", "eve"]
NOW = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
BETA_DUE = NOW - dt.timedelta(days=1)
ROLE_DUE = NOW + dt.timedelta(days=7)
_ATTACK = ('<script>document.title=\"PWNED\";document.body.innerHTML=\"<h1>100/100</h1>\"</script>'
           '<style>body{display:none}</style>')
HOSTILE = (f"print('{_ATTACK}')\n"
           "from IPython.display import HTML, display\n"
           f"display(HTML('{_ATTACK}'))\n"
           "adoption_rate = 0.5")
#: cy's written answer ends with markup that would set ``window.__pwned`` if any page ran it.
MARKDOWN_ATTACK = ('\n\n<img src="x" onerror="window.__pwned=1"> <script>window.__pwned=2</script> '
                   '<svg onload="window.__pwned=3"></svg> cy-markdown-marker')
COMMENT = "Clear recommendation; cite the error rate next time."


def source(exercise: str) -> Path:
    return REPO / "solutions" / exercise / f"{exercise}.ipynb"


def release(exercise: str) -> Path:
    return REPO / "exercises" / exercise / f"{exercise}.ipynb"


def _stamp(cohort: Cohort, learner: str, exercise: str, when: dt.datetime) -> None:
    folder = cohort.root / "submitted" / learner / exercise
    (folder / "timestamp.txt").write_text(f"{when:%Y-%m-%d %H:%M:%S}.000000 UTC", encoding="utf-8")


def build(base: Path) -> Cohort:
    """Create, release, collect, grade and hand-grade the cohort under ``base``."""
    cohort = new_cohort(base, LEARNERS, last_name="Learner", release=("beta-metrics", "role-sort", "prd"))
    deadlines.set_due(cohort.db_url, "beta-metrics", BETA_DUE)
    deadlines.set_due(cohort.db_url, "role-sort", ROLE_DUE)
    deadlines.set_due(cohort.db_url, "prd", NOW + dt.timedelta(days=14))
    policy = deadlines.Deadlines(method="percent_per_day", percent_per_day=10, max_percent=50,
                                 extensions={"role-sort": {"dee": 48.0}})
    deadlines.save(cohort.root, policy)

    beta = base / "beta"
    beta.mkdir()
    shutil.copy(source("beta-metrics"), beta / "ana.ipynb")
    shutil.copy(release("beta-metrics"), beta / "ben.ipynb")
    hostile = _with(source("beta-metrics"), **{"answer-adoption": HOSTILE})
    written = next(cell for cell in hostile.cells if cell.id == "answer-call")
    written.source += MARKDOWN_ATTACK
    nbformat.write(hostile, beta / "cy.ipynb")
    shutil.copy(source("beta-metrics"), beta / "eve.ipynb")
    cohort.collect(beta, "beta-metrics")
    _stamp(cohort, "ana", "beta-metrics", BETA_DUE + dt.timedelta(hours=30))
    for learner in ("ben", "cy", "eve"):
        _stamp(cohort, learner, "beta-metrics", BETA_DUE - dt.timedelta(hours=2))
    roles = base / "roles"
    roles.mkdir()
    for learner in ("ana", "ben", "eve"):
        shutil.copy(source("role-sort"), roles / f"{learner}.ipynb")
    cohort.collect(roles, "role-sort")
    for exercise in ("beta-metrics", "role-sort"):
        Grader(cohort.grading_source(exercise), exercise, workers=2, cell_timeout=20, submission_timeout=120).run()
    with gradebook(cohort.db_url) as book:  # what Formgrader's manual grading stores
        grade = book.find_grade("answer-call", "beta-metrics", "beta-metrics", "eve")
        grade.manual_score, grade.needs_manual_grade = 2.5, False
        comment = book.find_comment("answer-call", "beta-metrics", "beta-metrics", "eve")
        comment.manual_comment = COMMENT
        book.db.commit()
    return cohort
