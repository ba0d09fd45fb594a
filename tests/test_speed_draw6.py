"""Fast paths of drawing and accepting instances (issue 12, draw6): each compared with the plain
computation it replaces, over many draws."""
import random

import numpy as np
import pytest
import sympy as sp

from examgen import bank
from examgen.engine import detection, identities
from examgen.sampling import Draw, exact

ANCHOR_LABELS = bank.get("anchor-labels").module


def _plain_grid_anchor(rng, ref, t, label):
    """anchor-labels' exam anchor as it was drawn: offsets by Draw.integers, the box by max, its
    IOU by detection.iou_value."""
    for _ in range(200):
        reach = 1 if label else 3
        dx, dy, dw, dh = rng.integers(-reach, reach, 4)
        box = [max(0, ref[0] + dx), max(0, ref[1] + dy), max(1, ref[2] + dw), max(1, ref[3] + dh)]
        value = float(detection.iou_value(ref, box))
        if (value > t) == bool(label) and abs(value - t) >= ANCHOR_LABELS.MARGIN and value < 1:
            return box


def test_grid_anchor_draws_the_plain_anchor():
    """_grid_anchor against the plain tries on a twin generator: the same box (or None) for every
    reference the exam draws, both thresholds and both labels, and the generator left in the
    same state. Thresholds that make tries fail for long (none found in 200) are included."""
    pick = random.Random(6)
    found = missing = 0
    for seed in range(1000):
        ref = [pick.randint(0, 3), pick.randint(0, 3), pick.randint(3, 5), pick.randint(3, 5)]
        t, label = pick.choice([0.5, 0.7, 0.7, 0.95, 0.05]), pick.randint(0, 1)
        fast, plain = Draw(np.random.default_rng(seed), "exam"), Draw(np.random.default_rng(seed), "exam")
        box = ANCHOR_LABELS._grid_anchor(fast, ref, t, label)
        assert box == _plain_grid_anchor(plain, ref, t, label), (ref, t, label)
        assert all(type(v) is int for v in box or ())
        assert fast.integer(0, 2**20) == plain.integer(0, 2**20)
        found, missing = found + (box is not None), missing + (box is None)
    assert found > 700 and missing > 15


# --- activation-identity ---------------------------------------------------------------------
IDENTITY = bank.get("activation-identity").module


def _identity_params():
    """Every exam (a, b) as draw() gives them (exact numbers), and drill ones (one-decimal floats)."""
    exam = [(exact(a), exact(b)) for a in IDENTITY.EXAM_A for b in IDENTITY.EXAM_B]
    pick = random.Random(6)
    drill = [(pick.choice([-1, 1]) * pick.randint(1, 30) / 10, pick.randint(-20, 20) / 10) for _ in range(12)]
    return exam + drill


@pytest.mark.parametrize("question", IDENTITY.DERIVATIVES)
def test_without_chain_factor_is_the_answer_over_a(question):
    """identities.without_chain_factor against the answer divided by a (SymPy's Mul), for every
    exam (a, b), drill ones and a = ln 2 (evaluated): the same expression, printed alike."""
    for a, b in _identity_params() + [(sp.log(2), 1)]:
        found = identities.identity(question, a, b)
        fast = identities.without_chain_factor.__wrapped__(question, a, b)
        plain = found["expr"] / found["a"]
        assert sp.srepr(fast) == sp.srepr(plain) and fast == plain and hash(fast) == hash(plain), (a, b)


def test_tanh_of_is_tanhs_evaluation():
    """identities.tanh_of (the minus sign taken out where a < 0) against SymPy's evaluated tanh of
    aξ + b and of its half, for every exam (a, b) and drill ones; and a < 0 against
    could_extract_minus_sign on 200 more one-decimal pairs (all signs of b, b = 0 too)."""
    pairs = [(identities._number(a), identities._number(b)) for a, b in _identity_params()]
    for a, b in pairs:
        for u in (a * identities.xi + b, (a * identities.xi + b) / 2):
            fast, plain = identities.tanh_of(u, a, False), sp.tanh(u)
            assert sp.srepr(fast) == sp.srepr(plain) and fast == plain, (a, b)
    pick = random.Random(7)
    for _ in range(200):
        a = identities._number(pick.choice([-1, 1]) * pick.randint(1, 30) / 10)
        b = identities._number(pick.randint(-20, 20) / 10)
        for u in (a * identities.xi + b, (a * identities.xi + b) / 2):
            assert u.could_extract_minus_sign() == (a < 0), (a, b)


@pytest.mark.parametrize("question", list(identities.OUTER_PRIME))
def test_sigma_prime_as_sigma_is_the_substitution(question):
    """with_sigma_prime_as_sigma against a·f′(s)·s with σ substituted for s (SymPy's subs: h in the
    h questions, σ written out in ξ), for every exam (a, b) and drill ones."""
    for a, b in _identity_params():
        a, b = identities._number(a), identities._number(b)
        s = identities.h if question.endswith("-h") else identities.written_out(a * identities.xi + b)
        plain = (a * identities.OUTER_PRIME[question] * identities._S).subs(identities._S, s)
        fast = identities.with_sigma_prime_as_sigma.__wrapped__(question, a, b)
        assert sp.srepr(fast) == sp.srepr(plain) and fast == plain and hash(fast) == hash(plain), (a, b)
