"""IOU of each anchor with the reference box and its label y_c = [IOU > threshold].

Exam: integer-grid boxes, threshold 1/2 or 7/10, a mix of positive and negative anchors, and
every IOU (right or mistaken) at least 1/20 away from the threshold, so no label is a tie.
"""
import sys

import numpy as np

from examgen.compare import all_close
from examgen.engine import detection, ops
from examgen.sampling import exact, mistakes_show

MARGIN = 0.05  # no IOU (right or mistaken) within this distance of the threshold


def sample(draw, options):
    while True:
        if draw.exam:
            ref = [draw.size(0, 3), draw.size(0, 3), draw.size(3, 5), draw.size(3, 5)]
            threshold = draw.choice(["1/2", "7/10"])
        else:
            ref = list(np.concatenate([draw.decimals(0, 5, 2), draw.decimals(1, 5, 2)]))
            threshold = draw.choice([0.5, 0.6, 0.7])
        n_anchors = draw.size(2, 4)
        labels = [1] * draw.size(1, n_anchors - 1)
        labels += [0] * (n_anchors - len(labels))
        labels = [labels[i] for i in draw.permutation(n_anchors)]
        anchors = [_anchor(draw, ref, threshold, label) for label in labels]
        if None in anchors:
            continue  # no such anchor found near this reference: draw again
        p = {"ref": draw.array(ref), "anchors": draw.array(anchors),
             "threshold": exact(threshold) if draw.exam else threshold}
        s = solve(p)
        if len({tuple(a) for a in anchors}) == n_anchors and _mistakes_show(p, s):
            return p


def _anchor(draw, ref, threshold, label):
    """An anchor near the reference whose IOU is clearly on the `label` side of the threshold
    (None when 200 tries find none)."""
    t = float(exact(threshold)) if isinstance(threshold, str) else threshold
    for _ in range(200):
        if draw.exam:
            reach = 1 if label else 3
            corner = [max(0, ref[0] + draw.size(-reach, reach)), max(0, ref[1] + draw.size(-reach, reach))]
            size = [max(1, ref[2] + draw.size(-reach, reach)), max(1, ref[3] + draw.size(-reach, reach))]
            box = corner + size
        else:
            reach = 0.4 if label else 2.5
            corner = np.round(np.array(ref[:2]) + draw.decimals(-reach, reach, 2), 2)
            size = np.round(np.array(ref[2:]) * draw.decimals(1 - reach / 3, 1 + reach / 3, 2), 2)
            box = list(np.maximum(corner, 0)) + list(np.maximum(size, 0.5))
        value = float(ops.to_float(detection.iou(ref, box)["IOU"]))
        if (value > t) == bool(label) and abs(value - t) >= MARGIN and value < 1:
            return box


def _mistakes_show(p, s):
    """Every mistake applies and changes the answer beyond tolerance, and no mistaken IOU ties
    the threshold (so a mistaken IOU near the right one also gives the right labels)."""
    module = sys.modules[__name__]
    if not mistakes_show(module, p, s, rtol=0.01, atol=0.005, must_apply=True):
        return False
    t = float(ops.to_float(p["threshold"]))
    return all(np.all(np.abs(ops.to_float(f(p, s)["IOU"]) - t) >= MARGIN)
               for f in (mistake_union_without_intersection, mistake_over_ref_area))


def validate(p):
    if ops.to_float(p["ref"][2]) <= 0 or ops.to_float(p["ref"][3]) <= 0:
        raise ValueError("the reference box's width and height must be positive")
    if np.any(ops.to_float(p["anchors"][:, 2:]) <= 0):
        raise ValueError("every anchor's width and height must be positive")
    if not 0 < ops.to_float(p["threshold"]) < 1:
        raise ValueError("the threshold must lie strictly between 0 and 1")


def solve(p):
    return detection.anchor_labels(p["ref"], p["anchors"], p["threshold"])


def _labels(iou, p):
    return detection.labels_above(iou, p["threshold"])


def mistake_union_without_intersection(p, s):
    if not np.any(ops.is_positive(s["I"])):
        return None  # no anchor meets the reference: I = 0 and nothing changes
    iou = s["I"] / (s["area_ref"] + s["area_anchor"])
    return {"IOU": iou, "y_c": _labels(iou, p)}


def mistake_over_ref_area(p, s):
    iou = s["I"] / s["area_ref"]
    if all_close(iou, s["IOU"], 1e-12, 0):
        return None  # every anchor with I > 0 lies inside the reference: U = area(REF)
    return {"IOU": iou, "y_c": _labels(iou, p)}


# Error carried forward: each part recomputed from the student's own earlier answers.
def carry_y_c(p, given):
    return (given["IOU"] > float(p["threshold"])).astype(float)
