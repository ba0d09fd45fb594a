"""Faster R-CNN engine: IOU, anchor labels, box-regression targets, detection loss."""
import json
import math
import subprocess

import numpy as np
import pytest
import sympy as sp

from examgen.bank import get
from examgen.engine import detection
from examgen.errors import ExamgenError
from examgen.sampling import exact

R = sp.Rational
ln = sp.log


# --- worked by hand -------------------------------------------------------------------------
def test_iou_by_hand():
    s = detection.iou(exact([0, 0, 2, 2]), exact([1, 1, 2, 2]))
    assert (s["I"], s["U"], s["IOU"]) == (1, 7, R(1, 7))


def test_anchor_labels_by_hand():
    # ref 4×4; anchor 1 inside it (I = 12, U = 16), anchor 2 half over (I = 8, U = 24), anchor 3 apart.
    ref = exact([0, 0, 4, 4])
    anchors = exact([[0, 0, 4, 3], [2, 0, 4, 4], [5, 5, 1, 1]])
    s = detection.anchor_labels(ref, anchors, R(7, 10))
    assert list(s["IOU"]) == [R(3, 4), R(1, 3), 0]
    assert list(s["y_c"]) == [1, 0, 0]
    assert all(v.is_Integer for v in s["y_c"])
    s = detection.anchor_labels(ref, anchors, R(1, 4))
    assert list(s["y_c"]) == [1, 1, 0]


def test_anchor_labels_float_threshold_is_strict():
    s = detection.anchor_labels([0.0, 0, 4, 4], np.array([[0.0, 0, 4, 3], [0, 0, 4, 2]]), 0.5)
    assert np.allclose(s["IOU"], [0.75, 0.5])
    assert list(s["y_c"]) == [1.0, 0.0]  # IOU = 0.5 is not above 0.5


def test_bbox_target_by_hand():
    # w_REF = 2 w_a gives ln 2; h_REF = h_a/2 gives −ln 2; offsets in units of the anchor's size.
    s = detection.bbox_target(exact([1, 2, 2, 4]), exact([2, 0, 4, 2]))
    assert list(s["y_r"]) == [R(1, 2), R(-1, 2), ln(2), -ln(2)]
    s = detection.bbox_target(exact([0, 0, 3, 3]), exact([3, 0, 3, 3]))
    assert list(s["y_r"]) == [1, 0, 0, 0]


def test_detection_loss_by_hand():
    s = detection.detection_loss(exact([1, 0]), exact(["3/4", "1/3"]),
                                 exact([[1, 0, 0, 0], [0, 0, 0, 0]]),
                                 exact([["1/2", 0, 0, 0], [1, 1, 1, 1]]))
    # L_c = (−ln 3/4 − ln 2/3)/2 = (ln 4/3 + ln 3/2)/2 = ln 2 / 2; only anchor 1 counts in L_r.
    assert sp.simplify(s["L_c"] - ln(2) / 2) == 0
    assert list(s["sq_err"]) == [R(1, 4), 4]
    assert s["L_r"] == R(1, 8)
    assert sp.simplify(s["L"] - (ln(2) / 2 + R(1, 8))) == 0


def test_detection_loss_without_positive_anchor_has_no_regression_term():
    s = detection.detection_loss([0.0, 0.0], [0.5, 0.25], np.zeros((2, 4)), np.ones((2, 4)))
    assert s["L_r"] == 0
    assert s["L"] == pytest.approx((math.log(2) + math.log(4 / 3)) / 2)


def test_exam_instances_are_exact_and_tie_free():
    from examgen.engine import ops

    p = get("anchor-labels")
    for seed in range(30):
        inst = p.sample(seed, "exam")
        assert inst.exact
        iou, t = ops.to_float(inst.values["IOU"]), float(inst.params["threshold"])
        assert np.all(np.abs(iou - t) >= 0.05)
        assert 0 < ops.to_float(inst.values["y_c"]).sum() < len(iou)  # positives and negatives


# --- independent references on drill instances ------------------------------------------------
def naive_iou(a, b):
    """IOU from the two boxes' x- and y-intervals, by cases."""
    def overlap(lo1, hi1, lo2, hi2):
        lo, hi = (lo1, hi1) if lo1 >= lo2 else (lo2, hi2)
        other_hi = hi2 if lo1 >= lo2 else hi1
        return max(0.0, min(hi, other_hi) - lo)
    I = overlap(a[0], a[0] + a[2], b[0], b[0] + b[2]) * overlap(a[1], a[1] + a[3], b[1], b[1] + b[3])
    return I / (a[2] * a[3] + b[2] * b[3] - I)


def raster_iou(a, b, size=20):
    """IOU of integer boxes by counting pixels."""
    def mask(box):
        m = np.zeros((size, size), bool)
        m[box[0]:box[0] + box[2], box[1]:box[1] + box[3]] = True
        return m
    ma, mb = mask(a), mask(b)
    return (ma & mb).sum() / (ma | mb).sum()


def test_anchor_labels_match_naive_on_drill_instances():
    p = get("anchor-labels")
    for seed in range(60):
        inst = p.sample(seed, "drill")
        ref, anchors, t = inst.params["ref"], inst.params["anchors"], inst.params["threshold"]
        want = [naive_iou(list(ref), list(a)) for a in anchors]
        assert np.allclose(inst.values["IOU"], want, rtol=1e-12, atol=1e-12)
        assert list(inst.values["y_c"]) == [1.0 if v > t else 0.0 for v in want]


def test_iou_matches_pixel_count_on_integer_boxes():
    rng = np.random.default_rng(1)
    for _ in range(200):
        a = [int(v) for v in list(rng.integers(0, 8, 2)) + list(rng.integers(1, 8, 2))]
        b = [int(v) for v in list(rng.integers(0, 8, 2)) + list(rng.integers(1, 8, 2))]
        assert detection.iou(exact(a), exact(b))["IOU"] == R(raster_iou(a, b)).limit_denominator(1000)


def test_bbox_target_inverts_on_drill_instances():
    # Applying the target to the anchor must give back the reference box.
    p = get("bbox-target")
    for seed in range(60):
        inst = p.sample(seed, "drill")
        (x_a, y_a, w_a, h_a), ref = inst.params["anchor"], inst.params["ref"]
        t = inst.values["y_r"]
        moved = [x_a + w_a * t[0], y_a + h_a * t[1], w_a * math.exp(t[2]), h_a * math.exp(t[3])]
        assert np.allclose(moved, ref, rtol=1e-12, atol=1e-12)


def test_detection_loss_matches_naive_loops_on_drill_instances():
    p = get("detection-loss")
    for seed in range(60):
        inst = p.sample(seed, "drill")
        y_c, yhat_c, y_r, yhat_r = (inst.params[k] for k in ("y_c", "yhat_c", "y_r", "yhat_r"))
        n = len(y_c)
        L_c = -sum(math.log(yhat_c[i]) if y_c[i] == 1 else math.log(1 - yhat_c[i]) for i in range(n)) / n
        num = sum(sum((y_r[i][j] - yhat_r[i][j]) ** 2 for j in range(4)) for i in range(n) if y_c[i] == 1)
        L_r = 0.5 * num / sum(y_c)
        assert inst.values["L_c"] == pytest.approx(L_c, rel=1e-12)
        assert inst.values["L_r"] == pytest.approx(L_r, rel=1e-12)
        assert inst.values["L"] == pytest.approx(L_c + L_r, rel=1e-12)


# --- mistakes ----------------------------------------------------------------------------------
def test_bbox_target_mistakes_by_hand():
    p = get("bbox-target")
    inst = p.from_params({"anchor": [1, 2, 2, 4], "ref": [2, 0, 4, 2]})
    wrong = {m["name"]: list(m["answers"]["y_r"]) for m in inst.mistakes()}
    assert wrong["log10"][2:] == [ln(2) / ln(10), -ln(2) / ln(10)]
    assert wrong["inverted-ratio"][2:] == [-ln(2), ln(2)]
    assert wrong["offset-over-ref-size"][:2] == [R(1, 4), R(-1)]
    # anchor 1,2,2,4 → ref 2,0,4,2: offsets 1 and −2 left in pixels; ratios 2 and ½ without ln
    assert wrong["offset-not-divided"] == [1, -2, ln(2), -ln(2)]
    assert wrong["no-log"] == [R(1, 2), R(-1, 2), 2, R(1, 2)]


def test_iou_exam_instances_include_disjoint_boxes_where_the_mistakes_do_not_apply():
    p = get("iou")
    disjoint = 0
    for seed in range(100):
        inst = p.sample(seed, "exam")
        if inst.values["I"] == 0:
            disjoint += 1
            assert inst.values["IOU"] == 0 and inst.mistakes() == []
        else:
            assert len(inst.mistakes()) == 2
    assert 10 <= disjoint <= 40, disjoint


def test_union_mistake_turns_positive_anchors_negative():
    p = get("anchor-labels")
    inst = p.from_params({"ref": [0, 0, 4, 4], "anchors": [[0, 0, 4, 3], [2, 0, 4, 4]], "threshold": "7/10"})
    wrong = p.module.mistake_union_without_intersection(inst.params, inst.values)
    assert list(wrong["IOU"]) == [R(12, 28), R(8, 32)]
    assert list(wrong["y_c"]) == [0, 0]


# --- CLI and validation ------------------------------------------------------------------------
def solve_cli(pid, params):
    out = subprocess.run(["examgen", "solve", pid, "--params", "-", "--json"], input=json.dumps(params),
                         capture_output=True, text=True)
    return out


def test_cli_solves_hand_cases():
    out = solve_cli("anchor-labels", {"ref": [0, 0, 4, 4], "anchors": [[0, 0, 4, 3], [2, 0, 4, 4]],
                                      "threshold": 0.7})
    ans = json.loads(out.stdout)["answers"]
    assert ans["IOU"] == pytest.approx([0.75, 1 / 3]) and ans["y_c"] == [1, 0]
    ans = json.loads(solve_cli("bbox-target", {"anchor": [1, 2, 2, 4], "ref": [2, 0, 4, 2]}).stdout)["answers"]
    assert ans["y_r"] == pytest.approx([0.5, -0.5, math.log(2), -math.log(2)])
    ans = json.loads(solve_cli("detection-loss", {"y_c": [1, 0], "yhat_c": ["3/4", "1/3"],
                                                  "y_r": [[1, 0, 0, 0], [0, 0, 0, 0]],
                                                  "yhat_r": [[0.5, 0, 0, 0], [1, 1, 1, 1]]}).stdout)["answers"]
    assert ans["L_c"] == pytest.approx(math.log(2) / 2)
    assert ans["L_r"] == pytest.approx(0.125)
    assert ans["L"] == pytest.approx(math.log(2) / 2 + 0.125)


@pytest.mark.parametrize("pid, params, words", [
    ("bbox-target", {"anchor": [0, 0, 0, 2], "ref": [0, 0, 1, 1]}, "width and height"),
    ("anchor-labels", {"ref": [0, 0, 2, 2], "anchors": [[0, 0, -1, 2]], "threshold": 0.5}, "positive"),
    ("anchor-labels", {"ref": [0, 0, 2, 2], "anchors": [[0, 0, 1, 2]], "threshold": 1.5}, "threshold"),
    ("detection-loss", {"y_c": [2, 0], "yhat_c": [0.5, 0.5], "y_r": [[0] * 4] * 2, "yhat_r": [[0] * 4] * 2}, "0 or 1"),
    ("detection-loss", {"y_c": [1, 0], "yhat_c": [1, 0.5], "y_r": [[0] * 4] * 2, "yhat_r": [[0] * 4] * 2}, "strictly"),
])
def test_validate_rejects_bad_input(pid, params, words):
    with pytest.raises(ExamgenError, match=words):
        get(pid).from_params(params)
    out = solve_cli(pid, params)
    assert out.returncode == 2 and words in out.stderr


@pytest.mark.parametrize("params, message", [
    ({"ref": [0, 0, 2, 2], "roi": [1, 1, 2]}, "iou: roi must be a list of 4 numbers; got a list of 3 numbers"),
    ({"ref": [0, 0, 2, 2], "roi": [[1, 1, 2, 2]]}, "iou: roi must be a list of 4 numbers; got 1 × 4"),
    ({"ref": 2, "roi": [1, 1, 2, 2]}, "iou: ref must be a list of 4 numbers; got one number"),
])
def test_a_wrongly_shaped_parameter_is_named_in_words(params, message):
    # "roi must be 4; got 3" said neither that a list of four numbers is asked nor what was given
    with pytest.raises(ExamgenError) as e:
        get("iou").from_params(params)
    assert str(e.value) == message
