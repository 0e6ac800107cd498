"""A bootcamp's cohort folder: roster, releases, collected submissions, deadlines, feedback, reports, exports.

Holds ``folder`` (the cohort, which hands the grading run its inputs as data), ``roster``, ``collect``,
``deadlines``, ``feedback``, ``report``, ``lms_export``, ``html_pages`` (from ``templates/``),
``nbgrader_settings`` (what the cohort's nbgrader_config.py applies) and ``formgrader`` (its extension).
May import every layer below: core, review, teach, exercises, grading and runs; never the hub or cli.
Flow: roster -> release -> collect -> grade (``runs`` over ``grading.exercise_source``) -> gradebook ->
feedback pages, dashboard and LMS export.
"""
