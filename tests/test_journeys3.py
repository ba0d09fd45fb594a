"""Defects found on the third round of student, instructor and new-user journeys, each pinned
where it was found: the grader's library function or the installed `examgen`."""
import csv
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

from examgen import grade

from helpers import run

# ---------------------------------------------------------------- 1: a coefficient before each log

@pytest.mark.parametrize("typed, shape, values", [
    # one row per line, as a block: a difference of logs each with its coefficient
    ("0  32/45 ln(2) - 32/45 ln(3)\n0  0", (2, 2), [0, 32 / 45 * math.log(2 / 3), 0, 0]),
    ("0  32/45 ln(2/3)\n0  0", (2, 2), [0, 32 / 45 * math.log(2 / 3), 0, 0]),
    ("[1/2 ln(2) + 1/3 ln(3) 0]", (2,), [math.log(2) / 2 + math.log(3) / 3, 0]),
    ("[ln(2) - 32/45 ln(3) 0]", (2,), [math.log(2) - 32 / 45 * math.log(3), 0]),
    ("[32/45 ln(3/2) 0]", (2,), [32 / 45 * math.log(3 / 2), 0]),          # the single function, as before
    ("[2 ln(3) 0]", (3,), [2, math.log(3), 0]),                           # MATLAB's count fits: its reading
])
def test_a_coefficient_before_a_sum_or_difference_of_logs_is_read(typed, shape, values):
    floats, _, bad, messages = grade.read_numbers(typed, "dL_dW1", shape)
    assert not messages and not bad.any()
    assert floats.ravel().tolist() == pytest.approx(values)


@pytest.mark.parametrize("typed, shape", [
    ("0  32/45 ln(2) -32/45 ln(3)\n0  0", (2, 2)),   # -32/45 ln(3): a third entry, or the difference?
    ("0  32/45 ln(2) - 32/45 ln(3)", (3,)),            # no reading has three entries
])
def test_a_row_no_reading_tells_apart_is_refused_saying_to_type_commas(typed, shape):
    floats, _, bad, messages = grade.read_numbers(typed, "dL_dW1", shape)
    assert bad.all() and len(messages) == 1
    what = ("dL_dW1: for the 2 × 2 matrix, put commas between its entries, a row per bracket: "
            if len(shape) == 2 else "dL_dW1: for its 3 entries, put commas between them: [a, b, …] ")
    assert messages[0].startswith(what), messages[0]                     # what to type, first
    assert "(read as one answer: '0 32/45' is ambiguous" in messages[0]   # then why one answer fails


# ---------------------------------------------------------------- 2, 3: a sheet YAML cannot read

@pytest.fixture(scope="module")
def iou_exam(tmp_path_factory):
    """A one-problem exam (iou, problem 1) and its blank sheet, made by the installed command."""
    out = tmp_path_factory.mktemp("iou")
    result = run("generate", "iou", "--format", "md", "--out", out)
    assert result.returncode == 0, result.stderr
    return out


def _grade_text(exam, text):
    """`examgen grade` of a sheet typed as `text` (its `exam: "E"` line made the exam's own id)."""
    sheet = exam / "answers_typed.yaml"
    exam_id = json.loads((exam / "key.json").read_text())["exam"]
    sheet.write_text(text.replace('exam: "E"', f'exam: "{exam_id}"'))
    return run("grade", exam / "key.json", sheet)


_HEAD = 'exam: "E"\nstudent: "Ada"\nanswers:\n'


@pytest.mark.parametrize("body, at", [
    ("  1:\n    I: 1\n   U: 13\n    IOU: 1/13\n", "line 6 column 4"),     # a part one space short
    ("  1:\n    I: 1\n      U: 13\n", "line 6 column 8"),                  # two spaces too many
    (" 1:\n    I: 1\n  2:\n    U: 1\n", "line 6 column 3"),               # a problem number off
])
def test_a_misindented_part_says_to_line_the_parts_up(iou_exam, body, at):
    result = _grade_text(iou_exam, _HEAD + body)
    assert result.returncode == 1 and "NOT GRADED" in result.stdout, (result.stdout, result.stderr)
    assert at in result.stdout and "check the indentation" in result.stdout
    assert "as on the blank sheet (2 spaces before a problem number, 4 before a part name)" in result.stdout


def test_a_part_outdented_to_a_problems_place_says_to_indent_it(iou_exam):
    # valid YAML (U is read as a problem of its own): graded, with a note saying where U belongs
    result = _grade_text(iou_exam, _HEAD + "  1:\n    I: 1\n  U: 13\n")
    assert result.returncode == 0, result.stderr
    assert ("note: answers: 'U' is not a problem number; ignored; if it is a part, indent it under its "
            "problem's number, as on the blank sheet (4 spaces before a part name)") in result.stdout


def test_a_misplaced_bracket_is_not_called_indentation(iou_exam):
    result = _grade_text(iou_exam, _HEAD + "  1: {I: [4,\n  2:\n    U: 1\n")
    assert "indentation" not in result.stdout


@pytest.mark.parametrize("ending", ["", "\n", "\n\n# done\n", "\n  2:\n    U: 1\n"])
def test_an_unclosed_bracket_is_named_where_it_was_opened_at_the_end_of_the_file_too(iou_exam, ending):
    result = _grade_text(iou_exam, _HEAD + "  1:\n    U: 13\n  3: {I: [4," + ending)
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "(the [ opened at line 6 column 10 is not closed)" in result.stdout, result.stdout


# ---------------------------------------------------------------- 4: a part given twice

@pytest.mark.parametrize("body, lines", [
    ("  1:\n    I: 1\n    I: 2\n", ["I: unreadable, 0/3.33; expected 2; given 1, then 2",
                                    "part I is given twice in problem 1; keep one answer (neither is graded)"]),
    ("  1:\n    U: 4\n    IOU: [1, 2]\n  1:\n    I: ~\n", ["U: unreadable, 0/3.33; expected 4; given 4, then (blank)",
                                                          "IOU: unreadable, 0/3.34; expected 1/2; given [1, 2], then (blank)"]),
])
def test_a_part_given_twice_shows_both_answers_beside_neither_is_graded(iou_exam, body, lines):
    result = _grade_text(iou_exam, _HEAD + body)
    for line in lines:
        assert line in result.stdout, result.stdout


def test_a_part_given_twice_in_json_shows_both_answers(iou_exam):
    sheet = iou_exam / "twice.json"
    sheet.write_text('{"answers": {"1": {"I": "1/8", "I": [1, 2]}}}')
    result = run("grade", iou_exam / "key.json", sheet, "--json")
    part = json.loads(result.stdout)["problems"][0]["parts"][0]
    assert (part["verdict"], part["given"]) == ("unreadable", "1/8, then [1, 2]"), part


# ---------------------------------------------------------------- 5: a sheet that names no one

def test_a_sheet_without_a_name_is_its_folders_marked_unnamed(tmp_path):
    """A class of versions made for no one (`--versions`), handed in one folder per student, the
    name left "": each row is its folder's name, marked (every row was 'answers')."""
    assert run("generate", "iou", "--versions", "2", "--format", "md", "--out", tmp_path / "cls").returncode == 0
    subs = tmp_path / "subs"
    for who, version, answer in (("ada", "v1", "~"), ("bo", "v2", "2"), ("cy", "v1", "3")):
        (subs / who).mkdir(parents=True)
        sheet = (tmp_path / "cls" / version / "answers.yaml").read_text()
        if who == "cy":
            sheet = sheet.replace('student: ""', 'student: "Cy"')
        (subs / who / "answers.yaml").write_text(sheet.replace("    I:   ~", f"    I: {answer}"))
    (subs / "dee.yaml").write_text((tmp_path / "cls" / "v2" / "answers.yaml").read_text().replace("    U:   ~", "    U: 1"))
    book, reports = tmp_path / "book.csv", tmp_path / "reports"
    result = run("grade", tmp_path / "cls" / "key.json", subs, "--gradebook", book, "--report", reports)
    assert result.returncode == 0, result.stderr
    names = sorted(row["name"] for row in csv.DictReader(book.open(encoding="utf-8-sig")))
    assert names == ["Cy", "bo (unnamed)", "dee (unnamed)"]          # ada's blank sheet: not submitted
    assert f"{subs / 'ada' / 'answers.yaml'}: ada (unnamed), exam" in result.stdout
    assert sorted(p.stem for p in reports.glob("*.md")) == ["Cy", "ada-unnamed", "bo-unnamed", "dee-unnamed"]


# ---------------------------------------------------------------- 6: α with one problem varying

def test_alpha_with_one_varying_problem_is_n_a_with_the_reason(tmp_path):
    assert run("generate", "iou", "total-derivative", "--format", "md", "--out", tmp_path / "e").returncode == 0
    key = json.loads((tmp_path / "e" / "key.json").read_text())
    right = key["problems"][0]["answers"]["I"]
    blank = (tmp_path / "e" / "answers.yaml").read_text()
    subs = tmp_path / "subs"
    subs.mkdir()
    for who, given in (("a", right), ("b", right + 1), ("c", right + 2)):   # problem 2 blank for all
        (subs / f"{who}.yaml").write_text(blank.replace('student: ""', f'student: "{who}"')
                                          .replace("    I:   ~", f"    I: {given:g}"))
    result = run("analyze", tmp_path / "e" / "key.json", subs, "--out", tmp_path / "an")
    assert result.returncode == 0, result.stderr
    why = "n/a (only one problem's score varies between students; α needs two or more that do)"
    assert f"Cronbach's alpha {why}" in result.stdout
    assert f"Cronbach's α (problems as items): {why}" in (tmp_path / "an" / "analysis.md").read_text()
    score = json.loads((tmp_path / "an" / "analysis.json").read_text())["score"]
    assert score["alpha"] is None and score["alpha_undefined"].startswith("only one problem's")


def test_alpha_with_two_varying_problems_is_unchanged():
    from examgen import stats

    rng = np.random.default_rng(3)
    for _ in range(200):
        x = rng.integers(0, 4, size=(rng.integers(2, 8), rng.integers(2, 5))).astype(float)
        varying = (x.var(axis=0, ddof=1) > 0).sum()
        total_var = x.sum(axis=1).var(ddof=1)
        if varying >= 2 and total_var > 0:
            k = x.shape[1]
            plain = k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / total_var)
            assert stats.cronbach_alpha(x) == pytest.approx(plain, abs=1e-12)
        else:
            assert stats.cronbach_alpha(x) is None and stats.alpha_undefined(x)


# ---------------------------------------------------------------- 7: README's command table

def _table_options(readme: str, command: str) -> set:
    row = next(line for line in readme.splitlines() if line.startswith(f"| `examgen {command} ")
               or line.startswith(f"| `examgen {command}`"))
    usage = row.split("`")[1]
    return set(re.findall(r"--[a-z][a-z-]*", usage))


@pytest.mark.parametrize("command", ["list", "show", "solve", "generate", "init-spec", "worksheet", "grade", "analyze"])
def test_the_readme_command_table_lists_every_option_help_lists(command):
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    helped = set(re.findall(r"^\s+(--[a-z][a-z-]*)(?:\s*/\s*(--[a-z][a-z-]*))?", run(command, "--help").stdout,
                            re.M))
    options = {o for pair in helped for o in pair if o} - {"--help"}
    assert _table_options(readme, command) == options


# ---------------------------------------------------------------- 8: solve --json's exact values

@pytest.mark.parametrize("problem_id", ["mlp-backprop", "lstm-forward"])
def test_solve_json_gives_exact_values_beside_the_floats(problem_id):
    """Several exam instances at once (solve takes a list): the floats as before, and each exact
    text reads (by the grader's reader) as its float."""
    from examgen import bank, expr

    problem = bank.get(problem_id)
    params = [problem.sample(seed, "exam").params_exact_json() for seed in range(3)]
    result = run("solve", problem_id, "--params", "-", "--json", input=json.dumps(params))
    assert result.returncode == 0, result.stderr
    for solved in json.loads(result.stdout):
        assert set(solved) == {"problem", "answers", "answers_exact"}
        for part, value in solved["answers"].items():
            exact = solved["answers_exact"][part]
            floats = np.ravel(value).tolist()
            texts = np.ravel(np.array(exact, dtype=object)).tolist()
            assert len(floats) == len(texts) and all(isinstance(t, str) for t in texts), (part, exact)
            assert [expr.number(t)[0] for t in texts] == pytest.approx(floats, rel=1e-9, abs=1e-12), part


def test_solve_json_of_decimals_has_no_exact_values():
    params = [{"ref": [0, 0, 2, 2], "roi": [1, 1, 3.5, 4]}, {"ref": [0, 0, 2, 2], "roi": [1, 1, 3, 4]}]
    decimals, exact = json.loads(run("solve", "iou", "--params", "-", "--json", input=json.dumps(params)).stdout)
    assert decimals["answers"]["IOU"] == pytest.approx(1 / 17) and decimals["answers_exact"] is None
    assert exact["answers"]["IOU"] == 1 / 15 and exact["answers_exact"] == {"I": "1", "U": "15", "IOU": "1/15"}
