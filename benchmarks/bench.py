"""`make bench`: every performance figure of examgen against its target, in one table.

Standard-library clocks only. Figures (issues 3, 4, 5 and 12):
  start-up        `examgen --help` ≤ 0.25 s, `examgen list` ≤ 0.5 s (median of 5 runs)
  generation      one default-exam version (md + tex + key + answer sheet) ≤ 10 ms of one core;
                  1,000 versions of it (`generate --versions 1000 --format md,tex`) ≤ 5 s wall
  PDF             one exam's PDFs (the whole `examgen generate`) ≤ 1.5 × bare pdflatex on the
                  same .tex files (exam + key), both measured in this run; 100 versions to PDF
  grading         1,000 submissions of the default exam ≤ 10 s
  expressions     the equivalence check ≥ 10 × faster than simplify(a - b) == 0 on the corpus
  sampling        the share of first draws a problem's sampler accepts, per id (when the bank
                  reports it)

Every time is also printed as a multiple of a fixed pure-Python reference workload
(benchmarks/reference.py) timed in this run (the generation figures against the workload timed
right beside them, so that a machine whose speed drifts during the run moves both), and every
time target both ways: T seconds is
T / REF_SECONDS reference multiples. A timed figure passes when its multiple meets the
multiple target, so a loaded or slower machine neither fails nor passes a figure by its clock
alone; the absolute comparison is printed beside it. Exit status 1 while any target fails.
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
import reference  # noqa: E402

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


def row(figure, value, unit, target, op="<=", note="", clock=None, multiple=None):
    """One figure. `clock` ("cpu" or "wall") makes it a time to compare as a reference multiple;
    `multiple`: that multiple already worked out against a reference timed beside the figure
    (else the run's reference is used)."""
    return {"figure": figure, "value": value, "unit": unit, "target": target, "op": op,
            "note": note, "clock": clock, "multiple": multiple}


def startup() -> list[dict]:
    rows = []
    for args, target in ((["--help"], 0.25), (["list"], 0.5)):
        wall(["examgen", *args])  # warm the file cache
        t = statistics.median(wall(["examgen", *args]) for _ in range(5))
        rows.append(row(f"examgen {' '.join(args)} (median of 5)", t, "s", target, clock="wall"))
    return rows


def bare_folder(out: Path) -> Path:
    """Where pdf_ratio compiles the .tex files of `out` with bare pdflatex."""
    return out.with_name(out.name + "-bare")


def pdf_ratio(generate: list[str], out: Path, engine: str, runs: int = 5) -> tuple[float, float, float]:
    """(ratio, ours, bare): the whole `examgen generate` against bare pdflatex on the exam.tex and
    key.tex it wrote, timed in turns (one of each per run, after a warm-up run) so that a machine
    whose speed drifts moves both; medians over the runs."""
    wall([*generate, "--out", str(out), "--force"])
    bare_dir = bare_folder(out)
    bare_dir.mkdir()
    for f in ("exam.tex", "key.tex"):
        shutil.copy(out / f, bare_dir / f)
    ours, bare = [], []
    for _ in range(runs):
        ours.append(wall([*generate, "--out", str(out), "--force"]))
        bare.append(sum(wall([engine, "-interaction=nonstopmode", f], cwd=bare_dir) for f in ("exam.tex", "key.tex")))
    ratio = statistics.median(o / b for o, b in zip(ours, bare))
    return ratio, statistics.median(ours), statistics.median(bare)


def pdf_figures(versions: int) -> list[dict]:
    if not shutil.which("pdflatex"):
        return [row("PDF figures", None, "", None, note="skipped: no pdflatex")]
    from examgen import pdf

    engine = pdf.ENGINE
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp, "one")
        ratio, ours, bare = pdf_ratio(["examgen", "generate"], out, engine)
        rows.append(row(f"one exam to PDF (generate, all files) / bare {engine} exam+key", ratio,
                        "×", 1.5, note=f"{ours:.2f} s vs {bare:.2f} s, Python start-up included"))
        data = Path(__file__).resolve().parent.parent / "tests" / "data"
        for name, what in (("numeric_spec.yaml", "7 numeric problems (rationals)"),
                           ("logs_spec.yaml", "the default exam's 7 numeric problems (logarithms too)")):
            ratio_n, ours_n, bare_n = pdf_ratio(["examgen", "generate", "--spec", str(data / name)],
                                                Path(tmp, name.split(".")[0]), engine)
            rows.append(row(f"  the same for an exam of {what}: no SymPy import", ratio_n, "×", None,
                            note=f"{ours_n:.2f} s vs {bare_n:.2f} s"))
        # The very first run on a machine also dumps pdflatex's preamble format (in the background).
        first = wall(["examgen", "generate", "--out", str(Path(tmp, "first")), "--force"],
                     env=dict(os.environ, EXAMGEN_CACHE=str(Path(tmp, "fresh-cache"))))
        rows.append(row("  the same, first run on a machine (format not yet cached)", first / bare, "×", None,
                        note=f"{first:.2f} s"))
        # The PDF step alone: examgen's compile (temporary folder, checks, copy) of the same exam.tex.
        tex = (out / "exam.tex").read_text(encoding="utf-8")
        ours_pdf = statistics.median(_timed(lambda: pdf.compile_tex(tex, Path(tmp, "x.pdf"), "exam"))
                                     for _ in range(3))
        bare_pdf = statistics.median(wall([engine, "-interaction=nonstopmode", "exam.tex"], cwd=bare_folder(out))
                                     for _ in range(3))
        rows.append(row(f"exam.tex to PDF: examgen's compile / bare {engine}", ours_pdf / bare_pdf, "×", 1.5,
                        note=f"{ours_pdf:.2f} s vs {bare_pdf:.2f} s"))
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = wall(["examgen", "generate", "--versions", str(versions), "--out", str(Path(tmp, "many"))])
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        rows.append(row(f"{versions} versions to PDF (wall)", t, "s", None, clock="wall",
                        note=f"{cpu / t:.2f} of {os.cpu_count()} cores busy"))
    return rows


def acceptance_rows() -> list[dict]:
    """The share of first draws each sampler accepts, when the bank reports it."""
    try:
        from examgen import sampling
    except ImportError:
        return []
    report = getattr(sampling, "first_draw_acceptance", None)
    if report is None:
        return []
    rows = []
    for pid, share in sorted(report().items()):
        rows.append(row(f"  first draws accepted: {pid}", 100 * share, "%", None))
    return rows


def judge(r: dict, ref: dict) -> dict:
    """Add the reference multiple, the multiple target and the verdict to a row."""
    r = dict(r)
    value, target, clock = r["value"], r["target"], r["clock"]
    seconds = None if value is None or clock is None else value / (1000 if r["unit"].startswith("ms") else 1)
    if r.get("multiple") is None:
        r["multiple"] = None if seconds is None else seconds / ref[clock]
    r["multiple_target"] = None if target is None or clock is None else \
        target / (1000 if r["unit"].startswith("ms") else 1) / reference.REF_SECONDS
    if target is None or value is None:
        r["pass"] = r["abs_pass"] = None
        return r
    ok = (lambda a, b: a <= b) if r["op"] == "<=" else (lambda a, b: a >= b)
    r["abs_pass"] = ok(value, target)
    r["pass"] = ok(r["multiple"], r["multiple_target"]) if r["multiple"] is not None else r["abs_pass"]
    return r


def print_table(rows: list[dict], ref: dict) -> bool:
    print(f"reference workload (benchmarks/reference.py): {ref['cpu']:.3f} s of one core, {ref['wall']:.3f} s wall; "
          f"{reference.REF_SECONDS:.2f} s on the target machine; 'ref' = a multiple of it\n")
    width = max(len(r["figure"]) for r in rows)
    print(f"{'figure':<{width}}  {'value':>12}  {'ref':>8}  {'target':>9}  {'target ref':>10}  result")
    ok = True
    for r in rows:
        value = "—" if r["value"] is None else f"{r['value']:.3g} {r['unit']}".strip()
        mult = "" if r.get("multiple") is None else f"{r['multiple']:.3g}"
        op = r["op"].replace("<=", "≤").replace(">=", "≥")
        target = "" if r["target"] is None else f"{op} {r['target']:g}"
        mtarget = "" if r.get("multiple_target") is None else f"{op} {r['multiple_target']:.3g}"
        result = "" if r["pass"] is None else ("pass" if r["pass"] else "FAIL")
        if r["pass"] is not None and r.get("multiple") is not None and r["abs_pass"] != r["pass"]:
            result += f" (absolute: {'pass' if r['abs_pass'] else 'fail'})"
        ok &= r["pass"] is not False
        print(f"{r['figure']:<{width}}  {value:>12}  {mult:>8}  {target:>9}  {mtarget:>10}  {result}  "
              f"{r.get('note', '')}".rstrip())
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="100 versions and files instead of 1,000")
    a = ap.parse_args()
    n = 100 if a.quick else 1000
    ref_before = reference.measure()
    rows = startup()
    for r in bench_generate.measure(seeds=50, runs=3, versions=n):
        rows.append(row(r["figure"], r["value"], r["unit"], r["target"], note=r["note"], clock=r["clock"],
                        multiple=r["multiple"]))
    rows += pdf_figures(100 if not a.quick else 10)
    for name, value, target, *op in bench_grade.bench_grading(n) + bench_grade.bench_equivalence():
        op = {"≥": ">=", "≤": "<="}.get(op[0], op[0]) if op else "<="
        timed = "files" in name or name.strip().endswith(", s)")
        unit = "×" if "×" in name else ("s" if timed else "")
        scaled = target * n / 1000 if "files" in name and target else target
        rows.append(row(name.strip(), value, unit, scaled, op, clock="wall" if timed else None))
    rows += acceptance_rows()
    ref_after = reference.measure()
    # The load may change during the run: the mean of the two timings stands for the whole run.
    ref = {k: (ref_before[k] + ref_after[k]) / 2 for k in ref_before}
    return 0 if print_table([judge(r, ref) for r in rows], ref) else 1


if __name__ == "__main__":
    sys.exit(main())
