"""What chapters import: the role facts, case studies, tables, charts, quizzes, widgets and the learner's progress.

Holds ``roles`` (the articles' facts and career graph), ``cases``, ``content`` (questions, scenarios,
self-assessment items), ``display``, ``charts``, ``theme``, ``quiz``, ``widgets``, ``glossary``,
``progress``, ``self_assessment``, ``worked_examples`` (chapter 05) and ``pandas_tries`` (chapter 10).
May import ``pmkit``'s core and ``review``; never exercises, grading, runs or cohorts.
Flow: ``datasets/`` -> validated tables (``pmkit.tables``) -> a table, chart or widget in a chapter ->
the learner's answer -> feedback, and a line in their local progress record.
"""
