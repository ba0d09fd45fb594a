"""Two-class softmax as σ(v·h), v = w̄₁ − w̄₂, with v·h = ±ln q in the exam profile."""
import sys

import sympy as sp

from examgen.engine import activations, losses, ops
from examgen.sampling import mistakes_show


def sample(draw, options):
    N = draw.size(2, 3)
    while True:
        if not draw.exam:
            p = {"W": draw.decimals(-2, 2, (2, N)), "h": draw.decimals(-2, 2, N)}
        elif draw.choice([True, False]):  # integer weights, h entries 0 or ±ln q
            p = {"W": draw.ints(-1, 2, (2, N)), "h": draw.log_ratios(N, ratios=(2, 3))}
        else:                             # log weights, integer h
            p = {"W": draw.log_ratios((2, N), ratios=(2, 3)), "h": draw.ints(-1, 2, N, nonzero=True)}
        s = solve(p)
        if (not draw.exam or _hand_workable(s)) and mistakes_show(sys.modules[__name__], p, s, every_part=True):
            return p


def _hand_workable(s):
    """e^{v·h} = q with small numerator and denominator (ŷ₁ = q/(1+q))."""
    q = sp.Rational(s["exp_v_dot_h"])
    return q.p <= 9 and q.q <= 9


def solve(p):
    out = activations.softmax_two_class(p["W"], p["h"])
    v_dot_h = losses.combine_logs(out["v_dot_h"])
    return {"v": losses.combine_logs(out["v"]), "v_dot_h": v_dot_h, "exp_v_dot_h": ops.exp(v_dot_h),
            "xi": losses.combine_logs(out["xi"]), "yhat": out["yhat"]}


def _two_class(v, h):
    """[σ(v·h), 1 − σ(v·h)] for a (wrong) v."""
    y1 = ops.sigmoid(v @ h)
    return ops.asarray([y1, 1 - y1])


def mistake_difference_reversed(p, s):
    v = p["W"][1] - p["W"][0]
    return {"v": v, "yhat": _two_class(v, p["h"])}


def mistake_first_row_only(p, s):
    v = p["W"][0]
    return {"v": v, "yhat": _two_class(v, p["h"])}
