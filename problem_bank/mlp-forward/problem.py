"""Forward pass of a two-layer network; also the network sampler mlp-backprop and gradient-descent share.

Exam profile, so that every value is exact and hand-workable:
- ReLU hidden: small integer x, W1, b1 with no ξ¹ exactly 0 (no tie at the kink).
- sigmoid/tanh hidden: x entries in {−1, 0, 1}; hidden unit j has a base q_j ∈ {2, 3} and
  its W1 row and b1 entry are integer multiples of ln q_j, so every ξ¹ = ln q_j^c is the log of
  a small fraction and h = q/(1+q) (sigmoid) or (q²−1)/(q²+1) (tanh) is a fraction.
- W2 column j is s_j times a small integer (linear output) or s_j times one of {0, ±ln 2, ±ln 3}
  (sigmoid/softmax output), with s_j = 1/gcd of the h values in column j (1 for ReLU), so that
  every s_j h_ij is an integer; b2 is an integer (linear) or one of {0, ±ln 2, ±ln 3}. Then ξ²
  is an integer (linear output) or ln q with q a small fraction, and ŷ is a fraction
  (σ(ln q) = q/(1+q), softmax q_k/Σ_ℓ q_ℓ).
Rejection sampling (on floats; the exact values are built once, for the accepted draw) keeps
these, and also every example, hidden unit and output in use (a ReLU unit is active, ξ¹ > 0,
for some example, so it gets a gradient), no two softmax classes tied, and every mistake visible.
"""
import math
import sys
from fractions import Fraction

import numpy as np

from examgen.bank import DEFAULT_ATOL, DEFAULT_RTOL
from examgen.engine import mlp, ops
from examgen.errors import ExamgenError
from examgen.sampling import exact
from examgen.sampling import mistakes_show as _mistakes_show

MAX_TRIES = 20_000


# --- shared by mlp-forward, mlp-backprop and gradient-descent ---------------------------------
def draw_sizes(draw, hidden, output, K=None):
    """n examples, N hidden units, D inputs, K outputs: small enough to work by hand (exam)."""
    while True:
        n, N, D = draw.size(1, 3), draw.size(2, 3), draw.size(1, 3)
        if draw.exam and hidden != "relu" and n > 2 * D:
            continue  # n distinct inputs from {−1, 0, 1}^D with every ξ¹ a small log
        if K is None:
            k = draw.size(2, 3) if output == "softmax" else draw.size(1, 2)
        else:
            k = K
        if not draw.exam:
            n, N = n + draw.size(0, 1), N + draw.size(0, 1)
        if hidden == "relu" and n == 1:
            continue  # every ReLU unit used by one example: none inactive, so g₁′ = 1 everywhere
        if not draw.exam:
            return n, N, D, k
        if n * N * max(D, k) <= 12:
            return n, N, D, k


def ln_of_small_fraction(v, limit: int) -> bool:
    """True when e^v is a fraction a/b with a, b ≤ limit (v is an integer combination of ln 2, ln 3)."""
    q = math.exp(float(v))
    f = Fraction(q).limit_denominator(limit)
    return f.numerator <= limit and abs(float(f) - q) < 1e-9 * max(1.0, q)


def _inverse_gcd(column):
    """1/g for g the largest fraction whose integer multiples give every entry (None if all are 0)."""
    fractions = [Fraction(float(v)).limit_denominator(1000) for v in column]
    nums = [abs(f.numerator) for f in fractions if f]
    if not nums:
        return None
    return Fraction(math.lcm(*(f.denominator for f in fractions)), math.gcd(*nums))


def draw_network(draw, hidden, output, n, N, D, K):
    """(x, W1, b1, W2, b2 as float64 arrays, a function building them exactly), or None to redraw.

    The float network is what samplers check; the function gives the instance's own values
    (exam: hand-workable exact values, see the module docstring; drill: the floats).
    """
    if not draw.exam:
        if hidden != "relu":
            p = {"x": draw.decimals(-2, 2, (n, D)), "W1": draw.decimals(-2, 2, (N, D)),
                 "b1": draw.decimals(-1, 1, N), "W2": draw.decimals(-2, 2, (K, N)), "b2": draw.decimals(-1, 1, K)}
            return p, lambda: p
        # ReLU: no ξ¹ near the kink, every unit active for some example and every example for some unit.
        x = draw.decimals(-2, 2, (n, D))
        units = _draw_units(N, lambda: (draw.decimals(-2, 2, D), draw.decimals(-1, 1)),
                            lambda w_j, b_j: _relu_unit_ok(x @ w_j + b_j, 0.05, np.inf, np.inf))
        if units is None or not _relu_all_alive(x @ units[0].T + units[1]):
            return None
        p = {"x": x, "W1": units[0], "b1": units[1], "W2": draw.decimals(-2, 2, (K, N)), "b2": draw.decimals(-1, 1, K)}
        return p, lambda: p

    ints = lambda lo, hi, shape: draw.rng.integers(lo, hi + 1, size=shape)  # noqa: E731
    # Checks run on floats; the exact arrays are built once an instance passes.
    if hidden == "relu":
        # Small h for a sigmoid/softmax output, whose ξ² are integer multiples of logs.
        w, top = (2, 6) if output == "linear" else (1, 2)
        x = ints(-2, 2, (n, D))
        units = _draw_units(N, lambda: (ints(-w, w, D), int(ints(-1, 1, ()))),
                            lambda w_j, b_j: np.any(w_j != 0) and _relu_unit_ok(x @ w_j + b_j, 1, 6, top))
        if units is None:
            return None
        W1, b1 = units
        xi1 = x @ W1.T + b1
        if not _relu_all_alive(xi1):
            return None
        log_q1 = np.ones(N)
    else:
        # Hidden unit j: W1 row j and b1_j are integer multiples of ln q_j, q_j ∈ {2, 3}, and
        # every ξ¹_ij = c_ij ln q_j = ln q_j^c_ij with q_j^|c_ij| ≤ 4 (sigmoid) or ≤ 3 (tanh).
        x, limit = ints(-1, 1, (n, D)), (4 if hidden == "sigmoid" else 3)
        units = _draw_units(N, lambda: (ints(-1, 1, D), int(ints(-1, 1, ())), int(ints(2, 3, ()))),
                            lambda w_j, b_j, q_j: np.any(w_j != 0) and np.all(float(q_j) ** np.abs(x @ w_j + b_j) <= limit))
        if units is None:
            return None
        W1, b1, q1 = units
        log_q1 = np.log(q1)
        xi1 = (x @ W1.T + b1) * log_q1
    if not _all_used(x, W1) or len({tuple(r) for r in np.round(xi1, 9)}) < n:  # distinct hidden states
        return None
    h = mlp.hidden_activation(hidden)[0](np.asarray(xi1, dtype=float))

    # Column j of W2 is a multiple of s_j = 1/gcd(h_1j, …, h_nj), so that W2 h holds integers
    # (linear output) or integer multiples of ln 2 and ln 3 (sigmoid/softmax output).
    d = np.array([1 if hidden == "relu" else _inverse_gcd(h[:, j]) for j in range(N)], dtype=object)
    if any(v is None or v.numerator > 6 for v in d):
        return None
    if output == "linear":
        e2, b2, log_r2, log_r2b = ints(-2, 2, (K, N)) if hidden == "relu" else ints(-1, 1, (K, N)), ints(-1, 1, K), 1, 1
        if np.abs(h @ (e2 * d.astype(float)).T + b2).max() > 6:
            return None
    else:
        e2, b2 = ints(-1, 1, (K, N)), ints(-1, 1, K)
        log_r2, log_r2b = np.log(ints(2, 3, (K, N))), np.log(ints(2, 3, K))
        xi2 = h @ (e2 * d.astype(float) * log_r2).T + b2 * log_r2b
        if not all(ln_of_small_fraction(v, 9) for v in xi2.flat):
            return None
        if output == "softmax" and any(len(set(np.round(row, 9))) < K for row in xi2):
            return None    # no two classes equally likely
    if not _all_used(e2, e2.T):
        return None
    floats = {"x": x.astype(float), "W1": W1 * np.reshape(log_q1, (-1, 1)), "b1": b1 * log_q1,
              "W2": e2 * d.astype(float) * log_r2, "b2": b2 * log_r2b}

    def build():
        return {"x": exact(x), "W1": exact(W1) * _logs(log_q1)[:, None], "b1": exact(b1) * _logs(log_q1),
                "W2": exact(e2) * exact(list(d)) * _logs(log_r2), "b2": exact(b2) * _logs(log_r2b)}

    return floats, build


def _draw_units(N, draw_unit, ok, tries: int = 100):
    """N hidden units drawn one by one, each (W1 row, b1 entry, …) redrawn until `ok` accepts it;
    None when a unit never passes. Units are independent given x, so this is each unit's own
    rejection sampling, much cheaper than redrawing the whole network for one bad unit."""
    units = []
    for _ in range(N):
        for _ in range(tries):
            unit = draw_unit()
            if ok(*unit):
                units.append(unit)
                break
        else:
            return None
    return [np.array(column) for column in zip(*units)]


def _relu_unit_ok(xi, kink, biggest, top) -> bool:
    """A ReLU unit's ξ¹ over the examples: none within `kink` of 0 (exam: none 0), |ξ¹| ≤ biggest,
    ξ¹ ≤ top, and active (ξ¹ > 0) for some example, so it is used."""
    return bool(np.min(np.abs(xi)) >= kink and np.abs(xi).max() <= biggest and xi.max() <= top and np.any(xi > 0))


def _relu_all_alive(xi1) -> bool:
    """Every example has an active ReLU unit and every unit is active for some example (ξ¹ > 0)."""
    active = xi1 > 0
    return bool(np.all(np.any(active, axis=1)) and np.all(np.any(active, axis=0)))


def _logs(log_values):
    """Exact ln q for the floats ln q (q ∈ {2, 3}), or 1 where the float is 1 (no log factor)."""
    import sympy as sp

    if np.ndim(log_values) == 0:
        return sp.Integer(1) if log_values == 1 else sp.log(round(math.exp(log_values)))
    return np.vectorize(_logs, otypes=[object])(log_values)


def _all_used(*matrices) -> bool:
    """No all-zero row in any of the matrices (every example, unit and output does something)."""
    return all(np.all(np.any(ops.to_float(m) != 0, axis=1)) for m in matrices)


def tidy_logs(a):
    """Exact entries that are sums of logs written as one log, ln q (so σ(ln q) = q/(1+q) is visible)."""
    if not ops.is_exact(a):
        return a
    import sympy as sp

    def one(v):
        if v.is_Rational:
            return v
        q = sp.exp(v)
        return sp.log(q) if q.is_Rational else v

    return np.vectorize(one, otypes=[object])(a)


def mistakes_show(module, p, s) -> bool:
    """Every mistake of `module` that applies gives an answer beyond the parts' tolerance of the right one."""
    return _mistakes_show(module, p, s, rtol=DEFAULT_RTOL, atol=DEFAULT_ATOL)


def choose(draw, options, name, choices):
    """An option the spec fixed, or a draw."""
    return options.get(name) or draw.choice(choices)


def check_network(p):
    """Semantic checks shared by the three problems (shapes are checked by problem.yaml)."""
    if p["output"] == "softmax" and np.shape(p["W2"])[0] < 2:
        raise ValueError("a softmax output needs K ≥ 2 outputs (W2 with at least 2 rows)")


# --- this problem -----------------------------------------------------------------------------
def sample(draw, options):
    hidden = choose(draw, options, "hidden", mlp.HIDDEN)
    output = choose(draw, options, "output", mlp.OUTPUT)
    for attempt in range(MAX_TRIES):
        if attempt % 500 == 0:
            sizes = draw_sizes(draw, hidden, output)  # some sizes are hard to fill: try others
        net = draw_network(draw, hidden, output, *sizes)
        if net is None:
            continue
        floats, build = net
        p = {**floats, "hidden": hidden, "output": output}
        if mistakes_show(sys.modules[__name__], p, solve(p)):  # checked in floats
            return {**build(), "hidden": hidden, "output": output}
    raise ExamgenError(f"mlp-forward: no instance found for hidden={hidden}, output={output}")


def validate(p):
    check_network(p)


def solve(p):
    s = mlp.forward(p["x"], p["W1"], p["b1"], p["W2"], p["b2"], p["hidden"], p["output"])
    s["xi1"], s["xi2"] = tidy_logs(s["xi1"]), tidy_logs(s["xi2"])
    if p["output"] == "softmax":
        s["exp_xi2"] = ops.exp(s["xi2"])
        s["sum_exp_xi2"] = s["exp_xi2"].sum(axis=1)
    return s


def mistake_no_output_activation(p, s):
    if p["output"] == "linear":
        return None
    return {"yhat": s["xi2"]}


def mistake_bias_dropped(p, s):
    wrong = mlp.forward(p["x"], p["W1"], 0 * ops.asarray(p["b1"]), p["W2"], 0 * ops.asarray(p["b2"]),
                        p["hidden"], p["output"])
    return {k: wrong[k] for k in ("xi1", "h", "xi2", "yhat")}


# Error carried forward: each part recomputed from the student's own earlier answers.
def carry_h(p, given):
    return mlp.hidden_activation(p["hidden"])[0](given["xi1"])


def carry_xi2(p, given):
    return given["h"] @ ops.asarray(p["W2"]).T + ops.asarray(p["b2"])


def carry_yhat(p, given):
    return mlp.output_activation(p["output"], given["xi2"])
