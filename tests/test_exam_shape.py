"""Exams shaped like the real one: a subset of a problem's parts, the hand work of each
instance in the key, and a default practice final of about an hour of hand work."""
import json
import statistics

import numpy as np
import pytest

from examgen import bank, work
from examgen.errors import ExamgenError
from examgen.exam import build_version, load_spec, parse_spec

from helpers import one_line_error, run

SUBSET_SPEC = """\
title: Subset
problems:
  - id: mlp-backprop
    points: 10
    parts: [dL_db1, dL_dW1]
  - id: iou
    points: 6
"""


def test_a_subset_of_parts_is_all_the_exam_key_sheet_and_grader_see(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text(SUBSET_SPEC)
    out = tmp_path / "exam"
    r = run("generate", "--spec", spec, "--out", out, "--format", "md,tex")
    assert r.returncode == 0, r.stderr
    key = json.loads((out / "key.json").read_text())
    mlp = key["problems"][0]
    assert list(mlp["parts"]) == ["dL_dW1", "dL_db1"]              # the problem's own order
    assert list(mlp["answers"]) == ["dL_dW1", "dL_db1"] == list(mlp["answers_exact"])
    assert sum(p["points"] for p in mlp["parts"].values()) == 10
    assert all(set(m["answers"]) <= {"dL_dW1", "dL_db1"} for m in mlp["mistakes"])
    assert list(key["problems"][1]["parts"]) == ["I", "U", "IOU"]   # no subset: every part
    sheet = (out / "answers.yaml").read_text()
    assert "dL_dW1:" in sheet and "dL_db1:" in sheet
    assert "dL_dW2" not in sheet and "dL_dxi1" not in sheet and "    L:" not in sheet
    exam = (out / "exam.md").read_text()
    first = exam.split("## Problem 2")[0]
    assert "find only" in first and "*Answer only these parts:* `dL_dW1`, `dL_db1`." in first and "`dL_dW2`" not in first
    assert "dL_dW2" not in (out / "exam.tex").read_text().split("Problem 2")[0]

    # a student who answers the two parts exactly gets the problem's points
    filled = sheet
    for part in ("dL_dW1", "dL_db1"):
        value = json.dumps(mlp["answers_exact"][part]).replace('"', "")
        filled = filled.replace(f"    {part}: ~", f"    {part}: {value}", 1)
    (tmp_path / "a.yaml").write_text(filled)
    r = run("grade", out / "key.json", tmp_path / "a.yaml", "--json")
    assert r.returncode == 0, r.stderr
    graded = json.loads(r.stdout)
    first = graded["problems"][0]
    assert first["score"] == pytest.approx(10)
    assert [p["part"] for p in first["parts"]] == ["dL_dW1", "dL_db1"]


@pytest.mark.parametrize("parts, words", [
    ("[dL_dW3]", ["mlp-backprop", "dL_dW3", "dL_dW1"]),
    ("[]", ["parts must be a list"]),
    ("dL_dW1", ["parts must be a list"]),
    ("[dL_dW1, dL_dW1]", ["twice"]),
])
def test_a_spec_asking_for_parts_the_problem_lacks_is_one_clear_error(tmp_path, parts, words):
    spec = tmp_path / "bad.yaml"
    spec.write_text(f"problems:\n  - id: mlp-backprop\n    parts: {parts}\n")
    one_line_error(run("generate", "--spec", spec, "--out", tmp_path / "x", "--format", "md"), *words)


def test_asking_for_every_part_is_the_same_exam_as_asking_for_none():
    every = list(bank.get("iou").parts)
    a = parse_spec({"problems": [{"id": "iou", "parts": every}]})
    b = parse_spec({"problems": ["iou"]})
    assert a == b and a.digest == b.digest
    with pytest.raises(ExamgenError):
        parse_spec({"problems": [{"id": "iou", "parts": ["I", 3]}]})


# --- the work of an instance -------------------------------------------------------------------
def test_operations_count_the_arithmetic_of_numbers_not_the_symbolic_rules():
    ops = work.operations
    assert ops("", "$U = w_R h_R + w_O h_O - I$") == 0                   # a rule: nothing
    assert ops("", "$U = 8 + 8 - 3 = 13$") == 2                          # two steps
    assert ops("", "$U = 8 + 8 - 3 + 1 = 14$") == 3
    assert ops("", r"$\min(x_R + w_R, x_O + w_O) - \max(x_R, x_O) = 1$") == 1  # worked out unseen
    assert ops("", r"$h[0,1] = 2 \cdot 3 = 6$") == 1                     # index digits are no numbers
    m = r"\begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}"
    assert ops("", f"$$H = {m}$$") == 4                                  # four entries computed
    assert ops(f"$$X = {m}$$", f"$$X = {m}$$") == 0                      # given in the prompt
    assert work.minutes(6) == 1 and work.minutes(9) == 1.5


def _conv_forward(size: int):
    h = np.arange(1, size * size + 1).reshape(size, size, 1).tolist()
    w = [[[[1]], [[2]]], [[[0]], [[1]]]]
    return bank.get("conv2d-forward").from_params({"h": h, "w": w, "mode": "valid"})


def test_the_work_grows_with_the_size_of_the_instance():
    counts = [work.measure(_conv_forward(n))["operations"] for n in (2, 3, 4, 5)]
    assert counts == sorted(counts) and len(set(counts)) == len(counts), counts
    mlp = bank.get("mlp-backprop").sample(0, "exam")
    asked_all = work.measure(mlp)["operations"]
    assert asked_all > work.measure(bank.get("iou").sample(0, "exam"))["operations"] > 0


def test_the_key_shows_the_work_of_each_problem(tmp_path):
    out = tmp_path / "exam"
    assert run("generate", "--out", out, "--format", "md,tex").returncode == 0
    key = json.loads((out / "key.json").read_text())
    for p in key["problems"]:
        assert p["work"]["operations"] > 0
        assert p["work"]["minutes"] == work.minutes(p["work"]["operations"])
    md = (out / "key.md").read_text()
    assert md.count("*Hand work: ") == len(key["problems"]) and "Estimated hand work: about" in md
    assert "Hand work: " in (out / "key.tex").read_text()
    assert "Hand work" not in (out / "exam.md").read_text()


# --- the default practice final -------------------------------------------------------------------
def test_the_default_final_is_about_an_hour_of_hand_work_with_points_in_proportion():
    spec = load_spec()
    assert 8 <= len(spec.problems) <= 10
    minutes = {n: [] for n in range(len(spec.problems))}
    totals = []
    for seed in range(10):
        version = build_version(spec, seed)
        total = 0
        for n, (_, _, inst) in enumerate(version.problems):
            assert 1 <= len(inst.parts) <= 4, (inst.id, inst.parts)
            m = work.measure(inst)["minutes"]
            minutes[n].append(m)
            total += m
        totals.append(total)
    assert 50 <= statistics.mean(totals) <= 70, totals
    work_total = sum(statistics.mean(m) for m in minutes.values())
    points_total = sum(q.points for q in spec.problems)
    for n, q in enumerate(spec.problems):
        share_of_work = statistics.mean(minutes[n]) / work_total
        share_of_points = q.points / points_total
        assert abs(share_of_points - share_of_work) <= 0.04, (q.id, share_of_points, share_of_work)


def test_carry_forward_chains_take_the_keys_values_of_parts_the_exam_does_not_ask_for(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text("problems:\n  - id: iou\n    parts: [U, IOU]\n  - id: iou\n    parts: [I, U]\n  - iou\n")
    out = tmp_path / "exam"
    assert run("generate", "--spec", spec, "--out", out, "--format", "md").returncode == 0
    subset, head, whole = json.loads((out / "key.json").read_text())["problems"]
    assert "carry" not in subset["parts"]["U"]   # computed from I alone, which is not asked
    # IOU from I (not asked: the key's value) and U (asked: the student's)
    carry = subset["parts"]["IOU"]["carry"]
    assert carry["from"] == ["I", "U"] and list(carry["given"]) == ["I"] and carry["given"]["I"] >= 0
    assert "given" not in whole["parts"]["IOU"]["carry"]   # every source asked
    assert head["parts"]["U"]["carry"]["from"] == ["I"]
    assert whole["parts"]["IOU"]["carry"]["from"] == ["I", "U"]
