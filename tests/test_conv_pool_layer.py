"""conv-pool-layer: ξ = w * h, p = max-pool of ReLU(ξ), back-prop from ∂L/∂p.

The engine's composition against scipy.signal (convolve2d/correlate2d) with a reshape-based
pooling, against central finite differences of the whole layer, and a hand-worked case; the
exam instances against their promises (small integers, no ties, every mistake visible).
"""
import numpy as np
import pytest
from scipy.signal import convolve2d, correlate2d

from examgen.bank import get
from examgen.engine import conv, pool
from examgen.sampling import exact

from numeric import assert_close, numeric_gradient

MODES = conv.MODES


def random_layer(rng, mode, factor):
    """A random float layer whose ξ has sides divisible by `factor`."""
    C, D = rng.integers(1, 3, size=2)
    K1, K2 = rng.integers(1, 4, size=2)
    P, Q = factor * rng.integers(1, 3, size=2)
    M, N = {"valid": (P + K1 - 1, Q + K2 - 1), "same": (P, Q), "full": (P - K1 + 1, Q - K2 + 1)}[mode]
    if M < 1 or N < 1:
        return None
    h, w = rng.normal(size=(M, N, C)), rng.normal(size=(K1, K2, C, D))
    return h, w, rng.normal(size=(P // factor, Q // factor, D))


def reference(h, w, mode, factor, dL_dp):
    """scipy convolutions and a reshape-based max pool, written independently of the engine."""
    (M, N, C), (K1, K2, _, D) = h.shape, w.shape
    xi = np.stack([sum(convolve2d(h[:, :, c], w[:, :, c, d], mode) for c in range(C)) for d in range(D)], -1)
    P, Q, _ = xi.shape
    blocks = np.maximum(xi, 0).reshape(P // factor, factor, Q // factor, factor, D)
    p = blocks.max(axis=(1, 3))
    # ∂L/∂ξ: to each block's argmax, where p > 0.
    dL_dxi = np.zeros_like(xi)
    for m, n, d in np.ndindex(*p.shape):
        block = xi[m * factor:(m + 1) * factor, n * factor:(n + 1) * factor, d]
        i, j = np.unravel_index(np.argmax(block), block.shape)
        if p[m, n, d] > 0:
            dL_dxi[m * factor + i, n * factor + j, d] = dL_dp[m, n, d]
    # Back-prop: G = ∂L/∂ξ in the full grid, then correlations with w and h.
    row0 = {"full": 0, "valid": K1 - 1, "same": (K1 - 1) // 2}[mode]
    col0 = {"full": 0, "valid": K2 - 1, "same": (K2 - 1) // 2}[mode]
    G = np.zeros((M + K1 - 1, N + K2 - 1, D))
    G[row0:row0 + P, col0:col0 + Q] = dL_dxi
    dL_dh = np.stack([sum(correlate2d(G[:, :, d], w[:, :, c, d], "valid") for d in range(D)) for c in range(C)], -1)
    dL_dw = np.stack([np.stack([correlate2d(G[:, :, d], h[:, :, c], "valid") for d in range(D)], -1)
                      for c in range(C)], 2)
    return {"xi": xi, "p": p, "dL_dxi": dL_dxi, "dL_dh": dL_dh, "dL_dw": dL_dw}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("factor", [2, 3])
def test_layer_matches_scipy_reference(mode, factor):
    rng = np.random.default_rng([MODES.index(mode), factor])
    tried = 0
    while tried < 25:
        layer = random_layer(rng, mode, factor)
        if layer is None:
            continue
        tried += 1
        h, w, dL_dp = layer
        got = pool.conv_pool_layer(h, w, mode, factor, dL_dp)
        want = reference(h, w, mode, factor, dL_dp)
        for k in want:
            assert got[k].shape == want[k].shape, k
            assert_close(got[k], want[k], 1e-12)


@pytest.mark.parametrize("mode", MODES)
def test_layer_gradients_match_finite_differences(mode):
    """L = Σ ∂L/∂p ⊙ p(h, w) is the layer's loss to first order: its numeric gradients in h
    and w are ∂L/∂h and ∂L/∂w (random floats: no ties, no ReLU kink within ε)."""
    rng = np.random.default_rng(7 + MODES.index(mode))
    for _ in range(10):
        layer = random_layer(rng, mode, 2)
        if layer is None:
            continue
        h, w, dL_dp = layer
        got = pool.conv_pool_layer(h, w, mode, 2, dL_dp)
        L_of_h = lambda hh: float((pool.conv_pool_layer(hh, w, mode, 2, dL_dp)["p"] * dL_dp).sum())  # noqa: E731
        L_of_w = lambda ww: float((pool.conv_pool_layer(h, ww, mode, 2, dL_dp)["p"] * dL_dp).sum())  # noqa: E731
        L_of_xi = lambda xx: float((pool.maxpool(xx, 2)["h"] * dL_dp).sum())  # noqa: E731
        assert_close(got["dL_dh"], numeric_gradient(L_of_h, h), 1e-6)
        assert_close(got["dL_dw"], numeric_gradient(L_of_w, w), 1e-6)
        assert_close(got["dL_dxi"], numeric_gradient(L_of_xi, got["xi"]), 1e-6)


def test_layer_by_hand():
    """h 3×3, w 2×2, valid: ξ = [[4, −1], [−3, 0]], p = 4; ∂L/∂p = 3 goes to ξ[0,0] only,
    then ∂L/∂h[a,b] = 3 w[1−a, 1−b] and ∂L/∂w[i,j] = 3 h[1−i, 1−j] (worked on paper)."""
    h = exact([[1, 0, 2], [-1, 1, 0], [2, 1, -1]]).reshape(3, 3, 1)
    w = exact([[1, -1], [0, 2]]).reshape(2, 2, 1, 1)
    s = pool.conv_pool_layer(h, w, "valid", 2, exact([[[3]]]))
    assert s["xi"][:, :, 0].tolist() == [[4, -1], [-3, 0]]
    assert s["p"].tolist() == [[[4]]]
    assert s["dL_dxi"][:, :, 0].tolist() == [[3, 0], [0, 0]]
    assert s["dL_dh"][:, :, 0].tolist() == [[6, 0, 0], [-3, 3, 0], [0, 0, 0]]
    assert s["dL_dw"][:, :, 0, 0].tolist() == [[3, -3], [0, 3]]
    assert all(v.is_Integer for v in s["dL_dw"].flat)


def test_mistakes_by_hand():
    """The same layer widened by a block whose entries are all negative (worked on paper:
    ξ = h[m+1,n+1] − h[m+1,n] + 2h[m,n] in valid mode): its gradient 5 stops at the ReLU; the
    through-zero mistake routes it to the block's max anyway, spread fills the live block, and
    no-relu keeps the negative maximum −1."""
    problem = get("conv-pool-layer")
    inst = problem.from_params({
        "h": np.array([[1, 0, 2, -2, 1], [-1, 1, 0, -5, -5], [2, 1, -1, -3, 2]]).reshape(3, 5, 1).tolist(),
        "w": [[[[1]], [[-1]]], [[[0]], [[2]]]], "mode": "valid", "pool": 2, "dL_dp": [[[3], [5]]]})
    m = problem.module
    assert inst.values["xi"][:, :, 0].tolist() == [[4, -1, -1, -4], [-3, 0, -2, -5]]
    assert inst.values["p"][:, :, 0].tolist() == [[4, 0]]
    assert inst.values["dL_dxi"][:, :, 0].tolist() == [[3, 0, 0, 0], [0, 0, 0, 0]]
    through = m.mistake_through_zero(inst.params, inst.values)["dL_dxi"][:, :, 0]
    assert through.tolist() == [[3, 0, 5, 0], [0, 0, 0, 0]]
    spread = m.mistake_spread_over_window(inst.params, inst.values)["dL_dxi"][:, :, 0]
    assert spread.tolist() == [[3, 3, 0, 0], [3, 3, 0, 0]]
    assert m.mistake_no_relu(inst.params, inst.values)["p"][:, :, 0].tolist() == [[4, -1]]


def test_cli_rejects_a_tied_block():
    from examgen.errors import ExamgenError

    with pytest.raises(ExamgenError, match="tied maximum"):
        get("conv-pool-layer").from_params({"h": [[[1], [1]], [[1], [1]]], "w": [[[[1]]]], "mode": "same",
                                            "pool": 2, "dL_dp": [[[1]]]})


def test_exam_instances_keep_their_promises():
    problem = get("conv-pool-layer")
    for seed in range(100):
        inst = problem.sample(seed, "exam")
        h, w, xi = inst.params["h"], inst.params["w"], inst.values["xi"]
        assert all(v.is_Integer and abs(v) <= 2 for v in list(h.flat) + list(w.flat))
        k = inst.params["pool"]
        for m, n, d in np.ndindex(*inst.values["p"].shape):
            block = list(pool.window(xi, k, m, n, d).flat)
            assert max(block) != 0 and (max(block) < 0 or block.count(max(block)) == 1), (seed, block)
        assert any(inst.values["passes"].flat), seed  # some gradient flows back
