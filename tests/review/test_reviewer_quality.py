"""The story and PRD reviewers, scored on the labelled development set: precision and recall >= 0.90 per criterion."""

from __future__ import annotations

import pytest

from pmkit.review import prd, stories
from tests.review.reviewers import evaluate

FLOOR = 0.90


def _check(counts: dict[str, evaluate.Count], what: str, split: str) -> None:
    print(f"\n{what}, {split} split")
    print(evaluate.table({split: counts}))
    weak = [f"{name}: precision {c.precision:.2f}, recall {c.recall:.2f} (tp {c.tp}, fp {c.fp}, fn {c.fn})"
            for name, c in counts.items() if c.precision < FLOOR or c.recall < FLOOR]
    assert not weak, f"{what} ({split}) below {FLOOR:.2f}:\n  " + "\n  ".join(weak)


@pytest.mark.parametrize("split", evaluate.SPLITS)
def test_story_reviewer_precision_and_recall(split):
    counts = evaluate.score_stories(stories, split)
    assert all(c.tp + c.fn > 0 for c in counts.values()), "every criterion needs labelled examples in each split"
    _check(counts, "User stories", split)


@pytest.mark.skipif(not evaluate.CORPUS.is_dir(), reason="shared/corpora/user-stories is not beside the repository")
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
