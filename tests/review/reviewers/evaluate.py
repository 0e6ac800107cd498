"""Score pmkit's story and PRD reviewers on the labelled development set, per criterion and split."""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
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


def backlogs(split: str, source: Path | None = None) -> list[tuple[str, list[tuple[set[str], str]]]]:
    """The backlogs of one split of a stories file (stories.tsv by default): name and (labels, story) pairs."""
    result: list[tuple[str, list[tuple[set[str], str]]]] = []
    keep = False
    for number, line in enumerate((source or HERE / "stories.tsv").read_text(encoding="utf-8").splitlines(), 1):
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


#: The shared corpora beside the clone (``../shared``), or where PMKIT_SHARED says (a worktree elsewhere).
CORPUS = Path(os.environ.get("PMKIT_SHARED") or REPO.parent / "shared") / "corpora" / "user-stories"


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
    return _score_corpus(module, corpus_sample()) if CORPUS.is_dir() else None


def score_stories(module: ModuleType, split: str) -> dict[str, Count]:
    """Per QUS criterion, how the reviewer's findings compare with the labels."""
    if split == "real":
        return score_real_stories(module) or {}
    if split in REAL_SPLITS:
        return _score_corpus(module, real_stories(split)) if CORPUS.is_dir() else {}
    counts = {c: Count() for c in STORY_CRITERIA}
    source = LEARNER / "stories.tsv" if split == "learner" else HERE / "stories.tsv"
    for _, items in backlogs(split, source):
        found: dict[int, set[str]] = defaultdict(set)
        for finding in module.review([story for _, story in items]):
            found[finding.index].add(finding.criterion)
        for index, (labels, _) in enumerate(items):
            for criterion in STORY_CRITERIA:
                counts[criterion].add(criterion in found[index], criterion in labels)
    return counts


REAL = HERE / "real"
LEARNER = HERE / "learner"
#: The splits of real documents: "blind" was set aside before anything new was read (real/split.tsv).
REAL_SPLITS = ("blind", "real-dev")


def _column(split: str) -> str:
    """The split's value in real/stories.tsv and real/prds.json ("real-dev" is "dev" there)."""
    return split.removeprefix("real-")


def real_stories(split: str) -> dict[str, dict[int, set[str]]]:
    """The labelled real stories of one split of real/stories.tsv: per corpus file, line and criteria."""
    sample: dict[str, dict[int, set[str]]] = defaultdict(dict)
    for line in (REAL / "stories.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, number, where, labels = line.split("\t")
            if where == _column(split):
                sample[name][int(number)] = {c for c in labels.split(",") if c != "-"}
    return sample


def _score_corpus(module: ModuleType, sample: dict[str, dict[int, set[str]]]) -> dict[str, Count]:
    from pmkit import textio
    counts = {c: Count() for c in STORY_CRITERIA}
    for name, labelled in sample.items():
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


def real_prds(split: str) -> dict[str, tuple[dict, str | None]]:
    """The labelled real PRDs of one split: name, labels and text (None where neither copy nor cache holds it)."""
    labels = json.loads((REAL / "prds.json").read_text(encoding="utf-8"))
    result = {}
    for name, label in labels.items():
        if name.startswith("_") or label["split"] != _column(split):
            continue
        path = next((p for p in (REAL / "prds" / f"{name}.md", REAL / "cache" / f"{name}.md") if p.is_file()), None)
        result[name] = (label, path.read_text(encoding="utf-8", errors="replace") if path else None)
    return result


def learner_prds() -> dict[str, tuple[dict, str]]:
    """The learner-answer PRDs: name, labels and text."""
    labels = json.loads((LEARNER / "prds.json").read_text(encoding="utf-8"))
    return {name: (label, (LEARNER / "prds" / name).read_text(encoding="utf-8"))
            for name, label in labels.items() if not name.startswith("_")}


def score_prds(module: ModuleType, split: str) -> dict[str, Count]:
    """Per section, and for metrics, targets and timeframes, how the parser compares with the labels."""
    if split in REAL_SPLITS:
        return _score_prd_texts(module, {n: v for n, v in real_prds(split).items() if v[1] is not None})
    if split == "learner":
        return _score_prd_texts(module, learner_prds())
    labels = {k: v for k, v in json.loads((HERE / "prds.json").read_text(encoding="utf-8")).items()
              if k.startswith(f"{split}/")}
    return _score_prd_texts(module, {k: (v, (HERE / "prds" / k).read_text(encoding="utf-8"))
                                     for k, v in labels.items()})


PRD_SECTIONS = ("problem", "users", "goals", "metrics", "scope", "non_goals", "requirements", "risks", "launch")


def _score_prd_texts(module: ModuleType, documents: dict[str, tuple[dict, str]]) -> dict[str, Count]:
    sections = PRD_SECTIONS
    counts = {f"section:{s}": Count() for s in sections} | {k: Count() for k in ("metric", "target", "timeframe")}
    for label, text in documents.values():
        parsed = module.parse(text)
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


def _source_at(revision: str, name: str) -> str | None:
    """The source of pmkit.review.<name> (pmkit.<name> before the layout change) at a git revision, or None."""
    for candidate in (f"pmkit/review/{name}.py", f"pmkit/{name}.py"):
        shown = subprocess.run(["git", "show", f"{revision}:{candidate}"], cwd=REPO, capture_output=True, text=True,
                               check=False)
        if shown.returncode == 0:
            return shown.stdout
    return None


def _load(source: str, module_name: str) -> ModuleType:
    path = Path(tempfile.mkdtemp()) / f"{module_name.rsplit('.', 1)[-1]}.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def module_at(revision: str, name: str) -> ModuleType:
    """pmkit.review.<name> as it was at a git revision, loaded beside, with its neighbours of that revision too.

    The reviewer imports its lexicons (vague terms, verbs) and Finding by name; while it loads, those names
    point at the same revision's modules, so a "before" score is not lifted by today's lexicons.
    """
    source = _source_at(revision, name)
    if source is None:
        raise FileNotFoundError(f"no reviewer {name!r} at {revision}")
    saved = {}
    for flat in FLAT_NAMES:
        if flat == name:
            continue
        current = importlib.import_module(f"pmkit.review.{flat}")
        old = _source_at(revision, flat)
        neighbour = _load(old, f"pmkit._{flat}_at_{revision}") if old is not None else current
        for key in (f"pmkit.review.{flat}", f"pmkit.{flat}"):  # an older reviewer imports them by flat names
            saved[key] = sys.modules.get(key)
            sys.modules[key] = neighbour
    review_package = sys.modules["pmkit.review"]
    saved_attributes = {flat: getattr(review_package, flat, None) for flat in FLAT_NAMES}
    try:
        for flat in FLAT_NAMES:
            if f"pmkit.review.{flat}" in saved:
                setattr(review_package, flat, sys.modules[f"pmkit.review.{flat}"])
        return _load(source, f"pmkit._{name}_at_revision_{revision.replace('^', '_').replace('~', '_')}")
    finally:
        for key, module in saved.items():
            if module is None:
                sys.modules.pop(key, None)
            else:
                sys.modules[key] = module
        for flat, module in saved_attributes.items():
            if module is not None:
                setattr(review_package, flat, module)


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
    parser.add_argument("--no-blind", action="store_true", help="leave the blind split out (while tuning)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    if args.rev:
        stories, prd = module_at(args.rev, "stories"), module_at(args.rev, "prd")
    else:
        from pmkit.review import prd, stories
    splits = ["real-dev", "learner", *SPLITS] if args.no_blind else [*REAL_SPLITS, "learner", *SPLITS]
    print(f"User stories ({args.rev or 'worktree'})")
    results = {split: score_stories(stories, split) for split in splits}
    real = score_real_stories(stories)
    print(table({k: v for k, v in results.items() if v} | ({"real": real} if real else {})))
    print(f"\nPRDs ({args.rev or 'worktree'})")
    print(table({split: score_prds(prd, split) for split in splits}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


def learner_precision(story_module: ModuleType, prd_module: ModuleType) -> dict[str, Count]:
    """What a learner sees: each finding on a learner answer, right (tp) or wrong (fp); misses count as fn.

    Stories: per criterion, as in :func:`score_stories`. PRDs: a ``missing:<section>`` finding is wrong where the
    answer has the section; a metric finding is wrong where the metric states what it says is missing, or where
    the "metric" is none of the labelled ones.
    """
    counts = {"stories": Count(), "prds": Count()}
    for criterion in score_stories(story_module, "learner").values():
        counts["stories"].tp += criterion.tp
        counts["stories"].fp += criterion.fp
        counts["stories"].fn += criterion.fn
    for label, text in learner_prds().values():
        parsed = prd_module.parse(text)
        findings = prd_module.review(parsed)
        has = set(label["sections"])
        said = {f.criterion.split(":", 1)[1] for f in findings if f.criterion.startswith("missing:")}
        for section in PRD_SECTIONS:
            counts["prds"].add(section in said, section not in has)
        unmatched = list(range(len(parsed.metrics)))
        for metric in label["metrics"]:
            key = metric["key"].lower()
            index = next((i for i in unmatched if key in f"{parsed.metrics[i].name} {parsed.metrics[i].text}".lower()),
                         None)
            if index is None:
                continue
            unmatched.remove(index)
            about = {f.criterion for f in findings if f.index == index}
            counts["prds"].add("metric_without_target" in about, not metric["target"])
            counts["prds"].add("metric_without_timeframe" in about, not metric["timeframe"])
        counts["prds"].fp += sum(1 for f in findings if f.index in unmatched)
    return counts
