"""The build contexts of the Kubernetes images, as Docker would send them: what each image can contain.

Docker cannot run on every machine that checks the course, so this reads each Dockerfile's own ignore
file (``<Dockerfile>.dockerignore``, which BuildKit uses for that Dockerfile) with Docker's rules and
lists the files of the repository that reach the build. The learner image's list must hold no answer
key; ``python -m pmkit.hub.image_contexts learner --tar context.tar`` also writes the context for
``docker build - < context.tar`` where the ignore file is not honoured (old builders).
"""

from __future__ import annotations

import os
import re
import sys
import tarfile
from pathlib import Path

from pmkit.paths import REPO_ROOT

KUBERNETES = REPO_ROOT / "deploy" / "jupyterhub" / "kubernetes"
DOCKERFILES = {"learner": KUBERNETES / "Dockerfile", "instructor": KUBERNETES / "instructor.Dockerfile",
               "grader": KUBERNETES / "grader.Dockerfile"}


def _pattern(text: str) -> re.Pattern[str]:
    """One .dockerignore line as a regular expression over a slash-separated relative path."""
    text = text.strip().strip("/")
    out, i = "", 0
    while i < len(text):
        if text.startswith("**", i):
            out += ".*"
            i += 2
            if text.startswith("/", i):
                out += "/?"  # "**/x" also matches "x" at the top
                i += 1
            continue
        char = text[i]
        out += "[^/]*" if char == "*" else "[^/]" if char == "?" else re.escape(char)
        i += 1
    return re.compile(out + r"(/.*)?")  # a matched folder excludes everything inside it


def rules(ignore_file: Path) -> list[tuple[bool, re.Pattern[str]]]:
    """The ignore file's patterns in order: (is an exception ``!``, pattern)."""
    found = []
    for line in ignore_file.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keep = line.startswith("!")
        found.append((keep, _pattern(line.removeprefix("!"))))
    return found


def ignored(path: str, patterns: list[tuple[bool, re.Pattern[str]]]) -> bool:
    """Docker's rule: the last pattern that matches decides."""
    verdict = False
    for keep, pattern in patterns:
        if pattern.fullmatch(path):
            verdict = not keep
    return verdict


def context_files(image: str, root: Path = REPO_ROOT) -> list[str]:
    """Every file of ``root`` that Docker sends when building ``image`` (learner or instructor)."""
    dockerfile = DOCKERFILES[image]
    patterns = rules(dockerfile.with_name(dockerfile.name + ".dockerignore"))
    prune = not any(keep for keep, _ in patterns)  # without exceptions an ignored folder is skipped whole
    files = []
    for folder, dirs, names in os.walk(root):
        base = Path(folder).relative_to(root).as_posix()
        prefix = "" if base == "." else base + "/"
        if prune:
            dirs[:] = [d for d in dirs if not ignored(prefix + d, patterns)]
        files += [prefix + name for name in names if not ignored(prefix + name, patterns)]
    return sorted(files)


def write_tar(image: str, target: Path, root: Path = REPO_ROOT) -> Path:
    """Write the build context as a tar, for ``docker build -f ... - < target``."""
    with tarfile.open(target, "w") as archive:
        for relative in context_files(image, root):
            archive.add(root / relative, arcname=relative)
    return target


def main(argv: list[str] | None = None) -> int:
    """``python -m pmkit.hub.image_contexts learner|instructor [--tar FILE]``: list or pack an image's build context."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] not in DOCKERFILES:
        print("usage: python -m pmkit.hub.image_contexts learner|instructor [--tar FILE]", file=sys.stderr)
        return 2
    if "--tar" in args:
        print(write_tar(args[0], Path(args[args.index("--tar") + 1])))
    else:
        print("\n".join(context_files(args[0])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
