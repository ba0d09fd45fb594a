"""Profiles and seeds: what every instance's numbers derive from (no NumPy: a spec is read without it)."""
from __future__ import annotations

import hashlib

PROFILES = ("exam", "drill")


def derive_seed(*parts) -> int:
    """A 64-bit seed from any printable parts, stable across processes and platforms."""
    text = "\x1f".join(str(p) for p in parts)
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")
