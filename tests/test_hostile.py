"""Every input surface as hostile as an answer file: key.json, specs, rosters, solve params, output paths.

Each test names the finding it guards; each failed before its fix.
"""
import json
import os
import subprocess
import time

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


# --- answer files in a batch: encodings, control characters, HTML --------------------------------
def iou_setup(tmp_path):
    inst = BANK["iou"].sample(0, "exam")
    entry = keys.problem_entry(inst, 1, 10)
    key = {"exam": "E0-x", "title": "T", "student": None, "points": 10, "problems": [entry]}
    (tmp_path / "key.json").write_text(keys.dumps(key), encoding="utf-8")
    d = tmp_path / "class"
    d.mkdir()
    right = entry["answers_exact"]
    (d / "good.yaml").write_text(json.dumps({"exam": "E0-x", "student": "Ada", "answers": {"1": right}}))
    return key, d


@pytest.mark.parametrize("where", ["student", "exam", "part", "value"])
def test_lone_surrogate_in_json_is_that_files_error_row(tmp_path, where):
    _, d = iou_setup(tmp_path)
    bad = {"exam": "E0-x", "student": "Bo", "answers": {"1": {"I": 1}}}
    s = "\\ud800"
    text = json.dumps(bad)
    text = {"student": text.replace('"Bo"', f'"B{s}"'), "exam": text.replace('"E0-x"', f'"E{s}"'),
            "part": text.replace('"I"', f'"I{s}"'), "value": text.replace("1}}", f'"1{s}"}}}}')}[where]
    (d / "bad.json").write_text(text, encoding="ascii")
    r = run("grade", tmp_path / "key.json", d, "--gradebook", tmp_path / "g.csv", "--report", tmp_path / "rep")
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr
    rows = (tmp_path / "g.csv").read_text(encoding="utf-8").splitlines()
    assert len(rows) == 3 and any("bad.json" in x and "could not be graded" in x for x in rows)
    assert len(list((tmp_path / "rep").glob("*.md"))) == 2
    ok = run("grade", tmp_path / "key.json", d / "good.yaml")
    assert ok.returncode == 0


def test_undecodable_file_name_and_ascii_terminal_do_not_crash(tmp_path):
    _, d = iou_setup(tmp_path)
    name = os.fsencode(d) + b"/\xff\xfe-caf\xc3\xa9.yaml"
    with open(name, "wb") as f:
        f.write(b"exam: E0-x\nstudent: Zo\xc3\xab\nanswers: {1: {I: 1}}\n")
    r = run("grade", tmp_path / "key.json", d, "--gradebook", tmp_path / "g.csv",
            env={"PYTHONIOENCODING": "ascii", "LC_ALL": "C"})
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr and r.stdout.count("exam E0-x") == 2


def test_terminal_escapes_and_html_from_students_are_neutralised(tmp_path):
    _, d = iou_setup(tmp_path)
    (d / "mal.json").write_text(json.dumps({"exam": "E0-x", "student": "Mal\x1b[2J\x1b]52;c;Zm9v\x07"}))
    evil = {"exam": "E0-x", "student": "Eve<script>alert(1)</script>",
            "answers": {"1": {"I": "\x1b[31m10/10\x9b", "U": "<img src=x onerror=alert(1)>"}},
            "<b>x</b>\x1b[1m": 1}
    (d / "eve.json").write_text(json.dumps(evil))
    for args in ([], ["--json"]):
        r = run("grade", tmp_path / "key.json", d, "--report", tmp_path / "rep", *args)
        assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr  # Mal's name is refused
        for ch in ("\x1b", "\x07", "\x9b"):
            assert ch not in r.stdout and ch not in r.stderr
    reports = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "rep").glob("*.md"))
    assert "Eve" in reports
    assert "<script" not in reports and "<img" not in reports.replace("`<img", "") and "<b>" not in reports
    assert "\x1b" not in reports


# --- answer sheets ------------------------------------------------------------------------------
def test_multi_line_title_cannot_inject_into_answer_sheets(tmp_path):
    import yaml

    spec = tmp_path / "s.yaml"
    title = "Quiz\nexam: E9-evil\nstudent: Mallory\u2028answers: 1\x85x: 2"
    spec.write_text(yaml.safe_dump({"title": title, "problems": ["iou"]}), encoding="utf-8")
    r = run("generate", "--spec", spec, "--format", "md", "--out", tmp_path / "o")
    assert r.returncode == 0, r.stderr
    sheet = (tmp_path / "o" / "answers.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(sheet)
    assert set(data) == {"exam", "student", "answers"} and data["exam"].startswith("E0-")
    assert not data["student"]
    assert sheet.splitlines()[0].startswith("# Answer sheet for Quiz exam: E9-evil")


# --- folders, FIFOs, the versions' own keys ---------------------------------------------------------
def test_version_folders_own_keys_are_not_graded_and_skips_are_listed(tmp_path):
    r = run("generate", "--versions", "2", "--format", "md", "--out", tmp_path / "c")
    assert r.returncode == 0, r.stderr
    folders = sorted(p for p in (tmp_path / "c").iterdir() if p.is_dir())
    os.mkfifo(folders[0] / "pipe.yaml")
    r = run("grade", tmp_path / "c" / "key.json", *folders, "--json", timeout=60)
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert [os.path.basename(x["file"]) for x in rows] == ["answers.yaml", "answers.yaml"]
    assert "pipe.yaml (not a regular file)" in r.stderr, r.stderr
    # examgen's own files beside the sheets are counted, not listed one by one
    assert "key.json" not in r.stderr and "exam.md" not in r.stderr, r.stderr
    assert "skipped 7 file(s) that are not answer files (1 listed above; 6 of examgen's own" in r.stderr, r.stderr


def test_fifo_named_as_submission_is_an_error_row_not_a_hang(tmp_path):
    _, d = iou_setup(tmp_path)
    os.mkfifo(tmp_path / "pipe.yaml")
    r = run("grade", tmp_path / "key.json", tmp_path / "pipe.yaml", d / "good.yaml", timeout=30)
    assert r.returncode == 1 and "pipe" in r.stdout, (r.stdout, r.stderr)


# --- what grade writes --------------------------------------------------------------------------------
def test_outputs_follow_the_umask_keep_modes_and_replace_planted_symlinks(tmp_path):
    _, d = iou_setup(tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (tmp_path / "g.csv").symlink_to(victim)
    r = subprocess.run(f"umask 022 && examgen grade {tmp_path}/key.json {d} --gradebook {tmp_path}/g.csv "
                       f"--report {tmp_path}/rep", shell=True, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert victim.read_text() == "precious" and not (tmp_path / "g.csv").is_symlink()
    assert (tmp_path / "g.csv").stat().st_mode & 0o777 == 0o644
    assert all(p.stat().st_mode & 0o777 == 0o644 for p in (tmp_path / "rep").glob("*.md"))
    os.chmod(tmp_path / "g.csv", 0o640)
    run("grade", tmp_path / "key.json", d, "--gradebook", tmp_path / "g.csv")
    assert (tmp_path / "g.csv").stat().st_mode & 0o777 == 0o640
    assert not [p for p in tmp_path.rglob("*.tmp")]


def test_worksheet_and_init_spec_replace_symlinks_instead_of_following_them(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (tmp_path / "w.md").symlink_to(victim)
    r = run("worksheet", "--problems", "iou", "--count", "1", "--format", "md", "--out", tmp_path / "w.md")
    assert r.returncode == 0, r.stderr
    assert victim.read_text() == "precious" and not (tmp_path / "w.md").is_symlink()
    (tmp_path / "spec.yaml").symlink_to(tmp_path / "nowhere" / "x.yaml")
    r = run("init-spec", tmp_path / "spec.yaml")
    one_line_error(r, "exists")
    r = run("init-spec", tmp_path / "spec.yaml", "--force")
    assert r.returncode == 0 and (tmp_path / "spec.yaml").is_file() and not (tmp_path / "spec.yaml").is_symlink()
    assert not (tmp_path / "nowhere").exists()


def test_a_report_that_cannot_be_written_does_not_stop_the_rest(tmp_path):
    _, d = iou_setup(tmp_path)
    (d / "bo.yaml").write_text("exam: E0-x\nstudent: Bo\nanswers: {1: {I: 1}}\n")
    (tmp_path / "rep" / "Ada.md").mkdir(parents=True)   # in the way of Ada's report
    r = run("grade", tmp_path / "key.json", d, "--report", tmp_path / "rep", "--gradebook", tmp_path / "g.csv")
    assert r.returncode == 1 and "Ada.md" in r.stderr and "Traceback" not in r.stderr, r.stderr
    assert (tmp_path / "rep" / "Bo.md").is_file() and (tmp_path / "g.csv").is_file()


# --- points ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("points", [1, 0.5, 0.05])
def test_point_split_is_never_negative(points):
    from examgen.key import part_points

    inst = BANK["lstm-bptt"].sample(0, "exam")
    split = part_points(points, list(inst.problem.parts))
    assert min(split.values()) >= 0 and round(sum(split.values()), 9) == points
    for n in range(1, 80):
        split = part_points(points, [str(i) for i in range(n)])
        assert min(split.values()) >= 0 and abs(sum(split.values()) - points) < 1e-9


# --- specs and rosters ------------------------------------------------------------------------------
LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi")) + "title: *i\nproblems: [iou]\n"


BAD_SPECS = [
    (LAUGHS, ["anchor"]),
    ("title: x\nproblems: " + "[" * 5000 + "iou" + "]" * 5000 + "\n", ["nested"]),
    ("title: x\nproblems:\n" + "".join("  " * i + "- \n" for i in range(1, 300)), ["nested"]),
    ("title: !!python/object/apply:os.system ['touch PWNED']\nproblems: [iou]\n", ["tag"]),
    ("title: x\nseed: " + "9" * 5000 + "\nproblems: [iou]\n", ["digits"]),
    ("title: '" + "x" * 5000 + "'\nproblems: [iou]\n", ["too long"]),
]


@pytest.mark.parametrize("content,words", BAD_SPECS, ids=range(len(BAD_SPECS)))
def test_hostile_specs_are_one_line_errors_in_bounded_time(tmp_path, content, words):
    spec = tmp_path / "s.yaml"
    spec.write_text(content)
    r = run("generate", "--spec", spec, "--format", "md", "--out", tmp_path / "o", cwd=tmp_path, timeout=30)
    one_line_error(r, "spec", *words)
    assert not (tmp_path / "PWNED").exists()


@pytest.mark.parametrize("kind", ["zero", "fifo", "big"])
def test_spec_and_roster_that_are_not_small_regular_files_are_refused_at_once(tmp_path, kind):
    target = {"zero": "/dev/zero", "fifo": tmp_path / "pipe", "big": tmp_path / "big"}[kind]
    if kind == "fifo":
        os.mkfifo(target)
    if kind == "big":
        target.write_text("name\n" + "x" * 20_000_000)
    for option in ("--spec", "--roster"):
        r = run("generate", option, target, "--format", "md", "--out", tmp_path / "o", timeout=30)
        one_line_error(r, "spec" if option == "--spec" else "roster")


def test_spec_numbers_and_dates_read_as_people_mean_them(tmp_path):
    spec = tmp_path / "s.yaml"
    spec.write_text("title: Quiz\ndate: 2025-05-01\nseed: 011\nproblems:\n  - {id: iou, points: 1e1}\n")
    r = run("generate", "--spec", spec, "--format", "md", "--out", tmp_path / "o")
    assert r.returncode == 0, r.stderr
    key = json.loads((tmp_path / "o" / "key.json").read_text())
    assert key["points"] == 10 and key["seed"] == 11
    from examgen.exam import load_spec

    assert load_spec(spec).date == "2025-05-01"


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16"])
def test_a_spec_saved_by_a_windows_editor_is_read(tmp_path, encoding):
    from examgen.exam import load_spec

    spec = tmp_path / "s.yaml"
    spec.write_bytes("title: Übung 3 – Faltung\nproblems:\n  - iou\n".encode(encoding))
    assert load_spec(spec).title == "Übung 3 – Faltung"


def test_answer_sheet_numbers_are_yaml_1_2(tmp_path):
    from examgen import answers

    sub = answers.loads("exam: E\nanswers:\n  1: {U: 011, I: 1e3, IOU: 0o11, x: yes, d: 2025-05-01}\n")
    assert sub.answers[1] == {"U": 11, "I": 1000.0, "IOU": 9, "x": "yes", "d": "2025-05-01"}


# --- solve --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("pid,params", ids=["rnn-T10", "conv-100x100", "nested-powers"], argvalues=[
    ("rnn-forward", {"x": list(range(1, 11)), "w": [1, 2], "activation": "sigmoid"}),
    ("conv2d-forward", {"h": [[[(i * j) % 7 - 3] for j in range(100)] for i in range(100)],
                        "w": [[[[1]], [[2]]], [[[3]], [[4]]]], "mode": "full"}),
    ("total-derivative", {"graph": {"g": "x^z", "h": "g^g", "k": "h^h", "y": "k^k"}, "point": {"x": 3, "z": 4}}),
])
def test_solve_is_bounded_in_time(tmp_path, pid, params):
    """A solve that overruns its time (here --timeout 2; 20 s by default) stops with one line."""
    import time

    t = time.perf_counter()
    r = run("solve", pid, "--params", "-", "--json", "--timeout", "2", input=json.dumps(params), timeout=120)
    assert time.perf_counter() - t < 30
    if r.returncode != 0:
        one_line_error(r, pid)
        assert "more than 2 s" in r.stderr or "memory" in r.stderr, r.stderr
    else:
        assert json.loads(r.stdout)["answers"]


BAD_PARAMS = [
    ("[" * 100_000 + "]" * 100_000, ["nested"]),
    ('{"ref": [0, 0, 2, ' + "9" * 5000 + '], "roi": [1, 1, 2, 2]}', ["digits"]),
    ('{"ref": [0, 0, 2, 2], "roi": [1, 1, 2, "\\ud800"]}', ["surrogate"]),
    ('{"ref": [0, 0, 1e300, 1e300], "roi": [0, 0, 1e300, 1e300]}', ["not finite"]),   # NumPy's overflow warning too
]


@pytest.mark.parametrize("text,words", BAD_PARAMS, ids=range(len(BAD_PARAMS)))
def test_solve_refuses_deep_and_huge_json_in_one_line(text, words):
    one_line_error(run("solve", "iou", "--params", "-", input=text, timeout=60), "iou", *words)


def test_a_class_too_large_for_the_graders_key_cap_is_refused_before_the_work(tmp_path, monkeypatch):
    """--versions ~1300 wrote an index key larger than grade reads: the caps now agree end to end."""
    from examgen import exam, generate, grade

    spec = exam.load_spec(None)
    one = tmp_path / "one"
    generate.generate(spec, one, seed=1, versions=1, formats={"md"})
    version_bytes = len((one / "key.json").read_bytes())
    assert grade.load_key(one / "key.json")  # the index of one version reads back
    monkeypatch.setattr(keys, "MAX_KEY_BYTES", int(version_bytes * 3.5))
    with pytest.raises(generate.ExamgenError, match=r"make at most 3 versions per --out folder"):
        generate.generate(spec, tmp_path / "class", seed=1, versions=5, formats={"md"})
    assert sorted(p.name for p in (tmp_path / "class").iterdir()) == ["v1"]  # refused after the first version
    generate.generate(spec, tmp_path / "ok", seed=1, versions=3, formats={"md"})
    assert len(grade.load_key(tmp_path / "ok" / "key.json").versions) == 3


def test_a_key_given_as_a_submission_is_refused_in_one_line(tmp_path):
    """A version's key.json named as an answer file is an error row saying what to grade, not a
    blank sheet with a dozen notes."""
    r = run("generate", "--versions", "2", "--format", "md", "--out", tmp_path / "c", "--seed", "3")
    assert r.returncode == 0, r.stderr
    version_key = next(p for p in sorted((tmp_path / "c").iterdir()) if p.is_dir()) / "key.json"
    r = run("grade", tmp_path / "c" / "key.json", version_key, "--json", timeout=60)
    assert r.returncode == 1, (r.stdout, r.stderr)
    row = json.loads(r.stdout)
    assert row["status"] != "graded" and "this is an exam's key (key.json), not an answer file" in row["error"], row


def test_output_into_a_closed_pipe_ends_quietly():
    """`examgen list | head -1`: no error message and no traceback when the reader stops early
    (`true` reads nothing and exits at once, so examgen's first write meets a closed pipe)."""
    import shutil

    from helpers import EXAMGEN

    r = subprocess.run(f"'{EXAMGEN}' list | true", shell=True, capture_output=True, text=True,
                       executable=shutil.which("bash"), timeout=60)
    assert r.stderr == "", r.stderr


def test_a_long_solve_error_is_printed_whole():
    # "missing parameter 'graph' (… it has nodes g and h, and" ended mid-sentence: cut at 300 characters
    r = subprocess.run(["examgen", "solve", "total-derivative", "--params", "-"], input="{}", capture_output=True, text=True)
    assert r.returncode == 2 and "the last node is y); its parameters: graph, point" in r.stderr, r.stderr


# --- answers read in bounded time: the readers added for typed lists, remarks and functions ---------
def _timed(f, *args):
    """(CPU seconds, the ExamgenError's text or None) of f(*args); any other exception fails the test.
    CPU time of this process: the bound is on the work, which a busy machine (the other test
    worker, another job) does not change; wall time failed a 0.26 s read against 1 s under load."""
    from examgen.errors import ExamgenError

    t = time.process_time()
    try:
        f(*args)
        said = None
    except ExamgenError as e:
        said = str(e)
    return time.process_time() - t, said


# Each took seconds (or forever) or raised a traceback before its fix.
SLOW_READINGS = [
    # functions applied in a row: every argument re-applied for its message, in exponential time
    ("expr", "exp√e" * 80, ()),
    ("expr", "ln √2 " * 66, ()),
    # a factor before a list: two \s* around an optional sign backtracked cubically on spaces
    ("numbers", "a" + " " * 790 + "b[1, 2]", (2,)),
    # one number in brackets: a recursion per bracket, each level scanning the whole text
    ("numbers", "[" * 10_000 + "]" * 10_000, ()),
    # a matrix one row per line: every line read, however long the text
    ("numbers", "1 2\n" * 200_000, (2, 2)),
    ("numbers", "[1 2]\n" * 150_000, (6, 4)),
]


@pytest.mark.parametrize("how, text, arg", SLOW_READINGS, ids=range(len(SLOW_READINGS)))
def test_hostile_answers_are_read_in_bounded_time(how, text, arg):
    from examgen import expr
    from examgen.grade import read_numbers

    if how == "expr":
        seconds, said = _timed(expr.check, text, arg, "x")
        assert said and len(said.splitlines()) == 1, said
    else:
        seconds, _ = _timed(read_numbers, text, "x", arg)
    assert seconds < 0.2, seconds


def test_a_hostile_part_is_refused_and_the_rest_graded(tmp_path):
    key, _ = iou_setup(tmp_path)
    right = key["problems"][0]["answers_exact"]
    (tmp_path / "a.json").write_text(json.dumps({"exam": "E0-x", "answers": {"1": {
        "I": "exp√e" * 80, "U": right["U"], "IOU": "[" * 10_000 + "]" * 10_000}}}))
    t = time.perf_counter()
    r = run("grade", tmp_path / "key.json", tmp_path / "a.json", "--json")
    assert time.perf_counter() - t < 20 and r.returncode == 0, r.stderr
    parts = {p["part"]: p for p in json.loads(r.stdout)["problems"][0]["parts"]}
    assert parts["U"]["verdict"] == "correct", parts
    for name in ("I", "IOU"):
        assert parts[name]["verdict"] == "unreadable" and len(parts[name]["feedback"].splitlines()) == 1, parts


def test_a_wide_first_row_over_many_rows_is_read_in_bounded_time():
    # Each column's cells were gathered by a pass over every row: 5000 columns over 20000 rows
    # (a 300 kB file) took 6 s.
    from examgen.roster import parse_roster

    text = "Naam" + ",x" * 5000 + "\n" + "".join(f"Ann {i},{i}1\n" for i in range(20_000))
    seconds, said = _timed(parse_roster, text)
    assert seconds < 1 and said and len(said.splitlines()) == 1, (seconds, said)
