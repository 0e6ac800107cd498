"""Score pmkit's story and PRD reviewers on the labelled development set, per criterion and split."""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
SPLITS = ("dev", "heldout", "fresh")
STORY_CRITERIA = ("well_formed", "atomic", "minimal", "unambiguous", "unique", "uniform")


@dataclass
class Count:
    """True positives, false positives and false negatives of one criterion."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: bool, actual: bool) -> None:
        """Count one decision."""
        self.tp += predicted and actual
        self.fp += predicted and not actual
        self.fn += actual and not predicted

    @property
    def precision(self) -> float:
        """Share of reported items that are right (1.0 when nothing was reported)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """Share of labelled items that were reported (1.0 when nothing is labelled)."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def backlogs(split: str) -> list[tuple[str, list[tuple[set[str], str]]]]:
    """The backlogs of one split: name and (labels, story) pairs."""
    result: list[tuple[str, list[tuple[set[str], str]]]] = []
    keep = False
    for number, line in enumerate((HERE / "stories.tsv").read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("## "):
            fields = dict(part.split("=", 1) for part in line[3:].split() if "=" in part)
            keep = fields.get("split") == split
            if keep:
                result.append((line[3:].split()[0], []))
        elif line.strip() and not line.startswith("#") and keep:
            labels, _, story = line.partition("\t")
            unknown = set(labels.split(",")) - set(STORY_CRITERIA) - {"-"}
            if not story or unknown:
                problem = f"unknown criteria {sorted(unknown)}" if unknown else "no tab"
                raise ValueError(f"stories.tsv line {number}: {problem}; write '<criteria or ->\\t<story>'")
            result[-1][1].append(({c for c in labels.split(",") if c != "-"}, story))
    return result


CORPUS = REPO.parent / "shared" / "corpora" / "user-stories"


def corpus_sample() -> dict[str, dict[int, set[str]]]:
    """The labelled real stories: per corpus file, line number (1-based) and the criteria to report."""
    sample: dict[str, dict[int, set[str]]] = defaultdict(dict)
    for line in (HERE / "corpus_sample.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, number, labels = line.split("\t")
            sample[name][int(number)] = {c for c in labels.split(",") if c != "-"}
    return sample


def score_real_stories(module: ModuleType) -> dict[str, Count] | None:
    """Per QUS criterion, on the sampled real stories, each reviewed within its whole backlog; None without corpus."""
    if not CORPUS.is_dir():
        return None
    from pmkit import textio
    counts = {c: Count() for c in STORY_CRITERIA}
    for name, labelled in corpus_sample().items():
        lines = textio.read_text(CORPUS / name).text.split("\n")
        index_of = {number: index for index, number in
                    enumerate(n for n, line in enumerate(lines, 1) if line.strip())}
        found: dict[int, set[str]] = defaultdict(set)
        for finding in module.review([line for line in lines if line.strip()]):
            found[finding.index].add(finding.criterion)
        for number, labels in labelled.items():
            for criterion in STORY_CRITERIA:
                counts[criterion].add(criterion in found[index_of[number]], criterion in labels)
    return counts


def score_stories(module: ModuleType, split: str) -> dict[str, Count]:
    """Per QUS criterion, how the reviewer's findings compare with the labels."""
    if split == "real":
        return score_real_stories(module) or {}
    counts = {c: Count() for c in STORY_CRITERIA}
    for _, items in backlogs(split):
        found: dict[int, set[str]] = defaultdict(set)
        for finding in module.review([story for _, story in items]):
            found[finding.index].add(finding.criterion)
        for index, (labels, _) in enumerate(items):
            for criterion in STORY_CRITERIA:
                counts[criterion].add(criterion in found[index], criterion in labels)
    return counts


def score_prds(module: ModuleType, split: str) -> dict[str, Count]:
    """Per section, and for metrics, targets and timeframes, how the parser compares with the labels."""
    labels = {k: v for k, v in json.loads((HERE / "prds.json").read_text(encoding="utf-8")).items()
              if k.startswith(f"{split}/")}
    sections = ("problem", "users", "goals", "metrics", "scope", "non_goals", "requirements", "risks", "launch")
    counts = {f"section:{s}": Count() for s in sections} | {k: Count() for k in ("metric", "target", "timeframe")}
    for name, label in labels.items():
        parsed = module.parse((HERE / "prds" / name).read_text(encoding="utf-8"))
        present = {s for s, body in parsed.sections.items() if body.strip()}
        for section in sections:
            counts[f"section:{section}"].add(section in present, section in label["sections"])
        unmatched = list(parsed.metrics)
        for metric in label["metrics"]:
            key = metric["key"].lower()
            match = next((m for m in unmatched if key in f"{m.name} {m.text}".lower()), None)
            counts["metric"].add(match is not None, True)
            if match is None:
                continue
            unmatched.remove(match)
            counts["target"].add(match.target is not None, metric["target"])
            counts["timeframe"].add(match.timeframe is not None, metric["timeframe"])
        for _ in unmatched:
            counts["metric"].add(True, False)
    return counts


#: Where the reviewers and the modules they import lived before pmkit was split into subpackages.
FLAT_NAMES = ("findings", "prd", "stories", "vague_terms", "verbs")


def module_at(revision: str, name: str) -> ModuleType:
    """pmkit.review.<name> as it was at a git revision (pmkit.<name> before the layout change), loaded beside."""
    for candidate in (f"pmkit/review/{name}.py", f"pmkit/{name}.py"):
        shown = subprocess.run(["git", "show", f"{revision}:{candidate}"], cwd=REPO, capture_output=True, text=True,
                               check=False)
        if shown.returncode == 0:
            break
    else:
        raise FileNotFoundError(f"no reviewer {name!r} at {revision}")
    source = shown.stdout
    for flat in FLAT_NAMES:  # an older reviewer imports its neighbours by their old, flat names
        sys.modules.setdefault(f"pmkit.{flat}", importlib.import_module(f"pmkit.review.{flat}"))
    path = Path(tempfile.mkdtemp()) / f"{name}_at_revision.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(f"pmkit._{name}_at_revision", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def table(results: dict[str, dict[str, Count]]) -> str:
    """Precision and recall per criterion, one column pair per split."""
    names = list(next(iter(results.values())))
    lines = [f"{'criterion':<22}" + "".join(f"{split + ' P':>10}{split + ' R':>10}{'(tp/fp/fn)':>13}"
                                             for split in results)]
    for name in names:
        row = f"{name:<22}"
        for counts in results.values():
            c = counts[name]
            row += f"{c.precision:>10.2f}{c.recall:>10.2f}{f'({c.tp}/{c.fp}/{c.fn})':>13}"
        lines.append(row)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the figures of the reviewers in the worktree, or of those at ``--rev``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rev", help="score the reviewers of this git revision instead (e.g. HEAD~3)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    if args.rev:
        stories, prd = module_at(args.rev, "stories"), module_at(args.rev, "prd")
    else:
        from pmkit.review import prd, stories
    print(f"User stories ({args.rev or 'worktree'})")
    results = {split: score_stories(stories, split) for split in SPLITS}
    real = score_real_stories(stories)
    print(table(results | ({"real": real} if real else {})))
    print(f"\nPRDs ({args.rev or 'worktree'})")
    print(table({split: score_prds(prd, split) for split in SPLITS}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
