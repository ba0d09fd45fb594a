"""Fast paths of drawing and solving (issue 12): each compared with the plain computation it
replaces, over many draws."""
import random

import numpy as np

from examgen.sampling import Draw


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
            if pick.random() < 0.2:   # other draws in between move both generators alike
                assert (twin.integers(0, 9, size=3) == plain.integers(0, 9, size=3)).all()
        options = list(range(pick.randint(1, 9)))
        assert draw.choice(options) == options[int(plain.integers(len(options)))]
        assert type(draw.size(1, 4)) is int and plain.integers(1, 5) is not None
        assert twin.bit_generator.state == plain.bit_generator.state
