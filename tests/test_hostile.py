"""Every input surface as hostile as an answer file: key.json, specs, rosters, solve params, output paths.

Each test names the finding it guards; each failed before its fix.
"""
import json
import os
import subprocess

import pytest

from examgen import bank
from examgen import key as keys

from helpers import one_line_error, run

BANK = bank.load_bank()


def expression_key(expected="-2*(1 - h**2)", variables=("h",)):
    inst = BANK["activation-identity"].sample(0, "exam")
    entry = keys.problem_entry(inst, 1, 10)
    entry["answers"]["expr"] = entry["answers_exact"]["expr"] = expected
    entry["parts"]["expr"]["variables"] = list(variables)
    return {"exam": "E0-x", "seed": 0, "bank": "b", "title": "T", "student": None, "points": 10,
            "problems": [entry]}


def grade_cli(tmp_path, key, answer="2*h**2 - 2", raw_key=None):
    """Run `examgen grade` on a key (dict, or raw text) and an answer that needs the key's expression."""
    (tmp_path / "key.json").write_text(raw_key if raw_key is not None else json.dumps(key), encoding="utf-8")
    (tmp_path / "a.yaml").write_text(f"exam: E0-x\nanswers:\n  1: {{expr: '{answer}'}}\n", encoding="utf-8")
    return run("grade", tmp_path / "key.json", tmp_path / "a.yaml", cwd=tmp_path)


TAMPERED = [
    "__import__('os').system('touch PWNED')",
    "(lambda: __import__('os').system('touch PWNED'))()",
    "h.__class__.__mro__",
    "exec(\"open('PWNED','w')\")",
    "open('PWNED', 'w')",
    "2**2**2**2**2**30",
    "9**9**9**9",
    "h" + "*h" * 5000,
]


# --- key.json ---------------------------------------------------------------------------------
@pytest.mark.parametrize("expected", TAMPERED, ids=range(len(TAMPERED)))
def test_tampered_key_expression_is_a_key_error_and_runs_nothing(tmp_path, expected):
    # Critical: a key expression that failed the allowlist went to sympify (eval) in the worker.
    r = grade_cli(tmp_path, expression_key(expected))
    one_line_error(r, "key")
    assert not (tmp_path / "PWNED").exists()


def test_tampered_key_mistake_variables_and_functions_are_key_errors(tmp_path):
    key = expression_key()
    key["problems"][0]["mistakes"][0]["answers"]["expr"] = "__import__('os').system('touch PWNED')"
    one_line_error(grade_cli(tmp_path, key), "key")
    key = expression_key(variables=("h", "x.y"))
    one_line_error(grade_cli(tmp_path, key), "key", "variables")
    key = expression_key()
    key["problems"][0]["parts"]["expr"]["functions"] = ["eval"]
    one_line_error(grade_cli(tmp_path, key), "key", "eval")
    assert not (tmp_path / "PWNED").exists()


MALFORMED_KEYS = [
    "[" * 100_000 + "]" * 100_000,                        # deep nesting: RecursionError before
    '{"exam": ' + "9" * 5000 + "}",                       # huge integer: ValueError before
    '{"exam": "\\ud800", "points": 1, "problems": []}',   # lone surrogate
    '{"exam": "E", "points": NaN, "problems": []}',
    '{"exam": "E", "points": "1e400", "problems": []}',
    '{"exam": ["E"], "points": 1, "problems": []}',
    '{"index": true, "versions": [[1]]}',
    "\x00\x01",
    "",
]


@pytest.mark.parametrize("raw", MALFORMED_KEYS, ids=range(len(MALFORMED_KEYS)))
def test_malformed_key_is_one_line_exit_2(tmp_path, raw):
    one_line_error(grade_cli(tmp_path, None, raw_key=raw), "key")


def test_key_numeric_answers_must_be_finite_numbers(tmp_path):
    inst = BANK["iou"].sample(0, "exam")
    entry = keys.problem_entry(inst, 1, 10)
    for bad in ([1e308 * 10] * 2, "1/0", {"a": 1}, [[1, 2], [3]], 10 ** 30):
        entry["answers"]["IOU"] = bad
        key = {"exam": "E0-x", "title": "T", "student": None, "points": 10, "problems": [entry]}
        text = json.dumps(key).replace("Infinity", "1e999")
        (tmp_path / "key.json").write_text(text)
        (tmp_path / "a.yaml").write_text("exam: E0-x\nanswers: {1: {IOU: 1}}\n")
        one_line_error(run("grade", tmp_path / "key.json", tmp_path / "a.yaml"), "key")


def test_genuine_key_still_grades_expressions(tmp_path):
    r = grade_cli(tmp_path, expression_key(), answer="-2 + 2h^2")
    assert r.returncode == 0, r.stderr
    assert "10/10" in r.stdout.replace(" ", "") or "10 / 10" in r.stdout, r.stdout


def test_key_fifo_is_refused_at_once(tmp_path):
    fifo = tmp_path / "key.json"
    os.mkfifo(fifo)
    (tmp_path / "a.yaml").write_text("exam: E\n")
    try:
        r = run("grade", fifo, tmp_path / "a.yaml", timeout=20)
    except subprocess.TimeoutExpired:
        pytest.fail("grade waited on a FIFO key")
    assert r.returncode == 2 and "Traceback" not in r.stderr
