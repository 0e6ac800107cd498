"""Every way a data file can be broken gives a DataError naming the file, line and column."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from pmkit.errors import DataError
from pmkit.teach import roles


def _rewrite(path, transform):
    path.write_text(transform(path.read_text(encoding="utf-8")), encoding="utf-8")


def test_missing_file(data_copy):
    (data_copy / "salaries.csv").unlink()
    with pytest.raises(DataError) as err:
        roles.salaries()
    assert err.value.path.name == "salaries.csv"
    assert "missing" in str(err.value) and "git checkout" in str(err.value)


def test_missing_datasets_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("PMKIT_DATASETS", str(tmp_path / "nowhere"))
    with pytest.raises(Exception, match="datasets folder is missing"):
        roles.salaries()


def test_empty_file(data_copy):
    (data_copy / "salaries.csv").write_text("", encoding="utf-8")
    with pytest.raises(DataError, match=re.escape("salaries.csv: the file is empty")):
        roles.salaries()


def test_truncated_file_with_too_few_rows(data_copy):
    _rewrite(data_copy / "salaries.csv", lambda t: "\n".join(t.splitlines()[:2]) + "\n")
    with pytest.raises(DataError, match="has 1 data rows, expected at least 2"):
        roles.salaries()


def test_truncated_row(data_copy):
    # The file was cut off in the middle of its last line.
    _rewrite(data_copy / "career_paths.csv", lambda t: t.rstrip("\n")[:-40])
    lines = (data_copy / "career_paths.csv").read_text(encoding="utf-8").splitlines()
    with pytest.raises(DataError) as err:
        roles.career_paths()
    assert err.value.line == len(lines)
    assert "fields, expected 8" in str(err.value)


def test_header_mismatch(data_copy):
    _rewrite(data_copy / "salaries.csv", lambda t: t.replace("low,high", "minimum,high", 1))
    with pytest.raises(DataError) as err:
        roles.salaries()
    assert err.value.line == 1
    assert "missing low" in str(err.value) and "unexpected minimum" in str(err.value)


def test_non_numeric_salary(data_copy):
    _rewrite(data_copy / "salaries.csv", lambda t: t.replace("70000", "70k"))
    with pytest.raises(DataError) as err:
        roles.salaries()
    assert (err.value.path.name, err.value.line, err.value.column) == ("salaries.csv", 2, "low")
    assert "'70k', which is not a valid int" in str(err.value)


def test_low_above_high(data_copy):
    _rewrite(data_copy / "salaries.csv", lambda t: t.replace("60000,95000", "96000,95000"))
    with pytest.raises(DataError, match=r"line 3: low \(96000\) must be below high \(95000\)"):
        roles.salaries()


def test_unknown_choice(data_copy):
    _rewrite(data_copy / "salaries.csv", lambda t: t.replace("APM,United", "CPO,United"))
    with pytest.raises(DataError) as err:
        roles.salaries()
    assert err.value.column == "role" and "'CPO', which is not one of: APM, JPM" in str(err.value)


def test_empty_required_value(data_copy):
    _rewrite(data_copy / "comparisons.csv", lambda t: t.replace("Owns small features", ""))
    with pytest.raises(DataError) as err:
        roles.comparison()
    assert (err.value.line, err.value.column) == (2, "apm")
    assert "empty but a value is required" in str(err.value)


def test_duplicate_key(data_copy):
    path = data_copy / "case_studies.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"line 5: duplicates the key \{'case': 1\} of line 2"):
        roles.case_studies()


def test_half_given_timing(data_copy):
    _rewrite(data_copy / "career_paths.csv", lambda t: t.replace("apm_ladder,12,18", "apm_ladder,12,"))
    with pytest.raises(DataError, match="line 2: give both months_min and months_max"):
        roles.career_paths()


def test_unknown_source(data_copy):
    _rewrite(data_copy / "interview_flow.csv", lambda t: t.replace("004_dbf6c9ef40c4bc2e.txt", "blog.txt", 1))
    with pytest.raises(DataError, match=r"column 'source'.*'blog\.txt'"):
        roles.interview_flow()


def test_not_utf8(data_copy):
    (data_copy / "profiles.csv").write_bytes("role,attribute,value,source\nAPM,x,caf\xe9,a\n".encode("cp1252"))
    with pytest.raises(DataError, match=re.escape("profiles.csv, line 2: is not valid UTF-8")):
        roles.profile()


def test_unterminated_quote_names_the_line(data_copy):
    _rewrite(data_copy / "salary_drivers.csv", lambda t: t + 'JPM,"Bonus,unclosed\n')
    with pytest.raises(DataError) as err:
        roles.salary_drivers()
    assert err.value.path.name == "salary_drivers.csv" and err.value.line is not None


def test_topic_without_title(data_copy):
    _rewrite(data_copy / "comparison_topics.csv",
             lambda t: "\n".join(x for x in t.splitlines() if not x.startswith("influence")) + "\n")
    # min_rows guards the topic file: dropping a topic is caught as truncation.
    with pytest.raises(DataError, match=re.escape("comparison_topics.csv: has 4 data rows, expected at least 5")):
        roles.comparison()


def test_cli_reports_bad_data_without_traceback(data_copy):
    _rewrite(data_copy / "salaries.csv", lambda t: t.replace("70000", "70k"))
    done = subprocess.run([sys.executable, "-m", "pmkit.cli", "data", "check"], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 2
    assert "salaries.csv, line 2, column 'low'" in done.stderr
    assert "Traceback" not in done.stderr


def test_cli_data_check_passes_on_real_data():
    done = subprocess.run([sys.executable, "-m", "pmkit.cli", "data", "check"], capture_output=True,
                          text=True, check=True)
    assert "ok  roles/career_paths.csv  22 rows" in done.stdout


def test_malformed_date_names_line_and_column(data_copy):
    from pmkit.teach import cases

    path = data_copy.parent / "cases" / "support_tickets.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = "2024-13-45" + lines[3][10:]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    expected = r"support_tickets\.csv, line 4, column 'week': has '2024-13-45', which is not a valid datetime"
    with pytest.raises(DataError, match=expected):
        cases.table("support_tickets")
    with pytest.raises(KeyError, match="no data set named 'tickets' in cases/"):
        cases.table("tickets")


def test_a_bad_byte_names_its_line(data_copy):
    path = data_copy / "profiles.csv"
    lines = path.read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b",", b",\xff", 1)
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(DataError) as err:
        roles.profile()
    assert err.value.line == 3 and "not valid UTF-8" in str(err.value)


def test_an_unterminated_quote_names_the_line_it_opens_on(data_copy):
    path = data_copy / "salary_drivers.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",", ',"', 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        roles.salary_drivers()
    assert err.value.line == 2 and "a quote opened on this line is never closed" in str(err.value)


def test_data_check_covers_every_data_set_and_lists_every_broken_file(data_copy):
    datasets = data_copy.parent
    _rewrite(data_copy / "salaries.csv", lambda t: t.replace("70000", "70k"))
    (datasets / "exercises" / "backlog.csv").write_text("", encoding="utf-8")
    (datasets / "course" / "questions.csv").unlink()
    done = subprocess.run([sys.executable, "-m", "pmkit.cli", "data", "check"], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "salaries.csv, line 2, column 'low'" in done.stderr
    assert "backlog.csv: the file is empty" in done.stderr and "questions.csv: the file is missing" in done.stderr
    assert "3 of " in done.stderr and "data files are broken" in done.stderr
    for shipped in ("cases/support_tickets.csv", "exercises/beta_events.csv", "course/scenarios.csv"):
        assert f"ok  {shipped}" in done.stdout


@pytest.mark.parametrize("folder", ["exercises", "cases"])
def test_data_check_refuses_every_truncated_exercise_and_case_file_by_name(data_copy, folder):
    from tests.conftest import pmkit_cli

    for path in sorted((data_copy.parent / folder).glob("*.csv")):
        original = path.read_text(encoding="utf-8")
        lines = original.splitlines(keepends=True)
        path.write_text("".join(lines[: max(2, len(lines) // 2)]), encoding="utf-8")  # cut at a line boundary
        done = pmkit_cli("data", "check")
        assert done.returncode == 2, (path.name, done.stdout)
        assert f"{path}: has " in done.stderr and "looks truncated" in done.stderr, done.stderr
        assert "1 of " in done.stderr
        path.write_text(original, encoding="utf-8")
    assert pmkit_cli("data", "check").returncode == 0
