"""Box-regression target y_r of an anchor; exam size ratios 1/2, 1, 2 so the logs are 0, ±ln 2."""
import numpy as np

from examgen.engine import detection, ops
from examgen.sampling import exact


def draw(rng, options):
    return _draw_exam(rng) if rng.exam else _draw_drill(rng)


def _draw_exam(rng):
    """Anchor corner on the integer grid, sides 2 or 4; reference sides ½, 1 or 2 times as long;
    offsets multiples of half the anchor's side, so every entry of y_r is exact and short. Along
    one axis (at random) the size changes and the box moves, so every mistake shows."""
    anchor, ref = [], []
    sides = [rng.choice([2, 4]), rng.choice([2, 4])]
    corner = [rng.size(0, 6), rng.size(0, 6)]
    changed = rng.size(0, 1)
    for axis, (c, side) in enumerate(zip(corner, sides)):
        ratio = rng.choice(["1/2", "2"] if axis == changed else ["1/2", "1", "2"])
        lo = max(-3, -(2 * c) // side)                     # keeps the reference's corner ≥ 0
        steps = [k for k in range(lo, 4) if k or axis != changed]
        half_steps = rng.choice(steps)
        anchor.append((c, side))
        ref.append((c + half_steps * side // 2, _times(side, ratio)))
    return {"anchor": exact([corner[0], corner[1], sides[0], sides[1]]),
            "ref": exact([ref[0][0], ref[1][0], ref[0][1], ref[1][1]])}


def _times(side, ratio):
    from fractions import Fraction

    return Fraction(side) * Fraction(ratio)


def _draw_drill(rng):
    corner = rng.decimals(3, 10, 2)  # so that the reference's corner stays ≥ 0
    sides = rng.decimals(0.5, 5, 2)
    offsets = rng.decimals(-3, 3, 2)
    ratios = rng.decimals(0.4, 2.5, 2)
    ref = np.concatenate([np.round(corner + offsets, 2), np.round(sides * ratios, 2)])
    return {"anchor": np.concatenate([corner, sides]), "ref": ref}


def validate(p):
    for name in ("anchor", "ref"):
        if ops.to_float(p[name][2]) <= 0 or ops.to_float(p[name][3]) <= 0:
            raise ValueError(f"the {name} box's width and height must be positive")


def solve(p):
    return detection.bbox_target(p["anchor"], p["ref"])


def _with_logs(s, log_w, log_h):
    y_r = s["y_r"].copy()
    y_r[2], y_r[3] = log_w, log_h
    return y_r


def mistake_log10(p, s):
    if s["w_ratio"] == 1 and s["h_ratio"] == 1:
        return None  # ln 1 = log10 1 = 0: nothing changes
    ln10 = ops.log(ops.zero_like(s["w_ratio"]) + 10)
    return {"y_r": _with_logs(s, s["y_r"][2] / ln10, s["y_r"][3] / ln10)}


def mistake_inverted_ratio(p, s):
    if s["w_ratio"] == 1 and s["h_ratio"] == 1:
        return None
    return {"y_r": _with_logs(s, ops.log(1 / s["w_ratio"]), ops.log(1 / s["h_ratio"]))}


def mistake_offset_over_ref_size(p, s):
    (_, _, w_a, h_a), (_, _, w_R, h_R) = p["anchor"], p["ref"]
    if (s["dx"] == 0 or w_R == w_a) and (s["dy"] == 0 or h_R == h_a):
        return None  # same sizes, or no offset: dividing by either gives the same
    y_r = s["y_r"].copy()
    y_r[0], y_r[1] = s["dx"] / w_R, s["dy"] / h_R
    return {"y_r": y_r}


def mistake_no_log(p, s):
    y_r = s["y_r"].copy()
    y_r[2], y_r[3] = s["w_ratio"], s["h_ratio"]
    return {"y_r": y_r}


def mistake_offset_not_divided(p, s):
    if (s["dx"] == 0 or p["anchor"][2] == 1) and (s["dy"] == 0 or p["anchor"][3] == 1):
        return None  # no offset, or a unit-sized anchor: dividing changes nothing
    y_r = s["y_r"].copy()
    y_r[0], y_r[1] = s["dx"], s["dy"]
    return {"y_r": y_r}
