"""IOU of two boxes on an integer grid (exam) or with decimal corners (drill)."""
from examgen.engine import detection


def sample(draw, options):
    while True:
        corner = lambda: draw.numbers(0, 6, shape=2)  # noqa: E731
        size = lambda: draw.numbers(1, 5, shape=2)    # noqa: E731
        ref = list(corner()) + list(size())
        roi = list(corner()) + list(size())
        s = detection.iou(ref, roi)
        # Overlapping clearly, and neither box (nearly) inside the other, so every mistake shows.
        if s["I"] > s["U"] / 20 and s["U"] - s["area_ref"] > s["U"] / 20:
            return {"ref": draw.array(ref), "roi": draw.array(roi)}


def validate(p):
    if min(p["ref"][2:]) <= 0 or min(p["roi"][2:]) <= 0:
        raise ValueError("box widths and heights must be positive")


def solve(p):
    return detection.iou(p["ref"], p["roi"])


def mistake_union_without_intersection(p, s):
    U = s["area_ref"] + s["area_roi"]
    return {"U": U, "IOU": s["I"] / U}


def mistake_over_ref_area(p, s):
    return {"IOU": s["I"] / s["area_ref"]}


# Error carried forward: U and IOU from the student's own I (and U).
def carry_U(p, given):
    return p["ref"][2] * p["ref"][3] + p["roi"][2] * p["roi"][3] - given["I"]


def carry_IOU(p, given):
    return given["I"] / given["U"]
