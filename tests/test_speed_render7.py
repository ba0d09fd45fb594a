"""Rendering's fast paths (stop 15) find what the first patterns found: a block that is one
display told by string tests, lines that join blocks across blank lines searched for after their
newline, and hand work's minus signs matched from the minus (or the space before it)."""
import functools
import itertools
import random
import re

from examgen import bank, latex, render, work

ONE_DISPLAY = re.compile(r"\$\$([^\n$]*)\$\$[ \t]*\n?")
JOINED_ACROSS_BLANK_LINES = re.compile(r"^(?:[ \t]+\S|[-*+][ \t]|\d+[.)][ \t]|>|```|~~~|<|\[[^\]\n]*\]:)", re.M)
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


def test_one_display_blocks_are_found_as_the_pattern_found_them():
    blocks = [b for t in _texts() for b in latex._BLANK_LINE.split(latex._one_line_displays(t))]
    atoms = ("$$", "$", "\n", " ", "\t", "a")
    blocks += ["".join(parts) for parts in itertools.product(atoms, repeat=6)]
    blocks += _random(["$$", "$", "\n", " ", "\t", "a", "\\frac{1}{2}", "\r", "\u00a0"], 4000, 1)
    displays = 0
    for b in blocks:
        m = ONE_DISPLAY.fullmatch(b)
        assert latex._display_alone(b) == (m and m.group(1)), repr(b)
        displays += m is not None
    assert displays > 800


def test_joining_lines_are_found_as_the_pattern_found_them():
    texts = list(_texts())
    texts += [b for t in texts for b in latex._BLANK_LINE.split(t)]
    texts += _random(["\n", "\n\n", " ", "\t", "-", "*", "+", "1", "12", ".", ")", ">", "```", "~~~", "<", "[", "]",
                      ":", "a", "$$", "\r"], 4000, 2)
    joined = 0
    for t in texts:
        first = JOINED_ACROSS_BLANK_LINES.search(t) is not None
        assert latex._joins_across_blank_lines(t) == first, repr(t)
        joined += first
    assert 500 < joined < len(texts) - 500


def test_hand_work_steps_are_found_as_the_pattern_found_them():
    formulas = [d or i for t in _texts() for d, i in work._MATH.findall(t)]
    formulas += _random(["-", " ", "\t", "\n", "\u2003", "a", "Z", "1", ")", "}", "]", "M", "(", "{", "^", "\\max",
                         "\\times", "\\exp", "e^", "+", "=", "\\sigma"], 4000, 3)
    minus = 0
    for f in formulas:
        assert work._STEP.findall(f) == STEP.findall(f), repr(f)
        minus += any(s.endswith("-") for s in STEP.findall(f))
    assert minus > 800
