"""Fair grading: every right answer in every form a careful marker accepts keeps every point;
truly ambiguous forms are refused with both readings and what to type."""
import json
import math
import re
import time

import numpy as np
import pytest

from examgen import answers, bank, expr
from examgen import key as keys
from examgen.compare import SIGN_RULE, TOLERANCE_RULE, all_close, close, compare, fit_shape
from examgen.grade import channel_keys, grade_submission, prepare_key

BANK = bank.load_bank()


def make_key(inst, exam="E0-fair"):
    entry = keys.problem_entry(inst, 1, 10)
    return {"exam": exam, "seed": 0, "bank": bank.bank_version(), "title": "T", "student": None,
            "points": 10, "problems": [entry]}


def graded(key, given, prepared=None):
    """The result of one answer sheet; `prepared`: the key already read (prepare_key), to grade many sheets."""
    return grade_submission(prepared or key, {"exam": key["exam"], "answers": {1: given}})


def lost(result):
    return [(p["part"], p["verdict"], p["given"], p["feedback"]) for p in result["problems"][0]["parts"]
            if p["points"] < p["max"]]


# --- the forms students write ----------------------------------------------------------------------
def student_text(text: str) -> str:
    """An exact key text written the way a student copies it from the PDF or types it."""
    unambiguous = r"(?=\s*(?:[-+),\]]|$))"   # only where nothing after it could belong to it
    t = re.sub(r"\bln\((\d+)\)" + unambiguous, r"ln \1", text)   # ln(2) → ln 2
    t = re.sub(r"\bln\((\d+)\)", r"ln(\1)", t)
    t = re.sub(r"\bsqrt\((\d+)\)", r"√\1", t)                   # sqrt(2) → √2
    t = re.sub(r"\bexp\(([^()]*)\)", r"e^(\1)", t)              # exp(-1) → e^(-1)
    t = t.replace("sigma(", "σ(").replace("xi", "ξ")
    return t.replace("**", "^").replace("*", "·").replace("-", "−")


def latex_text(text: str) -> str:
    """A rational key text as the PDF prints it: 3/4 → \\frac{3}{4}, -1/2 → -\\frac{1}{2}."""
    m = re.fullmatch(r"(-?)(\d+)/(\d+)", text)
    return f"{m.group(1)}\\frac{{{m.group(2)}}}{{{m.group(3)}}}" if m else text


def texts(value, convert):
    if isinstance(value, list):
        return [texts(v, convert) for v in value]
    return convert(value) if isinstance(value, str) else value


def reshaped_forms(value, shape):
    """Every other accepted layout of an answer of `shape`."""
    a = np.asarray(value, dtype=object)
    forms = []
    if a.ndim == 0:
        forms += [[value], [[value]]]
    elif a.ndim == 1:
        forms += [[[v] for v in a.tolist()], [a.tolist()]]          # a column, a row
    elif a.ndim == 2 and 1 in a.shape:
        forms.append(a.reshape(-1).tolist())                         # a flat list for 1 × K or K × 1
    elif a.ndim >= 3:
        squeezed = a.reshape([n for n in a.shape if n != 1] or [1])
        if squeezed.ndim < a.ndim:
            forms.append(squeezed.tolist())                          # size-1 axes dropped
        if len(channel_keys(a.shape)) > 1:
            forms.append({c: a[(slice(None), slice(None)) + idx].tolist()
                          for c, idx in zip(channel_keys(a.shape), np.ndindex(*a.shape[2:]))})
    return forms


@pytest.mark.parametrize("pid", list(BANK))
def test_key_answers_in_every_accepted_form_keep_every_point(pid, grading_seeds):
    for seed in grading_seeds:
        inst = BANK[pid].sample(seed, "exam")
        key = make_key(inst)
        entry = key["problems"][0]
        exact, decimal = entry["answers_exact"], entry["answers"]
        numeric = {p for p, s in entry["parts"].items() if s["kind"] not in ("expression", "choice")}
        sheets = {
            "student syntax": {p: texts(v, student_text) for p, v in exact.items()},
            "latex": {p: texts(v, latex_text) if p in numeric else v for p, v in exact.items()},
            "decimals": {p: decimal[p] if p in numeric else exact[p] for p in exact},
        }
        for p in numeric:
            for i, form in enumerate(reshaped_forms(exact[p], entry["parts"][p]["shape"])):
                sheets.setdefault(f"layout {i}", dict(exact))[p] = form
        prepared = prepare_key(key)  # as the grader does: read once, grade every sheet against it
        for name, given in sheets.items():
            r = graded(key, given, prepared)
            assert r["score"] == r["max"], (pid, seed, name, lost(r))


def test_multi_channel_answers_are_written_and_read_channel_by_channel():
    from examgen.documents import answer_sheet, problem_items
    from examgen.exam import Version, load_spec

    inst = next(i for s in range(60)
                if len(channel_keys(tuple((i := BANK["conv2d-backward"].sample(s)).shape("dL_dh")))) > 1)
    version = Version("E0-x", 0, load_spec(), None, "", [(1, 10, inst)])
    read = answers.loads(answer_sheet(version, problem_items(version, False)))
    assert list(read.answers[1]["dL_dh"]) == channel_keys(tuple(inst.shape("dL_dh")))
    assert answers.is_blank(read.answers[1]["dL_dh"])
    key = make_key(inst)
    right = np.asarray(key["problems"][0]["answers"]["dL_dh"])
    given = {c: right[:, :, k].tolist() for k, c in enumerate(channel_keys(right.shape))}
    given["c1"] = None
    p = graded(key, {"dL_dh": given})["problems"][0]["parts"][0]
    assert p["verdict"] == "wrong" and 0 < p["points"] < p["max"] and "c1" in p["feedback"], p


@pytest.mark.parametrize("layout", ["[{}]", "'[{}]'", "{}"])
def test_a_channel_typed_as_matlab_rows_is_read_as_at_top_level(layout):
    # `c0: [0 0 0 2; 0 0 0 0]` once got "wrong shape: expected 2 × 4, got a list of 1 number",
    # although the same text for a one-channel array was read
    inst = next(i for s in range(60) if np.shape((i := BANK["maxpool-backward"].sample(s)).values["dL_dxi"])[2] > 1)
    key = make_key(inst)
    right = np.asarray(key["problems"][0]["answers_exact"]["dL_dxi"], dtype=object)
    lines = "".join(f"      {c}: " + layout.format("; ".join(" ".join(row) for row in right[:, :, k].tolist())) + "\n"
                    for k, c in enumerate(channel_keys(right.shape)))
    sub = answers.loads(f"exam: {key['exam']}\nanswers:\n  1:\n    dL_dxi:\n{lines}")
    (part,) = grade_submission(key, sub)["problems"][0]["parts"]
    assert part["verdict"] == "correct", (lines, part)


# --- shapes ------------------------------------------------------------------------------------------
def test_wrong_shapes_are_named_in_the_exams_words():
    e = np.arange(6.0).reshape(2, 3) + 1
    assert fit_shape(e.T, (2, 3), "N × D", e)[1].startswith("transposed: you gave 3 × 2, the transpose of the 2 × 3 (N × D)")
    assert fit_shape(np.ones((3, 2)) * 7, (2, 3), "N × D", e)[1] == "wrong shape: expected 2 × 3 (N × D), got 3 × 2"
    assert fit_shape(np.ones(5), (2, 3), "N × D", e)[1] == "wrong shape: expected 2 × 3 (N × D), got a list of 5 numbers"
    a = np.arange(12.0).reshape(2, 3, 2) + 1
    why = fit_shape(np.moveaxis(a, 2, 0), a.shape, "M × N × C", a)[1]
    assert why.startswith("axes in the wrong order"), why
    one_row = np.array([[[0.0, 0.0], [5.0, 1.0]]])        # 1 × 2 × 2: given channel by channel, 2 × 1 × 2
    why = fit_shape(np.moveaxis(one_row, 2, 0), one_row.shape, "M × N × C", one_row)[1]
    assert why.startswith("axes in the wrong order"), why  # not "rows and columns swapped"
    r = compare(e.T, e, 0.01, 0.005)
    assert r.verdict == "wrong" and r.credit == 0 and "transpose" in r.message
    assert fit_shape(np.ones((2, 2)), (2, 2, 1))[0].shape == (2, 2, 1)
    assert fit_shape(np.ones(3), (1, 3))[0].shape == (1, 3)
    assert fit_shape(np.ones((3, 1)), (3,))[0].shape == (3,)
    assert fit_shape(np.ones((3, 1)), (1, 3))[0] is None            # a column for a row matrix is its transpose
    # ... said so, not "give one matrix per channel" (ŷ of one example, n × K, typed as a column)
    row = np.array([[4 / 9, 1 / 3, 2 / 9]])
    assert fit_shape(row.T, row.shape, "n × K", row)[1] == ("transposed: you gave 3 × 1, a column, for the 1 × 3 "
                                                          "(n × K) answer, one row; type its entries as a list, [a, b, …]")


def test_blanket_guesses_earn_nothing_unless_right():
    e = np.array([0.0, 0.0, 1.0, 0.0])
    assert compare(np.zeros(4), e, 0.01, 0.005).credit == 0
    assert compare(np.full(4, 1.0), np.array([1.0, 1.0, 1.0, 2.0]), 0.01, 0.005).credit == 0
    assert compare(np.zeros(4), np.zeros(4), 0.01, 0.005).credit == 1
    assert compare(np.array([0, 0, 1, 5.0]), e, 0.01, 0.005).credit == 0.75   # three of four entries right
    # two entries that agree are not a pattern: the first is worked right, and earns its half
    two = compare(np.array([-0.5, -0.5]), np.array([-0.5, -1 / 3]), 0.01, 0.005)
    assert two.credit == 0.5 and "same value" not in two.message
    assert compare(np.zeros(3), np.array([0.0, 0.0, 1.0]), 0.01, 0.005).credit == 0
    # in a part whose zeros are structural, the stray 5 counts against the one right non-zero entry
    assert compare(np.array([0, 0, 1, 5.0]), e, 0.01, 0.005, sparse=True).credit == 0.5


def test_partial_credit_in_a_sparse_part_counts_the_entries_that_you_or_the_key_make_non_zero():
    key = np.array([0.0, 0.0, -2.0, 0.0, 0.0, 0.0, 0.0, -1.0])
    stray = np.zeros(8)
    stray[0] = 1                    # all zeros with one arbitrary 1: no idea behind it
    assert compare(stray, key, 0.01, 0.005, sparse=True).credit == 0
    one_wrong = key.copy()
    one_wrong[2] = 3                # one of the two non-zero entries wrong
    assert compare(one_wrong, key, 0.01, 0.005, sparse=True).credit == 0.5
    extra = key.copy()
    extra[0] = 1                    # both right, one stray entry
    r = compare(extra, key, 0.01, 0.005, sparse=True)
    assert r.credit == pytest.approx(2 / 3) and "counts the 3 entries" in r.message, r
    assert compare(key, key, 0.01, 0.005, sparse=True).credit == 1
    # a part not declared sparse (a weight gradient whose zeros are worked out at x = 0): every entry
    assert compare(stray, key, 0.01, 0.005).credit == pytest.approx(5 / 8)
    zeros = np.zeros(4)             # a key of zeros only: every entry counts
    assert compare(np.array([0, 0, 0, 1.0]), zeros, 0.01, 0.005, sparse=True).credit == 0.75
    declared = {pid: [n for n, p in problem.parts.items() if p.sparse] for pid, problem in BANK.items()}
    assert {pid: parts for pid, parts in declared.items() if parts} == {
        "maxpool-backward": ["dL_dxi"], "conv-pool-layer": ["dL_dxi", "dL_dh"]}   # the max-pool gradients, and h's
    # (conv-pool-layer's ∂L/∂h: the kernel spreads each window's one gradient; 1 of its 4 non-zero
    # entries right among zeros earned 80% of the part)


def test_a_sparse_answer_earns_nothing_for_zeros_and_a_stray_guess():
    """maxpool-backward's dL/dξ (the tester's case: all zeros and one 1 got 21/24 of the points)."""
    for seed in range(20):
        key = make_key(BANK["maxpool-backward"].sample(seed, "exam"))
        prepared, entry = prepare_key(key), key["problems"][0]
        right = np.asarray(entry["answers"]["dL_dxi"])
        guess = np.zeros(right.shape)
        guess[tuple(np.argwhere(right == 0)[0])] = 1
        assert graded(key, {"dL_dxi": guess.tolist()}, prepared)["score"] == 0, seed
        for m in entry["mistakes"]:
            score = graded(key, m["answers"], prepared)["score"]
            assert score <= 10 * np.count_nonzero(right) / (np.count_nonzero(right) + 1), (seed, m["name"], score)
        assert graded(key, {"dL_dxi": right.tolist()}, prepared)["score"] == 10


# --- syntax --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, value", [
    ("ln 2", np.log(2)), ("ln2", np.log(2)), ("2ln2", 2 * np.log(2)), ("−1/2", -0.5), ("3·4", 12), ("3×4", 12),
    ("2²", 4), ("2³", 8), ("√2", np.sqrt(2)), ("√2/2", np.sqrt(2) / 2), ("e^-1", np.exp(-1)), ("e⁻¹", np.exp(-1)),
    ("σ(ln 3)", 0.75), ("sigma(ln(3))", 0.75), ("tanh 0", 0), ("\\frac{3}{4}", 0.75), ("-\\frac{1}{2}", -0.5),
    ("\\ln{\\left(2 \\right)}", np.log(2)), ("e^{-1}", np.exp(-1)), ("\\sqrt{2}", np.sqrt(2)), ("$\\frac{1}{8}$", 0.125),
    ("1 − ln 2", 1 - np.log(2)), ("2ˆ3", 8), ("eˆ(−1)", np.exp(-1)), ("0.75", 0.75), ("π/π", 1),
    # TeX's own shorthands: an argument without braces is one token; plain TeX's \over
    ("\\frac34", 0.75), ("\\frac 1 2", 0.5), ("\\frac{1}4", 0.25), ("-\\frac12", -0.5), ("\\tfrac12 \\ln 2", np.log(2) / 2),
    ("\\sqrt2/2", np.sqrt(2) / 2), ("{3 \\over 4}", 0.75), ("3 \\over 4", 0.75), ("{1 \\over 1 + e^{-2}}", 1 / (1 + np.exp(-2))),
    # what phones and sentences write: vulgar fractions (a mixed number after a whole number),
    # percentages, a full stop after the answer, an approximate value
    ("½", 0.5), ("¾", 0.75), ("⅝", 0.625), ("1½", 1.5), ("-2 ¼", -2.25), ("ln ½", -np.log(2)), ("75%", 0.75),
    ("12.5 %", 0.125), ("0.75.", 0.75), ("ln(2).", np.log(2)), ("≈ 0.33", 0.33), ("~0.33", 0.33),
    ("1/6 ~ 0.17", 1 / 6), ("IOU = 3/11 ~ 0.27", 3 / 11),   # ~ after a value is ≈, as before one
])
def test_student_number_syntax(text, value):
    assert expr.number(text)[0] == pytest.approx(value, rel=1e-12)


@pytest.mark.parametrize("text, variables, same_as", [
    ("tanh xi", ["xi"], "tanh(xi)"), ("σ(ξ)", ["xi"], "sigma(xi)"), ("ξ²", ["xi"], "xi^2"), ("h·(1 − h)", ["h"], "h*(1-h)"),
    ("1 − h²", ["h"], "1 - h^2"), ("2σ(2ξ) − 1", ["xi"], "2*sigma(2*xi) - 1"), ("e^x", ["x"], "exp(x)"),
])
def test_student_expression_syntax(text, variables, same_as):
    assert expr.parse(text, variables) == expr.parse(same_as, variables)


@pytest.mark.parametrize("text, readings", [
    ("ln 3/4", ("ln(3)/4", "ln(3/4)")), ("1 1/2", ("1 + 1/2", "1*1/2")), ("0,5", ("0.5", "[0, 5]")),
    ("ln 2x", ("ln(2)*x", "ln(2*x)")), ("ln 2^3", ("ln(2)^3", "ln(2^3)")),
    # a number with another value in brackets: their product, or a note that disagrees?
    ("0.125 (1/7)", ("0.125*(1/7)", "0.125 or 1/7")), ("-2 (-3)", ("-2*(-3)", "-2 or -3")),
    # ... any number in the brackets: a log, a sum (these were read as the product, silently)
    ("0.125 (ln 3)", ("0.125*(ln 3)", "0.125 or ln 3")),
    ("-1.5 (-7/3 - ln(3)/6)", ("-1.5*(-7/3 - ln(3)/6)", "-1.5 or -7/3 - ln(3)/6")),
    ("-7/3 - ln(3)/6 (-1.5)", ("-7/3 - ln(3)/6*(-1.5)", "-7/3 - ln(3)/6 or -1.5")),
])
def test_ambiguous_forms_are_refused_with_both_readings(text, readings):
    with pytest.raises(expr.ExpressionError) as e:
        expr.parse(text, ["x"])
    message = str(e.value)
    assert "ambiguous" in message and "write" in message
    for r in readings:
        assert r in message, (r, message)


@pytest.mark.parametrize("text, same_as", [
    ("2 (x + 1)", "2*x + 2"), ("2(3)", "6"), ("2 (3) + 1", "7"), ("(1/2) (3)", "3/2"),   # products
    # a number with its other form in brackets, as a careful marker reads it (0.125 (1/8) was once
    # graded as the product 1/64, "wrong"): the number, when the two agree by the tolerance rule
    ("0.125 (1/8)", "0.125"), ("1/8 (0.125)", "1/8"), ("1/3 (0.333)", "1/3"), ("ln 2 (0.69)", "ln(2)"),
    # ... whatever number the brackets hold: a log, a sum, as the key prints −7/3 − ln(3)/6 ≈ −2.516
    ("-2.516 (-7/3 - ln(3)/6)", "-2.516"), ("0.215 (8/27 - 2*ln(3)/27)", "0.215"), ("1.1 (ln 3)", "1.1"),
    ("-0.0018 (1/54 - ln(3)/54)", "-0.0018"), ("−2.516 (−7/3 − ln(3)/6)", "-2.516"),
    ("-7/3 - ln(3)/6 (-2.516)", "-7/3 - ln(3)/6"), (r"0.5 (\frac{1}{2})", "0.5"), ("2 (1 + x)", "2 + 2*x"),
    # the value after the last =: the name, or the working, before it is not the answer
    ("IOU = 1/8", "1/8"), ("I/U = 2/16 = 1/8", "1/8"), ("dy/dx = 6x(x - 1)", "6*x*(x - 1)"), ("= 3/4", "3/4"),
    # a value and its decimal as the key prints them: the first, when they agree
    ("1/3 ≈ 0.3333", "1/3"), (r"\frac{1}{3} \approx 0.3333", "1/3"), ("IOU = 3/11 ≈ 0.27", "3/11"),
    # LaTeX with a power inside a fraction, as a sigmoid's value is written
    (r"\frac{1}{1 + e^{-2}}", "1/(1 + e^(-2))"), (r"e^{-\frac{1}{2}}", "e^(-1/2)"),
])
def test_brackets_read_as_a_careful_marker_reads_them(text, same_as):
    assert expr.parse(text, ["x"]) == expr.parse(same_as, ["x"])


@pytest.mark.parametrize("text", ["[1, 2]", "3/4 ≈ 0.7", "x =", "x < 3", "ln", "foo(2)", "2 +* 3", "3 4", "1,2,3", "yes",
                                  "x", "≈", "0.5½", "x%", "5%%", "3/4 ~ 0.7"])
def test_every_refusal_says_what_to_type(text):
    with pytest.raises(expr.ExpressionError) as e:
        expr.number(text)
    assert re.search(r"write|allowed|give|without quotes|not a well-formed", str(e.value)), str(e.value)


@pytest.mark.parametrize("typed, verdict", [
    ("{a}, {b}", "correct"),        # a vector typed without brackets (YAML reads it as text)
    ("'[{a}, {b}]'", "correct"),    # a list in quotes
    ("({a}, {b})", "correct"),      # a tuple
    ("'[{a}; {b}]'", "correct"),    # a column, rows apart at semicolons (MATLAB)
    ("[{a}; {b}]", "correct"),      # the same unquoted (YAML reads a list of one text)
    ("'[{a} {b}]'", "correct"),     # a row with spaces between its numbers (MATLAB)
    ("[{a} {b}]", "correct"),       # the same unquoted
    ("{a} {b}", "correct"),         # the same without brackets
    ("{a} - {b}", "wrong"),         # a difference is one number, not the vector
    ("'[{a} {b} 0]'", "wrong"),       # one entry too many: a list of 3, refused for its shape (0 points)
    ("'\\begin{{bmatrix}} {a} \\\\ {b} \\end{{bmatrix}}'", "correct"),   # the LaTeX the key prints
    ("'$\\begin{{bmatrix}} {a} & {b} \\end{{bmatrix}}$'", "correct"),      # a row, in math mode
    ("{a}, {b}, 0", "unreadable"),  # one entry too many: not the answer's vector
    ("{a}", "wrong"),               # one number for a vector of two is not the vector
])
def test_a_vector_typed_as_text_is_read_as_the_vector(typed, verdict):
    inst = next(i for i in (BANK["anchor-labels"].sample(s) for s in range(50)) if len(i.values["IOU"]) == 2)
    key = make_key(inst)
    a, b = (str(x) for x in inst.values["IOU"])
    sub = answers.loads(f"exam: {key['exam']}\nanswers:\n  1:\n    IOU: {typed.format(a=a, b=b)}\n")
    part = grade_submission(key, sub)["problems"][0]["parts"][0]
    assert part["part"] == "IOU" and part["verdict"] == verdict, part


@pytest.mark.parametrize("typed", ["[{a}, {b}; {c}, {d}]", "[{a}, {b};\n      {c}, {d}]", "'[{a}, {b}; {c}, {d}]'"])
def test_a_matlab_matrix_with_commas_typed_unquoted_is_read_as_its_rows(typed):
    # `dL_dW1: [0, -0.2883; 0, 0]` once got "wrong shape: … a list of 3 numbers": YAML splits the
    # text at its commas, [0, '-0.2883; 0', 0], before the grader sees it. Quoted, it was read.
    grade_w, (a, b, c, d) = _dW1_grader()
    part = grade_w(typed.format(a=a, b=b, c=c, d=d))
    assert part["verdict"] == "within tolerance" and part["points"] == part["max"], part
    # read only with the answer's count: one entry short stays the list YAML read
    part = grade_w(f"[{a}, {b}; {c}]")
    assert part["verdict"] != "within tolerance" and part["points"] == 0, part


def _dW1_grader():
    """(grade(text): mlp-backprop's part dL_dW1 answered `text`, the key's 2 × 2 entries as typed to 4 places)."""
    inst = BANK["mlp-backprop"].sample(3, "exam")
    key = make_key(inst)
    w = np.asarray(key["problems"][0]["answers"]["dL_dW1"], dtype=float)
    assert w.shape == (2, 2)

    def grade(text):
        sub = answers.loads(f"exam: {key['exam']}\nanswers:\n  1:\n    dL_dW1: {text}\n")
        return next(p for p in grade_submission(key, sub)["problems"][0]["parts"] if p["part"] == "dL_dW1")
    return grade, [f"{x:.4f}" if x else "0" for x in w.reshape(-1)]


@pytest.mark.parametrize("pid, part", [("bbox-target", "y_r"), ("mlp-backprop", "dL_dW1")])
def test_a_matlab_row_of_functions_is_read_as_its_entries(pid, part):
    # `y_r: [-1 0 ln(2) -ln(2)]` once got "'1 0' is two numbers side by side", and `[ln(2/3) 0]`
    # was read as one product: inside brackets, MATLAB separates elements by spaces, except
    # around a binary operator, as `-32*ln(3)/45 + 32*ln(2)/45 0` is two elements.
    for seed in range(8):
        key = make_key(BANK[pid].sample(seed, "exam"))
        exact = np.asarray(key["problems"][0]["answers_exact"][part], dtype=object)
        rows = exact.reshape(-1, exact.shape[-1])
        for form in (str, student_text):
            typed = "[" + "; ".join(" ".join(form(x) for x in row) for row in rows) + "]"
            sub = answers.loads(f"exam: {key['exam']}\nanswers:\n  1:\n    {part}: {typed}\n")
            got = next(p for p in grade_submission(key, sub)["problems"][0]["parts"] if p["part"] == part)
            assert got["verdict"] == "correct", (seed, typed, got)


@pytest.mark.parametrize("text, size, entries", [
    ("[ln(2/3) 0]", 2, ["ln(2/3)", "0"]), ("[-1 0 ln(2) -ln(2)]", 4, ["-1", "0", "ln(2)", "-ln(2)"]),
    ("[1 -1]", 2, ["1", "-1"]), ("[1 - 1 0]", 2, ["1 - 1", "0"]), ("[2 * 3 e^ -1]", 2, ["2 * 3", "e^ -1"]),
    # a function's name takes the word after it, as a careful marker reads `ln 2`
    ("[ln 2 0]", 2, ["ln 2", "0"]), ("[ln 2 -ln 3]", 2, ["ln 2", "-ln 3"]), ("[√ 2 1]", 2, ["√ 2", "1"]),
    ("[ln(2) 0; 0 ln 3]", 4, [["ln(2)", "0"], ["0", "ln 3"]]),
    # never misread: one element, a piece that is no number, or a count that is not the answer's
    # rows in brackets, typed in quotes as YAML writes a matrix (was unreadable)
    ("[[3/2, -1, -1/2]]", 3, ["3/2", "-1", "-1/2"]), ("[[1, 2], [3, ln 2]]", 4, [["1", "2"], ["3", "ln 2"]]),
    ("[[1, 2], [3]]", 3, None), ("[[1, 2], 3]", 3, None),
    ("[1 - 1]", 2, None), ("[ln 2 0]", 3, None), ("[ln 2x 0]", 2, None), ("[ln 3/4 1]", 2, None),
    ("[ln 2 0 1]", 2, None), ("1 2 3 4 5", 2, None),
])
def test_matlab_rows_split_at_spaces_only_between_elements(text, size, entries):
    from examgen.grade import _typed_list

    assert _typed_list(text, size) == entries


@pytest.mark.parametrize("typed, verdict", [("[{a}, {b}]^T", "correct"), ("'[{a} {b}]ᵀ'", "correct"),
                                            ("[{a}, {b}, 0]^T", "unreadable"),
                                            # MATLAB's transpose sank the whole sheet (YAML took ' for a quote)
                                            ("[{a}, {b}]'", "correct"), ("[{a} {b}]'", "correct"),
                                            ("[[{a}, {b}]]^T", "correct"), ("'[[{a}], [{b}]]'", "correct")])
def test_a_vector_with_its_transpose_sign_is_the_column(typed, verdict):
    # `dL_dh: [-7/8, 1/4]^T` made the whole sheet invalid YAML; read as quoted text, it is the column
    key = make_key(BANK["rnn-bptt"].sample(0, "exam"))
    a, b = key["problems"][0]["answers_exact"]["dL_dh"]
    sub = answers.loads(f"exam: {key['exam']}\nanswers:\n  1:\n    dL_dh: {typed.format(a=a, b=b)}\n")
    part = next(p for p in grade_submission(key, sub)["problems"][0]["parts"] if p["part"] == "dL_dh")
    assert part["verdict"] == verdict, part


def test_a_list_split_by_yaml_is_read_again_as_the_text_typed():
    from examgen.grade import read_numbers

    # the file's own text: 0.50 stays 0.50, a comment after the list is not part of it
    sub = answers.loads("answers:\n  1:\n    x: [0.50, 1e3; 2, 3]  # 2 × 2\n")
    assert sub.answers[1]["x"].typed == "[0.50, 1e3; 2, 3]"
    assert read_numbers(sub.answers[1]["x"], "x", (2, 2))[0].tolist() == [[0.5, 1000], [2, 3]]
    # a list from JSON (no typed text): its items between commas
    assert read_numbers([0.5, "0.25; 1", 2], "x", (2, 2))[0].tolist() == [[0.5, 0.25], [1, 2]]
    assert answers.kind_name(sub.answers[1]["x"]) == "a list"


@pytest.mark.parametrize("text, arg, base", [("log10(2)", "2", "10"), ("log_10(2/3)", "2/3", "10"),
                                             ("log10 2", "2", "10"), ("log2(8)", "8", "2"), ("log10((2))", "…", "10")])
def test_a_logarithm_to_a_base_says_log_is_the_natural_log(text, arg, base):
    # `log10(2)` once got "'ln 10(' is ambiguous: ln(10)·( or ln(10()", which says nothing of bases
    with pytest.raises(expr.ExpressionError) as e:
        expr.number(text, "I")
    message = str(e.value)
    assert f"a base-{base} logarithm, which is not used here (log is the natural log, ln)" in message, message
    assert f"write ln({arg}) or log({arg}) for the natural log, or ln({arg})/ln({base}) for the base-{base} one" in message
    # log2 alone is still ln 2, as ln2 is
    assert expr.number("log2")[0] == pytest.approx(np.log(2)) and expr.number("log10")[0] == pytest.approx(np.log(10))


@pytest.mark.parametrize("text", ["yes", "x", "two"])
def test_a_word_where_a_number_is_asked_says_how_to_write_the_number(text):
    # `y_c: [yes, no]` once got "variables allowed: none here", which says what is wrong, not what to type
    with pytest.raises(expr.ExpressionError) as e:
        expr.number(text, "y_c[0]")
    assert f"unknown name {text!r}; a number is asked here: write one such as 1, -3/4, 0.75" in str(e.value)


def test_decimal_comma_in_a_yaml_list_is_refused_not_misread():
    inst = BANK["iou"].sample(0)
    key = make_key(inst)
    sub = answers.loads(f"exam: {key['exam']}\nanswers:\n  1: {{I: [0,5], U: 7}}  # note: 1,5\n")
    r = grade_submission(key, sub)
    p = {x["part"]: x for x in r["problems"][0]["parts"]}
    assert p["I"]["verdict"] == "unreadable" and "0.5" in p["I"]["feedback"] and "0, 5" in p["I"]["feedback"]
    assert p["U"]["verdict"] != "unreadable"


def _flow(v) -> str:
    """A nested list as a student types it in YAML's flow style without spaces: [[0,1],[2,0]]."""
    return "[" + ",".join(_flow(x) for x in v) + "]" if isinstance(v, list) else str(v)


def test_commas_without_spaces_are_separate_numbers_when_only_that_reading_has_the_answers_shape():
    # `[[0,0,1],[2,0,0]]` for a matrix: read as decimals (0.0, …) it would not have the matrix's
    # entries, so a careful marker reads numbers; one entry short, the decimal reading stays possible.
    inst = next(i for i in (BANK["maxpool-backward"].sample(s) for s in range(50))
                if np.shape(i.values["dL_dxi"])[2] == 1)
    key = make_key(inst)
    right = np.vectorize(int, otypes=[object])(inst.values["dL_dxi"][:, :, 0]).tolist()
    sub = answers.loads(f"exam: {key['exam']}\nanswers:\n  1:\n    dL_dxi: {_flow(right)}\n")
    (part,) = grade_submission(key, sub)["problems"][0]["parts"]
    assert part["verdict"] == "correct", part
    short = right[:-1] + [right[-1][:-1]]
    sub = answers.loads(f"exam: {key['exam']}\nanswers:\n  1:\n    dL_dxi: {_flow(short)}\n")
    (part,) = grade_submission(key, sub)["problems"][0]["parts"]
    assert part["verdict"] == "unreadable" and "is ambiguous" in part["feedback"], part


@pytest.mark.parametrize("text, json_syntax", [
    ("exam: E0-fair\nanswers:\n  1:\n    I: 1\n    U: 7\n    I: 2\n", False),
    ('{"exam": "E0-fair", "answers": {"1": {"I": 1, "U": 7, "I": 2}}}', True),
])
def test_a_duplicated_part_is_reported_never_resolved(text, json_syntax):
    key = make_key(BANK["iou"].sample(0))
    r = grade_submission(key, answers.loads(text, json_syntax=json_syntax))
    p = {x["part"]: x for x in r["problems"][0]["parts"]}
    assert p["I"]["verdict"] == "unreadable" and "given twice" in p["I"]["feedback"] and p["I"]["points"] == 0
    dup = answers.loads("exam: E0-fair\nanswers:\n  1: {I: 1}\n  '1': {U: 7}\n")
    assert dup.refusal(1, "U") and "twice" in dup.refusal(1, "U")


def test_one_unreadable_entry_costs_that_entry_only():
    inst = BANK["rnn-bptt"].sample(0)
    key = make_key(inst)
    right = key["problems"][0]["answers_exact"]["dL_dh"]
    r = graded(key, {"dL_dh": ["ln(0)"] + right[1:]})
    p = next(x for x in r["problems"][0]["parts"] if x["part"] == "dL_dh")
    n = len(right)
    assert p["verdict"] == "wrong" and p["points"] == pytest.approx(round(p["max"] * (n - 1) / n, 2)), p
    assert "dL_dh[0]" in p["feedback"]


def test_ambiguous_and_hostile_text_is_refused_in_bounded_time():
    t = time.process_time()   # CPU time: a loaded machine must not fail this
    for text in ["ln " * 150, "√" * 300, "1 " * 200, "0,5" * 100, "\\frac{" * 60 + "1" + "}{2}" * 60,
                 "²" * 400, "−" * 399 + "1", "e^" * 150 + "2",
                 "1 (" * 20 + "x" + ")" * 20, "1 (" * 60 + "x" + ")" * 60]:   # a bracket read as a note
        with pytest.raises(expr.ExpressionError):
            expr.number(text)
    assert time.process_time() - t < 2


# --- one tolerance rule ---------------------------------------------------------------------------------
def test_the_tolerance_rule_is_stated_and_applied_the_same_everywhere(tmp_path):
    from examgen.exam import default_spec_text

    assert TOLERANCE_RULE == ("within 1% of the exact value, or within 0.005 when the exact value is "
                              "smaller than 0.5 in size")
    spec = " ".join(default_spec_text().split())
    assert TOLERANCE_RULE in spec and SIGN_RULE in spec   # the sign too: grading refuses 0 for -1/243
    from helpers import run

    assert run("generate", "--out", tmp_path / "e", "--format", "md").returncode == 0
    sheet = " ".join(line.lstrip("# ") for line in (tmp_path / "e" / "answers.yaml").read_text().splitlines())
    assert TOLERANCE_RULE in sheet and SIGN_RULE in sheet
    # the rule itself: 1% of the value, or 0.005 below 0.5; never both added
    assert all_close(100.99, 100, 0.01, 0.005) and not all_close(101.01, 100, 0.01, 0.005)
    assert all_close(0.1049, 0.1, 0.01, 0.005) and not all_close(0.1051, 0.1, 0.01, 0.005)
    assert not all_close(1.0105, 1.0, 0.01, 0.005)        # 1% + 0.005 would accept this
    assert all_close(0.005, 0, 0.01, 0.005) and not all_close(0.0051, 0, 0.01, 0.005)
    # the bound itself counts, whatever the float rounding of the difference: 1/8 rounded to
    # 0.13 or 0.12 is 0.005 away (0.005000000000000004 in floats), 1.01 is 1% of 1 away
    for given, right in ((0.13, 0.125), (0.12, 0.125), (1.01, 1.0), (0.99, 1.0), (-0.13, -0.125)):
        assert all_close(given, right, 0.01, 0.005) and all(close(np.array([given]), np.array([right]), 0.01, 0.005))
    assert not all_close(0.1301, 0.125, 0.01, 0.005) and not all_close(1.0101, 1.0, 0.01, 0.005)
    # the sampler's mistake-visibility check (instance.rejection) applies the same rule
    from examgen.instance import _differs

    inst = BANK["iou"].sample(0)
    right = float(inst.values["IOU"])
    allowed = max(0.005, 0.01 * abs(right))
    assert _differs(inst, "IOU", right + 1.05 * allowed) and not _differs(inst, "IOU", right + 0.95 * allowed)


def test_two_numbers_are_compared_by_the_same_rule_as_arrays():
    """all_close decides two numbers without arrays: the verdict of `close`, the entry-wise rule,
    for every kind of number (int, float, NumPy float, exact with logs) and edge (inf, NaN, −0)."""
    from examgen.compare import close
    from examgen.engine import exact as ex

    ln2 = ex.log(ex.rational(2))
    values = [0, 1, -3, 0.005, 0.1, 0.1049, 0.1051, -0.004999, 100.99, np.float64(2.5), -0.0, float("inf"),
              float("-inf"), float("nan"), ex.rational("3/4"), ln2, ln2 * ex.rational("-1/2") + 1]
    for given in values:
        for expected in values:
            for rtol, atol in ((0.01, 0.005), (0.0, 0.0), (0.5, 1e-9)):
                with np.errstate(invalid="ignore"):   # inf − inf in the array rule
                    assert all_close(given, expected, rtol, atol) == bool(np.all(close(given, expected, rtol, atol))), \
                        (given, expected, rtol, atol)


def test_json_answer_files_read_the_same_forms():
    inst = BANK["iou"].sample(2)
    key = make_key(inst)
    exact = key["problems"][0]["answers_exact"]
    text = json.dumps({"exam": key["exam"], "answers": {"1": {p: student_text(v) for p, v in exact.items()}}},
                      ensure_ascii=False)
    r = grade_submission(key, answers.loads(text, json_syntax=True))
    assert r["score"] == r["max"], lost(r)


def small_value_key(exact_texts):
    """rnn-bptt's dL/dξ of `examgen generate --seed 9`, problem 8: [−1/243, 2/27], and a scalar −1/243."""
    return {"exam": "E0-small", "points": 4, "problems": [{
        "number": 1, "id": "rnn-bptt", "title": "t", "points": 4,
        "parts": {"dL_dxi": {"kind": "vector", "shape": [2], "rtol": 0.01, "atol": 0.005, "points": 2, "variables": []},
                  "s": {"kind": "scalar", "shape": [], "rtol": 0.01, "atol": 0.005, "points": 2, "variables": []}},
        "answers": {"dL_dxi": [-1 / 243, 2 / 27], "s": -1 / 243},
        "answers_exact": {"dL_dxi": exact_texts, "s": exact_texts[0]}}]}


def test_zero_or_the_wrong_sign_is_not_a_small_exact_value():
    key = small_value_key(["-1/243", "2/27"])
    prepared = prepare_key(key)

    def part(given, name="dL_dxi"):
        return [p for p in graded(key, {name: given}, prepared)["problems"][0]["parts"] if p["part"] == name][0]

    for given in ([0, "2/27"], [0.0008, "2/27"], ["-1/243", 0], ["-1/243", -0.074]):
        p = part(given)
        assert p["verdict"] == "wrong" and p["points"] == 1, (given, p)
    assert "0 is not -1/243" in part([0, "2/27"])["feedback"]
    assert "0.0008 has the wrong sign: the answer is -1/243" in part([0.0008, "2/27"])["feedback"]
    assert part([-0.004, 0.074])["verdict"] == "within tolerance"      # its sign, within 0.005: right
    assert part(["-1/243", "2/27"])["verdict"] == "correct"
    p = part(0, "s")
    assert p["verdict"] == "wrong" and p["points"] == 0 and p["feedback"].startswith("0 is not -1/243"), p
    assert part(0.0008, "s")["feedback"] == "0.0008 has the wrong sign: the answer is -1/243"
    assert part(-0.008, "s")["verdict"] == "within tolerance"


def test_a_decimal_with_its_closed_form_in_brackets_is_graded_as_the_decimal():
    # '-2.516 (-7/3 - ln(3)/6)' was graded as the product 6.33, wrong, with no message
    key = small_value_key(["-1/243", "2/27"])
    key["problems"][0]["answers"]["s"] = -7 / 3 - math.log(3) / 6
    key["problems"][0]["answers_exact"]["s"] = "-7/3 - ln(3)/6"
    prepared = prepare_key(key)
    for given, verdict in (("-2.516 (-7/3 - ln(3)/6)", "within tolerance"), ("-7/3 - ln(3)/6 (-2.516)", "correct"),
                           ("-2.516 (-7/3 - ln(3)/54)", "unreadable")):
        p = graded(key, {"s": given}, prepared)["problems"][0]["parts"][1]
        assert p["verdict"] == verdict, (given, p)
    assert "ambiguous" in p["feedback"] and "-2.516*(-7/3 - ln(3)/54)" in p["feedback"], p


def test_an_answer_in_braces_typed_unquoted_is_graded_as_typed():
    # 's: {-1/243}' unquoted is YAML's mapping {'-1/243': None}: it was graded "no answer given"
    key = small_value_key(["-1/243", "2/27"])
    r = grade_submission(key, answers.loads(f"exam: {key['exam']}\nanswers:\n  1:\n    s: {{-1 \\over 243}}\n"
                                            f"    dL_dxi: [{{-1/243}}, {{2/27}}]\n"))
    assert r["score"] == r["max"] and "blank sheet" not in " ".join(r["notes"]), lost(r)


def test_an_answer_left_unclosed_costs_that_answer_only():
    # "NOT GRADED: not valid YAML: did not find expected ',' or ']' at line 6 column 1" (5 lines)
    key = small_value_key(["-1/243", "2/27"])
    r = grade_submission(key, answers.loads(f"exam: {key['exam']}\nanswers:\n  1:\n    s: -1/243\n"
                                            f"    dL_dxi: [-1/243, 2/27\n"))
    assert [(p["part"], p["verdict"]) for p in r["problems"][0]["parts"]] == [("dL_dxi", "unreadable"), ("s", "correct")]
    assert any(n.startswith("line 5 (dL_dxi): YAML cannot read this line") for n in r["notes"]), r["notes"]


def test_a_decimal_key_keeps_the_stated_tolerance_near_zero():
    """A drill key is a decimal reached through rounded steps: 0 for −0.004115 is that value rounded."""
    key = small_value_key(["-0.004115", "0.074074"])
    r = graded(key, {"dL_dxi": [0, 0.074], "s": 0.0008})
    assert [p["verdict"] for p in r["problems"][0]["parts"]] == ["within tolerance"] * 2, lost(r)
    from examgen.compare import sign_slips
    assert sign_slips([0, 0.0008, -1, 2], [-0.004, -0.004, -1, 0], ["a", "b", "c", "d"]).tolist() == [True, True, False, False]
    assert not sign_slips([0, 0.0008], [-0.004, -0.004], [None, None]).any()
    assert all_close(0, -1 / 243, 0.01, 0.005) and close([0.0008], [-1 / 243], 0.01, 0.005).all()  # the draws' rule is unchanged


@pytest.mark.parametrize("json_syntax", [False, True])
def test_a_channel_given_twice_is_reported_never_resolved(json_syntax):
    # c1 typed twice was read as the last one, silently, where a part or problem given twice is refused
    inst = next(i for i in (BANK["maxpool-backward"].sample(s) for s in range(60)) if np.shape(i.values["dL_dxi"])[2] >= 2)
    key = make_key(inst)
    c0, c1 = (np.vectorize(str, otypes=[object])(inst.values["dL_dxi"][:, :, c]).tolist() for c in (0, 1))
    if json_syntax:
        text = (f'{{"exam": "{key["exam"]}", "answers": {{"1": {{"dL_dxi": {{"c0": {json.dumps(c0)}, '
                f'"c1": {json.dumps(c1)}, "c1": {json.dumps(c1)}}}}}}}}}')
    else:
        text = f"exam: {key['exam']}\nanswers:\n  1:\n    dL_dxi:\n      c0: {c0}\n      c1: {c1}\n      c1: {c1}\n"
    (part,) = grade_submission(key, answers.loads(text, json_syntax=json_syntax))["problems"][0]["parts"]
    assert part["verdict"] == "unreadable" and "channel 'c1' given twice" in part["feedback"], part


def test_a_letter_that_is_no_choice_is_refused_saying_which_are():
    # 'e' for a question with choices a–d was graded "wrong, expected d": a typo, not a choice
    inst = BANK["concepts"].sample(0)
    key = make_key(inst)
    letters = key["problems"][0]["parts"]["choice"]["choices"]
    assert letters == ["a", "b", "c", "d"]
    right = inst.values["choice"]
    wrong = next(x for x in letters if x != right)
    for typed, verdict in (("e", "unreadable"), ("(Z)", "unreadable"), (f"({right.upper()})", "correct"),
                           # the letter and the student's words for it, as a marker reads it
                           (f"{right}: Dirac delta", "correct"), (f"({right}) the derivative is zero", "correct"),
                           (f"{wrong} - it is linear", "wrong"), ("The step derivative is a Dirac delta", "unreadable"),
                           ("e: none of these", "unreadable"),
                           # a hedge names two choices: no choice ("a" before a word is the article)
                           (f"{right}) or {wrong}", "unreadable"), (f"{right}) a step, not {wrong}", "unreadable"),
                           (f"{right}) a step function", "correct")):
        sub = answers.loads(f"exam: {key['exam']}\nanswers:\n  1:\n    choice: '{typed}'\n")
        (part,) = grade_submission(key, sub)["problems"][0]["parts"]
        assert part["verdict"] == verdict, (typed, part)
        if verdict == "unreadable":
            assert "is not one of the choices (a, b, c, d); give the letter of one" in part["feedback"], part
    sub = answers.loads(f"exam: {key['exam']}\nanswers:\n  1:\n    choice: 'The step derivative is a Dirac delta at 0'\n")
    (part,) = grade_submission(key, sub)["problems"][0]["parts"]
    assert "'The step derivative is a Dirac delta at …' is not one" in part["feedback"], part   # cut at a word


def test_a_mistake_the_students_right_answers_rule_out_is_not_named():
    # Right IOUs with wrong labels were told "You divided the intersection by the reference box's
    # area", which their own IOUs show they did not do (the slip was at the threshold).
    for seed in range(40):
        key = make_key(BANK["anchor-labels"].sample(seed))
        entry = key["problems"][0]
        m = next((m for m in entry["mistakes"] if m["name"] == "over-ref-area"), None)
        if m is None:
            continue
        def parts(answers, key=key):
            graded = grade_submission(key, {"exam": key["exam"], "answers": {1: answers}})
            return {p["part"]: p for p in graded["problems"][0]["parts"]}
        got = parts({"IOU": entry["answers_exact"]["IOU"], "y_c": m["answers"]["y_c"]})
        assert got["IOU"]["verdict"] == "correct" and got["y_c"]["verdict"] == "wrong"
        assert got["y_c"]["mistake"] is None and "reference box's area" not in got["y_c"]["feedback"], got["y_c"]
        both = parts(m["answers"])
        assert both["IOU"]["mistake"] == "over-ref-area"   # made: named (and y_c carried from those IOUs)
        break
    else:
        raise AssertionError("no anchor-labels instance with the over-ref-area mistake")
    # A part worked side by side with the wrong one rules nothing out: loss-ce's L right and ∂L/∂ξ
    # without its 1/n was told only "2 of 2 entries wrong"; the slip is named where it was made
    inst = BANK["loss-ce"].sample(0)
    key = make_key(inst)
    entry = key["problems"][0]
    wrong = next(m for m in entry["mistakes"] if m["name"] == "no-average")["answers"]["dL_dxi"]
    graded = grade_submission(key, {"exam": key["exam"], "answers": {1: {
        "L": entry["answers_exact"]["L"], "yhat": entry["answers_exact"].get("yhat"), "dL_dxi": wrong}}})
    got = {p["part"]: p for p in graded["problems"][0]["parts"]}
    assert got["L"]["verdict"] == "correct" and got["dL_dxi"]["mistake"] == "no-average", got["dL_dxi"]


@pytest.mark.parametrize("typed, size, entries", [
    ("[32/45 ln(3/2) 0]", 2, ["32/45 ln(3/2)", "0"]),   # a coefficient's product, as written by hand
    ("[2 ln(3) 0]", 3, ["2", "ln(3)", "0"]),            # three entries wanted: MATLAB's reading
    ("[2 ln(3) 0]", 2, ["2 ln(3)", "0"]),               # two: the count decides
    ("{1, 7/18}", 2, ["1", "7/18"]),                    # braces, as {1, 7/18} typed unquoted arrives
    # MATLAB's rows, all together more entries than the answer: a coefficient in every row
    # (the first row alone fitted the answer's count, so `0 32/45` was refused as a mixed number)
    ("[0 32/45 ln(2/3); 0 0]", 4, [["0", "32/45 ln(2/3)"], ["0", "0"]]),
    ("[2 ln(3/2); 0]", 2, [["2 ln(3/2)"], ["0"]]),       # a MATLAB column
    ("[2 ln(3); 0 1]", 4, [["2", "ln(3)"], ["0", "1"]]),  # four entries wanted: MATLAB's reading
])
def test_a_typed_row_is_read_by_the_answers_count(typed, size, entries):
    from examgen.grade import _typed_list

    assert _typed_list(typed, size) == entries


def _graded_part(inst, part, given):
    key = make_key(inst)
    sub = {"exam": key["exam"], "answers": {1: {part: given}}}
    return next(p for p in grade_submission(key, sub)["problems"][0]["parts"] if p["part"] == part)


def test_two_mistakes_that_give_the_same_answer_are_both_told():
    # loss-mse with n = 2: dropping the ½ and dropping the 1/n both double L; only the first was told
    inst = next(i for i in (BANK["loss-mse"].sample(s) for s in range(40)) if i.values["n"] == 2)
    wrong = {m["name"]: m["answers"].get("L") for m in inst.mistakes()}
    assert float(wrong["no-average"]) == float(wrong["half-dropped"])
    got = _graded_part(inst, "L", keys.problem_entry(inst, 1, 5)["answers_exact"]["L"] + " * 2")
    messages = {m.name: m.message.strip() for m in BANK["loss-mse"].mistakes if m.name in ("no-average", "half-dropped")}
    assert got["verdict"] == "wrong" and got["mistake"] in messages
    assert all(m in got["feedback"] for m in messages.values()) and "(Or: " in got["feedback"], got


def test_an_answer_of_the_wrong_sign_is_told_so():
    inst = BANK["loss-bce"].sample(0)
    L = keys.problem_entry(inst, 1, 5)["answers_exact"]["L"]
    got = _graded_part(inst, "L", f"-({L})")
    assert got["verdict"] == "wrong" and got["points"] == 0
    assert got["feedback"].startswith("the sign is wrong: your answer is the negative of the right one"), got
    assert "sign" not in _graded_part(inst, "L", f"2*({L})")["feedback"]


def test_an_exam_id_copied_in_another_case_or_with_spaces_is_that_version():
    # a sheet whose exam line read "e0-fair" or "E0 - FAIR" was "for exam …, which this key does not hold"
    inst = BANK["iou"].sample(0)
    key = make_key(inst)
    I = keys.problem_entry(inst, 1, 10)["answers_exact"]["I"]
    for typed in ("e0-fair", "E0 - FAIR", " e0fair "):
        r = grade_submission(key, {"exam": typed, "answers": {1: {"I": I}}})
        assert r["exam"] == "E0-fair" and r["problems"][0]["parts"][0]["verdict"] == "correct", typed
        assert f"the exam line reads {typed.strip()!r}; graded as E0-fair" in r["notes"]
    with pytest.raises(answers.AnswerFileError, match="which this key does not hold"):
        grade_submission(key, {"exam": "E1-fair", "answers": {1: {"I": I}}})


def test_the_expected_array_is_shown_as_the_sheet_asks_for_it():
    # feedback showed [[[2], [-2], [0], [2]], …] for a 4 × 4 × 1 array the sheet asked as a 4 × 4 matrix
    from examgen.grade import _sheet_text

    assert _sheet_text([[["2"], ["-2"]], [["8"], ["0"]]]) == "[[2, -2], [8, 0]]"
    assert _sheet_text([[[["0"]]], [[["7"]]]]) == "[[0], [7]]"                         # K1 × K2 × 1 × 1
    assert _sheet_text([[["1", "2"], ["3", "4"]]]) == "c0: [[1, 3]]; c1: [[2, 4]]"      # 1 × 2 × 2: per channel
    assert _sheet_text(["1/2", "0"]) == "[1/2, 0]" and _sheet_text("3/4") == "3/4"
    inst = BANK["conv2d-backward"].sample(0)
    part = next(p for p in graded(make_key(inst), {})["problems"][0]["parts"] if p["part"] == "dL_dh")
    assert not part["expected"].startswith("[[[") and part["expected"].startswith(("[[", "c0: "))


def test_a_typed_row_of_the_wrong_count_is_a_wrong_shape_not_one_odd_number():
    # `dL_dxi: [-0.875 0.25]` for a 6 × 4 array was "two numbers side by side: write one number
    # (0.8750.25)…": the shape is what is wrong, as for a YAML list of 2
    from examgen.grade import read_numbers

    inst = BANK["maxpool-backward"].sample(0)
    for typed in ("[-0.875 0.25]", "'-0.875 0.25'", "[1 2; 3 4]"):
        sub = answers.loads(f"exam: E0-fair\nanswers:\n  1:\n    dL_dxi: {typed}\n")
        (part,) = grade_submission(make_key(inst), sub)["problems"][0]["parts"]
        assert part["verdict"] == "wrong" and part["feedback"].startswith("wrong shape: expected"), (typed, part)
    assert read_numbers("[1 2; 3 4]", "x", (3, 2))[0].shape == (2, 2)
    # one number wanted: two side by side may be a product, and the reader says what to type
    assert "two numbers side by side" in read_numbers("0.5 0.25", "x", ())[3][0]


@pytest.mark.parametrize("typed", [
    "|\n      {a} {b}\n      {c} {d}\n",              # one row per line, in a YAML block
    "|\n      {a}, {b},\n      {c}, {d}\n",            # the same with commas, a trailing one too
    "|\n      [{a}, {b}]\n      [{c}, {d}]\n",        # rows in brackets, one per line
    "|\n      [{a} {b}\n       {c} {d}]\n",           # MATLAB's brackets around rows on two lines
    "[{a} {b}\n      {c} {d}]",                      # the same unquoted (YAML folds it into one row)
    "[{a}, {b},\n      {c}, {d}]",                   # a YAML list with a row on each line
    "[[{a} {b}], [{c} {d}]]",                        # YAML's rows, each typed with spaces
    "[{a}, {b}; {c}, {d};]",                         # MATLAB allows a last `;`
    "'[{a} {b}; {c} {d};]'",
])
def test_a_matrix_typed_one_row_per_line_is_read_by_its_rows(typed):
    # `dL_dh: |` with a row on each line was "wrong shape: … got a list of 12 numbers"; YAML's rows
    # typed with spaces, [[6 -4 -1 -1], …], read the row `6 -4 -1 -1` as one number (6 − 4 − 1 − 1)
    grade_w, (a, b, c, d) = _dW1_grader()
    part = grade_w(typed.format(a=a, b=b, c=c, d=d))
    assert part["verdict"] == "within tolerance" and part["points"] == part["max"], part
    if typed.startswith("|\n      {a} {b}"):   # feedback shows the rows apart, as read: not `a b c d`
        assert part["given"] == f"[{a} {b}; {c} {d}]", part
    # its transpose, typed the same way, is still the transpose
    part = grade_w(typed.format(a=a, b=c, c=b, d=d))
    assert part["points"] < part["max"], part


def test_a_matrix_given_as_one_row_of_the_right_count_says_how_to_type_rows():
    msg = fit_shape(np.ones(6), (2, 3), "N × D")[1]
    assert msg.startswith("wrong shape: expected 2 × 3 (N × D), got a list of 6 numbers") and "[[row 1]" in msg
    assert "row 1" not in fit_shape(np.ones(5), (2, 3), "N × D")[1]


@pytest.mark.parametrize("text, same_as", [
    # a repeating decimal written by hand: its decimal, as typed (was "unexpected character '.'")
    ("-1.333...", "-1.333"), ("0.333…", "0.333"), ("0.1666 ...", "0.1666"), ("0.333... = 0.333", "0.333"),
    # more signs copied from a phone or a PDF: the fraction slash, the division slash, bullets as products
    ("5⁄27", "5/27"), ("4∕3", "4/3"), ("2•3", "6"), ("2∗3", "6"),
    # a phone capitalises an answer's first letter: Ln(2) is ln(2) (was "unknown function 'Ln'")
    ("Ln(2)", "ln(2)"), ("LN 2", "ln(2)"), ("Log(2)", "ln(2)"), ("Exp(-1)", "exp(-1)"), ("Sqrt(2)/2", "sqrt(2)/2"),
    ("Ln2", "ln(2)"),
    # SymPy's \ln{\left(3 \right)}, as the key prints a log, inside a fraction (was unreadable)
    (r"\frac{3 \ln{\left(3 \right)}}{32}", "3*ln(3)/32"), (r"- \frac{\ln{\left(3 \right)}}{12}", "-ln(3)/12"),
    (r"\frac{1}{\ln{\left(x \right)}}", "1/ln(x)"),
    # a number times a fraction that is no mixed number stays the product
    (r"2\frac{\ln 3}{3}", "2*ln(3)/3"), (r"2 \cdot \frac{1}{2}", "1"), (r"x^2\frac{1}{2}", "x^2/2"),
])
def test_hand_and_phone_forms_read_as_a_careful_marker_reads_them(text, same_as):
    assert expr.parse(text, ["x"]) == expr.parse(same_as, ["x"])


@pytest.mark.parametrize("text", [r"1\frac{1}{2}", r"1\frac12", r"-2\tfrac{3}{4}", r"3\,\frac{1}{4}"])
def test_a_tex_mixed_number_is_refused_as_ambiguous(text):
    # `1\frac{1}{2}` is printed 1½ (a mixed number, 3/2) but was read as the product 1·½ = 1/2, silently;
    # as `1 1/2` is, it is refused with both readings and what to type
    with pytest.raises(expr.ExpressionError) as e:
        expr.number(text, "x")
    assert "ambiguous" in str(e.value) and "mixed number" in str(e.value) and "write" in str(e.value)


def test_log_to_a_base_is_refused_capitalised_too():
    with pytest.raises(expr.ExpressionError, match="base-10"):
        expr.number("Log10(2)", "x")
    with pytest.raises(expr.ExpressionError, match="unknown name 'H'"):   # a variable's case is its own
        expr.parse("2H", ["h"])


@pytest.mark.parametrize("text, same_as", [
    ("2h[1-h]", "2*h*(1 - h)"), ("σ(h)[1 − σ(h)]", "sigma(h)*(1 - sigma(h))"), ("2[3 + [h/2]]", "6 + h"),
])
def test_square_brackets_that_group_are_read_as_parentheses(text, same_as):
    # `2h[1-h]` was refused: "unexpected character '[' (a list is written without quotes)"
    assert expr.parse(text, ["h"]) == expr.parse(same_as, ["h"])


@pytest.mark.parametrize("text", ["[1-h]2h", "2h[1-h)", "[1, 2]"])
def test_a_bracket_that_may_be_a_list_still_says_what_to_type(text):
    with pytest.raises(expr.ExpressionError, match=r"without quotes: \[1, 2\]; to group, use parentheses"):
        expr.parse(text, ["h"])


@pytest.mark.parametrize("text, same_as", [
    # a root after a function's name is its argument: `ln √3` was refused as "ln(√)·3 or ln(√3)"
    ("ln √3", "ln(sqrt(3))"), ("ln √(3)", "ln(sqrt(3))"), ("ln√3", "ln(sqrt(3))"), ("ln √3 + 1", "ln(sqrt(3)) + 1"),
    ("σ √2", "sigma(sqrt(2))"), ("tanh √2", "tanh(sqrt(2))"), ("√√16", "2"), ("ln sqrt(3)", "ln(sqrt(3))"),
    ("σ ln 3", "sigma(ln(3))"),   # f g x is f(g(x))
    # ... and keeps its readings elsewhere
    ("e^√2", "exp(sqrt(2))"), ("2√3", "2*sqrt(3)"), ("√3/2", "sqrt(3)/2"), ("2 √3", "2*sqrt(3)"), ("1/√3", "1/sqrt(3)"),
    ("-√3/2", "-sqrt(3)/2"), ("e^√2/2", "exp(sqrt(2))/2"), ("2√3/3", "2*sqrt(3)/3"),
])
def test_a_root_after_a_functions_name_is_its_argument(text, same_as):
    assert expr.parse(text, ["x"]) == expr.parse(same_as, ["x"])


@pytest.mark.parametrize("text, shown, readings", [
    # the refusal quotes what was typed: `3 log 3 / 32` was quoted back as 'ln 3/32'
    ("3 log 3 / 32", "'log 3 / 32'", ("log(3)/32", "log(3/32)")), ("Ln 3/4", "'Ln 3/4'", ("Ln(3)/4", "Ln(3/4)")),
    ("ln2/3", "'ln2/3'", ("ln(2)/3", "ln(2/3)")), ("σ 2x", "'σ 2x'", ("σ(2)·x", "σ(2x)")),
    ("ln √3/2", "'ln √3/2'", ("ln(√3)/2", "ln(√3/2)")), ("ln sqrt(3)/2", "'ln sqrt(3)/2'", ("ln(sqrt(3))/2",)),
    ("ln 2 √3", "'ln 2 √3'", ("ln(2)·√3", "ln(2√3)")), ("√3 ln 2", "'√3 ln 2'", ("sqrt(3)·ln 2", "sqrt(3 ln 2)")),
    ("3*ln2/4", "'ln2/4'", ("ln(2)/4", "ln(2/4)")), ("ln 8/4", "'ln 8/4'", ("ln(8)/4", "ln(8/4)")),
])
def test_an_ambiguous_function_argument_is_quoted_as_typed(text, shown, readings):
    with pytest.raises(expr.ExpressionError) as e:
        expr.parse(text, ["x"])
    message = str(e.value)
    assert f"{shown} is ambiguous" in message and "write" in message, message
    for r in readings:
        assert r in message, (r, message)


def _one_part(pid, part, typed, seed=0):
    key = make_key(BANK[pid].sample(seed))
    sub = answers.loads(f"exam: {key['exam']}\nanswers:\n  1:\n    {part}: {typed}\n")
    return next(p for p in grade_submission(key, sub)["problems"][0]["parts"] if p["part"] == part), key


@pytest.mark.parametrize("typed, verdict", [
    # a one-number part in a quoted list, as [x] unquoted is read (was "a list is written without quotes")
    ('"[{x}]"', "correct"), ("'[[{x}]]'", "correct"), ("[{x}]", "correct"), ("'[{x}]^T'", "correct"),
    ('"[{x}, 1]"', "wrong"),    # a list of two: its shape is what is wrong
])
def test_one_number_in_a_quoted_list_is_that_number(typed, verdict):
    key = make_key(BANK["activation-derivative"].sample(0))
    x = key["problems"][0]["answers_exact"]["dh_dxi"]
    part, _ = _one_part("activation-derivative", "dh_dxi", typed.format(x=x))
    assert part["verdict"] == verdict, part
    if verdict == "wrong":
        assert "wrong shape: expected one number, got a list of 2 numbers" in part["feedback"], part


def test_a_choice_or_an_expression_in_a_list_of_one_is_that_answer():
    # `choice: [a]` was "expected … as text, got a list", with no hint
    right = BANK["concepts"].sample(0).values["choice"]
    for typed in (f"[{right}]", f"[[{right}]]", f"'[{right}]'", f"[{right.upper()}]"):
        assert _one_part("concepts", "choice", typed)[0]["verdict"] == "correct", typed
    part = _one_part("concepts", "choice", "[a, b]")[0]
    assert part["verdict"] == "unreadable" and "give the letter of one (a, b, c, d), e.g. choice: a" in part["feedback"], part
    key = make_key(BANK["activation-identity"].sample(0))
    x = key["problems"][0]["answers_exact"]["expr"].replace("**", "^")
    for typed in (f"[{x}]", f"'[{x}]'"):
        assert _one_part("activation-identity", "expr", typed)[0]["verdict"] == "correct", typed
    part = _one_part("activation-identity", "expr", f"'[{x}, 1]'")[0]
    assert "one answer is written without brackets" in part["feedback"], part
    part = _one_part("activation-identity", "expr", f"[{x}, 1]")[0]
    assert "expected one expression, got a list; write it as text, e.g. expr: 2*h + 1" in part["feedback"], part


@pytest.mark.parametrize("text, same_as", [
    # a number with a remark in words is that number (`0 (no overlap)` was "unknown name 'no'")
    ("0 (no overlap)", "0"), ("7 units", "7"), ("1/2 (approx)", "1/2"), ("0.36 (to 2 d.p.)", "0.36"),
    ("1.157 (3 s.f.)", "1.157"), ("49 square units", "49"), ("7 px", "7"), ("7 units²", "7"), ("0.33 approx.", "0.33"),
    ("IOU = 1/8 (no overlap)", "1/8"), ("ln 2 (exact)", "ln(2)"), ("1/3 ≈ 0.333 (rounded)", "1/3"), ("0 (it's zero)", "0"),
])
def test_a_number_with_a_remark_in_words_is_the_number(text, same_as):
    assert expr.parse(text) == expr.parse(same_as)


@pytest.mark.parametrize("text, variables, message", [
    # a name an answer is written with is no remark: what was refused before still is
    ("2 (e)", (), "ambiguous"), ("0.5 (h)", (), "unknown name 'h'"), ("0 (x-1)", (), "unknown name 'x'"),
    ("2 xi", (), "unknown name 'xi'"),
    # a word that is no remark says to give the number alone
    ("7 apples", (), "unknown name 'apples'; a number is asked here: write one such as 1, -3/4, 0.75 or ln(2); "
                     "give the number alone (a remark goes after a # on its line)"),
    # an expression's words are its variables: an unknown one is refused, saying to give the expression alone
    ("h(1 - h) (simplified)", ("h",), "unknown name 'simplified' (variables allowed: h); give the expression alone"),
    ("2h units", ("h",), "unknown name 'units' (variables allowed: h); give the expression alone"),
])
def test_a_word_that_is_no_remark_is_still_refused(text, variables, message):
    with pytest.raises(expr.ExpressionError, match=re.escape(message)):
        expr.parse(text, variables)


@pytest.mark.parametrize("text", ["3 (or 4)", "1/7 (or 0.2)", "7 (not 8)", "0.5 (maybe 0.6)", "7 (approximately 8)",
                                  "1/3 (i.e. 0.5)", "7 (from 8 - 1)", "7 (2 or 3 s.f.)"])
def test_a_remark_cannot_hold_a_second_value(text):
    # a remark with a number in it was passed over: `3 (or 4)` was graded as 3, a hedge
    with pytest.raises(expr.ExpressionError):
        expr.parse(text)


def test_a_remark_after_each_entry_of_a_list_is_read_as_each_number():
    inst = BANK["iou"].sample(0)
    key = make_key(inst)
    i = key["problems"][0]["answers_exact"]["I"]
    part, _ = _one_part("iou", "I", f"{i} (units of area)")
    assert part["verdict"] == "correct", part
    inst = BANK["anchor-labels"].sample(0)
    key = make_key(inst)
    y = key["problems"][0]["answers_exact"]["y_c"]
    part, _ = _one_part("anchor-labels", "y_c", "[" + ", ".join(f"{v} (label)" for v in y) + "]")
    assert part["verdict"] == "correct", part


@pytest.mark.parametrize("text, same_as", [
    # an exact value and its decimal joined by = or ≈, when they agree: the exact value (was the decimal,
    # graded "within tolerance" for a right exact answer)
    ("ln(81/8)/2 = 1.157", "ln(81/8)/2"), ("x = ln(81/8)/2 = 1.157", "ln(81/8)/2"), ("1/3 = 0.333...", "1/3"),
    ("I/U = 2/16 = 0.125", "1/8"), ("1.157 ≈ ln(81/8)/2", "ln(81/8)/2"), ("ln(81/8)/2 = 1.157 ≈ 1.16", "ln(81/8)/2"),
    # ... and otherwise the value after the last =, as before
    ("ln(81/8)/2 = 1.5", "1.5"), ("0.125 = 1/8", "1/8"), ("0.3333 = 0.33", "0.33"), ("dy/dx = 1.5", "1.5"),
])
def test_an_exact_value_and_its_decimal_are_the_exact_value(text, same_as):
    assert expr.parse(text) == expr.parse(same_as)


def test_an_exact_value_given_with_its_decimal_is_graded_correct():
    key = small_value_key(["-1/243", "2/27"])
    key["problems"][0]["answers"]["s"] = math.log(81 / 8) / 2
    key["problems"][0]["answers_exact"]["s"] = "ln(81/8)/2"
    prepared = prepare_key(key)
    for given, verdict in (("ln(81/8)/2 = 1.157", "correct"), ("ln(81/8)/2 ≈ 1.157", "correct"), ("1.157", "within tolerance")):
        p = graded(key, {"s": given}, prepared)["problems"][0]["parts"][1]
        assert p["verdict"] == verdict, (given, p)


@pytest.mark.parametrize("typed, verdict", [
    # a vector with its name before an =, a remark after it, a factor before it (were "unexpected character '['")
    ('"dL/dxi = [{a}, {b}, {c}, {d}]"', "correct"), ('"[{a}, {b}, {c}, {d}] (column)"', "correct"),
    ('"(1/48)[-3, -6, 3, -8]"', "correct"), ('"1/48 * [-3, -6, 3, -8]"', "correct"), ('"1/48 [-3 -6 3 -8]"', "correct"),
    ('"-[1/16, 1/8, -1/16, 1/6]"', "correct"), ('"2 [-3, -6, 3, -8]"', "wrong"),
    # angle brackets, as a vector is printed ⟨a, b⟩ (each end was an unreadable entry)
    ('"⟨{a}, {b}, {c}, {d}⟩"', "correct"), ('"<{a}, {b}, {c}, {d}>"', "correct"),
])
def test_a_vector_typed_with_words_or_a_factor_is_read_as_a_marker_reads_it(typed, verdict):
    key = make_key(BANK["loss-bce"].sample(0))
    exact = key["problems"][0]["answers_exact"]["dL_dxi"]
    assert exact == ["-1/16", "-1/8", "1/16", "-1/6"]    # the factored forms above are of this vector
    a, b, c, d = exact
    part, _ = _one_part("loss-bce", "dL_dxi", typed.format(a=a, b=b, c=c, d=d))
    assert part["verdict"] == verdict, (typed, part)


@pytest.mark.parametrize("typed", [
    # a matrix's rows each in brackets, typed as text (all were "unexpected character '['" or a decimal comma)
    '"[[{r0}]; [{r1}]]"', '"(({r0}), ({r1}))"', '"[{r0}], [{r1}]"', '"[{r0}] [{r1}]"', '"{{{{{r0}}}, {{{r1}}}}}"',
    '"[[{s0}] [{s1}]]"', '"[{s0}]; [{s1}]"', '"(1/12)[[-3, 2, 1], [-3, 1, 2]]"', '"dL/dxi = [{s0}; {s1}]"',
])
def test_a_matrix_typed_as_its_bracketed_rows_is_read_by_its_rows(typed):
    key = make_key(BANK["loss-ce"].sample(0))
    rows = key["problems"][0]["answers_exact"]["dL_dxi"]
    assert rows == [["-1/4", "1/6", "1/12"], ["-1/4", "1/12", "1/6"]]
    r0, r1 = (", ".join(r) for r in rows)
    s0, s1 = (" ".join(r) for r in rows)
    part, _ = _one_part("loss-ce", "dL_dxi", typed.format(r0=r0, r1=r1, s0=s0, s1=s1))
    assert part["verdict"] == "correct", (typed, part)


@pytest.mark.parametrize("text, same_as", [("3 - 6z + 18x.", "3 - 6z + 18x"), ("3 - 6*z + 18*x;", "3 - 6z + 18x"),
                                           ("0.5;", "1/2"), ("1 .", "1")])
def test_a_full_stop_or_semicolon_after_an_expression_ends_it(text, same_as):
    # "unexpected character '.'" after a variable (after a number it was already read as a full stop)
    assert expr.parse(text, ["x", "z"]) == expr.parse(same_as, ["x", "z"])


def test_a_choice_written_in_words_around_its_letter_is_the_letter():
    right = BANK["concepts"].sample(0).values["choice"]
    for typed in (f"Answer: {right}", f"option {right.upper()}", f"the answer is {right}", f"choice ({right})",
                  f"{right},", f"‘{right}’", f"**{right}**", f"{right} ✓", f"Option {right}: the one I worked out"):
        assert _one_part("concepts", "choice", f'"{typed}"')[0]["verdict"] == "correct", typed
    for typed in ("answer: a or d", "(iv)", "answer"):
        part = _one_part("concepts", "choice", f'"{typed}"')[0]
        assert part["verdict"] == "unreadable" and "give the letter of one" in part["feedback"], (typed, part)
