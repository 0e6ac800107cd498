"""The ``pmkit`` command: one entry point with a subcommand per job."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from pmkit import __version__
from pmkit.errors import PmkitError


def _cmd_data_check(args: argparse.Namespace) -> int:
    from pmkit import roles

    for name, frame in roles.all_tables().items():
        print(f"ok  roles/{name}.csv  {len(frame)} rows")
    return 0


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


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(prog="pmkit", description="Tools for the APM vs JPM course.")
    parser.add_argument("--version", action="version", version=f"pmkit {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    data = commands.add_parser("data", help="check the course's data files")
    data_commands = data.add_subparsers(dest="data_command", required=True)
    check = data_commands.add_parser("check", help="load and validate every role table")
    check.set_defaults(func=_cmd_data_check)

    nbs = commands.add_parser("notebooks", help="keep stored notebooks clean")
    nb_commands = nbs.add_subparsers(dest="notebooks_command", required=True)
    clean = nb_commands.add_parser("clean", help="clear outputs and stray metadata")
    clean.add_argument("paths", nargs="+", help="notebooks or folders of notebooks")
    clean.add_argument("--check", action="store_true", help="change nothing; exit 1 if any is not clean")
    clean.set_defaults(func=_cmd_notebooks_clean)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; errors pmkit understands are printed without a traceback."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except PmkitError as exc:
        print(f"pmkit: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
