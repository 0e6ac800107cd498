"""Chapter 12's self-assessment: which role's profile a learner's preferences match.

Each item offers an APM-flavoured and a JPM-flavoured answer and names the profile trait it
probes; the result counts the answers, says which way the learner leans, and explains it with
the role data's own description of each chosen trait.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pmkit.teach import content as course
from pmkit.teach import roles


@dataclass(frozen=True)
class Item:
    """One self-assessment question with its APM and JPM answers and the trait it probes."""

    id: str
    prompt: str
    apm_option: str
    jpm_option: str
    trait: str

    def role_of(self, answer: str | None) -> str | None:
        """APM, JPM or None for a blank answer; an unknown answer is an error naming the item."""
        if answer is None or answer == "":
            return None
        if answer in roles.ROLES:
            return answer
        if answer == self.apm_option:
            return "APM"
        if answer == self.jpm_option:
            return "JPM"
        raise ValueError(f"item {self.id!r}: {answer!r} is neither of its answers "
                         f"({self.apm_option!r} or {self.jpm_option!r})")


@dataclass(frozen=True)
class Result:
    """Counts, the lean (APM, JPM, balanced, too_few or not_attempted) and an explanation to read."""

    apm: int
    jpm: int
    unanswered: int
    lean: str
    explanation: str


def items() -> list[Item]:
    """The self-assessment items, in order."""
    frame = course.table("self_assessment").sort_values("position")
    return [Item(r.item, r.prompt, r.apm_option, r.jpm_option, r.trait) for r in frame.itertuples()]


def score(answers: Mapping[str, str | None], questionnaire: list[Item] | None = None) -> Result:
    """Score answers keyed by item id (each an option's text, ``"APM"``/``"JPM"``, or None)."""
    questionnaire = items() if questionnaire is None else questionnaire
    picks = {item.id: item.role_of(answers.get(item.id)) for item in questionnaire}
    apm = sum(1 for p in picks.values() if p == "APM")
    jpm = sum(1 for p in picks.values() if p == "JPM")
    unanswered = len(questionnaire) - apm - jpm
    if apm + jpm == 0:
        return Result(0, 0, unanswered, "not_attempted",
                      "Not answered yet: pick one answer per question to see which profile you match.")
    needed = (len(questionnaire) + 1) // 2
    if apm + jpm < needed:
        lean = "too_few"
        headline = (f"So far {apm} APM and {jpm} JPM answers: answer at least {needed} questions "
                    "to see which way you lean.")
    elif abs(apm - jpm) <= 1:
        lean = "balanced"
        headline = (f"You are balanced: {apm} answers match the APM profile and {jpm} the JPM profile. "
                    "Either title could suit you; look at how each company structures the role.")
    else:
        lean = "APM" if apm > jpm else "JPM"
        headline = (f"You lean {lean} ({roles.ROLE_NAMES[lean]}): {max(apm, jpm)} of {apm + jpm} answers "
                    f"match its profile. The first article calls {lean}s "
                    f"{roles.describe(lean, 'archetype').lower()}, expected to "
                    f"{roles.describe(lean, 'verbs')[:1].lower()}{roles.describe(lean, 'verbs')[1:]}.")
    reasons = []
    for item in questionnaire:
        role = picks[item.id]
        if role is not None:
            reasons.append(f"{item.prompt} You chose the {role} answer; the {role} profile says: "
                           f"{roles.describe(role, item.trait)}.")
    if unanswered:
        still = "1 question is still unanswered; answer it" if unanswered == 1 else \
            f"{unanswered} questions are still unanswered; answer them"
        reasons.append(f"{still} for a fuller picture.")
    return Result(apm, jpm, unanswered, lean, "\n".join([headline, *reasons]))
