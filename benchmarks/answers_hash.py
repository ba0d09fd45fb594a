"""One hash of every exact answer and parameter the bank draws, to show a change changed none.

For every problem, both profiles and seeds 0..N-1: the instance's exact parameters and answers
(as key.json writes them), hashed together. Print it before and after a change; the two lines
must be equal. (benchmarks/snapshot.py fingerprints the rendered text as well.)

Run: python benchmarks/answers_hash.py [N]      (N = 60 prints `3000 <hash>`)
"""
from __future__ import annotations

import hashlib
import json
import sys

from examgen import bank


def answers_hash(seeds: int = 60) -> tuple[int, str]:
    """(instances hashed, the first 16 hex digits of their SHA-256)."""
    h, count = hashlib.sha256(), 0
    for pid in sorted(bank.load_bank()):
        for profile in ("exam", "drill"):
            for seed in range(seeds):
                inst = bank.get(pid).sample(seed, profile, {})
                h.update(json.dumps([pid, profile, seed, inst.params_exact_json(), inst.answers_exact_json()],
                                    sort_keys=True, default=str).encode())
                count += 1
    return count, h.hexdigest()[:16]


if __name__ == "__main__":
    print(*answers_hash(int(sys.argv[1]) if len(sys.argv) > 1 else 60))
