"""ŷ = softmax(W h), with excitations w̄_k h = ln q in the exam profile so that every ŷ_k is a fraction."""
import sympy as sp

from examgen.engine import activations, losses, ops

MAX_DENOMINATOR = 30  # exam: ŷ_k = p/q with q at most this


def draw(rng, options):
    K, N = rng.size(2, 3), rng.size(2, 3)
    if not rng.exam:
        return {"W": rng.decimals(-2, 2, (K, N)), "h": rng.decimals(-2, 2, N)}
    if rng.choice([True, False]):  # integer weights, h entries 0 or ±ln q
        p = {"W": rng.ints(-1, 2, (K, N)), "h": rng.log_ratios(N, ratios=(2, 3))}
    else:                          # log weights, integer h
        p = {"W": rng.log_ratios((K, N), ratios=(2, 3)), "h": rng.ints(-1, 2, N, nonzero=True)}
    _hand_workable(solve(p))
    return p


def _hand_workable(s):
    """Small exponentials, small denominators of ŷ, and no two classes tied (else a ValueError)."""
    e = [sp.Rational(v) for v in s["e"]]
    if not (len(set(e)) == len(e) and all(v.p <= 12 and v.q <= 12 for v in e)
            and all(sp.Rational(y).q <= MAX_DENOMINATOR for y in s["yhat"])):
        raise ValueError("exponentials too large to add by hand, or two classes tied")


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
