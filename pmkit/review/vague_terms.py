"""Vague terms that make a requirement untestable: the lexicon behind the stories' "unambiguous" check.

Drawn from published requirements-quality lexicons: the "unbounded or ambiguous terms" of
ISO/IEC/IEEE 29148:2011, section 5.2.7 (superlatives, comparatives, subjective language,
loopholes, ambiguous adverbs and adjectives, open-ended terms); the weak phrases of NASA's
Automated Requirement Measurement tool (Wilson, Rosenberg and Hyatt, 1997); and the requirements
smells of Femmer, Méndez Fernández, Wagner and Eder (2017), *Rapid quality assurance with
Requirements Smells*, Journal of Systems and Software 123. Terms that every story uses ("be able
to", "can", "it") are left out; a few common marketing words of real backlogs ("modern", "sleek")
are the course's own additions in the same spirit.
"""

from __future__ import annotations

#: Subjective language: qualities nobody can test without a number or a named example.
SUBJECTIVE = ("user-friendly", "user friendly", "easy", "easily", "easy to use", "easy-to-use", "simple", "simply",
              "intuitive", "intuitively", "nice", "good", "great", "clean", "clear", "clearly", "modern", "beautiful",
              "attractive", "pleasant", "sensible", "elegant", "sleek", "smooth", "smoothly", "seamless", "seamlessly",
              "convenient", "conveniently", "straightforward", "hassle-free", "painless", "friendly",
              "cost-effective", "cost effective", "state-of-the-art", "cutting-edge", "world-class", "best-in-class",
              "high-quality", "high quality", "top-notch", "powerful", "robust", "flexible", "reliable", "scalable")
#: Speed without a limit.
SPEED = ("fast", "faster", "fastest", "quick", "quickly", "quicker", "instantly", "rapid", "rapidly",
         "speedy", "snappy", "promptly", "timely", "asap", "as soon as possible", "in no time")
#: Efficiency and quality adverbs and adjectives (ISO 29148's "ambiguous adverbs and adjectives").
EFFICIENCY = ("efficient", "efficiently", "effective", "effectively", "optimal", "optimally", "optimized",
              "optimised", "performant", "significant", "significantly", "relevant", "appropriate", "appropriately",
              "adequate", "adequately", "sufficient", "sufficiently", "reasonable", "reasonably", "proper",
              "properly", "suitable", "normal", "normally", "typical", "typically", "almost always", "various",
              "numerous", "a lot of", "lots of")
#: Comparatives and superlatives with nothing to compare against.
COMPARATIVE = ("better", "best", "improved", "enhanced", "easier", "simpler", "smoother", "cleaner", "clearer", "nicer",
               "more efficient", "more intuitive", "more relevant", "more useful", "more convenient")
#: Loopholes and open-ended terms.
LOOPHOLES = ("if possible", "as appropriate", "as applicable", "where applicable", "as needed", "as required",
             "if necessary", "when necessary", "if needed", "when needed",
             "when required", "as far as possible", "to the extent possible",
             "etc", "and so on", "and more", "but not limited to", "as a minimum", "and/or")

TERMS: tuple[str, ...] = SUBJECTIVE + SPEED + EFFICIENCY + COMPARATIVE + LOOPHOLES

#: Terms that are also verbs ("clear my history"): not vague after "to", a pronoun or "can". ("instant" and
#: "prompt" are left out of the lexicon: "instant payouts" and "a prompt to save" name features.)
VERB_HOMOGRAPHS = frozenset({"clean", "clear"})
