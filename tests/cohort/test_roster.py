"""Rosters as spreadsheets write them, and cohort folders that can be copied, moved and re-made safely."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys

import pytest

from pmkit.cohort.folder import Cohort, read_roster
from pmkit.errors import PmkitError
from pmkit.grading.gradebook import gradebook
from tests.conftest import write_roster

pytestmark = pytest.mark.slow
HEADER = "id,first_name,last_name,email\n"


def _write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def _problems(path):
    with pytest.raises(PmkitError) as err:
        read_roster(path)
    return str(err.value)


def test_ids_that_differ_only_in_case_are_refused_at_import(tmp_path):
    text = _problems(_write(tmp_path / "r.csv", HEADER + "Alice,A,A,a@example.org\nalice,A,B,b@example.org\n"))
    assert "nothing was imported" in text
    assert "line 3: id 'alice' differs only in case from 'Alice' on line 2" in text


def test_a_shared_email_is_refused_with_both_lines(tmp_path):
    rows = ["ana,Ana,A,Team@Example.org", "ben,Ben,B,ben@example.org", "cy,Cy,C,team@example.ORG", "dee,Dee,D,",
            "eve,Eve,E,"]
    text = _problems(_write(tmp_path / "r.csv", HEADER + "\n".join(rows) + "\n"))
    assert "line 4: email 'team@example.ORG' is also on line 2" in text and "nothing was imported" in text
    assert "line 6" not in text  # e-mail is optional: two blanks are not a clash


def test_long_ids_and_bad_emails_are_refused_with_the_reason(tmp_path):
    rows = [f"{'x' * 65},L,L,l@example.org", "ok1,A,A,a@b..com", "ok2,A,A,a..b@example.org", "ok3,A,A,a@-x.com",
            "ok4,A,A,a@localhost", "ok5,A,A,first.last+tag@mail.example.co.uk", "ok6,A,A,"]
    text = _problems(_write(tmp_path / "r.csv", HEADER + "\n".join(rows) + "\n"))
    assert "line 2: id 'xxxxx" in text and "is 65 characters long; ids are at most 64" in text
    for line, email in ((3, "a@b..com"), (4, "a..b@example.org"), (5, "a@-x.com"), (6, "a@localhost")):
        assert f"line {line}: email {email!r} is not an e-mail address" in text
    assert "line 7" not in text and "line 8" not in text


def test_excel_unicode_text_and_european_csv_are_read(tmp_path):
    utf16 = _write(tmp_path / "unicode.txt", "id\tfirst_name\tlast_name\temail\r\nzoë\tZoë\tLéa\tz@example.org\r\n"
                   .replace("zoë\t", "zoe\t"), "utf-16")
    assert [(r.id, r.first_name, r.last_name) for r in read_roster(utf16)] == [("zoe", "Zoë", "Léa")]
    semicolons = _write(tmp_path / "eu.csv", "id;first_name;last_name;email\nanna;Anna;Müller;a@example.de\n",
                        "cp1252")
    assert [(r.id, r.last_name, r.email) for r in read_roster(semicolons)] == [("anna", "Müller", "a@example.de")]
    wrong = _write(tmp_path / "names.csv", "login|first|last\n", "utf-16")
    assert "(read as UTF-16 (Excel's \"Unicode text\")" in _problems(wrong)


def _roster(tmp_path, ids, name="roster.csv"):
    return write_roster(tmp_path / name, ids, email="{lower}@example.org", last_name="T")


def test_cohort_roster_refuses_a_case_variant_of_an_existing_learner(tmp_path):
    cohort = Cohort.init(tmp_path / "c", _roster(tmp_path, ["alice"]))
    done = subprocess.run([sys.executable, "-m", "pmkit.cli", "cohort", "roster",
                           str(_roster(tmp_path, ["Alice", "bob"], "more.csv")), "--cohort", str(cohort.root)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2 and "differ only in case" in done.stderr and "'Alice' (the cohort has 'alice')" \
        in done.stderr
    assert cohort.learner_ids() == ["alice"]  # nothing imported, not even bob


def test_init_never_overwrites_and_a_bad_db_leaves_nothing_behind(tmp_path):
    roster = _roster(tmp_path, ["ann"])
    course = tmp_path / "course"
    course.mkdir()
    (course / "nbgrader_config.py").write_text("c = get_config()  # the instructor's own\n", encoding="utf-8")
    with pytest.raises(PmkitError, match=r"already holds nbgrader_config\.py"):
        Cohort.init(course, roster)
    assert (course / "nbgrader_config.py").read_text(encoding="utf-8").endswith("the instructor's own\n")
    assert sorted(p.name for p in course.iterdir()) == ["nbgrader_config.py"]

    target = tmp_path / "new"
    for url, expected in (("nosuchdb://x/y", "no database driver for 'nosuchdb'"),
                          ("not a url", "is not a database URL"),
                          (f"sqlite:///{tmp_path}/missing/g.db", "missing does not exist; create it first")):
        with pytest.raises(PmkitError, match=expected):
            Cohort.init(target, roster, db_url=url)
        assert not target.exists()
    bad_file = tmp_path / "file"
    bad_file.write_text("x", encoding="utf-8")
    with pytest.raises(PmkitError, match="is a file, not a folder"):
        Cohort.init(bad_file, roster)
    assert Cohort.init(target, roster).learner_ids() == ["ann"]  # the retry just works


def test_a_failure_midway_removes_what_init_made(tmp_path):
    roster = _roster(tmp_path, ["ann"])
    db = tmp_path / "g.db"
    db.write_bytes(b"this is not a database" * 100)
    with pytest.raises(Exception):  # noqa: B017 - whatever the driver raises, nothing may remain
        Cohort.init(tmp_path / "c", roster, db_url=f"sqlite:///{db}")
    assert not (tmp_path / "c").exists()


def test_a_moved_cohort_uses_its_own_gradebook(tmp_path):
    original = Cohort.init(tmp_path / "a" / "cohort", _roster(tmp_path, ["ann", "ben"]))
    moved = tmp_path / "b" / "cohort"
    moved.parent.mkdir()
    shutil.copytree(original.root, moved, symlinks=True)
    shutil.rmtree(original.root)  # the original is gone: nothing may point at it
    cohort = Cohort(moved)
    assert cohort.db_url == f"sqlite:///{moved / 'gradebook.db'}" and cohort.exchange == moved / "exchange"
    with gradebook(cohort.db_url) as book:
        book.update_or_create_student("cat", first_name="Cat")
    assert cohort.learner_ids() == ["ann", "ben", "cat"]
    assert not original.root.exists()
    listed = subprocess.run([str(sys.executable), "-m", "nbgrader", "db", "student", "list"], cwd=moved,
                            capture_output=True, text=True, check=False)
    assert listed.returncode == 0, listed.stderr
    assert "cat" in listed.stdout and "ann" in listed.stdout  # nbgrader's own tools follow the move too
    with sqlite3.connect(moved / "gradebook.db") as db:
        assert {row[0] for row in db.execute("select id from student")} == {"ann", "ben", "cat"}
