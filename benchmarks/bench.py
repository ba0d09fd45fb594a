"""`make bench`: every performance figure of examgen against its target, in one table.

Standard-library clocks only. Figures (issues 3, 4 and 5):
  start-up        `examgen --help` ≤ 0.25 s, `examgen list` ≤ 0.5 s (median of 5 runs)
  generation      1,000 versions of the default exam to md + tex + keys + answer sheets ≤ 10 s
  PDF             one exam's PDFs (exam + key) ≤ 1.5 × bare pdflatex on the same .tex files,
                  both measured in this run; 100 versions to PDF, with the cores it kept busy
  grading         1,000 submissions of the default exam ≤ 10 s
  expressions     the equivalence check ≥ 10 × faster than simplify(a - b) == 0 on the corpus
Run: python benchmarks/bench.py [--quick]   (--quick: 100 versions/files instead of 1,000)
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_generate  # noqa: E402
import bench_grade  # noqa: E402


def wall(cmd, **kw) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, **kw)
    return time.perf_counter() - t


def _timed(f) -> float:
    t = time.perf_counter()
    f()
    return time.perf_counter() - t


def startup() -> list[dict]:
    rows = []
    for args, target in ((["--help"], 0.25), (["list"], 0.5)):
        wall(["examgen", *args])  # warm the file cache
        t = statistics.median(wall(["examgen", *args]) for _ in range(5))
        rows.append(row(f"examgen {' '.join(args)} (median of 5)", t, "s", target))
    return rows


def pdf_figures(versions: int) -> list[dict]:
    if not shutil.which("pdflatex"):
        return [{"figure": "PDF figures", "value": None, "unit": "", "target": None,
                 "note": "skipped: no pdflatex"}]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp, "one")
        ours = statistics.median(
            wall(["examgen", "generate", "--out", str(out), "--force"]) for _ in range(3))
        bare_dir = Path(tmp, "bare")
        bare_dir.mkdir()
        for f in ("exam.tex", "key.tex"):
            shutil.copy(out / f, bare_dir / f)

        def bare_once():
            return sum(wall(["pdflatex", "-interaction=nonstopmode", f], cwd=bare_dir)
                       for f in ("exam.tex", "key.tex"))

        bare = statistics.median(bare_once() for _ in range(3))
        rows.append(row("one exam to PDF (generate, all files) / bare pdflatex exam+key", ours / bare,
                        "×", 1.5, note=f"{ours:.2f} s vs {bare:.2f} s, Python and SymPy start-up included"))
        # The PDF step alone: examgen's compile (temporary folder, checks, copy) of the same exam.tex.
        from examgen import pdf

        tex = (out / "exam.tex").read_text(encoding="utf-8")
        ours_pdf = statistics.median(_timed(lambda: pdf.compile_tex(tex, Path(tmp, "x.pdf"), "exam"))
                                     for _ in range(3))
        bare_pdf = statistics.median(wall(["pdflatex", "-interaction=nonstopmode", "exam.tex"], cwd=bare_dir)
                                     for _ in range(3))
        rows.append(row("exam.tex to PDF: examgen's compile / bare pdflatex", ours_pdf / bare_pdf, "×", 1.5,
                        note=f"{ours_pdf:.2f} s vs {bare_pdf:.2f} s"))
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = wall(["examgen", "generate", "--versions", str(versions), "--out", str(Path(tmp, "many"))])
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        rows.append(row(f"{versions} versions to PDF (wall)", t, "s", None,
                        note=f"{cpu / t:.2f} of {os.cpu_count()} cores busy"))
    return rows


def row(figure, value, unit, target, op="<=", note=""):
    passed = None if target is None else (value <= target if op == "<=" else value >= target)
    return {"figure": figure, "value": value, "unit": unit, "target": target, "op": op,
            "pass": passed, "note": note}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="100 versions and files instead of 1,000")
    a = ap.parse_args()
    n = 100 if a.quick else 1000
    rows = startup()
    for r in bench_generate.measure(seeds=50, runs=3, versions=n):
        rows.append(row(r["figure"], r["value"], r["unit"], r["target"]))
    rows += pdf_figures(100 if not a.quick else 10)
    for name, value, target, *op in bench_grade.bench_grading(n) + bench_grade.bench_equivalence():
        op = op[0] if op else "<="
        unit = "×" if "×" in name else ("s" if "files" in name or "(" in name else "")
        rows.append(row(name.strip(), value, unit, target * n / 1000 if "files" in name and target else target, op))
    width = max(len(r["figure"]) for r in rows)
    print(f"{'figure':<{width}}  {'value':>12}  {'target':>9}  result")
    ok = True
    for r in rows:
        value = "—" if r["value"] is None else f"{r['value']:.3g} {r['unit']}".strip()
        target = "" if r["target"] is None else f"{r['op']} {r['target']:g}"
        result = "" if r["pass"] is None else ("pass" if r["pass"] else "FAIL")
        ok &= r["pass"] is not False
        print(f"{r['figure']:<{width}}  {value:>12}  {target:>9}  {result}  {r.get('note', '')}".rstrip())
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
