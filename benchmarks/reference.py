"""A fixed pure-Python reference workload, timed in the same run as every figure of `make bench`.

Dividing a figure by this workload's time gives a multiple that compares across machines and
loads (Fraction arithmetic and dict work: the kind of work generation does). REF_SECONDS is
its time on the machine the absolute targets were set for (2 cores, round 1's bench, idle), so
a target of T seconds there is T / REF_SECONDS reference multiples anywhere.
"""
from __future__ import annotations

import statistics
import time
from fractions import Fraction

REF_SECONDS = 0.40  # process time of reference_workload() on the target machine, idle
N = 60_000


def reference_workload(n: int = N) -> tuple:
    """Fraction arithmetic, tuple keys and dict updates; the result is checked so nothing is skipped."""
    acc = Fraction(0)
    d: dict = {}
    for i in range(1, n + 1):
        x = Fraction(i % 97 - 48, i % 13 + 1)
        acc = acc * Fraction(1, 2) + x
        key = (i % 251, i % 7)
        d[key] = d.get(key, 0) + acc.numerator % 1000
        if i % 1000 == 0:
            acc = Fraction(acc.numerator % 10007, acc.denominator % 10007 + 1)
    return len(d), acc


EXPECTED = reference_workload(2_000)


def measure(runs: int = 3) -> dict:
    """{"cpu": median process seconds, "wall": median wall seconds} of the reference workload."""
    assert reference_workload(2_000) == EXPECTED
    cpu, wall = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        reference_workload()
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - t)
    return {"cpu": statistics.median(cpu), "wall": statistics.median(wall)}


if __name__ == "__main__":
    m = measure(5)
    print(f"reference workload: {m['cpu']:.3f} s of one core, {m['wall']:.3f} s wall "
          f"({m['cpu'] / REF_SECONDS:.2f} × the target machine)")
