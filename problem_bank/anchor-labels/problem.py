"""IOU of each anchor with the reference box and its label y_c = [IOU > threshold].

Exam: integer-grid boxes, threshold 1/2 or 7/10, a mix of positive and negative anchors, and
every IOU (right or mistaken) at least 1/20 away from the threshold, so no label is a tie.
"""
import numpy as np

from examgen.compare import all_close
from examgen.engine import detection, ops
from examgen.sampling import exact

MARGIN = 0.05  # no IOU (right or mistaken) within this distance of the threshold


def draw(rng, options):
    if rng.exam:
        ref = [rng.size(0, 3), rng.size(0, 3), rng.size(3, 5), rng.size(3, 5)]
        threshold = rng.choice(["1/2", "7/10"])
    else:
        ref = list(np.concatenate([rng.decimals(0, 5, 2), rng.decimals(1, 5, 2)]))
        threshold = rng.choice([0.5, 0.6, 0.7])
    t = float(exact(threshold)) if rng.exam else threshold
    n_anchors = rng.size(2, 4)
    labels = [1] * rng.size(1, n_anchors - 1)
    labels += [0] * (n_anchors - len(labels))
    labels = [labels[i] for i in rng.permutation(n_anchors)]
    anchors = [_anchor(rng, ref, t, label) for label in labels]
    if None in anchors:
        raise ValueError("no anchor found on the wanted side of the threshold near this reference")
    if len({tuple(a) for a in anchors}) < n_anchors:
        raise ValueError("two anchors are the same box")
    # The draw's own numbers (Python ints in the exam) decide the checks below: most draws are
    # refused there, before their numbers become exact arrays and are solved twice.
    rows = [detection.iou(ref, a) for a in anchors]
    _no_mistaken_tie(rows, t)
    _some_label_mistaken(rows, t)
    return {"ref": rng.array(ref), "anchors": rng.array(anchors),
            "threshold": exact(threshold) if rng.exam else threshold}


def _anchor(rng, ref, t, label):
    """An anchor near the reference whose IOU is clearly on the `label` side of the threshold t
    (None when 200 tries find none)."""
    if rng.exam:
        return _grid_anchor(rng, ref, t, label)
    for _ in range(200):
        reach = 0.4 if label else 2.5
        corner = np.round(np.array(ref[:2]) + rng.decimals(-reach, reach, 2), 2)
        size = np.round(np.array(ref[2:]) * rng.decimals(1 - reach / 3, 1 + reach / 3, 2), 2)
        box = list(np.maximum(corner, 0)) + list(np.maximum(size, 0.5))
        value = float(detection.iou_value(ref, box))
        if (value > t) == bool(label) and abs(value - t) >= MARGIN and value < 1:
            return box


def _grid_anchor(rng, ref, t, label):
    """`_anchor` of the exam, on Python ints: each try's box offsets reach ±1 (a positive anchor)
    or ±3 from the reference, corner ≥ 0, sides ≥ 1 (draws take a hundred tries a version)."""
    reach = 1 if label else 3
    x_r, y_r, w_r, h_r = ref
    integers = rng.integers
    for _ in range(200):
        dx, dy, dw, dh = integers(-reach, reach, 4)
        x, y, w, h = x_r + dx, y_r + dy, w_r + dw, h_r + dh
        box = [(x if x > 0 else 0), (y if y > 0 else 0), (w if w > 1 else 1), (h if h > 1 else 1)]
        value = detection.iou_value(ref, box)
        if (value > t) == bool(label) and abs(value - t) >= MARGIN and value < 1:
            return box


def _mistaken_ious(row):
    """The IOU of one anchor (a row of detection.iou) under each mistake, by the mistake's name."""
    return {"union_without_intersection": _over_sum_of_areas(row["I"], row["area_ref"], row["area_roi"]),
            "over_ref_area": row["I"] / row["area_ref"]}


def _no_mistaken_tie(rows, t):
    """No mistaken IOU lies near the threshold: a mistaken IOU close to the right one still gives
    the right labels, the mistaken labels are never a tie, and floats decide every label as the
    exact numbers would."""
    for row in rows:
        for name, value in _mistaken_ious(row).items():
            if abs(value - t) < MARGIN:
                raise ValueError(f"{name} ties the threshold")


def _some_label_mistaken(rows, t):
    """Dividing by the reference's area labels some anchor wrongly: else that mistake gives the
    right y_c, or does not apply (every anchor meeting the reference lies inside it), and the draw
    is refused either way. (The union-without-intersection mistake always applies: a positive
    anchor meets the reference.)"""
    if all((_mistaken_ious(row)["over_ref_area"] > t) == (row["IOU"] > t) for row in rows):
        raise ValueError("over_ref_area gives the right labels")


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
    iou = _over_sum_of_areas(s["I"], s["area_ref"], s["area_anchor"])
    return {"IOU": iou, "y_c": _labels(iou, p)}


def mistake_over_ref_area(p, s):
    iou = s["I"] / s["area_ref"]
    if all_close(iou, s["IOU"], 1e-12, 0):
        return None  # every anchor with I > 0 lies inside the reference: U = area(REF)
    return {"IOU": iou, "y_c": _labels(iou, p)}


def _over_sum_of_areas(I, area_ref, area_anchor):
    """The union taken as the sum of the two areas, the intersection counted twice."""
    return I / (area_ref + area_anchor)


# Error carried forward: each part recomputed from the student's own earlier answers.
def carry_y_c(p, given):
    return (given["IOU"] > float(p["threshold"])).astype(float)
