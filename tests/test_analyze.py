"""Class analysis: the statistics against a hand-computed class, degenerate classes, the CLI with planted mistakes."""
import json
from pathlib import Path

import numpy as np
import pytest

from examgen import stats
from examgen.analyze import analyze, markdown, relations
from examgen.compare import all_close
from examgen.grade import grade_submission, prepare_key

from helpers import run

# Four students, three items (points): worked by hand below.
X = np.array([[2, 1, 3],
              [1, 1, 2],
              [2, 0, 1],
              [0, 0, 0]], dtype=float)


def test_cronbach_alpha_by_hand():
    # item variances (ddof 1): [2,1,2,0] mean 1.25 → Σd² = 0.5625+0.0625+0.5625+1.5625 = 2.75 → 0.91667
    #                          [1,1,0,0] → 1/3;  [3,2,1,0] mean 1.5 → 5/3
    # totals 6,4,3,0: mean 3.25, Σd² = 7.5625+0.5625+0.0625+10.5625 = 18.75 → var 6.25
    alpha = 3 / 2 * (1 - (2.75 / 3 + 1 / 3 + 5 / 3) / 6.25)
    assert stats.cronbach_alpha(X) == pytest.approx(alpha, abs=1e-12)
    assert alpha == pytest.approx(0.8, abs=1e-12)


def test_discrimination_against_numpy_and_by_hand():
    total = X.sum(axis=1)
    for i in range(3):
        rest = total - X[:, i]
        assert stats.corrected_item_total(X[:, i], total) == pytest.approx(np.corrcoef(X[:, i], rest)[0, 1])
    # item 2: [1,1,0,0] (deviations ±1/2) against the rest [5,3,3,0] (mean 2.75): Σdxdy = 2.5, Σdx² = 1, Σdy² = 12.75
    assert stats.corrected_item_total(X[:, 1], total) == pytest.approx(2.5 / np.sqrt(12.75))
    # upper/lower 27% of 4 students: k = round(1.08) = 1; top student (6) share 2/2, bottom (0) share 0/2
    assert stats.upper_lower(X[:, 0] / 2, total) == pytest.approx(1.0)
    assert stats.upper_lower(X[:, 2] / 3, total) == pytest.approx(1.0)


def test_mean_median_sd():
    total = X.sum(axis=1)
    assert stats.mean(total) == 3.25 and stats.median(total) == 3.5
    assert stats.sd(total) == pytest.approx(2.5)


@pytest.mark.parametrize("matrix", [np.array([[1.0, 2.0, 3.0]]), np.ones((5, 3)), np.zeros((3, 1))])
def test_degenerate_classes_give_none_not_nan(matrix):
    total = matrix.sum(axis=1)
    assert stats.cronbach_alpha(matrix) is None
    assert stats.corrected_item_total(matrix[:, 0], total) is None
    if matrix.shape[0] == 1:
        assert stats.sd(total) is None and stats.upper_lower(matrix[:, 0], total) is None


def test_version_difference_permutation_test():
    rng = np.random.default_rng(0)
    same = np.array([1, 0, 1, 0, 1, 0, 1, 0], dtype=float)
    groups = np.array(list("aabbaabb"))
    assert stats.group_difference_p(same, groups, rng) > 0.5
    far = np.array([1, 1, 1, 1, 1, 0, 0, 0, 0, 0], dtype=float)
    assert stats.group_difference_p(far, np.array(list("aaaaabbbbb")), rng) < 0.05
    assert stats.group_difference_p(far, np.array(list("abcdefghij")), rng) is None  # one student per version


# --- analysis of graded rows ---------------------------------------------------------------------
KEY = {"exam": "E1", "seed": 0, "bank": "b", "title": "T", "student": None, "points": 4.0, "problems": [
    {"number": 1, "id": "half", "title": "Half", "points": 2.0,
     "parts": {"a": {"kind": "scalar", "shape": [], "rtol": 0.01, "atol": 0.005, "points": 1.0, "variables": []},
               "b": {"kind": "scalar", "shape": [], "rtol": 0.01, "atol": 0.005, "points": 1.0, "variables": []}},
     "answers": {"a": 0.5, "b": 2.0}, "answers_exact": {"a": "1/2", "b": "2"},
     "mistakes": [{"name": "inverted", "message": "you inverted it", "answers": {"a": 2.0, "b": 0.5}}]},
    {"number": 2, "id": "three", "title": "Three", "points": 2.0,
     "parts": {"c": {"kind": "scalar", "shape": [], "rtol": 0.01, "atol": 0.005, "points": 2.0, "variables": []}},
     "answers": {"c": 3.0}, "answers_exact": {"c": "3"}, "mistakes": []}]}


def graded(answers):
    key = prepare_key(KEY)
    return [grade_submission(key, {"exam": "E1", "student": f"s{i}", "answers": a}) for i, a in enumerate(answers)], key


def test_analysis_of_a_small_class():
    rows, key = graded([{1: {"a": "1/2", "b": 2}, 2: {"c": 3}},
                        {1: {"a": 2, "b": 0.5}, 2: {"c": 3}},       # the named mistake
                        {1: {"a": 2, "b": 0.5}, 2: {"c": 7}},       # the mistake, and 7 twice below
                        {1: {"a": None, "b": 2}, 2: {"c": 7}}])
    a = analyze(rows, key)
    assert a["students"] == 4
    p1, p2 = a["problems"]
    assert p1["number"] == 1 and p1["id"] == "half"
    assert p1["facility"] == pytest.approx((1 + 0 + 0 + 0.5) / 4)
    assert p2["facility"] == pytest.approx(0.5)
    pa = p1["parts"][0]
    assert pa["part"] == "a" and pa["facility"] == 0.25 and pa["blank_rate"] == 0.25
    assert p1["parts"][1]["facility"] == 0.5
    points = np.array([[2, 2], [0, 2], [0, 0], [1, 0]], dtype=float)
    total = points.sum(axis=1)
    assert p1["discrimination"] == pytest.approx(np.corrcoef(points[:, 0], points[:, 1])[0, 1])
    # α by hand: item variances 11/12 and 4/3, totals 4,2,0,1 variance 35/12
    assert a["score"]["alpha"] == pytest.approx(2 * (1 - (11 / 12 + 4 / 3) / (35 / 12)))
    assert a["score"]["mean"] == pytest.approx(total.mean()) and a["score"]["median"] == 1.5
    (m,) = a["mistakes"]
    assert (m["name"], m["id"], m["number"], m["count"]) == ("inverted", "half", 1, 2)
    assert m["share_of_wrong"] == 1.0        # every wrong part of problem 1 is explained
    (c,) = a["candidates"]
    assert (c["number"], c["part"], c["given"], c["count"]) == (2, "c", "7", 2)
    assert sum(b["count"] for b in a["score"]["distribution"]) == 4
    json.dumps(a, allow_nan=False)


def test_an_unreadable_answer_counts_as_wrong_and_the_verdict_shares_add_up():
    # An unreadable part (it earned 0) was neither blank nor wrong: the table's shares fell short of 100%.
    rows, key = graded([{1: {"a": "1/2", "b": "2,,5"}, 2: {"c": 3}},   # b unreadable
                        {1: {"a": 2, "b": 0.5}, 2: {"c": 7}},             # both wrong (the named mistake)
                        {1: {"a": None, "b": 2}, 2: {"c": 3}}])
    assert rows[0]["problems"][0]["parts"][1]["verdict"] == "unreadable"
    a = analyze(rows, key)
    p1 = a["problems"][0]
    b = p1["parts"][1]
    assert (b["right_rate"], b["wrong_rate"], b["unreadable_rate"]) == (pytest.approx(1 / 3), pytest.approx(2 / 3),
                                                                        pytest.approx(1 / 3))
    for item in [p1, *p1["parts"], a["problems"][1]]:
        assert item["right_rate"] + item["blank_rate"] + item["carried_rate"] + item["wrong_rate"] == pytest.approx(1)
    assert p1["wrong_rate"] == pytest.approx(3 / 6) and p1["right_rate"] == pytest.approx(2 / 6)
    (m,) = a["mistakes"]
    assert m["share_of_wrong"] == pytest.approx(2 / 3)     # 2 of its 3 parts that earned nothing
    assert "| 1 | `b` | 0.33 | 0.58 | 0.19 | 1.00 | 33% | 0% | 0% | 67% | 33% |" in markdown(a)


def test_a_dropped_problem_has_no_facility_and_is_no_item_of_alpha():
    from examgen.regrade import _reweigh

    rows, key = graded([{1: {"a": "1/2", "b": 2}, 2: {"c": 3}}, {1: {"a": 2, "b": 0.5}, 2: {"c": 7}},
                        {1: {"a": "1/2", "b": 0.5}, 2: {"c": 3}}])
    dropped = key.versions["E1"].problems[2]

    class Q:   # the spec's problem 2 with points: 0
        points, grading = 0, {}
    _reweigh(dropped, Q, 1.0)
    key.versions["E1"].points = 2.0
    rows = [grade_submission(key, {"exam": "E1", "student": r["student"],
                                   "answers": {1: {"a": ["1/2", 2, "1/2"][i], "b": [2, 0.5, 0.5][i]},
                                               2: {"c": [3, 7, 3][i]}}}) for i, r in enumerate(rows)]
    assert [r["max"] for r in rows] == [2.0] * 3 and rows[1]["problems"][1]["settled"] == "dropped"
    a = analyze(rows, key)
    json.dumps(a, allow_nan=False)
    p2 = a["problems"][1]
    assert p2["settled"] == "dropped" and p2["facility"] is None and p2["parts"][0]["facility"] is None
    assert p2["wrong_rate"] == pytest.approx(1 / 3)        # how the class answered it still shows
    assert a["points"] == 2.0 and a["score"]["alpha"] is None   # one item left: α undefined, not 0-divided
    md = markdown(a)
    assert "| 2 | three | dropped |" in md and "Problem 2 (three) was dropped" in md


def test_one_student_says_n_a_without_nan():
    rows, key = graded([{1: {"a": "1/2", "b": 2}, 2: {"c": 3}}])
    a = analyze(rows, key)
    json.dumps(a, allow_nan=False)
    assert a["score"]["alpha"] is None and a["problems"][0]["discrimination"] is None
    assert "n/a" in markdown(a)


def test_no_graded_file_still_gives_a_report():
    a = analyze([{"file": "x.yaml", "student": "x", "exam": None, "status": "error", "error": "bad",
                  "score": None, "max": None, "problems": [], "notes": []}], prepare_key(KEY))
    assert a["students"] == 0 and a["not_graded"] == [{"file": "x.yaml", "error": "bad"}]
    assert "could not be graded" in markdown(a)


# --- the command -----------------------------------------------------------------------------------
def test_cli_counts_planted_mistakes_and_writes_pictures(tmp_path):
    # a fixed base seed: without --seed a class gets a fresh random one, and the test must not vary
    assert run("generate", "--versions", "2", "--seed", "3", "--format", "md",
               "--out", tmp_path / "class").returncode == 0
    index = json.loads((tmp_path / "class" / "key.json").read_text())
    subs = tmp_path / "subs"
    subs.mkdir()
    planted = {}

    def numeric_with_mistakes(q):  # a named mistake in both versions, and only numeric parts
        same = [p for v in index["versions"][:2] for p in v["problems"] if p["id"] == q["id"]]
        return all(p["mistakes"] and all(spec["kind"] not in ("expression", "choice") for spec in p["parts"].values())
                   for p in same)

    pid = next(q["id"] for q in index["versions"][0]["problems"] if numeric_with_mistakes(q))
    for s in range(6):
        version = index["versions"][s % 2]
        answers = {p["number"]: dict(p["answers"]) for p in version["problems"]}
        iou = next(p for p in version["problems"] if p["id"] == pid)
        if s < 3:  # plant the first named mistake of iou in three students
            mistake = iou["mistakes"][0]
            answers[iou["number"]].update(mistake["answers"])
            planted[mistake["name"]] = planted.get(mistake["name"], 0) + 1
        (subs / f"s{s}.json").write_text(json.dumps({"exam": version["exam"], "student": f"s{s}", "answers": answers}))
    r = run("analyze", tmp_path / "class" / "key.json", subs, "--out", tmp_path / "an")
    assert r.returncode == 0, r.stderr
    assert "Analysed 6 student(s)" in r.stdout
    a = json.loads((tmp_path / "an" / "analysis.json").read_text())
    assert a["students"] == 6
    iou = next(p for p in a["problems"] if p["id"] == pid)
    for p in a["problems"]:
        if p["id"] != pid:
            assert p["facility"] == pytest.approx(1.0)
    shares = []
    for s in range(6):  # expected: a planted student loses the points of each part the mistake moves
        key_iou = next(p for p in index["versions"][s % 2]["problems"] if p["id"] == pid)
        lost = sum(spec["points"] for part, spec in key_iou["parts"].items()
                   if s < 3 and part in key_iou["mistakes"][0]["answers"]
                   and not all_close(key_iou["mistakes"][0]["answers"][part], key_iou["answers"][part],
                                     spec["rtol"], spec["atol"]))
        shares.append(1 - lost / key_iou["points"])
    assert iou["facility"] == pytest.approx(np.mean(shares)) and iou["facility"] < 1
    counted = {m["name"]: m["count"] for m in a["mistakes"] if m["count"]}
    assert counted == planted
    md = (tmp_path / "an" / "analysis.md").read_text()
    for png in ("scores.png", "facility.png", "mistakes.png"):
        data = (tmp_path / "an" / png).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 1000
        assert f"]({png})" in md
    # the same class gives the same bytes
    assert run("analyze", tmp_path / "class" / "key.json", subs, "--out", tmp_path / "an2").returncode == 0
    for name in ("analysis.md", "analysis.json", "scores.png", "facility.png", "mistakes.png"):
        assert (tmp_path / "an" / name).read_bytes() == (tmp_path / "an2" / name).read_bytes(), name


def test_cli_bad_file_is_listed_and_exit_1_and_a_blank_sheet_is_left_out(tmp_path):
    assert run("generate", "--format", "md", "--out", tmp_path / "e").returncode == 0
    sheet = tmp_path / "e" / "answers.yaml"
    (tmp_path / "blank.yaml").write_text(sheet.read_text(encoding="utf-8"), encoding="utf-8")
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("expr: ~", "expr: 1/2"), encoding="utf-8")  # one answer
    (tmp_path / "bad.yaml").write_text("exam: [unclosed\n")
    r = run("analyze", tmp_path / "e" / "key.json", sheet, tmp_path / "bad.yaml", tmp_path / "blank.yaml",
            "--out", tmp_path / "an")
    assert r.returncode == 1 and "1 of 3" in r.stderr
    a = json.loads((tmp_path / "an" / "analysis.json").read_text())
    # the blank sheet (an absent student's, copied back with the folders) pulls no figure down
    assert a["students"] == 1 and len(a["not_graded"]) == 1 and a["blank"] == [str(tmp_path / "blank.yaml")]
    md = (tmp_path / "an" / "analysis.md").read_text(encoding="utf-8")
    assert "1 blank sheet(s) left out" in md
    assert "With 1 student these figures say little" in md   # a small class's α and r are no evidence


def test_between_groups_is_the_anova_numerator():
    values = np.array([1.0, 0.0, 0.5, 0.5, 1.0, 1.0])
    groups = np.array(list("aabbcc"))
    grand = values.mean()
    by_hand = sum(2 * (values[groups == g].mean() - grand) ** 2 for g in "abc")
    assert stats.between_groups(values, groups) == pytest.approx(by_hand)


def test_carried_forward_verdicts_are_counted():
    rows, key = graded([{1: {"a": 2, "b": 2}, 2: {"c": 3}}, {1: {"a": 2, "b": 2}, 2: {"c": 3}}])
    rows[0]["problems"][0]["parts"][1]["verdict"] = "carried"   # the grader's error-carried-forward verdict
    a = analyze(rows, key)
    assert a["problems"][0]["parts"][1]["carried_rate"] == 0.5
    assert a["problems"][0]["carried_rate"] == 0.25             # one of four answers to problem 1


# --- wrong answers no mistake explains: by their relation to the key --------------------------------
def test_a_roster_class_shows_one_unnamed_error_made_on_every_students_own_numbers(tmp_path):
    # Every student of a roster class has numbers of their own: no wrong value recurs within a
    # version, and the table of unexplained wrong answers was always empty. Four students halve
    # their dh/dξ: one row says so; two unrelated wrong IOUs are not lumped with each other.
    from fractions import Fraction

    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,name\n" + "".join(f"S{i},Student {i}\n" for i in range(6)), encoding="utf-8")
    spec = Path(__file__).parent / "data" / "small_spec.yaml"
    assert run("generate", "--spec", spec, "--roster", roster, "--seed", "4", "--format", "md",
               "--out", tmp_path / "class").returncode == 0
    versions = json.loads((tmp_path / "class" / "key.json").read_text(encoding="utf-8"))["versions"]
    assert len({v["exam"] for v in versions}) == 6
    subs = tmp_path / "subs"
    subs.mkdir()
    for s, version in enumerate(versions):
        answers = {p["number"]: {part: p["answers_exact"][part] for part in p["parts"]} for p in version["problems"]}
        deriv = next(p for p in version["problems"] if p["id"] == "activation-derivative")
        iou = next(p for p in version["problems"] if p["id"] == "iou")
        if s < 4:           # half of the right value, in every entry
            exact = deriv["answers_exact"]["dh_dxi"]
            half = [str(Fraction(x) / 2) for x in exact] if isinstance(exact, list) else str(Fraction(exact) / 2)
            answers[deriv["number"]]["dh_dxi"] = half
            assert all(m["answers"].get("dh_dxi") is None or not all_close(np.asarray(m["answers"]["dh_dxi"]) * 2,
                       deriv["answers"]["dh_dxi"], 0.01, 0.005) for m in deriv["mistakes"])   # no named mistake
        else:               # two unrelated wrong values
            answers[iou["number"]]["IOU"] = {4: 0.937, 5: 0.41}[s]
        (subs / f"s{s}.json").write_text(json.dumps({"exam": version["exam"], "student": version["student"],
                                                     "answers": answers}), encoding="utf-8")
    r = run("analyze", tmp_path / "class" / "key.json", subs, "--out", tmp_path / "an")
    assert r.returncode == 0, r.stderr
    a = json.loads((tmp_path / "an" / "analysis.json").read_text(encoding="utf-8"))
    (c,) = a["candidates"]
    assert (c["id"], c["part"], c["relation"], c["count"], c["versions"]) == ("activation-derivative", "dh_dxi",
                                                                              "halved", 4, 4)
    md = (tmp_path / "an" / "analysis.md").read_text(encoding="utf-8")
    assert "given = ½ × the key" in md and "| 4 | 4 |" in md, md


def _part(answer, exact, shape=(), rtol=0.01, atol=0.005):
    """The key's part `a` with this answer (a grade.KeyPart)."""
    kind = "scalar" if not shape else "vector" if len(shape) == 1 else "matrix"
    version = {"exam": "E1", "seed": 0, "bank": "b", "title": "T", "student": None, "points": 1.0, "problems": [
        {"number": 1, "id": "x", "title": "X", "points": 1.0, "answers": {"a": answer}, "answers_exact": {"a": exact},
         "parts": {"a": {"kind": kind, "shape": list(shape), "rtol": rtol, "atol": atol, "points": 1.0,
                         "variables": []}}, "mistakes": []}]}
    return prepare_key(version).versions["E1"].problems[1].parts["a"]


THREE_FIFTHS = _part(0.6, "3/5")
MATRIX = _part([[1.0, -2.0], [3.0, 0.5]], [["1", "-2"], ["3", "1/2"]], (2, 2))


@pytest.mark.parametrize("given, relation", [
    ("-3/5", "negated"), ("1.2", "doubled"), ("0.3", "halved"), ("5/3", "reciprocal"), ("0.4", "one-minus"),
    ("1.6", "plus-one"), ("-0.4", "minus-one"), ("6", "times-ten"), ("0.06", "tenth"),
    ("0.302", "halved"),          # within 1% of ½ × 3/5
])
def test_each_relation_of_a_number(given, relation):
    assert relations(THREE_FIFTHS, given) == {relation: None}


@pytest.mark.parametrize("given", ["0.7", "0.31", "0", "1/7", "0.6 …", "x", "[0.3, 0.3]"])
def test_a_number_no_relation_explains_has_none(given):
    # 0.31 is 3% off ½ × 3/5: beyond the tolerance; a cut-short or unreadable answer has none
    assert relations(THREE_FIFTHS, given) == {}


@pytest.mark.parametrize("given, relation", [
    ([[-1, 2], [-3, -0.5]], "negated"), ([[2, -4], [6, 1]], "doubled"), ("[[1/2, -1], [3/2, 1/4]]", "halved"),
    ([[1, -0.5], [1 / 3, 2]], "reciprocal"), ([[0, 3], [-2, 0.5]], "one-minus"), ([[2, -1], [4, 1.5]], "plus-one"),
    ([[0, -3], [2, -0.5]], "minus-one"), ([[10, -20], [30, 5]], "times-ten"), ([[0.1, -0.2], [0.3, 0.05]], "tenth"),
    ([[1, 3], [-2, 0.5]], "transposed"),
])
def test_each_relation_of_a_matrix_holds_in_every_entry(given, relation):
    found = relations(MATRIX, given if isinstance(given, str) else json.dumps(given))
    assert relation in found and set(found) - {relation} <= {"scaled", "shifted"}, found


def test_a_factor_or_an_amount_the_same_in_every_entry():
    assert relations(MATRIX, "[[3, -6], [9, 1.5]]") == {"scaled": 3.0}
    assert relations(MATRIX, "[[1.25, -1.75], [3.25, 0.75]]") == {"shifted": 0.25}
    # a non-square matrix given transposed (another shape) is the key transposed
    wide = _part([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], [["1", "2", "3"], ["4", "5", "6"]], (2, 3))
    assert relations(wide, "[[1, 4], [2, 5], [3, 6]]") == {"transposed": None}


def test_a_relation_must_hold_in_every_entry():
    assert relations(MATRIX, "[[2, -4], [6, 1.1]]") == {}          # doubled but one entry 10% off
    assert relations(MATRIX, "[[2, -4], [6, 0.5]]") == {}          # doubled but the last entry left as it was
    assert relations(MATRIX, "[[3, -6], [9, 2]]") == {}            # 3 × in three entries, 4 × in one
    assert relations(MATRIX, "[[1.25, -1.75], [3.25, 0.5]]") == {}  # + 1/4 in three entries only
    # the key the same in every entry: any answer the same in every entry is k × and c + it: neither is said
    flat = _part([0.36, 0.36, 0.36], ["9/25"] * 3, (3,))
    assert relations(flat, "[0.5, 0.5, 0.5]") == {} and relations(flat, "[0.72, 0.72, 0.72]") == {"doubled": None}


def test_the_sign_rule_of_the_grader_holds_for_a_relation_too():
    # 1/10 × 1/100 is 0.001: 0 and -0.001 are within 0.005 of it, but 0 is not right for a value
    # that is not 0, nor a value of the other sign
    tiny = _part(0.01, "1/100")
    assert relations(tiny, "0") == {} and relations(tiny, "-0.001") == {}
    assert relations(tiny, "0.001") == {"tenth": None}


def _class(*versions):
    """An index key of versions, each {"exam": id, "a": [answer of part a], ...}, and graded rows."""
    key = {"index": True, "versions": [
        {"exam": v["exam"], "seed": 0, "bank": "b", "title": "T", "student": None, "points": 1.0, "problems": [
            {"number": 1, "id": "x", "title": "X", "points": 1.0, "answers": {"a": v["a"]},
             "answers_exact": {"a": v["a_exact"]}, "mistakes": [],
             "parts": {"a": {"kind": "scalar", "shape": [], "rtol": 0.01, "atol": 0.005, "points": 1.0,
                             "variables": []}}}]} for v in versions]}
    return prepare_key(key)


def _analysed(key, sheets):
    rows = [grade_submission(key, {"exam": exam, "student": f"s{i}", "answers": {1: {"a": given}}})
            for i, (exam, given) in enumerate(sheets)]
    return analyze(rows, key)


ROSTER = _class({"exam": "V1", "a": 0.6, "a_exact": "3/5"}, {"exam": "V2", "a": 1.5, "a_exact": "3/2"},
                {"exam": "V3", "a": 4.0, "a_exact": "4"}, {"exam": "V4", "a": 0.25, "a_exact": "1/4"})


def test_unrelated_wrong_values_are_not_lumped_together():
    # each wrong, each on its own numbers, no two the same relation to their key: no row
    a = _analysed(ROSTER, [("V1", "1.2"), ("V2", "0.75"), ("V3", "-4"), ("V4", "0.9")])
    assert a["candidates"] == []
    assert "None: no wrong answer bears the same relation" in markdown(a)


def test_one_relation_across_versions_is_one_row_and_an_ambiguous_answer_joins_the_larger_group():
    # 4 → 5 is the key + 1 and not 2 ×; 1/4 → 5/4 is the key + 1 (and 5 ×); 3/2 → 5/2 the key + 1
    a = _analysed(ROSTER, [("V2", "5/2"), ("V3", "5"), ("V4", "1.25"), ("V1", "0.3")])
    (c,) = a["candidates"]
    assert (c["relation"], c["count"], c["versions"], c["says"]) == ("plus-one", 3, 3, "given = the key + 1")
    # 1 → 2 is both 2 × and + 1: it goes with the two doubled answers
    key = _class({"exam": "V1", "a": 1.0, "a_exact": "1"}, *[{"exam": f"V{i}", "a": float(i), "a_exact": str(i)}
                                                              for i in (2, 3)])
    (c,) = _analysed(key, [("V1", "2"), ("V2", "4"), ("V3", "6")])["candidates"]
    assert (c["relation"], c["count"]) == ("doubled", 3)


def test_a_shared_version_keeps_the_same_value_row_and_a_relation_joins_its_versions():
    shared = _class({"exam": "V1", "a": 3.0, "a_exact": "3"}, {"exam": "V2", "a": 5.0, "a_exact": "5"})
    a = _analysed(shared, [("V1", "7"), ("V1", "7"), ("V1", "1.5"), ("V2", "2.5"), ("V2", "2.5"), ("V2", "8")])
    half, seven = a["candidates"]
    assert (half["relation"], half["count"], half["versions"]) == ("halved", 3, 2)
    assert (seven["relation"], seven["exam"], seven["given"], seven["count"]) == (None, "V1", "7", 2)
    md = markdown(a)
    assert "| 1 | x | `a` | given = ½ × the key | 3 | 2 |" in md
    assert "| 1 | x | `a` | V1 | `7` | `3` | 2 |" in md
