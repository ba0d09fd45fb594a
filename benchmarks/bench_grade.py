"""Grader benchmark (standard-library clocks only): prints a table of figure, target, pass/fail.

1. Grading 1,000 answer files of the default exam (`examgen generate`), with its symbolic
   parts, through the library and through the installed `examgen grade` command.
2. The expression check (random points, symbolic fallback) against SymPy's
   `simplify(a - b) == 0` on the equivalence corpus tests/data/expr_equivalence.json.

Run: python benchmarks/bench_grade.py [--files 1000]
"""
from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "expr_equivalence.json"


def make_class(folder: Path, n: int) -> tuple[Path, int]:
    """The default exam's key and n answer files mixing exact, decimal, wrong, blank and mistaken answers."""
    import sympy as sp

    from examgen import expr, formatting

    subprocess.run(["examgen", "generate", "--out", str(folder / "exam"), "--format", "md", "--force"],
                   check=True, capture_output=True)
    key_path = folder / "exam" / "key.json"
    key = json.loads(key_path.read_text())
    choices = {}
    for p in key["problems"]:
        for part, spec in p["parts"].items():
            forms = [p["answers_exact"][part], p["answers"][part], None]
            if spec["kind"] == "expression":
                e = expr.parse(p["answers"][part], spec["variables"])
                forms += [formatting.text(sp.expand(e)).replace("**", "^"), formatting.text(sp.factor(e))]
            else:
                forms.append(json.loads(json.dumps(p["answers"][part]).replace("1", "2")))  # a wrong value
            forms += [m["answers"][part] for m in p["mistakes"] if part in m["answers"]]
            choices[(p["number"], part)] = forms
    rng = random.Random(417)
    subs = folder / "class"
    subs.mkdir()
    for i in range(n):
        answers = {}
        for (number, part), forms in choices.items():
            answers.setdefault(number, {})[part] = rng.choice(forms)
        doc = {"exam": key["exam"], "student": f"Student {i:04d}", "answers": answers}
        (subs / f"s{i:04d}.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))
    return key_path, len(key["problems"])


def bench_grading(n: int) -> list[tuple]:
    from examgen.grade import grade_paths

    with tempfile.TemporaryDirectory() as tmp:
        key_path, problems = make_class(Path(tmp), n)
        t = time.perf_counter()
        results = grade_paths(key_path, [Path(tmp) / "class"])
        lib = time.perf_counter() - t
        assert len(results) == n and all(r["status"] == "graded" for r in results)
        t = time.perf_counter()
        subprocess.run(["examgen", "grade", str(key_path), str(Path(tmp) / "class"),
                        "--gradebook", str(Path(tmp) / "grades.csv")], check=True, capture_output=True)
        cli = time.perf_counter() - t
    return [(f"grade {n} files of the default exam ({problems} problems), library", lib, 10.0),
            (f"grade {n} files of the default exam ({problems} problems), CLI + gradebook", cli, 10.0)]


def bench_equivalence() -> list[tuple]:
    import sympy as sp

    from examgen import expr
    from examgen.grade import equivalent, symbolic_equal

    pairs = json.loads(CORPUS.read_text())["pairs"]
    t = time.perf_counter()
    ours = []
    for p in pairs:
        v = tuple(p["variables"])
        same = equivalent(expr.check(p["a"], v), expr.check(p["b"], v), v)
        ours.append(symbolic_equal(p["a"], p["b"], v) if same is None else same)
    fast = time.perf_counter() - t
    t = time.perf_counter()
    ref = [bool(sp.simplify(expr.parse(p["a"], p["variables"]) - expr.parse(p["b"], p["variables"])) == 0)
           for p in pairs]
    slow = time.perf_counter() - t
    agree = sum(a == b for a, b in zip(ours, ref))
    truth = sum(a == p["equivalent"] for a, p in zip(ours, pairs))
    misses = sum(p["equivalent"] != p["simplify"] for p in pairs)
    return [(f"expression check on {len(pairs)} pairs: verdicts equal to the corpus labels", truth, len(pairs), "≥"),
            (f"  (equal to simplify(a - b) == 0; it misses {misses} tanh identities)", agree, None),
            ("expression check: speed-up over simplify(a - b) == 0 (×)", slow / fast, 10.0, "≥"),
            ("  (our check, s)", fast, None), ("  (simplify, s)", slow, None)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=1000)
    args = ap.parse_args()
    rows = bench_grading(args.files) + bench_equivalence()
    print(f"{'figure':<78} {'value':>9} {'target':>9}  result")
    ok = True
    for row in rows:
        name, value, target = row[:3]
        op = row[3] if len(row) > 3 else "≤"
        if target is None:
            print(f"{name:<78} {value:>9.3g}")
            continue
        passed = value >= target if op == "≥" else value <= target
        ok &= passed
        print(f"{name:<78} {value:>9.2f} {op}{target:>8g}  {'pass' if passed else 'FAIL'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
