"""Softmax + cross-entropy from logits. Exam: logits ln q with the q of each example a permutation
of small integers whose sum Z (the softmax denominator) is the same for every example and, like
every q, has no prime but 2 and 3; so ŷ = q/Z and L = (1/n) ln(Zⁿ/Π q_true) mix at most ln 2, ln 3."""
from functools import lru_cache

import numpy as np

from examgen.engine import activations, losses, ops
from examgen.sampling import exact

# Exponentials e^ξ of one example: distinct (no tie), coprime, each and their sum Z = 2^a 3^b.
EXAM_Q = {2: [(1, 2), (1, 3), (1, 8)],
          3: [(1, 2, 3), (1, 3, 4), (1, 2, 6), (2, 3, 4), (1, 2, 9), (1, 3, 8)]}


def draw(rng, options):
    n, K = rng.size(1, 3), rng.size(2, 3)
    y = np.zeros((n, K), dtype=int)
    y[np.arange(n), [rng.size(0, K - 1) for _ in range(n)]] = 1
    if not rng.exam:
        return {"y": y.astype(float), "xi": rng.decimals(-3, 3, (n, K))}
    Z = rng.choice(sorted({sum(q) for q in EXAM_Q[K] if sum(q) ** n <= 300}))
    tuples = [q for q in EXAM_Q[K] if sum(q) == Z]
    q = [[tuples_q[i] for i in rng.permutation(K)] for tuples_q in (rng.choice(tuples) for _ in range(n))]
    return {"y": exact(y), "xi": exact([[_ln(v) for v in row] for row in q])}


@lru_cache(maxsize=None)
def _ln(q: int):
    """ln q as the engine writes it (ln 8 = 3 ln 2, ln 6 = ln 2 + ln 3)."""
    return losses.combine_logs(ops.log(exact(q)))


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
