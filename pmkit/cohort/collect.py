"""Filing learners' notebooks as submissions, safely: nothing lost, nothing unsafe filed, every refusal named.

``pmkit collect`` takes a folder or a zip as instructors really get them: ``<id>.ipynb`` files,
browser copies (``farah (1).ipynb``), one folder per learner, and the bulk downloads of Canvas
(``<login>[_LATE]_<user id>_<submission id>_<file>``) and Moodle
(``<Full Name>_<participant id>_assignsubmission_file_<file>``, flat or as folders). Learner ids
match case-insensitively; a name that matches no one gets a "did you mean".

Each file is streamed to a temporary file beside its target and renamed into place, so a full
disk or a kill leaves the earlier submission whole. Symbolic links, encrypted or corrupt zip
members and files over the size cap are refused. Each submission's time (the zip member's date
or the file's modification time) is written to ``submitted/<id>/<exercise>/timestamp.txt`` as
nbgrader's own collect does, and a newer submission is never replaced by an older one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import errno
import hashlib
import os
import re
import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pmkit.errors import PmkitError
from pmkit.files import file_digest, file_time, open_regular, temp_beside, write_text_atomic
from pmkit.grading.exercise_source import read_timestamp
from pmkit.grading.releases import wrong_exercise
from pmkit.notebooks import MAX_NOTEBOOK_BYTES
from pmkit.textio import printable

_CHUNK = 1024 * 1024
#: A zip member that expands more than this many times its compressed size is a zip bomb, whatever the
#: size cap: notebook JSON packs about 3 to 10 times, plots (base64 PNG) hardly at all.
MAX_RATIO = 100
#: Members this small are never bombs, however well they pack (an empty notebook packs 30 times).
BOMB_FLOOR = 1024 * 1024
#: The command-line option that raises the size cap, named in every refusal over it.
SIZE_OPTION = "--max-notebook-mb"
#: nbgrader's default ``timestamp_format``; ``nbgrader.utils.parse_utc`` reads it back.
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f %Z"

_MOODLE = re.compile(r"^(?P<name>.+?)_(?P<number>\d+)_assignsubmission_[a-z]+_(?P<rest>.*)$")
_CANVAS = re.compile(r"^(?P<login>[^_]+?)(?P<late>_LATE)?_(?P<user>\d+)_(?P<sub>\d+)_(?P<file>.+)$")
_COPY = re.compile(r"^(?P<stem>.+?)(?: ?\(\d+\)|-\d+)$")  # "farah (1)", and Canvas' resubmission "prd-1"


@dataclass(frozen=True)
class Person:
    """What a file name can be matched against: a learner's id and names."""

    id: str
    first_name: str = ""
    last_name: str = ""


@dataclass
class Candidate:
    """One file found in the source: its name there, size, time, and how to read it."""

    name: str
    size: int
    time: dt.datetime  # UTC
    opener: Any  # () -> binary stream
    problem: str = ""  # set when the file must be refused before it is read
    #: Where ``time`` comes from; a Canvas bulk download's member dates are the download's, not a submission's.
    time_source: str = "the file's modification time"
    lms: str = ""  # "canvas" for a member of Canvas's bulk download
    packed: int | None = None  # its compressed size in a zip, to tell a zip bomb from a big notebook


@dataclass(frozen=True)
class SubmissionTime:
    """When a learner handed in, as the LMS or the instructor says (``--submitted-at``), and where that came from."""

    when: dt.datetime | None  # UTC; None: on time, with no time known
    source: str


@dataclass
class CollectReport:
    """What ``collect`` did with each file it found, and who submitted nothing."""

    collected: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    not_notebooks: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    times: list[str] = field(default_factory=list)  # "ana: 2026-12-01 10:00 UTC (from --submitted-at)"
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """True when a file was refused or named no one on the roster: the operator has work to do."""
        return bool(self.refused or self.unknown)

    def lines(self) -> list[str]:
        """A human-readable account, one line per group and one per file that needs a word.

        File names are the learners' own, so every line is printed with control characters escaped.
        """
        return [printable(line) for line in self._lines()]

    def _lines(self) -> list[str]:
        out = [f"collected {len(self.collected)}: {', '.join(self.collected) or '-'}"]
        for label, items in (("unchanged (already filed)", self.unchanged),
                             ("unknown learner ids (not in the roster, not filed)", self.unknown),
                             ("duplicates (a newer file of the same learner was kept)", self.duplicates),
                             ("not notebooks (skipped)", self.not_notebooks),
                             ("no submission from", self.missing)):
            if items:
                out.append(f"{label}: {', '.join(items)}")
        out.extend(f"refused {line}" for line in self.refused)
        if self.times:
            out.append("submission times, and where each came from:")
            out.extend(f"  {line}" for line in self.times)
        out.extend(f"  {line}" for line in self.notes)
        out.extend(f"nbgrader: {line}" for line in self.warnings)
        return out


def parse_submitted_at(values: list[str], people: list[Person]) -> dict[str, dt.datetime]:
    """``--submitted-at`` values as learner id to UTC time.

    Each is ``LEARNER=2026-12-01T10:00`` (UTC unless a zone is given) or a CSV file with the columns ``id``
    and ``submitted_at`` (an LMS's submission-time export, reshaped).
    """
    import csv

    from pmkit.textio import read_text

    ids = {p.id.casefold(): p.id for p in people}
    out: dict[str, dt.datetime] = {}

    def add(who: str, when: str, where: str) -> None:
        learner = ids.get(who.strip().casefold())
        if learner is None:
            raise PmkitError(f"--submitted-at {where}: no learner {who.strip()!r} on the roster")
        try:
            stamp = dt.datetime.fromisoformat(when.strip().replace("Z", "+00:00"))
        except ValueError:
            raise PmkitError(f"--submitted-at {where}: {when.strip()!r} is not a time; write 2026-12-01T10:00 (UTC) "
                             "or 2026-12-01T10:00+01:00") from None
        out[learner] = stamp.replace(tzinfo=dt.UTC) if stamp.tzinfo is None else stamp.astimezone(dt.UTC)

    for value in values:
        who, sep, when = value.partition("=")
        if sep and not Path(value).is_file():
            add(who, when, repr(value))
            continue
        path = Path(value)
        if not path.is_file():
            raise PmkitError(f"--submitted-at {value!r}: give LEARNER=TIME or a CSV file with id,submitted_at")
        rows = list(csv.DictReader(read_text(path).text.splitlines()))
        if not rows or not {"id", "submitted_at"} <= set(rows[0]):
            raise PmkitError(f"--submitted-at {path}: the CSV needs the columns id and submitted_at")
        for number, row in enumerate(rows, start=2):
            add(row["id"] or "", row["submitted_at"] or "", f"{path}, line {number}")
    return out


def timestamp_text(when: dt.datetime) -> str:
    """A UTC time in nbgrader's timestamp.txt format."""
    return when.astimezone(dt.UTC).strftime(TIMESTAMP_FORMAT)


# --- reading the source ------------------------------------------------------------------------


def candidates(source: Path, stack: contextlib.ExitStack) -> Iterator[Candidate]:
    """Every file in a folder (recursively, links refused) or a zip (kept open on ``stack``), content unread."""
    if source.is_symlink() and source.is_dir():
        raise PmkitError(f"{source}: is a symbolic link to a folder; give the folder itself")
    if source.is_dir():
        yield from _folder(source)
    elif not source.exists():
        raise PmkitError(f"{source}: no such file or folder; give the folder or zip of submissions")
    elif zipfile.is_zipfile(source):
        yield from _zip(source, stack)
    else:
        raise PmkitError(f"{source}: not a folder or a zip file of notebooks (a damaged zip? download it again)")


def _folder(root: Path) -> Iterator[Candidate]:
    for folder, dirs, files in os.walk(root, followlinks=False):
        here = Path(folder)
        for name in sorted(dirs):
            if (here / name).is_symlink():
                yield Candidate(str((here / name).relative_to(root)), 0, _now(), None,
                                "is a symbolic link to a folder; links are not followed (copy the files in)")
        dirs[:] = sorted(d for d in dirs if not (here / d).is_symlink())
        for name in sorted(files):
            path = here / name
            info = path.lstat()
            relative = str(path.relative_to(root))
            when = file_time(info.st_mtime)  # the learner's to set: any value reads, clamped
            if stat.S_ISLNK(info.st_mode):
                yield Candidate(relative, 0, when, None,
                                "is a symbolic link; links are not followed (copy the file itself in)")
            elif not stat.S_ISREG(info.st_mode):
                yield Candidate(relative, 0, when, None, "is not a regular file")
            else:
                yield Candidate(relative, info.st_size, when,
                                lambda p=path: open_regular(p, follow_links=False))  # swapped since: refused


def _zip(source: Path, stack: contextlib.ExitStack) -> Iterator[Candidate]:
    try:
        archive = stack.enter_context(zipfile.ZipFile(source))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise PmkitError(f"{source}: the zip cannot be read ({error}); download it again") from None
    for info in members:
        if info.is_dir():
            continue
        try:
            when = dt.datetime(*info.date_time).astimezone(dt.UTC)  # zip times are local
        except ValueError:
            when = dt.datetime.fromtimestamp(source.stat().st_mtime, dt.UTC)
        problem = ""
        name = member_name(info)
        canvas = bool(_CANVAS.match(Path(name).name))
        if stat.S_ISLNK(info.external_attr >> 16):
            problem = "is a symbolic link inside the zip; links are not filed"
        elif info.flag_bits & 0x1:
            problem = "is encrypted in the zip; download the submissions again without a password"
        elif info.file_size > BOMB_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            problem = (f"expands {info.file_size // max(info.compress_size, 1):,} times in the zip (a notebook "
                       f"expands at most about {MAX_RATIO} times; a zip bomb?); not filed")
        yield Candidate(name, info.file_size, when, lambda i=info: archive.open(i), problem,
                        time_source="the date of the zip member", lms="canvas" if canvas else "",
                        packed=info.compress_size)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# --- whose file is it --------------------------------------------------------------------------


def _squash(text: str) -> str:
    """A name as matching sees it: case, accents, spaces and punctuation gone ("José García" -> "josegarcia")."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", text.casefold())
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in plain if not unicodedata.combining(c)))


def member_name(info: zipfile.ZipInfo) -> str:
    """A zip member's name as its maker wrote it.

    Many LMS and desktop zippers write UTF-8 without the flag that says so, which Python then reads as
    cp437 ("Jos├⌐"); such bytes that are valid UTF-8 are taken as UTF-8, the rest as cp437.
    """
    if info.flag_bits & 0x800:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return info.filename  # really cp437 (old DOS and Windows zips)


class Matcher:
    """Maps a file's name in a submission folder or LMS download to a learner on the roster."""

    def __init__(self, people: list[Person], exercise: str) -> None:
        self.exercise = exercise
        self.by_id = {p.id: p.id for p in people}
        self.by_fold: dict[str, list[str]] = {}
        self.by_name: dict[str, list[str]] = {}
        for person in people:
            self.by_fold.setdefault(person.id.casefold(), []).append(person.id)
            for name in {f"{person.first_name} {person.last_name}", f"{person.last_name} {person.first_name}"}:
                if _squash(name):
                    self.by_name.setdefault(_squash(name), []).append(person.id)

    def match(self, name: str) -> tuple[str | None, str]:
        """The learner id a file belongs to (or None) and a note: how it matched, or a "did you mean"."""
        parts = [p for p in Path(name).parts if p not in ("", ".")]
        keys: list[str] = []
        record = self._moodle_record(parts)
        stem = self._stem(parts[-1])
        if record is not None:  # Moodle's own record of whose submission it is; nothing inside it names anyone
            keys.append(record[1]["name"])
        else:
            canvas = _CANVAS.match(parts[-1])
            if canvas:
                keys.append(canvas["login"])
            folders = [p for p in parts[:-1] if p.casefold() != self.exercise.casefold()]
            if stem.casefold() == self.exercise.casefold() or stem.casefold() in ("submission", "notebook"):
                keys.extend(reversed(folders[-1:]))  # one folder per learner: alice/prd.ipynb
            elif not keys:
                keys.append(stem)
        for key in keys:
            found = self._lookup(key)
            if found:
                return found
        key = keys[0] if keys else stem
        several = sorted({*self.by_fold.get(key.casefold(), []), *self.by_name.get(_squash(key), [])})
        if len(several) > 1:
            return None, (f"{name}: {key!r} matches several learners ({', '.join(several)}); rename the file to "
                          "the learner's id")
        near = [self.by_fold[n][0] for n in difflib.get_close_matches(key.casefold(), list(self.by_fold), n=3,
                                                                       cutoff=0.6)]
        near += [i for n in difflib.get_close_matches(_squash(key), list(self.by_name), n=3, cutoff=0.75)
                 for i in self.by_name[n] if i not in near]  # a misspelt name ("Jon Smith") finds its learner
        hint = f"; did you mean {' or '.join(repr(i) for i in near[:3])}?" if near else ""
        return None, f"{name}: no learner {key!r} on the roster{hint}"

    @staticmethod
    def _moodle_record(parts: list[str]) -> tuple[int, re.Match[str]] | None:
        """The outermost part of a path that is Moodle's ``<Full Name>_<participant id>_assignsubmission_…``."""
        for index, part in enumerate(parts):
            record = _MOODLE.match(part)
            if record:
                return index, record
        return None

    def participant(self, name: str) -> str | None:
        """The Moodle participant id a file's path carries (Moodle's record, not the learner's), or None."""
        found = self._moodle_record([p for p in Path(name).parts if p not in ("", ".")])
        return found[1]["number"] if found else None

    def moodle_conflict(self, name: str) -> str:
        """Why a file in one Moodle participant's submission but named for another learner is refused, or ''.

        Moodle writes ``<Full Name>_<participant id>_assignsubmission_file_``; everything after it (the
        file's own name, folders inside the submission) is the learner's choice and never says whose it is.
        """
        parts = [p for p in Path(name).parts if p not in ("", ".")]
        found = self._moodle_record(parts)
        if found is None:
            return ""
        index, record = found
        owner = self._lookup(record["name"])
        claims = set()
        for piece in [record["rest"], *parts[index + 1:]]:
            if not piece:
                continue
            inner = _MOODLE.match(piece)
            for key in ([inner["name"]] if inner else []) + [self._stem(piece)]:
                if key and (claim := self._lookup(key)):
                    claims.add(claim[0])
        others = sorted(claims - {owner[0] if owner else ""})
        if not others:
            return ""
        whose = f"{owner[0]}'s" if owner else f"{record['name']!r}'s (not on the roster)"
        return (f"is inside {whose} Moodle submission (participant {record['number']}) but is named for "
                f"{', '.join(others)}; a name the learner chose never files a notebook under another learner, so "
                "it was not filed (check the submission in Moodle)")

    def _stem(self, base: str) -> str:
        stem = base[: -len(".ipynb")] if base.lower().endswith(".ipynb") else base
        canvas = _CANVAS.match(stem)
        stem = canvas["file"] if canvas else stem
        moodle = _MOODLE.match(stem)
        stem = moodle["rest"] if moodle else stem
        for _ in range(2):  # "farah (1)-prd" and "farah-prd (1)" alike
            copy = _COPY.match(stem)
            if copy and copy["stem"] and not self._lookup(stem):
                stem = copy["stem"]
            for sep in ("-", "_", " "):
                suffix = f"{sep}{self.exercise}"
                if stem.casefold().endswith(suffix.casefold()) and len(stem) > len(suffix):
                    stem = stem[: -len(suffix)]
        return stem.strip()

    def _lookup(self, key: str) -> tuple[str, str] | None:
        key = key.strip()
        if key in self.by_id:
            return key, ""
        folded = self.by_fold.get(key.casefold(), [])
        if len(folded) == 1:
            return folded[0], f"{key!r} taken as {folded[0]!r} (ids match whatever the case)"
        named = self.by_name.get(_squash(key), [])
        if len(named) == 1 and _squash(key):
            return named[0], f"{key!r} is the roster name of {named[0]!r}"
        return None


# --- filing ------------------------------------------------------------------------------------


def file_submissions(source: Path, submitted: Path, exercise: str, people: list[Person],
                     grade_ids: dict[str, set[str]] | None = None,
                     max_bytes: int = MAX_NOTEBOOK_BYTES, submitted_at: dict[str, dt.datetime] | None = None,
                     due: dict[str, dt.datetime] | None = None) -> CollectReport:
    """File every notebook of ``source`` under ``submitted/<id>/<exercise>/``; see the module's docstring.

    ``grade_ids`` maps each exercise to its test cells' grade ids, to refuse another exercise's notebook.
    ``submitted_at`` (learner id to UTC time, from ``--submitted-at``) overrides any time the files carry;
    ``due`` (learner id to effective due date) places a Canvas ``_LATE`` submission whose time is unknown.
    """
    with contextlib.ExitStack() as stack:
        return _file_all(candidates(Path(source), stack), submitted, exercise, people, grade_ids, max_bytes,
                         submitted_at or {}, due or {})


def file_candidates(items: list[Candidate], submitted: Path, exercise: str, people: list[Person],
                    max_bytes: int = MAX_NOTEBOOK_BYTES) -> CollectReport:
    """File notebooks found elsewhere than in a folder or zip (hub homes) by :func:`file_submissions`'s rules.

    Each candidate's name says whose it is as a file name would (``<learner id>/<exercise>.ipynb``).
    """
    return _file_all(iter(items), submitted, exercise, people, None, max_bytes, {}, {})


def submission_time(item: Candidate, learner: str, submitted_at: dict[str, dt.datetime],
                    due: dict[str, dt.datetime]) -> SubmissionTime:
    """The time to record for ``item``, and where it came from.

    What the instructor or the LMS says, never the date a bulk download stamped on its members.
    """
    if learner in submitted_at:
        return SubmissionTime(submitted_at[learner], "from --submitted-at")
    if item.lms != "canvas":
        return SubmissionTime(item.time, f"from {item.time_source}")
    canvas = _CANVAS.match(Path(item.name).name)
    if canvas and canvas["late"]:
        if learner in due:
            return SubmissionTime(due[learner] + dt.timedelta(seconds=1),
                                  "late by Canvas's _LATE mark, by how much unknown: recorded as one second after "
                                  "the due date (give --submitted-at for the real time)")
        return SubmissionTime(None, "late by Canvas's _LATE mark, but the exercise has no due date here: recorded "
                                    "as on time (set it with `pmkit deadline`, or give --submitted-at)")
    return SubmissionTime(None, "on time by Canvas (no _LATE mark); Canvas's bulk download carries no submission "
                                "time, so none is recorded")


def _file_all(items: Iterator[Candidate], submitted: Path, exercise: str, people: list[Person],
              grade_ids: dict[str, set[str]] | None, max_bytes: int, submitted_at: dict[str, dt.datetime],
              due: dict[str, dt.datetime]) -> CollectReport:
    matcher = Matcher(people, exercise)
    report = CollectReport()
    found: dict[str, list[Candidate]] = {}
    for item in items:
        base = Path(item.name).name
        if base.startswith(".") or "__MACOSX" in item.name or ".ipynb_checkpoints" in item.name:
            continue
        if item.problem:
            report.refused.append(f"{item.name}: {item.problem}")
            continue
        if not base.lower().endswith(".ipynb"):
            report.not_notebooks.append(item.name)
            continue
        conflict = matcher.moodle_conflict(item.name)
        if conflict:
            report.refused.append(f"{item.name}: {conflict}")
            continue
        learner, note = matcher.match(item.name)
        if learner is None:
            report.unknown.append(item.name)
            report.notes.append(note)
            continue
        if note:
            report.notes.append(f"{item.name}: {note}")
        if item.size > max_bytes:
            report.refused.append(f"{item.name}: {_mb(item.size)} is over the {_mb(max_bytes)} limit for a notebook; "
                                  f"if it is a real notebook (many plots), collect again with {SIZE_OPTION} "
                                  f"{_raise_to(item.size)} (and grade with the same), or ask the learner to clear "
                                  "outputs and resubmit")
            continue
        found.setdefault(learner, []).append(item)
    for learner, items in list(found.items()):  # two Moodle participants taken for one learner: whose is it?
        participants = sorted({p for item in items if (p := matcher.participant(item.name))})
        if len(participants) > 1:
            del found[learner]
            for item in items:
                report.refused.append(f"{item.name}: Moodle participants {' and '.join(participants)} both match "
                                      f"{learner!r}; nothing was filed for {learner} (check in Moodle who is who, "
                                      "then collect their files by the learner's id)")
    for learner, items in sorted(found.items()):
        items.sort(key=lambda i: i.time, reverse=True)  # newest first; a tie keeps the source's order
        for rank, item in enumerate(items):
            time = submission_time(item, learner, submitted_at, due)
            try:
                settled = _file_one(item, learner, submitted / learner / exercise, exercise, grade_ids, max_bytes,
                                    report, time)
            except Exception as error:  # one file's failure is that file's reason, never the run's
                report.refused.append(f"{item.name}: could not be filed ({type(error).__name__}: "
                                      f"{str(error)[:200]}); nothing of it was filed")
                continue
            if settled:
                if learner in report.collected or learner in report.unchanged:
                    report.times.append(f"{learner}: {_when(time.when) if time.when else 'no time'} ({time.source})")
                for other in items[rank + 1:]:
                    report.duplicates.append(other.name)
                    older = "older" if other.time < item.time else "as old (the first in the source wins)"
                    report.notes.append(f"{learner}: {item.name} ({_when(item.time)}) is filed; {other.name} "
                                        f"({_when(other.time)}) is {older}")
                break
    filed = {p.parent.parent.name for p in submitted.glob(f"*/{exercise}/{exercise}.ipynb")} if submitted.is_dir() \
        else set()
    report.missing = sorted(p.id for p in people if p.id not in filed)
    return report


def _file_one(item: Candidate, learner: str, target: Path, exercise: str, grade_ids: dict[str, set[str]] | None,
              max_bytes: int, report: CollectReport, time: SubmissionTime | None = None) -> bool:
    """File one notebook; True when this learner's submission is settled (filed, unchanged or newer kept)."""
    time = time or SubmissionTime(item.time, f"from {item.time_source}")
    existing = read_timestamp(target)
    notebook = target / f"{exercise}.ipynb"
    if existing is not None and notebook.is_file() and time.when is not None and existing > time.when:
        report.duplicates.append(item.name)
        report.notes.append(f"{learner}: the submission already filed ({_when(existing)}) is newer than "
                            f"{item.name} ({_when(item.time)}); the filed one is kept")
        return True
    try:
        target.mkdir(parents=True, exist_ok=True)
        try:
            with temp_beside(notebook) as tmp:
                digest, problem = _copy_capped(item, tmp, max_bytes)
                if not problem:
                    problem = wrong_exercise(tmp, exercise, grade_ids)
                if problem:
                    report.refused.append(f"{item.name}: {problem}")
                    return False
                unreadable = _unreadable(tmp, max_bytes)
                if unreadable:  # filed all the same: it is the learner's submission, and grading records why
                    report.notes.append(f"{item.name}: filed for {learner}, but it {unreadable}; it will fail "
                                        "grading until the learner submits a notebook")
                if notebook.is_file() and file_digest(notebook) == digest:
                    report.unchanged.append(learner)
                else:
                    os.replace(tmp, notebook)
                    report.collected.append(learner)
            if time.when is not None:
                write_text_atomic(target / "timestamp.txt", timestamp_text(time.when) + "\n")
            else:  # no time known: no stale time from an earlier collect either
                with contextlib.suppress(FileNotFoundError):
                    (target / "timestamp.txt").unlink()
            return True
        finally:
            with contextlib.suppress(OSError):  # no empty folders left for a refused file
                target.rmdir()
                target.parent.rmdir()
    except OSError as error:
        report.refused.append(f"{item.name}: could not be written to {target} ({error.strerror or error}); "
                              f"{'the earlier submission is kept whole' if notebook.is_file() else 'nothing filed'}"
                              f"{'; free some disk space and collect again' if error.errno == 28 else ''}")
        return True


def _unreadable(path: Path, max_bytes: int) -> str:
    """Why a filed file is not a notebook (the one safe reader's reason), or ''."""
    from pmkit.errors import NotebookUnreadable
    from pmkit.notebooks import read

    try:
        read(path, max_bytes=max_bytes)
    except NotebookUnreadable as error:
        return error.reason
    return ""


def _copy_capped(item: Candidate, tmp: Path, max_bytes: int) -> tuple[str, str]:
    """Stream the file into ``tmp`` (at most ``max_bytes``); return its sha256 and a problem, if any."""
    digest = hashlib.sha256()
    written = 0
    try:
        with item.opener() as source, open(tmp, "wb") as out:
            while chunk := source.read(_CHUNK):
                written += len(chunk)
                if written > max_bytes:
                    return "", (f"holds more than the {_mb(max_bytes)} limit for a notebook; if it is a real "
                                f"notebook, collect again with a larger {SIZE_OPTION}; not filed")
                if item.packed is not None and written > BOMB_FLOOR and written > MAX_RATIO * max(item.packed, 1):
                    return "", (f"expands more than {MAX_RATIO} times its size in the zip (a zip bomb?); "
                                "not filed")
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError) as error:
        return "", f"is damaged in the zip ({error}); download the submissions again"
    except OSError as error:
        if isinstance(error, PermissionError) or error.errno in (errno.EIO, errno.EINVAL, errno.ELOOP):  # the source
            return "", f"cannot be read ({error.strerror or error})"
        raise
    return digest.hexdigest(), ""


def _raise_to(size: int) -> int:
    """The whole number of MB that lets a file of ``size`` bytes in."""
    return -(-size // (1024 * 1024))


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size} bytes"


def _when(time: dt.datetime) -> str:
    return time.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
