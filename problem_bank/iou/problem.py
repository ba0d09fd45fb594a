"""IOU of two boxes on an integer grid (exam) or with decimal corners (drill); in about one
instance in five the boxes are disjoint (I = 0), where the IOU mistakes do not apply."""
from examgen.engine import detection, ops


def draw(rng, options):
    """ref anywhere on the grid; roi overlapping it (its corner within reach of ref's), or, one
    time in five, clear of it."""
    num = (lambda lo, hi: rng.size(lo, hi)) if rng.exam else (lambda lo, hi: rng.decimals(lo, hi))  # noqa: E731
    ref = [num(0, 6), num(0, 6), num(1, 5), num(1, 5)]
    w, h = num(1, 5), num(1, 5)
    if rng.size(1, 5) == 1:
        roi = _beside(rng, num, ref, [0, 0, w, h])
    else:   # corner such that the boxes overlap along both axes
        roi = [max(0, ref[0] + num(-w + 1, ref[2] - 1)), max(0, ref[1] + num(-h + 1, ref[3] - 1)), w, h]
    return {"ref": rng.array(ref), "roi": rng.array(roi)}


def _beside(rng, num, ref, roi):
    """roi placed along x or y so that it lies clear of ref (a gap of 0–2), on the side that
    keeps its corner ≥ 0; its other corner coordinate near ref's."""
    axis = rng.size(0, 1)
    gap = num(0, 2)
    after = ref[axis] + ref[axis + 2] + gap                 # past ref's far edge
    before = ref[axis] - gap - roi[axis + 2]                # ending before ref's near edge
    roi[axis] = after if before < 0 or rng.size(0, 1) else before
    other = 1 - axis
    roi[other] = max(0, ref[other] + num(-2, 2))
    return roi


def validate(p):
    if min(p["ref"][2:]) <= 0 or min(p["roi"][2:]) <= 0:
        raise ValueError("box widths and heights must be positive")


def solve(p):
    return detection.iou(p["ref"], p["roi"])


def _disjoint(s) -> bool:
    return not ops.is_positive(s["I"])


def mistake_union_without_intersection(p, s):
    if _disjoint(s):
        return None  # I = 0: the sum of the areas is the union, and IOU = 0 either way
    U = s["area_ref"] + s["area_roi"]
    return {"U": U, "IOU": s["I"] / U}


def mistake_over_ref_area(p, s):
    if _disjoint(s):
        return None  # I = 0: IOU = 0 whatever it is divided by
    return {"IOU": s["I"] / s["area_ref"]}


# Error carried forward: U and IOU from the student's own I (and U).
def carry_U(p, given):
    return p["ref"][2] * p["ref"][3] + p["roi"][2] * p["roi"][3] - given["I"]


def carry_IOU(p, given):
    return given["I"] / given["U"]
