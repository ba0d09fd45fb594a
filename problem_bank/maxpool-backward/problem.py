"""Back-prop through ReLU + max pooling: ∂L/∂h goes to the one input that held each window's max, if h > 0."""
import numpy as np

from examgen.bank import get
from examgen.compare import all_close
from examgen.engine import pool as mp


def sample(draw, options):
    # ξ as in maxpool-forward: distinct nonzero entries per window, some windows all negative.
    draw_xi = get("maxpool-forward").module.draw_xi
    while True:
        p = draw_xi(draw, options.get("pool"))
        M, N, C = p["xi"].shape
        shape = (M // p["pool"], N // p["pool"], C)
        p["dL_dh"] = draw.ints(-3, 3, shape, nonzero=True) if draw.exam else \
            draw.decimals(-2, 2, shape, nonzero=True)
        s = solve(p)
        wrong = [mistake_spread_over_window(p, s), mistake_through_zero(p, s)]
        if all(not all_close(w["dL_dxi"], s["dL_dxi"], 0.01, 0.005) for w in wrong):
            return p


def validate(p):
    M, N, C = p["xi"].shape
    mp.check_pool(M, N, p["pool"])
    want = (M // p["pool"], N // p["pool"], C)
    if tuple(p["dL_dh"].shape) != want:
        raise ValueError("dL_dh must have the shape of h, {}; got {}".format(
            " × ".join(map(str, want)), " × ".join(map(str, p["dL_dh"].shape))))


def solve(p):
    out = mp.maxpool_backward(p["xi"], p["pool"], p["dL_dh"])
    Mh, Nh, C = out["h"].shape
    out["windows"] = [{"m": m, "n": n, "c": c, "at": tuple(int(i) for i in out["argmax"][m, n, c]),
                       "xi_max": out["xi_max"][m, n, c], "h": out["h"][m, n, c],
                       "g": p["dL_dh"][m, n, c], "passes": bool(out["passes"][m, n, c]),
                       "tied": sum(bool(v == out["xi_max"][m, n, c])
                                   for v in mp.window(p["xi"], p["pool"], m, n, c).flat) > 1}
                      for c, m, n in np.ndindex(C, Mh, Nh)]
    return out


def mistake_spread_over_window(p, s):
    return {"dL_dxi": mp.spread_backward(p["xi"], p["pool"], p["dL_dh"], s["passes"])}


def mistake_through_zero(p, s):
    everywhere = np.ones(s["h"].shape, dtype=bool)
    return {"dL_dxi": mp.route(p["dL_dh"], s["argmax"], everywhere, p["xi"].shape)}
