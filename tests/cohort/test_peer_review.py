"""The optional peer review of the PRD, on a real nbgrader cohort: assign, review, collect, feedback, hub delivery.

One cohort is built, collected and graded once (real kernels, real nbgrader); each test that changes it works on
a private copy. Who handed in what:

- ``farah``: the model PRD, signed with her name, e-mail and roster id (which no reviewer may see).
- ``gus``: the model PRD with a script tag, remote images, a remote link and a bare address.
- ``hana``: the model PRD followed by 5 MB of text.
- ``ivo``: a notebook that is not JSON; ``jude``: the release, its PRD never written; ``lee``: nothing.
- ``kim``: the model PRD.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import mistune
import nbformat
import pytest

from pmkit import notebooks
from pmkit.cohort import peer_collect, peer_review
from pmkit.errors import PmkitError
from pmkit.exercises import peer_review as check_side
from pmkit.grading.gradebook import gradebook
from pmkit.hub import config as hub
from pmkit.runs.runner import Grader
from tests.conftest import REPO, copy_cohort, new_cohort, pmkit_cli, with_answers

ROSTER = [("farah", "Farah", "Okonkwo"), ("gus", "Gustavo", "Lindqvist"), ("hana", "Hana", "Moreau"),
          ("ivo", "Ivo", "Petrov"), ("jude", "Jude", "Achterberg"), ("kim", "Kimiko", "Sato"),
          ("lee", "Leela", "Varga")]
AUTHORS = ["farah", "gus", "hana", "kim"]
SOURCE = REPO / "solutions" / "prd" / "prd.ipynb"
RELEASE = REPO / "exercises" / "prd" / "prd.ipynb"
MODEL = next(c.source for c in nbformat.read(SOURCE, as_version=4).cells if c.id == "answer-prd")
SIGNED = "Written by Farah Okonkwo (farah@example.org), roster id farah; ask Farah about it.\n\n" + MODEL
HOSTILE = (MODEL + '\n\nSee <script>window.__pwned=1</script> the chart ![chart](https://evil.example/x.png) in '
           '[our research](https://evil.example/doc) and https://evil.example/bare or www.evil.example.\n\n'
           '<img src="https://evil.example/y.png" onerror="window.__pwned=2">\n\n'
           '<script>\nwindow.__pwned=3\n</script>\n')
HUGE = MODEL + "\n\n" + "padding " * 700_000  # 5.6 MB
SEED = 7
GOOD = ("The 40 s baseline in the metrics is specific, and the P0 preview requirement is testable; add an owner to "
        "each risk.")


@pytest.fixture(scope="module")
def peer(tmp_path_factory):
    """The cohort above, with the PRD graded by nbgrader and peer review assigned (2 reviews each, seed 7)."""
    base = tmp_path_factory.mktemp("peer")
    cohort = new_cohort(base, ROSTER, release=["prd"], instructors=("coach",))
    subs = base / "subs"
    subs.mkdir()
    for learner, text in (("farah", SIGNED), ("gus", HOSTILE), ("hana", HUGE), ("kim", MODEL)):
        nbformat.write(with_answers(SOURCE, **{"answer-prd": text}), subs / f"{learner}.ipynb")
    (subs / "ivo.ipynb").write_text('{"cells": [', encoding="utf-8")
    shutil.copy(RELEASE, subs / "jude.ipynb")
    report = cohort.collect(subs, "prd")
    assert sorted(report.collected) == ["farah", "gus", "hana", "ivo", "jude", "kim"]
    Grader(cohort.grading_source("prd"), "prd", workers=2, cell_timeout=30, submission_timeout=240).run()
    assigned = peer_review.assign(cohort, "prd", reviews=2, seed=SEED)
    return cohort, assigned


@pytest.fixture
def mine(peer, tmp_path):
    """A private copy of the assigned cohort."""
    return copy_cohort(peer[0].root, tmp_path / "cohort")


def _assignments(root: Path) -> list[tuple[str, str, str]]:
    return peer_review.read_assignments(root, "prd")


def _outbox(root: Path, learner: str) -> Path:
    return peer_review.folder(root, "prd") / "outbox" / learner / "prd-peer-review.ipynb"


# --- one rubric --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("notebook", [SOURCE, RELEASE], ids=["source", "release"])
def test_the_rubric_the_learner_reads_is_the_rubric_data(notebook):
    cells = {c.id: c for c in nbformat.read(notebook, as_version=4).cells}
    stated = re.search(r"\*Rubric for question 3 \((\d+) points\):\*(.*)", cells["q-prd"].source, re.S)
    assert stated, "q-prd no longer states its rubric"
    items = re.findall(r"\s*(.+?) \((\d+)\)[;.]", " ".join(stated.group(2).split()))
    criteria = check_side.rubric("prd")
    assert [(text, int(points)) for text, points in items] == [(c.text, c.points) for c in criteria]
    points = cells["answer-prd"].metadata["nbgrader"]["points"]
    assert sum(c.points for c in criteria) == int(stated.group(1)) == points == 6


def test_each_criterion_names_prd_sections_the_reviewer_knows():
    from pmkit.review.prd import SECTIONS

    criteria = check_side.rubric("prd")
    assert [c.key for c in criteria] == ["problem", "users", "goals", "scope", "requirements", "risks"]
    assert all(c.sections and set(c.sections) <= set(SECTIONS) for c in criteria)


# --- assign ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [3, 4, 7, 12])
def test_the_rotation_never_assigns_your_own_and_reviews_each_answer_k_times(count):
    learners = [f"l{n:02d}" for n in range(count)]
    for reviews in range(1, count):
        plan = peer_review.rotation(learners, reviews, seed=3)
        assert sorted(plan) == learners
        for reviewer, authors in plan.items():
            assert reviewer not in authors and len(set(authors)) == reviews
        counts = {a: sum(a in authors for authors in plan.values()) for a in learners}
        assert set(counts.values()) == {reviews}
        assert peer_review.rotation(list(reversed(learners)), reviews, seed=3) == plan  # seeded, reproducible
    assert len({str(peer_review.rotation(learners, 1, seed=s)) for s in range(10)}) > 1  # the seed matters


def test_too_few_answers_for_k_reviews_is_refused_with_what_to_do():
    with pytest.raises(PmkitError, match=r"3 answer\(s\) can be reviewed; 3 review\(s\) each needs at least 4"):
        peer_review.rotation(["a", "b", "c"], 3, seed=1)


def test_assign_takes_readable_prds_and_names_every_learner_left_out(peer):
    cohort, report = peer
    assert sorted(report.assignments) == AUTHORS
    rows = _assignments(cohort.root)
    assert sorted({r for r, _, _ in rows}) == AUTHORS and all(r != a for r, _, a in rows)
    assert sorted(a for _, _, a in rows) == sorted(AUTHORS * 2)
    assert {(r, s) for r, s, _ in rows} == {(r, s) for r in AUTHORS for s in "AB"}
    skipped = "\n".join(report.skipped)
    assert re.search(r"ivo: submitted/ivo/prd/prd\.ipynb: not a readable notebook \(it is not valid JSON", skipped)
    assert "jude: submitted/jude/prd/prd.ipynb: its answer cell 'answer-prd' is missing, empty or unchanged" in skipped
    assert report.absent == ["lee"]
    assert all(_outbox(cohort.root, learner).is_file() for learner in AUTHORS)
    assert not (peer_review.folder(cohort.root, "prd") / "outbox" / "ivo").exists()


def test_assigning_again_refuses_without_force_and_the_same_seed_gives_the_same_assignment(mine):
    before = (peer_review.folder(mine.root, "prd") / "assignments.csv").read_text(encoding="utf-8")
    notebook = _outbox(mine.root, "gus").read_text(encoding="utf-8")
    done = pmkit_cli("cohort", "peer-review", "assign", "--cohort", mine.root, "--seed", SEED)
    assert done.returncode == 2 and "already assigned" in done.stderr and "--force" in done.stderr
    done = pmkit_cli("cohort", "peer-review", "assign", "--cohort", mine.root, "--seed", SEED, "--force")
    assert done.returncode == 0, done.stderr
    assert "4 reviewers, each with 2 PRDs" in done.stdout and "skipped ivo" in done.stdout
    triples = [row[:3] for row in csv.reader(before.splitlines())]
    after = (peer_review.folder(mine.root, "prd") / "assignments.csv").read_text(encoding="utf-8")
    assert [row[:3] for row in csv.reader(after.splitlines())] == triples  # same seed, same who-reviews-whom
    assert after != before  # but new tokens: notebooks of the earlier assignment are told apart
    token = peer_review.read_tokens(mine.root, "prd")["gus"]
    new = _outbox(mine.root, "gus").read_text(encoding="utf-8")
    assert json.loads(new)["metadata"]["pmkit"]["peer_review"] == {"exercise": "prd", "token": token}
    old_token = json.loads(notebook)["metadata"]["pmkit"]["peer_review"]["token"]
    assert old_token != token and new.replace(token, old_token) == notebook  # stable ids, same bytes but the token
    kept = list((mine.root / "peer-review").glob("prd.replaced-*"))
    assert len(kept) == 1 and (kept[0] / "assignments.csv").read_text(encoding="utf-8") == before


def test_each_review_notebook_is_clean_with_one_h1_objectives_time_and_the_rubric(peer):
    cohort, _ = peer
    criteria = check_side.rubric("prd")
    for learner in AUTHORS:
        path = _outbox(cohort.root, learner)
        nb = notebooks.read(path)
        stored = notebooks.clean(nb)
        stored.metadata["pmkit"] = {"peer_review": {"exercise": "prd",
                                                    "token": peer_review.read_tokens(cohort.root, "prd")[learner]}}
        assert path.read_text(encoding="utf-8") == notebooks.dumps(stored)  # stored clean, with the reviewer's token
        assert not notebooks.bad_cell_ids(nb)
        assert [c.id for c in nb.cells] == ["intro", "setup", "rubric", "prd-A", "review-A", "prd-B", "review-B",
                                            "hand-back"]
        markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        assert len(re.findall(r"^# ", markdown, re.M)) == 1
        assert "**Learning objectives.**" in markdown and "**Estimated time:** 30 minutes" in markdown
        assert "never change anyone's grade" in markdown
        rubric_cell = next(c.source for c in nb.cells if c.id == "rubric")
        assert all(f"| `{c.key}` | {c.text} | {c.points} |" in rubric_cell for c in criteria)
        review = next(c.source for c in nb.cells if c.id == "review-A")
        assert 'peer_review.check("A", scores_A, comment_A)' in review
        assert all(f'"{c.key}": ...,' in review for c in criteria)


def test_no_reviewer_sees_an_authors_id_name_or_email(peer):
    cohort, _ = peer
    banned = [word for lid, first, last in ROSTER for word in (lid, first, last, f"{lid}@example.org")]
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, banned)) + r")(?!\w)", re.I)
    for learner in AUTHORS:
        text = _outbox(cohort.root, learner).read_text(encoding="utf-8")
        assert not pattern.findall(text), (learner, pattern.findall(text))
    farah_readers = [r for r, _, a in _assignments(cohort.root) if a == "farah"]
    slot = next(s for r, s, a in _assignments(cohort.root) if a == "farah" and r == farah_readers[0])
    cells = notebooks.read(_outbox(cohort.root, farah_readers[0])).cells
    shown = next(c.source for c in cells if c.id == f"prd-{slot}")
    assert "Written by \\[name removed\\] (\\[name removed\\]), roster id \\[name removed\\]" in shown


def _shown(root: Path, author: str) -> str:
    reviewer, slot, _ = next(row for row in _assignments(root) if row[2] == author)
    return next(c.source for c in notebooks.read(_outbox(root, reviewer)).cells if c.id == f"prd-{slot}")


def test_a_hostile_prd_reaches_its_reviewers_inert(peer):
    cohort, _ = peer
    shown = _shown(cohort.root, "gus")
    assert "<script" not in shown and "<img" not in shown and "https://" not in shown and "www.evil" not in shown
    assert "&lt;script&gt;window.\\_\\_pwned=1&lt;/script&gt;" in shown and "the chart *[image removed]*" in shown
    assert "our research *(link removed)*" in shown and "&lt;img src=" in shown
    # What a Markdown renderer that links bare addresses (as JupyterLab's does) makes of it: text only.
    html = mistune.create_markdown(plugins=["url", "table", "strikethrough"])(shown)
    assert "<script" not in html and "<img" not in html and "href=" not in html
    assert "window.__pwned=3" in html  # shown as the words typed
    assert "Receipt preview in approvals" in shown  # the PRD itself is still there to review


def test_a_5_mb_prd_is_cut_to_a_readable_length(peer):
    shown = _shown(peer[0].root, "hana")
    assert len(shown) < 30_000 and "only the first 20,000 characters are shown" in shown
    assert "#### Problem" in shown
    assert _outbox(peer[0].root, "hana").stat().st_size < 200_000


# --- the check in the reviewer's kernel ----------------------------------------------------------------------------


FULL = {"problem": 1, "users": 1, "goals": 0, "scope": 1, "requirements": 1, "risks": 0}


def test_check_says_not_answered_then_which_criterion_is_missing_then_ready(peer, capsys, monkeypatch, tmp_path):
    reviewer = AUTHORS[0]
    saved = tmp_path / "prd-peer-review.ipynb"
    shutil.copy(_outbox(peer[0].root, reviewer), saved)
    monkeypatch.chdir(tmp_path)  # where the kernel runs: the notebook's folder
    blank = dict.fromkeys(FULL, ...)
    assert check_side.review_problems("A", blank, ..., check_side.shown_prd("A"))[0] == "not_attempted"
    check_side.check("A", blank, ...)
    assert "PRD A is not reviewed yet" in capsys.readouterr().out
    check_side.check("A", {**FULL, "users": ..., "risks": 2}, GOOD)
    out = capsys.readouterr().out
    assert "users (the users are a defined group: no score)" in out and "risks (risks come with" in out
    assert "2" in out and "problem (" not in out
    check_side.check("A", FULL, "Looks good to me.")
    assert "comment_A has 4 word(s); write at least 12" in capsys.readouterr().out
    check_side.check("A", FULL, "Good work overall, the problem and the users are clear and well written, nice job.")
    out = capsys.readouterr().out
    assert "comment_A names nothing in PRD A" in out and "for instance" in out
    nbformat.write(_fill(peer[0].root, reviewer, {"review-A": _review("A", FULL, GOOD)}), saved)  # Ctrl+S
    check_side.check("A", FULL, GOOD)
    assert "every criterion scored (4 of 6) and a comment that names something in it" in capsys.readouterr().out
    check_side.check("A", {**FULL, "speed": 1}, GOOD)
    assert "scores_A has key(s) the rubric does not: 'speed'" in capsys.readouterr().out


def test_the_review_notebook_runs_in_a_real_kernel_and_check_answers_there(peer, tmp_path):
    import os

    nb = notebooks.read(_outbox(peer[0].root, "kim"))
    for cell in nb.cells:
        if cell.id == "review-A":
            cell.source = cell.source.replace("...,", "1,").replace("comment_A = ...", f"comment_A = {GOOD!r}")
        if cell.id == "review-B":
            cell.source = cell.source.replace('"problem": ...,', '"problem": 1,')
    path = tmp_path / "prd-peer-review.ipynb"
    nbformat.write(nb, path)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NBGRADER", "JPY_SESSION"))}
    old = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        executed = notebooks.execute(path, timeout=120)
    finally:
        os.environ.clear()
        os.environ.update(old)
    outputs = {c.id: json.dumps(c.outputs) for c in executed.cells if c.cell_type == "code"}
    assert "Ready to hand back" in outputs["review-A"] and "pmkit-feedback pmkit-correct" in outputs["review-A"]
    assert "Not yet" in outputs["review-B"] and "users (the users are a defined group: no score)" in outputs["review-B"]
    assert "comment_B is not written yet" in outputs["review-B"] and "Traceback" not in outputs["review-B"]


# --- collect -----------------------------------------------------------------------------------------------------


def _fill(root: Path, reviewer: str, answers: dict[str, str]) -> nbformat.NotebookNode:
    """The reviewer's notebook with these review cells' sources replaced (a learner's answers)."""
    nb = notebooks.read(_outbox(root, reviewer))
    for cell in nb.cells:
        if cell.id in answers:
            cell.source = answers[cell.id]
    return nb


def _review(slot: str, scores: dict, comment: str) -> str:
    return (f"scores_{slot} = {scores!r}\ncomment_{slot} = {comment!r}\n"
            f"peer_review.check({slot!r}, scores_{slot}, comment_{slot})")


def _collect_sample(mine, tmp_path: Path) -> tuple[peer_collect.ReviewReport, list[dict[str, str]], Path]:
    """Four reviewers hand back: code posing as scores, a score of 3, a broken file, an untouched notebook."""
    marker = tmp_path / "PWNED"
    back = tmp_path / "back"
    back.mkdir()
    first, second, third, fourth = AUTHORS
    nbformat.write(_fill(mine.root, first, {
        "review-A": _review("A", FULL, GOOD),
        "review-B": f'scores_B = __import__("os").system("touch {marker}")\ncomment_B = "fine"'}),
        back / f"{first}.ipynb")
    signed = "<b>Bold</b> claim: " + GOOD + " Gustavo, gus@example.org"  # the reviewer signs, though asked not to
    nbformat.write(_fill(mine.root, second, {"review-A": _review("A", {**FULL, "users": 3}, GOOD),
                                             "review-B": _review("B", FULL, signed)}),
                   back / f"{second}-prd-peer-review.ipynb")
    (back / f"{third}.ipynb").write_text("{ not json", encoding="utf-8")
    shutil.copy(_outbox(mine.root, fourth), back / f"{fourth}.ipynb")  # handed back untouched
    report = peer_collect.collect(mine, "prd", source=back)
    rows = list(csv.DictReader((peer_review.folder(mine.root, "prd") / "reviews.csv").open(encoding="utf-8")))
    return report, rows, marker


def test_collect_reads_filled_reviews_and_reports_bad_ones_without_running_them(mine, tmp_path):
    report, rows, marker = _collect_sample(mine, tmp_path)
    first, second, third, fourth = AUTHORS
    assert not marker.exists()
    assert sorted(report.filed.collected) == sorted(AUTHORS)
    text = "\n".join(report.lines())
    assert re.search(rf"returned/{first}/prd-peer-review/prd-peer-review\.ipynb \({first}\): slot B: scores_B in cell "
                     r"\d+ \('review-B'\), line 1, is `__import__\(\"os\"\)\.system", text)
    assert f"({second}): slot A: give 0 or 1 (1 = the PRD meets it) for: users (the users are a defined group: 3)" \
        in text
    assert re.search(rf"\({third}\): not a readable notebook \(it is not valid JSON", text)
    assert f"{fourth} (returned the notebook unchanged)" in text
    assert report.failed
    authors = {(r, s): a for r, s, a in _assignments(mine.root)}
    assert [(r["reviewer"], r["slot"]) for r in rows] == [(first, "A"), (second, "B")]
    assert rows[0]["author"] == authors[(first, "A")] and rows[0]["users"] == "1" and rows[0]["goals"] == "0"
    assert rows[0]["comment"] == GOOD


def test_collect_from_the_cli_exits_1_when_a_review_was_not_stored(mine, tmp_path):
    back = tmp_path / "back"
    back.mkdir()
    nbformat.write(_fill(mine.root, "kim", {"review-A": _review("A", FULL, GOOD), "review-B": "scores_B = dict()"}),
                   back / "Kimiko Sato.ipynb")  # matched by the roster name, as `pmkit collect` matches it
    done = pmkit_cli("cohort", "peer-review", "collect", "--cohort", mine.root, "--from", back)
    assert done.returncode == 1
    assert "'Kimiko Sato' is the roster name of 'kim'" in done.stdout and "kim: A" in done.stdout
    assert "slot B: scores_B in cell" in done.stdout and "not stored" in done.stdout
    assert "some reviews were not stored" in done.stderr
    for both_or_neither in (["--from", back, "--from-hub"], []):
        done = pmkit_cli("cohort", "peer-review", "collect", "--cohort", mine.root, *both_or_neither)
        assert done.returncode == 2 and "give either --from PATH" in done.stderr


# --- feedback ----------------------------------------------------------------------------------------------------


def test_feedback_pages_show_scores_and_comments_anonymously_and_the_summary_shows_the_manual_grade(mine, tmp_path):
    _, rows, _ = _collect_sample(mine, tmp_path)
    author = rows[0]["author"]
    with gradebook(mine.db_url) as book:  # what Formgrader's manual grading stores
        grade = book.find_grade("answer-prd", "prd", "prd", author)
        assert grade.max_score == 6 and grade.needs_manual_grade
        grade.manual_score, grade.needs_manual_grade = 1.5, False
        book.db.commit()
    done = pmkit_cli("cohort", "peer-review", "feedback", "--cohort", mine.root)
    assert done.returncode == 0, done.stderr
    assert "peer scores are feedback only" in done.stdout
    assert f"{author}: peers gave 4 of 6 on average, your grade is 1.5" in done.stdout
    page = (peer_review.folder(mine.root, "prd") / "feedback" / f"{author}.html").read_text(encoding="utf-8")
    assert "<h1 class=\"page-title\">What your peers said about your PRD</h1>" in page
    assert "Peer scores never change your grade" in page and "Formgrader" in page
    assert "The 40 s baseline in the metrics is specific" in page and "Peer 1" in page
    body = page.split("<body>")[1]
    assert not re.search(r"(?<!\w)(?:" + "|".join(w for row in ROSTER for w in row) + r")(?!\w)", body, re.I)
    other = rows[1]["author"]
    escaped = (peer_review.folder(mine.root, "prd") / "feedback" / f"{other}.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;Bold&lt;/b&gt; claim" in escaped and "<b>Bold" not in escaped
    assert "each risk. [name removed], [name removed]</div>" in escaped  # a signed comment is not signed to its author
    nobody = next(a for a in AUTHORS if a not in (author, other))
    assert "No peer review of your PRD came back" in (
        peer_review.folder(mine.root, "prd") / "feedback" / f"{nobody}.html").read_text(encoding="utf-8")
    summary = {r["author"]: r for r in csv.DictReader(
        (peer_review.folder(mine.root, "prd") / "summary.csv").open(encoding="utf-8"))}
    assert summary[author]["peer_mean_users"] == "1" and summary[author]["peer_mean_goals"] == "0"
    assert summary[author]["peer_mean_total"] == "4" and summary[author]["instructor_answer-prd"] == "1.5"
    assert summary[author]["peer_minus_instructor"] == "2.5"
    assert summary[nobody]["peer_reviews"] == "0" and summary[nobody]["instructor_answer-prd"] == ""
    with gradebook(mine.db_url) as book:  # peer scores never reach the grade
        assert book.find_grade("answer-prd", "prd", "prd", author).manual_score == 1.5
        assert all(book.find_grade("answer-prd", "prd", "prd", a).manual_score is None for a in AUTHORS if a != author)


# --- the hub -----------------------------------------------------------------------------------------------------


def test_the_hub_copies_the_review_notebook_once_and_collects_it_back(mine):
    plan = hub.plan(mine.root)
    learner = "gus"
    home = plan.home(learner)

    def start(user: str) -> None:
        hub.prepare_server(SimpleNamespace(user=SimpleNamespace(name=user), default_url="", environment={}), plan)

    start(learner)
    copy = home / "peer-review" / "prd-peer-review.ipynb"
    assert copy.read_bytes() == _outbox(mine.root, learner).read_bytes()
    nb = _fill(mine.root, learner, {"review-A": _review("A", FULL, GOOD), "review-B": _review("B", FULL, GOOD)})
    nbformat.write(nb, copy)
    mine_now = copy.read_bytes()
    start(learner)  # a second start never replaces the learner's work
    assert copy.read_bytes() == mine_now
    start("hana")  # hana starts but never touches her copy
    start("ivo")  # no review for ivo: nothing made
    assert not (plan.home("ivo") / "peer-review").exists()
    start("farah")  # farah's "peer-review" is a file she made: reported, and her server still starts
    shutil.rmtree(plan.home("farah") / "peer-review")
    (plan.home("farah") / "peer-review").write_text("mine", encoding="utf-8")
    start("farah")
    start("kim")  # kim's copy is a link to gus's work: refused, never followed
    kim_copy = plan.home("kim") / "peer-review" / "prd-peer-review.ipynb"
    kim_copy.unlink()
    kim_copy.symlink_to(copy)
    done = pmkit_cli("cohort", "peer-review", "collect", "--cohort", mine.root, "--from-hub")
    assert "gus: A, B" in done.stdout, done.stdout + done.stderr
    assert re.search(r"refused kim/prd-peer-review\.ipynb: .*is a symbolic link", done.stdout)
    assert "hana (returned the notebook unchanged)" in done.stdout
    assert re.search(r"refused farah/prd-peer-review\.ipynb: .*cannot be read \(Not a directory\)", done.stdout)
    pmkit_cli("cohort", "peer-review", "feedback", "--cohort", mine.root)
    author = next(a for r, _, a in _assignments(mine.root) if r == learner and a != "farah")
    start(author)
    assert "Peer 1" in (plan.home(author) / "peer-review" / "prd-peer-feedback.html").read_text(encoding="utf-8")



# --- hardening: whose notebook, whose secret, whose home -------------------------------------------------------------


def _start(plan, user: str) -> None:
    hub.prepare_server(SimpleNamespace(user=SimpleNamespace(name=user), default_url="", environment={}), plan)


def _filled(root: Path, reviewer: str) -> nbformat.NotebookNode:
    return _fill(root, reviewer, {"review-A": _review("A", FULL, GOOD), "review-B": _review("B", FULL, GOOD)})


def test_after_assign_force_the_hub_moves_the_old_copy_aside_and_collect_refuses_it(mine):
    plan = hub.plan(mine.root)
    _start(plan, "gus")
    copy = plan.home("gus") / "peer-review" / "prd-peer-review.ipynb"
    nbformat.write(_filled(mine.root, "gus"), copy)
    work = copy.read_bytes()
    author = next(a for r, _, a in _assignments(mine.root) if r == "gus")
    pmkit_cli("cohort", "peer-review", "collect", "--cohort", mine.root, "--from-hub")
    pmkit_cli("cohort", "peer-review", "feedback", "--cohort", mine.root)
    _start(plan, author)
    page = plan.home(author) / "peer-review" / "prd-peer-feedback.html"
    assert page.is_file()
    peer_review.assign(mine, "prd", reviews=2, seed=99, force=True)
    _start(plan, "gus")
    assert copy.read_bytes() == _outbox(mine.root, "gus").read_bytes()  # the new assignment's notebook
    aside = list(copy.parent.glob("prd-peer-review.replaced-*.ipynb"))
    assert len(aside) == 1 and aside[0].read_bytes() == work  # the learner's earlier work, kept as it was
    _start(plan, author)
    assert not page.exists()  # what peers said about the earlier assignment is gone from the home
    copy.write_bytes(work)  # gus puts his old review back under the name
    report = peer_collect.collect(mine, "prd", homes={lid: plan.home(u) for u, lid in plan.learners.items()})
    text = "\n".join(report.lines())
    assert "(gus): is from an earlier assignment" in text and "not stored" in text
    rows = list(csv.DictReader((peer_review.folder(mine.root, "prd") / "reviews.csv").open(encoding="utf-8")))
    assert not [r for r in rows if r["reviewer"] == "gus"]


def test_a_notebook_handed_in_under_another_name_or_without_its_token_or_with_edited_prds_is_refused(mine, tmp_path):
    back = tmp_path / "back"
    back.mkdir()
    nbformat.write(_filled(mine.root, "gus"), back / "kim.ipynb")  # gus's notebook, handed in as kim's
    stripped = _filled(mine.root, "farah")
    del stripped.metadata["pmkit"]
    nbformat.write(stripped, back / "farah.ipynb")
    edited = _filled(mine.root, "hana")
    next(c for c in edited.cells if c.id == "prd-B").source += "\n\nAn extra line."
    nbformat.write(edited, back / "hana.ipynb")
    report = peer_collect.collect(mine, "prd", source=back)
    text = "\n".join(report.lines())
    assert re.search(r"returned/kim/\S+ \(kim\): is not this reviewer's: it is the notebook handed to another "
                     r"learner, not kim", text)
    assert "(farah): has no review token in its metadata" in text
    assert "(hana): its PRD B (cell 'prd-B') is not the text handed out" in text
    assert not report.stored and report.failed


def test_the_default_seed_is_random_kept_privately_and_printed_to_reproduce(mine):
    seeds = []
    for _ in range(2):
        done = pmkit_cli("cohort", "peer-review", "assign", "--cohort", mine.root, "--force")
        assert done.returncode == 0, done.stderr
        found = re.search(r"seed (\d+) \(kept privately in (\S+secret\.json)\)", done.stdout)
        assert found, done.stdout
        secret = json.loads(Path(found.group(2)).read_text(encoding="utf-8"))
        assert secret["seed"] == int(found.group(1)) and len(secret["key"]) == 64
        assert Path(found.group(2)).stat().st_mode & 0o077 == 0
        assert (peer_review.folder(mine.root, "prd") / "assignments.csv").stat().st_mode & 0o077 == 0
        seeds.append(int(found.group(1)))
    assert seeds[0] != seeds[1] and 1 not in seeds
    before = sorted(_assignments(mine.root))
    done = pmkit_cli("cohort", "peer-review", "assign", "--cohort", mine.root, "--force", "--seed", seeds[1])
    assert done.returncode == 0 and sorted(_assignments(mine.root)) == before


def test_peers_on_a_feedback_page_are_ordered_by_the_cohorts_private_key(mine, tmp_path):
    import hashlib
    import hmac

    author = "farah"
    reviewers = sorted((r, s) for r, s, a in _assignments(mine.root) if a == author)
    back = tmp_path / "back"
    back.mkdir()
    for n, (reviewer, slot) in enumerate(reviewers):
        comment = f"Reviewer number {n}: " + GOOD
        nbformat.write(_fill(mine.root, reviewer, {f"review-{slot}": _review(slot, FULL, comment)}),
                       back / f"{reviewer}.ipynb")
    peer_collect.collect(mine, "prd", source=back)
    secret = peer_review.folder(mine.root, "prd") / "secret.json"

    def order(key: bytes) -> list[str]:
        return sorted((r for r, _ in reviewers),
                      key=lambda r: hmac.new(key, f"{r}\0{author}\0prd".encode(), hashlib.sha256).hexdigest())

    keys = [bytes([n]) * 32 for n in range(20)]
    firsts = {}
    for key in keys:
        firsts.setdefault(order(key)[0], key)
    assert len(firsts) == 2  # some key puts each reviewer first
    for first, key in firsts.items():
        secret.write_text(json.dumps({"seed": 5, "key": key.hex()}), encoding="utf-8")
        peer_feedback_run = pmkit_cli("cohort", "peer-review", "feedback", "--cohort", mine.root)
        assert peer_feedback_run.returncode == 0, peer_feedback_run.stderr
        page = (peer_review.folder(mine.root, "prd") / "feedback" / f"{author}.html").read_text(encoding="utf-8")
        number = [r for r, _ in reviewers].index(first)
        assert page.index(f"Reviewer number {number}:") < page.index(f"Reviewer number {1 - number}:")


def test_a_learners_mtime_or_a_fifo_swapped_in_never_stops_collect_from_the_hub(mine):
    import os
    import threading

    plan = hub.plan(mine.root)
    homes = {lid: plan.home(u) for u, lid in plan.learners.items()}
    for user in plan.learners:
        _start(plan, user)
    gus = plan.home("gus") / "peer-review" / "prd-peer-review.ipynb"
    nbformat.write(_filled(mine.root, "gus"), gus)
    os.utime(gus, (10**15, 10**15))  # year 31 million: no datetime holds it
    kim = plan.home("kim") / "peer-review" / "prd-peer-review.ipynb"
    nbformat.write(_filled(mine.root, "kim"), kim)
    found = {c.name: c for c in peer_collect.hub_candidates(homes, "prd")}
    kim.unlink()
    os.mkfifo(kim)  # swapped for a pipe after it was looked at: opening it must not wait for a writer
    outcome = []

    def read() -> None:
        try:
            found["kim/prd-peer-review.ipynb"].opener().close()
            outcome.append("opened")
        except OSError as error:
            outcome.append(error)

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    thread.join(10)
    if thread.is_alive():  # unblock the reader before failing
        os.close(os.open(kim, os.O_WRONLY | os.O_NONBLOCK))
    assert outcome and isinstance(outcome[0], OSError), outcome
    report = peer_collect.collect(mine, "prd", homes=homes)
    text = "\n".join(report.lines())
    assert "gus: A, B" in text
    assert "refused kim/prd-peer-review.ipynb: " in text and "is not a regular file" in text
    stamp = (peer_review.folder(mine.root, "prd") / "returned" / "gus" / "prd-peer-review" / "timestamp.txt")
    assert stamp.read_text(encoding="utf-8")[:4] <= str(__import__("datetime").date.today().year)


def test_a_failed_first_copy_leaves_no_half_notebook_and_the_next_start_copies_it_whole(mine, tmp_path):
    import subprocess
    import sys

    home = tmp_path / "home"
    home.mkdir()
    sent = _outbox(mine.root, "gus")
    assert sent.stat().st_size > 4096
    script = ("import resource, sys\nfrom pathlib import Path\nfrom pmkit.cohort import peer_review\n"
              "resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))\n"
              "try:\n    peer_review.deliver(Path(sys.argv[1]), 'gus', Path(sys.argv[2]))\n"
              "except OSError as error:\n    print('failed', error.errno)\n")
    done = subprocess.run([sys.executable, "-c", script, str(mine.root), str(home)], capture_output=True, text=True,
                          check=False, cwd=REPO)
    assert "failed 27" in done.stdout, done.stdout + done.stderr  # EFBIG: the copy could not be written whole
    copy = home / "peer-review" / "prd-peer-review.ipynb"
    assert not copy.exists() and not [p for p in copy.parent.iterdir() if p.name.endswith(".tmp")]
    peer_review.deliver(mine.root, "gus", home)
    assert copy.read_bytes() == sent.read_bytes()


def test_check_reads_the_saved_notebook_as_the_instructor_does(peer, capsys, monkeypatch, tmp_path):
    root = peer[0].root
    saved = tmp_path / "prd-peer-review.ipynb"
    monkeypatch.chdir(tmp_path)
    blank = repr({**FULL, "users": ...}).replace("Ellipsis", "...")  # as the notebook writes it
    for source, said in (
            (f"scores_A = {blank}\nscores_A['users'] = 1\ncomment_A = {GOOD!r}",
             "scores_A is changed in cell 5 ('review-A'), line 2 (`scores_A['users'] = 1`)"),
            (f"scores_A = {blank}\nscores_A.update(users=1)\ncomment_A = {GOOD!r}",
             "scores_A is changed in cell 5 ('review-A'), line 2 (`scores_A.update(users=1)`)"),
            (f"scores_A, comment_A = {FULL!r}, {GOOD!r}", "scores_A is changed in cell 5 ('review-A'), line 1"),
            (f"scores_A = {blank}\ncomment_A = {GOOD!r}", "saved notebook says users: ... (you ran 1)")):
        nbformat.write(_fill(root, "farah", {"review-A": source}), saved)
        check_side.check("A", FULL, GOOD)  # what the kernel holds after running the cell: complete
        out = capsys.readouterr().out
        assert said in out and "every criterion scored" not in out, out
        assert "your instructor reads the saved notebook" in out and "Save the notebook (Ctrl+S)" in out
    nbformat.write(_fill(root, "farah", {"review-A": _review("A", FULL, GOOD)}), saved)
    check_side.check("A", FULL, GOOD)
    assert "PRD A: every criterion scored (4 of 6)" in capsys.readouterr().out


def test_collect_reports_review_assignments_it_cannot_read_by_file_slot_and_line(mine, tmp_path):
    back = tmp_path / "back"
    back.mkdir()
    blank = repr({**FULL, "users": ...}).replace("Ellipsis", "...")
    nbformat.write(_fill(mine.root, "gus", {
        "review-A": f"scores_A = {FULL!r}\nscores_A['users'] = 0\ncomment_A = {GOOD!r}",
        "review-B": f"scores_B, comment_B = {blank}, {GOOD!r}"}), back / "gus.ipynb")
    report = peer_collect.collect(mine, "prd", source=back)
    text = "\n".join(report.lines())
    assert "(gus): slot A: scores_A is changed in cell 5 ('review-A'), line 2 (`scores_A['users'] = 0`)" in text
    assert "(gus): slot B: scores_B is changed in cell 7 ('review-B'), line 1" in text
    assert "comment_B is changed in cell 7 ('review-B'), line 1" in text
    assert not report.stored
