"""Max pooling after a ReLU: h[m,n,c] = max over each pool × pool window of ReLU(ξ)."""
import numpy as np

from examgen.cnn_draws import draw_xi
from examgen.engine import pool as mp


def draw(rng, options):
    """ξ with distinct, nonzero entries in every window; some windows all negative, some not
    (the layouts of examgen.cnn_draws: pool 2 or 3, one or two channels)."""
    return draw_xi(rng, options["pool"])


def validate(p):
    mp.check_pool(p["xi"].shape[0], p["xi"].shape[1], p["pool"])


def solve(p):
    out = mp.maxpool(p["xi"], p["pool"])
    out["windows"] = windows(p["xi"], p["pool"], out)
    return out


def windows(xi, pool, out):
    """One row per window, for the worked solution: where it is, its entries, max and h."""
    rows = []
    Mh, Nh, C = out["h"].shape
    for c, m, n in np.ndindex(C, Mh, Nh):
        rows.append({"m": m, "n": n, "c": c, "entries": list(mp.window(xi, pool, m, n, c).flat),
                     "relu_entries": list(mp.window(out["relu_xi"], pool, m, n, c).flat),
                     "at": tuple(int(i) for i in out["argmax"][m, n, c]),
                     "xi_max": out["xi_max"][m, n, c], "h": out["h"][m, n, c]})
    return rows


def mistake_no_relu(p, s):
    return {"h": s["xi_max"]}
