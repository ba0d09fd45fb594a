"""Two-class softmax as σ(v·h), v = w̄₁ − w̄₂, with v·h = ±ln q in the exam profile."""
import numpy as np
import sympy as sp

from examgen.compare import all_close
from examgen.engine import activations, losses, ops


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
        if (not draw.exam or _hand_workable(s)) and _mistakes_show(p, s):
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
    return np.array([y1, 1 - y1], dtype=object if ops.is_exact(y1) else float)


def mistake_difference_reversed(p, s):
    v = p["W"][1] - p["W"][0]
    return {"v": v, "yhat": _two_class(v, p["h"])}


def mistake_first_row_only(p, s):
    v = p["W"][0]
    return {"v": v, "yhat": _two_class(v, p["h"])}


def _mistakes_show(p, s):
    """Every mistake gives an answer clearly off the right one (with a margin)."""
    for mistake in (mistake_difference_reversed, mistake_first_row_only):
        wrong = mistake(p, s)
        if any(all_close(v, s[k], 0.02, 0.01) for k, v in wrong.items()):
            return False
    return True
