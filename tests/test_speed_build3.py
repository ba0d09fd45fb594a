"""Fast paths of drawing and solving (issue 12): each compared with the plain computation it
replaces, over many draws."""
import random

import numpy as np

from examgen.engine import detection
from examgen.sampling import Draw, exact


def test_integer_draws_as_numpy_and_leaves_the_generator_where_numpy_does():
    """Draw.integer (Lemire's draw on the bit generator's 32-bit output, read from its capsule)
    against int(Generator.integers(lo, hi + 1)) on a twin generator:
    the same values, narrow and wide ranges (past 32 bits NumPy's own), mixed with array draws,
    and the same state afterwards, for three kinds of bit generator."""
    pick = random.Random(12)
    spans = [0, 1, 2, 3, 5, 6, 7, 100, 1000, 2**31, 2**32 - 2, 2**32 - 1, 2**32, 2**40]
    for seed in range(150):
        kind = (np.random.PCG64, np.random.MT19937, np.random.Philox)[seed % 3]   # each its own C draw
        plain, twin = np.random.Generator(kind(seed)), np.random.Generator(kind(seed))
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
        # the same state: the next 32-bit draws (a buffered half word first) and raw words
        assert (twin.integers(0, 2**32 - 2, size=3) == plain.integers(0, 2**32 - 2, size=3)).all()
        assert (twin.bit_generator.random_raw(4) == plain.bit_generator.random_raw(4)).all()


def test_without_a_capsule_every_draw_is_numpys_own(monkeypatch):
    """Where the bit generator's capsule cannot be read (no C API, as on PyPy), Draw.integer
    calls Generator.integers itself: the same values as the capsule's draw."""
    from examgen import sampling

    monkeypatch.setattr(sampling, "_capsule_pointer", None)
    fallback = Draw(np.random.default_rng(5), "exam")
    monkeypatch.undo()
    fast = Draw(np.random.default_rng(5), "exam")
    assert fallback._state is None and fast._state is not None
    spans = [0, 1, 2, 7, 1000, 2**32 - 2, 2**32]
    for k in range(300):
        lo, hi = k % 5 - 2, k % 5 - 2 + spans[k % len(spans)]
        assert fallback.integer(lo, hi) == fast.integer(lo, hi)


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


def _same_values(a: dict, b: dict):
    """Two solutions hold the same keys and the same values (exact entries equal, floats bit for bit)."""
    assert list(a) == list(b)
    for k in a:
        x, y = a[k], b[k]
        if isinstance(x, np.ndarray):
            assert x.dtype == y.dtype and x.shape == y.shape and list(map(str, x.flat)) == list(map(str, y.flat)), k
            assert [type(v) for v in x.flat] == [type(v) for v in y.flat], k
        else:
            assert type(x) is type(y) and str(x) == str(y), k


def test_lstm_forward_of_is_numeric_if_nested_then_forward():
    """lstm.forward_of (the deciding forward pass reused) against numeric_if_nested followed by
    forward: exam draws (kept exact), drill draws, and exact parameters whose gates are no
    fractions (turned into floats), one to four steps."""
    from examgen import bank
    from examgen.engine import lstm

    cases = [bank.get(pid).sample(seed, profile, {"variant": "course"}).params
             for pid in ("lstm-forward", "lstm-bptt") for profile in ("exam", "drill") for seed in range(6)]
    pick = random.Random(7)
    for T in (1, 2, 4, 5):
        p = {"x": exact([pick.randint(-2, 2) for _ in range(T)]), "h0": exact(pick.randint(-1, 1)),
             "c0": exact(pick.randint(-1, 1)), "variant": pick.choice(lstm.VARIANTS)}
        for name in lstm.WEIGHT_NAMES:
            p[name] = exact(pick.choice(["0", "1", "-1", "1/2"]))
        cases.append(p)
    kinds = set()
    for p in cases:
        plain_p = lstm.numeric_if_nested(p)
        plain = lstm.forward(plain_p["x"], plain_p["h0"], plain_p["c0"], lstm.weights_of(plain_p), plain_p["variant"])
        got_p, got = lstm.forward_of(p)
        _same_values(got_p, plain_p)
        _same_values(got, plain)
        kinds.add((plain_p is p, str(plain["h"].dtype)))
    assert kinds >= {(True, "object"), (False, "float64"), (True, "float64")}, kinds
