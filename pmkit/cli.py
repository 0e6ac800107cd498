"""The ``pmkit`` command: one entry point with a subcommand per job."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmkit import __version__
from pmkit.errors import DamagedMetadata, PmkitError

if TYPE_CHECKING:
    from pmkit.grading.engine import SubmissionResult


def _cmd_data_check(args: argparse.Namespace) -> int:
    from pmkit.exercises import catalog
    from pmkit.paths import datasets_dir
    from pmkit.tables import check_all
    from pmkit.teach import cases, content, roles

    groups = {"roles": roles.SCHEMAS, "cases": cases.SCHEMAS, "exercises": catalog.SCHEMAS, "course": content.SCHEMAS}
    results = check_all(groups, datasets_dir())
    broken = [error for _, error in results if not isinstance(error, int)]
    for name, rows in results:
        if isinstance(rows, int):
            print(f"ok  {name}  {rows} rows")
    for error in broken:
        print(f"pmkit: {error}", file=sys.stderr)
    if broken:
        print(f"pmkit: {len(broken)} of {len(results)} data files are broken (listed above)", file=sys.stderr)
    return 2 if broken else 0


def _positive(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be 1 or more")
    return value


def _notebook_paths(targets: Sequence[str]) -> list[Path]:
    paths: list[Path] = []
    for target in targets:
        path = Path(target)
        if path.is_dir():
            paths.extend(sorted(p for p in path.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts))
        elif path.suffix == ".ipynb" and path.is_file():
            paths.append(path)
        else:
            raise PmkitError(f"{path}: not a notebook or a folder of notebooks")
    return paths


def _cmd_notebooks_clean(args: argparse.Namespace) -> int:
    from pmkit import notebooks

    dirty = 0
    for path in _notebook_paths(args.paths):
        nb = notebooks.read(path)
        bad = notebooks.bad_cell_ids(nb)
        if bad:
            print(f"{path}: give these cells unique ids of letters, digits, - or _: {'; '.join(bad)}")
            dirty += 1
            continue
        text = notebooks.dumps(notebooks.clean(nb))
        if path.read_text(encoding="utf-8") != text:
            dirty += 1
            if args.check:
                print(f"{path}: not clean (outputs or metadata stored); run `make notebooks`")
            else:
                path.write_text(text, encoding="utf-8")
                print(f"cleaned {path}")
    return 1 if (dirty and args.check) else 0


_ICONS = {"correct": "\u2714", "partial": "\u25d0", "incorrect": "\u2718",
          "not_attempted": "\u2026", "manual": "\u270e"}


def _check_sources() -> tuple[Path, bool]:
    """What `pmkit check` grades against: solutions/ (hidden tests included) or, without it, the release alone.

    ``PMKIT_SOLUTIONS`` names another sources folder; a learner's server in a cohort has none.
    """
    from pmkit.grading import engine

    solutions = Path(os.environ.get("PMKIT_SOLUTIONS") or engine.REPO_ROOT / engine.SOURCE_DIR)
    if solutions.is_dir() and engine.exercise_ids(solutions):
        return solutions, True
    return engine.REPO_ROOT / engine.RELEASE_DIR, False


def _cmd_check(args: argparse.Namespace) -> int:
    from pmkit.grading import engine

    path = Path(args.path)
    if not path.is_file():
        what = "is a folder" if path.is_dir() else "no such file"
        raise PmkitError(f"{path}: {what}; give your exercise notebook, e.g. exercises/prd/prd.ipynb")
    exercise = args.exercise or path.stem
    sources, hidden = _check_sources()
    known = engine.exercise_ids(sources)
    if exercise not in known:
        raise PmkitError(f"{path}: {exercise!r} is not one of the course's exercises ({', '.join(known)}); "
                         "keep the notebook's name, or say which it is with --exercise")
    from pmkit import notebooks
    from pmkit.grading.releases import exercise_grade_ids, other_exercise

    notebooks.read(path)  # anything that is not a notebook is refused here, naming the file and why
    grade_ids = exercise_grade_ids(sources)
    other = other_exercise(path, exercise, grade_ids)
    if other:
        raise PmkitError(f"{path}: this is the {other!r} exercise's notebook, not {exercise!r}; check it with "
                         f"`pmkit check {path} --exercise {other}`, or open exercises/{exercise}/{exercise}.ipynb "
                         f"for {exercise!r}")
    if not args.no_sandbox:
        from pmkit.grading import sandbox

        sandbox.require()
    what = "hidden tests included" if hidden else "visible checks only: the hidden tests run when you are graded"
    print(f"Checking {path} against exercise {exercise}, {what} (in a temporary copy)...")
    with engine.GradingCourse(solutions=sources, sandboxed=not args.no_sandbox) as course:
        from pmkit.grading.sandbox import local_kernels

        local_kernels(course.api.config)
        try:
            result = course.grade(exercise, "me", path)
        except DamagedMetadata:
            raise PmkitError(_damaged_reason(path, exercise, grade_ids)) from None
    present = _grade_ids(path)
    width = max(len(c.grade_id) for c in result.cells)
    for cell in result.cells:
        if cell.autograded and present is not None and cell.grade_id not in present:
            cell = dataclasses.replace(cell, status="incorrect", score=0, message=(
                "\u2718 this test cell is missing from your notebook, so it scores 0; restore it from "
                f"{engine.RELEASE_DIR}/{exercise}/{exercise}.ipynb"))
        points = "-" if cell.score is None else f"{cell.score:g}"
        print(f"{_ICONS[cell.status]} {cell.grade_id:<{width}}  {points:>3}/{cell.max_score:<3g}", end="  ")
        print(cell.message.replace("\n", "\n" + " " * (width + 12)))
    print(f"\nAutograded: {result.auto_score:g} of {result.auto_max:g} points.", end=" ")
    if result.manual_max:
        print(f"{result.manual_max:g} more points are graded by your instructor.", end="")
    print()
    if not hidden:
        print("These are the visible checks only. Hidden tests run when your instructor grades the notebook, "
              "so a full score here is not yet a full grade.")
    _remember_check(exercise, result)
    missing = present is not None and any(c.autograded and c.grade_id not in present for c in result.cells)
    return 0 if result.auto_score == result.auto_max and not missing else 1


def _grade_ids(path: Path) -> set[str] | None:
    """The grade ids of a notebook's cells, or None when it cannot be read as a notebook."""
    from pmkit.grading.releases import notebook_grade_ids

    return notebook_grade_ids(path)


def _damaged_reason(path: Path, exercise: str, grade_ids: dict[str, set[str]]) -> str:
    """Why nbgrader could not restore a learner's notebook's metadata, and what the learner can do about it."""
    from pmkit.grading.engine import RELEASE_DIR
    from pmkit.grading.releases import unknown_cells

    release = f"{RELEASE_DIR}/{exercise}/{exercise}.ipynb"
    unknown = unknown_cells(path, exercise, grade_ids)
    if unknown:
        return (f"{path}: this notebook is from an older release of {exercise!r} (its graded cell(s) "
                f"{', '.join(unknown)} are not in the current one); copy your answers into the current {release} "
                "(get it again from your instructor or the course) and check that")
    return (f"{path}: its grading cells were edited, deleted or copied in from elsewhere, so it cannot be graded "
            f"as {exercise!r}; copy your answers into a fresh {release} and check that")


def _remember_check(exercise: str, result: SubmissionResult) -> None:
    """Add the result to the learner's own progress record (best effort; it never grades)."""
    from pmkit.teach import progress

    try:
        progress.record_check(exercise, result.auto_score, result.auto_max, result.manual_max)
    except OSError as exc:
        print(f"(progress not recorded: {exc})")


def _cmd_progress(args: argparse.Namespace) -> int:
    from pmkit.teach import progress

    print(progress.text())
    return 0


def _cohort(args: argparse.Namespace):  # noqa: ANN202 - pmkit.cohort.folder.Cohort, imported lazily
    from pmkit.cohort.folder import Cohort

    return Cohort(Path(args.cohort), db_url=args.db)


def _cmd_cohort_init(args: argparse.Namespace) -> int:
    from pmkit.cohort.folder import Cohort

    instructors = tuple(name.strip() for name in (args.instructors or "").split(",") if name.strip())
    cohort = Cohort.init(Path(args.dir), Path(args.roster), db_url=args.db, instructors=instructors,
                         exchange=Path(args.exchange) if args.exchange else None)
    print(f"cohort created in {cohort.root} with {len(cohort.learner_ids())} learners; gradebook: {cohort.db_url}")
    if instructors:
        print(f"instructors on the cohort's hub: {', '.join(instructors)}; exchange: {cohort.exchange}")
    return 0


def _cmd_cohort_roster(args: argparse.Namespace) -> int:
    from pmkit.cohort.folder import read_roster

    cohort = _cohort(args)
    before = set(cohort.learner_ids())
    learners = read_roster(Path(args.roster))
    cohort.import_roster(learners, args.roster)
    added = sorted({learner.id for learner in learners} - before)
    print(f"{len(added)} learner(s) added ({', '.join(added) or '-'}), {len(learners) - len(added)} updated; "
          f"{len(cohort.learner_ids())} in the cohort. Restart the cohort's hub to let new learners log in.")
    return 0


def _cmd_cohort_solutions(args: argparse.Namespace) -> int:
    cohort = _cohort(args)
    changed = cohort.update_solutions()
    if not changed:
        print(f"{cohort.solutions}: already the same as this checkout's solutions/; nothing changed")
        return 0
    print(f"{cohort.solutions}: updated from this checkout; changed: {', '.join(changed)}")
    print("graded submissions keep their scores; `pmkit grade EXERCISE --force` grades them again with the new "
          "tests, and `pmkit release EXERCISE` makes a new student version")
    return 0


def _cmd_cohort_instructors(args: argparse.Namespace) -> int:
    cohort = _cohort(args)
    names = cohort.set_instructors(_names(args.add), _names(args.remove))
    print(f"instructors: {', '.join(names) or 'none'}. Restart the cohort's hub for the change to take effect.")
    return 0


def _names(values: list[str] | None) -> list[str]:
    return [n.strip() for value in values or [] for n in value.split(",") if n.strip()]


def _cmd_cohort_upgrade(args: argparse.Namespace) -> int:
    from pmkit.cohort.folder import upgrade_config

    path = upgrade_config(Path(args.cohort))
    print(f"rewrote {path} for this pmkit; the old one is beside it as nbgrader_config.py.old" if path else
          f"{Path(args.cohort).resolve()}: its nbgrader_config.py is already current; nothing changed")
    return 0


def _cmd_peer_assign(args: argparse.Namespace) -> int:
    from pmkit.cohort import peer_review

    report = peer_review.assign(_cohort(args), args.exercise, reviews=args.reviews, seed=args.seed, force=args.force)
    print("\n".join(report.lines()))
    print(f"seed {report.seed} (kept privately in {report.folder / 'secret.json'}): `--seed {report.seed}` with the "
          "same submissions gives the same assignment; keep it private, as anyone with it can work out who reviews "
          "whom. On the cohort's hub each reviewer finds the notebook in peer-review/ at their server's next "
          "start (a copy from an earlier assignment is moved aside); otherwise hand out each outbox/<learner>/ "
          "notebook to its learner only")
    return 0


def _cmd_peer_collect(args: argparse.Namespace) -> int:
    from pmkit.cohort import peer_collect

    if bool(args.source) == args.from_hub:
        raise PmkitError("give either --from PATH (a folder or zip of returned review notebooks) or --from-hub")
    cohort = _cohort(args)
    homes = None
    if args.from_hub:
        from pmkit.hub import config as hub_config

        plan = hub_config.plan(cohort.root)
        homes = {learner: plan.home(user) for user, learner in plan.learners.items()}
    report = peer_collect.collect(cohort, args.exercise, source=Path(args.source) if args.source else None,
                                 homes=homes, max_bytes=args.max_notebook_mb * 2**20)
    print("\n".join(report.lines()))
    if report.failed:
        print("pmkit: some reviews were not stored (listed above); the others were", file=sys.stderr)
    return 1 if report.failed else 0


def _cmd_peer_feedback(args: argparse.Namespace) -> int:
    from pmkit.cohort import peer_feedback

    cohort = _cohort(args)
    report = peer_feedback.feedback(cohort, args.exercise)
    where = report.pages[0].parent if report.pages else "-"
    print(f"wrote {len(report.pages)} page(s) of peers' feedback under {where}"
          f"\nwrote {report.summary}: per author, the peers' mean per criterion beside your manual score")
    print("peer scores are feedback only: the grade stays your manual score in Formgrader")
    for line in report.lines:
        print(f"  {line}")
    return 0


def _cmd_release(args: argparse.Namespace) -> int:
    cohort = _cohort(args)
    released = cohort.release(args.exercise, to_exchange=args.exchange)
    where = f" to the exchange {cohort.exchange}" if args.exchange else f" into {cohort.root / 'exercises'}"
    print(f"released{where}: {', '.join(released)}")
    return 0


def _cmd_collect(args: argparse.Namespace) -> int:
    if args.exchange == bool(args.path):
        raise PmkitError("give either a folder or zip of notebooks, or --exchange to collect hub submissions")
    cohort = _cohort(args)
    report = cohort.collect_exchange(args.exercise) if args.exchange else \
        cohort.collect(Path(args.path), args.exercise, submitted_at=args.submitted_at,
                       max_bytes=args.max_notebook_mb * 2**20)
    print("\n".join(report.lines()))
    if report.failed:
        print("pmkit: some files were not filed (listed above); fix them and collect again", file=sys.stderr)
    return 1 if report.failed else 0


def _cmd_grade(args: argparse.Namespace) -> int:
    from pmkit.grading.gradebook import submission_details
    from pmkit.grading.nbgrader_course import PlainCourse, is_plain_course
    from pmkit.runs.runner import Grader, summary
    from pmkit.runs.shards import available_cpus, shard_from_environment

    if args.course or is_plain_course(Path(args.cohort)):  # a plain nbgrader course, not a cohort folder
        source = PlainCourse(Path(args.course or args.cohort), db_url=args.db)
    else:
        source = _cohort(args).grading_source(args.exercise, args.max_notebook_mb * 2**20)
    shard = shard_from_environment(args.shard)
    grader = Grader(source, args.exercise, workers=args.workers or available_cpus(), cell_timeout=args.timeout,
                    submission_timeout=args.submission_timeout, force=args.force, sandboxed=not args.no_sandbox,
                    shard=shard)
    outcomes = grader.run()
    print(summary(outcomes, submission_details(source.db_url, args.exercise)))
    failed = sorted(o.learner for o in outcomes if o.status == "failed")
    if failed:  # as nbgrader autograde does: a failed submission is the operator's to look at
        print(f"pmkit: {len(failed)} submission(s) failed ({', '.join(failed)}); their reasons are above. Fix "
              "what is the course's, or tell the learner, then grade again", file=sys.stderr)
        return 1
    return 0


def _cmd_feedback(args: argparse.Namespace) -> int:
    from pmkit.cohort import feedback

    cohort = _cohort(args)
    cohort._check_exercise(args.exercise)
    problems: list[str] = []
    failed: list[str] = []
    written = feedback.generate(cohort.root, cohort.db_url, args.exercise, problems, failed)
    print(f"wrote {len(written)} feedback page(s) under {cohort.root / 'feedback'}")
    if failed:
        print(f"{len(failed)} of them say grading failed and why, with no score: {', '.join(failed)}")
    for line in problems:
        print(f"pmkit: {line}", file=sys.stderr)
    if args.exchange:
        cohort.release_feedback(args.exercise)
        print(f"returned them through the exchange {cohort.exchange}; each learner fetches only their own")
    return 1 if problems else 0


def _cmd_report(args: argparse.Namespace) -> int:
    from pmkit.cohort import report

    cohort = _cohort(args)
    csv_path, html_path = report.write(cohort.root, cohort.db_url, Path(args.out) if args.out else None)
    print(f"wrote {csv_path}\nwrote {html_path}")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from pmkit.cohort import lms_export

    cohort = _cohort(args)
    out = Path(args.out) if args.out else cohort.root / "reports" / f"{args.lms}-grades.csv"
    path, analytics, export = lms_export.write(cohort.root, cohort.db_url, args.lms, out, questions=args.questions,
                                               section=args.section, allow_partial=args.allow_partial,
                                               match=Path(args.match) if args.match else None)
    how = ("Canvas: Grades > Import, then check the matched students and new columns" if args.lms == "canvas" else
           "Moodle: Grades > Import > CSV file; map 'Email address' to useremail and each column to a grade item")
    print(f"wrote {path}\nimport it in {how}")
    if analytics:
        print(f"wrote {analytics}: per-question scores for analysis; do NOT import it (each column would become "
              "a gradebook item)")
    if export.partial:
        state = "exported as partial totals (--allow-partial)" if args.allow_partial else \
            "left blank until Formgrader has them (--allow-partial exports the partial totals)"
        print(f"{len(export.partial)} total(s) with points awaiting manual grading, {state}:")
        print("\n".join(f"  {line}" for line in export.partial))
    if export.excused:
        print(f"{len(export.excused)} excused: {', '.join(export.excused)}")
    if args.lms == "moodle":
        maxima = ", ".join(f"{name} {points:g}" for name, points in export.maxima.items())
        print(f"Moodle gives a grade item it creates at import a maximum of 100: create each item first with its "
              f"own maximum ({maxima}) and map the columns to them")
    if export.unmatched:
        print(f"not in the LMS's export, left out: {', '.join(export.unmatched)} (add them in the LMS, or check "
              "their e-mail and id on the roster)", file=sys.stderr)
        return 1
    return 0


def _cmd_deadline(args: argparse.Namespace) -> int:
    from traitlets.config import Config

    from pmkit.cohort import deadlines
    from pmkit.grading import late_policy

    cohort = _cohort(args)
    cohort._check_exercise(args.exercise)
    if args.due or args.clear:
        deadlines.set_due(cohort.db_url, args.exercise, None if args.clear else deadlines.parse_due(args.due))
    policy = deadlines.load(cohort.root)
    policy_changed = policy.set_policy(args.late_policy, args.percent_per_day, args.max_percent)
    people = cohort.people()
    for grant in args.extend or []:
        learner, sep, length = grant.partition("=")
        if not sep:
            raise PmkitError(f"--extend {grant!r}: write LEARNER=LENGTH with a roster id, e.g. --extend ana=2d")
        hours = deadlines.parse_duration(length)
        policy.extensions.setdefault(args.exercise, {})[deadlines.roster_id(learner, people, "--extend")] = hours
    for option, names, excuse in (("--excuse", args.excuse, True), ("--unexcuse", args.unexcuse, False)):
        for name in names or []:
            learner = deadlines.roster_id(name, people, option)
            excused = set(policy.excused.get(args.exercise, []))
            policy.excused[args.exercise] = sorted(excused | {learner} if excuse else excused - {learner})
    deadlines.save(cohort.root, policy)
    config = deadlines.configure(Config(), cohort.root)
    changed = [(learner, old, new, exercise)
               for exercise in (sorted(deadlines.due_dates(cohort.db_url)) if policy_changed else [args.exercise])
               for learner, old, new in late_policy.reapply(cohort.db_url, exercise,
                                                            policy.extensions.get(exercise, {}), config)]
    if policy_changed:
        print("note: the late policy is the whole cohort's, for every exercise (`pmkit late-policy` sets it alone)")
    due = deadlines.due_dates(cohort.db_url).get(args.exercise)
    print(f"{args.exercise}: due {f'{due:%Y-%m-%d %H:%M} UTC' if due else 'no due date'}; late policy: "
          f"{policy.describe()}")
    for learner, hours in sorted(policy.extensions.get(args.exercise, {}).items()):
        print(f"  extension for {learner}: {hours:g} hours")
    for learner in policy.excused.get(args.exercise, []):
        print(f"  excused: {learner} (counts for nothing; exported as EX to Canvas, blank to Moodle)")
    for learner, old, new, exercise in changed:
        where = "" if exercise == args.exercise else f"{exercise}: "
        print(f"  {where}penalty of {learner}'s graded submission: {old:g} -> {new:g} points")
    print("already graded submissions now carry this deadline and policy; later ones get it when graded")
    return 0


def _cmd_late_policy(args: argparse.Namespace) -> int:
    from traitlets.config import Config

    from pmkit.cohort import deadlines
    from pmkit.grading import late_policy

    cohort = _cohort(args)
    policy = deadlines.load(cohort.root)
    policy.set_policy(args.method, args.percent_per_day, args.max_percent)
    deadlines.save(cohort.root, policy)
    print(f"late policy of the whole cohort: {policy.describe()}")
    config = deadlines.configure(Config(), cohort.root)
    for exercise in sorted(deadlines.due_dates(cohort.db_url)):
        for learner, old, new in late_policy.reapply(cohort.db_url, exercise, policy.extensions.get(exercise, {}),
                                                     config):
            print(f"  {exercise}: penalty of {learner}'s graded submission: {old:g} -> {new:g} points")
    return 0


def _cmd_hub(args: argparse.Namespace) -> int:
    from pmkit.hub import config as hub_config

    plan = hub_config.plan(Path(args.cohort))  # a roster or instructor problem is reported before anything starts
    if args.helm_values:
        Path(args.helm_values).write_text(json.dumps(hub_config.helm_values(plan), indent=1) + "\n", encoding="utf-8")
        print(f"wrote {args.helm_values}: {len(plan.learners)} learners, instructors {', '.join(plan.instructors)}; "
              "pass it to helm after deploy/jupyterhub/kubernetes/values.yaml")
        return 0
    command = [str(Path(sys.executable).parent / "jupyterhub"), "-f", str(hub_config.CONFIG_FILE)]
    if not Path(command[0]).exists():
        raise PmkitError(f"JupyterHub is not installed beside {sys.executable}; `make hub` installs it, "
                         "or run `pip install -e '.[hub]'`")
    hub_config.require_proxy()
    secret = hub_config.passwords(plan)
    env = {**os.environ, "PMKIT_COHORT": str(plan.cohort), "PMKIT_HUB_IP": args.ip, "PMKIT_HUB_PORT": str(args.port)}
    print(f"JupyterHub for {plan.cohort} at http://{args.ip}:{args.port}/\n"
          f"  learners ({len(plan.learners)}): log in with your roster id and the password {secret['learners']}\n"
          f"  instructors ({', '.join(plan.instructors)}): the password {secret['instructors']}\n"
          f"  (both are kept in {plan.state / hub_config.PASSWORDS}; stop the hub with Ctrl-C)", flush=True)
    os.chdir(plan.state)
    os.execve(command[0], command, env)
    return 0  # not reached: the hub replaces this process


def _cmd_formgrader(args: argparse.Namespace) -> int:
    from pmkit.paths import REPO_ROOT

    cohort = _cohort(args)  # refuses a folder that is not a cohort, before anything starts
    lab = Path(sys.executable).parent / "jupyter-lab"
    if not lab.exists():
        raise PmkitError(f"JupyterLab is not installed beside {sys.executable}; run `make lab` or `pip install -e .`")
    command = [str(lab), f"--ServerApp.ip={args.ip}", f"--ServerApp.port={args.port}",
               f"--ServerApp.root_dir={cohort.root}", "--ServerApp.default_url=/formgrader", *args.lab_args]
    if os.geteuid() == 0:
        command.append("--allow-root")
    if args.no_browser:
        command.append("--no-browser")
    # nbgrader reads the cohort's own nbgrader_config.py from the folder it starts in, so Formgrader shows this
    # cohort's gradebook (never a new gradebook.db in the checkout) and grades through pmkit's sandbox.
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(REPO_ROOT / "deploy" / "lab" / "instructor"),
           "PMKIT_COHORT": str(cohort.root), "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"}
    if args.db:
        raise PmkitError("--db cannot be given to formgrader: Formgrader reads the gradebook the cohort's "
                         "nbgrader_config.py names")
    print(f"Formgrader for {cohort.root} at http://{args.ip}:{args.port}/formgrader (stop it with Ctrl-C)", flush=True)
    os.chdir(cohort.root)
    os.execve(command[0], command, env)
    return 0  # not reached: JupyterLab replaces this process


def _command(group: Any, func: Callable[[argparse.Namespace], int], name: str, cohort: bool = False,
             exercise: bool = False, **described: str) -> argparse.ArgumentParser:
    """A subcommand that runs ``func``; a cohort's command also takes ``--cohort`` and ``--db``."""
    parser = group.add_parser(name, **described)
    parser.set_defaults(func=func)
    if exercise:
        parser.add_argument("exercise")
    if cohort:
        parser.add_argument("--cohort", default=".", help="the cohort folder (default: the current folder)")
        parser.add_argument("--db", help="gradebook SQLAlchemy URL, overriding the cohort's (e.g. postgresql://...)")
    return parser


def _size_option(parser: argparse.ArgumentParser, verb: str) -> None:
    """``--max-notebook-mb``: the size cap on a learner's notebook, the same for collect and grade."""
    from pmkit.notebooks import MAX_NOTEBOOK_BYTES

    default = MAX_NOTEBOOK_BYTES // 2**20
    parser.add_argument("--max-notebook-mb", type=_positive, default=default, metavar="MB",
                        help=f"the largest notebook to {verb}, in MB (default {default}); raise it for notebooks "
                             "with many plots, and give collect and grade the same value. A zip member that expands "
                             "over 100 times its packed size is refused as a zip bomb whatever this is")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(prog="pmkit", description="Tools for the APM vs JPM course.")
    parser.add_argument("--version", action="version", version=f"pmkit {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    data = commands.add_parser("data", help="check the course's data files")
    data_commands = data.add_subparsers(dest="data_command", required=True)
    _command(data_commands, _cmd_data_check, "check", help="load and validate every role table")

    check_nb = _command(commands, _cmd_check, "check",
                        help="grade your own exercise notebook, hidden tests included; exit 1 unless all pass",
                        description="Grade a copy of your exercise notebook with nbgrader, hidden tests included, and "
                                    "print each question's result and feedback. Exits 1 if any autograded test fails.")
    check_nb.add_argument("path", help="your notebook, e.g. exercises/prd/prd.ipynb")
    check_nb.add_argument("--exercise", help="the exercise id, if the file was renamed")
    check_nb.add_argument("--no-sandbox", action="store_true",
                          help="run the notebook without the sandbox (only where bubblewrap cannot run; your "
                               "code then runs with your files in reach)")
    _command(commands, _cmd_progress, "progress",
             help="what you have done and what is left: chapter checks and pmkit check results")

    cohort = commands.add_parser("cohort", help="create a cohort: a course folder with a roster and gradebook")
    cohort_commands = cohort.add_subparsers(dest="cohort_command", required=True)
    init = _command(cohort_commands, _cmd_cohort_init, "init",
                    help="create a cohort folder and import its roster",
                    description="Create an nbgrader course folder for a cohort whose sources are this course's "
                                "solutions/, and import the roster (CSV with id, first_name, last_name, email; all "
                                "rows or none).")
    init.add_argument("dir", help="the folder to create")
    init.add_argument("--roster", required=True, help="roster CSV")
    init.add_argument("--db", help="gradebook SQLAlchemy URL (default: sqlite in the folder)")
    init.add_argument("--instructors", help="comma-separated hub user names that get Formgrader on the cohort's hub")
    init.add_argument("--exchange", help="nbgrader's exchange folder for a hub cohort (default: <dir>/exchange)")
    roster = _command(cohort_commands, _cmd_cohort_roster, "roster",
                      help="add or update learners from a roster CSV (all rows or none)",
                      cohort=True)
    roster.add_argument("roster", help="roster CSV with id, first_name, last_name, email")
    _command(cohort_commands, _cmd_cohort_solutions, "solutions",
             help="update the cohort's own copy of solutions/ from this checkout, deliberately",
             description="A cohort grades with its own copy of solutions/, made at init, so editing the checkout "
                         "mid-course changes nothing. This copies the checkout's solutions/ over it and says which "
                         "exercises changed.", cohort=True)
    instructors = _command(cohort_commands, _cmd_cohort_instructors, "instructors",
                           help="add or remove instructors (hub user names that get Formgrader)", cohort=True)
    instructors.add_argument("--add", action="append", metavar="NAME[,NAME]", help="instructors to add")
    instructors.add_argument("--remove", action="append", metavar="NAME[,NAME]", help="instructors to remove")
    peer = cohort_commands.add_parser(
        "peer-review", help="optional: learners review each other's PRD with the rubric (feedback, not grades)",
        description="An optional peer-review step on the PRD: assign each learner peers' PRDs (anonymised), collect "
                    "their review notebooks (read, never run) and write each author a page of what peers said. Peer "
                    "scores never change a grade: the instructor's manual score in Formgrader is the grade.")
    peer_commands = peer.add_subparsers(dest="peer_command", required=True)
    peer_assign = _command(peer_commands, _cmd_peer_assign, "assign", cohort=True,
                           help="assign reviews and write each reviewer's notebook")
    peer_assign.add_argument("--reviews", type=_positive, default=2, help="PRDs each learner reviews (default 2)")
    peer_assign.add_argument("--seed", type=int, default=None,
                             help="the shuffle's seed, to reproduce an assignment (default: a random one, printed and "
                                  "kept privately in peer-review/<exercise>/secret.json)")
    peer_assign.add_argument("--force", action="store_true",
                             help="assign again over an earlier assignment (the earlier folder is kept, renamed)")
    peer_collect = _command(peer_commands, _cmd_peer_collect, "collect", cohort=True,
                            help="read returned review notebooks (without running them) into reviews.csv")
    peer_collect.add_argument("--from", dest="source", metavar="PATH",
                              help="a folder or zip of returned notebooks (<learner>.ipynb, one folder per learner, "
                                   "LMS downloads: the same names `pmkit collect` takes)")
    peer_collect.add_argument("--from-hub", action="store_true",
                              help="read peer-review/prd-peer-review.ipynb from each learner's home on the trial hub")
    _size_option(peer_collect, "file")
    peer_feedback = _command(peer_commands, _cmd_peer_feedback, "feedback", cohort=True,
                             help="write each author's page of peers' feedback and the instructor's summary")
    for sub in (peer_assign, peer_collect, peer_feedback):
        sub.add_argument("--exercise", default="prd", choices=["prd"], help="the peer-reviewed exercise (prd)")
    upgrade = _command(cohort_commands, _cmd_cohort_upgrade, "upgrade",
                       help="rewrite a cohort's nbgrader_config.py made by an older pmkit (the old one is kept)")
    upgrade.add_argument("--cohort", default=".", help="the cohort folder (default: the current folder)")

    release = _command(commands, _cmd_release, "release",
                       help="generate student versions in the cohort's gradebook",
                       cohort=True)
    release.add_argument("exercise", nargs="?", help="one exercise (default: all)")
    release.add_argument("--exchange", action="store_true",
                         help="also release to nbgrader's exchange so hub learners can fetch it (replaces an "
                              "earlier release)")

    collect = _command(commands, _cmd_collect, "collect",
                       help="file learners' notebooks (a folder or zip) as submissions",
                       description="File learners' notebooks from a folder or zip as submissions: <learner id>.ipynb "
                                   "in any case, browser copies, one folder per learner, Canvas and Moodle bulk "
                                   "downloads. The newest file of each learner wins; unknown names, links, oversized "
                                   "or damaged files are reported and the command exits 1. On a hub cohort, "
                                   "--exchange collects what learners submitted instead.",
                       cohort=True)
    collect.add_argument("path", nargs="?", help="folder or zip of learners' notebooks (or an LMS bulk download)")
    collect.add_argument("--exchange", action="store_true",
                         help="collect the newest hub submission of each learner from nbgrader's exchange")
    collect.add_argument("--exercise", required=True, help="the exercise these notebooks answer")
    collect.add_argument("--submitted-at", action="append", metavar="LEARNER=TIME|FILE.csv",
                         help="when a learner handed in (e.g. ana=2026-12-01T10:00, UTC unless a zone is given), or "
                              "a CSV with columns id,submitted_at; wins over the files' own times. A Canvas bulk "
                              "download's file dates are the download's, so pmkit never uses them: it reads "
                              "Canvas's _LATE mark instead")
    _size_option(collect, "file")

    grade = _command(commands, _cmd_grade, "grade",
                     help="autograde every new or changed submission in parallel",
                     description="Autograde submissions of one exercise in parallel worker processes. Broken "
                                 "submissions are recorded as failed with a reason; unchanged ones are skipped unless "
                                 "--force; an interrupted run resumes.",
                     cohort=True, exercise=True)
    grade.add_argument("--workers", type=_positive, default=None,
                       help="parallel workers (default: the CPUs this process may use, a container's CPU limit "
                            "included)")
    grade.add_argument("--shard", metavar="I/N",
                       help="grade only shard I of N: a stable slice of the learners, so N machines (or a Kubernetes "
                            "Indexed Job, with --shard auto/N) grade one cohort into one shared PostgreSQL gradebook; "
                            "each shard resumes on its own")
    grade.add_argument("--timeout", type=_positive, default=30, help="seconds a cell may run (default 30)")
    grade.add_argument("--submission-timeout", type=_positive, default=None,
                       help="seconds a whole submission may take before it is stopped (default 4x --timeout)")
    grade.add_argument("--force", action="store_true", help="grade unchanged submissions again")
    _size_option(grade, "grade")
    grade.add_argument("--no-sandbox", action="store_true",
                       help="run learners' notebooks without the sandbox (unsafe: their code runs as you, with the "
                            "cohort folder in reach); only where bubblewrap cannot run")
    grade.add_argument("--course", help="a plain nbgrader course folder (its nbgrader_config.py, source/, submitted/ "
                                        "and gradebook) instead of a cohort; hidden tests then run in the learner's "
                                        "sandboxed kernel, as in nbgrader")

    feedback = _command(commands, _cmd_feedback, "feedback",
                        help="write HTML feedback per learner, without hidden tests",
                        cohort=True, exercise=True)
    feedback.add_argument("--exchange", action="store_true",
                          help="also return the pages through nbgrader's exchange for hub learners to fetch")

    report = _command(commands, _cmd_report, "report",
                      help="the gradebook as CSV and an HTML dashboard",
                      cohort=True)
    report.add_argument("--out", help="folder for the files (default: <cohort>/reports)")

    export = _command(commands, _cmd_export, "export",
                      help="the gradebook as a CSV that Canvas or Moodle imports",
                      description="One row per learner (ids, names, e-mail) and one column per exercise total, after "
                                  "late penalties; --questions writes per-question scores to a separate file.",
                      cohort=True)
    export.add_argument("--lms", required=True, choices=["canvas", "moodle"], help="the LMS to import into")
    export.add_argument("--out", help="CSV file (default: <cohort>/reports/<lms>-grades.csv)")
    export.add_argument("--questions", action="store_true",
                        help="also write per-question scores to a separate analytics file (never imported)")
    export.add_argument("--allow-partial", action="store_true",
                        help="export totals whose written answers still await manual grading (default: blank)")
    export.add_argument("--match", metavar="LMS-EXPORT.csv",
                        help="the LMS's own gradebook export, to write each learner with the LMS's own ids")
    export.add_argument("--section", default="", help="Canvas section name to put on every row")

    deadline = _command(commands, _cmd_deadline, "deadline",
                        help="set an exercise's due date, extensions and the late policy",
                        description="Due dates live in nbgrader's gradebook (Formgrader shows them); extensions and "
                                    "the late policy in <cohort>/deadlines.json. nbgrader's late-submission plugin "
                                    "applies the policy at grading.",
                        cohort=True, exercise=True)
    deadline.add_argument("--due", help="due date, e.g. 2026-12-01T17:00 (UTC) or 2026-12-01T17:00+01:00")
    deadline.add_argument("--clear", action="store_true", help="remove the due date")
    deadline.add_argument("--extend", action="append", metavar="LEARNER=LENGTH",
                          help="give a learner more time, e.g. ana=2d or ben=36h (repeatable)")
    deadline.add_argument("--excuse", action="append", metavar="LEARNER",
                          help="excuse a learner from this exercise (it counts for nothing: not 0, not at risk); "
                               "repeat for more")
    deadline.add_argument("--unexcuse", action="append", metavar="LEARNER", help="take an excuse back")
    policy = _command(commands, _cmd_late_policy, "late-policy",
                      help="the cohort's late policy, for every exercise (graded work is re-penalised at once)",
                      cohort=True)
    policy.add_argument("method", nargs="?", choices=["none", "zero", "percent-per-day"],
                        help="none (marked late only), zero, or percent-per-day")
    policy.add_argument("--percent-per-day", type=float, help="share lost per started day late (default 10)")
    policy.add_argument("--max-percent", type=float, help="the most a late submission loses (default 100)")
    deadline.add_argument("--late-policy", choices=["none", "zero", "percent-per-day"],
                          help="none (mark late only), zero (nbgrader's), or percent-per-day")
    deadline.add_argument("--percent-per-day", type=float, help="share lost per started day late (default 10)")
    deadline.add_argument("--max-percent", type=float, help="the most a late submission loses (default 100)")

    grader_ui = _command(commands, _cmd_formgrader, "formgrader",
                         help="open the cohort's own gradebook in nbgrader's Formgrader (JupyterLab, 127.0.0.1)",
                         description="Start JupyterLab in the cohort folder with Formgrader on, so manual grading "
                                     "reads and writes the cohort's gradebook.", cohort=True)
    grader_ui.add_argument("--port", type=int, default=8890, help="port (default 8890)")
    grader_ui.add_argument("--ip", default="127.0.0.1", help="address to listen on (default 127.0.0.1 only)")
    grader_ui.add_argument("--no-browser", action="store_true", help="do not open a browser")
    grader_ui.add_argument("lab_args", nargs="*", help="more JupyterLab options, after --")
    hub_cmd = _command(commands, _cmd_hub, "hub",
                       help="run the cohort's JupyterHub on this machine (a trial; see deploy/jupyterhub/README.md)",
                       description="Start JupyterHub for a cohort: its roster's learners get the assignment list, its "
                                   "instructors Formgrader. One OS user serves everyone, so this is for a trial "
                                   "cohort; deploy/jupyterhub/README.md says what to change for real use.")
    hub_cmd.add_argument("--cohort", default=".", help="the cohort folder (default: the current folder)")
    hub_cmd.add_argument("--ip", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    hub_cmd.add_argument("--port", type=int, default=8000,
                         help="public port (default 8000); the hub and proxy APIs use the next two")
    hub_cmd.add_argument("--helm-values", metavar="FILE",
                         help="write the roster's Zero to JupyterHub values (users, admins, groups) and exit")

    nbs = commands.add_parser("notebooks", help="keep stored notebooks clean")
    nb_commands = nbs.add_subparsers(dest="notebooks_command", required=True)
    clean = _command(nb_commands, _cmd_notebooks_clean, "clean", help="clear outputs and stray metadata")
    clean.add_argument("paths", nargs="+", help="notebooks or folders of notebooks")
    clean.add_argument("--check", action="store_true", help="change nothing; exit 1 if any is not clean")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; errors pmkit understands are printed without a traceback."""
    args = build_parser().parse_args(argv)
    import logging

    # nbgrader logs a traceback for every database error it then raises; pmkit explains the error itself.
    logging.getLogger("tornado.application").setLevel(logging.CRITICAL)
    try:
        return args.func(args)
    except PmkitError as exc:
        print(f"pmkit: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", 2)
    except KeyboardInterrupt:
        print("pmkit: interrupted; nothing half-written is kept, run the command again", file=sys.stderr)
        return 130
    except Exception as exc:  # an operator's or the machine's problem gets a sentence, a real bug its traceback
        from pmkit.operator_errors import explain

        message = explain(exc, getattr(args, "db", None))
        if message is None:
            raise
        print(f"pmkit: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
