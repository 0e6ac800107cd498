"""A bootcamp cohort: an nbgrader course folder with a roster, releases, submissions and a gradebook.

``pmkit cohort init`` makes the folder: ``solutions`` is a copy of this repository's sources, made
once, so editing the checkout mid-course changes no cohort's grading (``pmkit cohort solutions``
updates it deliberately and says which exercises changed), an
``nbgrader_config.py`` lets nbgrader's own tools (Formgrader included) work on it, and
``pmkit-cohort.json`` records the gradebook's SQLAlchemy URL (SQLite by default; PostgreSQL works),
the instructors' hub user names and nbgrader's exchange folder, through which a JupyterHub cohort
receives exercises and hands back submissions and feedback (``deploy/jupyterhub``).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmkit.cohort.collect import CollectReport, Person, file_submissions
from pmkit.cohort.roster import EMAIL, LEARNER_ID, ROSTER_COLUMNS, Learner, case_clashes, id_problem, read_roster
from pmkit.errors import PmkitError
from pmkit.files import write_text_atomic
from pmkit.grading.engine import COURSE_ID, SOURCE_DIR, GradingCourse, exercise_ids
from pmkit.grading.gradebook import check_db_url, gradebook
from pmkit.grading.nbgrader_course import COHORT_SETTINGS as SETTINGS
from pmkit.grading.nbgrader_course import CONFIG_FILE
from pmkit.grading.releases import exercise_grade_ids
from pmkit.notebooks import MAX_NOTEBOOK_BYTES
from pmkit.paths import REPO_ROOT

if TYPE_CHECKING:
    from pmkit.grading.exercise_source import ExerciseSource

__all__ = ["EMAIL", "LEARNER_ID", "ROSTER_COLUMNS", "Cohort", "CollectReport", "Learner", "read_roster"]

#: The default gradebook, relative to the cohort folder, so a copied or moved cohort keeps its own.
DEFAULT_DB = "sqlite:///gradebook.db"

_NBGRADER_CONFIG = '''"""nbgrader configuration of this cohort, written by `pmkit cohort init`."""

import os

from pmkit.cohort import nbgrader_settings
from pmkit.cohort.folder import cohort_settings
from pmkit.grading.engine import apply_course_settings

c = get_config()  # noqa: F821 - provided by nbgrader
apply_course_settings(c)
# Paths are relative to this folder: a copied or moved cohort uses its own gradebook and exchange.
c.CourseDirectory.root, c.CourseDirectory.db_url, c.Exchange.root = cohort_settings(
    os.path.dirname(os.path.abspath(__file__)))

# The cohort's late policy, pmkit's feedback pages for Formgrader's button, offline Formgrader.
nbgrader_settings.configure(c, os.path.dirname(os.path.abspath(__file__)))
'''
#: What a cohort's nbgrader_config.py imported before pmkit was split into subpackages.
_OLD_CONFIG_IMPORTS = ("from pmkit import instructor_settings", "from pmkit.cohort import cohort_settings",
                       "from pmkit.grading import apply_course_settings")


def _is_old_config(text: str) -> bool:
    """True for an nbgrader_config.py that imports modules of pmkit from before its subpackages."""
    return any(line in text for line in _OLD_CONFIG_IMPORTS)


def _check_config(root: Path) -> None:
    """Refuse a cohort whose nbgrader_config.py names modules of an older pmkit, saying how to update it."""
    path = root / CONFIG_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return  # nbgrader reports a missing or unreadable config itself
    if _is_old_config(text):
        raise PmkitError(f"{path} was written by an older pmkit and imports modules that have moved; run "
                         f"`pmkit cohort upgrade --cohort {root}` to rewrite it (your version is kept beside it "
                         "as nbgrader_config.py.old)")


def upgrade_config(root: Path) -> Path | None:
    """Rewrite an older cohort's nbgrader_config.py for this pmkit, keeping the old one; None if it was current."""
    root = Path(root).resolve()
    _read_settings(root)
    path = root / CONFIG_FILE
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    if text == _NBGRADER_CONFIG:
        return None
    if text and not _is_old_config(text):
        raise PmkitError(f"{path} was not written by pmkit (or has been edited); compare it with what "
                         "`pmkit cohort init` writes and update it by hand")
    if text:
        shutil.copy2(path, path.with_name(CONFIG_FILE + ".old"))
    write_text_atomic(path, _NBGRADER_CONFIG)
    return path


def resolve_db_url(stored: str, root: Path) -> str:
    """A gradebook URL with a relative SQLite path made absolute against the cohort folder."""
    prefix = "sqlite:///"
    if stored.startswith(prefix) and not stored.startswith(prefix + "/"):
        path, _, query = stored[len(prefix):].partition("?")
        return prefix + str(Path(root) / path) + (f"?{query}" if query else "")
    return stored


def _stored_db_url(url: str, root: Path) -> str:
    """The URL to record: a SQLite file inside the cohort folder is stored relative to it."""
    prefix = "sqlite:///"
    if url.startswith(prefix + "/"):
        path = Path(url[len(prefix):].partition("?")[0])
        if path.is_relative_to(root):
            return prefix + str(path.relative_to(root)) + url[len(prefix) + len(str(path)):]
    return url


def cohort_settings(root: str | Path) -> tuple[str, str, str]:
    """The cohort folder, its gradebook URL and its exchange folder, for its nbgrader_config.py."""
    root = Path(root).resolve()
    stored = _read_settings(root)
    return str(root), resolve_db_url(stored["db_url"], root), str(root / (stored.get("exchange") or "exchange"))


def _read_settings(root: Path) -> dict[str, Any]:
    settings = root / SETTINGS
    if root.is_file():
        raise PmkitError(f"{root}: is a file, not a cohort folder; give the folder `pmkit cohort init` made")
    if not settings.is_file():
        raise PmkitError(f"{root}: not a cohort folder (no {SETTINGS}); create one with `pmkit cohort init`")
    try:
        stored = json.loads(settings.read_text(encoding="utf-8"))
        if not isinstance(stored, dict) or not isinstance(stored.get("db_url"), str):
            raise ValueError("no db_url")
    except (ValueError, UnicodeDecodeError) as error:
        raise PmkitError(f"{settings}: damaged ({error}); it holds {{\"db_url\": ..., \"instructors\": [...], "
                         "\"exchange\": ...}; restore it from a backup or write it again") from None
    return stored


class Cohort:
    """A persistent course folder; everything ``pmkit`` does to a cohort goes through it.

    A cohort has a grading engine (nbgrader's API on the cohort folder, for releases and the exchange)
    and hands the grading run what it grades as data (:meth:`grading_source`); it is neither itself.
    """

    def __init__(self, root: Path, db_url: str | None = None) -> None:
        root = Path(root).resolve()
        stored = _read_settings(root)
        _check_config(root)
        if db_url:
            check_db_url(db_url)
        self.root = root
        self.solutions = root / SOURCE_DIR
        self.db_url: str = db_url or resolve_db_url(stored["db_url"], root)
        self.instructors: list[str] = list(stored.get("instructors", []))
        self.exchange = root / (stored.get("exchange") or "exchange")  # an absolute path stays as it is
        self.engine = GradingCourse(root=root, solutions=self.solutions, db_url=self.db_url, exchange=self.exchange)

    @property
    def api(self) -> Any:
        """Nbgrader's API on the cohort folder (releases, the exchange)."""
        return self.engine.api

    def grading_source(self, exercise: str, max_bytes: int = MAX_NOTEBOOK_BYTES) -> ExerciseSource:
        """What the grading run needs to grade ``exercise`` here, as data: roster, submissions, deadlines.

        The run then goes down the layers only (runs -> grading); nothing in it calls back into the cohort.
        """
        from traitlets.config import Config

        from pmkit.cohort import deadlines
        from pmkit.grading.exercise_source import ExerciseSource

        self._check_exercise(exercise)
        policy = deadlines.load(self.root)
        return ExerciseSource(
            engine=self.engine, exercise=exercise, roster=frozenset(self.learner_ids()),
            extensions=dict(policy.extensions.get(exercise, {})), late_config=deadlines.configure(Config(), self.root),
            max_bytes=max_bytes)

    @classmethod
    def init(cls, root: Path, roster: Path, db_url: str | None = None, instructors: tuple[str, ...] = (),
             exchange: Path | None = None) -> Cohort:
        """Create the cohort folder and import the roster (all rows or none).

        ``instructors`` are hub user names that get Formgrader on a cohort hub; ``exchange`` is
        nbgrader's exchange folder (default ``<cohort>/exchange``). Everything is checked before
        the folder is touched, and a failure midway removes what this call made, so a retry works.
        """
        root = Path(root).absolute()
        learners = read_roster(Path(roster))  # validate before touching anything
        bad = [f"{name!r} {problem}" for name in instructors if (problem := id_problem(name))]
        if bad:
            raise PmkitError(f"instructor name(s): {'; '.join(bad)}")
        _check_not_instructors(learners, instructors, roster)
        if root.exists() and not root.is_dir():
            raise PmkitError(f"{root}: is a file, not a folder; choose a new folder for the cohort")
        if (root / SETTINGS).exists():
            raise PmkitError(f"{root}: already a cohort; import more learners with `pmkit cohort roster`")
        for name in ("nbgrader_config.py", "gradebook.db"):
            if (root / name).exists():
                raise PmkitError(f"{root}: already holds {name} (another nbgrader course?); pmkit will not "
                                 "overwrite it; choose an empty or new folder")
        if db_url:
            check_db_url(db_url)
        made = [p for p in (root, *root.parents) if not p.exists()]
        created: list[Path] = []
        try:
            root.mkdir(parents=True, exist_ok=True)
            copy = root / SOURCE_DIR
            if not copy.exists():
                created.append(copy)
                copy_solutions(copy)
            if exchange:
                exchange = Path(exchange).absolute()
                stored_exchange = str(exchange.relative_to(root)) if exchange.is_relative_to(root) else str(exchange)
            else:
                stored_exchange = "exchange"
            settings = {"db_url": _stored_db_url(db_url, root) if db_url else DEFAULT_DB,
                        "instructors": list(instructors), "exchange": stored_exchange}
            created.append(root / SETTINGS)
            _write_new(root / SETTINGS, json.dumps(settings, indent=1) + "\n")
            created.append(root / CONFIG_FILE)
            _write_new(root / CONFIG_FILE, _NBGRADER_CONFIG)
            cohort = cls(root)
            if cohort.db_url.startswith("sqlite:///") and not Path(cohort.db_url[10:].partition("?")[0]).exists():
                created.append(Path(cohort.db_url[10:].partition("?")[0]))
            cohort.import_roster(learners)
        except BaseException:
            for path in reversed(created):
                if path.is_symlink() or path.is_file():
                    path.unlink(missing_ok=True)
                elif path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
            for folder in sorted(made, key=lambda p: len(p.parts), reverse=True):
                if folder.is_dir() and not any(folder.iterdir()):
                    folder.rmdir()
            raise
        return cohort

    def import_roster(self, learners: list[Learner], source: Path | str = "the roster") -> None:
        """Add or update learners in the gradebook in one transaction."""
        from nbgrader.api import Student

        _check_not_instructors(learners, self.instructors, source)
        with gradebook(self.db_url) as book:
            clashes = case_clashes(learners, [s.id for s in book.students])
            if clashes:
                raise PmkitError(f"{source}: nothing was imported; these ids differ only in case from learners "
                                 f"already in the cohort: {', '.join(clashes)}; use the cohort's spelling")
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

    def update_solutions(self) -> list[str]:
        """Copy this checkout's ``solutions/`` over the cohort's, deliberately; returns the exercises that changed.

        A cohort made by an older pmkit (``solutions`` a link into the checkout) gets its own copy.
        """
        before = solution_digests(self.solutions)
        fresh = self.root / f".{SOURCE_DIR}.new"
        shutil.rmtree(fresh, ignore_errors=True)
        copy_solutions(fresh)
        after = solution_digests(fresh)
        old = self.root / f".{SOURCE_DIR}.old"
        shutil.rmtree(old, ignore_errors=True)
        if self.solutions.is_symlink():
            self.solutions.unlink()
        elif self.solutions.exists():
            self.solutions.rename(old)
        fresh.rename(self.solutions)
        shutil.rmtree(old, ignore_errors=True)
        return sorted(e for e in set(before) | set(after) if before.get(e) != after.get(e))

    def set_instructors(self, add: list[str], remove: list[str]) -> list[str]:
        """Add and remove instructors (hub user names) after ``init``; returns the list now stored."""
        bad = [f"{name!r} {problem}" for name in add if (problem := id_problem(name))]
        if bad:
            raise PmkitError(f"instructor name(s): {'; '.join(bad)}")
        clash = sorted({n.lower() for n in add} & {i.lower() for i in self.learner_ids()})
        if clash:
            raise PmkitError(f"{', '.join(clash)} is on the roster as a learner; one person, one role")
        gone = {n.lower() for n in remove}
        unknown = sorted(n for n in remove if n.lower() not in {i.lower() for i in self.instructors})
        if unknown:
            raise PmkitError(f"--remove {', '.join(unknown)}: not an instructor of this cohort "
                             f"({', '.join(self.instructors) or 'none'})")
        names = [i for i in self.instructors if i.lower() not in gone]
        names += [n for n in add if n.lower() not in {i.lower() for i in names}]
        settings = json.loads((self.root / SETTINGS).read_text(encoding="utf-8"))
        settings["instructors"] = names
        write_text_atomic(self.root / SETTINGS, json.dumps(settings, indent=1) + "\n")
        self.instructors = names
        return names

    def learner_ids(self) -> list[str]:
        """Every learner in the gradebook."""
        with gradebook(self.db_url) as book:
            return sorted(s.id for s in book.students)

    def people(self) -> list[Person]:
        """Every learner with their names, for matching submitted files to learners."""
        with gradebook(self.db_url) as book:
            return [Person(s.id, s.first_name or "", s.last_name or "") for s in book.students]

    def release(self, exercise: str | None = None, to_exchange: bool = False) -> list[str]:
        """Generate the student version of one exercise, or of all, into the cohort's gradebook.

        With ``to_exchange`` each is also released to nbgrader's exchange, replacing an earlier
        release, so learners on the cohort's hub can fetch it.
        """
        chosen = [exercise] if exercise else exercise_ids(self.solutions)
        if exercise:
            self._check_exercise(exercise)
        if to_exchange:
            self._check_exchange()
        for name in chosen:
            self.engine.forget(name)
            self.generate(name)
            if to_exchange:
                self._exchange_call("release", self.api.release_assignment, name)
        return chosen

    def generate(self, exercise: str) -> None:
        """Nbgrader's generate_assignment into the cohort's gradebook; a failure is one sentence, not its log."""
        self.engine.prepare(exercise)

    def _check_exercise(self, exercise: str) -> None:
        """Refuse an exercise id the course does not have, listing the ones it has."""
        if exercise not in exercise_ids(self.solutions):
            raise PmkitError(f"no exercise named {exercise!r}; choose one of {', '.join(exercise_ids(self.solutions))}")

    def _check_exchange(self) -> None:
        """Refuse to use an exchange folder that is not there, naming it and the setting that points to it."""
        if not self.exchange.is_dir():
            raise PmkitError(f"the exchange folder {self.exchange} does not exist; create it (the cohort's hub does "
                             f"on start), or correct \"exchange\" in {self.root / SETTINGS}")

    def _exchange_call(self, action: str, call: Any, *args: Any) -> str:
        """Run one of nbgrader's exchange operations; a failure names the exchange and nbgrader's reason."""
        result = call(*args)
        if not result["success"]:
            from pmkit.operator_errors import last_meaningful_line

            reason = last_meaningful_line((result.get("error") or "") + (result.get("log") or ""))
            raise PmkitError(f"nbgrader could not {action} {' '.join(args)} through the exchange {self.exchange}: "
                             f"{reason}")
        return result.get("log") or ""

    def collect_exchange(self, exercise: str) -> CollectReport:
        """Collect hub submissions of ``exercise`` from the exchange (the newest of each learner).

        Submissions under a hub name not on the roster are reported and left out of grading.
        """
        self._check_exercise(exercise)
        self._check_exchange()
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
        report.missing = sorted(roster - set(self.submissions(exercise)))
        report.warnings = _warnings(log)
        return report

    def release_feedback(self, exercise: str) -> str:
        """Hand the feedback pages of ``exercise`` back through the exchange; each learner fetches only theirs."""
        self._check_exchange()
        return self._exchange_call("release feedback for", self.api.release_feedback, exercise)

    def collect(self, source: Path, exercise: str, submitted_at: list[str] | None = None,
                max_bytes: int = MAX_NOTEBOOK_BYTES) -> CollectReport:
        """File learners' notebooks from a folder or zip as submissions (see :mod:`pmkit.cohort.collect`).

        ``submitted_at`` are ``--submitted-at`` values (``LEARNER=TIME`` or a CSV), which win over file times;
        ``max_bytes`` is the largest notebook filed (``--max-notebook-mb``); zip bombs are refused whatever it is.
        """
        from pmkit.cohort import deadlines
        from pmkit.cohort.collect import parse_submitted_at

        self._check_exercise(exercise)
        people = self.people()
        due_date = deadlines.due_dates(self.db_url).get(exercise)
        policy = deadlines.load(self.root)
        due = {p.id: due_date + (policy.extension(exercise, p.id) or dt.timedelta(0)) for p in people} \
            if due_date else {}
        return file_submissions(Path(source), self.root / "submitted", exercise, people,
                                exercise_grade_ids(self.solutions), max_bytes,
                                submitted_at=parse_submitted_at(submitted_at or [], people),
                                due={k: v.replace(tzinfo=dt.UTC) for k, v in due.items()})

    def submissions(self, exercise: str) -> dict[str, Path]:
        """Learner id to submitted notebook, for every submission of ``exercise``."""
        from pmkit.grading.exercise_source import submitted_notebooks

        return submitted_notebooks(self.root, exercise)


def copy_solutions(target: Path) -> None:
    """A copy of this checkout's nbgrader sources (solutions and hidden tests), readable by the grader only."""
    shutil.copytree(REPO_ROOT / SOURCE_DIR, target, ignore=shutil.ignore_patterns(".ipynb_checkpoints",
                                                                                  "__pycache__"))


def solution_digests(folder: Path) -> dict[str, str]:
    """Per exercise, a digest of its source files: what ``pmkit cohort solutions`` compares."""
    import hashlib

    out = {}
    for exercise in exercise_ids(folder) if folder.exists() else []:
        digest = hashlib.sha256()
        for path in sorted((folder / exercise).rglob("*")):
            if path.is_file() and ".ipynb_checkpoints" not in path.parts:
                digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
        out[exercise] = digest.hexdigest()
    return out


def _write_new(path: Path, text: str) -> None:
    """Create a file that must not exist yet (never overwrite an operator's file)."""
    with open(path, "x", encoding="utf-8") as stream:
        stream.write(text)


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


def remove_tree(path: Path) -> None:
    """Remove a folder if it exists."""
    if path.exists():
        shutil.rmtree(path)
