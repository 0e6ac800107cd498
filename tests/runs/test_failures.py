"""Operator and machine problems become one sentence (fast: no grading)."""

from __future__ import annotations

import errno
import sqlite3

from pmkit.operator_errors import explain, last_meaningful_line, nbgrader_failure

NBGRADER_LOG = """[INFO] Updating/creating assignment 'beta-metrics'
[ERROR] There was an error processing assignment: /tmp/course/submitted/ben/beta-metrics
[ERROR] Traceback (most recent call last):
      File "/venv/nbgrader/converters/base.py", line 390, in convert_notebooks
        self.convert_single_notebook(notebook_filename)
        raise ValidationError(msg)
    jsonschema.exceptions.ValidationError: Notebook failed to validate; the nbgrader metadata may be corrupted.

[ERROR] There was an error processing assignment 'beta-metrics' for student 'ben'
[ERROR] Please see the the above traceback for details on the specific errors on the above failures.
"""


def test_the_meaningful_line_of_an_nbgrader_log():
    assert last_meaningful_line(NBGRADER_LOG) == ("jsonschema.exceptions.ValidationError: Notebook failed to "
                                                  "validate; the nbgrader metadata may be corrupted.")
    assert len(last_meaningful_line("ValueError: " + "x" * 5000)) == 300


def test_database_errors_never_advise_nbgrader_db_upgrade():
    log = ("sqlite3.OperationalError: database is locked\nNbGraderException: There was an error accessing the "
           "nbgrader database. To resolve the issue, first BACK UP your database and then run `nbgrader db upgrade`.")
    text = nbgrader_failure(log, "sqlite:////c/gradebook.db")
    assert text.startswith("the gradebook (sqlite:////c/gradebook.db) is locked by another program")
    assert "upgrade" not in text
    assert "damaged" in explain(sqlite3.DatabaseError("file is not a database"))
    assert "***" in explain(sqlite3.OperationalError("could not connect"), "postgresql://u:secret@h/db")


def test_disk_and_folder_errors():
    full = OSError(errno.ENOSPC, "No space left on device", "/c/.pmkit/x")
    assert explain(full) == ("the disk is full (writing /c/.pmkit/x); free some space and run this again: nothing "
                             "done is lost")
    assert "read-only file system" in explain(OSError(errno.EROFS, "Read-only file system", "/c"))
    assert explain(ValueError("a real bug")) is None  # a bug keeps its traceback
