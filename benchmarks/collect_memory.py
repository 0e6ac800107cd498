"""Peak memory and time of filing a zip bomb: reading each member whole (as collect did) against pmkit's stream.

Builds a zip whose one member, ``zoey.ipynb``, unpacks to SIZE_MB megabytes of spaces (about 1 MB
compressed), then files it in a fresh interpreter each way and prints peak resident memory and wall
time side by side. pmkit refuses the member unread, as it expands over 100 times its packed size (a
zip that lies about its sizes is cut off at the size cap while streaming); reading it whole holds all of it.

    python benchmarks/collect_memory.py [SIZE_MB]      # default 1024
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

WHOLE = """
import resource, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as archive:
    data = [archive.read(i) for i in archive.infolist()]
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

STREAMED = """
import resource, sys
from pathlib import Path
from pmkit.cohort.collect import Person, file_submissions
report = file_submissions(Path(sys.argv[1]), Path(sys.argv[2]), "prd", [Person("zoey", "Zoey", "Lee")])
assert not report.collected and report.refused, report.lines()
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def build(path: Path, size_mb: int) -> None:
    chunk = b" " * (1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("zoey.ipynb", "w",
                                                                                   force_zip64=True) as member:
        for _ in range(size_mb):
            member.write(chunk)


def run(code: str, *args: str) -> tuple[float, float]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    return int(done.stdout.split()[-1]) / 1024, time.perf_counter() - start


def main() -> None:
    size_mb = int(sys.argv[1]) if len(sys.argv) > 1 else 1024
    with tempfile.TemporaryDirectory() as folder:
        bomb = Path(folder) / "bomb.zip"
        build(bomb, size_mb)
        print(f"a zip of {bomb.stat().st_size / 1024 / 1024:.1f} MB holding one {size_mb} MB 'notebook'")
        whole = run(WHOLE, str(bomb))
        streamed = run(STREAMED, str(bomb), str(Path(folder) / "submitted"))
    print(f"{'':28}{'peak memory':>14}{'wall time':>12}")
    print(f"{'read whole (before)':28}{whole[0]:>11.0f} MB{whole[1]:>10.1f} s")
    print(f"{'pmkit collect (streamed)':28}{streamed[0]:>11.0f} MB{streamed[1]:>10.1f} s")
    print(f"memory ratio: {whole[0] / streamed[0]:.1f}x less")


if __name__ == "__main__":
    main()
