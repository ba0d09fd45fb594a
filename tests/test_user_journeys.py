"""Black-box journeys through the installed `examgen`, as a student and an instructor use it.

These guard the seams between the parts of examgen (generate → key.json → answer sheet → grade →
gradebook → analyze / LMS export): each test drives only the command line and reads only files.
"""
import csv
import io
import json
import os
import re
import resource
import shutil
import subprocess
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import yaml

import helpers
from helpers import run

STUDENT_SEEDS = (1, 4, 7)
# Until issue 10's class features reach main, the journeys that need them are expected to fail
# there (strict: the mark goes away by itself once `grade --gradebook-format` exists).
_GRADE_HELP = subprocess.run([helpers.EXAMGEN or "examgen", "grade", "--help"], capture_output=True,
                             text=True).stdout if helpers.EXAMGEN else ""
NEEDS_CLASS = pytest.mark.xfail("--gradebook-format" not in _GRADE_HELP, strict=True,
                                reason="needs issue 10's class features (branch class)")
TEX = shutil.which("lualatex") or shutil.which("xelatex") or shutil.which("pdflatex")


# ---------------------------------------------------------------- the key, in student forms

def _num(text):
    """A key's exact number as a Fraction, or None when it is not a plain rational."""
    try:
        return Fraction(text)
    except (ValueError, ZeroDivisionError):
        return None


def student_number(exact, style):
    """The key's exact number written as a careful student writes it.

    style 'decimal': rationals as decimals to 3 places; 'exact': Unicode minus, `ln 2`, `·`.
    """
    q = _num(exact)
    if q is not None and style == "decimal":
        return f"{float(q):.3f}".replace("-", "−")
    text = exact
    # ln(2) → ln 2 only where no operator binds tighter on its right (ln 2/3 is ambiguous)
    text = re.sub(r"\b(ln|log)\((\d+)\)(?=$|[\s)+,\-])", r"\1 \2", text)
    text = re.sub(r"exp\(", "e^(", text)
    return text.replace("**", "^").replace("*", "·").replace("-", "−")


def student_expression(exact):
    text = exact.replace("**", "^").replace("exp(", "e^(")
    text = re.sub(r"\bsigma\b", "σ", text)
    text = re.sub(r"\bxi\b", "ξ", text)
    return text.replace("*", "·").replace("-", "−")


def _squeeze(value):
    """Nested lists with every size-1 axis dropped (an M×N×1 array as M×N)."""
    a = np.array(value, dtype=object)
    return np.squeeze(a).tolist() if a.ndim > 1 else value


def student_value(exact, kind, shape, style):
    """One part's key answer in student form: numbers rewritten, shapes as students give them."""
    if style == "plain":                                  # the key's own text, verbatim
        return exact
    if kind == "expression":
        return student_expression(exact)
    if kind not in ("scalar", "vector", "matrix"):
        return exact
    written = _map(exact, lambda s: student_number(s, style))
    if kind == "vector" and len(shape) == 1 and shape[0] > 1 and style == "exact":
        return [[x] for x in written]                     # a column, as the exam prints it
    if len(shape) >= 2 and 1 in shape:
        squeezed = _squeeze(written)
        return squeezed if isinstance(squeezed, list) else [squeezed]
    return written


def _map(v, f):
    return [_map(x, f) for x in v] if isinstance(v, list) else f(v)


def _flow(v):
    """A YAML flow value written the way a student types it (no quotes)."""
    if isinstance(v, list):
        return "[" + ", ".join(_flow(x) for x in v) + "]"
    return str(v)


def answers_yaml(key, values):
    """An answer file: {number: {part: student-form value}}, typed unquoted as a student would."""
    lines = [f'exam: "{key["exam"]}"', 'student: "Ada Lovelace"', "answers:"]
    for number, parts in values.items():
        lines.append(f"  {number}:")
        for part, v in parts.items():
            text = _flow(v)
            if text[:1] in '[{"' or not re.search(r"[:#'\"]|^[!&*|>%@`]", text):
                lines.append(f"    {part}: {text}")
            else:
                lines.append(f"    {part}: '{text}'")
    return "\n".join(lines) + "\n"


def right_answers(key, style):
    out = {}
    for p in key["problems"]:
        out[p["number"]] = {
            name: student_value(p["answers_exact"][name], spec["kind"], spec["shape"], style)
            for name, spec in p["parts"].items()}
    return out


def grade_json(key_path, *files, extra=()):
    r = run("grade", key_path, *files, "--json", *extra, timeout=300)
    assert r.returncode in (0, 1), r.stderr
    data = json.loads(r.stdout)
    return r, (data if isinstance(data, list) else [data])


def _generate(args):
    return run("generate", *args, timeout=600)


@pytest.fixture(scope="module")
def student_exams(tmp_path_factory):
    root = tmp_path_factory.mktemp("students")
    jobs = [("--seed", s, "--out", root / f"s{s}", "--format", "md") for s in STUDENT_SEEDS]
    with ThreadPoolExecutor(len(jobs)) as pool:
        for r in pool.map(_generate, jobs):
            assert r.returncode == 0, r.stderr
    return {s: root / f"s{s}" for s in STUDENT_SEEDS}


def _load_key(folder):
    return json.loads((folder / "key.json").read_text(encoding="utf-8"))


# ---------------------------------------------------------------- 1. the student

@pytest.mark.parametrize("style", ["decimal", "exact"])
def test_right_answers_in_student_forms_keep_every_point(student_exams, style, tmp_path):
    files = []
    for s, folder in student_exams.items():
        key = _load_key(folder)
        f = tmp_path / f"s{s}.yaml"
        f.write_text(answers_yaml(key, right_answers(key, style)), encoding="utf-8")
        files.append((folder / "key.json", f, key))
    for key_path, f, _key in files:
        r, [result] = grade_json(key_path, f)
        lost = [(p["number"], n, part["verdict"], part["given"], part["feedback"])
                for p in result["problems"] for n, part in _parts(p)
                if part["points"] < part["max"] - 1e-9]
        assert result["score"] == pytest.approx(result["max"]), (f.read_text(), lost)
        assert r.returncode == 0


def _parts(problem):
    return ((part["part"], part) for part in problem["parts"])


def _relu_network(p):
    """The mlp-backprop network's forward values, from the key's parameters (hand formulas)."""
    x, W1, b1 = (np.array(p["params"][k], dtype=float) for k in ("x", "W1", "b1"))
    xi1 = x @ W1.T + b1
    g = {"relu": lambda z: np.maximum(z, 0), "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
         "tanh": np.tanh}[p["params"]["hidden"]]
    dg = {"relu": lambda z: (z > 0).astype(float),
          "sigmoid": lambda z: g(z) * (1 - g(z)), "tanh": lambda z: 1 - np.tanh(z) ** 2}
    return x, g(xi1), dg[p["params"]["hidden"]](xi1)


def test_a_slip_early_in_backprop_carries_forward(tmp_path):
    """dL/dξ² wrong, every later part worked right from it: the later parts keep their points."""
    spec = tmp_path / "backprop.yaml"
    spec.write_text("title: Back-propagation\nproblems:\n  - id: mlp-backprop\n    points: 14\n",
                    encoding="utf-8")
    for s in (2, 5):
        folder = tmp_path / f"b{s}"
        r = run("generate", "--spec", spec, "--seed", s, "--out", folder, "--format", "md", timeout=300)
        assert r.returncode == 0, r.stderr
        key = _load_key(folder)
        p = next((q for q in key["problems"] if q["id"] == "mlp-backprop"), None)
        if p is None or not {"dL_dxi2", "dL_dW2", "dL_dW1"} <= set(p["parts"]):
            continue
        x, h, g1p = _relu_network(p)
        W2 = np.array(p["params"]["W2"], dtype=float)
        slip = np.array(p["answers"]["dL_dxi2"], dtype=float)
        slip[0, 0] += 1.0 if slip[0, 0] != -1 else 2.0      # one slip, never to an all-zero answer
        d1 = (slip @ W2) * g1p
        later = {"dL_dxi2": slip, "dL_dxi1": d1, "dL_dW2": slip.T @ h, "dL_db2": slip.sum(0),
                 "dL_dW1": d1.T @ x, "dL_db1": d1.sum(0)}
        values = right_answers(key, "decimal")
        for name, v in later.items():
            if name in p["parts"]:
                values[p["number"]][name] = _map(np.round(v, 6).tolist(), lambda z: f"{z:.4f}")
        f = tmp_path / f"carry{s}.yaml"
        f.write_text(answers_yaml(key, values), encoding="utf-8")
        _, [result] = grade_json(folder / "key.json", f)
        prob = next(q for q in result["problems"] if q["number"] == p["number"])
        verdicts = {n: part.get("verdict") for n, part in _parts(prob)}
        assert verdicts["dL_dxi2"] == "wrong", verdicts
        allowed = p["parts"]["dL_dxi2"]["points"]
        for name in later:
            if name not in p["parts"] or name == "dL_dxi2" or np.allclose(
                    later[name], np.array(p["answers"][name], dtype=float), atol=1e-9):
                continue
            if np.ptp(later[name]) == 0 and np.size(later[name]) > 1:
                allowed += p["parts"][name]["points"]   # one value everywhere: never paid, even carried
                continue
            assert verdicts[name] == "carried", (name, verdicts, prob)
        assert result["max"] - result["score"] <= allowed + 1e-6, prob
        assert "carried forward from" in json.dumps(result, ensure_ascii=False)
        return
    pytest.skip("no mlp-backprop with dL_dxi2 in these exams")


def test_an_ambiguous_form_is_refused_with_what_to_type(student_exams, tmp_path):
    folder = student_exams[STUDENT_SEEDS[0]]
    key = _load_key(folder)
    number, part = next((p["number"], n) for p in key["problems"]
                        for n, spec in p["parts"].items() if spec["kind"] == "scalar")
    values = right_answers(key, "decimal")
    values[number][part] = "ln 3/4"
    f = tmp_path / "ambiguous.yaml"
    f.write_text(answers_yaml(key, values), encoding="utf-8")
    r = run("grade", folder / "key.json", f, timeout=120)
    text = r.stdout + r.stderr
    assert "ambiguous" in text and "ln(3)/4" in text and "ln(3/4)" in text, text
    assert "Traceback" not in text


# ---------------------------------------------------------------- 2. the instructor

ROSTER = [
    ("s001", "王小明", "wang@example.edu", "A"),
    ("s002", "Nguyễn Thị Minh Khai", "khai@example.edu", "A"),
    ("s003", "Björk Guðmundsdóttir", "bjork@example.edu", "B"),
    ("s004", "Oluwaseun Adébáyọ̀", "seun@example.edu", "B"),
    ("s005", "ليلى أحمد", "layla@example.edu", "A"),
    ("s006", "Анна Каренина", "anna@example.edu", "B"),
    ("s007", "John Smith", "john1@example.edu", "A"),
    ("s008", "John Smith", "john2@example.edu", "B"),
]


def _roster_csv(path, rows=ROSTER):
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["student_id", "name", "email", "section"])
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def _versions(key):
    return key.get("versions") or key.get("students") or []


@pytest.fixture(scope="module")
def roster_class(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    roster = _roster_csv(root / "roster.csv")
    r = run("generate", "--roster", roster, "--out", root / "class", "--format", "md", timeout=600)
    assert r.returncode == 0, r.stderr
    return root, root / "class"


@NEEDS_CLASS
def test_roster_key_has_every_id_and_no_seed_is_printed(roster_class):
    root, out = roster_class
    key = json.loads((out / "key.json").read_text(encoding="utf-8"))
    text = json.dumps(key, ensure_ascii=False)
    for sid, name, *_ in ROSTER:
        assert f'"{sid}"' in text, sid
        assert name in text, name
    printed = [p for p in out.rglob("exam.md")]
    assert len(printed) == len(ROSTER), sorted(map(str, out.rglob("*")))
    for exam in printed:
        version_key = json.loads((exam.parent / "key.json").read_text(encoding="utf-8"))
        seed = version_key.get("seed")
        body = exam.read_text(encoding="utf-8")
        assert not re.search(r"\bseed\b", body, re.I), exam
        if isinstance(seed, int) and seed > 999:
            assert str(seed) not in body, exam


def _class_submissions(out, subs, skip=(), broken=()):
    """Each student's right answers (the key's text) in a folder of their own, as an LMS hands them out."""
    n = 0
    for vk in sorted(out.rglob("key.json")):
        if vk.parent == out:
            continue
        key = json.loads(vk.read_text(encoding="utf-8"))
        sid = key["student_id"]
        if sid in skip:
            continue
        d = subs / vk.parent.name
        d.mkdir(parents=True)
        if sid in broken:
            (d / "answers.yaml").write_text("exam: [unclosed\n  answers: {", encoding="utf-8")
        else:
            (d / "answers.yaml").write_text(answers_yaml(key, right_answers(key, "plain")),
                                            encoding="utf-8")
        n += 1
    return n


def _read_csv(path):
    text = path.read_text(encoding="utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@NEEDS_CLASS
def test_class_gradebook_has_a_row_per_student_with_status(roster_class, tmp_path):
    root, out = roster_class
    subs = tmp_path / "subs"
    n = _class_submissions(out, subs, skip={"s003", "s006"}, broken={"s005"})
    assert n == len(ROSTER) - 2
    gb = tmp_path / "grades.csv"
    r = run("grade", out / "key.json", subs, "--gradebook", gb, timeout=300)
    assert r.returncode == 1, (r.returncode, r.stdout[-2000:], r.stderr)   # one file could not be graded
    rows = _read_csv(gb)
    header, body = rows[0], rows[1:]
    lower = [h.lower() for h in header]
    assert any("id" in h for h in lower) and "status" in " ".join(lower), header
    by_id = {}
    id_col = next(i for i, h in enumerate(lower) if h in ("id", "student_id", "student id"))
    status_col = next(i for i, h in enumerate(lower) if "status" in h)
    for row in body:
        by_id.setdefault(row[id_col], []).append(row)
    assert set(by_id) == {sid for sid, *_ in ROSTER}, by_id.keys()
    assert all(len(v) == 1 for v in by_id.values()), by_id
    status = {sid: v[0][status_col].lower() for sid, v in by_id.items()}
    assert "not submitted" in status["s003"] and "not submitted" in status["s006"], status
    assert "could not" in status["s005"] or "error" in status["s005"], status
    assert all(status[s] == "graded" for s in ("s001", "s002", "s004", "s007", "s008")), status
    total = next(i for i, h in enumerate(lower) if h.startswith("total"))
    assert all(float(by_id[s][0][total]) == pytest.approx(100) for s in ("s001", "s007", "s008")), body
    names = {row[id_col]: " ".join(row) for row in body}
    assert "王小明" in names["s001"] and "Adébáyọ̀" in names["s004"]


@NEEDS_CLASS
def test_regrade_with_new_points_keeps_every_version(roster_class, tmp_path):
    root, out = roster_class
    r = run("grade", "--help")
    assert "--spec" in r.stdout, r.stdout
    key = json.loads((out / "key.json").read_text(encoding="utf-8"))
    spec = key.get("spec")
    spec_path = tmp_path / "spec.yaml"
    r = run("init-spec", spec_path)
    assert r.returncode == 0, r.stderr
    data = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    if isinstance(spec, dict):
        data = spec
    first = data["problems"][0]
    old = first.get("points")
    first["points"] = (old or 10) * 2
    spec_path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    subs = tmp_path / "subs"
    _class_submissions(out, subs)
    before = tmp_path / "before.csv"
    after = tmp_path / "after.csv"
    assert run("grade", out / "key.json", subs, "--gradebook", before, timeout=300).returncode == 0
    r = run("grade", out / "key.json", subs, "--spec", spec_path, "--gradebook", after, timeout=300)
    assert r.returncode == 0, r.stderr
    a, b = _read_csv(before), _read_csv(after)
    assert a[0] == b[0] and len(a) == len(b)
    # Everyone answered right: totals move to the new maximum, no version changed its numbers
    total = next(i for i, h in enumerate(b[0]) if h.lower().startswith("total"))
    new_totals = {row[total] for row in b[1:]}
    assert len(new_totals) == 1 and new_totals != {row[total] for row in a[1:]}, (a, b)
    old_max = sum(p["points"] for p in data["problems"]) - first["points"] + (old or 10)
    assert float(new_totals.pop()) == pytest.approx(old_max - (old or 10) + first["points"]), b
    # a spec whose problems do not match is refused in one line
    data["problems"] = data["problems"][1:]
    spec_path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    r = run("grade", out / "key.json", subs, "--spec", spec_path, timeout=300)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, r.stderr


@NEEDS_CLASS
@pytest.mark.parametrize("fmt,columns", [
    ("canvas", ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]),
    ("moodle", []),
])
def test_lms_gradebook_formats(roster_class, tmp_path, fmt, columns):
    root, out = roster_class
    subs = tmp_path / "subs"
    _class_submissions(out, subs, skip={"s002"})
    gb = tmp_path / f"{fmt}.csv"
    r = run("grade", out / "key.json", subs, "--gradebook", gb, "--gradebook-format", fmt, timeout=300)
    assert r.returncode == 0, r.stderr
    rows = _read_csv(gb)
    header = rows[0]
    assert header[:len(columns)] == columns, header
    body = [row for row in rows[1:] if row and "Points Possible" not in row[0]]
    if fmt == "canvas":
        assert rows[1][0].strip() == "Points Possible", rows[1]
        assert len(body) == len(ROSTER)
    else:
        assert len(body) == len(ROSTER)
        assert any(h.lower() in ("id", "idnumber", "id number", "email", "email address", "username")
                   for h in header), header


# ---------------------------------------------------------------- 3. hostile input

def _one_line(r, seconds, started):
    assert time.monotonic() - started < seconds
    assert r.returncode == 2, (r.returncode, r.stdout[-500:], r.stderr[-2000:])
    err = r.stderr.strip()
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    return err


def test_tampered_key_expression_is_never_run(student_exams, tmp_path):
    marker = tmp_path / "PWNED"
    folder = student_exams[STUDENT_SEEDS[0]]
    key = _load_key(folder)
    p = next((q for q in key["problems"] for s in q["parts"].values() if s["kind"] == "expression"),
             None)
    if p is None:
        pytest.skip("no expression part")
    part = next(n for n, s in p["parts"].items() if s["kind"] == "expression")
    payload = f"__import__('os').system('touch {marker}')"
    p["answers"][part] = p["answers_exact"][part] = payload
    bad = tmp_path / "key.json"
    bad.write_text(json.dumps(key), encoding="utf-8")
    values = right_answers(key, "decimal")
    values[p["number"]][part] = "x"
    f = tmp_path / "a.yaml"
    f.write_text(answers_yaml(key, values), encoding="utf-8")
    started = time.monotonic()
    r = run("grade", bad, f, timeout=120)
    assert not marker.exists()
    _one_line(r, 60, started)


def test_lone_surrogate_in_a_batch_costs_only_that_file(student_exams, tmp_path):
    folder = student_exams[STUDENT_SEEDS[0]]
    key = _load_key(folder)
    good = tmp_path / "good.yaml"
    good.write_text(answers_yaml(key, right_answers(key, "decimal")), encoding="utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text('{"exam": "%s", "student": "Eve \\ud800", "answers": {"1": {"%s": "\\ud800"}}}'
                   % (key["exam"], next(iter(key["problems"][0]["parts"]))), encoding="utf-8")
    gb = tmp_path / "g.csv"
    r = run("grade", folder / "key.json", good, bad, "--gradebook", gb, "--report", tmp_path / "rep",
            timeout=120)
    assert r.returncode in (0, 1), r.stderr
    assert "Traceback" not in r.stderr
    text = gb.read_text(encoding="utf-8-sig")
    assert "Ada Lovelace" in text or "good" in text
    assert len([p for p in (tmp_path / "rep").iterdir()]) >= 1


def _spec_with_title(tmp_path, title):
    spec = tmp_path / "spec.yaml"
    assert run("init-spec", spec).returncode == 0
    data = yaml.safe_load(spec.read_text(encoding="utf-8"))
    data["title"] = title
    spec.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return spec


def test_multiline_title_cannot_break_the_answer_sheet(tmp_path):
    spec = _spec_with_title(tmp_path, "Final\nexam: HACKED\nanswers: {1: {x: 1}}")
    r = run("generate", "--spec", spec, "--seed", 2, "--out", tmp_path / "e", "--format", "md",
            timeout=300)
    if r.returncode == 2:
        _one_line(r, 300, time.monotonic())
        return
    assert r.returncode == 0, r.stderr
    sheet = yaml.safe_load((tmp_path / "e" / "answers.yaml").read_text(encoding="utf-8"))
    key = _load_key(tmp_path / "e")
    assert sheet["exam"] == key["exam"] and set(sheet) == {"exam", "student", "answers"}, sheet


BILLION_LAUGHS = """title: x
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
problems: [*g]
"""


@pytest.mark.parametrize("case", ["billion-laughs", "dev-zero", "fifo", "pool-30", "pool-text"])
def test_hostile_specs_are_refused_in_one_line(tmp_path, case):
    if case == "dev-zero":
        spec = Path("/dev/zero")
    elif case == "fifo":
        spec = tmp_path / "spec.yaml"
        os.mkfifo(spec)
    elif case == "billion-laughs":
        spec = tmp_path / "spec.yaml"
        spec.write_text(BILLION_LAUGHS, encoding="utf-8")
    else:
        spec = tmp_path / "spec.yaml"
        spec.write_text("title: Pool\nprofile: drill\nproblems:\n  - id: maxpool-forward\n"
                        f"    options: {{pool: {30 if case == 'pool-30' else 'x'}}}\n", encoding="utf-8")
    started = time.monotonic()
    # 2 GB of address space: an unbounded read fails here instead of swapping the machine
    r = subprocess.run([helpers.EXAMGEN, "generate", "--spec", str(spec), "--seed", "1", "--out",
                        str(tmp_path / "o"), "--format", "md"], capture_output=True, text=True,
                       timeout=120, preexec_fn=_limit_memory)
    _one_line(r, 60, started)


def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def test_terminal_escapes_in_student_text_never_reach_the_terminal(student_exams, tmp_path):
    folder = student_exams[STUDENT_SEEDS[0]]
    key = _load_key(folder)
    values = right_answers(key, "decimal")
    number, part = next((p["number"], n) for p in key["problems"]
                        for n, spec in p["parts"].items() if spec["kind"] == "scalar")
    values[number][part] = '"\\e[2J\\e]52;c;cHduZWQ=\\a 100/100"'
    sheet = answers_yaml(key, values)
    named = tmp_path / "named.yaml"
    named.write_text(sheet.replace('student: "Ada Lovelace"', 'student: "Eve\\e[2J\\a"'),
                     encoding="utf-8")
    answer = tmp_path / "answer.yaml"
    answer.write_text(sheet, encoding="utf-8")
    for args in ([], ["--json"]):
        r = run("grade", folder / "key.json", named, answer, "--report", tmp_path / "rep", *args,
                timeout=120)
        assert r.returncode in (0, 1), r.stderr
        assert "Traceback" not in r.stderr
        for text in (r.stdout, r.stderr):
            assert "\x1b" not in text and "\x07" not in text, text
    reports = list((tmp_path / "rep").iterdir())
    assert reports
    for rep in reports:
        assert "\x1b" not in rep.read_text(encoding="utf-8")


def test_roster_names_with_escapes_are_cleaned_or_refused(tmp_path):
    roster = _roster_csv(tmp_path / "r.csv", [("x1", "Eve\x1b[2J", "e@x", "A"),
                                               ("x2", "Mallory", "m@x", "A")])
    r = run("generate", "--roster", roster, "--out", tmp_path / "c", "--format", "md", timeout=300)
    if r.returncode == 2:
        _one_line(r, 300, time.monotonic())
        return
    assert r.returncode == 0, r.stderr
    assert "\x1b" not in r.stdout + r.stderr
    for sheet in (tmp_path / "c").rglob("answers.yaml"):
        yaml.safe_load(sheet.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- 4. analysis and LMS export

@NEEDS_CLASS
def test_analyze_a_graded_class(roster_class, tmp_path):
    root, out = roster_class
    subs = tmp_path / "subs"
    _class_submissions(out, subs, skip={"s003"})
    r = run("analyze", out / "key.json", subs, "--out", tmp_path / "an", timeout=300)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    report = json.loads((tmp_path / "an" / "analysis.json").read_text(encoding="utf-8"))
    assert report, report
    assert (tmp_path / "an" / "analysis.md").read_text(encoding="utf-8").strip()


def test_versions_export_to_moodle_and_qti(tmp_path):
    r = run("generate", "--versions", 3, "--format", "md,moodle,qti", "--out", tmp_path / "lms",
            timeout=600)
    assert r.returncode == 0, r.stderr
    xml = (tmp_path / "lms" / "moodle.xml").read_text(encoding="utf-8")
    assert xml.count("<question type=") >= 3 and not re.search(r"\bseed\b", xml, re.I)
    with zipfile.ZipFile(tmp_path / "lms" / "qti.zip") as z:
        names = z.namelist()
        assert "imsmanifest.xml" in names
        for n in names:
            assert not re.search(rb"\bseed\b", z.read(n), re.I), n


# ---------------------------------------------------------------- PDFs with every name

@NEEDS_CLASS
@pytest.mark.tex
@pytest.mark.skipif(not TEX or not shutil.which("pdftotext"), reason="needs TeX and pdftotext")
def test_every_roster_name_is_in_the_pdfs(tmp_path):
    # The script test_class_pdf does not set (Cyrillic) and two equal names, on a two-problem
    # quiz: every LuaLaTeX run costs seconds of font loading. test_class_pdf sets the CJK name
    # (王小明, in its many-scripts class) and an Arabic one (ليلى أحمد, read right to left in exam,
    # key and the combined PDFs); the default final's PDFs are compiled by test_pdf and test_layout.
    rows = [r for r in ROSTER if r[0] in ("s006", "s007", "s008")]
    roster = _roster_csv(tmp_path / "roster.csv", rows)
    spec = tmp_path / "quiz.yaml"
    spec.write_text("title: Quiz\nproblems:\n  - {id: iou, points: 4}\n  - {id: softmax, points: 4}\n",
                    encoding="utf-8")
    r = run("generate", "--spec", spec, "--roster", roster, "--out", tmp_path / "class", "--format", "pdf",
            timeout=1800)
    assert r.returncode == 0, r.stderr
    pdfs = sorted((tmp_path / "class").rglob("exam.pdf"))
    assert len(pdfs) == len(rows), pdfs
    text = "\n".join(subprocess.run(["pdftotext", "-enc", "UTF-8", str(p), "-"], capture_output=True,
                                    text=True, check=True).stdout for p in pdfs)
    import unicodedata
    flat = unicodedata.normalize("NFC", re.sub(r"\s+", " ", text))
    for _sid, name, *_ in rows:
        assert unicodedata.normalize("NFC", name) in flat, name
    assert not re.search(r"\bseed\b", flat, re.I)


def test_a_student_finds_the_parameters_to_solve_their_own_instance(tmp_path):
    # `solve --help` pointed to `examgen list`, which named no parameter; a missing one was named alone
    listed = {p["id"]: p for p in json.loads(run("list", "--json").stdout)}
    assert set(listed["iou"]["parameters"]) == {"ref", "roi"} and "[x, y, w, h]" in listed["iou"]["parameters"]["roi"]
    shown = run("show", "iou", "--seed", "2", "--params")
    assert shown.returncode == 0 and set(json.loads(shown.stdout)) == {"ref", "roi"}
    mine = tmp_path / "mine.json"
    mine.write_text(shown.stdout)
    solved = run("solve", "iou", "--params", mine, "--json")
    from examgen import bank
    assert solved.returncode == 0 and json.loads(solved.stdout)["answers"] == bank.get("iou").sample(2).answers_json()
    r = run("solve", "iou", "--params", "-", input='{"ref": [0, 0, 2, 2]}')
    assert r.returncode == 2 and "its parameters: ref, roi" in r.stderr


def test_an_exact_instance_worked_in_decimals_says_why():
    # lstm-forward with u_o = 1 (o[2] = σ(ln 3 - something not a log)) switched to decimals without a word
    params = {"x": [1, -1], "h0": 0, "c0": 1, "w_f": "ln(3)", "u_f": 0, "b_f": 0, "w_i": 0, "u_i": 0, "b_i": 0,
              "w_o": "ln(3)", "u_o": 1, "b_o": 0, "w_c": "ln(2)", "u_c": 0, "b_c": 0, "variant": "course"}
    r = run("solve", "lstm-forward", "--params", "-", input=json.dumps(params))
    assert r.returncode == 0 and r.stdout.startswith("> Note: some values of this instance have no short closed form")
    exact = run("solve", "lstm-forward", "--params", "-", input=json.dumps({**params, "u_o": 0}))
    assert exact.returncode == 0 and "closed form" not in exact.stdout
    drill = run("solve", "lstm-forward", "--params", "-", input=json.dumps({**params, "x": [1.5, -1]}))
    assert drill.returncode == 0 and "closed form" not in drill.stdout    # decimals asked: nothing to explain


def test_an_exact_instance_whose_closed_forms_nobody_could_read_is_worked_in_decimals():
    # rnn-bptt at x = [1/3, 1/2]: σ(1/3) nests e^(-1/3) in every later value; the exact solution ran to
    # 10,000 characters of fractions of exponentials (right, but unreadable)
    from examgen import bank
    from examgen.instance import MAX_CLOSED_FORM, longest_closed_form

    assert longest_closed_form(bank.get("rnn-bptt").sample(3)) <= MAX_CLOSED_FORM
    params = {"x": ["1/3", "1/2"], "w": ["1/2"], "activation": "sigmoid", "y": [1, "1/2"], "eta": 2}
    r = run("solve", "rnn-bptt", "--params", "-", input=json.dumps(params))
    assert r.returncode == 0 and r.stdout.startswith("> Note: some values of this instance have no short closed form")
    assert "e^{- \\frac" not in r.stdout and "h[1] = \\sigma(\\xi[1]) = 0.6881" in r.stdout and len(r.stdout) < 5000
    numbers = run("solve", "rnn-bptt", "--params", "-", "--json", input=json.dumps(params))
    assert abs(json.loads(numbers.stdout)["answers"]["L"] - 0.1048) < 1e-4
    # an exam instance given back stays exact: its closed forms are short
    shown = run("show", "rnn-bptt", "--seed", "3", "--params")
    again = run("solve", "rnn-bptt", "--params", "-", "--json", input=shown.stdout)
    assert again.returncode == 0 and json.loads(again.stdout)["answers"] == bank.get("rnn-bptt").sample(3).answers_json()
    assert "closed form" not in run("solve", "rnn-bptt", "--params", "-", input=shown.stdout).stdout


def test_a_worksheet_never_overwrites_a_file_it_did_not_write(tmp_path):
    # `worksheet --out notes.md` replaced the instructor's notes silently
    notes = tmp_path / "notes.md"
    notes.write_text("my notes\n")
    r = run("worksheet", "iou", "--count", "1", "--format", "md", "--out", notes)
    assert r.returncode == 2 and "not an examgen worksheet" in r.stderr and notes.read_text() == "my notes\n"
    for fmt in ("md", "tex"):   # its own worksheet: made again freely
        target = tmp_path / f"ws.{fmt}"
        for _ in range(2):
            assert run("worksheet", "iou", "--count", "1", "--format", fmt, "--out", target).returncode == 0
    assert run("worksheet", "iou", "--count", "1", "--format", "md", "--out", notes, "--force").returncode == 0
    assert notes.read_text().startswith("# Worksheet")
