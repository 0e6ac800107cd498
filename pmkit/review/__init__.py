"""The artifact reviewers: what a PM would say about a user story or a PRD, as findings with a hint.

Holds ``stories`` (the Quality User Story criteria), ``prd`` (sections, metrics, targets), ``findings``
(one problem found), ``verbs`` and ``vague_terms`` (their word lists). May import only ``pmkit``'s core:
chapters, exercise checks and graders all build on it. Flow: text -> parsed parts (role, want,
benefit; sections, metrics) -> a finding per criterion broken, each naming where and what to do.
"""
