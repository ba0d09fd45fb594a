"""The grader: full marks for the key's own answers, named mistakes, tolerances, hostile batches, CLI."""
import csv
import json
import os
import subprocess
import time

import numpy as np
import pytest
import yaml

from examgen import bank
from examgen import key as keys
from examgen.grade import Worker, grade_paths, grade_submission, prepare_key

from helpers import one_line_error

BANK = bank.load_bank()
SEEDS = range(50)


def make_key(instances, exam="E0-test"):
    entries = [keys.problem_entry(inst, n, 10) for n, inst in enumerate(instances, 1)]
    return {"exam": exam, "seed": 0, "bank": bank.bank_version(), "title": "Test", "student": None,
            "points": 10 * len(entries), "problems": entries}


def sheet(key, values, exam=None):
    return {"exam": exam or key["exam"], "student": "Ada", "answers": {e["number"]: values(e) for e in key["problems"]}}


def parts(result):
    return [(prob["id"], p) for prob in result["problems"] for p in prob["parts"]]


def moved(value, spec):
    """A value moved well beyond the part's tolerance."""
    if spec["kind"] == "expression":
        return f"({value}) + 1"
    if spec["kind"] == "choice":   # another of the choices (a letter that is none is unreadable)
        return next((c for c in spec.get("choices", []) if c != value), value + "-not")
    v = np.asarray(value, dtype=float)
    return (v + 5 * spec["rtol"] * np.abs(v) + 10 * spec["atol"]).tolist()


@pytest.mark.slow
@pytest.mark.parametrize("pid", list(BANK))
def test_key_answers_get_full_marks_and_moved_answers_do_not(pid):
    for profile in ("exam", "drill"):
        for seed in SEEDS:
            inst = BANK[pid].sample(seed, profile)
            key = make_key([inst])
            prepared = prepare_key(key)  # as the grader does: read once, grade every sheet against it
            exact = grade_submission(prepared, sheet(key, lambda e: e["answers_exact"]))
            decimal = grade_submission(prepared, sheet(key, lambda e: e["answers"]))
            assert exact["score"] == exact["max"] == decimal["score"], (pid, profile, seed, parts(exact))
            if profile == "exam":
                assert all(p["verdict"] == "correct" for _, p in parts(exact)), (pid, seed, parts(exact))
            assert all(p["verdict"] in ("correct", "within tolerance") for _, p in parts(decimal))
            entry = key["problems"][0]
            # every part moved, so later parts may follow from the moved earlier ones: no carry here
            off = grade_submission(prepared, sheet(key, lambda e: {k: moved(v, e["parts"][k]) for k, v in e["answers"].items()}),
                                   carry_forward=False)
            assert all(p["verdict"] == "wrong" and p["points"] < p["max"] for _, p in parts(off)), (pid, seed, parts(off))
            assert entry["points"] == 10


@pytest.mark.parametrize("pid", list(BANK))
def test_each_mistake_is_graded_wrong_and_named(pid):
    from examgen.compare import all_close

    named = 0
    for profile in ("exam", "drill"):
        for seed in range(20):
            key = make_key([BANK[pid].sample(seed, profile)])
            entry, prepared = key["problems"][0], prepare_key(key)
            for m in entry["mistakes"]:
                # without carry-forward: a later part consistent with the mistake is tests/test_carry.py's
                result = grade_submission(prepared, sheet(key, lambda e: m["answers"]), carry_forward=False)
                for _, p in parts(result):
                    if p["part"] not in m["answers"]:
                        assert p["verdict"] == "blank"
                        continue
                    spec, right = entry["parts"][p["part"]], entry["answers"][p["part"]]
                    if spec["kind"] not in ("expression", "choice") and np.shape(right) == np.shape(m["answers"][p["part"]]) \
                            and all_close(m["answers"][p["part"]], right, spec["rtol"], spec["atol"]):
                        continue  # this mistake happens to give the right value here
                    assert p["verdict"] == "wrong", (pid, seed, m["name"], p)
                    assert p["mistake"] is not None, (pid, seed, m["name"], p)
                    same = [x for x in entry["mistakes"] if x["name"] == p["mistake"]][0]
                    assert same["message"] in p["feedback"]
                    named += 1
    assert named > 0 or not BANK[pid].mistakes


def iou_key():
    # ref 0,0,2,2 and roi 1,1,2,2: I = 1, U = 7, IOU = 1/7
    inst = BANK["iou"].from_params({"ref": [0, 0, 2, 2], "roi": [1, 1, 2, 2]})
    inst.seed, inst.profile = 0, "exam"
    return make_key([inst])


def test_equivalent_number_forms():
    key = iou_key()
    for given, verdict in [("1/7", "correct"), (0.142857142857142857, "within tolerance"), ("0.1429", "within tolerance"),
                           (".143", "within tolerance"), ("2/14", "correct"), ("1/(1+6)", "correct"), ("0.15", "wrong")]:
        r = grade_submission(key, {"exam": key["exam"], "answers": {1: {"I": 1, "U": "7", "IOU": given}}})
        iou = r["problems"][0]["parts"][2]
        assert iou["verdict"] == verdict, (given, iou)
    r = grade_submission(key, {"exam": key["exam"], "answers": {1: {"U": 8}}})
    u = r["problems"][0]["parts"][1]
    assert u["verdict"] == "wrong" and u["mistake"] == "union-without-intersection"


def expression_key(answer, variables, mistakes=()):
    return {"exam": "E0-x", "points": 4, "problems": [{
        "number": 1, "id": "activation-identity", "title": "t", "points": 4,
        "parts": {"expr": {"kind": "expression", "shape": [], "rtol": 0.01, "atol": 0.005, "points": 2, "variables": variables},
                  "v": {"kind": "scalar", "shape": [], "rtol": 0.01, "atol": 0.005, "points": 2, "variables": []}},
        "answers": {"expr": answer, "v": float(np.log(2))}, "answers_exact": {"expr": answer, "v": "ln(2)"},
        "mistakes": [{"name": n, "message": msg, "answers": {"expr": a}} for n, msg, a in mistakes]}]}


def test_equivalent_expressions_and_log_values():
    key = expression_key("h*(1 - h)", ["h"], [("sigma-for-derivative", "You used σ(ξ) where σ′(ξ) belongs", "h")])
    cases = [("h - h^2", "ln(2)", "correct", "correct"), ("h(1-h)", "0.693", "correct", "within tolerance"),
             ("-h*h + h", 0.6931, "correct", "within tolerance"), ("1 - h^2", "ln(3)", "wrong", "wrong"),
             ("h", "0.75", "wrong", "wrong")]
    for e, v, ve, vv in cases:
        r = grade_submission(key, {"exam": "E0-x", "answers": {"1": {"expr": e, "v": v}}})
        pe, pv = r["problems"][0]["parts"]
        assert (pe["verdict"], pv["verdict"]) == (ve, vv), (e, v, pe, pv)
    r = grade_submission(key, {"exam": "E0-x", "answers": {"1": {"expr": "h"}}})
    assert "σ′(ξ) belongs" in r["problems"][0]["parts"][0]["feedback"]


def matrix_key():
    inst = BANK["mlp-backprop"].sample(1, "exam")
    return make_key([inst]), inst


def test_matrices_shape_transpose_and_partial_credit():
    key, inst = matrix_key()
    entry = key["problems"][0]
    W = np.asarray(entry["answers"]["dL_dW2"])
    name = "dL_dW1"
    W1 = np.asarray(entry["answers"][name])
    pts = entry["parts"][name]["points"]

    def grade(value, partial=True):
        r = grade_submission(key, {"exam": key["exam"], "answers": {1: {name: value}}}, partial=partial)
        return [p for p in r["problems"][0]["parts"] if p["part"] == name][0]

    if W1.shape[0] != W1.shape[1]:
        p = grade(W1.T.tolist())
        assert p["verdict"] == "wrong" and "transpose" in p["feedback"], p
    p = grade([1, 2])
    assert p["verdict"] == "wrong" and "wrong shape" in p["feedback"]
    bad = W1.copy()
    bad[0, 0] += 5
    p = grade(bad.tolist())
    n = W1.size   # (half of this key's entries are 0: not sparse, so every entry counts)
    assert p["verdict"] == "wrong" and p["points"] == pytest.approx(round(pts * (n - 1) / n, 2)) and "1 of" in p["feedback"]
    assert grade(bad.tolist(), partial=False)["points"] == 0
    p = grade([["x"] * W1.shape[1]] * W1.shape[0])
    assert p["verdict"] == "unreadable"
    one_bad = W1.tolist()
    one_bad[-1][-1] = "2 +* 3"    # one unreadable entry costs that entry only
    p = grade(one_bad)
    assert p["verdict"] == "wrong" and p["points"] == pytest.approx(round(pts * (n - 1) / n, 2)), p
    assert f"{name}[{W1.shape[0] - 1}][{W1.shape[1] - 1}]" in p["feedback"], p
    assert W.ndim == 2


def test_one_unreadable_part_costs_nothing_else():
    key = iou_key()
    r = grade_submission(key, {"exam": key["exam"], "answers": {1: {"I": "import os", "U": 7, "IOU": {"a": 1}}}})
    v = [p["verdict"] for p in r["problems"][0]["parts"]]
    assert v == ["unreadable", "correct", "unreadable"] and r["score"] == pytest.approx(3.33)


def test_worker_is_killed_on_timeout_and_restarts():
    w = Worker()
    t = time.perf_counter()
    with pytest.raises(TimeoutError):
        w.run(time.sleep, (30,), 0.5)
    assert time.perf_counter() - t < 5
    assert w.run(abs, (-2,), 10) == 2
    w.stop()


# --- batches and the command line ------------------------------------------------------------------
HOSTILE = {
    "inject.yaml": "answers:\n  1: {I: \"__import__('os').system('touch /tmp/examgen-pwned')\", U: 7, IOU: 1/7}\n",
    "attr.yaml": "answers:\n  1: {I: ().__class__.__bases__, U: 'lambda: 1', IOU: '[x for x in ()]'}\n",
    "power.yaml": "answers:\n  1: {I: '10**10**10', U: 'factorial(10**9)', IOU: '9^9^9'}\n",
    "deep.yaml": "answers:\n  1: {I: '" + "-(" * 60 + "1" + ")" * 60 + "'}\n",
    "laughs.yaml": "a: &a [1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nanswers: {1: {I: *b}}\n",
    "tag.yaml": "answers: !!python/object/apply:os.system ['touch /tmp/examgen-pwned']\n",
    "types.yaml": "answers:\n  1: {I: true, U: {a: 1}, IOU: [[1], [2, 3]]}\n",
    "nan.json": '{"answers": {"1": {"I": NaN, "U": Infinity, "IOU": ".inf"}}}',
    "junk.yaml": b"\x00\x01\x02\xff binary junk",
    "huge.yaml": "# " + "x" * 1_100_000 + "\n",
    "list.json": "[1, 2, 3]",
}


@pytest.fixture
def class_dir(tmp_path):
    key = iou_key()
    (tmp_path / "key.json").write_text(keys.dumps(key))
    d = tmp_path / "class"
    d.mkdir()
    (d / "good.yaml").write_text(yaml.safe_dump({"exam": key["exam"], "student": "=cmd|' /C calc'!A0",
                                                 "answers": {1: {"I": 1, "U": 7, "IOU": "1/7"}}}))
    (d / "other.yaml").write_text(yaml.safe_dump({"exam": "E9-nothere", "answers": {1: {"I": 1}}}))
    for name, data in HOSTILE.items():
        (d / name).write_bytes(data if isinstance(data, bytes) else data.encode())
    return tmp_path


def test_hostile_batch_is_graded_in_bounded_time(class_dir):
    t = time.perf_counter()
    results = grade_paths(class_dir / "key.json", [class_dir / "class"])
    assert time.perf_counter() - t < 20
    by = {os.path.basename(r["file"]): r for r in results}
    assert by["good.yaml"]["score"] == by["good.yaml"]["max"] == 10
    for name in ("laughs.yaml", "tag.yaml", "junk.yaml", "huge.yaml", "list.json", "other.yaml"):
        assert by[name]["status"] == "error" and by[name]["error"], name
    for name in ("inject.yaml", "attr.yaml", "power.yaml", "deep.yaml", "types.yaml", "nan.json"):
        r = by[name]
        assert r["status"] == "graded", (name, r["error"])
        bad = [p for _, p in parts(r) if p["verdict"] in ("unreadable", "wrong")]
        assert bad and all(p["feedback"] for p in bad), name
    assert by["inject.yaml"]["problems"][0]["parts"][1]["verdict"] == "correct"
    assert "E9-nothere" in by["other.yaml"]["error"]
    assert not os.path.exists("/tmp/examgen-pwned")


def run(*args):
    return subprocess.run(["examgen", *map(str, args)], capture_output=True, text=True, timeout=120)


def test_cli_batch_exit_codes_gradebook_reports_and_rerun(class_dir):
    key, folder = class_dir / "key.json", class_dir / "class"
    book, reports = class_dir / "grades.csv", class_dir / "reports"
    first = run("grade", key, folder, "--gradebook", book, "--report", reports)
    assert first.returncode == 1, first.stderr
    assert "could not be graded" in first.stderr and "good.yaml" in first.stdout
    rows = list(csv.DictReader(book.open(encoding="utf-8-sig")))
    assert len(rows) == len(HOSTILE) + 2
    good = [r for r in rows if r["file"].endswith("good.yaml")][0]
    assert good["total"] == "10" and good["P1"] == "10" and good["status"] == "graded"
    assert good["name"].startswith("'=")  # no spreadsheet formula from a student's name
    assert all(r["notes"] for r in rows if r["status"] == "could not be graded")
    text = book.read_bytes()
    again = run("grade", key, folder, "--gradebook", book, "--json")
    assert book.read_bytes() == text and again.returncode == 1
    assert len(json.loads(again.stdout)) == len(rows)
    assert len(list(reports.glob("*.md"))) == len(rows)

    ok = run("grade", key, folder / "good.yaml", "--json")
    assert ok.returncode == 0
    out = json.loads(ok.stdout)
    assert (out["score"], out["max"], out["exam"]) == (10, 10, "E0-test")
    assert run("grade", key, folder / "missing.yaml").returncode == 2
    assert run("grade", class_dir / "nokey.json", folder).returncode == 2


def test_index_key_routes_each_file_to_its_version(tmp_path):
    a = iou_key()
    inst = BANK["iou"].from_params({"ref": [0, 0, 2, 2], "roi": [0, 0, 1, 1]})  # I = 1, U = 4
    inst.seed, inst.profile = 1, "exam"
    b = make_key([inst], exam="E1-other")
    index = {"index": True, "bank": a["bank"], "versions": [a, b]}
    (tmp_path / "key.json").write_text(keys.dumps(index))
    (tmp_path / "a.yaml").write_text(yaml.safe_dump({"exam": "E0-test", "answers": {1: {"U": 7}}}))
    (tmp_path / "b.yaml").write_text(yaml.safe_dump({"exam": "E1-other", "answers": {1: {"U": 4}}}))
    (tmp_path / "c.yaml").write_text(yaml.safe_dump({"answers": {1: {"U": 4}}}))
    ra, rb, rc = grade_paths(tmp_path / "key.json", [tmp_path])
    assert ra["exam"] == "E0-test" and rb["exam"] == "E1-other"
    assert ra["problems"][0]["parts"][1]["verdict"] == rb["problems"][0]["parts"][1]["verdict"] == "correct"
    assert rc["status"] == "error" and "exam version" in rc["error"]
    assert prepare_key(index).index


def test_blank_template_from_generate_scores_zero_and_says_it_is_a_blank_sheet(tmp_path):
    assert run("generate", "--out", tmp_path / "exam", "--format", "md").returncode == 0
    r = run("grade", tmp_path / "exam" / "key.json", tmp_path / "exam" / "answers.yaml", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["score"] == 0 and out["status"] == "graded"
    assert all(p["verdict"] == "blank" for prob in out["problems"] for p in prob["parts"])
    blank = "answers.yaml has no answers: a blank sheet, counted as not submitted"
    assert out["notes"] == [blank] and out["notes_by_kind"] == {"blank sheet": blank}
    # said on the terminal too, with the result (exit code 0: the sheet was read); the gradebook
    # has no total for it
    book = tmp_path / "book.csv"
    r = run("grade", tmp_path / "exam" / "key.json", tmp_path / "exam" / "answers.yaml", "--gradebook", book)
    assert r.returncode == 0, r.stderr
    # no name on the sheet: its folder's name, marked (it was 'answers', every sheet's file name)
    assert r.stdout.splitlines()[:2] == [f"{tmp_path / 'exam' / 'answers.yaml'}: exam (unnamed), exam {out['exam']}: "
                                         f"0 / {out['max']:g} points", f"  note: {blank}"]
    assert "1 student(s) handed in a blank sheet, counted as not submitted" in r.stderr
    row = list(csv.DictReader(book.open(encoding="utf-8-sig")))[0]
    assert (row["total"], row["max"], row["status"], row["notes"]) == ("", f"{out['max']:g}", "not submitted", blank)


def test_an_answer_file_given_first_says_to_give_the_key_first(tmp_path):
    # `examgen grade answers.yaml key.json` (the arguments swapped) said only "not valid JSON"
    assert run("generate", "--out", tmp_path / "exam", "--format", "md").returncode == 0
    sheet_yaml, key_json = tmp_path / "exam" / "answers.yaml", tmp_path / "exam" / "key.json"
    sheet_json = tmp_path / "answers.json"
    sheet_json.write_text(json.dumps(yaml.safe_load(sheet_yaml.read_text())))
    for first in (sheet_yaml, sheet_json):
        one_line_error(run("grade", first, key_json), "it is an answer file: give the key first",
                       "examgen grade KEY.json ANSWERS")


def test_expression_part_honours_the_functions_the_key_allows():
    key = expression_key("2*sigma(2*xi) - 1", ["xi"])
    key["problems"][0]["parts"]["expr"]["functions"] = ["sigma", "exp"]
    got = {}
    for given in ("tanh(xi)", "2σ(2ξ) - 1"):
        r = grade_submission(key, {"exam": "E0-x", "answers": {1: {"expr": given}}})
        got[given] = r["problems"][0]["parts"][0]
    assert got["tanh(xi)"]["verdict"] == "wrong" and "without tanh" in got["tanh(xi)"]["feedback"]
    assert got["2σ(2ξ) - 1"]["verdict"] == "correct"


def test_e_to_a_power_is_the_exponential_where_the_key_allows_no_exp():
    # `1/(1+exp(2xi-1))` was refused for a question without exp, but `1/(1+e^(2ξ-1))` got full marks
    key = expression_key("sigma(1 - 2*xi)", ["xi"])
    key["problems"][0]["parts"]["expr"]["functions"] = ["sigma"]

    def grade(given, v="ln 2"):
        r = grade_submission(key, {"exam": "E0-x", "answers": {1: {"expr": given, "v": v}}})
        return r["problems"][0]["parts"]

    for given in ("1/(1+exp(2xi-1))", "1/(1+e^(2ξ-1))", "1/(1 + e**(2*xi - 1))", "1/(1 + e^(-(1 - 2ξ)))"):
        p = grade(given)[0]
        assert p["verdict"] == "wrong" and p["points"] == 0, (given, p)
        assert p["feedback"].startswith("the question asks for an answer without exp (functions allowed: sigma)"), p
        assert ("e^(…) is exp(…)" in p["feedback"]) == ("exp(" not in given), p
    # e to a constant power is a number; a numeric part has no function list
    assert grade("σ(1 - 2ξ)·e^2/e^2")[0]["verdict"] == "correct"
    assert grade("σ(1 - 2ξ)", v="ln(2) - 1/e + e^(-1)")[1]["verdict"] == "correct"


def test_the_terminal_summary_says_what_was_expected_once():
    from examgen.gradebook import text

    def part(name, feedback):
        return {"part": name, "verdict": "wrong", "points": 0, "max": 2, "expected": "2",
                "expected_decimal": None, "given": "3", "feedback": feedback}

    result = {"file": "ada.yaml", "student": "Ada", "status": "graded", "exam": "E0-x", "score": 0,
              "max": 4, "notes": [], "problems": [{"number": 6, "title": "IOU", "id": "iou", "score": 0,
                                                   "max": 4, "parts": [part("I", "expected 2"),
                                                                       part("U", "1 of 2 entries wrong")]}]}
    shown = text(result)
    assert shown.count("expected 2") == 2, shown   # once on each part's line, not again below I
    assert "     ✗ I: wrong, 0/2; expected 2; given 3\n     ✗ U:" in shown
    assert "\n         1 of 2 entries wrong\n" in shown


def test_a_named_mistake_and_the_entries_it_got_wrong_read_as_two_sentences():
    # "…factor 1/n. (2 of 2 entries wrong (at index 0, 1, counting from 0))" nested its brackets
    seen = 0
    for seed in range(30):
        key = make_key([BANK["mlp-backprop"].sample(seed)])
        for m in key["problems"][0]["mistakes"]:
            for _, p in parts(grade_submission(key, sheet(key, lambda e: m["answers"]), carry_forward=False)):
                if p["mistake"] and "entries wrong" in p["feedback"]:
                    message = [x for x in key["problems"][0]["mistakes"] if x["name"] == p["mistake"]][0]["message"]
                    rest = p["feedback"][len(message):]
                    assert p["feedback"].startswith(message) and rest[:2] in (" 1", " 2", " 3", " 4", " 5", " 6")
                    assert rest.endswith(".") and "counting from 0)" in rest and "))" not in rest, p["feedback"]
                    seen += 1
    assert seen


def test_a_mistake_made_in_most_of_its_places_is_named():
    """The tester's case: "passed the gradient through where h = 0" in 3 of its 4 windows."""
    named = 0
    for seed in range(30):
        key = make_key([BANK["maxpool-backward"].sample(seed, "exam")])
        prepared, entry = prepare_key(key), key["problems"][0]
        right = np.asarray(entry["answers"]["dL_dxi"])
        for m in entry["mistakes"]:
            wrong = np.asarray(m["answers"]["dL_dxi"])
            changed = np.argwhere(wrong != right)
            if len(changed) < 3:
                continue
            partly = wrong.copy()
            partly[tuple(changed[0])] = right[tuple(changed[0])]    # made in all its places but one
            p = grade_submission(prepared, sheet(key, lambda e: {"dL_dxi": partly.tolist()}))["problems"][0]["parts"][0]
            assert p["mistake"] == m["name"] and f"in {len(changed) - 1} of the {len(changed)} entries" in p["feedback"], p
            named += 1
            half = right.copy()                                      # made in only half its places: not named
            for i in changed[: len(changed) // 2]:
                half[tuple(i)] = wrong[tuple(i)]
            p = grade_submission(prepared, sheet(key, lambda e: {"dL_dxi": half.tolist()}))["problems"][0]["parts"][0]
            assert p["mistake"] is None, p
            other = partly.copy()                                    # and another error beside it: not named
            other[tuple(changed[0])] = 7
            p = grade_submission(prepared, sheet(key, lambda e: {"dL_dxi": other.tolist()}))["problems"][0]["parts"][0]
            assert p["mistake"] is None, p
    assert named > 5


def test_a_square_channel_given_transposed_is_named_and_earns_nothing():
    # conv2d-forward's 3 × 3 × 1 ξ given transposed earned the share of its diagonal (a third),
    # as "6 of 9 entries wrong", where a 3 × 3 matrix's transpose is named and graded wrong
    def square(inst):
        xi = np.asarray(inst.values["xi"], dtype=float)
        return xi.shape[2] == 1 and xi.shape[0] == xi.shape[1] and not np.allclose(xi[:, :, 0], xi[:, :, 0].T)

    inst = next(i for i in (BANK["conv2d-forward"].sample(s, "exam") for s in range(40)) if square(i))
    key = make_key([inst])
    xi = np.asarray(key["problems"][0]["answers"]["xi"], dtype=float)[:, :, 0]
    r = grade_submission(key, {"exam": key["exam"], "answers": {1: {"xi": xi.T.tolist()}}})
    p = r["problems"][0]["parts"][0]
    assert p["verdict"] == "wrong" and p["points"] == 0 and "transpose" in p["feedback"], p


def test_a_report_gives_the_expected_value_of_a_plain_wrong_answer_once():
    # "- **`h`**: expected 3/2" followed by "The answer is `3/2`."
    from examgen.gradebook import report

    inst = BANK["activation-derivative"].sample(4, "exam")
    key = make_key([inst])
    result = grade_submission(key, sheet(key, lambda e: {k: moved(v, e["parts"][k]) for k, v in e["answers"].items()}))
    wrong = [p for _, p in parts(result) if p["verdict"] == "wrong" and not p["mistake"]]
    assert wrong and wrong[0]["feedback"].startswith("expected ")
    text = report(result)
    shown = wrong[0]["expected"]
    assert text.count(f"The answer is `{shown}") == 1 and f"`{wrong[0]['part']}`**: not the expected value." in text
    bullet = next(line for line in text.splitlines() if line.startswith(f"- **`{wrong[0]['part']}`**"))
    assert bullet.endswith(": not the expected value.") and shown not in bullet
