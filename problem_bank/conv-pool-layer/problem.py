"""One convolutional layer: ξ = w * h, p = max-pool of ReLU(ξ), and back-prop from ∂L/∂p.

Exam: small integer images and kernels in layouts worked by hand in a few minutes; every
pooling block's maximum is unique and nonzero (no tie for the max, no ReLU at exactly 0).
"""
import numpy as np

from examgen.cnn_draws import check_conv_fits, products
from examgen.engine import conv
from examgen.engine import pool as mp


def exam_layouts(mode, pool):
    """(M, N, K₁, K₂) whose ξ has sides divisible by `pool`, with 2–4 blocks and 8 to 32
    products w·h inside the image (a few minutes of hand work), single channel."""
    out = []
    for M, N, K1, K2 in np.ndindex(6, 6, 4, 4):
        if min(M, N) < 2 or min(K1, K2) < 1 or K1 * K2 == 1 or K1 > M or K2 > N:
            continue
        P, Q, _ = conv.output_shape((M, N, 1), (K1, K2, 1, 1), mode)
        if P < pool or Q < pool or P % pool or Q % pool or not 2 <= (P // pool) * (Q // pool) <= 4:
            continue
        if 8 <= products(M, N, K1, K2, mode) <= 32:
            out.append((M, N, K1, K2))
    return out


def draw(rng, options):
    mode, pool = options["mode"], options["pool"]
    if rng.exam:
        M, N, K1, K2 = rng.choice(exam_layouts(mode, pool))
        h, w = _exam_image_and_kernel(rng, M, N, K1, K2, mode, pool)
    else:
        C, D = rng.size(1, 2), rng.size(1, 2)
        K1, K2 = rng.size(1, 3), rng.size(2, 3)
        P, Q = pool * rng.size(1, 2), pool * rng.size(1, 2)
        M, N = {"valid": (P + K1 - 1, Q + K2 - 1), "same": (P, Q),
                "full": (max(P - K1 + 1, 1), max(Q - K2 + 1, 1))}[mode]
        h, w = rng.decimals(-2, 1, (M, N, C)), rng.decimals(-0.5, 1, (K1, K2, C, D))  # some dead blocks
    P, Q, D = conv.output_shape(h.shape, w.shape, mode)
    shape = (P // pool, Q // pool, D)
    dL_dp = rng.ints(-2, 2, shape, nonzero=True) if rng.exam else rng.decimals(-2, 2, shape, nonzero=True)
    return {"h": h, "w": w, "mode": mode, "pool": pool, "dL_dp": dL_dp}


def _exam_image_and_kernel(rng, M, N, K1, K2, mode, pool):
    """Integers in −2..2 (a nonzero kernel). Half the time one pooling block is made dead on
    purpose, so the ReLU matters: a positive kernel over an image that is negative wherever that
    block's ξ reads it gives a block of negative ξ (p = 0, no gradient through it)."""
    if rng.size(0, 1):
        return rng.ints(-2, 2, (M, N, 1)), rng.ints(-1, 2, (K1, K2, 1, 1), nonzero=True)
    P, Q, _ = conv.output_shape((M, N, 1), (K1, K2, 1, 1), mode)
    row0, col0 = conv.output_window(M, K1, mode)[0], conv.output_window(N, K2, mode)[0]
    bm, bn = rng.size(0, P // pool - 1), rng.size(0, Q // pool - 1)
    dead = np.zeros((M, N), dtype=bool)          # the pixels the chosen block's ξ reads
    for m, n, i, j in np.ndindex(pool, pool, K1, K2):
        a, b = bm * pool + m + row0 - i, bn * pool + n + col0 - j
        if 0 <= a < M and 0 <= b < N:
            dead[a, b] = True
    h = np.where(dead, rng.ints(-2, -1, (M, N)), rng.ints(-1, 2, (M, N)))
    return h.reshape(M, N, 1), rng.ints(1, 2, (K1, K2, 1, 1))


def validate(p):
    check_conv_fits(p["h"], p["w"], p["mode"])
    P, Q, D = conv.output_shape(p["h"].shape, p["w"].shape, p["mode"])
    mp.check_pool(P, Q, p["pool"])
    want = (P // p["pool"], Q // p["pool"], D)
    if tuple(p["dL_dp"].shape) != want:
        raise ValueError("dL_dp must have the shape of p, {}; got {}".format(
            " × ".join(map(str, want)), " × ".join(map(str, p["dL_dp"].shape))))
    mp.check_unique_maxima(conv.conv2d(p["h"], p["w"], p["mode"])["xi"], p["pool"])


def solve(p):
    h, w = p["h"], p["w"]
    out = mp.conv_pool_layer(h, w, p["mode"], p["pool"], p["dL_dp"])
    K1, K2 = w.shape[:2]
    # A worked entry of ξ: the first whose kernel lies wholly on the image side of the grid.
    m, n = K1 - 1 - out["row0"], K2 - 1 - out["col0"]
    if not (0 <= m < out["xi"].shape[0] and 0 <= n < out["xi"].shape[1]):
        m, n = 0, 0
    Pp, Qp, D = out["p"].shape
    out.update(example_m=m, example_n=n,
               example_terms=conv.conv2d_terms(h, w, m + out["row0"], n + out["col0"], 0),
               windows=[{"m": a, "n": b, "d": d, "at": tuple(int(i) for i in out["argmax"][a, b, d]),
                         "xi_max": out["xi_max"][a, b, d], "p": out["p"][a, b, d],
                         "g": p["dL_dp"][a, b, d], "passes": bool(out["passes"][a, b, d])}
                        for d, a, b in np.ndindex(D, Pp, Qp)])
    return out


def _backward_from(p, dL_dxi):
    """∂L/∂h and ∂L/∂w from a (possibly wrong) ∂L/∂ξ."""
    back = conv.conv2d_backward(p["h"], p["w"], dL_dxi, p["mode"])
    return {"dL_dxi": dL_dxi, "dL_dh": back["dL_dh"], "dL_dw": back["dL_dw"]}


def mistake_correlation(p, s):
    return {"xi": conv.correlate2d(p["h"], p["w"], p["mode"])}


def mistake_no_relu(p, s):
    if all(s["passes"].flat):
        return None  # every block has a positive maximum: the ReLU changes nothing
    return {"p": s["xi_max"]}


def mistake_spread_over_window(p, s):
    return _backward_from(p, mp.spread_backward(s["xi"], p["pool"], p["dL_dp"], s["passes"]))


def mistake_through_zero(p, s):
    if all(s["passes"].flat):
        return None  # no block with p = 0
    everywhere = np.ones(s["p"].shape, dtype=bool)
    return _backward_from(p, mp.route(p["dL_dp"], s["argmax"], everywhere, s["xi"].shape))


def mistake_convolution_in_backprop(p, s):
    return conv.correlation_backward(p["h"], p["w"], s["dL_dxi"], p["mode"])


# Error carried forward: p and ∂L/∂ξ from the student's own ξ (its blocks' maxima), then ∂L/∂h
# and ∂L/∂w from their own ∂L/∂ξ.
def carry_p(p, given):
    return mp.maxpool(given["xi"], p["pool"])["h"]


def carry_dL_dxi(p, given):
    return mp.maxpool_backward(given["xi"], p["pool"], p["dL_dp"])["dL_dxi"]


def carry_dL_dh(p, given):
    return conv.conv2d_backward(p["h"], p["w"], given["dL_dxi"], p["mode"])["dL_dh"]


def carry_dL_dw(p, given):
    return conv.conv2d_backward(p["h"], p["w"], given["dL_dxi"], p["mode"])["dL_dw"]
