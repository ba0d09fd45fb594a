"""Where one default-exam version's time goes: ms of one core per version, by problem (drawing,
solving and accepting its instance) and by rendering step. Run: python benchmarks/breakdown.py [N]"""
from __future__ import annotations

import collections
import sys
import time

import examgen.instance as instance
from examgen import documents, exam, latex, render
from examgen import key as keys

SPENT: collections.Counter = collections.Counter()


def timed(name: str, f):
    def wrapper(*args, **kwargs):
        t = time.process_time()
        try:
            return f(*args, **kwargs)
        finally:
            SPENT[name(args) if callable(name) else name] += time.process_time() - t
    return wrapper


def main(n: int = 40) -> None:
    spec = exam.load_spec()
    documents.render_version(exam.build_version(spec, 10**6), {"md", "tex"})  # imports, templates
    instance.sample = timed(lambda args: "sample: " + args[0].id, instance.sample)
    for step in ("prompt", "solution", "answers_table"):
        setattr(render, step, timed("render." + step, getattr(render, step)))
    latex.to_latex = timed("Markdown to LaTeX", latex.to_latex)
    keys.problem_entry = timed("key entry", keys.problem_entry)
    start = time.process_time()
    for seed in range(n):
        t = time.process_time()
        version = exam.build_version(spec, seed)
        SPENT["BUILD (all problems)"] += time.process_time() - t
        t = time.process_time()
        documents.render_version(version, {"md", "tex"})
        SPENT["RENDER (all documents)"] += time.process_time() - t
    print(f"{1000 * (time.process_time() - start) / n:.1f} ms per version (one core, {n} versions)")
    for name, seconds in SPENT.most_common():
        print(f"  {name:40s} {1000 * seconds / n:7.2f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 40)
