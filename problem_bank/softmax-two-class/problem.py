"""Two-class softmax as σ(v·h), v = w̄₁ − w̄₂, with v·h = ±ln q in the exam profile."""
import sympy as sp

from examgen.engine import activations, losses, ops


def draw(rng, options):
    N = rng.size(2, 3)
    if not rng.exam:
        return {"W": rng.decimals(-2, 2, (2, N)), "h": rng.decimals(-2, 2, N)}
    if rng.choice([True, False]):  # integer weights, h entries 0 or ±ln q
        p = {"W": rng.ints(-1, 2, (2, N)), "h": rng.log_ratios(N, ratios=(2, 3))}
    else:                          # log weights, integer h
        p = {"W": rng.log_ratios((2, N), ratios=(2, 3)), "h": rng.ints(-1, 2, N, nonzero=True)}
    q = sp.Rational(solve(p)["exp_v_dot_h"])
    if q.p > 9 or q.q > 9:         # ŷ₁ = q/(1+q) with small numerator and denominator
        raise ValueError("e^{v·h} too large to work by hand")
    return p


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


# Error carried forward: ŷ worked as the question has it, σ(v·h), from the student's own v.
def carry_yhat(p, given):
    return _two_class(given["v"], p["h"])
