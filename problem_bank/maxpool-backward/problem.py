"""Back-prop through ReLU + max pooling: ∂L/∂h goes to the one input that held each window's max, if h > 0."""
import numpy as np

from examgen.cnn_draws import draw_xi
from examgen.engine import ops
from examgen.engine import pool as mp


def draw(rng, options):
    """ξ as in maxpool-forward (examgen.cnn_draws), ∂L/∂h nonzero integers in −3..3 or decimals."""
    p = draw_xi(rng, options["pool"])
    M, N, C = p["xi"].shape
    shape = (M // p["pool"], N // p["pool"], C)
    p["dL_dh"] = rng.ints(-3, 3, shape, nonzero=True) if rng.exam else rng.decimals(-2, 2, shape, nonzero=True)
    return p


def validate(p):
    M, N, C = p["xi"].shape
    mp.check_pool(M, N, p["pool"])
    want = (M // p["pool"], N // p["pool"], C)
    if tuple(p["dL_dh"].shape) != want:
        raise ValueError("dL_dh must have the shape of h, {}; got {}".format(
            " × ".join(map(str, want)), " × ".join(map(str, p["dL_dh"].shape))))
    mp.check_unique_maxima(p["xi"], p["pool"])


def solve(p):
    out = mp.maxpool_backward(p["xi"], p["pool"], p["dL_dh"])
    Mh, Nh, C = out["h"].shape
    out["windows"] = [{"m": m, "n": n, "c": c, "at": tuple(int(i) for i in out["argmax"][m, n, c]),
                       "xi_max": out["xi_max"][m, n, c], "h": out["h"][m, n, c],
                       "g": p["dL_dh"][m, n, c], "passes": bool(out["passes"][m, n, c])}
                      for c, m, n in ops.indices(C, Mh, Nh)]
    return out


def mistake_spread_over_window(p, s):
    return {"dL_dxi": mp.spread_backward(p["xi"], p["pool"], p["dL_dh"], s["passes"])}


def mistake_through_zero(p, s):
    everywhere = np.ones(s["h"].shape, dtype=bool)
    return {"dL_dxi": mp.route(p["dL_dh"], s["argmax"], everywhere, p["xi"].shape)}
