"""A bootcamp cohort: an nbgrader course folder with a roster, releases, submissions and a gradebook.

``pmkit cohort init`` makes the folder: ``solutions`` links to this repository's sources, an
``nbgrader_config.py`` lets nbgrader's own tools (Formgrader included) work on it, and
``pmkit-cohort.json`` records the gradebook's SQLAlchemy URL (SQLite by default; PostgreSQL works),
the instructors' hub user names and nbgrader's exchange folder, through which a JupyterHub cohort
receives exercises and hands back submissions and feedback (``deploy/jupyterhub``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pmkit.errors import PmkitError
from pmkit.grading import COURSE_ID, SOURCE_DIR, GradingCourse, exercise_ids, gradebook
from pmkit.paths import REPO_ROOT

SETTINGS = "pmkit-cohort.json"
LEARNER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
EMAIL = re.compile(r"^[^@\s,]+@[^@\s,]+\.[^@\s,]+$")
ROSTER_COLUMNS = ("id", "first_name", "last_name", "email")

_NBGRADER_CONFIG = '''"""nbgrader configuration of this cohort, written by `pmkit cohort init`."""

import os

from pmkit import instructor_settings
from pmkit.grading import apply_course_settings

c = get_config()  # noqa: F821 - provided by nbgrader
apply_course_settings(c)
c.CourseDirectory.root = {root!r}
c.CourseDirectory.db_url = {db_url!r}
c.Exchange.root = {exchange!r}

# The cohort's late policy, pmkit's feedback pages for Formgrader's button, offline Formgrader.
instructor_settings.configure(c, os.path.dirname(os.path.abspath(__file__)))
'''


@dataclass(frozen=True)
class Learner:
    """One roster row."""

    id: str
    first_name: str
    last_name: str
    email: str


def read_roster(path: Path) -> list[Learner]:
    """Parse and validate a roster CSV; every problem is reported with its line, nothing half-read."""
    from pmkit import textio

    text = textio.read_text(path).text
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise PmkitError(f"{path}: the roster is empty; give a header {','.join(ROSTER_COLUMNS)} "
                         "and one row per learner")
    header = [h.strip().lower() for h in rows[0]]
    missing = [c for c in ROSTER_COLUMNS if c not in header]
    if missing:
        raise PmkitError(f"{path}, line 1: the header lacks {', '.join(missing)}; expected {','.join(ROSTER_COLUMNS)}")
    index = {c: header.index(c) for c in ROSTER_COLUMNS}
    learners, problems, seen = [], [], {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(f"line {line}: {len(row)} fields, expected {len(header)}")
            continue
        values = {c: row[i].strip() for c, i in index.items()}
        if not LEARNER_ID.match(values["id"]):
            problems.append(f"line {line}: id {values['id']!r} must be letters, digits, '.', '_' or '-'")
        elif values["id"] in seen:
            problems.append(f"line {line}: id {values['id']!r} repeats line {seen[values['id']]}")
        else:
            seen[values["id"]] = line
        if values["email"] and not EMAIL.match(values["email"]):
            problems.append(f"line {line}: email {values['email']!r} is not an address")
        learners.append(Learner(**values))
    if problems:
        raise PmkitError(f"{path}: nothing was imported; fix these rows first:\n  " + "\n  ".join(problems))
    return learners


@dataclass
class CollectReport:
    """What ``collect`` did with each file it found."""

    collected: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    not_notebooks: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """A human-readable account, one line per group."""
        out = [f"collected {len(self.collected)}: {', '.join(self.collected) or '-'}"]
        for label, items in (("unknown learner ids (not in the roster)", self.unknown),
                             ("duplicates (only the first was kept)", self.duplicates),
                             ("not notebooks (skipped)", self.not_notebooks)):
            if items:
                out.append(f"{label}: {', '.join(items)}")
        out.extend(f"nbgrader: {line}" for line in self.warnings)
        return out


class Cohort(GradingCourse):
    """A persistent course folder; everything ``pmkit`` does to a cohort goes through it."""

    def __init__(self, root: Path, db_url: str | None = None) -> None:
        root = Path(root).resolve()
        settings = root / SETTINGS
        if not settings.is_file():
            raise PmkitError(f"{root}: not a cohort folder (no {SETTINGS}); create one with `pmkit cohort init`")
        stored = json.loads(settings.read_text(encoding="utf-8"))
        super().__init__(root=root, solutions=root / SOURCE_DIR, db_url=db_url or stored["db_url"])
        self.instructors: list[str] = list(stored.get("instructors", []))
        self.exchange = Path(stored.get("exchange") or root / "exchange")

    @classmethod
    def init(cls, root: Path, roster: Path, db_url: str | None = None, instructors: tuple[str, ...] = (),
             exchange: Path | None = None) -> Cohort:
        """Create the cohort folder and import the roster (all rows or none).

        ``instructors`` are hub user names that get Formgrader on a cohort hub; ``exchange`` is
        nbgrader's exchange folder (default ``<cohort>/exchange``).
        """
        root = Path(root).resolve()
        learners = read_roster(Path(roster))  # validate before touching anything
        bad = [name for name in instructors if not LEARNER_ID.match(name)]
        if bad:
            raise PmkitError(f"instructor name(s) {', '.join(map(repr, bad))}: use letters, digits, '.', '_' or '-'")
        _check_not_instructors(learners, instructors, roster)
        if (root / SETTINGS).exists():
            raise PmkitError(f"{root}: already a cohort; import more learners with `pmkit cohort roster`")
        root.mkdir(parents=True, exist_ok=True)
        db_url = db_url or f"sqlite:///{root / 'gradebook.db'}"
        exchange = Path(exchange).resolve() if exchange else root / "exchange"
        link = root / SOURCE_DIR
        if not link.exists():
            link.symlink_to(REPO_ROOT / SOURCE_DIR, target_is_directory=True)
        config = _NBGRADER_CONFIG.format(root=str(root), db_url=db_url, exchange=str(exchange))
        (root / "nbgrader_config.py").write_text(config, encoding="utf-8")
        settings = {"db_url": db_url, "instructors": list(instructors), "exchange": str(exchange)}
        (root / SETTINGS).write_text(json.dumps(settings, indent=1) + "\n", encoding="utf-8")
        cohort = cls(root)
        cohort.import_roster(learners)
        return cohort

    def import_roster(self, learners: list[Learner], source: Path | str = "the roster") -> None:
        """Add or update learners in the gradebook in one transaction."""
        from nbgrader.api import Student

        _check_not_instructors(learners, self.instructors, source)
        with gradebook(self.db_url) as book:
            try:
                for learner in learners:
                    student = book.db.query(Student).filter(Student.id == learner.id).one_or_none()
                    if student is None:
                        student = Student(id=learner.id)
                        book.db.add(student)
                    student.first_name, student.last_name = learner.first_name, learner.last_name
                    student.email = learner.email or None
                book.db.commit()
            except Exception:
                book.db.rollback()
                raise

    def learner_ids(self) -> list[str]:
        """Every learner in the gradebook."""
        with gradebook(self.db_url) as book:
            return sorted(s.id for s in book.students)

    def release(self, exercise: str | None = None, to_exchange: bool = False) -> list[str]:
        """Generate the student version of one exercise, or of all, into the cohort's gradebook.

        With ``to_exchange`` each is also released to nbgrader's exchange, replacing an earlier
        release, so learners on the cohort's hub can fetch it.
        """
        chosen = [exercise] if exercise else exercise_ids(self.solutions)
        for name in chosen:
            self._generated.discard(name)
            self.generate(name)
            if to_exchange:
                self._exchange_call("release", self.api.release_assignment, name)
        return chosen

    def _check_exercise(self, exercise: str) -> None:
        """Refuse an exercise id the course does not have, listing the ones it has."""
        if exercise not in exercise_ids(self.solutions):
            raise PmkitError(f"no exercise named {exercise!r}; choose one of {', '.join(exercise_ids(self.solutions))}")

    def _exchange_call(self, action: str, call: Any, *args: Any) -> str:
        """Run one of nbgrader's exchange operations; a failure names the exchange and nbgrader's reason."""
        result = call(*args)
        if not result["success"]:
            reason = ((result.get("error") or "") + (result.get("log") or "")).strip()[-1500:]
            raise PmkitError(f"nbgrader could not {action} {' '.join(args)} through the exchange {self.exchange}: "
                             f"{reason}")
        return result.get("log") or ""

    def collect_exchange(self, exercise: str) -> CollectReport:
        """Collect hub submissions of ``exercise`` from the exchange (the newest of each learner).

        Submissions under a hub name not on the roster are reported and left out of grading.
        """
        self._check_exercise(exercise)
        inbound = self.exchange / COURSE_ID / "inbound"
        found = sorted({p.name.split("+")[0] for p in inbound.glob(f"*+{exercise}+*")}) if inbound.is_dir() else []
        log = self._exchange_call("collect", self.api.collect, exercise)
        roster = set(self.learner_ids())
        report = CollectReport()
        for learner in found:
            if learner in roster:
                report.collected.append(learner)
            else:
                report.unknown.append(learner)
                remove_tree(self.root / "submitted" / learner / exercise)
        report.warnings = _warnings(log)
        return report

    def release_feedback(self, exercise: str) -> str:
        """Hand the feedback pages of ``exercise`` back through the exchange; each learner fetches only theirs."""
        return self._exchange_call("release feedback for", self.api.release_feedback, exercise)

    def collect(self, source: Path, exercise: str) -> CollectReport:
        """File learners' notebooks as submissions: a folder or zip of ``<learner id>.ipynb`` files.

        Files for learners not in the roster, second copies and non-notebooks are reported, not filed.
        """
        self._check_exercise(exercise)
        roster = set(self.learner_ids())
        report = CollectReport()
        for name, data in _files(Path(source)):
            base = Path(name).name
            if base.startswith(".") or "__MACOSX" in name:
                continue
            if not base.endswith(".ipynb"):
                report.not_notebooks.append(name)
                continue
            learner = base[: -len(".ipynb")]
            if learner.endswith(f"-{exercise}"):
                learner = learner[: -len(exercise) - 1]
            if learner not in roster:
                report.unknown.append(name)
                continue
            if learner in report.collected:
                report.duplicates.append(name)
                continue
            target = self.root / "submitted" / learner / exercise
            target.mkdir(parents=True, exist_ok=True)
            (target / f"{exercise}.ipynb").write_bytes(data)
            report.collected.append(learner)
        return report

    def submissions(self, exercise: str) -> dict[str, Path]:
        """Learner id to submitted notebook, for every submission of ``exercise``."""
        found = {}
        for path in sorted((self.root / "submitted").glob(f"*/{exercise}/{exercise}.ipynb")):
            found[path.parent.parent.name] = path
        return found


def _check_not_instructors(learners: list[Learner], instructors: Any, source: Path | str) -> None:
    """Refuse learners who are also instructors (hub names ignore case): one person, one role."""
    clash = sorted({i.lower() for i in instructors} & {learner.id.lower() for learner in learners})
    if clash:
        raise PmkitError(f"{source}: {', '.join(clash)} cannot be both a learner and an instructor")


def _warnings(log: str) -> list[str]:
    """Nbgrader's warnings in a captured log, each joined onto one line."""
    warnings: list[str] = []
    current: list[str] | None = None
    for line in log.splitlines():
        if line.startswith("["):
            current = [] if line.startswith("[WARNING]") else None
            if current is not None:
                warnings.append("")
        if current is not None:
            current.append(line.removeprefix("[WARNING]").strip())
            warnings[-1] = " ".join(part for part in current if part)
    return warnings


def _files(source: Path) -> list[tuple[str, bytes]]:
    """Every file in a folder (recursively) or a zip archive, as (name, content)."""
    if source.is_dir():
        return [(str(p.relative_to(source)), p.read_bytes()) for p in sorted(source.rglob("*")) if p.is_file()]
    if zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as archive:
            return [(i.filename, archive.read(i)) for i in archive.infolist() if not i.is_dir()]
    raise PmkitError(f"{source}: not a folder or a zip file of notebooks")


def digest(path: Path) -> str:
    """A submission's content hash: re-grading is skipped while it is unchanged."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON so that a kill mid-write leaves the previous file, never half of one."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def remove_tree(path: Path) -> None:
    """Remove a folder if it exists."""
    if path.exists():
        shutil.rmtree(path)
