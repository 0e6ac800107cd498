"""The story and PRD reviewers, scored on labelled documents: the blind split first, then the learner answers, then
the splits tuned on.

The blind split (real backlogs and real PRDs set aside before anything new was read, see
reviewers/real/split.tsv) must hold 0.90 precision and recall pooled over the criteria of each kind (stories;
PRD sections; PRD metrics, targets and timeframes), the measure issue 22 reports; its per-criterion table is
printed, but one labelled item moves a criterion of a few items by 0.2 or more. The learner-answer set must
hold 0.97 precision, because a finding on a learner's good answer costs more than a missed one; the splits
tuned on hold 0.90 per criterion as before.
"""

from __future__ import annotations

import time

import pytest

from pmkit.review import prd, stories
from tests.review.reviewers import evaluate

FLOOR = 0.90
LEARNER_PRECISION = 0.97
NO_CORPUS = "shared/corpora/user-stories is not beside the repository"


def _check(counts: dict[str, evaluate.Count], what: str, split: str, floor: float = FLOOR,
           recall: bool = True) -> None:
    print(f"\n{what}, {split} split")
    print(evaluate.table({split: counts}))
    weak = [f"{name}: precision {c.precision:.2f}, recall {c.recall:.2f} (tp {c.tp}, fp {c.fp}, fn {c.fn})"
            for name, c in counts.items() if c.precision < floor or (recall and c.recall < floor)]
    assert not weak, f"{what} ({split}) below {floor:.2f}:\n  " + "\n  ".join(weak)


def _check_pooled(counts: dict[str, evaluate.Count], what: str, split: str) -> None:
    """Print the per-criterion table; fail when precision or recall pooled over each kind is below the floor."""
    print(f"\n{what}, {split} split (per criterion; asserted pooled)")
    print(evaluate.table({split: counts}))
    kinds = {"sections": [c for n, c in counts.items() if n.startswith("section:")],
             "metrics": [c for n, c in counts.items() if n in ("metric", "target", "timeframe")]}
    kinds = {k: v for k, v in kinds.items() if v} or {"stories": list(counts.values())}
    weak = []
    for kind, parts in kinds.items():
        pooled = evaluate.Count(sum(c.tp for c in parts), sum(c.fp for c in parts), sum(c.fn for c in parts))
        print(f"pooled {kind}: precision {pooled.precision:.2f}, recall {pooled.recall:.2f} "
              f"(tp {pooled.tp}, fp {pooled.fp}, fn {pooled.fn})")
        if pooled.precision < FLOOR or pooled.recall < FLOOR:
            weak.append(f"{kind}: precision {pooled.precision:.2f}, recall {pooled.recall:.2f}")
    assert not weak, f"{what} ({split}) below {FLOOR:.2f}:\n  " + "\n  ".join(weak)


@pytest.mark.skipif(not evaluate.CORPUS.is_dir(), reason=NO_CORPUS)
def test_blind_real_stories():
    """Real stories from seven backlogs nobody on the project had read while the reviewer was tuned."""
    if not evaluate.real_stories("blind"):
        pytest.skip("the blind split is not labelled yet (it is labelled once, at the end)")
    counts = evaluate.score_stories(stories, "blind")
    assert sum(c.tp + c.fn for c in counts.values()) >= 20, "the blind split needs labelled problems"
    _check_pooled(counts, "User stories", "blind")


def test_blind_real_prds():
    """Real PRDs set aside before reading; those whose licence allows no copy run where their text is cached."""
    documents = evaluate.real_prds("blind")
    if not any(text for _, text in documents.values()):
        pytest.skip("no blind PRD text here (reference-only; fill reviewers/real/cache with git show)")
    _check_pooled(evaluate.score_prds(prd, "blind"), "PRDs", "blind")


def test_learner_answers_get_no_wrong_finding():
    """Learner answers (good, mediocre, bad) to the exercises' own prompts: precision of what a learner sees."""
    counts = evaluate.learner_precision(stories, prd)
    assert counts["stories"].tp + counts["stories"].fp >= 20 and counts["prds"].tp >= 20
    _check(counts, "Findings on learner answers", "learner", LEARNER_PRECISION, recall=False)
    story_count = sum(len(items) for _, items in evaluate.backlogs("learner", evaluate.LEARNER / "stories.tsv"))
    assert story_count >= 100 and len(evaluate.learner_prds()) >= 20


@pytest.mark.skipif(not evaluate.CORPUS.is_dir(), reason=NO_CORPUS)
def test_story_reviewer_on_real_dev_stories():
    _check(evaluate.score_stories(stories, "real-dev"), "User stories", "real-dev")


def test_prd_reviewer_on_real_dev_prds():
    if not any(text for _, text in evaluate.real_prds("real-dev").values()):
        pytest.skip("no dev PRD text here (reference-only)")
    _check(evaluate.score_prds(prd, "real-dev"), "PRDs", "real-dev")


@pytest.mark.parametrize("split", evaluate.SPLITS)
def test_story_reviewer_precision_and_recall(split):
    counts = evaluate.score_stories(stories, split)
    assert all(c.tp + c.fn > 0 for c in counts.values()), "every criterion needs labelled examples in each split"
    _check(counts, "User stories", split)


@pytest.mark.skipif(not evaluate.CORPUS.is_dir(), reason=NO_CORPUS)
def test_story_reviewer_on_sampled_real_stories():
    counts = evaluate.score_real_stories(stories)
    assert sum(c.tp + c.fn for c in counts.values()) >= 20, "the real sample needs labelled problems"
    _check(counts, "User stories", "real")


@pytest.mark.parametrize("split", evaluate.SPLITS)
def test_prd_reviewer_precision_and_recall(split):
    counts = evaluate.score_prds(prd, split)
    _check(counts, "PRDs", split)


def test_the_scoring_can_fail():
    """A reviewer that reports nothing scores recall 0 on stories; one that finds no section scores 0 on PRDs."""

    class Silent:
        @staticmethod
        def review(items):
            return []

        @staticmethod
        def parse(text):
            return prd.Prd()

    assert evaluate.score_stories(Silent, "dev")["atomic"].recall == 0
    assert evaluate.score_prds(Silent, "dev")["section:problem"].recall == 0

    class Nagging:
        @staticmethod
        def review(items):
            return [prd.Finding(None, "missing:problem", "no problem")] if isinstance(items, (str, prd.Prd)) else \
                [stories.Finding(i, "unambiguous", "vague") for i in range(len(items))]

        parse = staticmethod(prd.parse)

    assert evaluate.learner_precision(Nagging, Nagging)["stories"].precision < LEARNER_PRECISION


#: Inputs that made backtracking patterns run for seconds to minutes (issue 23): a 4.4 KB PRD, a 21.6 KB story.
PATHOLOGICAL_STORIES = ["As a user, I want to x " + "given a " * 2700, "As a user, I want to " + "add x and " * 2160,
                        "As a " + "user, " * 3600, 'As a user, I want "' + "a " * 10800, "*a" * 10800]
PATHOLOGICAL_PRDS = ["# " + "a " * 2200, "- x: " + "in the first " * 340, "**" + "a" * 4400,
                     "## Metrics\n" + "A. " * 1460, "<!--" * 1100, "- m: " + "1," * 2200 + "x", "\\## " * 1100,
                     "## Metrics\n- m: $ 1" + " " * 2190 + "to" + " " * 2190 + "x",
                     "## Metrics\n| Metric | Target |\n|---|---|\n| m | 1" + " " * 4300 + "x |"]


def test_pathological_inputs_are_reviewed_at_once():
    """Linear-time patterns and an input cap: each input takes far under a second (bound generous: 2 s CPU)."""
    for text in PATHOLOGICAL_STORIES:
        start = time.process_time()
        findings = stories.review([text])
        assert time.process_time() - start < 2, f"story review took too long on {text[:30]!r}…"
        if len(text) > stories.MAX_STORY:
            assert any("longer than" in f.message for f in findings)
    for text in PATHOLOGICAL_PRDS:
        start = time.process_time()
        prd.review(text)
        assert time.process_time() - start < 2, f"PRD review took too long on {text[:30]!r}…"
    huge = prd.review("## Problem\n" + "x " * (prd.MAX_PRD // 2 + 10))
    assert [f.criterion for f in huge][:1] == ["too_long"]
