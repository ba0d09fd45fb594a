"""Box-regression target y_r of an anchor; exam size ratios 1/2, 1, 2 so the logs are 0, ±ln 2."""
import sys

import numpy as np

from examgen.engine import detection, ops
from examgen.sampling import exact, mistakes_show


def sample(draw, options):
    while True:
        p = _draw_exam(draw) if draw.exam else _draw_drill(draw)
        s = solve(p)
        # At least one size ratio ≠ 1 (so the log mistakes show) and an offset over a side whose
        # anchor and reference sizes differ (so dividing by the reference's size shows).
        if mistakes_show(sys.modules[__name__], p, s, rtol=0.01, atol=0.005, must_apply=True):
            return p


def _draw_exam(draw):
    """Anchor corner on the integer grid, sides 2 or 4; reference sides ½, 1 or 2 times as long;
    offsets multiples of half the anchor's side, so every entry of y_r is exact and short."""
    anchor, ref = [], []
    sides = [draw.choice([2, 4]), draw.choice([2, 4])]
    corner = [draw.size(0, 6), draw.size(0, 6)]
    for c, side in zip(corner, sides):
        ratio = draw.choice(["1/2", "1", "2"])
        half_steps = draw.size(max(-3, -(2 * c) // side), 3)  # keeps the reference's corner ≥ 0
        anchor.append((c, side))
        ref.append((c + half_steps * side // 2, _times(side, ratio)))
    return {"anchor": exact([corner[0], corner[1], sides[0], sides[1]]),
            "ref": exact([ref[0][0], ref[1][0], ref[0][1], ref[1][1]])}


def _times(side, ratio):
    from fractions import Fraction

    return Fraction(side) * Fraction(ratio)


def _draw_drill(draw):
    corner = draw.decimals(3, 10, 2)  # so that the reference's corner stays ≥ 0
    sides = draw.decimals(0.5, 5, 2)
    offsets = draw.decimals(-3, 3, 2)
    ratios = draw.decimals(0.4, 2.5, 2)
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
