"""Per problem id: variety, the largest exact numbers seen, and how often the first draw is accepted.

  distinct   distinct exam instances (parameters) in seeds 0–99
  max |num|  largest |numerator| of any rational in the parameters and in everything solve()
  max den    returned (answers and intermediate values) over exam seeds 0–199, and its denominator
  logs       most distinct logarithms (primes of ln arguments) mixed in one entry
  first      share of exam seeds whose first candidate draw was accepted (problems on the
             draw() contract; "-" for a problem still on the old sample())
Run: python benchmarks/bank_table.py [--seeds 200] [--ids a,b] [--markdown]
"""
from __future__ import annotations

import argparse
import json

from examgen.bank import load_bank
from examgen.engine import ops
from examgen.instance import candidate, sample
from examgen.sampling import Draw, _numbers


def largest(values: dict) -> tuple[int, int, int]:
    """(largest |numerator|, largest denominator, most logs in one entry) of the numbers in values."""
    num = den = logs = 0
    for v in values.values():
        for entry in _numbers(v):
            d = ops.decompose(entry)
            if d.other:
                continue
            for p, q in d.rationals:
                num, den = max(num, abs(p)), max(den, q)
            logs = max(logs, len(d.logs))
    return num, den, logs


def first_draw_accepted(problem, seed: int) -> bool | None:
    inst, _ = candidate(problem, Draw.for_instance(problem.id, "exam", seed), problem.check_options({}))
    return inst is not None


def row(problem, seeds: int) -> dict:
    distinct, num, den, logs, firsts = set(), 0, 0, 0, []
    for seed in range(seeds):
        inst = sample(problem, seed, "exam")
        if seed < 100:
            distinct.add(json.dumps(inst.params_exact_json(), sort_keys=True))
        for part in (inst.params, inst.values):
            n, d, g = largest(part)
            num, den, logs = max(num, n), max(den, d), max(logs, g)
        firsts.append(first_draw_accepted(problem, seed))
    first = None if None in firsts else sum(firsts) / len(firsts)
    return {"id": problem.id, "distinct": len(distinct), "max_num": num, "max_den": den, "logs": logs,
            "first": first}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=200)
    ap.add_argument("--ids", default="")
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args(argv)
    bank = load_bank()
    ids = args.ids.split(",") if args.ids else list(bank)
    rows = [row(bank[pid], args.seeds) for pid in ids]
    if args.markdown:
        print("| id | distinct in 100 | max numerator | max denominator | max logs | first draw accepted |")
        print("|---|---|---|---|---|---|")
    for r in rows:
        first = "-" if r["first"] is None else f"{r['first']:.0%}"
        if args.markdown:
            print(f"| {r['id']} | {r['distinct']} | {r['max_num']} | {r['max_den']} | {r['logs']} | {first} |")
        else:
            print(f"{r['id']:24s} {r['distinct']:4d} {r['max_num']:8d} {r['max_den']:6d} {r['logs']:3d} {first:>6s}")
    return rows


if __name__ == "__main__":
    main()
