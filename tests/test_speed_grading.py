"""Grading's fast paths (issue 12) give what the plain paths they replace give, over many draws."""
import json
import math
import random
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from examgen import answers, compare, expr, grade, safeio, yamlio
from examgen.errors import ExamgenError


def _bracket_depth_by_character(text: str) -> int:
    """The plain reading bracket_depth replaced: every character visited."""
    depth = deepest = 0
    in_string = escaped = False
    for c in text:
        if in_string:
            escaped, in_string = (not escaped and c == "\\"), in_string and not (c == '"' and not escaped)
        elif c == '"':
            in_string = True
        elif c in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif c in "]}":
            depth -= 1
    return deepest


def test_bracket_depth_equals_the_character_by_character_reading():
    rng = random.Random(12)
    texts = ["".join(rng.choice('[]{}"\\a \n') for _ in range(rng.randint(0, 30))) for _ in range(8000)]
    texts += ['"' + "\\" * 1001 + '"[[', '["\\"["]' * 50, "[" * 300 + "]" * 300, 'a: "x\\', "[\"]\"]"]
    for text in texts:
        assert safeio.bracket_depth(text) == _bracket_depth_by_character(text), text


SHEET = """\
# an answer sheet
exam: "E0-abc"
student: "Ada"
answers:
  1:
    expr: {expr}  # expression in xi
  2:
    dL_dW1: {matrix}
    dL_db1: {vector}
  3:
    I: {number}
    U: {number2}
"""
VALUES = ["~", "1/2", "-0.25", "[1, 2]", "[[1, 2], [3, 4]]", "[1 2; 3 4]", "'[0, -0.28; 0, 0]'", "[0, -0.2883; 0, 0]",
          "{1 \\over 9}", "{c0: [[1, 2]]}", "yes", "011", "1e3", "0x1F", ".inf", "'σ(2ξ) - 1'", "xi*(1 - xi)",
          "\"a\\tb\"", "[1,\n      2]", "|\n      1 2\n      3 4", "! 1", "!!str 1", "1 # c", "[1, 2]^T", "2024-01-01",
          "1:30", "9" * 30, "{a: 1, a: 2}", "[1, [2]]", "\\begin{bmatrix} 1 & 2 \\end{bmatrix}"]
ODD = ["&a 1", "*a", "!!binary aGk=", "!foo 1", "[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]", "[1", "'it's'", "`1/8`",
       "a: b", "\t1", "\"\\ud800\""]


def _loaded(text: str):
    """parse_yaml's value (types and answers' typed texts included), or its error message."""
    def shown(v):
        if isinstance(v, dict):
            return ("map", getattr(v, "duplicates", ()), getattr(v, "typed", ""), getattr(v, "typed_student", ""),
                    [(shown(k), shown(x)) for k, x in v.items()])
        if isinstance(v, list):
            return ("list", getattr(v, "typed", None), [shown(x) for x in v])
        return (type(v).__name__, repr(v))
    try:
        return shown(answers._parse_yaml(text))
    except ExamgenError as e:
        return ("error", str(e), getattr(e, "yaml_line", None), getattr(e, "yaml_opened", None))


def test_one_pass_yaml_equals_the_events_check_then_load(monkeypatch):
    rng = random.Random(7)
    texts = ["", "- 1\n", "answers:\n  1:\n    I:\n    - - - 1\n    U: ? a\n", "a: 1\n---\nb: !!python/object x\n",
             "- " * 2000 + "1\n", "a: &x 1\nb: *x\n"]
    for _ in range(600):
        text = SHEET.format(**{k: rng.choice(ODD if rng.random() < 0.05 else VALUES)
                               for k in ("expr", "matrix", "vector", "number", "number2")})
        if rng.random() < 0.3:   # a slip anywhere: a character YAML minds
            i = rng.randrange(len(text))
            text = text[:i] + rng.choice("\t[]{}&*!:-?'\"|>#%@`,\n") + text[i:]
        texts.append(text)
    fast = [_loaded(t) for t in texts]
    monkeypatch.setattr(yamlio, "_load_in_one_pass", lambda *a: yamlio._UNVOUCHED)   # the events, then yaml.load
    assert [_loaded(t) for t in texts] == fast


def _equivalent_point_by_point(a, b, variables):
    """The plain check equivalent replaced: both trees evaluated at each point in turn."""
    agree = 0
    for point in grade.sample_points(tuple(variables)):
        try:
            x, y = expr.evaluate(a, point), expr.evaluate(b, point)
        except (ArithmeticError, ValueError, expr.ExpressionError):
            continue
        if not all(map(math.isfinite, (x.real, x.imag, y.real, y.imag))):
            continue
        if abs(x - y) > 1e-8 * max(1.0, abs(x), abs(y)):
            return False
        agree += 1
    return True if agree >= grade.POINTS_AGREE else None


def test_equivalent_with_remembered_values_equals_point_by_point():
    pairs = json.loads((Path(__file__).parent / "data" / "expr_equivalence.json").read_text())["pairs"]
    pairs += [{"a": "ln(h - 3)", "b": "ln(h - 3)", "variables": ["h"]}, {"a": "1/(h - h)", "b": "0", "variables": ["h"]},
              {"a": "exp(exp(exp(h)))", "b": "h^999", "variables": ["h"]}, {"a": "sqrt(-h^2)", "b": "h", "variables": ["h"]}]
    for p in pairs:
        v = tuple(p["variables"])
        a, b = expr.check(p["a"], v), expr.check(p["b"], v)
        assert grade.equivalent(a, b, v) == _equivalent_point_by_point(a, b, v), p


def test_exact_entries_and_sign_slips_equal_numpy_vectorize():
    rng = random.Random(3)
    for _ in range(300):
        shape = rng.choice([(), (1,), (3,), (2, 2), (3, 4, 1)])
        n = math.prod(shape)
        expected = np.array([rng.choice([0.0, 0.5, -1 / 3, 2.0]) for _ in range(n)]).reshape(shape)
        key_exact = np.array([rng.choice([Fraction(1, 2), None, Fraction(-1, 3), Fraction(0)]) for _ in range(n)] + [0],
                             dtype=object)[:-1].reshape(shape)
        texts = np.array([rng.choice(["1/2", None, "ln(2)"]) for _ in range(n)] + [0], dtype=object)[:-1].reshape(shape)
        values = np.array([rng.choice([0.0, 0.5, -1 / 3, 2.0 + 1e-12, math.nan, -0.001]) for _ in range(n)]).reshape(shape)
        exact = np.array([rng.choice([Fraction(1, 2), None, Fraction(-1, 3)]) for _ in range(n)] + [0],
                         dtype=object)[:-1].reshape(shape)
        part = grade.KeyPart("p", "vector", 1.0, 0.01, 0.005, (), None, expected, "", key_exact, "", "")
        with np.errstate(invalid="ignore"):
            old = np.vectorize(grade._is_exact, otypes=[bool])(values, exact, expected, key_exact)
            stated = np.vectorize(lambda t: t is not None, otypes=[bool])(texts)
            old_slips = stated & (expected != 0) & ~np.isnan(values) & (np.sign(values) != np.sign(expected))
        assert np.array_equal(grade._exact_entries(values, exact, part), old)
        assert np.array_equal(compare.sign_slips(values, expected, texts), old_slips)


def test_remembered_decimal_fractions_are_the_decimal_texts():
    rng = random.Random(5)
    for x in [0.0, -0.0, 0.1, -0.28833074354358357, 1e-30, 22.0] + [rng.uniform(-50, 50) for _ in range(2000)]:
        assert expr.number(x) == (x, Fraction(repr(x)))


def test_a_surrogate_escape_is_still_refused_without_a_walk_for_plain_files():
    with pytest.raises(ExamgenError, match="surrogate"):
        answers.loads('{"exam": "E0-x", "answers": {"1": {"I": "\\ud800"}}}')
    assert answers.loads("exam: E0-x\nanswers:\n  1: {I: 1/2}\n").answers == {1: {"I": "1/2"}}


@pytest.mark.parametrize("escape", ["\\ud800", "\\uDFFF", "\\uDbFf", "\\udc00"])
def test_every_case_of_a_surrogate_escape_is_refused_among_other_backslashes(escape):
    """A key full of LaTeX (\\frac, \\\\) is not walked for surrogates; a surrogate's escape in any
    case still is, and refused."""
    text = '{"solution": "\\\\frac{1}{2} \\\\\\\\ x", "exam": "E' + escape + '"}'
    with pytest.raises(ExamgenError, match="surrogate"):
        safeio.parse_json(text, 10)


def test_latex_backslashes_alone_do_not_walk_the_value(monkeypatch):
    """A class's key index (30 MB of LaTeX at 1,000 versions) was walked string by string for
    surrogates because it holds backslashes: seconds before regenerating or grading a class."""
    def walked(*_):
        raise AssertionError("walked a value whose text has no surrogate escape")

    monkeypatch.setattr(safeio, "_has_surrogate", walked)
    text = json.dumps({"solution": "\\frac{1}{2} \\\\ \\ud \\u00e9 \\uD7FF \\uE000", "exam": "E0-x"})
    assert safeio.parse_json(text, 10)["exam"] == "E0-x"
    assert safeio.parse_json(json.dumps({"a": "\u00e9\t"}), 10) == {"a": "é\t"}


def _sheets(entry, n: int, seed: int) -> list[dict]:
    """n answer mappings for a key entry, each part's answer drawn from a few forms (so that many
    repeat, as in a class): the key's exact and decimal answers, its mistakes', a slip, a blank,
    -0.0 beside 0.0, True beside 1, and the exact answer as typed text."""
    rng = random.Random(seed)
    forms = {}
    for part in entry["parts"]:
        exact, decimal = entry["answers_exact"][part], entry["answers"][part]
        slipped = json.loads(json.dumps(decimal).replace("1", "2").replace("-", ""))
        forms[part] = [exact, decimal, slipped, None, 0.0, -0.0, True, 1, json.dumps(exact).replace('"', "")]
        forms[part] += [m["answers"][part] for m in entry["mistakes"] if part in m["answers"]]
    return [{"exam": "E0-speed", "answers": {1: {part: rng.choice(f) for part, f in forms.items()}}} for _ in range(n)]


@pytest.mark.parametrize("pid", ["rnn-bptt", "lstm-forward", "total-derivative", "maxpool-backward", "iou"])
def test_a_batch_grades_a_repeated_answer_as_it_grades_it_alone(pid):
    from examgen import bank
    from examgen import key as keys

    entry = keys.problem_entry(bank.load_bank()[pid].sample(3, "exam"), 1, 10)
    key = grade.prepare_key({"exam": "E0-speed", "seed": 0, "bank": "b", "title": "T", "student": None,
                             "points": 10, "problems": [entry]})
    earlier: dict = {}
    for sheet in _sheets(entry, 120, seed=len(pid)):
        for partial in (True, False):
            alone = grade.grade_submission(key, answers.from_mapping(sheet), partial)
            assert grade.grade_submission(key, answers.from_mapping(sheet), partial, earlier=earlier) == alone
    assert earlier   # (the batch remembered answers)


def _read_by_read_numbers(value, name):
    """The key's numbers as the general reader reads them (what _key_numbers did for every value)."""
    floats, _, bad, messages = grade.read_numbers(value, f"the key's answer to {name}")
    if bad.any():
        raise ValueError(messages[0])
    return floats


def _key_values():
    """Every numeric answer and mistaken answer of every problem's key entry, both profiles, 4 seeds."""
    from examgen import bank
    from examgen import key as keys

    for _pid, problem in sorted(bank.load_bank().items()):
        for profile in ("exam", "drill"):
            for seed in range(4):
                entry = keys.problem_entry(problem.sample(seed, profile), 1, 10)
                for part, spec in entry["parts"].items():
                    if spec["kind"] not in ("expression", "choice"):
                        yield entry["answers"][part]
                        yield from (m["answers"][part] for m in entry["mistakes"] if part in m["answers"])


ODD_KEY_VALUES = [0, -3, 2.5, [1], [[1, 2], [3, 4]], [[[[1]]]], [[[[[1]]]]], 10**15 - 1, 10**15, [10**15], -10**16,
                  [1e308, -1e-308], [[1, 2], [3]], [], [[]], [[], []], [1, [2]], list(range(answers.MAX_ENTRIES + 1))]


def test_a_keys_numbers_read_directly_equal_read_numbers_or_its_refusal():
    """_key_numbers reads a rectangular list of JSON numbers itself: the same floats and shape as
    read_numbers on every key value of the bank, and read_numbers' own refusal of anything else."""
    values = list(_key_values()) + ODD_KEY_VALUES
    assert len(values) > 500
    for value in values:
        try:
            expected = _read_by_read_numbers(value, "x")
        except (ValueError, expr.ExpressionError) as e:
            with pytest.raises(type(e)) as got:
                grade._key_numbers(value, "x")
            assert str(got.value) == str(e)
            continue
        got = grade._key_numbers(value, "x")
        assert got.shape == expected.shape and got.dtype == expected.dtype, value
        assert np.array_equal(got, expected) and (np.signbit(got) == np.signbit(expected)).all(), value
