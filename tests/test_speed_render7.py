"""Rendering's fast paths (stop 15) find what the first patterns found: hand work's minus signs
matched from the minus (or the space before it)."""
import functools
import random
import re

from examgen import bank, render, work

STEP = re.compile(r"\\times|\\cdot|\\odot|\)\s*\(|\\sigma|\\tanh|\\exp|e\^|\\max|\\min|\\sqrt|\+"
                  r"|(?<=[0-9A-Za-z)}\]M])\s*-")


@functools.lru_cache(maxsize=None)
def _texts() -> tuple:
    """Every problem's prompt, solution and answers in both profiles."""
    return tuple(f(p.sample(s, prof)) for p in bank.load_bank().values() for prof in ("exam", "drill")
                 for s in range(1) for f in (render.prompt, render.solution, render.answers_table))


def _random(atoms: list, n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choices(atoms, k=rng.randint(0, 12))) for _ in range(n)]


def test_hand_work_steps_are_found_as_the_pattern_found_them():
    formulas = [d or i for t in _texts() for d, i in work._MATH.findall(t)]
    formulas += _random(["-", " ", "\t", "\n", "\u2003", "a", "Z", "1", ")", "}", "]", "M", "(", "{", "^", "\\max",
                         "\\times", "\\exp", "e^", "+", "=", "\\sigma"], 4000, 3)
    minus = 0
    for f in formulas:
        assert work._STEP.findall(f) == STEP.findall(f), repr(f)
        minus += any(s.endswith("-") for s in STEP.findall(f))
    assert minus > 800
