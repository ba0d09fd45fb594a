"""benchmarks/ab.py (`make bench-ab`): two trees measured in alternating processes."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
AB = ROOT / "benchmarks" / "ab.py"

pytestmark = pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs the git repository")


def test_it_measures_a_revision_and_this_checkout_in_turns():
    r = subprocess.run([sys.executable, str(AB), "HEAD", "--rounds", "1", "--seeds", "1"],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    rows = re.findall(r"min +([\d.]+) ms/version, median +[\d.]+ +\(([\d., ]+)\)", r.stdout)
    assert len(rows) == 2 and all(len(runs.split(", ")) == 1 and float(m) > 0 for m, runs in rows)
    ratio = float(re.search(r"this checkout / HEAD: ([\d.]+)", r.stdout).group(1))
    assert ratio == pytest.approx(float(rows[1][0]) / float(rows[0][0]), abs=1e-3)


def test_an_unknown_revision_is_one_line():
    r = subprocess.run([sys.executable, str(AB), "no-such-rev"], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode != 0 and r.stderr.startswith("bench-ab: no revision 'no-such-rev'") and "Traceback" not in r.stderr
