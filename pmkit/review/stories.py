"""User stories: parse "As a …, I want …, so that …" and review them against the Quality User Story framework.

Criteria follow Lucassen, Dalpiaz, van der Werf and Brinkkemper (2016), *Improving agile
requirements: the Quality User Story framework and tool*: ``well_formed``, ``atomic``,
``minimal``, ``unambiguous``, ``unique`` and ``uniform``. Each finding says what is wrong with
which story and how to fix it. The reviewer is heuristic, like the AQUSA tool the paper
describes: it errs toward silence, and it accepts any real-world text without raising.

One mechanism per job: a small grammar reads the parts of a story (after stripping list bullets,
checkboxes, numbering, ticket keys and bold markup); a verb test decides atomicity; a lexicon of
published vague terms decides ambiguity; templates are compared by their skeleton, so "I'd like"
and "I want" stories are the same story and a job story stands out in an "As a" backlog.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from pmkit import textio
from pmkit.review import vague_terms
from pmkit.review.findings import Finding
from pmkit.review.verbs import VERBS

CRITERIA = ("well_formed", "atomic", "minimal", "unambiguous", "unique", "uniform")

# --- the grammar of a story -------------------------------------------------------------------
#: What real lists put before a story: bullets, quotes, checkboxes, "3)", "57.", "1.2.", ticket keys
#: ("PROJ-123:", "[SHOP-88]", "#42"), "US-7 —", "Story 4:".
_PREFIX = re.compile(
    r"^\s*(?:[-*+\u2022\u2023\u25e6\u2013\u2014>]\s+|\[[ xX]?\]\s*|\(?\d{1,4}(?:\.\d{1,3})*[.)]\s+|\(?[a-z][.)]\s+"
    r"|\[?[A-Za-z][A-Za-z0-9]*-\d+\]?\s*(?:[:.\u2013\u2014-]\s*)?|#\d+\s*(?:[:.\u2013\u2014-]\s*)?"
    r"|\[?[A-Za-z]{0,6}\d{1,5}\]?\s*[:.)\u2013\u2014-]\s*"
    r"|(?:user\s+)?story\s*#?\d*\s*[:.\u2013\u2014-]\s*)", re.I)
#: Emoji and symbols before a story ("\u2705 As a …", "\u2610 As a …").
_SYMBOLS = re.compile(r"^[^\w\s\[(\"\u201c'#*_`<>|-]+\s*")
#: A tracker's title before the story: "Saved searches: As a …", "Login \u2013 As a …".
_TITLE = re.compile(r"^[^:.!?\u2013\u2014]{1,40}?\s*[:\u2013\u2014|]\s+(?=as\s+(?:an?|the)\b)", re.I)
_MARKUP = re.compile(r"\*\*|__|`|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])|(?<![\w_])_(?=\S)|(?<=\S)_(?![\w_])")
_ROLE = re.compile(r"^\s*(?P<as>as|ad|sa|a|s)\s+(?P<article>an?\b|the\b)?\s*", re.I)
_JOB = re.compile(r"^\s*when\s+(?P<situation>.+?)(?=,\s*(?:i|we)\b)", re.I)
_ENDS_FIRST = re.compile(r"^\s*(?P<indicator>so\s+that|in\s+order\s+to)\s+(?P<ends>.+?),\s*(?=as\s)", re.I)
_MEANS = re.compile(
    r"(?:^|,\s*|\s+)(?P<indicator>(?:i|we)\s*(?:'d|\s+would)\s+(?:like|love)|(?:i|we)\s+(?:(?:do\s+not|don't|only|"
    r"also|really|just|would|will)\s+)?(?:want|wish|need|must|should|can|could|expect|require|prefer|have\s+to|"
    r"be\s+able)|i\s+am\s+able|i'm\s+able|we\s+are\s+able)"
    r"(?P<to>\s+to)?(?:\s+be\s+able\s+to)?(?:\s+|$)", re.I)
_ENDS = re.compile(r",?\s*\b(?P<indicator>so\s+that|in\s+order\s+to|so\s+(?:i|we)\s+can)\b\s*(?P<ends>.*)$",
                   re.I | re.S)
#: Ends written without the template's marker: "so my method is clear", "because …", "since …", "in order research".
_WEAK_ENDS = re.compile(r",?\s+\b(?P<indicator>(?<!\bdo\s)(?<!\bdoing\s)"
                        r"so(?!\s+(?:that|as|far|much|many|on|i|we|by|too)\b)(?=\s+\w+\s+\w+)|because|"
                        r"since(?=\s+(?:i|we|they|it|this|that|my|our|there|he|she)\b)|"
                        r"in\s+order(?!\s+to\b)|to\s+ensure)\s+(?P<ends>.*)$", re.I | re.S)
#: A second story inside the same item: "As a …, I want …" again after the first means.
_SECOND_STORY = re.compile(r"(?:^|[.!?;]\s*|\s)[\"\u201c]?as\s+(?:an?|the)\s+[^,.;]{1,60}?,?\s+(?:i|we)\s*(?:'d\s|\s)"
                           r"(?:want|need|like|would|can|wish)\b", re.I)


@dataclass(frozen=True)
class Story:
    """One parsed story: its text and its role, means and ends (None where absent).

    ``form`` says which template shape it has: ``"role"`` ("As a …, I want …"), ``"job"`` ("When …,
    I want …") or ``"ends-first"`` ("So that …, as a …, I want …"); None when it has no means.
    ``body`` is the text without list bullets, numbering, ticket keys and bold markup.
    """

    text: str
    role: str | None
    means: str | None
    ends: str | None
    role_indicator: str | None = None
    means_indicator: str | None = None
    ends_indicator: str | None = None
    form: str | None = None
    body: str = ""
    second_story: str | None = None

    @property
    def template(self) -> tuple[str | None, str | None]:
        """The story's skeleton: its means verb ("i want") and ends marker ("so that"), grammar aside.

        "As a" and "As an", "I want to" and "I want to be able to", "I'd like" and "I would like",
        "so that" and "so that I can" are the same template.
        """
        means = ends = None
        if self.means_indicator:
            means = " ".join(self.means_indicator.lower().replace("\u2019", "'").split())
            means = re.sub(r"^we\b", "i", re.sub(r"\s*'d\b", " would", means)).replace("i'm", "i am")
            means = re.sub(r"\s+to$", "", means.replace("we are able", "i am able"))
            means = re.sub(r"^i (?:do not|don't|only|also|really|just) ", "i ", means)
        if self.ends_indicator:
            ends = " ".join(self.ends_indicator.lower().split())
            ends = "so" if re.fullmatch(r"so (?:i|we) can", ends) else "so \u2026" if ends == "so" else ends
        return means, ends

    @property
    def role_word(self) -> str | None:
        """How the role is introduced: "as" normally, or a near-miss such as "ad" ("Ad a user, …")."""
        return self.role_indicator.split()[0] if self.role_indicator else None


def _strip_prefix(text: str) -> str:
    """The story without markup and whatever lists and trackers put before it."""
    text = (_MARKUP.sub("", text) if "*" in text or "_" in text or "`" in text else text).strip()
    if len(text) > 2 and text[0] in "\"\u201c'" and text[-1] in "\"\u201d'":
        text = text[1:-1].strip()  # a story quoted whole
    while True:
        match = _PREFIX.match(text) or _SYMBOLS.match(text) or _TITLE.match(text)
        if not match or match.end() == 0 or not text[match.end():].strip():
            return text
        text = text[match.end():].strip()


def parse(text: str) -> Story:
    """Split a story into role, means and ends; parts it cannot find are None.

    The role runs from "As a" to the means indicator ("I want", "I need", "I'd like" …), so a
    role with a comma in it ("a researcher, working with NetCDF") is kept whole. The means
    indicator is looked for only before the ends ("so that I can …" never becomes the means).
    """
    return _parse(text)[0]


def _parse(text: str) -> tuple[Story, str | None]:
    """:func:`parse`, and the story's text from after its means indicator on (None without one)."""
    clean = " ".join(textio.normalise(str(text)).replace("\u2019", "'").split())
    body = _strip_prefix(clean)
    role = means = ends = role_ind = means_ind = ends_ind = form = second = None
    rest = body
    ends_first = _ENDS_FIRST.match(rest)
    if ends_first:
        ends, ends_ind = ends_first.group("ends").strip(), ends_first.group("indicator")
        rest = rest[ends_first.end():]
    role_match = _ROLE.match(rest)
    if role_match and role_match.group("as").lower() != "as" and not role_match.group("article"):
        role_match = None  # "A user can …": not a near-miss of "As a"
    job_match = None if role_match or ends_first else _JOB.match(rest)
    start = role_match.end() if role_match else job_match.end() if job_match else 0
    later = _SECOND_STORY.search(rest, start + 1)
    whole = rest
    if later and _MEANS.search(rest[start:later.start()]):
        second, rest = rest[later.start():].strip(" .;"), rest[:later.start()]
    ends_match = None if ends_first else _ENDS.search(rest, start)
    before_ends = rest[:ends_match.start()] if ends_match else rest
    means_match = _MEANS.search(before_ends, start)
    after = None
    if means_match and (role_match or job_match or means_match.start() == 0):
        after = whole[means_match.end():]
        if role_match:
            role = before_ends[start:means_match.start()].strip(" ,:;") or None
            role_ind = (role_match.group("as") + " " + (role_match.group("article") or "")).strip().lower()
        means_ind = means_match.group("indicator") + (means_match.group("to") or "")
        means = before_ends[means_match.end():].strip().rstrip(".,;!") or None
        weak = None if ends_match or ends_first else _WEAK_ENDS.search(means or "")
        if weak and len(means[:weak.start()].split()) >= 2:
            ends, ends_ind = weak.group("ends").strip().rstrip(".!") or None, weak.group("indicator")
            means = means[:weak.start()].strip().rstrip(".,;!") or None
        if ends_match:
            ends = ends_match.group("ends").strip().rstrip(".!") or None
            ends_ind = ends_match.group("indicator")
        form = "ends-first" if ends_first else "job" if job_match else "role" if role_match else None
    return Story(clean, role, means, ends, role_ind, means_ind, ends_ind, form, body, second), after


_ROLE_CLAUSE = re.compile(r"^as\s+[^,]*,\s*", re.I)


def asks_for(text: str) -> tuple[str, str]:
    """What a story asks for (its means, without role or benefit), and its text from there on, benefit included.

    The exercise checks read a story by it: "As an approver, I want to filter the export by date
    range, so that …" asks to "filter the export by date range", whatever its role and benefit say.
    Where the grammar finds no means, the first "I want"/"I can" anywhere starts it; failing that,
    the story is read from after its "As a …," on.
    """
    story, after = _parse(text)
    if after is None:
        means = _MEANS.search(story.body)
        after = story.body[means.end():] if means else _ROLE_CLAUSE.sub("", story.body, count=1)
    ends = _ENDS.search(after)
    return (after[:ends.start()] if ends else after).strip(" .!;,"), after


def parse_many(text: str) -> list[Story]:
    """One story per non-empty line."""
    return [parse(line) for line in textio.normalise(text).split("\n") if line.strip()]


def load(path: str | Path) -> tuple[list[Story], str]:
    """Stories from a file, one per line, and the encoding the file was read with."""
    decoded = textio.read_text(path)
    return parse_many(decoded.text), decoded.encoding


# --- atomic: two conjuncts that each hold a verb phrase ----------------------------------------
#: Binomials: fixed pairs that name one thing or one action ("drag and drop", "question and answer").
FIXED_PHRASES = ("terms and conditions", "drag and drop", "pros and cons", "search and replace", "find and replace",
                 "q&a", "r&d", "p&l", "black and white", "read and write", "read/write", "copy and paste",
                 "cut and paste", "questions and answers", "question and answer", "profit and loss",
                 "before and after", "trial and error", "plug and play", "point and click", "click and collect",
                 "check in and check out", "and/or", "terms & conditions", "i/o", "tcp/ip", "n/a", "24/7",
                 "yes/no", "on/off", "pass/fail", "true/false", "up and running", "build and test", "try and",
                 "come and", "go and")
_CONJUNCTION = re.compile(r"\s+(?:as\s+well\s+as|and\s+also|and\s+then|and|or|plus)\s+|\s*[&+]\s*|\s*/\s*", re.I)
_DETERMINERS = frozenset("a an the my our your their his her its this that these those all each every some any no "
                         "one two three another both".split())
_PRONOUNS = frozenset("it them me us him her one".split())
_PREPOSITIONS = frozenset("to in out up down on off by for with from into onto over at as back away via "
                          "through across about".split())
_PARTICLES = frozenset("in out up down on off".split())
#: "… and have my card charged": the outcome of the one action (have + object + participle), not a second one.
_OUTCOME = re.compile(r"(?:to\s+)?have\s+(?:my|our|your|their|the|a|an|it|them|this|its)\s+(?:[\w-]+\s+){0,2}?"
                      r"[\w-]+(?:ed|en)\b", re.I)
#: Words as often nouns as verbs: after a noun and before a preposition they are a second object.
_NOUN_VERBS = frozenset("schedule list report comment order plan record map message note label tag search request "
                        "review rate name email text book watch change sign update status progress".split())
#: Verbs of getting somewhere: "visit the site and …", "go to settings and …" name the way to one action.
_ON_THE_WAY = frozenset("visit visiting go going navigate navigating come coming return returning".split())
_CLAUSE_WORDS = frozenset("which what who how where when whether if why".split())
_SKIP = frozenset("to also then later directly easily just".split())
#: Words after which an unknown word is read as a verb taking an object ("rearrange them").
_OBJECTS = frozenset("my our your their them it".split())
#: Words that take such objects without being verbs.
_NOT_VERBS = frozenset("that which who whom whose what why how when where while if whether because than as of for "
                       "with from by about into onto even only both either all any each every".split())


def _words(text: str) -> list[str]:
    return re.findall(r"[\w'\"\u201c-]+", text)


def _is_verb(word: str, following: str | None = None) -> bool:
    """A verb of the lexicon, or an unknown "-ize"/"-ify" word, or any lower-case word taking an object."""
    low = word.lower()
    if word[:1].isupper() or not low.isalpha():
        return False
    if low in VERBS or (len(low) > 5 and re.search(r"(?:i[sz]e|ify)$", low)):
        return True
    return (following is not None and following.lower() in _OBJECTS and low not in _NOT_VERBS
            and not low.endswith(("s", "ly", "ed", "ing")))


def _third_person(word: str) -> bool:
    """A lexicon verb with its third-person "-s" ("shows", "sends", "flags", "searches", "copies")."""
    low = word.lower()
    return not word[:1].isupper() and low.endswith("s") and (
        low[:-1] in VERBS or low[:-2] in VERBS or (low.endswith("ies") and low[:-3] + "y" in VERBS))


def _holds_verb_phrase(left: str, right: str, left_starts_with_verb: bool = False) -> bool:
    """Whether both sides of a conjunction are verb phrases ("export the log" and "email it")."""
    left_words = [w for w in _words(left) if w.lower() not in _SKIP or w is _words(left)[-1]]
    while len(left_words) > 1 and left_words[0].lower().endswith("ly"):
        left_words = left_words[1:]  # "only depend on …", "easily create …"
    right_words = _words(right)
    while len(right_words) > 1 and right_words[0].lower() in {"to", "also", "then", "only", "just", "later"}:
        right_words = right_words[1:]
    if not left_words or not right_words:
        return False
    if left_words[0].lower() in _ON_THE_WAY:
        return False  # "visit the site and add a post": getting there is part of the one action
    if right_words[0].lower() in _PARTICLES and left_words[-1].lower() in _PARTICLES:
        return True  # "log in and out": the verb of the second conjunct is understood
    left_has_verb = (left_starts_with_verb or _is_verb(left_words[0])
                     or any(_is_verb(w) for w in re.findall(r"\bto\s+(\w+)", left)))
    following = right_words[1] if len(right_words) > 1 else None
    clause = re.search(r"\b(?:that|which|who)\s+(\w+)", left)
    if clause and _third_person(clause.group(1)) and _third_person(right_words[0]) and following:
        low = right_words[0].lower()  # "… that shows sales and flags outliers"
        stem = next(w for w in (low[:-1], low[:-2], low[:-3] + "y") if w in VERBS)
        right_words = [stem, *right_words[1:]]
    elif not left_has_verb:
        return False
    if not _is_verb(right_words[0], following):
        return False
    if len(left_words) == 1 and (left_starts_with_verb or _is_verb(left_words[0])):
        return True  # "export or print the report": the first conjunct is a bare verb
    if following is None:
        return False  # "see the name and email": a second object, not a second action
    low = following.lower()
    modifier = len(left_words) >= 2 and left_words[-2].lower() in _DETERMINERS | {"my", "our", "your"} and \
        _is_verb(left_words[-1])
    if modifier and low not in _DETERMINERS | _PRONOUNS | _PREPOSITIONS | _CLAUSE_WORDS:
        return False  # "the view and download statistics", "the save and cancel buttons": one noun phrase
    if _OUTCOME.match(right.strip()):
        return False  # "enter my card details and have my card charged": the outcome of the one action
    if right_words[0].lower() in _NOUN_VERBS and low in _PREPOSITIONS and not _is_verb(left_words[-1]) and \
            len(left_words) >= 2:
        return False  # "track my child's activity and schedule at camp": a second object, not a second action
    plural = len(low) > 3 and low.endswith("s") and not low.endswith(("ss", "us", "is"))
    takes_object = (low in _DETERMINERS or low in _PRONOUNS or low in _PREPOSITIONS or low in _CLAUSE_WORDS
                    or low[:1].isdigit())  # "see which ones are free" takes a clause
    quoted = low[:1] in "\"\u201c"
    longer = len(right_words) >= 3 and low not in _NOT_VERBS  # "assign metadata to a stage", not "answer history"
    return takes_object or plural or quoted or longer


_FIXED = re.compile("|".join(re.escape(p) for p in sorted(FIXED_PHRASES, key=len, reverse=True)), re.I)
_RANGE = re.compile(r"\b(between|both|either)\b([^,]*?)\b(and|or)\b", re.I)
_QUOTED_NAME = re.compile(r"[\"\u201c][^\"\u201d]*[\"\u201d]")


def _mask_fixed(text: str) -> str:
    """The means with binomials, ranges ("between Monday and Friday") and quoted names blanked out."""
    low = text.lower()
    if any(phrase in low for phrase in FIXED_PHRASES):
        text = _FIXED.sub(lambda m: re.sub(r"\S", "_", m.group()), text)
    masked = text
    masked = _RANGE.sub(lambda m: m.group(1) + m.group(2) + "___", masked)
    return _QUOTED_NAME.sub(lambda m: "_" * len(m.group()), masked)


#: Two requirements in one: "be assured that A, and that B".
_TWO_CLAUSES = re.compile(r"\bthat\b[^,]{3,},\s*and\s+that\b", re.I)
#: A list of actions after "including": "manage members, including inviting, editing and removing them".
_INCLUDING = re.compile(r"\bincluding\s+(\w+ing)\b[^.;]*?(?:,|\band\b|\bor\b)\s+(\w+ing)\b", re.I)
#: A conjunction inside a subordinate clause joins the clause's actions, not the story's ("when I deploy … and
#: update …", "that no one can submit … and skew …").
_SUBORDINATE = re.compile(r"\b(?:when|whenever|if|once|after|before|while|until|because)\b|"
                          r"\bthat\s+(?:\w+\s+){1,3}(?:can|could|will|would|should|must|may|cannot)\b", re.I)
#: "and be informed", "and be notified": a second, passive action.
_AND_BE = re.compile(r"(?:,|\band)\s+(?:to\s+)?be\s+(?:\w+ed|able\s+to\s+\w+|aware|informed|alerted|notified)\b", re.I)


def _gerund_verb(word: str) -> bool:
    low = word.lower()
    stem = low[:-3]
    return low.endswith("ing") and (stem in VERBS or stem + "e" in VERBS or (len(stem) > 2 and stem[-1] == stem[-2]
                                                                             and stem[:-1] in VERBS))


def _atomic(story: Story) -> str | None:
    if story.second_story and story.second_story[:1] in "\"\u201c":
        return None  # a quoted story is extra content (minimal), not a second requirement
    if story.second_story:
        return (f"it holds a second story (\u201c{_short(story.second_story)}\u201d); put each story on its own "
                "line so each can be estimated and tested on its own")
    if not story.means:
        return None
    if not _CONJUNCTION.search(story.means):
        return None
    words = [w for w in story.means.split() if w[:1].isalpha()]
    if len(words) >= 3 and words[0][:1].isupper() and sum(w[:1].isupper() for w in words) >= 0.6 * len(words):
        story = replace(story, means=story.means.lower())  # "Prepare for and Support Hearing Execution": Title Case
    advice = "split it into one story per action so each can be estimated and tested on its own"
    if _TWO_CLAUSES.search(story.means):
        return f"the means asks for two things (\u201c{_short(story.means, 80)}\u201d); {advice}"
    including = _INCLUDING.search(story.means)
    if including and _gerund_verb(including.group(1)) and _gerund_verb(including.group(2)):
        return (f"the means lists several actions after \u201cincluding\u201d (\u201c{_short(including.group(), 60)}"
                f"\u201d); {advice}")
    first_verb = re.match(r"\s*(?:\w+ly\s+)?(\w+)", story.means)
    verb_start = bool(re.search(r"\b(?:to|can|could|must|should|will)$", (story.means_indicator or "").lower()))
    if _AND_BE.search(story.means) and first_verb and (verb_start or _is_verb(first_verb.group(1))) and \
            not _SUBORDINATE.search(story.means[:_AND_BE.search(story.means).start()]):
        return f"the means joins two actions (\u201c{_short(story.means, 80)}\u201d); {advice}"
    masked = _mask_fixed(story.means)
    matches = list(_CONJUNCTION.finditer(masked))
    # "I want to <verb> …", "I can <verb> …": the grammar says the means starts with a verb
    grammar_verb = bool(re.search(r"\b(?:to|can|could|must|should|will)$", (story.means_indicator or "").lower()))
    for number, match in enumerate(matches):
        before, after = masked[:match.start()], masked[match.end():]
        if before and after and before[-1:].isalpha() and after[:1].isupper() and \
                re.search(r"\b[A-Z]\w*$", before):
            continue  # "Procter & Gamble", "Settings / Profile": one name
        if match.group().strip() == "/" and not (_is_verb((_words(before) or ["x"])[-1])
                                                 and _is_verb((_words(after) or ["x"])[0])):
            continue  # "query/report", "reports/datasets": alternatives of one word, not two actions
        if _SUBORDINATE.search(masked[:match.start()]):
            break  # the rest joins the actions of a subordinate clause, not the story's
        if match.group() == "/" and before[-1:].isalpha() and after[:1].isalpha():
            continue  # "recognize/categorize": one action named twice
        left_start = matches[number - 1].end() if number else 0
        right_end = matches[number + 1].start() if number + 1 < len(matches) else len(masked)
        left = re.split(r",\s*(?=\w)", story.means[left_start:match.start()])
        verb_first = grammar_verb and left_start == 0
        left_text = story.means[left_start:match.start()]
        if not (verb_first or _is_verb((_words(left[0]) or ["x"])[0])):
            left_text = left[-1]
        if len(left) > 1 and all(len(_words(p)) == 1 for p in left):
            left_text = left[-1]  # "create, edit and delete": a list of bare verbs
        if _holds_verb_phrase(left_text, story.means[match.end():right_end], verb_first and left_text == left[0]):
            joiner = match.group().strip() or "/"
            return (f"the means joins two actions with \u201c{joiner}\u201d (\u201c{story.means}\u201d); split it "
                    "into one story per action so each can be estimated and tested on its own")
    return None


# --- minimal: nothing but role, means and ends -------------------------------------------------
_BRACKETED = re.compile(r"\([^)]*\)?|\[[^\]]*\]?|\{[^}]*\}?")
_NOTE = re.compile(r"\b(?:e\.\s?g\.|i\.\s?e\.|n\.\s?b\.|eg:|ie:|note:|nb:|ps:|fyi:|see also|for example|"
                   r"for instance)", re.I)
_NOTE_WORDS = ("e.g", "e. g", "i.e", "i. e", "n.b", "n. b", "eg:", "ie:", "note:", "nb:", "ps:", "fyi:", "see also",
               "for example", "for instance")
#: What a tracker field after the story needs: a colon, an equals sign, a hash or a number.
_MAY_HAVE_TAIL = re.compile(r"[:=#\d]")
#: A "Field: value" line after the story's sentence ("… so that I can plan. Owner: Ana"), any field name.
_FIELD = re.compile(r"(?:[.!?]|\s[\u2013\u2014-])\s+(?P<field>[A-Z][A-Za-z]+(?:\s[A-Za-z]+)?:\s*\S.*)$")
_TAIL = re.compile(r"(?:^|[\s;,.|\u2013\u2014-])(?P<tail>(?:ac|acceptance\s+criteria|priority|prio|size|estimate|"
                   r"story\s+points|points|pts|sp|effort|labels?|tags?|due|assignee|owner|sprint|epic|status|"
                   r"moscow|value|risk|depends\s+on|dependencies)\s*[:=]\s*\S.*"
                   r"|\d{1,3}\s*(?:pts|points|story\s+points|sp)\s*\.?|#[A-Za-z][\w-]*(?:\s+#[A-Za-z][\w-]*)*)$", re.I)
#: Given/When/Then after the story. Linear: the first "Scenario:"/"Given" is found, then a "then" after it.
_GWT_START = re.compile(r"(?:^|[.;:!?]\s*|\s)(?P<gwt>(?:scenario\s*:\s*)?given\s+\S)", re.I)
_THEN = re.compile(r"\bthen\b", re.I)


class _Gwt:
    """Given/When/Then criteria carried after a story, found without backtracking."""

    @staticmethod
    def search(text: str) -> re.Match[str] | None:
        start = _GWT_START.search(text)
        if not start or not _THEN.search(text, start.end()):
            return None
        return re.compile(r"(?P<gwt>.*)", re.S).match(text, start.start("gwt"))


_GWT = _Gwt()
_ABBREVIATIONS = re.compile(r"\b(?:e\.g|i\.e|etc|vs|approx|dr|mr|mrs|ms|no|fig|incl)\.", re.I)
_SENTENCE_BREAK = re.compile(r"[.!?]\s+(?=[A-Z\"\u201c(])(?!(?i:so\s+(?:that|i|we)\b|in\s+order\s+to\b))")
#: "collection(s)", "(re-)use": a word's optional part, not a note.
_PLURAL_MARK = re.compile(r"\((?:s|es|re-?|un-?|non-?)\)", re.I)


def _short(text: str, limit: int = 50) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "\u2026"


def _part_of(story: Story, fragment: str) -> str:
    for name in ("role", "means", "ends"):
        if fragment in (getattr(story, name) or ""):
            return f"the {name}"
    return "the story"


def _minimal(story: Story) -> str | None:
    if story.second_story and story.second_story[:1] in "\"\u201c":
        return (f"it quotes another story (\u201c{_short(story.second_story.strip(chr(34) + chr(0x201c)))}\u201d); "
                "keep one story per item and move examples to a comment")
    body = story.body.split(story.second_story)[0] if story.second_story else story.body
    bracket = next((m for m in _BRACKETED.finditer(body) if not _PLURAL_MARK.fullmatch(m.group())), None)
    if bracket:
        return (f"{_part_of(story, bracket.group())} has text in brackets (\u201c{_short(bracket.group())}\u201d); "
                "move notes and examples into acceptance criteria or a comment, and keep only role, means and ends")
    checks: tuple[tuple[_Gwt | re.Pattern[str], str, str, str], ...] = (
            (_GWT, "gwt", "acceptance criteria", "put Given/When/Then criteria in their own list under the story"),
            (_TAIL, "tail", "tracker fields", "keep priority, size and criteria in their own fields, not in the "
                                              "story's sentence"))
    low = body.lower()
    for pattern, group, what, advice in checks:
        if (pattern is _GWT and "given" not in low) or (pattern is _TAIL and not _MAY_HAVE_TAIL.search(body)):
            continue  # cheap tests first: most stories carry neither
        match = pattern.search(body)
        if match:
            return (f"it carries {what} after the story (\u201c{_short(match.group(group).strip())}\u201d); "
                    f"{advice}")
    field_line = _FIELD.search(body)
    if field_line and story.means:
        return (f"it carries a field after the story (\u201c{_short(field_line.group('field'))}\u201d); keep "
                "priority, owners and notes in their own fields, not in the story's sentence")
    note = _NOTE.search(body) if any(word in low for word in _NOTE_WORDS) else None
    if note:
        return (f"it contains a note or example (\u201c{note.group().strip()}\u2026\u201d in "
                f"{_part_of(story, body[note.start():note.start() + 25].strip())}); move it out of the story")
    inner = body.rstrip(" .!?")
    if not any(mark in inner for mark in ".!?"):
        return None  # one sentence: no break inside it
    sentences = [s for s in _SENTENCE_BREAK.split(_ABBREVIATIONS.sub("_", body)) if s.strip(" .!?")]
    if len(sentences) > 1:
        return (f"it has more than one sentence (\u201c{_short(sentences[1].strip())}\u201d follows the story); "
                "keep one sentence of role, means and ends, and move the rest to the description")
    return None


# --- unambiguous: no vague terms ---------------------------------------------------------------
VAGUE = vague_terms.TERMS
#: One-word terms are looked up word by word; phrases ("as needed", "and/or") by one regular expression.
_VAGUE_WORDS = frozenset(v for v in VAGUE if re.fullmatch(r"[\w-]+", v))
_VAGUE = re.compile(r"(?<![\w-])(" + "|".join(re.escape(v) for v in sorted(set(VAGUE) - _VAGUE_WORDS, key=len,
                                                                            reverse=True)) + r")(?![\w-])", re.I)
_WORD = re.compile(r"[\w-]+")
#: The first word of each vague phrase: the phrase expression runs only where one of them is in the story.
_VAGUE_PHRASE_STARTS = frozenset(v.split()[0].split("/")[0].lower() for v in set(VAGUE) - _VAGUE_WORDS)
_QUOTED = re.compile(r"[\"\u201c][^\"\u201d]*[\"\u201d]|(?<!\w)'[^']+'(?!\w)")


def _unambiguous(story: Story) -> str | None:
    text = story.body or story.text
    if "\"" in text or "\u201c" in text or "'" in text:
        text = _QUOTED.sub(lambda m: "_" * len(m.group()), text)
    found = []
    low = text.lower()
    hits = [m for m in _WORD.finditer(text) if m.group().lower() in _VAGUE_WORDS]
    if any(word in low for word in _VAGUE_PHRASE_STARTS):
        hits += list(_VAGUE.finditer(text))
    for match in hits:
        word = match.group()
        if match.start() > 0 and word[:1].isupper() and not word.isupper():
            continue  # "Fast Track", "Easy Reader": a product name
        before = text[:match.start()].split()[-1:] or [""]
        if word.lower() in vague_terms.VERB_HOMOGRAPHS and before[0].lower() in {"to", "i", "we", "can", "and", "or"}:
            continue  # "clear my history": a verb
        if word.lower() in {"normal", "typical", "usual"} and before[0].lower() in {"my", "our", "your", "their"}:
            continue  # "my normal dependency framework": the one they use, not a vague quality
        found.append(word.lower())
    if not found:
        return None
    words = ", ".join(f"\u201c{w}\u201d" for w in sorted(set(found)))
    return (f"vague wording {words} cannot be tested; say what you mean in measurable terms "
            "(for example a time limit, a number of clicks or a named list)")


# --- well formed -------------------------------------------------------------------------------
def _well_formed(story: Story) -> str | None:
    if story.form == "job":
        return ("it is a job story (\u201cWhen \u2026, I want \u2026\u201d) with no role; write it as "
                "\u201cAs a <role>, I want <goal>, so that <benefit>\u201d")
    missing = [name for name, part in (("role", story.role), ("means", story.means)) if not part]
    if not missing:
        return None
    template = "\u201cAs a <role>, I want <goal>, so that <benefit>\u201d"
    if story.means and not story.role:
        return f"no role: it does not start with \u201cAs a <role>,\u201d; write it as {template}"
    if _ROLE.match(story.body) and not story.means:
        return (f"it names a role but no goal: say what the role wants with \u201cI want \u2026\u201d (or "
                f"\u201cI need\u201d, \u201cI can\u201d) before any \u201cso that\u201d; write it as {template}")
    return f"no {' and no '.join(missing)} found; write it as {template}"


def _as_stories(stories: str | Story | Iterable[str | Story]) -> list[Story]:
    if isinstance(stories, (str, Story)):
        stories = [stories]
    return [s if isinstance(s, Story) else parse(str(s)) for s in stories]


def _key(story: Story) -> str:
    """What a story says, without its template words, punctuation or articles: equal keys are duplicates."""
    parts = [story.role, story.means, story.ends] if story.means else [story.body or story.text]
    words = re.sub(r"[^a-z0-9 ]", " ", " ".join(p or "" for p in parts).lower()).split()
    return " ".join(w for w in words if w not in {"a", "an", "the"})


_FORMS = {"role": "\u201cAs a <role>, I want \u2026\u201d", "job": "\u201cWhen \u2026, I want \u2026\u201d",
          "ends-first": "\u201cSo that \u2026, as a <role>, I want \u2026\u201d"}


#: Requirement templates other than the story's: "The system shall …", "User can …" (a backlog may use one).
_STATEMENT = re.compile(r"^(?:the\s+)?(?P<subject>system|application|app|platform|software|tool|site|website|"
                        r"users?|customers?)\s+(?P<modal>shall|should|must|will|can|may|is\s+able\s+to)\b", re.I)


def _shape(story: Story) -> tuple[str | None, str | None, str | None, str | None]:
    """The template a story follows: (form, means verb, ends marker, role word); a requirement statement's too."""
    if story.form:
        return (story.form, *story.template, story.role_word)
    match = _STATEMENT.match(story.body)
    if not match:
        return None, None, None, None
    subject = "user" if match.group("subject").lower().startswith(("user", "customer")) else "system"
    return f"statement:{subject}", " ".join(match.group("modal").lower().split()), None, None


def _form_name(form: str) -> str:
    if form.startswith("statement:"):
        return "\u201cThe system shall \u2026\u201d" if form.endswith("system") else "\u201cUser can \u2026\u201d"
    return _FORMS[form]


def _uniform(story: Story, usual: tuple[str | None, ...]) -> str | None:
    usual_form, usual_verb, usual_marker, usual_role = usual
    form, verb, marker, role_word = _shape(story)
    if not form or (form.startswith("statement:") and not (usual_form or "").startswith("statement:")):
        return None  # a statement in a story backlog: the well-formed finding already says so
    if usual_form and form != usual_form:
        return f"is written as {_form_name(form)} where most stories use {_form_name(usual_form)}"
    if role_word and usual_role and role_word != usual_role:
        return (f"starts with \u201c{story.role_indicator}\u201d where most stories start with "
                f"\u201c{usual_role} a\u201d")
    for mine, common in ((verb, usual_verb), (marker, usual_marker)):
        if mine and common and mine != common:
            return f"uses \u201c{mine}\u201d where most stories use \u201c{common}\u201d"
    return None


#: The longest story the reviewer reads whole (characters). Real stories run to a few hundred (the longest of
#: 1,680 in the public corpus has 421); longer text is cut here, and said so, which keeps every check's time
#: bounded whatever a learner submits.
MAX_STORY = 1_000


def review(stories: str | Story | Sequence[str | Story]) -> list[Finding]:
    """Review one story or a list; return a Finding per problem, in story order.

    Never raises on odd text: anything that is not a story is reported as not well formed. A story longer than
    :data:`MAX_STORY` characters is reviewed on its first part, with a finding saying so.
    """
    if isinstance(stories, (str, Story)):
        stories = [stories]
    items = list(stories)
    too_long = {i for i, s in enumerate(items) if len(s.text if isinstance(s, Story) else str(s)) > MAX_STORY}
    items = [(str(s)[:MAX_STORY] if i in too_long and not isinstance(s, Story) else
              parse(s.text[:MAX_STORY]) if i in too_long else s) for i, s in enumerate(items)]
    parsed = _as_stories(items)
    findings: list[Finding] = [Finding(i, "minimal", f"Story {i + 1} is longer than {MAX_STORY:,} characters; "
                                                     "the review read only its start. A story is one sentence of "
                                                     "role, means and ends: move the rest to its description.")
                               for i in sorted(too_long)]
    shapes = [shape for s in parsed if (shape := _shape(s))[0]]
    usual = tuple(Counter(values).most_common(1)[0][0] if (values := [v[i] for v in shapes if v[i]]) else None
                  for i in range(4))
    seen: dict[str, int] = {}
    for index, story in enumerate(parsed):
        checks = {"well_formed": _well_formed(story), "atomic": _atomic(story), "minimal": _minimal(story),
                  "unambiguous": _unambiguous(story)}
        for criterion, problem in checks.items():
            if problem:
                findings.append(Finding(index, criterion, f"Story {index + 1}: {problem}."))
        key = _key(story)
        if not key:
            pass  # a blank line is reported as not well formed, not as a duplicate
        elif key in seen:
            findings.append(Finding(index, "unique", f"Story {index + 1} repeats story {seen[key] + 1}; "
                                                      "delete one, or say how they differ."))
        else:
            seen[key] = index
        odd = _uniform(story, usual) if len(parsed) > 2 else None
        if odd:
            findings.append(Finding(index, "uniform", f"Story {index + 1} {odd}; use one template for the whole "
                                                      "backlog."))
    return findings


@dataclass(frozen=True)
class Criterion:
    """One Given/When/Then acceptance criterion."""

    given: str
    when: str
    then: str


_GWT_CRITERION = re.compile(
    r"^\s*given\s+(?P<given>.+?)[,;]?\s+when\s+(?P<when>.+?)[,;]?\s+then\s+(?P<then>.+?)\s*\.?\s*$", re.I | re.S)


def parse_criterion(text: str) -> Criterion | None:
    """A Given/When/Then criterion (``And`` clauses stay inside their part), or None if it is not one."""
    match = _GWT_CRITERION.match(" ".join(str(text).split()))
    if not match:
        return None
    return Criterion(match.group("given"), match.group("when"), match.group("then"))
