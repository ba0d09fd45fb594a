"""The `examgen` command's entry point: runtime settings, then the command line (cli.py).

Kept apart from cli.py so that it runs before click is imported: for `examgen generate` of one
exam, the child that builds the symbolic problems (second_core.py) is forked first thing and
imports SymPy while this process imports click, parses the command line and reads the spec.
"""
from __future__ import annotations

import sys

# A command imports NumPy and SymPy and builds an exam: some 150,000 objects that live as long as
# it does, which Python's cycle collector scanned about 200 times (60 ms of a default exam's
# 0.9 s). examgen's work leaves almost no cyclic garbage (a 100-version class peaks at the same
# memory either way), so the collector runs once a million new objects, not seven hundred.
GC_THRESHOLD = 1_000_000
# NumPy's BLAS starts a pool of threads when NumPy is imported, and they spin for about 0.1 s of
# CPU (measured: 1.15 s → 1.02 s of CPU for one exam to PDF) on the core where TeX runs beside
# Python; examgen's arrays are far too small for BLAS threads to help. Unless the user says
# otherwise, NumPy gets one.
BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def tune_runtime() -> None:
    """The command's runtime settings (above), made before NumPy is imported; benchmarks use them too."""
    import gc
    import os

    for name in BLAS_THREADS:   # no command imports NumPy at start-up (tests/test_imports.py)
        os.environ.setdefault(name, "1")
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])


def main():
    tune_runtime()
    if sys.argv[1:2] == ["generate"]:
        from . import second_core

        second_core.prefork(sys.argv[2:])
    from .cli import main as command

    command()
