"""What peers said, for each author, and the instructor's summary beside their own grading.

Each author gets ``feedback/<learner>.html``: every rubric line with each peer's score and their comments,
anonymous and escaped. The instructor gets ``summary.csv``: per author the peers' mean per criterion beside
the manual score of the written answer in nbgrader's gradebook (``Grade.manual_score``). Peer scores never
change a grade: the instructor's manual score in Formgrader, with the same rubric, is the grade.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pmkit.cohort.peer_review import check_exercise, csv_text, folder, private_names, read_assignments, secret_key
from pmkit.errors import PmkitError
from pmkit.exercises.peer_review import PEER_REVIEWED, rubric
from pmkit.files import write_text_atomic

if TYPE_CHECKING:
    from pmkit.cohort.folder import Cohort

#: Peer and instructor totals this far apart are flagged for the instructor to look at.
DISAGREEMENT = 2.0


@dataclass
class FeedbackReport:
    """The pages written, the instructor's summary, and where peers and the instructor's grade disagree."""

    pages: list[Path]
    summary: Path
    lines: list[str]


def read_reviews(root: Path, exercise: str) -> list[dict[str, str]]:
    """The stored reviews (pmkit's own CSV), or an error saying to collect first."""
    path = folder(root, exercise) / "reviews.csv"
    if not path.is_file():
        raise PmkitError(f"{path}: no reviews collected yet; run `pmkit cohort peer-review collect --exercise "
                         f"{exercise}` first")
    with open(path, encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def _unsafe(cell: str) -> str:
    """A CSV cell as written before :func:`spreadsheet_safe` (a leading ``'`` it added taken back off)."""
    return cell[1:] if cell.startswith("'") and cell[1:2] in ("=", "+", "-", "@", "\t", "\r", "\n") else cell


def manual_scores(db_url: str, exercise: str, learners: list[str]) -> dict[str, float | None]:
    """The instructor's manual score of the written answer per learner (nbgrader's Grade.manual_score), or None."""
    from nbgrader.api import MissingEntry

    from pmkit.grading.gradebook import gradebook

    answer_id = PEER_REVIEWED[exercise][0]
    out: dict[str, float | None] = {}
    with gradebook(db_url) as book:
        for learner in learners:
            try:
                grade = book.find_grade(answer_id, exercise, exercise, learner)
            except MissingEntry:
                out[learner] = None
                continue
            out[learner] = None if grade.manual_score is None else float(grade.manual_score)
    return out


def feedback(cohort: Cohort, exercise: str = "prd") -> FeedbackReport:
    """Write each author's page of what peers said, and the instructor's summary beside their own grading."""
    import hashlib
    import hmac

    from pmkit.cohort import html_pages as pages
    from pmkit.cohort.learner_markdown import redact

    check_exercise(cohort, exercise)
    authors = sorted({author for _, _, author in read_assignments(cohort.root, exercise)})
    reviews = read_reviews(cohort.root, exercise)
    criteria = rubric(exercise)
    total = sum(c.points for c in criteria)
    manual = manual_scores(cohort.db_url, exercise, authors)
    key = secret_key(cohort.root, exercise)
    names = private_names(cohort)  # a reviewer who signed their comment is not named to its author
    base = folder(cohort.root, exercise)
    (base / "feedback").mkdir(parents=True, exist_ok=True)
    written, rows, lines = [], [], []
    generated = f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"
    for author in authors:
        mine = [r for r in reviews if r["author"] == author]
        # Peers are numbered in an order that follows neither the reviewers' ids nor the assignment, and that
        # nobody without the cohort's private key can rebuild (an unkeyed hash of the ids could be by anyone).
        mine.sort(key=lambda r: hmac.new(key, f"{r['reviewer']}\0{author}\0{exercise}".encode(),
                                         hashlib.sha256).hexdigest())
        peers = [{"label": f"Peer {n}", "scores": {c.key: float(r[c.key]) for c in criteria},
                  "comment": redact(_unsafe(r["comment"]), *names.get(r["reviewer"], ([r["reviewer"]], [])))}
                 for n, r in enumerate(mine, start=1)]
        page = pages.render("peer_review.html.j2", exercise=exercise, criteria=criteria, peers=peers, total=total,
                            generated=generated)
        target = base / "feedback" / f"{author}.html"
        write_text_atomic(target, page)
        written.append(target)
        means = {c.key: (sum(p["scores"][c.key] for p in peers) / len(peers)) if peers else None for c in criteria}
        peer_total = sum(v for v in means.values() if v is not None) if peers else None
        score = manual.get(author)
        gap = None if peer_total is None or score is None else round(peer_total - score, 2)
        rows.append([author, len(peers), *(_fmt(means[c.key]) for c in criteria), _fmt(peer_total), _fmt(score),
                     _fmt(gap)])
        if gap is not None and abs(gap) >= DISAGREEMENT:
            lines.append(f"{author}: peers gave {peer_total:g} of {total} on average, your grade is {score:g}: "
                         f"look again at {author}'s PRD in Formgrader")
    summary = base / "summary.csv"
    header = ["author", "peer_reviews", *(f"peer_mean_{c.key}" for c in criteria), "peer_mean_total",
              f"instructor_{PEER_REVIEWED[exercise][0]}", "peer_minus_instructor"]
    write_text_atomic(summary, csv_text(header, rows))
    return FeedbackReport(written, summary, lines)


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{round(value, 2):g}"


