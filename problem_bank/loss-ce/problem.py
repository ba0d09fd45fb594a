"""Softmax + cross-entropy from logits; exam logits are ln q (q ∈ {1/2, 1, 2, 3, 4}) so ŷ is a fraction."""
import sys
from fractions import Fraction
from functools import lru_cache

import numpy as np

from examgen.engine import activations, losses, ops
from examgen.sampling import exact, mistakes_show

EXAM_Q = ("1/2", "1", "2", "3", "4")  # exam logits ln q


def sample(draw, options):
    n, K = draw.size(1, 3), draw.size(2, 3)
    while True:
        y = np.zeros((n, K), dtype=int)
        y[np.arange(n), [draw.size(0, K - 1) for _ in range(n)]] = 1
        if draw.exam:
            q = [[draw.choice(EXAM_Q) for _ in range(K)] for _ in range(n)]
            if not _hand_workable(q):
                continue
            p = {"y": y.astype(float), "xi": np.log([[float(Fraction(v)) for v in row] for row in q])}
        else:
            p = {"y": y.astype(float), "xi": draw.decimals(-3, 3, (n, K))}
        # Rejection in floats (cheap); the exact instance is built once, for the accepted draw.
        if mistakes_show(sys.modules[__name__], p, solve(p), every_part=True):
            return {"y": exact(y), "xi": exact_logs(q)} if draw.exam else p


@lru_cache(maxsize=None)
def _ln(q: str):
    """ln q as the engine writes it (e.g. ln(1/2) = −ln 2)."""
    return losses.combine_logs(ops.log(exact(q)))


def exact_logs(q):
    """The exact logits ln q of a table of ratio strings."""
    return exact([[_ln(v) for v in row] for row in q])


def _hand_workable(q):
    """ŷ = q/Σq with denominators small enough to add by hand, and no two classes of an example tied."""
    for row in q:
        qs = [Fraction(v) for v in row]
        yhat = [v / sum(qs) for v in qs]
        if len(set(yhat)) < len(yhat) or any(v.denominator > 12 for v in yhat):
            return False
    return True


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


mistake_no_average, mistake_averaged_twice = losses.average_mistakes(("L", "dL_dxi"))  # None when n = 1


def mistake_binary_terms_added(p, s):
    return {"L": losses.combine_logs(losses.bce(p["y"], s["yhat"]))}


def mistake_gradient_sign(p, s):
    return {"dL_dxi": -s["dL_dxi"]}


# Error carried forward: each part recomputed from the student's own earlier answers.
def carry_L(p, given):
    return losses.ce(p["y"], given["yhat"])


def carry_dL_dxi(p, given):
    return losses.dL_dxi("ce", "softmax", p["y"], given["yhat"])
