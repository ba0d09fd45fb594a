"""Two-layer networks for mlp-forward, mlp-backprop and gradient-descent: one candidate draw,
the solution with what the worked solution shows, and the wrong backward passes of the mistakes.

Exam profile, so that every value is exact and hand-workable:
- ReLU hidden: small integer x, W1, b1 with no ξ¹ exactly 0 (no tie at the kink), every unit
  active (ξ¹ > 0) for some example and every example for some unit.
- sigmoid/tanh hidden: x entries in {−1, 0, 1}; hidden unit j has a base q_j ∈ {2, 3} and
  its W1 row and b1 entry are integer multiples of ln q_j, so every ξ¹ = ln q_j^c is the log of
  a small fraction and h = q/(1+q) (sigmoid) or (q²−1)/(q²+1) (tanh) is a fraction.
- W2 column j is s_j times a small integer (linear output) or s_j times one of {0, ±ln 2, ±ln 3}
  (sigmoid/softmax output), with s_j = 1/gcd of the h values in column j (1 for ReLU), so that
  every s_j h_ij is an integer; b2 is an integer (linear) or one of {0, ±ln 2, ±ln 3}. Then ξ²
  is an integer (linear output) or ln(2^a 3^b), and ŷ is a fraction whose numerator and
  denominator have no prime but 2 and 3 (σ(ln q) = q/(1+q), softmax q_k/Σ_ℓ q_ℓ with Σ_ℓ q_ℓ
  a product of 2s and 3s), so that L = (1/n) ln Q mixes at most ln 2 and ln 3.
Each hidden unit is chosen uniformly among the small integer units that satisfy its conditions
(an enumeration, not a retry loop); what no construction guarantees is left to the library's
acceptance (examgen.instance.draw_instance), which a candidate passes or fails as a whole.
"""
from __future__ import annotations

import itertools
import math
from fractions import Fraction
from functools import lru_cache

import numpy as np

from ..engine import losses, mlp, ops
from ..engine.exact import Exact
from ..sampling import exact

# Default (output, loss) pairs: the canonical ones; the drill adds sigmoid + MSE now and then.
LOSS_FOR_OUTPUT = {"exam": {"linear": ["mse"], "sigmoid": ["bce"], "softmax": ["ce"]},
                   "drill": {"linear": ["mse"], "sigmoid": ["bce", "bce", "mse"], "softmax": ["ce"]}}
OUTPUT_FOR_LOSS = {"mse": ["linear", "linear", "sigmoid"], "bce": ["sigmoid"], "ce": ["softmax"]}


# --- options -------------------------------------------------------------------------------
def choose_pair(rng, output, loss):
    """(output, loss): the spec's, or a sensible draw for the one left unset (None)."""
    if output and loss:
        check_pair(output, loss)
        return output, loss
    if output:
        return output, rng.choice(LOSS_FOR_OUTPUT[rng.profile][output])
    if loss:
        return rng.choice(OUTPUT_FOR_LOSS[loss]), loss
    output = rng.choice(mlp.OUTPUT)
    return output, rng.choice(LOSS_FOR_OUTPUT[rng.profile][output])


def check_pair(output, loss):
    if loss == "bce" and output != "sigmoid":
        raise ValueError(f"binary cross-entropy needs a sigmoid output, not {output}")
    if loss == "ce" and output != "softmax":
        raise ValueError(f"cross-entropy with one-hot targets needs a softmax output, not {output}")


# --- sizes and network ------------------------------------------------------------------------
def draw_sizes(rng, hidden, output, K=None):
    """n examples, N hidden units, D inputs, K outputs: small enough to work by hand (exam)."""
    if rng.exam:
        n = rng.size(2, 3) if hidden == "relu" else rng.size(1, 2)
        N, D = 2, rng.size(1, 2)
        k = K or (2 if output == "softmax" else 1)
        return n, N, D, k
    n = rng.size(2, 4) if hidden == "relu" else rng.size(1, 4)
    k = K or (rng.size(2, 3) if output == "softmax" else rng.size(1, 2))
    return n, rng.size(2, 4), rng.size(1, 3), k


def draw_network(rng, hidden, output, n, N, D, K):
    """x, W1, b1, W2, b2 (exact and hand-workable in the exam profile, decimals in the drill),
    or a ValueError saying why this candidate cannot be completed."""
    if not rng.exam:
        return _drill_network(rng, hidden, n, N, D, K)
    x = _distinct_rows(rng, n, D, 2 if hidden == "relu" else 1)
    if hidden == "relu":
        w, top = (2, 6) if output == "linear" else (1, 2)  # small h for a log-valued ξ²
        W1, b1 = _choose(rng, N, _relu_units(x.tobytes(), x.shape, w, top))
        xi1 = x @ W1.T + b1
        if not _relu_all_alive(xi1):
            raise ValueError("an example with no active ReLU unit")
        q1 = np.ones(N, dtype=int)
        h = np.maximum(xi1, 0).astype(float)
    else:
        W1, b1, q1 = _choose(rng, N, _log_units(x.tobytes(), x.shape, hidden))
        xi1 = (x @ W1.T + b1) * np.log(q1.astype(float))
        h = mlp.hidden_activation(hidden)[0](xi1)
    if len({tuple(r) for r in np.round(xi1, 9)}) < n:
        raise ValueError("two examples with the same hidden state")
    # Column j of W2 is a multiple of s_j = 1/gcd(h_1j, …, h_nj), so that W2 h holds integers
    # (linear output) or integer multiples of ln 2 and ln 3 (sigmoid/softmax output).
    d = [Fraction(1) if hidden == "relu" else _inverse_gcd(tuple(h[:, j].tolist())) for j in range(N)]
    m = np.rint(h * np.array([float(v) for v in d])).astype(int)  # the integers s_j h_ij
    rows = _output_rows(m.tobytes(), m.shape, output, hidden == "relu")
    if output == "softmax":
        first = rows[rng.integer(0, len(rows) - 1)]
        rows = [r for r in rows if _softmax_pair_ok(first[-1], r[-1])]
        if not rows:
            raise ValueError("no second softmax row suits the first")
        picked = [first, rows[rng.integer(0, len(rows) - 1)]]
    else:
        picked = [rows[rng.integer(0, len(rows) - 1)] for _ in range(K)]
    e2, r2, b2, rb2 = (np.array([row[i] for row in picked]) for i in range(4))
    return {"x": exact(x), "W1": exact(W1) * _logs(q1)[:, None], "b1": exact(b1) * _logs(q1),
            "W2": exact(e2) * exact(d) * _logs(r2), "b2": exact(b2) * _logs(rb2)}


def _distinct_rows(rng, n, D, top):
    """n distinct nonzero integer rows in [−top, top]^D."""
    rows = [r for r in itertools.product(range(-top, top + 1), repeat=D) if any(r)]
    if len(rows) < n:
        raise ValueError("too few distinct inputs")
    return np.array([rows[i] for i in rng.rng.choice(len(rows), size=n, replace=False)], dtype=np.int64)


# e^ξ² = 2^a 3^b for a sigmoid output: q with q and 1 + q products of 2s and 3s (σ(ln q) = q/(1+q));
# for softmax any small q = 2^a 3^b (the pair's sum is checked by _softmax_pair_ok).
SIGMOID_Q = frozenset({(0, 0), (1, 0), (-1, 0), (0, 1), (0, -1)})
SOFTMAX_Q = SIGMOID_Q | {(2, 0), (-2, 0), (1, -1), (-1, 1)}


@lru_cache(maxsize=4096)
def _output_rows(m_bytes, shape, output, relu):
    """Every second-layer row (e, r, b, rb): W2 row s ∘ e (∘ ln r), b2 entry b (ln rb), whose
    excitations suit the output; the last item is the row's per-example value (ξ² or (a, b))."""
    m = np.frombuffer(m_bytes, dtype=np.int64).reshape(shape).tolist()
    N = shape[1]
    out = []
    if output == "linear":
        weights = (-2, -1, 1, 2) if relu else (-1, 1)
        for e in itertools.product(weights, repeat=N):
            for b in (-1, 0, 1):
                xi2 = _excitations(m, e, b)
                if max(map(abs, xi2)) <= 6:
                    out.append((e, (1,) * N, b, 1, xi2))
        return tuple(out)
    # A row suits the output when it suits every example: intersect the examples' choices.
    per_example = [_example_exponents(row, output) for row in map(tuple, m)]
    choices = _log_row_choices(N)
    out = [(*choices[k], tuple(q[k] for q in per_example))
           for k in per_example[0] if all(k in q for q in per_example[1:])]
    if not out:
        raise ValueError("no second-layer row gives hand-workable outputs")
    return tuple(out)


@lru_cache(maxsize=8)
def _log_row_choices(N) -> list:
    """The second-layer choices (e, r, b, rb) of a sigmoid/softmax output, in the order rows are
    listed: W2 row signs e and log bases r, b2 entry b and its log base rb."""
    return list(itertools.product(itertools.product((-1, 1), repeat=N), itertools.product((2, 3), repeat=N),
                                  (-1, 0, 1), (2, 3)))


@lru_cache(maxsize=4096)
def _example_exponents(m_row: tuple, output) -> dict:
    """{k: (a, b)} for one example's integers s_j h_ij: the choices k of _log_row_choices whose
    e^ξ² = 2^a 3^b suits the output (remembered: rows of small integers recur across networks)."""
    allowed = SIGMOID_Q if output == "sigmoid" else SOFTMAX_Q
    out = {}
    for k, (e, r, b, rb) in enumerate(_log_row_choices(len(m_row))):
        a2 = sum(v * s for v, s, q in zip(m_row, e, r) if q == 2) + (b if rb == 2 else 0)
        a3 = sum(v * s for v, s, q in zip(m_row, e, r) if q == 3) + (b if rb == 3 else 0)
        if (a2, a3) in allowed:
            out[k] = (a2, a3)
    return out


def _softmax_pair_ok(q1, q2) -> bool:
    """Two classes with e^ξ² = 2^a 3^b: no tie, and every sum e^ξ²₁ + e^ξ²₂ a product of 2s and 3s."""
    return all(_example_pair_ok(e1, e2) for e1, e2 in zip(q1, q2))


@lru_cache(maxsize=1024)
def _example_pair_ok(e1: tuple, e2: tuple) -> bool:
    """One example's two classes (a, b) (remembered: the exponents are a few small integers)."""
    (a1, b1), (a2, b2) = e1, e2
    v1, v2 = Fraction(2) ** a1 * Fraction(3) ** b1, Fraction(2) ** a2 * Fraction(3) ** b2
    return v1 != v2 and _smooth(v1 + v2)


def _drill_network(rng, hidden, n, N, D, K):
    x = rng.decimals(-2, 2, (n, D))
    W1, b1 = rng.decimals(-2, 2, (N, D)), rng.decimals(-1, 1, N)
    if hidden == "relu":  # no ξ¹ near the kink, every unit active for some example and vice versa
        xi1 = x @ W1.T + b1
        if np.abs(xi1).min() < 0.05 or not _relu_all_alive(xi1):
            raise ValueError("a ReLU excitation near the kink, or a unit never active")
    return {"x": x, "W1": W1, "b1": b1, "W2": rng.decimals(-2, 2, (K, N)), "b2": rng.decimals(-1, 1, K)}


def _smooth(f: Fraction) -> bool:
    """No prime but 2 and 3 in the numerator and the denominator."""
    def only_2_3(m):
        for p in (2, 3):
            while m % p == 0:
                m //= p
        return m == 1
    return only_2_3(abs(f.numerator)) and only_2_3(f.denominator)


@lru_cache(maxsize=4096)
def _relu_units(x_bytes, shape, w, top):
    """Every ReLU unit (W1 row, b1 entry) with small integers that suits the inputs x."""
    x = np.frombuffer(x_bytes, dtype=np.int64).reshape(shape).tolist()
    out = []
    for row in itertools.product(range(-w, w + 1), repeat=shape[1]):
        for b in (-1, 0, 1):
            if any(row) and _relu_unit_ok(_excitations(x, row, b), 1, 6, top):
                out.append((row, b))
    return tuple(out)


@lru_cache(maxsize=4096)
def _log_units(x_bytes, shape, hidden):
    """Every sigmoid/tanh unit (W1 row, b1 entry, base q) with ξ¹ = c ln q, q^|c| ≤ 4 (sigmoid) or
    ≤ 3 (tanh), and outputs h with a small common measure (1/s with s's numerator ≤ 6)."""
    x = np.frombuffer(x_bytes, dtype=np.int64).reshape(shape).tolist()
    out = []
    for row in itertools.product((-1, 0, 1), repeat=shape[1]):
        for b in (-1, 0, 1):
            c = _excitations(x, row, b)
            for q in (2, 3):
                if any(row) and _log_unit_ok(c, q, hidden):
                    out.append((row, b, q))
    return tuple(out)


def _excitations(rows, weights, b) -> tuple:
    """w·x_i + b for each row x_i, in Python ints (NumPy costs more than it saves on a handful)."""
    return tuple(sum(v * w for v, w in zip(row, weights)) + b for row in rows)


@lru_cache(maxsize=4096)
def _log_unit_ok(c: tuple, q, hidden) -> bool:
    """A sigmoid/tanh unit's ξ¹ = c ln q over the examples: q^|c| ≤ 4 (sigmoid) or ≤ 3 (tanh), and
    outputs h with a small common measure (remembered: the same c recur for many inputs x)."""
    if any(float(q) ** abs(v) > (4 if hidden == "sigmoid" else 3) for v in c):
        return False
    s = _inverse_gcd(tuple(mlp.hidden_activation(hidden)[0](np.array(c) * math.log(q)).tolist()))
    return s is not None and s.numerator <= 6


def _choose(rng, N, candidates):
    """N hidden units, each chosen uniformly among the candidates (distinct units)."""
    if len(candidates) < N:
        raise ValueError("too few hidden units suit these inputs")
    picks = [candidates[i] for i in rng.rng.choice(len(candidates), size=N, replace=False)]
    return [np.array(column) for column in zip(*picks)]


@lru_cache(maxsize=4096)
def _relu_unit_ok(xi: tuple, kink, biggest, top) -> bool:
    """A ReLU unit's ξ¹ over the examples: none within `kink` of 0 (exam: none 0), |ξ¹| ≤ biggest,
    ξ¹ ≤ top, and active (ξ¹ > 0) for some example, so it is used."""
    return min(map(abs, xi)) >= kink and max(map(abs, xi)) <= biggest and max(xi) <= top and max(xi) > 0


def _relu_all_alive(xi1) -> bool:
    """Every example has an active ReLU unit and every unit is active for some example (ξ¹ > 0)."""
    active = xi1 > 0
    return bool(np.all(np.any(active, axis=1)) and np.all(np.any(active, axis=0)))


@lru_cache(maxsize=4096)
def _inverse_gcd(column: tuple):
    """1/g for g the largest fraction whose integer multiples give every entry (None if all are 0)."""
    fractions = [Fraction(v).limit_denominator(1000) for v in column]
    nums = [abs(f.numerator) for f in fractions if f]
    if not nums:
        return None
    return Fraction(math.lcm(*(f.denominator for f in fractions)), math.gcd(*nums))


def _logs(q):
    """Exact ln q for integers q ≥ 2, or 1 where q is 1 (no log factor)."""
    out = np.empty(np.shape(q), dtype=object)
    for i, v in enumerate(np.ravel(q).tolist()):
        out.flat[i] = _log_factor(v)
    return out


@lru_cache(maxsize=16)
def _log_factor(q: int):
    return Exact(1) if q == 1 else ops.log(Exact(q))


def draw_targets(rng, output, n, K):
    """y (n × K): integers for a linear output, 0/1 for a sigmoid, one-hot rows for softmax."""
    if output == "linear":
        return rng.numbers(-2, 2, (n, K))
    if output == "sigmoid":
        return rng.ints(0, 1, (n, K))
    y = np.zeros((n, K), dtype=int)
    for i in range(n):
        y[i, rng.size(0, K - 1)] = 1
    return rng.array(y)


def draw_problem(rng, options):
    """hidden, output, loss, network and targets: one candidate for mlp-backprop or gradient-descent."""
    output, loss = choose_pair(rng, options.get("output"), options.get("loss"))
    hidden = options["hidden"]
    n, N, D, K = draw_sizes(rng, hidden, output, 1 if loss == "bce" and rng.exam else None)
    net = draw_network(rng, hidden, output, n, N, D, K)
    return {**net, "hidden": hidden, "output": output,
            "y": draw_targets(rng, output, n, K), "loss": loss}


# --- checks and solutions -----------------------------------------------------------------------
def check_network(p):
    """Semantic checks shared by the three problems (shapes are checked by problem.yaml)."""
    if p["output"] == "softmax" and np.shape(p["W2"])[0] < 2:
        raise ValueError("a softmax output needs K ≥ 2 outputs (W2 with at least 2 rows)")


def check(p):
    """Semantic checks of a backprop instance, user-given or drawn."""
    check_network(p)
    check_pair(p["output"], p["loss"])
    y = ops.to_float(p["y"])
    if p["loss"] == "bce" and (y.min() < 0 or y.max() > 1):
        raise ValueError("binary cross-entropy needs targets y between 0 and 1")
    if p["loss"] == "ce" and not (np.all((y == 0) | (y == 1)) and np.all(y.sum(axis=1) == 1)):
        raise ValueError("cross-entropy needs one-hot targets: each row of y has a single 1, the rest 0")
    if p["hidden"] == "relu":   # back-propagation needs g₁′(ξ¹): ReLU has none at its kink
        xi1 = ops.to_float(p["x"]) @ ops.to_float(p["W1"]).T + ops.to_float(p["b1"])
        if np.any(xi1 == 0):
            i, j = (int(k) for k in np.argwhere(xi1 == 0)[0])
            raise ValueError(f"ReLU has no derivative at ξ¹ = 0 (the kink): example {i + 1}, unit {j + 1} has "
                             "ξ¹ = 0; choose weights that keep ξ¹ ≠ 0")


def clear(s):
    """A useful exercise: the output is not already perfect, and some hidden unit gets a gradient."""
    if not (np.abs(ops.to_float(s["dL_dxi2"])).max() > 0.01 and np.abs(ops.to_float(s["dL_dxi1"])).max() > 0.01):
        raise ValueError("a network whose output is already right, or whose hidden units get no gradient")


def tidy_logs(a):
    """Exact entries that are sums of logs written as one log, ln q (so σ(ln q) = q/(1+q) is visible)."""
    if not ops.is_exact(a):
        return a
    out = np.empty(np.shape(a), dtype=object)
    for i, v in enumerate(np.ravel(a)):
        out.flat[i] = _tidy_log(v)
    return out


@lru_cache(maxsize=4096, typed=True)
def _tidy_log(v):
    """One entry of tidy_logs (remembered: the same few logs recur in network after network)."""
    if v.is_Rational:
        return v
    q = ops.exp(v)  # ops' exp and log: Exact's own (no SymPy) where the value is one
    return ops.log(q) if q.is_Rational else v


def tidy_loss(L, n):
    """A cross-entropy of fractions written as (1/n) ln q."""
    if not ops.is_exact(L) or L.is_Rational:
        return L
    q = ops.exp(n * L)
    return ops.log(q) / n if q.is_Rational else L


def forward(p):
    """The forward pass and what its worked solution shows."""
    s = mlp.forward(p["x"], p["W1"], p["b1"], p["W2"], p["b2"], p["hidden"], p["output"])
    s["xi1"], s["xi2"] = tidy_logs(s["xi1"]), tidy_logs(s["xi2"])
    if p["output"] == "softmax":
        s["exp_xi2"] = ops.exp(s["xi2"])
        s["sum_exp_xi2"] = s["exp_xi2"].sum(axis=1)
    return s


def gradients(p):
    """L, every gradient and the intermediate values the worked solution shows."""
    s = mlp.backprop(p["x"], p["W1"], p["b1"], p["W2"], p["b2"], p["y"],
                     p["hidden"], p["output"], p["loss"])
    s["xi1"], s["xi2"] = tidy_logs(s["xi1"]), tidy_logs(s["xi2"])
    s["L"] = tidy_loss(s["L"], len(s["yhat"]))
    y, yhat = ops.asarray(p["y"]), s["yhat"]
    if p["loss"] == "bce":    # the probability given to each target
        s["p_target"] = y * yhat + (1 - y) * (1 - yhat)
    if p["loss"] == "ce":
        s["p_target"] = (y * yhat).sum(axis=1)
    if (p["output"], p["loss"]) not in losses.CANONICAL:
        s["dL_dyhat"] = losses.dL_dyhat(p["loss"], p["y"], s["yhat"])
    return s


# --- wrong backward passes (mistakes of mlp-backprop and gradient-descent) ----------------------
def without_1_over_n(p, s):
    n = len(s["yhat"])
    if n == 1:
        return None
    dL_dxi2 = n * s["dL_dxi2"]
    return {"dL_dxi2": dL_dxi2, **mlp.backward(p["x"], s["h"], p["W2"], dL_dxi2, s["g1_prime"])}


def wrong_first_layer(p, s, g1_prime):
    """The first layer's gradients with a wrong g₁′ put in (∇_h L before it is the right one, so
    the second layer's are the right ones too)."""
    return mlp.first_layer_backward(p["x"], s["dL_dh"], g1_prime)


def without_g1_prime(p, s):
    return wrong_first_layer(p, s, ops.zero_like(s["h"]) + 1)


def g1_for_g1_prime(p, s):
    return wrong_first_layer(p, s, s["h"])


def other_derivative(p, s):
    h = s["h"]
    if p["hidden"] == "relu":
        return None
    return wrong_first_layer(p, s, (1 - h * h) if p["hidden"] == "sigmoid" else h * (1 - h))
