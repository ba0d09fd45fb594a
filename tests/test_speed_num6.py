"""The numeric problems' fast paths (issue 12) give what the plain way gives, value for value.

The convolutions of whole-number arrays summed in int64 by one einsum against the formulas entry
by entry (and GMP rationals and SymPy values still taking the block sums); ops.indices against
np.ndindex; pool.window_argmax against the plain walk over the block; conv2d-backward's refusal of
a kernel that is its own 180° rotation against the library's own rule, which refuses such a draw
after solving it.
"""
import numpy as np
import pytest

from examgen import bank
from examgen.engine import conv, ops, pool
from examgen.engine.exact import Exact, Q, log
from examgen.instance import rejection, solve
from examgen.sampling import Draw, exact


def _same(a, b) -> bool:
    """Entry for entry the same value, type and text (so 0.0 is not -0.0, nor ln 4 2 ln 2)."""
    return a.shape == b.shape and a.dtype == b.dtype and all(
        type(x) is type(y) and x == y and str(x) == str(y) for x, y in zip(a.flat, b.flat))


def _formula(shape, like, terms):
    """Σ a·b over each entry's terms, from 0, one entry at a time (the formulas as written)."""
    out = conv.zeros(shape, like)
    for idx in np.ndindex(*shape):
        total = conv.zero(like)
        for a, b in terms(*idx):
            total = total + a * b
        out[idx] = total
    return out


def _array(rng, kind, shape):
    """Whole numbers (small, or some past ops.WHOLE_BOUND), fractions, or logarithms among them."""
    a = exact(rng.integers(-3, 4, shape))
    for idx in np.ndindex(*shape):
        if kind == "big" and rng.random() < 0.2:
            a[idx] = Exact(int(rng.choice([-1, 1])) * (ops.WHOLE_BOUND + int(rng.integers(0, 2))))
        elif kind == "fraction" and rng.random() < 0.3:
            a[idx] = Exact(Q(int(rng.integers(-5, 6)), int(rng.integers(2, 5))))
        elif kind == "log" and rng.random() < 0.3:
            a[idx] = a[idx] * log(int(rng.integers(2, 4)))
    return a


@pytest.mark.parametrize("kind", ["whole", "big", "fraction", "log"])
def test_convolutions_of_exact_arrays_equal_the_formulas(kind):
    rng = np.random.default_rng(len(kind))
    for trial in range(8 if kind == "log" else 25):   # (SymPy multiplies the products of logarithms: slow)
        M, N, K1, K2, C, D = (int(n) for n in rng.integers(1, [5, 5, 4, 4, 3, 3]))
        h, w = _array(rng, kind, (M, N, C)), _array(rng, kind, (K1, K2, C, D))
        G = _array(rng, kind, (M + K1 - 1, N + K2 - 1, D))
        full = _formula((M + K1 - 1, N + K2 - 1, D), h, lambda m, n, d: [
            (w[i, j, c, d], h[m - i, n - j, c]) for i, j, c in np.ndindex(K1, K2, C) if 0 <= m - i < M and 0 <= n - j < N])
        dL_dh = _formula((M, N, C), G, lambda m, n, c: [
            (w[i, j, c, d], G[m + i, n + j, d]) for i, j, d in np.ndindex(K1, K2, D)])
        dL_dw = _formula((K1, K2, C, D), G, lambda i, j, c, d: [
            (G[a + i, b + j, d], h[a, b, c]) for a, b in np.ndindex(M, N)])
        assert _same(conv.conv2d_full(h, w), full), (kind, trial)
        assert _same(conv.input_gradient(w, G, M, N), dL_dh), (kind, trial)
        assert _same(conv.kernel_gradient(h, G, K1, K2), dL_dw), (kind, trial)


def test_integers_takes_only_whole_exacts_within_the_bound():
    a = exact([[1, -2], [0, ops.WHOLE_BOUND]])
    whole = ops.integers(a)
    assert whole.dtype == np.int64 and whole.tolist() == [[1, -2], [0, ops.WHOLE_BOUND]]
    assert _same(ops.exacts(whole), a)
    for other in (exact([1, ops.WHOLE_BOUND + 1]), exact([1, -ops.WHOLE_BOUND - 1]), exact([1, "1/2"]),
                  exact([1, 2]) * log(2), np.ones(2), np.array([1, 2], dtype=object), Exact(3)):
        assert ops.integers(other) is None


@pytest.mark.parametrize("shape", [(), (0,), (3,), (2, 0, 2), (2, 3, 1), (1, 2, 3, 2)])
def test_indices_are_ndindex(shape):
    got = list(ops.indices(*shape))
    assert got == list(np.ndindex(*shape)) and all(type(i) is int for idx in got for i in idx)


def test_window_argmax_is_the_first_largest_entry_row_by_row():
    def plain(block):
        best = (0, 0)
        for idx in np.ndindex(*block.shape):
            if bool(block[idx] > block[best]):
                best = idx
        return best

    rng = np.random.default_rng(5)
    for trial in range(300):
        shape = tuple(int(n) for n in rng.integers(1, 4, 2))
        values = rng.integers(-3, 3, shape)   # ties often
        blocks = [exact(values), values.astype(float)]
        if trial % 10 == 0:
            blocks[1].flat[0] = np.nan
        for block in blocks:
            got = pool.window_argmax(block)
            assert got == plain(block) and all(type(i) is int for i in got), (trial, block)


def test_a_kernel_that_is_its_own_half_turn_is_refused_by_the_rule_too():
    """Every such kernel the draw refuses, the library's rule refuses after solving: the
    convolution-in-backprop mistake then gives the right ∂L/∂h."""
    problem = bank.get("conv2d-backward")
    rng = np.random.default_rng(9)
    for trial in range(40):
        mode = ("valid", "full", "same")[trial % 3]
        M, N, K1, K2, C, D = (int(n) for n in rng.integers(1, [5, 5, 4, 4, 3, 3]))
        M, N = max(M, K1), max(N, K2)
        w = rng.integers(-2, 4, (K1, K2, C, D))
        w = w + w[::-1, ::-1]                                     # its own 180° rotation
        params = {"h": exact(rng.integers(-2, 4, (M, N, C))), "w": exact(w), "mode": mode}
        params["dL_dxi"] = exact(rng.integers(-2, 3, conv.output_shape((M, N, C), w.shape, mode)))
        why = rejection(solve(problem, params), exam=True)
        assert why == "the mistake convolution-in-backprop gives the right dL_dh", (trial, why)


def test_conv2d_backward_draws_refuse_exactly_the_half_turn_kernels():
    problem = bank.get("conv2d-backward")
    refused = kept = 0
    for seed in range(150):
        rng = Draw.for_instance("conv2d-backward", "exam", seed)
        try:
            p = problem.module.draw(rng, {"mode": ("valid", "full", "same")[seed % 3]})
        except ValueError as e:
            assert str(e).startswith("the mistake convolution-in-backprop gives the right dL_dh")
            refused += 1
            continue
        assert not (p["w"] == conv.flip(p["w"])).all()
        kept += 1
    assert refused and kept
