"""How fast the artifact reviewers run: stories and PRDs per second, before and after the rewrite, side by side.

"After" is pmkit.review.stories and pmkit.review.prd as they are; "before" is the same two modules at a git revision
(by default the commit before the reviewers were rewritten for issue 14), loaded beside them.
Stories are the 1,680 real ones of ../shared/corpora/user-stories (Dalpiaz 2018, CC BY 4.0), reviewed
one backlog at a time (the development set's backlogs where that corpus is absent); PRDs are the
development set's documents under tests/review/reviewers/prds/, the learner answers under learner/prds/ and
the real PRDs cached under real/cache/ (up to 90 KB each), 20 times each. Rounds alternate before and after,
so machine noise hits both alike; the script prints the median and best rate of each. Last, it times the
pathological inputs of tests/review/test_reviewer_quality.py (a 4.4 KB PRD, a 21.6 KB story) once each.

With ``--fuzz N`` it also reviews N random documents made of a few repeated tokens (numbers, spaces, markup,
template words; 4.4 KB as a PRD and 21.6 KB as a story, the sizes of issue 23's report) and prints the slowest.

    python benchmarks/review_speed.py [ROUNDS] [--before REV] [--fuzz N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pmkit.review import prd, stories  # noqa: E402
from tests.review.reviewers.evaluate import (  # noqa: E402
    CORPUS,
    SPLITS,
    module_at,
)
from tests.review.reviewers.evaluate import backlogs as backlogs_of  # noqa: E402

REVIEWERS = REPO / "tests" / "review" / "reviewers"
PRDS = sorted([*(REVIEWERS / "prds").glob("*/*.md"), *(REVIEWERS / "learner" / "prds").glob("*.md"),
               *(p for p in (REVIEWERS / "real" / "prds").glob("*.md") if p.name != "LICENSES.md"),
               *(REVIEWERS / "real" / "cache").glob("*.md")])


def default_before() -> str | None:
    """The parent of the commit that added pmkit/verbs.py (the rewrite's first reviewer commit)."""
    found = subprocess.run(["git", "log", "--diff-filter=A", "--format=%H", "--", "pmkit/verbs.py"], cwd=REPO,
                           capture_output=True, text=True)
    commits = found.stdout.split()
    return f"{commits[-1][:12]}^" if found.returncode == 0 and commits else None


def measure(story_module: ModuleType, prd_module: ModuleType, backlogs: list[str], documents: list[str],
            repeat: int) -> tuple[float, float]:
    """One round: (stories per second, PRDs per second)."""
    total = sum(len([line for line in b.split("\n") if line.strip()]) for b in backlogs)
    start = time.perf_counter()
    for backlog in backlogs:
        story_module.review(story_module.parse_many(backlog))
    story_rate = total / (time.perf_counter() - start)
    start = time.perf_counter()
    for _ in range(repeat):
        for document in documents:
            prd_module.review(prd_module.parse(document))
    return story_rate, repeat * len(documents) / (time.perf_counter() - start)


def main() -> int:
    """Print stories and PRDs per second for the revision before the rewrite and for the worktree."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("rounds", nargs="?", type=int, default=5)
    parser.add_argument("--before", help="git revision to compare with (default: before the rewrite)")
    parser.add_argument("--fuzz", type=int, default=0, help="also time N random pathological documents")
    args = parser.parse_args()
    from pmkit import textio
    if CORPUS.is_dir():
        backlogs = [textio.read_text(path).text for path in sorted(CORPUS.glob("*.txt"))]
    else:
        print(f"{CORPUS} is missing: measuring stories on the development set's backlogs instead")
        backlogs = ["\n".join(story for _, story in items)
                    for split in SPLITS for _, items in backlogs_of(split)]
    documents = [path.read_text(encoding="utf-8") for path in PRDS]
    versions: dict[str, tuple[ModuleType, ModuleType]] = {}
    before = args.before or default_before()
    if before:
        try:
            versions[f"before ({before})"] = (module_at(before, "stories"), module_at(before, "prd"))
        except subprocess.CalledProcessError:
            print(f"revision {before} not found: measuring the worktree only")
    versions["after (worktree)"] = (stories, prd)
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in versions}
    for _ in range(args.rounds):
        for name, (story_module, prd_module) in versions.items():
            results[name].append(measure(story_module, prd_module, backlogs, documents, repeat=20))
    total = sum(len([line for line in b.split("\n") if line.strip()]) for b in backlogs)
    print(f"{args.rounds} rounds; {total} stories in {len(backlogs)} backlogs, {len(documents)} PRDs x 20 per round")
    print(f"{'reviewers':28} {'stories/s':>10} {'best':>9} {'PRDs/s':>9} {'best':>9}")
    for name, rows in results.items():
        story_rates, prd_rates = [r[0] for r in rows], [r[1] for r in rows]
        print(f"{name:28} {statistics.median(story_rates):10.0f} {max(story_rates):9.0f} "
              f"{statistics.median(prd_rates):9.0f} {max(prd_rates):9.0f}")
    from tests.review.test_reviewer_quality import PATHOLOGICAL_PRDS, PATHOLOGICAL_STORIES
    slowest = max((_seconds(lambda t=text: stories.review([t])), f"story of {len(text):,} chars")
                  for text in PATHOLOGICAL_STORIES)
    slowest_prd = max((_seconds(lambda t=text: prd.review(t)), f"PRD of {len(text):,} chars")
                      for text in PATHOLOGICAL_PRDS)
    print(f"pathological inputs (worktree): slowest {slowest[1]} {slowest[0] * 1000:.1f} ms, "
          f"slowest {slowest_prd[1]} {slowest_prd[0] * 1000:.1f} ms")
    if args.fuzz:
        print(fuzz(args.fuzz))
    return 0


_TOKENS = ("1", "1,", "$", "%", "to", "in", "the", "first", "by", "Q3", "**", "*", "_", "#", "## ", "- ", "| ", ":",
           ".", "(", ")", "A", "a", "and", "or", "so", "that", "given", "then", "when", "I want", "As a", ",", "/",
           "\"", "<!--", "-->", "e.g.", "\\", "KR1:", "within", "days", "week", "Metrics", "Goals", "\n", "  ",
           " " * 50, "\t", "\u2265", "\u2013", "+", "@", "v1", "x")


def fuzz(count: int, seed: int = 23) -> str:
    """The slowest of ``count`` random documents of a few repeated tokens, reviewed as a PRD and as a story."""
    import random
    rng = random.Random(seed)
    worst = (0.0, "", ())
    for _ in range(count):
        pattern = tuple(rng.choice(_TOKENS) for _ in range(rng.randint(1, 4)))
        parts: list[str] = []
        while sum(map(len, parts)) < 21_600:
            token = rng.choice(pattern) if rng.random() < 0.8 else rng.choice(_TOKENS)
            parts.append(token + (" " if rng.random() < 0.5 else ""))
        text = "".join(parts)
        for kind, call in (("PRD of 4,400 chars", lambda t=text[:4_400]: prd.review(t)),
                           ("story of 21,600 chars", lambda t=text[:21_600]: stories.review([t]))):
            seconds = _seconds(call)
            if seconds > worst[0]:
                worst = (seconds, kind, pattern)
    return f"fuzz: {count} documents, slowest {worst[1]} {worst[0] * 1000:.1f} ms (tokens {worst[2]!r})"


def _seconds(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


if __name__ == "__main__":
    raise SystemExit(main())
