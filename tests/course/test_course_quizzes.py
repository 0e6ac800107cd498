"""Every quiz a chapter shows tests understanding, not pattern-spotting, and explains itself in good English.

The quizzes are found in the chapters' code cells themselves (``widgets.role_quiz(...)``,
``widgets.chapter_quiz("04")`` ...) and built exactly as a learner gets them.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter

import pytest

from pmkit import notebooks
from pmkit.teach import content as course
from pmkit.teach import quiz, roles, widgets
from tests.conftest import COURSE

CALL = re.compile(r"\bwidgets\.(role_quiz|chapter_quiz|task_sort|scenario_quiz)\(([^)]*)\)")


MISSING: list[str] = []  # quizzes a chapter calls for that cannot be built


def _quizzes() -> list[tuple[str, list[quiz.Question]]]:
    found = []
    for path in sorted(COURSE.glob("*.ipynb")):
        for cell in notebooks.read(path).cells:
            if cell.cell_type == "code":
                for name, args in CALL.findall(cell.source):
                    try:
                        built = eval(f"widgets.{name}({args})", {"widgets": widgets})  # our own notebooks' calls
                    except KeyError as error:
                        MISSING.append(f"{path.stem}: {name}({args}): {error}")
                        continue
                    found.append((f"{path.stem}: {name}({args})", built.questions))
    return found


QUIZZES = _quizzes()
ALL = [q for _, questions in QUIZZES for q in questions]
MULTI = [q for q in ALL if set(q.options) != {"APM", "JPM"}]


def test_the_chapters_have_quizzes():
    assert not MISSING, MISSING
    assert len(QUIZZES) >= 12 and len(ALL) >= 50


@pytest.mark.parametrize(("name", "questions"), QUIZZES, ids=[n for n, _ in QUIZZES])
def test_answers_follow_no_pattern(name, questions):
    answers = [q.answer if set(q.options) == {"APM", "JPM"} else str(q.options.index(q.answer)) for q in questions]
    assert quiz.has_pattern(answers) is None, f"{name}: {quiz.has_pattern(answers)}: {answers}"


@pytest.mark.parametrize(("name", "questions"), QUIZZES, ids=[n for n, _ in QUIZZES])
def test_the_right_answer_is_not_the_giveaway_longest(name, questions):
    multi = [q for q in questions if set(q.options) != {"APM", "JPM"}]
    longest = [q.id for q in multi if all(len(q.answer) > len(o) for o in q.options if o != q.answer)]
    if len(multi) >= 3:
        assert len(longest) <= len(multi) // 2, f"{name}: the right answer is the longest in {longest}"


def test_answer_positions_are_spread_across_the_course():
    longest = sum(all(len(q.answer) > len(o) for o in q.options if o != q.answer) for q in MULTI)
    assert longest <= len(MULTI) // 3, f"the right answer is the longest option in {longest} of {len(MULTI)}"
    places = Counter(q.options.index(q.answer) for q in MULTI)
    for place in range(3):
        assert places[place] >= len(MULTI) * 0.15, f"answers in position {place + 1}: {places[place]} of {len(MULTI)}"


def _chance(place: int) -> float:
    """The share of right answers a place would get by chance: 1/k averaged over the questions."""
    return sum(1 / len(q.options) for q in MULTI if place < len(q.options)) / len(MULTI)


def test_no_answer_position_is_favoured_across_the_course():
    places = Counter(q.options.index(q.answer) for q in MULTI)
    for place in range(max(len(q.options) for q in MULTI)):
        share = places[place] / len(MULTI)
        assert share <= _chance(place) + 0.05, (
            f"the right answer is option {place + 1} in {places[place]} of {len(MULTI)} multiple-choice questions "
            f"({share:.0%}); chance is {_chance(place):.0%}, and the course allows 5 points more")


def test_role_answers_are_balanced():
    roles_asked = Counter(q.answer for q in ALL if set(q.options) == {"APM", "JPM"})
    assert abs(roles_asked["APM"] - roles_asked["JPM"]) <= sum(roles_asked.values()) // 5, roles_asked


EXCEPTIONS = {"hour", "honest", "user", "update", "one", "usability", "usual"}


def test_every_wrong_option_gets_its_own_reason_in_good_english():
    bad_article = re.compile(r"\b(a (?:APM|MVP|SVP|[AEIOU]\w*)|an (?:JPM|PM\b|PRD|QA\b|UX\b|[b-df-hj-np-tv-z]\w*))\b")
    problems = []
    for q in ALL:
        for option in q.options:
            message = quiz.grade(q, option).message
            if option != q.answer and q.why_not.get(option) in (None, "", q.explanation):
                problems.append(f"{q.id}: {option!r} has no reason of its own")
            problems += [f"{q.id}: {m.group(0)!r}" for m in bad_article.finditer(message)
                         if m.group(0).split()[1].lower() not in EXCEPTIONS]
    assert not problems, "\n".join(problems)


def test_transfer_questions_exist_where_promised():
    ids = {q.id for q in course.questions("04")} | {q.id for q in course.questions("07")}
    assert {"ad-titled-jpm", "ad-titled-apm", "calendar-jpm", "calendar-apm", "titles-disagree"} <= ids


def test_pattern_checks_can_fail():
    assert quiz.has_pattern(["APM", "APM", "APM"]) == "three APM answers in a row at questions 1 to 3"
    assert quiz.has_pattern(["APM", "JPM", "APM", "JPM"]) == "the answers strictly alternate"
    assert quiz.has_pattern(["APM", "APM", "JPM", "APM"]) is None
    assert quiz.article("APM") == "an APM" and quiz.article("JPM") == "a JPM"


#: The chapters' own rule of thumb: a prompt that names it has already answered the question.
GIVEAWAYS = ("what gets built", "how it gets delivered")


def _gives_away(prompt: str, answer: str) -> str | None:
    """Why ``prompt`` hands the learner ``answer``: a rule-of-thumb phrase, or three of its words in a row."""
    def words(text: str) -> list[str]:
        return re.findall(r"[a-z']+", text.lower().replace("-", " "))

    said = " ".join(words(prompt))
    named = [p for p in GIVEAWAYS if p in said]
    if named:
        return f"the prompt names the rule of thumb {named[0]!r}"
    given = words(answer)
    runs = [" ".join(given[i:i + 3]) for i in range(len(given) - 2) if " ".join(given[i:i + 3]) in said]
    return f"the prompt contains the answer's words {runs[0]!r}" if runs else None


def test_no_prompt_gives_its_answer_away():
    problems = [f"{q.id}: {why}" for q in MULTI if (why := _gives_away(q.prompt, q.answer))]
    assert not problems, "\n".join(problems)


def test_the_giveaway_check_can_fail():
    assert _gives_away("Who, by the split, is making a what-gets-built call?", "The APM") is not None
    assert _gives_away("Who writes a PRD for small features?", "Writes a PRD for small features") is not None
    assert _gives_away("Who turns pain points into action items?", "The senior leader") is None


def test_a_wrong_choice_is_quoted_when_it_is_a_phrase():
    q = next(q for q in MULTI if q.id == "visibility-jpm")
    wrong = next(o for o in q.options if o != q.answer)
    assert f"you chose \u201c{wrong}\u201d. " in quiz.grade(q, wrong).message
    role = next(q for q in ALL if set(q.options) == {"APM", "JPM"} and q.answer == "JPM")
    assert "you chose APM. " in quiz.grade(role, "APM").message


# What each check asks: recall of what was read, or transfer of the distinction to a new situation.
SCENARIOS = set(course.table("scenarios")["scenario"])
KIND = dict(zip(course.table("questions")["question"], course.table("questions")["kind"], strict=True))


def _kind(question: quiz.Question) -> str:
    """A chapter question's kind from the data; a scenario is transfer; a table-cell or task item is recall."""
    if question.id in KIND:
        return KIND[question.id]
    return "transfer" if question.id in SCENARIOS else "recall"


def test_at_least_two_thirds_of_the_checks_are_transfer():
    kinds = Counter(_kind(q) for q in ALL)
    assert kinds["transfer"] >= 2 * len(ALL) / 3, (
        f"{kinds['transfer']} of {len(ALL)} checks are transfer items; at least two thirds must be: "
        f"recall items are {sorted(q.id for q in ALL if _kind(q) == 'recall')}")


# Cue words: the articles' own wording for one role, which answers a situation without understanding it.
STOPWORDS = frozenset("a an the and or of to for in on with by from as at its it is are be that this their they "
                      "them each any one two new what which who how not no up out into about over per own".split())
CUE_LISTS = ("responsibilities", "decisions", "day", "influence")


def _stems(text: str) -> list[str]:
    """Content words, crudely stemmed so that "tests", "testing" and "test" meet."""
    out = []
    for word in re.findall(r"[a-z]+", text.lower().replace("\u2019", "'").replace("'s ", " ")):
        if word in STOPWORDS or len(word) < 2:
            continue
        for suffix in ("ing", "ies", "es", "ed", "s"):
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                word = word[: -len(suffix)] + ("y" if suffix == "ies" else "")
                break
        out.append(word)
    return out


def _phrases(text: str) -> set[str]:
    stems = _stems(text)
    return set(stems) | {f"{a} {b}" for a, b in itertools.pairwise(stems)}


def cue_words() -> dict[str, str]:
    """The articles' wording that points at one role: word pairs found on one role's side only, and words
    found in three or more of one role's rows and none of the other's (datasets/roles/ rows)."""
    tables = roles.all_tables()
    items = tables["role_items"]
    rows = [(r.role, r.item) for r in items[items["list"].isin(CUE_LISTS)].itertuples()]
    rows += [(role, getattr(r, role.lower())) for r in tables["comparisons"].itertuples() for role in roles.ROLES]
    words: dict[str, Counter] = {}
    pairs: dict[str, Counter] = {}
    for role, text in rows:
        stems = _stems(text)
        for word in set(stems):
            words.setdefault(word, Counter())[role] += 1
        for pair in {f"{a} {b}" for a, b in itertools.pairwise(stems)}:
            pairs.setdefault(pair, Counter())[role] += 1
    cues = {w: next(iter(c)) for w, c in words.items() if len(c) == 1 and sum(c.values()) >= 3}
    cues.update({p: next(iter(c)) for p, c in pairs.items() if len(c) == 1})
    return cues


CUES = cue_words()


def _role_asked(question: quiz.Question) -> str | None:
    """The role a question's answer names (APM/JPM, or "The APM's list..."), or None."""
    first = " ".join(question.answer.split()[:3])
    named = [r for r in roles.ROLES if re.search(rf"\b{r}", first)]
    return named[0] if len(named) == 1 else None


def _cues_in(prompt: str, role: str) -> list[str]:
    return sorted(c for c in _phrases(prompt) if CUES.get(c) == role)


SITUATIONS = [q for q in ALL if _kind(q) == "transfer" and _role_asked(q)]
@pytest.mark.parametrize("question", SITUATIONS, ids=[q.id for q in SITUATIONS])
def test_no_situation_carries_the_articles_cue_words(question):
    found = _cues_in(question.prompt, _role_asked(question))
    assert not found, (f"{question.id}: the prompt uses the articles' own wording for the {_role_asked(question)}, "
                       f"{found}: tell the situation in other words")


def test_cue_words_come_from_the_role_data_and_can_fail():
    assert CUES["usability test"] == "APM" and CUES["support"] == "JPM" and CUES["qa"] == "JPM"
    assert "work" not in CUES and "product" not in CUES  # words both sides use are no cue
    assert _cues_in("Support keeps hearing that a label confuses users.", "JPM") == ["support"]
    assert _cues_in("Usability tests showed users hesitating.", "APM") == ["usability test"]
    assert _cues_in("Customers who wrote in misread the label.", "JPM") == []
    assert len(SITUATIONS) >= 15


def test_a_suggested_ui_change_is_not_called_delivery():
    ui = next(q for q in course.scenario_questions() if q.id == "support-ui")
    for choice in ui.options:
        message = quiz.grade(ui, choice).message
        assert "about how it gets delivered" not in message and "rule of thumb does not settle it" in message


def test_situation_feedback_gives_a_reason_not_a_list():
    for q in [q for q in ALL if _kind(q) == "transfer"]:
        for choice in q.options:
            assert "is on the first article's list for" not in quiz.grade(q, choice).message, q.id
