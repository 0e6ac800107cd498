"""One notebook, graded safely: the engine ``pmkit check`` and every grading run use.

Holds ``engine`` (the course and the steps), ``gradebook`` (nbgrader's gradebook, resources, sanitising,
the score clamp), ``sandbox`` (bubblewrap), ``cgroups`` (a control group per sandbox), ``answers`` and
``trusted`` (answers as data, tests apart),
``regrade`` (what a failure may remove), ``releases`` (which exercise and release a notebook is),
``late_policy`` (nbgrader's late-submission plugin), and
the two sources a grading run grades: ``exercise_source`` (pmkit's exercises) and ``nbgrader_course``.
May import ``pmkit``'s core, ``review``, ``teach`` and ``exercises``; never runs, cohorts or the hub.
Flow: submission -> nbgrader's sanitising -> sandboxed kernel -> answers as data -> trusted tests ->
scores clamped -> gradebook.
"""
