"""One gradient-descent step on a two-layer network: back-propagation, then W ← W − η∇_W L."""
import sys

from examgen.bank import get
from examgen.engine import mlp, ops

bp = get("mlp-backprop").module

PARTS = ("W1_new", "b1_new", "W2_new", "b2_new")
FIRST_LAYER = ("W1_new", "b1_new")


def _eta(draw):
    import sympy as sp

    if draw.exam:
        return draw.choice([sp.Rational(1, 2), sp.Integer(1), sp.Integer(2)])
    return draw.choice([0.1, 0.2, 0.5])


def sample(draw, options):
    eta = _eta(draw)
    return bp.draw_problem(draw, options, sys.modules[__name__], extra=lambda p: {"eta": eta})


def validate(p):
    bp.check(p)
    if ops.to_float(p["eta"]) <= 0:
        raise ValueError("the learning rate eta must be positive")


def solve(p):
    s = bp.gradients(p)
    return {**s, **step(p, s)}


def step(p, grads, sign=1):
    """W − η∇ (sign = −1 gives the flipped step W + η∇)."""
    return mlp.gradient_descent_step(p, grads, sign * p["eta"])


def _wrong_step(p, s, grads, names):
    if grads is None:
        return None
    new = step(p, {**s, **grads})
    return {k: new[k] for k in names}


def mistake_sign_flipped(p, s):
    return step(p, s, sign=-1)


def mistake_n_dropped(p, s):
    return _wrong_step(p, s, bp.without_1_over_n(p, s), PARTS)


def mistake_missing_activation_derivative(p, s):
    return _wrong_step(p, s, bp.without_g1_prime(p, s), FIRST_LAYER)


def mistake_activation_for_derivative(p, s):
    return _wrong_step(p, s, bp.g1_for_g1_prime(p, s), FIRST_LAYER)
