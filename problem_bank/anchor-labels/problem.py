"""IOU of each anchor with the reference box and its label y_c = [IOU > threshold].

Exam: integer-grid boxes, threshold 1/2 or 7/10, a mix of positive and negative anchors, and
every IOU (right or mistaken) at least 1/20 away from the threshold, so no label is a tie.
"""
import numpy as np

from examgen.compare import all_close
from examgen.engine import detection, ops
from examgen.sampling import exact, float_params

MARGIN = 0.05  # no IOU (right or mistaken) within this distance of the threshold


def draw(rng, options):
    if rng.exam:
        ref = [rng.size(0, 3), rng.size(0, 3), rng.size(3, 5), rng.size(3, 5)]
        threshold = rng.choice(["1/2", "7/10"])
    else:
        ref = list(np.concatenate([rng.decimals(0, 5, 2), rng.decimals(1, 5, 2)]))
        threshold = rng.choice([0.5, 0.6, 0.7])
    n_anchors = rng.size(2, 4)
    labels = [1] * rng.size(1, n_anchors - 1)
    labels += [0] * (n_anchors - len(labels))
    labels = [labels[i] for i in rng.permutation(n_anchors)]
    anchors = [_anchor(rng, ref, threshold, label) for label in labels]
    if None in anchors:
        raise ValueError("no anchor found on the wanted side of the threshold near this reference")
    if len({tuple(a) for a in anchors}) < n_anchors:
        raise ValueError("two anchors are the same box")
    p = {"ref": rng.array(ref), "anchors": rng.array(anchors),
         "threshold": exact(threshold) if rng.exam else threshold}
    floats = float_params(p)  # (the check compares floats: it decides as the exact numbers would, faster)
    _no_mistaken_tie(floats, solve(floats))
    return p


def _anchor(rng, ref, threshold, label):
    """An anchor near the reference whose IOU is clearly on the `label` side of the threshold
    (None when 200 tries find none)."""
    t = float(exact(threshold)) if isinstance(threshold, str) else threshold
    for _ in range(200):
        if rng.exam:
            reach = 1 if label else 3
            corner = [max(0, ref[0] + rng.size(-reach, reach)), max(0, ref[1] + rng.size(-reach, reach))]
            size = [max(1, ref[2] + rng.size(-reach, reach)), max(1, ref[3] + rng.size(-reach, reach))]
            box = corner + size
        else:
            reach = 0.4 if label else 2.5
            corner = np.round(np.array(ref[:2]) + rng.decimals(-reach, reach, 2), 2)
            size = np.round(np.array(ref[2:]) * rng.decimals(1 - reach / 3, 1 + reach / 3, 2), 2)
            box = list(np.maximum(corner, 0)) + list(np.maximum(size, 0.5))
        value = float(ops.to_float(detection.iou(ref, box)["IOU"]))
        if (value > t) == bool(label) and abs(value - t) >= MARGIN and value < 1:
            return box


def _no_mistaken_tie(p, s):
    """Every mistake applies, and no mistaken IOU lies near the threshold (so a mistaken IOU close
    to the right one still gives the right labels, and the mistaken labels are never a tie)."""
    t = float(ops.to_float(p["threshold"]))
    for f in (mistake_union_without_intersection, mistake_over_ref_area):
        wrong = f(p, s)
        if wrong is None or np.any(np.abs(ops.to_float(wrong["IOU"]) - t) < MARGIN):
            raise ValueError(f"{f.__name__[len('mistake_'):]} does not apply or ties the threshold")


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
