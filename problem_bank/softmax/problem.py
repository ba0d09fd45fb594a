"""ŷ = softmax(W h), with excitations w̄_k h = ln q in the exam profile so that every ŷ_k is a fraction."""
import sys

import sympy as sp

from examgen.engine import activations, losses, ops
from examgen.sampling import mistakes_show

MAX_DENOMINATOR = 30  # exam: ŷ_k = p/q with q at most this


def sample(draw, options):
    K, N = draw.size(2, 3), draw.size(2, 3)
    while True:
        if not draw.exam:
            p = {"W": draw.decimals(-2, 2, (K, N)), "h": draw.decimals(-2, 2, N)}
        elif draw.choice([True, False]):  # integer weights, h entries 0 or ±ln q
            p = {"W": draw.ints(-1, 2, (K, N)), "h": draw.log_ratios(N, ratios=(2, 3))}
        else:                             # log weights, integer h
            p = {"W": draw.log_ratios((K, N), ratios=(2, 3)), "h": draw.ints(-1, 2, N, nonzero=True)}
        s = solve(p)
        if (not draw.exam or _hand_workable(s)) and mistakes_show(sys.modules[__name__], p, s, every_part=True):
            return p


def _hand_workable(s):
    """Small exponentials, small denominators of ŷ, and no two classes tied."""
    e = [sp.Rational(v) for v in s["e"]]
    return (len(set(e)) == len(e) and all(v.p <= 12 and v.q <= 12 for v in e)
            and all(sp.Rational(y).q <= MAX_DENOMINATOR for y in s["yhat"]))


def solve(p):
    out = activations.softmax_layer(p["W"], p["h"])
    e = ops.exp(out["xi"])  # the unnormalized exponentials, shown in the worked solution
    return {"xi": losses.combine_logs(out["xi"]), "e": e, "Z": e.sum(), "yhat": out["yhat"]}


def mistake_not_normalized(p, s):
    return {"yhat": s["e"]}


def mistake_normalized_without_exp(p, s):
    total = s["xi"].sum()
    if ops.to_float(total) == 0:
        return None  # dividing by zero: not an answer anyone would hand in
    return {"yhat": s["xi"] / total}
