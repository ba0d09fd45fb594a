"""Fingerprint of everything the bank writes, to show a speed change changed no output.

For every problem, both profiles and seeds 0..N-1: a hash of the key entry, the prompt, the worked
solution, the answers table and their LaTeX (the first 3 seeds in full), then the files of eight
default exams. The bank's hash (which every exam id holds) is pinned, so editing a problem's
source changes the file only where that problem's output changes.

Run before and after a change, then diff:
    python benchmarks/snapshot.py before.txt 20   (...change...)   python benchmarks/snapshot.py after.txt 20
"""
from __future__ import annotations

import hashlib
import json
import sys

from examgen import bank, documents, exam, latex, render
from examgen import key as keys


def main(out_path: str, seeds: int = 20) -> None:
    bank.bank_version = lambda: "PINNED"  # exam ids hash the bank's source: keep them fixed
    with open(out_path, "w", encoding="utf-8") as out:
        for pid in sorted(bank.load_bank()):
            for profile in ("exam", "drill"):
                for seed in range(seeds):
                    inst = bank.get(pid).sample(seed, profile, {})
                    md = [render.prompt(inst), render.solution(inst), render.answers_table(inst)]
                    blob = json.dumps(keys.problem_entry(inst, 1, 10), sort_keys=True, default=str) + \
                        "".join(md) + "".join(latex.to_latex(m) for m in md)
                    out.write(f"{pid} {profile} {seed} {hashlib.sha256(blob.encode()).hexdigest()}\n")
                    if seed < 3:
                        out.write(blob + "\n")
        spec = exam.load_spec()
        for seed in range(8):
            files = documents.render_version(exam.build_version(spec, seed), {"md", "tex"})
            for name in sorted(files):
                out.write(f"default {seed} {name} {hashlib.sha256(files[name].encode()).hexdigest()}\n")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 20)
