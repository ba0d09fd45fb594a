"""`make bench-ab BASE=<rev>`: is this checkout faster than BASE at one default-exam version?

The bench's per-version figure moves by ±20% on a busy machine, more than most changes gain, so
it cannot tell a 4% gain. This compares two trees the only way that can: the same measurement
(benchmarks/bench_generate.per_version_ms, in a fresh interpreter) of BASE and of this checkout,
in alternating processes (A B B A A B …, so that a drift of the machine's speed moves both), and
the minimum over the rounds of each (the least disturbed run; the median is printed beside it).
BASE is checked out with `git archive` into a temporary folder and imported from there.

Run: python benchmarks/ab.py BASE [--rounds 8] [--seeds 40]
"""
from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# One measurement in a fresh interpreter, of the tree first on sys.path (the bench's own code:
# build and render `seeds` versions after a warm-up one; one run, so no reference workload).
MEASURE = ("import sys; sys.path.insert(0, {tree!r}); sys.path.insert(1, {bench!r}); "
           "import bench_generate; print(bench_generate.per_version_ms({seeds}, 1)[0])")


def export(rev: str, into: Path) -> Path:
    """The tree of `rev` (a commit, branch or tag of this repository) written into `into`."""
    tar = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", rev], capture_output=True)
    if tar.returncode != 0:
        sys.exit(f"bench-ab: no revision {rev!r}: {tar.stderr.decode().strip()}")
    with tarfile.open(fileobj=io.BytesIO(tar.stdout)) as t:
        t.extractall(into, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
    return into


def measure(tree: Path, seeds: int) -> float:
    """Milliseconds of one default-exam version, built and rendered by the examgen of `tree`."""
    code = MEASURE.format(tree=str(tree), bench=str(ROOT / "benchmarks"), seeds=seeds)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(tree)}
    out = subprocess.run([sys.executable, "-c", code], cwd=tree, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"bench-ab: the measurement failed in {tree}:\n{out.stderr.strip()}")
    return float(out.stdout.split()[-1])


def compare(base: Path, head: Path, rounds: int, seeds: int) -> dict:
    """{"base": [ms…], "head": [ms…]}, measured in alternating order."""
    runs = {"base": [], "head": []}
    for r in range(rounds):
        for name in (("base", "head") if r % 2 == 0 else ("head", "base")):
            runs[name].append(measure(base if name == "base" else head, seeds))
    return runs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("base", help="the revision to compare with (e.g. main, HEAD~3)")
    ap.add_argument("--rounds", type=int, default=8)
    ap.add_argument("--seeds", type=int, default=40, help="versions per measurement")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="examgen-ab-") as tmp:
        runs = compare(export(a.base, Path(tmp)), ROOT, a.rounds, a.seeds)
    for name, label in (("base", a.base), ("head", "this checkout")):
        v = runs[name]
        print(f"{label:>16}: min {min(v):6.2f} ms/version, median {statistics.median(v):6.2f}  "
              f"({', '.join(f'{x:.1f}' for x in v)})")
    print(f"this checkout / {a.base}: {min(runs['head']) / min(runs['base']):.3f} (minimum over "
          f"{a.rounds} alternating rounds; below 1 is faster)")


if __name__ == "__main__":
    main()
