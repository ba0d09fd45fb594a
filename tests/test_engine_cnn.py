"""CNN engine (examgen.engine.conv, examgen.engine.pool) and the four CNN problems.

Forward convolution against scipy.signal.convolve2d, gradients against central finite
differences, pooling against a reshape-based reference, hand-worked cases with literal
values, and `examgen solve` through the installed CLI.
"""
import json
import subprocess

import numpy as np
import pytest
import sympy as sp
from scipy.signal import convolve2d

from examgen.bank import get
from examgen.engine import conv, pool
from examgen.sampling import exact

from numeric import rel_err

R = sp.Rational
N_RANDOM = 50




def random_layer(rng, mode, max_size=5):
    """A random image and kernel (non-square sizes, 1–3 channels each way)."""
    C, D = rng.integers(1, 4, size=2)
    K1, K2 = rng.integers(1, 4, size=2)
    lo1, lo2 = (K1, K2) if mode == "valid" else (1, 1)
    M, N = rng.integers(lo1, max_size + 1), rng.integers(lo2, max_size + 1)
    return rng.normal(size=(M, N, C)), rng.normal(size=(K1, K2, C, D))


def scipy_conv(h, w, mode):
    """Reference: ξ[:,:,d] = Σ_c convolve2d(h[:,:,c], w[:,:,c,d], mode)."""
    C, D = w.shape[2:]
    return np.stack([sum(convolve2d(h[:, :, c], w[:, :, c, d], mode) for c in range(C))
                     for d in range(D)], axis=-1)


# --- convolution forward -------------------------------------------------------------------
@pytest.mark.parametrize("mode", conv.MODES)
def test_conv_forward_matches_scipy(mode):
    rng = np.random.default_rng(["valid", "full", "same"].index(mode))
    for _ in range(N_RANDOM):
        h, w = random_layer(rng, mode)
        xi = conv.conv2d(h, w, mode)["xi"]
        ref = scipy_conv(h, w, mode)
        assert xi.shape == ref.shape == conv.output_shape(h.shape, w.shape, mode)
        assert rel_err(xi, ref) <= 1e-12


@pytest.mark.parametrize("mode", conv.MODES)
def test_correlation_mistake_is_scipy_correlate(mode):
    from scipy.signal import correlate2d

    rng = np.random.default_rng(10)
    for _ in range(20):
        h, w = random_layer(rng, mode)
        h, w = h[:, :, :1], w[:, :, :1, :1]
        ref = correlate2d(h[:, :, 0], w[:, :, 0, 0], mode)
        if mode == "same":   # correlate2d centres 'same' by its own rule; compare to the full cut instead
            K1, K2 = w.shape[:2]
            full = correlate2d(h[:, :, 0], w[:, :, 0, 0], "full")
            ref = full[(K1 - 1) // 2:(K1 - 1) // 2 + h.shape[0], (K2 - 1) // 2:(K2 - 1) // 2 + h.shape[1]]
        assert rel_err(conv.correlate2d(h, w, mode)[:, :, 0], ref) <= 1e-12


def test_conv_valid_3x3_by_2x2_by_hand():
    h = exact([[1, 2, 0], [0, 1, 3], [2, 1, 1]]).reshape(3, 3, 1)
    w = exact([[1, 2], [-1, 0]]).reshape(2, 2, 1, 1)
    # Flipped kernel [[0, -1], [2, 1]] slid over h: e.g. ξ[0,0] = 0·1 − 1·2 + 2·0 + 1·1 = −1.
    out = conv.conv2d(h, w, "valid")
    assert out["xi"][:, :, 0].tolist() == [[-1, 5], [4, 0]]
    assert out["xi"].dtype == object and all(v.is_Integer for v in out["xi"].flat)
    assert (out["row0"], out["col0"]) == (1, 1)
    # Without the flip (correlation): ξ′[0,0] = 1·1 + 2·2 − 1·0 + 0·1 = 5.
    assert conv.correlate2d(h, w, "valid")[:, :, 0].tolist() == [[5, 1], [0, 6]]


def test_conv_same_mode_offset_by_hand():
    """A 3×3 kernel with a single 1 shifts the image; 'same' keeps rows/columns 1..3 of the full result."""
    h = exact(np.arange(1, 10).reshape(3, 3, 1))          # [[1,2,3],[4,5,6],[7,8,9]]
    w = exact(np.zeros((3, 3, 1, 1), dtype=int))
    w[0, 0, 0, 0] = sp.Integer(1)                          # ξ_full[m,n] = h[m, n]
    assert conv.conv2d(h, w, "same")["xi"][:, :, 0].tolist() == [[5, 6, 0], [8, 9, 0], [0, 0, 0]]
    w = exact(np.zeros((3, 3, 1, 1), dtype=int))
    w[2, 2, 0, 0] = sp.Integer(1)                          # ξ_full[m,n] = h[m−2, n−2]
    assert conv.conv2d(h, w, "same")["xi"][:, :, 0].tolist() == [[0, 0, 0], [0, 1, 2], [0, 4, 5]]
    # A 2×2 kernel: 'same' starts at row (2−1)//2 = 0 of the full result.
    w2 = exact([[0, 0], [0, 1]]).reshape(2, 2, 1, 1)       # ξ_full[m,n] = h[m−1, n−1]
    assert conv.conv2d(h, w2, "same")["xi"][:, :, 0].tolist() == [[0, 0, 0], [0, 1, 2], [0, 4, 5]]


def test_conv_channels_by_hand_exact_fractions():
    """1×1 kernel, two input and two output channels: ξ[:,:,d] = Σ_c w[0,0,c,d] h[:,:,c]."""
    h = np.empty((1, 2, 2), dtype=object)
    h[0, :, 0] = [R(1, 2), sp.Integer(1)]
    h[0, :, 1] = [sp.Integer(2), R(-1, 4)]
    w = np.empty((1, 1, 2, 2), dtype=object)
    w[0, 0] = [[R(1, 2), sp.Integer(1)], [sp.Integer(3), sp.Integer(0)]]   # w[0,0,c,d]
    xi = conv.conv2d(h, w, "full")["xi"]
    assert xi[0, :, 0].tolist() == [R(1, 4) + 6, R(1, 2) - R(3, 4)]          # [25/4, −1/4]
    assert xi[0, :, 1].tolist() == [R(1, 2), sp.Integer(1)]
    assert xi[0, 0, 0] == R(25, 4) and xi[0, 1, 0].is_Rational


# --- convolution backward --------------------------------------------------------------------
def numeric_gradients(h, w, dL_dxi, mode, eps=1e-6):
    """Central differences of L = Σ dL_dxi ⊙ ξ(h, w), with ξ from the scipy reference."""
    def L(h_, w_):
        return float(np.sum(dL_dxi * scipy_conv(h_, w_, mode)))

    def grad(x, f):
        g = np.zeros_like(x)
        for idx in np.ndindex(*x.shape):
            up, down = x.copy(), x.copy()
            up[idx] += eps
            down[idx] -= eps
            g[idx] = (f(up) - f(down)) / (2 * eps)
        return g

    return grad(h, lambda x: L(x, w)), grad(w, lambda x: L(h, x))


@pytest.mark.parametrize("mode", conv.MODES)
def test_conv_backward_matches_finite_differences(mode):
    rng = np.random.default_rng(20 + ["valid", "full", "same"].index(mode))
    for _ in range(N_RANDOM):
        h, w = random_layer(rng, mode, max_size=4)
        dL_dxi = rng.normal(size=conv.output_shape(h.shape, w.shape, mode))
        out = conv.conv2d_backward(h, w, dL_dxi, mode)
        num_h, num_w = numeric_gradients(h, w, dL_dxi, mode)
        assert out["dL_dh"].shape == h.shape and out["dL_dw"].shape == w.shape
        assert rel_err(out["dL_dh"], num_h) <= 1e-6
        assert rel_err(out["dL_dw"], num_w) <= 1e-6


def test_conv_backward_valid_by_hand():
    h = exact([[1, 2, 0], [0, 1, 3], [2, 1, 1]]).reshape(3, 3, 1)
    w = exact([[1, 2], [-1, 0]]).reshape(2, 2, 1, 1)
    dL_dxi = exact([[1, 0], [0, -1]]).reshape(2, 2, 1)
    # L = ξ[0,0] − ξ[1,1]: ∂L/∂h is the flipped kernel [[0,−1],[2,1]] at (0,0) minus it at (1,1);
    # ∂L/∂w[m′,n′] = h[1−m′, 1−n′] − h[2−m′, 2−n′].
    out = conv.conv2d_backward(h, w, dL_dxi, "valid")
    assert out["G"][:, :, 0].tolist() == [[0, 0, 0, 0], [0, 1, 0, 0], [0, 0, -1, 0], [0, 0, 0, 0]]
    assert out["dL_dh"][:, :, 0].tolist() == [[0, -1, 0], [2, 1, 1], [0, -2, -1]]
    assert out["dL_dw"][:, :, 0, 0].tolist() == [[0, -1], [-1, 0]]
    assert all(v.is_Integer for v in out["dL_dh"].flat)


def test_conv_backward_full_by_hand_and_the_flipped_mistake():
    """h = [[1, 2]], w = [[3, 5]] (1×2), full: ξ = [3, 11, 10]; ∂L/∂ξ = [1, 1/2, 0]."""
    h = exact([[1, 2]]).reshape(1, 2, 1)
    w = exact([[3, 5]]).reshape(1, 2, 1, 1)
    assert conv.conv2d(h, w, "full")["xi"][0, :, 0].tolist() == [3, 11, 10]
    dL_dxi = exact([[1, "1/2", 0]]).reshape(1, 3, 1)
    out = conv.conv2d_backward(h, w, dL_dxi, "full")
    # ∂L/∂h[0] = w[0]·1 + w[1]·(1/2) = 11/2; ∂L/∂h[1] = w[0]·(1/2) + w[1]·0 = 3/2
    assert out["dL_dh"][0, :, 0].tolist() == [R(11, 2), R(3, 2)]
    # ∂L/∂w[0] = 1·h[0] + (1/2)·h[1] = 2; ∂L/∂w[1] = (1/2)·h[0] + 0·h[1] = 1/2
    assert out["dL_dw"][0, :, 0, 0].tolist() == [2, R(1, 2)]
    wrong = conv.correlation_backward(h, w, dL_dxi, "full")
    assert wrong["dL_dh"][0, :, 0].tolist() == [R(13, 2), R(5, 2)]   # kernel flipped: [5, 3]
    assert wrong["dL_dw"][0, :, 0, 0].tolist() == [R(1, 2), 2]        # rotated by 180°


# --- max pooling ---------------------------------------------------------------------------
def reference_maxpool(xi, p):
    """Reshape-based reference: max over each p × p block of ReLU(ξ)."""
    M, N, C = xi.shape
    return np.maximum(xi, 0).reshape(M // p, p, N // p, p, C).max(axis=(1, 3))


def random_pool_input(rng):
    """ξ with no ties and no entry near 0 (so finite differences stay on one branch)."""
    p = int(rng.integers(1, 4))
    M, N, C = p * rng.integers(1, 4), p * rng.integers(1, 4), int(rng.integers(1, 4))
    values = rng.permutation(np.arange(1, M * N * C + 1)) * 0.1 * rng.choice([-1, 1], size=M * N * C)
    values = values + rng.uniform(-0.03, 0.03, size=values.shape)     # |ξ| ≥ 0.07, entries ≥ 0.04 apart
    return values.reshape(M, N, C), p


def test_maxpool_forward_matches_reference():
    rng = np.random.default_rng(30)
    for _ in range(N_RANDOM):
        xi, p = random_pool_input(rng)
        out = pool.maxpool(xi, p)
        assert np.array_equal(out["h"], reference_maxpool(xi, p))
        for m, n, c in np.ndindex(*out["h"].shape):
            r, s = out["argmax"][m, n, c]
            assert xi[r, s, c] == pool.window(xi, p, m, n, c).max()


def test_maxpool_backward_matches_finite_differences():
    rng = np.random.default_rng(31)
    eps = 1e-6
    for _ in range(N_RANDOM):
        xi, p = random_pool_input(rng)
        dL_dh = rng.normal(size=reference_maxpool(xi, p).shape)
        got = pool.maxpool_backward(xi, p, dL_dh)["dL_dxi"]
        num = np.zeros_like(xi)
        for idx in np.ndindex(*xi.shape):
            up, down = xi.copy(), xi.copy()
            up[idx] += eps
            down[idx] -= eps
            num[idx] = np.sum(dL_dh * (reference_maxpool(up, p) - reference_maxpool(down, p))) / (2 * eps)
        assert rel_err(got, num) <= 1e-6


XI_HAND = [[1, -2, -3, -1],
           [4, 2, -5, -2],
           [-1, 3, 2, 5],
           [6, -4, 7, -3]]


def test_maxpool_by_hand_with_an_all_negative_window():
    xi = exact(XI_HAND).reshape(4, 4, 1)
    out = pool.maxpool(xi, 2)
    assert out["h"][:, :, 0].tolist() == [[4, 0], [6, 7]]            # block (0,1) is all negative
    assert out["xi_max"][0, 1, 0] == -1
    dL_dh = exact([[1, "1/2"], [-1, 3]]).reshape(2, 2, 1)
    back = pool.maxpool_backward(xi, 2, dL_dh)
    assert back["dL_dxi"][:, :, 0].tolist() == [[0, 0, 0, 0],
                                                [1, 0, 0, 0],
                                                [0, 0, 0, 0],
                                                [-1, 0, 3, 0]]
    assert all(v.is_Integer for v in back["dL_dxi"].flat)


def test_maxpool_mistakes_by_hand():
    p = get("maxpool-backward")
    params = {"xi": exact(XI_HAND).reshape(4, 4, 1), "pool": 2,
              "dL_dh": exact([[1, "1/2"], [-1, 3]]).reshape(2, 2, 1)}
    s = p.module.solve(params)
    through = p.module.mistake_through_zero(params, s)["dL_dxi"][:, :, 0]
    assert through.tolist() == [[0, 0, 0, R(1, 2)], [1, 0, 0, 0], [0, 0, 0, 0], [-1, 0, 3, 0]]
    spread = p.module.mistake_spread_over_window(params, s)["dL_dxi"][:, :, 0]
    assert spread.tolist() == [[1, 1, 0, 0], [1, 1, 0, 0], [-1, -1, 3, 3], [-1, -1, 3, 3]]
    fwd = get("maxpool-forward")
    sf = fwd.module.solve({"xi": params["xi"], "pool": 2})
    assert fwd.module.mistake_no_relu({"xi": params["xi"], "pool": 2}, sf)["h"][:, :, 0].tolist() == [[4, -1], [6, 7]]


def test_maxpool_6x6_pool_3_by_hand():
    xi = exact(np.arange(1, 37).reshape(6, 6, 1) * np.where(np.arange(36).reshape(6, 6, 1) % 7 == 0, 1, -1))
    # Blocks of 3×3; the positive entries are 1, 8, 15, 22, 29, 36 (on the diagonal).
    assert pool.maxpool(xi, 3)["h"][:, :, 0].tolist() == [[15, 0], [0, 36]]


def test_pool_must_divide_the_size():
    with pytest.raises(ValueError, match="divide"):
        pool.maxpool(np.zeros((4, 6, 1)) + 1.0, 4)


# --- the exam samplers -------------------------------------------------------------------------
def test_maxpool_exam_instances_have_no_ties_and_an_all_negative_window():
    for pid in ("maxpool-forward", "maxpool-backward"):
        for seed in range(60):
            inst = get(pid).sample(seed, "exam")
            xi, p = inst.params["xi"], inst.params["pool"]
            windows = [list(pool.window(xi, p, m, n, c).flat)
                       for m, n, c in np.ndindex(xi.shape[0] // p, xi.shape[1] // p, xi.shape[2])]
            assert all(len(set(w)) == len(w) and 0 not in w for w in windows)
            assert any(max(w) < 0 for w in windows) and any(max(w) > 0 for w in windows)


@pytest.mark.parametrize("pid", ["conv2d-forward", "conv2d-backward"])
def test_conv_exam_instances_are_small_integers(pid):
    shapes = set()
    for seed in range(60):
        inst = get(pid).sample(seed, "exam")
        h, w = inst.params["h"], inst.params["w"]
        assert 3 <= h.shape[0] <= 4 and 3 <= h.shape[1] <= 4 and w.shape[0] * w.shape[1] > 1
        assert h.shape[2] * w.shape[3] <= 2
        assert all(v.is_Integer and -2 <= v <= 3 for v in list(h.flat) + list(w.flat))
        shapes.add(w.shape[:2])
    assert any(K1 != K2 for K1, K2 in shapes), shapes      # non-square kernels too
    assert len(shapes) >= 5, shapes


@pytest.mark.parametrize("pool_factor", [2, 3])
def test_maxpool_exam_layouts_are_varied(pool_factor):
    layouts = {get("maxpool-backward").sample(seed, "exam", {"pool": pool_factor}).params["xi"].shape
               for seed in range(100)}
    assert len(layouts) >= 3, layouts
    layouts = {get("maxpool-forward").sample(seed, "exam").params["xi"].shape for seed in range(100)}
    assert len(layouts) > 3, layouts


def test_same_alignment_mistake_is_scipy_convolve_same():
    """The slip convolve2d(∂L/∂ξ, w, 'same'), summed over output channels d."""
    rng = np.random.default_rng(3)
    for _ in range(20):
        h, w = random_layer(rng, "same")
        dL_dxi = rng.normal(size=conv.output_shape(h.shape, w.shape, "same"))
        C, D = w.shape[2:]
        want = np.stack([sum(convolve2d(dL_dxi[:, :, d], w[:, :, c, d], "same") for d in range(D))
                         for c in range(C)], axis=-1)
        assert rel_err(conv.same_alignment_backward(w, dL_dxi), want) <= 1e-12
        right = conv.conv2d_backward(h, w, dL_dxi, "same")["dL_dh"]
        if min(w.shape[:2]) > 1 and min(h.shape[:2]) > 1:   # (thin kernels or images can hide the flip)
            assert rel_err(right, want) > 1e-3      # a different answer, not the same one written twice


# --- the CLI -------------------------------------------------------------------------------
def cli_solve(pid, params):
    run = subprocess.run(["examgen", "solve", pid, "--params", "-", "--json"], input=json.dumps(params),
                         capture_output=True, text=True)
    return run


def test_cli_solves_conv_forward_and_backward():
    h = [[[1], [2], [0]], [[0], [1], [3]], [[2], [1], [1]]]
    w = [[[[1]], [[2]]], [[[-1]], [[0]]]]
    run = cli_solve("conv2d-forward", {"h": h, "w": w, "mode": "valid"})
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["answers"]["xi"] == [[[-1], [5]], [[4], [0]]]
    run = cli_solve("conv2d-backward", {"h": h, "w": w, "mode": "valid", "dL_dxi": [[[1], [0]], [[0], [-1]]]})
    assert run.returncode == 0, run.stderr
    answers = json.loads(run.stdout)["answers"]
    assert answers["dL_dh"] == [[[0], [-1], [0]], [[2], [1], [1]], [[0], [-2], [-1]]]
    assert answers["dL_dw"] == [[[[0]], [[-1]]], [[[-1]], [[0]]]]


def test_cli_solves_maxpool_forward_and_backward():
    xi = np.array(XI_HAND).reshape(4, 4, 1).tolist()
    run = cli_solve("maxpool-forward", {"xi": xi, "pool": 2})
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["answers"]["h"] == [[[4], [0]], [[6], [7]]]
    run = cli_solve("maxpool-backward", {"xi": xi, "pool": 2, "dL_dh": [[[1], [2]], [[-1], [3]]]})
    assert run.returncode == 0, run.stderr
    got = np.array(json.loads(run.stdout)["answers"]["dL_dxi"])[:, :, 0]
    assert got.tolist() == [[0, 0, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0], [-1, 0, 3, 0]]


@pytest.mark.parametrize("pid, params, message", [
    ("maxpool-forward", {"xi": [[[1], [2], [3]]] * 3, "pool": 2}, "must divide"),
    ("maxpool-backward", {"xi": [[[1], [-2]], [[3], [4]]], "pool": 2, "dL_dh": [[[1], [1]]]}, "shape of h"),
    ("conv2d-backward", {"h": [[[1], [2]], [[3], [4]]], "w": [[[[1]]]], "mode": "valid",
                         "dL_dxi": [[[1]]]}, "shape of xi"),
    ("conv2d-forward", {"h": [[[1], [2]], [[3], [4]]], "w": [[[[1]], [[1]], [[1]]]], "mode": "valid"},
     "does not fit"),
])
def test_cli_rejects_bad_parameters(pid, params, message):
    run = cli_solve(pid, params)
    assert run.returncode != 0 and message in run.stderr
