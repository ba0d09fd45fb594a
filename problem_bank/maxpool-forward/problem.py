"""Max pooling after a ReLU: h[m,n,c] = max over each pool × pool window of ReLU(ξ)."""
import numpy as np

from examgen.compare import all_close
from examgen.engine import pool as mp
from examgen.sampling import exact


def sample(draw, options):
    while True:
        p = draw_xi(draw, options.get("pool"))
        s = solve(p)
        if not all_close(mistake_no_relu(p, s)["h"], s["h"], 0.01, 0.005):
            return p


def draw_xi(draw, pool=None):
    """ξ with distinct, nonzero entries in every window; some windows all negative, some not.

    Exam: 4×4 with pool 2 (sometimes two channels, or 6×6 with pool 3), integers.
    Drill: (2–3)·pool × (2–3)·pool × (1–2) decimals, pool 2 or 3.
    """
    if draw.exam:
        if pool is None:
            pool, C = draw.choice([(2, 1), (2, 1), (2, 1), (2, 2), (3, 1)])
        else:
            C = 1
        shape = (2, 2, C)                                 # windows down, across, channels
    else:
        pool = pool or draw.choice([2, 3])
        shape = (draw.size(2, 3), draw.size(2, 3), draw.size(1, 2))
    while True:
        negative = draw.rng.random(shape) < 1 / 3     # which windows are all negative
        if negative.any() and not negative.all():
            break
    xi = np.empty((shape[0] * pool, shape[1] * pool, shape[2]), dtype=object if draw.exam else float)
    for m, n, c in np.ndindex(*shape):
        xi[m * pool:(m + 1) * pool, n * pool:(n + 1) * pool, c] = draw_window(draw, pool, negative[m, n, c])
    return {"xi": xi, "pool": pool}


def draw_window(draw, pool, all_negative):
    """pool × pool distinct nonzero numbers: all negative, or with at least one positive."""
    k = pool * pool
    while True:
        if draw.exam:
            r = 5 if pool == 2 else 3 * pool              # enough distinct integers for a window
            values = np.array(range(-r, 0)) if all_negative else np.array([v for v in range(-r, r + 1) if v])
            block = exact(values[draw.permutation(len(values))[:k]].reshape(pool, pool))
        else:
            block = draw.decimals(-3, -0.05, (pool, pool)) if all_negative else \
                draw.decimals(-3, 3, (pool, pool), nonzero=True)
        flat = [float(v) for v in block.flat]
        if len(set(flat)) == k and (all_negative or max(flat) > 0):
            return block


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
