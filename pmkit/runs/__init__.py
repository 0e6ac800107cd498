"""Many notebooks: the parallel grading run, its resume state and its lock.

Holds ``runner`` (workers, time limits, progress, summary), ``source`` (what a course must offer the
run), ``messages`` (what the run and its workers say), ``resume`` and ``lock``. May import the layers
below (core to ``grading``); never cohorts, the hub or the command line (a course is handed in as a source).
Flow: source's submissions -> resume decides what to grade -> workers grade (``grading``) -> the
parent saves through the source, records the outcome, prints progress.
"""
