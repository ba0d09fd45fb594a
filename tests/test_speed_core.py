"""The sampling core's fast paths (issue 12) give what the plain way gives, value for value.

Each fast path is checked against the straightforward computation it replaced, over many random
draws: the convolution sums (in int64 for whole numbers, over blocks in GMP rationals for other
rationals) against the formulas entry by entry; exact() of flat lists against exact() of each entry; the bound
check's quick tests against hand_workable of every nested number; the LSTM design's rationals
against fractions.Fraction; the remembered σ and tanh against computing them afresh.
"""
from fractions import Fraction

import numpy as np
import sympy as sp

from examgen import sequence_draws
from examgen.engine import conv, ops
from examgen.engine.exact import Exact, Q, log
from examgen.sampling import MAX_NUMERATOR, bound_violation, exact

from helpers import formula_sum, plain_bound_violation
from helpers import same_entries as _same


def _random_array(rng, kind, shape):
    if kind == "float":   # decimals with zeros of both signs
        return np.round(rng.uniform(-2, 2, shape), 1) * np.where(rng.random(shape) < 0.2, 0, 1)
    a = exact(rng.integers(-3, 4, shape))   # whole numbers (the exam's: summed in int64)
    for idx in np.ndindex(*shape):
        if kind == "big" and rng.random() < 0.2:      # some past ops.WHOLE_BOUND: not in int64
            a[idx] = Exact(int(rng.choice([-1, 1])) * (ops.WHOLE_BOUND + int(rng.integers(0, 2))))
        elif kind == "fraction" and rng.random() < 0.3:
            a[idx] = Exact(Q(int(rng.integers(-5, 6)), int(rng.integers(2, 5))))
        elif kind == "log" and rng.random() < 0.3:   # k·ln 2 or k·ln 3 (products of two are SymPy's)
            a[idx] = a[idx] * log(int(rng.integers(2, 4)))
    return a


def test_convolution_block_sums_equal_the_formulas_entry_by_entry():
    rng = np.random.default_rng(12)
    for trial in range(125):
        kind = ("whole", "big", "fraction", "log", "float")[trial % 5]
        M, N, K1, K2, C, D = (int(n) for n in rng.integers(1, [5, 5, 4, 4, 3, 3]))
        h, w = _random_array(rng, kind, (M, N, C)), _random_array(rng, kind, (K1, K2, C, D))
        G = _random_array(rng, kind, (M + K1 - 1, N + K2 - 1, D))
        full = formula_sum((M + K1 - 1, N + K2 - 1, D), h, lambda m, n, d: [
            (w[i, j, c, d], h[m - i, n - j, c]) for i, j, c in np.ndindex(K1, K2, C) if 0 <= m - i < M and 0 <= n - j < N])
        dL_dh = formula_sum((M, N, C), G, lambda m, n, c: [
            (w[i, j, c, d], G[m + i, n + j, d]) for i, j, d in np.ndindex(K1, K2, D)])
        dL_dw = formula_sum((K1, K2, C, D), G, lambda i, j, c, d: [
            (G[a + i, b + j, d], h[a, b, c]) for a, b in np.ndindex(M, N)])
        assert _same(conv.conv2d_full(h, w), full), (trial, kind)
        assert _same(conv.input_gradient(w, G, M, N), dL_dh), (trial, kind)
        assert _same(conv.kernel_gradient(h, G, K1, K2), dL_dw), (trial, kind)


def test_rationals_and_back():
    a = exact([[1, "2/3"], [-4, 0]])
    assert _same(ops.exacts(ops.rationals(a)), a)
    assert ops.rationals(exact([1, 2]) * log(2)) is None and ops.rationals(np.ones(2)) is None


def test_exact_of_a_list_is_exact_of_each_entry():
    rng = np.random.default_rng(3)
    pool = [0, 5, -7, "3/4", "-2", Fraction(5, 6), Q(-1, 3), Exact(Q(7, 2)), log(2), sp.Rational(2, 9)]
    for _ in range(200):
        values = [pool[i] for i in rng.integers(len(pool), size=int(rng.integers(0, 6)))]
        want = [exact(v) for v in values]
        for got in (exact(values), exact(tuple(values)), exact(np.array(values + [None], dtype=object)[:-1])):
            assert got.shape == (len(values),) and all(type(x) is type(y) and x == y for x, y in zip(got, want))
    ints = rng.integers(-5, 6, (2, 3))
    assert _same(exact(ints), exact(ints.astype(object)))


def test_bound_violation_agrees_with_hand_workable_of_every_number():
    rng = np.random.default_rng(7)
    near = [MAX_NUMERATOR - 1, MAX_NUMERATOR, MAX_NUMERATOR + 1]
    pool = [Exact(Q(p, q)) for p in (-301, -300, 1, 299, 300, 301) for q in (1, 2, 299, 300, 301)]
    pool += [Exact(Q(1, 2)) * log(2), log(30) / 7, log(2) * log(3), sp.Rational(301, 2), sp.Rational(-1, 300),
             sp.Integer(300), sp.Integer(-301), sp.Symbol("h") * 1000, sp.sqrt(2),
             0.5, "text", True, None] + near + [-n for n in near]
    for _ in range(400):
        entries = [pool[i] for i in rng.integers(len(pool), size=int(rng.integers(1, 6)))]
        numbers = rng.integers(-305, 306, int(rng.integers(1, 4)))
        values = {"a": entries[0], "b": list(entries), "c": {"d": tuple(entries), "e": numbers},
                  "f": exact(rng.integers(-302, 303, 3)), "g": np.array([True, False]), "h": numbers.astype(float)}
        if rng.random() < 0.5:
            del values["h"]   # (a float is always a violation: leave the rest something to find)
        assert bound_violation(values) == plain_bound_violation(values)


def test_lstm_design_rationals_are_the_fractions():
    for q in (2, 3):
        for k in sequence_draws.GATE_K:
            want = Fraction(1) / (1 + Fraction(q) ** -k) if k else Fraction(1, 2)
            assert sequence_draws._sigma(q, k) == want
        for k in sequence_draws.CELL_K:
            e = Fraction(q) ** int(2 * Fraction(k))
            assert sequence_draws._tanh(q, k) == (e - 1) / (e + 1)


def test_remembered_sigmoid_and_tanh_are_computed_afresh_values():
    for v in [Exact(0), log(2), -log(3), log(2) / 2, Exact(Q(1, 3)), log(2) - log(3)]:
        assert ops.sigmoid(v) == ops._sigmoid_of(v) and ops.tanh(v) == ops._tanh_of(v)
    ops.sigmoid(Exact(Q(1, 2)))
    assert not isinstance(ops.sigmoid(sp.Rational(1, 2)), Exact)   # a SymPy input keeps SymPy's answer
