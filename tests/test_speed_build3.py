"""Fast paths of drawing and solving (issue 12): each compared with the plain computation it
replaces, over many draws."""
import random

import numpy as np

from examgen.engine import detection
from examgen.sampling import Draw, exact


def test_integer_draws_as_numpy_and_leaves_the_generator_where_numpy_does():
    """Draw.integer (Lemire's draw on the bit generator's 32-bit output) against
    int(Generator.integers(lo, hi + 1)) on a twin generator: the same values, narrow and wide
    ranges (past 32 bits NumPy's own), mixed with array draws, and the same state afterwards."""
    pick = random.Random(12)
    spans = [0, 1, 2, 3, 5, 6, 7, 100, 1000, 2**31, 2**32 - 2, 2**32 - 1, 2**32, 2**40]
    for seed in range(150):
        plain, twin = np.random.default_rng(seed), np.random.default_rng(seed)
        draw = Draw(twin, "exam")
        for _ in range(40):
            lo = pick.randint(-6, 6)
            hi = lo + pick.choice(spans)
            assert draw.integer(lo, hi) == int(plain.integers(lo, hi + 1))
            n = pick.randint(0, 4)
            assert draw.integers(lo, hi, n) == [int(plain.integers(lo, hi + 1)) for _ in range(n)]
            if pick.random() < 0.2:   # other draws in between move both generators alike
                assert (twin.integers(0, 9, size=3) == plain.integers(0, 9, size=3)).all()
        options = list(range(pick.randint(1, 9)))
        assert draw.choice(options) == options[int(plain.integers(len(options)))]
        assert type(draw.size(1, 4)) is int and plain.integers(1, 5) is not None
        assert twin.bit_generator.state == plain.bit_generator.state


def test_iou_value_is_the_iou_of_iou():
    """detection.iou_value against iou(...)["IOU"]: integer boxes (as anchor-labels draws them),
    decimals (the drill) and exact numbers, disjoint, touching, nested and overlapping."""
    pick = random.Random(3)
    for _ in range(3000):
        ref = [pick.randint(0, 3), pick.randint(0, 3), pick.randint(1, 5), pick.randint(1, 5)]
        box = [pick.randint(0, 6), pick.randint(0, 6), pick.randint(1, 6), pick.randint(1, 6)]
        for a, b in ((ref, box), ([v * 0.37 for v in ref], [v * 0.41 for v in box]),
                     (list(exact(ref)), list(exact(box)))):
            got, want = detection.iou_value(a, b), detection.iou(a, b)["IOU"]
            assert got == want and type(got) is type(want), (a, b)
