"""User stories: parse "As a …, I want …, so that …" and review them against the Quality User Story framework.

Criteria follow Lucassen, Dalpiaz, van der Werf and Brinkkemper (2016), *Improving agile
requirements: the Quality User Story framework and tool*: ``well_formed``, ``atomic``,
``minimal``, ``unambiguous``, ``unique`` and ``uniform``. Each finding says what is wrong with
which story and how to fix it. The reviewer is heuristic, like the AQUSA tool the paper
describes: it errs toward silence, and it accepts any real-world text without raising.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pmkit import textio
from pmkit.findings import Finding

CRITERIA = ("well_formed", "atomic", "minimal", "unambiguous", "unique", "uniform")

_ROLE = re.compile(r"^\s*as\s+(?P<article>an?\b|the\b)?\s*", re.I)
_MEANS = re.compile(
    r"(?:^|,\s*|\s+)(?P<indicator>i\s+(?:want|wish|need|would\s+like|'d\s+like|must|should|can|am\s+able)"
    r"(?:\s+to)?(?:\s+be\s+able\s+to)?)\s+", re.I)
_ENDS = re.compile(r",?\s*\b(?P<indicator>so\s+that|in\s+order\s+to|so\s+i\s+can)\b\s*(?P<ends>.*)$", re.I | re.S)

#: Vague words that make a story untestable (the paper's "unambiguous" criterion).
VAGUE = ("user-friendly", "user friendly", "fast", "faster", "quick", "quickly", "intuitive", "easy", "easily",
         "simple", "simply", "various", "etc", "efficient", "efficiently", "flexible", "seamless", "seamlessly",
         "robust", "appropriate", "nice", "as soon as possible", "and so on")
_VAGUE = re.compile(r"(?<![\w-])(" + "|".join(re.escape(v) for v in VAGUE) + r")(?![\w-])", re.I)

#: Fixed phrases in which a conjunction joins no two features.
FIXED_PHRASES = ("terms and conditions", "drag and drop", "pros and cons", "search and replace", "q&a", "r&d",
                 "black and white", "read and write", "copy and paste", "questions and answers",
                 "and/or", "terms & conditions", "i/o", "tcp/ip", "n/a", "24/7", "yes/no", "on/off")
_CONJUNCTION = re.compile(r"\s(?:and|or)\s|\s*&\s*|(?<=[A-Za-z])\s*/\s*(?=[A-Za-z])", re.I)
_BRACKETS = re.compile(r"[()\[\]{}]")
_NOTE = re.compile(r"\b(?:e\.g\.|i\.e\.|note:|nb:|n\.b\.)", re.I)
_SENTENCE_BREAK = re.compile(r"(?<=[a-z0-9)][.!?])\s+(?=[A-Z])")


@dataclass(frozen=True)
class Story:
    """One parsed story: its text and its role, means and ends (None where absent)."""

    text: str
    role: str | None
    means: str | None
    ends: str | None
    role_indicator: str | None = None
    means_indicator: str | None = None
    ends_indicator: str | None = None

    @property
    def template(self) -> tuple[str | None, str | None]:
        """The story's skeleton: its means verb ("i want") and ends marker ("so that"), grammar aside.

        "As a" and "As an", or "I want to" and "I want to be able to", are the same template.
        """
        means = ends = None
        if self.means_indicator:
            means = re.sub(r"\s+(?:to\s+)?(?:be\s+able\s+to|to)$", "", " ".join(self.means_indicator.lower().split()))
        if self.ends_indicator:
            ends = " ".join(self.ends_indicator.lower().split())
        return means, ends


def parse(text: str) -> Story:
    """Split a story into role, means and ends; parts it cannot find are None.

    The role runs from "As a" to the means indicator ("I want", "I need", "I'd like" …), so a
    role with a comma in it ("a researcher, working with NetCDF") is kept whole.
    """
    clean = " ".join(textio.normalise(str(text)).split())
    role = means = ends = role_ind = means_ind = ends_ind = None
    role_match = _ROLE.match(clean)
    rest = clean[role_match.end():] if role_match else clean
    means_match = _MEANS.search(rest)
    if means_match and (role_match or means_match.start() == 0):
        if role_match:
            role = rest[:means_match.start()].strip(" ,") or None
            role_ind = ("as " + (role_match.group("article") or "")).strip().lower()
        means_ind = means_match.group("indicator")
        rest = rest[means_match.end():]
        ends_match = _ENDS.search(rest)
        if ends_match:
            ends = ends_match.group("ends").strip().rstrip(".") or None
            ends_ind = ends_match.group("indicator")
            rest = rest[:ends_match.start()]
        means = rest.strip().rstrip(".,") or None
    return Story(clean, role, means, ends, role_ind, means_ind, ends_ind)


def parse_many(text: str) -> list[Story]:
    """One story per non-empty line."""
    return [parse(line) for line in textio.normalise(text).split("\n") if line.strip()]


def load(path: str | Path) -> tuple[list[Story], str]:
    """Stories from a file, one per line, and the encoding the file was read with."""
    decoded = textio.read_text(path)
    return parse_many(decoded.text), decoded.encoding


def _without_fixed_phrases(text: str) -> str:
    lowered = text.lower()
    for phrase in FIXED_PHRASES:
        lowered = lowered.replace(phrase, "_" * len(phrase))
    return re.sub(r"\bbetween\b[^,]*?\band\b", "between", lowered)  # "between X and Y" is one range


def _atomic(story: Story) -> str | None:
    if not story.means:
        return None
    match = _CONJUNCTION.search(_without_fixed_phrases(story.means))
    if not match:
        return None
    joiner = match.group().strip() or "/"
    return (f"the means joins two things with \u201c{joiner}\u201d (\u201c{story.means}\u201d); split it into "
            "one story per action or object so each can be estimated and tested on its own")


def _minimal(story: Story) -> str | None:
    body = " ".join(p for p in (story.means, story.ends) if p) or story.text
    if _BRACKETS.search(body):
        return ("it contains text in brackets; move notes and examples out of the story (into acceptance "
                "criteria or a comment) and keep only role, means and ends")
    if _NOTE.search(body):
        return "it contains a note or example (e.g., i.e., note:); move it out of the story"
    if len([s for s in _SENTENCE_BREAK.split(body) if s.strip()]) > 1:
        return "it has more than one sentence; keep one sentence of role, means and ends"
    return None


def _unambiguous(story: Story) -> str | None:
    found = sorted({m.group(1).lower() for m in _VAGUE.finditer(story.text)})
    if not found:
        return None
    words = ", ".join(f"\u201c{w}\u201d" for w in found)
    return (f"vague wording {words} cannot be tested; say what you mean in measurable terms "
            "(for example a time limit, a number of clicks or a named list)")


def _well_formed(story: Story) -> str | None:
    missing = [name for name, part in (("role", story.role), ("means", story.means)) if not part]
    if not missing:
        return None
    return (f"no {' and no '.join(missing)} found; write it as \u201cAs a <role>, I want <goal>, so that "
            "<benefit>\u201d")


def _as_stories(stories: str | Story | Iterable[str | Story]) -> list[Story]:
    if isinstance(stories, (str, Story)):
        stories = [stories]
    return [s if isinstance(s, Story) else parse(str(s)) for s in stories]


def review(stories: str | Story | Sequence[str | Story]) -> list[Finding]:
    """Review one story or a list; return a Finding per problem, in story order.

    Never raises on odd text: anything that is not a story is reported as not well formed.
    """
    parsed = _as_stories(stories)
    findings: list[Finding] = []
    verbs = Counter(s.template[0] for s in parsed if s.role and s.means)
    markers = Counter(s.template[1] for s in parsed if s.role and s.means and s.ends)
    usual_verb = verbs.most_common(1)[0][0] if verbs else None
    usual_marker = markers.most_common(1)[0][0] if markers else None
    seen: dict[str, int] = {}
    for index, story in enumerate(parsed):
        checks = {"well_formed": _well_formed(story)}
        if not checks["well_formed"]:
            checks |= {"atomic": _atomic(story), "minimal": _minimal(story)}
        checks["unambiguous"] = _unambiguous(story)
        for criterion, problem in checks.items():
            if problem:
                findings.append(Finding(index, criterion, f"Story {index + 1}: {problem}."))
        key = re.sub(r"[^a-z0-9 ]", "", story.text.lower()).strip()
        if not key:
            pass  # a blank line is reported as not well formed, not as a duplicate
        elif key in seen:
            findings.append(Finding(index, "unique", f"Story {index + 1} repeats story {seen[key] + 1}; "
                                                      "delete one, or say how they differ."))
        else:
            seen[key] = index
        if story.role and story.means and len(parsed) > 2:
            verb, marker = story.template
            odd = [(mine, usual) for mine, usual in ((verb, usual_verb), (marker, usual_marker))
                   if mine and usual and mine != usual]
            if odd:
                mine, usual = odd[0]
                findings.append(Finding(index, "uniform", (
                    f"Story {index + 1} uses \u201c{mine}\u201d where most stories use \u201c{usual}\u201d; "
                    "use one template for the whole backlog.")))
    return findings


@dataclass(frozen=True)
class Criterion:
    """One Given/When/Then acceptance criterion."""

    given: str
    when: str
    then: str


_GWT = re.compile(r"^\s*given\s+(?P<given>.+?)[,;]?\s+when\s+(?P<when>.+?)[,;]?\s+then\s+(?P<then>.+?)\s*\.?\s*$",
                  re.I | re.S)


def parse_criterion(text: str) -> Criterion | None:
    """A Given/When/Then criterion (``And`` clauses stay inside their part), or None if it is not one."""
    match = _GWT.match(" ".join(str(text).split()))
    if not match:
        return None
    return Criterion(match.group("given"), match.group("when"), match.group("then"))
