"""SymPy is imported only where something symbolic is worked: an exam of numeric problems is
generated and graded without it (about 0.3 s of every such command), a symbolic one still uses it.

The installed `examgen` runs with PYTHONPROFILEIMPORTTIME=1 (python -X importtime as an
environment variable): every module the command imports is listed on its stderr."""
import json
from pathlib import Path

import yaml

from helpers import run

NUMERIC_SPEC = Path(__file__).parent / "data" / "numeric_spec.yaml"  # rationals only

SYMBOLIC_SPEC = """\
title: Symbols
problems:
  - {id: activation-identity, points: 5}
"""


def imported(result) -> set[str]:
    """The top-level packages a command imported (its -X importtime lines)."""
    rows = [line.split("|") for line in result.stderr.splitlines() if line.startswith("import time:")]
    return {row[-1].strip().split(".")[0] for row in rows if len(row) == 3}


def traced(*args, env=None):
    r = run(*args, env={"PYTHONPROFILEIMPORTTIME": "1", **(env or {})})
    assert r.returncode == 0, r.stderr[-2000:]
    names = imported(r)
    assert "examgen" in names and "click" in names, "the import trace is missing"  # the trace works
    return r, names


def right_answers_file(out, path, style):
    """The key's answers as a student types them: exact forms, or decimals."""
    key = json.loads((out / "key.json").read_text(encoding="utf-8"))
    answers = {}
    for p in key["problems"]:
        answers[p["number"]] = {
            part: (p["answers"][part] if spec["kind"] in ("expression", "choice") or style == "decimal"
                   else p["answers_exact"][part])
            for part, spec in p["parts"].items()}
    path.write_text(yaml.safe_dump({"exam": key["exam"], "student": "S", "answers": answers},
                                   allow_unicode=True), encoding="utf-8")
    return path


def graded_in_full(out, answers):
    r, names = traced("grade", out / "key.json", answers, "--json")
    result = json.loads(r.stdout)
    assert result["score"] == result["max"] > 0, result
    return names


def test_a_numeric_exam_is_generated_and_graded_without_sympy(tmp_path):
    for seed in (0, 1):
        out = tmp_path / f"exam{seed}"
        _, names = traced("generate", "--spec", NUMERIC_SPEC, "--seed", seed, "--out", out, "--format", "md,tex")
        assert "sympy" not in names
        for style in ("exact", "decimal"):
            names = graded_in_full(out, right_answers_file(out, tmp_path / f"{seed}-{style}.yaml", style))
            assert "sympy" not in names


def test_a_symbolic_problem_still_uses_sympy_and_grades_in_full(tmp_path):
    spec = tmp_path / "symbolic.yaml"
    spec.write_text(SYMBOLIC_SPEC, encoding="utf-8")
    out = tmp_path / "exam"
    _, names = traced("generate", "--spec", spec, "--out", out, "--format", "md")
    assert "sympy" in names  # the same trace sees SymPy when a command needs it
    graded_in_full(out, right_answers_file(out, tmp_path / "a.yaml", "exact"))  # expressions included


LOGS_SPEC = Path(__file__).parent / "data" / "logs_spec.yaml"   # the default exam's numeric problems


def test_an_exam_with_logarithms_is_generated_without_sympy(tmp_path):
    """Decimals of r + Σ c·ln a (SymPy's floats, bit for bit, from engine/exact_float.py) and the
    LSTM's excitations (ln 4 for 2 ln 2) need no SymPy; the key still grades in full."""
    for seed in (0, 1, 2):
        out = tmp_path / f"exam{seed}"
        _, names = traced("generate", "--spec", LOGS_SPEC, "--seed", seed, "--out", out, "--format", "md,tex")
        assert "sympy" not in names, seed
        key = json.loads((out / "key.json").read_text(encoding="utf-8"))
        assert any("ln(" in json.dumps(p["params_exact"]) for p in key["problems"])   # logarithms were drawn
        for style in ("exact", "decimal"):
            graded_in_full(out, right_answers_file(out, tmp_path / f"{seed}-{style}.yaml", style))


def test_yaml_is_imported_only_to_read_yaml(tmp_path):
    """The bank's problem.yaml files and the spec are read back from the parse cache (JSON), so
    `list` and `generate` import no PyYAML once they have run; reading an answer sheet does."""
    env = {"EXAMGEN_CACHE": str(tmp_path / "cache")}
    for k in range(2):
        _, names = traced("list", env=env)
        assert ("yaml" in names) == (k == 0)   # the first run parses and remembers
    out = tmp_path / "exam"
    _, names = traced("generate", "--spec", NUMERIC_SPEC, "--out", out, "--format", "md", env=env)
    assert "yaml" in names   # a new spec file: parsed once
    _, names = traced("generate", "--spec", NUMERIC_SPEC, "--out", out, "--format", "md", "--force", env=env)
    assert "yaml" not in names
    _, names = traced("grade", out / "key.json", right_answers_file(out, tmp_path / "a.yaml", "exact"), env=env)
    assert "yaml" in names


def test_the_command_line_module_imports_no_numpy():
    """launch.main sets NumPy's BLAS threads (BLAS_THREADS) before anything imports NumPy: importing
    the command's module must not import it."""
    import subprocess
    import sys

    code = "import sys, examgen.cli; assert 'numpy' not in sys.modules, 'numpy imported by examgen.cli'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_error_carried_forward_on_a_flow_graph_is_graded_without_sympy(tmp_path):
    """total-derivative's dy/dg and ∂y/∂x are recomputed from a student's own dy/dh in floats
    (complex-step partials), so grading a slip there imports no SymPy (about 0.5 s a command)."""
    from examgen import bank

    spec = tmp_path / "graph.yaml"
    spec.write_text("title: Graph\nproblems:\n  - {id: total-derivative, points: 4}\n", encoding="utf-8")
    out = tmp_path / "exam"
    traced("generate", "--spec", spec, "--out", out, "--format", "md")
    key = json.loads((out / "key.json").read_text(encoding="utf-8"))
    p = key["problems"][0]
    module = bank.get("total-derivative").module
    slip = p["answers"]["dy_dh"] + 1
    dy_dg = module.carry_dy_dg(p["params"], {"dy_dh": slip})
    dy_dx_at = module.carry_dy_dx_at(p["params"], {"dy_dh": slip, "dy_dg": dy_dg})
    sheet = tmp_path / "slip.yaml"
    sheet.write_text(yaml.safe_dump({"exam": key["exam"], "answers": {1: {
        "dy_dh": slip, "dy_dg": dy_dg, "dy_dx": None, "dy_dx_at": dy_dx_at}}}), encoding="utf-8")
    r, names = traced("grade", out / "key.json", sheet, "--json")
    verdicts = {q["part"]: q["verdict"] for q in json.loads(r.stdout)["problems"][0]["parts"]}
    assert verdicts == {"dy_dh": "wrong", "dy_dg": "carried", "dy_dx": "blank", "dy_dx_at": "carried"}, verdicts
    assert "sympy" not in names
