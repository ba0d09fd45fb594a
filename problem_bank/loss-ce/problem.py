"""Softmax + cross-entropy from logits; exam logits are ln q (q ∈ {1/2, 1, 2, 3, 4}) so ŷ is a fraction."""
import numpy as np
import sympy as sp

from examgen.compare import all_close
from examgen.engine import activations, losses, ops
from examgen.sampling import exact

EXAM_Q = ("1/2", "1", "2", "3", "4")  # exam logits ln q


def sample(draw, options):
    n, K = draw.size(1, 3), draw.size(2, 3)
    while True:
        y = np.zeros((n, K), dtype=int)
        y[np.arange(n), [draw.size(0, K - 1) for _ in range(n)]] = 1
        if draw.exam:
            q = exact([[draw.choice(EXAM_Q) for _ in range(K)] for _ in range(n)])
            p = {"y": exact(y), "xi": losses.combine_logs(ops.log(q))}
        else:
            p = {"y": y.astype(float), "xi": draw.decimals(-3, 3, (n, K))}
        s = solve(p)
        if _mistakes_show(p, s) and (not draw.exam or _hand_workable(s)):
            return p


def _hand_workable(s):
    """ŷ denominators small enough to add by hand, and no two classes of an example tied."""
    distinct = all(len(set(row)) == len(row) for row in s["yhat"].tolist())
    return distinct and all(sp.Rational(v).q <= 12 for v in s["yhat"].flat)


def validate(p):
    y = ops.to_float(p["y"])
    if np.any((y != 0) & (y != 1)) or np.any(y.sum(axis=1) != 1):
        raise ValueError("y must be one-hot: each row has a single 1 and zeros elsewhere")


def solve(p):
    y, xi = p["y"], p["xi"]
    yhat = activations.softmax(xi)
    n = y.shape[0]
    true_class = [int(np.argmax(ops.to_float(row))) for row in y]
    return {"n": n, "e": ops.exp(xi), "yhat": yhat,
            "yhat_true": np.array([yhat[i, k] for i, k in enumerate(true_class)], dtype=yhat.dtype),
            "true_class": [k + 1 for k in true_class],
            "L": losses.combine_logs(losses.ce(y, yhat)),
            "dL_dxi": losses.dL_dxi("ce", "softmax", y, yhat)}


def mistake_no_average(p, s):
    if s["n"] == 1:
        return None  # 1/n = 1: nothing to drop
    return {"L": s["L"] * s["n"], "dL_dxi": s["dL_dxi"] * s["n"]}


def mistake_averaged_twice(p, s):
    if s["n"] == 1:
        return None
    return {"L": s["L"] / s["n"], "dL_dxi": s["dL_dxi"] / s["n"]}


def mistake_binary_terms_added(p, s):
    return {"L": losses.combine_logs(losses.bce(p["y"], s["yhat"]))}


def mistake_gradient_sign(p, s):
    return {"dL_dxi": -s["dL_dxi"]}


def _mistakes_show(p, s):
    """Every mistake that applies gives an answer clearly off the right one (with a margin)."""
    for mistake in (mistake_no_average, mistake_averaged_twice, mistake_binary_terms_added,
                    mistake_gradient_sign):
        wrong = mistake(p, s)
        if wrong and any(all_close(v, s[k], 0.02, 0.01) for k, v in wrong.items()):
            return False
    return True
