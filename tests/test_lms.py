"""Moodle XML and Canvas QTI exports: every version of every slot, with the key's values, as the importers read them."""
import html
import json
import re
import xml.etree.ElementTree as ET
import zipfile
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from examgen.compare import BOUND_SLACK  # the stated bound is inclusive (3.3 for 10/3 is 1% off)
from examgen.lms import _escape_cloze

from helpers import run
from make_golden import GOLDEN, LMS_FILES, LMS_SPEC, build_lms

Q = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
CLOZE = re.compile(r"\{(\d+):NUMERICAL:=([-0-9.e+]+):([-0-9.e+]+)((?:~%0%[^~}]*?(?:\\.[^~}]*?)*)*)\}")


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    out = tmp_path_factory.mktemp("lms")
    # a fixed base seed: the same versions every run (seed 44 has a blank at exactly 1% of its value)
    r = run("generate", "--versions", "3", "--seed", "44", "--format", "moodle,qti", "--out", out)
    assert r.returncode == 0, r.stderr
    key = json.loads((out / "key.json").read_text(encoding="utf-8"))
    return out, key["versions"]


def key_numbers(problem: dict, point_text: dict) -> list[tuple[float, float]]:
    """(value, absolute tolerance) of every answer box of a key problem, in order, computed here:
    expressions with SymPy from the key's own text (an independent evaluator)."""
    out = []
    for name, spec in problem["parts"].items():
        value = problem["answers"][name]
        if spec["kind"] == "expression":
            at = {sp.Symbol(v): sp.Rational(q) for v, q in point_text[name].items()}
            names = {v: sp.Symbol(v) for v in spec["variables"]}
            names.update(ln=sp.log, sigma=lambda z: 1 / (1 + sp.exp(-z)), e=sp.E)
            value = float(sp.sympify(value, locals=names).subs(at))
        for v in np.asarray(value, dtype=float).ravel():
            out.append((float(v), max(spec["atol"], spec["rtol"] * abs(float(v)))))   # the grader's one rule
    return out


def points_stated(html: str, problem: dict) -> dict:
    """The point each expression part is asked at, read from the question text."""
    stated = {}
    for name, spec in problem["parts"].items():
        if spec["kind"] == "expression":
            m = re.search(rf"<code>{name}</code> Answer with a number: the value of the expression at (.*?)\.</p>", html)
            assert m, f"{problem['id']}: no point stated for {name}"
            stated[name] = dict(pair.split(" = ") for pair in m.group(1).split(", "))
    return stated


def test_moodle_has_every_version_of_every_slot_with_the_keys_values(export):
    out, versions = export
    root = ET.parse(out / "moodle.xml").getroot()
    assert root.tag == "quiz"
    categories, current = {}, None
    for q in root.findall("question"):
        if q.get("type") == "category":
            current = q.find("category/text").text
            assert current.startswith("$course$/top/")
            categories[current] = []
        else:
            categories[current].append(q)
    slots = [p["number"] for p in versions[0]["problems"]]
    assert len(categories) == len(slots)
    for (cat, qs), number in zip(categories.items(), slots):
        assert cat.endswith(f"/P{number} {versions[0]['problems'][number - 1]['id']}")
        assert [q.find("idnumber").text for q in qs] == [v["exam"] for v in versions]
        for q, v in zip(qs, versions):
            problem = v["problems"][number - 1]
            html = q.find("questiontext/text").text
            expected = key_numbers(problem, points_stated(html, problem))
            assert q.find("generalfeedback/text").text.strip(), "the worked solution is the general feedback"
            assert "$" not in html.replace("$course$", ""), "math is written for MathJax, \\( \\)"
            if q.get("type") == "numerical":
                (value, tol), = expected
                right = [a for a in q.findall("answer") if a.get("fraction") == "100"]
                assert len(right) == 1
                assert float(right[0].find("text").text) == pytest.approx(value, rel=1e-12, abs=1e-12)
                assert float(right[0].find("tolerance").text) == pytest.approx(tol, rel=1e-9)
                assert float(q.find("defaultgrade").text) == problem["points"]
                for a in q.findall("answer"):
                    if a.get("fraction") == "0":   # a named mistake: outside the right answer's tolerance
                        assert abs(float(a.find("text").text) - value) > tol
                        assert a.find("feedback/text").text
            else:
                assert q.get("type") == "cloze"
                boxes = CLOZE.findall(html)
                assert len(boxes) == len(expected), (problem["id"], len(boxes), len(expected))
                for (_weight, value, tol, wrongs), (v_key, t_key) in zip(boxes, expected):
                    assert float(value) == pytest.approx(v_key, rel=1e-12, abs=1e-12)
                    assert float(tol) == pytest.approx(t_key, rel=1e-9)
                    for w in re.findall(r"%0%([-0-9.e+]+):", wrongs):
                        assert abs(float(w) - v_key) > t_key


def test_moodle_cloze_weights_keep_the_parts_points(export):
    out, versions = export
    root = ET.parse(out / "moodle.xml").getroot()
    children = root.findall("question")
    at = next(i for i, q in enumerate(children) if q.get("type") == "category" and q.findtext("category/text").endswith(" iou"))
    q = children[at + 1]
    weights = [int(w) for w, *_ in CLOZE.findall(q.find("questiontext/text").text)]
    problem = next(p for p in versions[0]["problems"] if p["id"] == "iou")
    points = [s["points"] for s in problem["parts"].values()]
    assert np.allclose(np.array(weights) / sum(weights), np.array(points) / sum(points), atol=0.01)


def test_qti_zip_is_a_canvas_package_with_every_version(export):
    out, versions = export
    with zipfile.ZipFile(out / "qti.zip") as z:
        names = z.namelist()
        assert names == sorted(names) and "imsmanifest.xml" in names
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in z.infolist())
        manifest = ET.fromstring(z.read("imsmanifest.xml"))
        hrefs = [f.get("href") for f in manifest.iter("{http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1}file")]
        assert set(hrefs) <= set(names) and any(h.endswith(".xml") and "meta" not in h for h in hrefs)
        assessment = ET.fromstring(z.read(next(h for h in hrefs if "meta" not in h)))
    sections = [s for s in assessment.iter(f"{Q}section") if s.get("ident") != "root_section"]
    assert len(sections) == len(versions[0]["problems"])
    for sec, problem in zip(sections, versions[0]["problems"]):
        assert sec.find(f"{Q}selection_ordering/{Q}selection/{Q}selection_number").text == "1"
        ppi = sec.find(f"{Q}selection_ordering/{Q}selection/{Q}selection_extension/{Q}points_per_item").text
        assert float(ppi) == problem["points"]
        items = sec.findall(f"{Q}item")
        assert len(items) == len(versions)
        for item, v in zip(items, versions):
            key_problem = v["problems"][problem["number"] - 1]
            meta = {f.findtext(f"{Q}fieldlabel"): f.findtext(f"{Q}fieldentry")
                    for f in item.iter(f"{Q}qtimetadatafield")}
            assert meta["version"] == v["exam"] and float(meta["points_possible"]) == key_problem["points"]
            html = item.find(f"{Q}presentation/{Q}material/{Q}mattext").text
            expected = key_numbers(key_problem, points_stated(html, key_problem))
            if meta["question_type"] == "numerical_question":
                (value, tol), = expected
                assert float(item.find(f".//{Q}varequal").text) == pytest.approx(value, rel=1e-12, abs=1e-12)
                assert float(item.find(f".//{Q}vargte").text) == pytest.approx(value - tol, abs=1e-12)
                assert float(item.find(f".//{Q}varlte").text) == pytest.approx(value + tol, abs=1e-12)
            else:
                assert meta["question_type"] == "fill_in_multiple_blanks_question"
                lids = item.findall(f"{Q}presentation/{Q}response_lid")
                assert len(lids) == len(expected)
                for lid, (value, tol) in zip(lids, expected):
                    blank = lid.get("ident").removeprefix("response_")
                    assert f"[{blank}]" in html
                    spellings = [m.text for m in lid.iter(f"{Q}mattext") if m.get("texttype") == "text/plain"][1:]
                    decimals = [float(s) for s in spellings if re.fullmatch(r"-?\d+(\.\d*)?(e[-+]?\d+)?", s)]
                    assert decimals and all(abs(d - value) <= tol * BOUND_SLACK for d in decimals)   # inclusive bound


def test_exports_are_deterministic_and_match_golden_files(tmp_path):
    build_lms(tmp_path / "a")
    build_lms(tmp_path / "b")
    for f in LMS_FILES:
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f
    assert (tmp_path / "a" / "moodle.xml").read_text(encoding="utf-8") == (GOLDEN / "lms" / "moodle.xml").read_text(
        encoding="utf-8"), "moodle.xml differs from tests/golden/lms; if intended, run `make golden`"
    with zipfile.ZipFile(tmp_path / "a" / "qti.zip") as new, zipfile.ZipFile(GOLDEN / "lms" / "qti.zip") as old:
        assert new.namelist() == old.namelist()
        for name in new.namelist():
            assert new.read(name) == old.read(name), f"qti.zip:{name} differs from tests/golden/lms; run `make golden`"
    assert LMS_SPEC.is_file()


# Moodle's own cloze parser (question/type/multianswer/questiontype.php), in Python: PHP's
# variable-width lookbehind (?<!\\|&|&amp;) written as three fixed-width ones.
FRACTION = r"=|%(-?[0-9]+(?:[.,][0-9]*)?)%"
ANSWER = r".+?(?<!\\)(?<!&)(?<!&amp;)(?=[~#}]|$)"
FEEDBACK = r".*?(?<!\\)(?=[~}]|$)"
ALTERNATIVE = f"({FRACTION})?({ANSWER})(#({FEEDBACK}))?"
NUMBER = r"-?(([0-9]+[.,]?[0-9]*|[.,][0-9]+)([eE][-+]?[0-9]+)?)"
BOX = re.compile(r"\{([0-9]*):(NUMERICAL|NM|MULTICHOICE|MC):(" + ALTERNATIVE + "(~" + ALTERNATIVE + r")*)\}", re.S)


def moodle_boxes(text: str) -> list[tuple[str, str, list]]:
    """[(weight, type, [(fraction, answer, feedback as Moodle stores it)])], as Moodle extracts them."""
    boxes = []
    while m := BOX.search(text):
        rest, alts = m.group(3), []
        while rest and (a := re.match("~?" + ALTERNATIVE, rest, re.S)):
            fb = a.group(5)
            fb = html.unescape(fb).replace("\\}", "}").replace("\\#", "#") if fb is not None else ""
            alts.append((a.group(1) or "", a.group(3), fb))
            rest = rest[a.end():]
        boxes.append((m.group(1), m.group(2), alts))
        text = text[:m.start()] + "{#}" + text[m.end():]
    return boxes


def test_every_cloze_box_parses_as_moodle_parses_it(export):
    out, versions = export
    for q in ET.parse(out / "moodle.xml").getroot().findall("question[@type='cloze']"):
        text = q.find("questiontext/text").text
        boxes = moodle_boxes(text)
        assert len(boxes) == len(CLOZE.findall(text)) + text.count(":MULTICHOICE:") > 0
        for weight, kind, alts in boxes:
            assert int(weight) >= 1
            assert [a[0] for a in alts].count("=") == 1, alts
            if kind == "NUMERICAL":
                assert all(re.fullmatch(f"({NUMBER})(:{NUMBER})?", a[1]) for a in alts), alts
            for fraction, _, feedback in alts[1:]:
                assert fraction == "%0%" and feedback and "&#" not in html.unescape(feedback)


def test_cloze_feedback_survives_moodles_parser():
    message = 'a } b ~ c # d / e " f \\ g < h & i'
    box = "{1:NUMERICAL:=1.0:0.1~%0%2.0:0.1#" + _escape_cloze(html.escape(message)) + "}"
    (_, _, alts), = moodle_boxes(box)
    assert alts[1] == ("%0%", "2.0:0.1", html.escape(message))


def test_format_list_is_checked():
    r = run("generate", "--format", "moodle,scorm", "--out", "/nonexistent/never")
    assert r.returncode == 2 and "moodle" in r.stderr and "qti" in r.stderr


def test_choice_part_is_a_multichoice_box_with_each_misreading_named():
    from examgen.lms import Warnings, moodle_xml, qti_zip, questions

    entry = {"number": 1, "id": "concepts", "title": "Concepts", "points": 2.0, "solution": "Because.",
             "parts": {"choice": {"kind": "choice", "shape": [], "rtol": 0.01, "atol": 0.005, "points": 2.0}},
             "answers": {"choice": "b"}, "answers_exact": {"choice": "b"},
             "mistakes": [{"name": "first", "message": "Not a: x < 0 ~ } #", "answers": {"choice": "a"}},
                          {"name": "third", "message": "Not c.", "answers": {"choice": "c"}}]}
    warnings = Warnings()
    slots = questions([("v1", {"exam": "E1", "problems": [entry]}, ["Which? (a) (b) (c)"])], warnings)
    assert not warnings
    root = ET.fromstring(moodle_xml(slots, "T"))
    (q,) = [q for q in root if q.get("type") == "cloze"]
    html = q.find("questiontext/text").text
    box = re.search(r"\{(\d+):MULTICHOICE:(.*)\}", html).group(2)
    options = re.split(r"(?<!\\)~", box)
    assert [o.split("#")[0] for o in options] == ["a", "=b", "c"]
    (_, _, alts), = moodle_boxes(html)
    assert alts[0][2] == "Not a: x &lt; 0 ~ } #"               # as Moodle stores it: HTML
    with zipfile.ZipFile(__import__("io").BytesIO(qti_zip(slots, "T"))) as z:
        text = z.read(next(n for n in z.namelist() if n.count("/") and "meta" not in n)).decode()
    assert "fill_in_multiple_blanks_question" in text and ">(b)<" in text


def test_a_rosters_student_names_stay_out_of_the_question_bank():
    from examgen.lms import Warnings, questions

    entry = {"number": 1, "id": "p", "title": "P", "points": 1.0, "solution": "",
             "parts": {"x": {"kind": "scalar", "shape": [], "rtol": 0.01, "atol": 0.005, "points": 1.0}},
             "answers": {"x": 0.5}, "answers_exact": {"x": "1/2"}, "mistakes": []}
    slots = questions([("Ada Lovelace", {"exam": "E7-abc", "problems": [entry]}, ["?"]),
                       ("v02", {"exam": "E8-def", "problems": [entry]}, ["?"])], Warnings())
    assert [q.version for q in slots[1]] == ["E7-abc", "v02"]


def test_an_expression_is_asked_at_a_point_that_tells_it_from_its_mistakes():
    # σ(−u) in terms of h = σ(u): the right 1 − h and the mistake h agree at h = 1/2, where the
    # question was asked, so it answered itself and offered no wrong answer.
    from examgen.lms import Warnings, moodle_xml, questions

    entry = {"number": 1, "id": "activation-identity", "title": "Identities", "points": 2.0, "solution": "σ(−u) = 1 − σ(u).",
             "parts": {"expr": {"kind": "expression", "shape": [], "rtol": 0.01, "atol": 0.005, "points": 2.0,
                                "variables": ["h"], "functions": None}},
             "answers": {"expr": "1 - h"}, "answers_exact": {"expr": "1 - h"},
             "mistakes": [{"name": "sign", "message": "σ(−u) is not σ(u).", "answers": {"expr": "h"}}]}
    warnings = Warnings()
    slots = questions([("v1", {"exam": "E1", "problems": [entry]}, ["Write σ(−u) in terms of h."])], warnings)
    assert not warnings
    (q,) = [q for q in ET.fromstring(moodle_xml(slots, "T")) if q.get("type") == "numerical"]
    h = float(Fraction(re.search(r"at h = ([0-9/]+)", q.find("questiontext/text").text).group(1)))
    assert h != 0.5
    answers = {a.get("fraction"): float(a.findtext("text")) for a in q.findall("answer")}
    assert answers == {"100": pytest.approx(1 - h), "0": pytest.approx(h)}   # the mistake offered, and told apart


def test_a_canvas_items_blanks_share_a_score_of_exactly_100(export):
    # per-blank weights rounded to 2 places summed to 99.84 or 100.10: a fully right student
    # never got exactly the question's points
    out, versions = export
    with zipfile.ZipFile(out / "qti.zip") as z:
        texts = [z.read(n).decode() for n in z.namelist() if n.endswith(".xml") and "meta" not in n and "/" in n]
    seen = 0
    for item in (i for t in texts for i in ET.fromstring(t).iter(f"{Q}item")):
        adds = {}
        for cond in item.iter(f"{Q}respcondition"):
            var = cond.find(f"{Q}conditionvar/{Q}varequal")
            add = cond.find(f"{Q}setvar[@action='Add']")
            if var is not None and add is not None:
                adds[var.get("respident")] = add.text
        if adds:
            seen += 1
            assert sum(Fraction(x) for x in adds.values()) == 100, adds
    assert seen


def test_percentages_sum_to_100_whatever_the_rounding():
    from examgen.lms import _percentages

    for points in ([1.0] * 32, [1.0] * 3, [0.34, 0.33, 0.33], [5.0], [1.0, 2.0, 4.0, 8.0] * 7):
        shares = _percentages(points)
        assert sum(Fraction(x) for x in shares) == 100 and all(Fraction(x) >= 0 for x in shares), shares


def test_a_transposed_mistake_is_left_out_of_the_blanks_without_a_warning():
    # every export warned "mistake transposed-weight-gradient answers with another shape" for
    # any non-square weight gradient: a transposed answer cannot be typed into the blanks anyway
    from examgen.lms import Warnings, questions

    def entry(wrong):
        return {"number": 1, "id": "mlp-backprop", "title": "Backprop", "points": 2.0, "solution": "s",
                "parts": {"W": {"kind": "matrix", "shape": [2, 3], "rtol": 0.01, "atol": 0.005, "points": 2.0}},
                "answers": {"W": [[1, 2, 3], [4, 5, 6]]}, "answers_exact": {"W": [["1", "2", "3"], ["4", "5", "6"]]},
                "mistakes": [{"name": "odd", "message": "m", "answers": {"W": wrong}}]}

    warnings = Warnings()
    questions([("v1", {"exam": "E1", "problems": [entry([[1, 4], [2, 5], [3, 6]])]}, ["Find W."])], warnings)
    assert not warnings
    questions([("v1", {"exam": "E1", "problems": [entry([1, 2, 3, 4, 5, 6])]}, ["Find W."])], warnings)
    assert any("answers with another shape" in w for w in warnings)


def test_a_text_matching_lms_accepts_the_roundings_students_type_and_never_0_for_a_small_exact_value():
    from examgen.compare import tolerance
    from examgen.lms import _signed, _spellings

    def spell(value, exact):
        tol = _signed(value, float(tolerance(value, 0.01, 0.005)), True)
        return tol, _spellings(value, exact, tol)

    # Canvas took -1.12 for -9/8 but not -1.13 (half up, as by hand), nor .75 for 3/4
    assert {"-1.13", "-1.12", "-1.125"} <= set(spell(-9 / 8, "-9/8")[1])
    assert {"0.063", "0.062", ".0625"} <= set(spell(1 / 16, "1/16")[1]) and ".75" in spell(0.75, "3/4")[1]
    # the sign rule: for -1/243 neither Moodle's interval nor Canvas's texts may take 0 or +0.004
    tol, texts = spell(-1 / 243, "-1/243")
    assert -1 / 243 + tol < 0 and "-0.004" in texts and not any(float(t) >= 0 for t in texts[1:])
    # a drill key (a decimal) keeps the plain rule, as the grader does
    assert _signed(-0.0041, 0.005, False) == 0.005 and "-0.004" in _spellings(-0.0041, "-0.0041", 0.005, False)
