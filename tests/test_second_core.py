"""One exam on two cores (examgen/second_core.py): the symbolic problems built in a forked child
give the very files one process writes, and nothing the child does wrong costs the exam.

Each case runs in a fresh interpreter (the child is used only where SymPy is not imported yet,
and the test process has imported it)."""
import os
import subprocess
import sys
import textwrap

import pytest

from helpers import run

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or (os.cpu_count() or 1) < 2,
                                reason="needs fork and two cores")

SCRIPT = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from examgen import second_core
    from examgen.exam import load_spec
    from examgen.generate import generate

    case, out, seed = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    spec = load_spec(None)
    helper = second_core.start(spec, seed)
    assert helper is not None, "no child"
    assert second_core.symbolic_numbers(spec) == {1, 7}   # activation-identity, total-derivative
    if case == "killed":                  # the child dies before it sends anything
        os.kill(helper.pid, signal.SIGKILL)
    other = seed + 1 if case == "other-seed" else seed   # pieces for another exam are not used
    generate(spec, out / "two", other, {"md", "tex"}, helper=helper)
    assert case != "used" or "mistune" in sys.modules   # this process converts the child's Markdown
    if case == "used":
        assert "sympy" not in sys.modules, "this process built a symbolic problem"
    generate(spec, out / "one", other, {"md", "tex"})     # one process, no child
    assert "sympy" in sys.modules
    assert helper.pid is None             # the child is reaped
    print("ok")
""")

FILES = ("exam.md", "key.md", "exam.tex", "key.tex", "key.json", "answers.yaml")


@pytest.mark.parametrize("case", ["used", "killed", "other-seed"])
def test_the_child_gives_the_files_one_process_writes(tmp_path, case):
    r = subprocess.run([sys.executable, "-c", SCRIPT, case, str(tmp_path), "5"], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr[-3000:]
    for name in FILES:
        assert (tmp_path / "two" / name).read_bytes() == (tmp_path / "one" / name).read_bytes(), name


def test_the_command_builds_symbolic_problems_in_a_child(tmp_path):
    """`examgen generate` for one exam: this process imports no SymPy (the child does), and the
    files are those the library writes in one process."""
    r = run("generate", "--seed", "3", "--out", tmp_path / "cli", "--format", "md,tex",
            env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert r.returncode == 0, r.stderr[-2000:]
    traced = {line.split("|")[-1].strip().split(".")[0] for line in r.stderr.splitlines() if line.startswith("import time:")}
    assert "examgen" in traced and "sympy" not in traced
    from examgen.exam import load_spec
    from examgen.generate import generate

    generate(load_spec(None), tmp_path / "lib", 3, {"md", "tex"})
    for name in FILES:
        assert (tmp_path / "cli" / name).read_bytes() == (tmp_path / "lib" / name).read_bytes(), name


def test_no_child_where_it_cannot_help():
    """An exam of numeric problems only, or of symbolic problems only, forks nothing."""
    from examgen import second_core
    from examgen.exam import parse_spec

    numeric = parse_spec({"problems": [{"id": "iou"}, {"id": "mlp-backprop"}]}, "numeric")
    symbolic = parse_spec({"problems": [{"id": "total-derivative"}, {"id": "activation-identity"}]}, "symbolic")
    assert second_core.symbolic_numbers(numeric) == set() == second_core.symbolic_numbers(symbolic)
    mixed = parse_spec({"problems": [{"id": "iou"}, {"id": "activation-identity"}]}, "mixed")
    assert second_core.symbolic_numbers(mixed) == {2}


def test_the_command_forks_for_one_exam_only():
    """prefork (the command's first step) forks for `generate` of one exam, not for a class or a
    help text (-h or --help): those have no symbolic problem to hand over."""
    code = textwrap.dedent("""
        from examgen import second_core as s
        for args in (["--versions", "3"], ["--roster=r.csv"], ["-h"], ["--seed", "2", "--help"]):
            s.prefork(args)
            assert s._preforked is None, args
        s.prefork(["--seed", "2"])
        child = s._preforked
        assert child is not None and child.pid
        child.stop()
        assert child.pid is None
        print("ok")
    """)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr[-3000:]
