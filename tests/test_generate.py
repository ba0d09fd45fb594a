"""`examgen generate`: exams, keys, answer sheets; determinism; versions; errors."""
import json
import os
from pathlib import Path

import pytest
import yaml

from examgen import answers, bank
from examgen.compare import all_close
from examgen.exam import build_version, load_spec

from helpers import one_line_error, run

DATA = Path(__file__).parent / "data"
SMALL = DATA / "small_spec.yaml"
NUMERIC = DATA / "numeric_spec.yaml"  # a quick exam, for checks of the command rather than the bank
TEXT_FILES = ("exam.md", "exam.tex", "key.md", "key.tex", "key.json", "answers.yaml")


def generate(tmp_path, *args, name="out", env=None):
    out = tmp_path / name
    r = run("generate", "--out", out, "--format", "md,tex", *args, env=env)
    assert r.returncode == 0, r.stderr
    return out


def test_default_exam_covers_every_topic(tmp_path):
    out = generate(tmp_path)
    key = json.loads((out / "key.json").read_text())
    assert 8 <= len(key["problems"]) <= 10
    topics = {bank.get(p["id"]).topic for p in key["problems"]}
    assert topics == set(bank.TOPICS)
    assert [p["number"] for p in key["problems"]] == list(range(1, len(key["problems"]) + 1))
    exam = (out / "exam.md").read_text()
    assert "No calculators" in exam and key["exam"] in exam and "seed 0" in exam
    for p in key["problems"]:
        assert f"## Problem {p['number']} ({p['points']} points): {p['title']}" in exam


def test_key_answers_equal_the_engine(tmp_path):
    out = generate(tmp_path, "--spec", SMALL, "--seed", "11")
    key = json.loads((out / "key.json").read_text())
    version = build_version(load_spec(SMALL), 11)
    assert key["exam"] == version.exam_id and key["seed"] == 11 and key["bank"] == bank.bank_version()
    for entry, (number, points, inst) in zip(key["problems"], version.problems):
        assert entry["number"] == number and entry["id"] == inst.id and entry["points"] == points
        for part, value in inst.answers.items():
            assert all_close(entry["answers"][part], value, 1e-12, 1e-12), part
            assert entry["answers_exact"][part] == inst.answers_exact_json()[part]
        assert set(entry["parts"]) == set(inst.problem.parts)
        assert sum(p["points"] for p in entry["parts"].values()) == pytest.approx(points)


def test_answer_sheet_lists_exactly_the_keys_parts(tmp_path):
    out = generate(tmp_path)
    key = json.loads((out / "key.json").read_text())
    sheet = yaml.safe_load((out / "answers.yaml").read_text())
    assert sheet["exam"] == key["exam"] and sheet["student"] == ""
    assert set(sheet["answers"]) == {p["number"] for p in key["problems"]}
    for p in key["problems"]:
        assert list(sheet["answers"][p["number"]]) == list(p["parts"])
        assert all(answers.is_blank(v) for v in sheet["answers"][p["number"]].values())


def _texts(out):
    return {f: (out / f).read_bytes() for f in TEXT_FILES}


def test_same_spec_and_seed_give_byte_identical_files(tmp_path):
    a = _texts(generate(tmp_path, "--seed", "5", name="a", env={"PYTHONHASHSEED": "0"}))
    b = _texts(generate(tmp_path, "--seed", "5", name="b", env={"PYTHONHASHSEED": "4242"}))
    assert a == b


def test_different_seeds_give_different_exams(tmp_path):
    a = _texts(generate(tmp_path, "--seed", "1", name="a"))
    b = _texts(generate(tmp_path, "--seed", "2", name="b"))
    assert a["exam.md"] != b["exam.md"] and a["key.json"] != b["key.json"]


def test_versions_have_their_own_folders_and_one_index(tmp_path):
    out = generate(tmp_path, "--spec", SMALL, "--versions", "3")
    index = json.loads((out / "key.json").read_text())
    assert index["index"] is True and len(index["versions"]) == 3
    ids = [v["exam"] for v in index["versions"]]
    assert len(set(ids)) == 3 and len({v["seed"] for v in index["versions"]}) == 3
    for folder, v in zip(("v1", "v2", "v3"), index["versions"]):
        assert json.loads((out / folder / "key.json").read_text()) == v
        assert yaml.safe_load((out / folder / "answers.yaml").read_text())["exam"] == v["exam"]


def test_roster_gives_each_student_a_named_version(tmp_path):
    roster = tmp_path / "students.csv"
    roster.write_text("name,email\nAda Lovelace,ada@example.edu\nAlan Turing,alan@example.edu\n")
    out = generate(tmp_path, "--spec", SMALL, "--roster", roster)
    a = yaml.safe_load((out / "Ada-Lovelace" / "answers.yaml").read_text())
    b = yaml.safe_load((out / "Alan-Turing" / "answers.yaml").read_text())
    assert a["student"] == "Ada Lovelace" and b["student"] == "Alan Turing"
    assert a["exam"] != b["exam"]
    assert (out / "Ada-Lovelace" / "exam.md").read_text() != (out / "Alan-Turing" / "exam.md").read_text()
    assert "Ada Lovelace" in (out / "Ada-Lovelace" / "exam.md").read_text()


def test_init_spec_writes_the_default_spec_which_generates(tmp_path):
    spec = tmp_path / "final.yaml"
    r = run("init-spec", spec)
    assert r.returncode == 0 and spec.is_file()
    assert load_spec(spec).problems == load_spec(None).problems
    one_line_error(run("init-spec", spec), "exists")


@pytest.mark.parametrize("content, words", [
    ("title: [unclosed", ["not valid YAML"]),
    ("title: x\nproblems: []\n", ["problems"]),
    ("problems:\n  - id: iuo\n", ["unknown problem id 'iuo'", "iou"]),
    ("problems:\n  - id: iou\n    points: -3\n", ["points"]),
    ("problems:\n  - id: iou\n    color: red\n", ["unknown field 'color'", "points"]),
    ("problems:\n  - id: iou\n    point: 3\n", ["unknown field 'point'; did you mean points?"]),
    ("problems:\n  - id: lstm-forward\n    varient: course\n", ["'varient'; did you mean variant?"]),
    ("problems:\n  - id: activation-derivative\n    activation: swish\n", ["activation", "sigmoid"]),
    ("problems:\n  - iou\nseed: -1\n", ["seed"]),
    ("tittle: x\nproblems:\n  - iou\n", ["unknown field 'tittle'; did you mean title?"]),
])
def test_bad_spec_gets_one_clear_line(tmp_path, content, words):
    spec = tmp_path / "spec.yaml"
    spec.write_text(content)
    one_line_error(run("generate", "--spec", spec, "--out", tmp_path / "o", "--format", "md"), *words)


def test_missing_spec_file_and_unwritable_output(tmp_path):
    one_line_error(run("generate", "--spec", tmp_path / "nope.yaml", "--out", tmp_path / "o"), "nope.yaml")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    one_line_error(run("generate", "--out", blocker / "sub", "--format", "md"), "output folder")


def test_missing_tex_is_one_clear_line(tmp_path):
    only_python = os.path.dirname(run.__globals__["EXAMGEN"])
    r = run("generate", "--out", tmp_path / "o", "--format", "pdf", env={"PATH": only_python})
    one_line_error(r, "no TeX engine found")
    # by default, without TeX, md and tex are written with a note saying how to get PDF
    r = run("generate", "--spec", NUMERIC, "--out", tmp_path / "d", env={"PATH": only_python})
    assert r.returncode == 0 and "TeX" in r.stderr
    assert (tmp_path / "d" / "exam.tex").is_file() and not (tmp_path / "d" / "exam.pdf").exists()


def test_filled_in_answer_sheet_is_never_overwritten_silently(tmp_path):
    out = generate(tmp_path, "--spec", NUMERIC)  # any exam: what is checked is the sheet's protection
    sheet = out / "answers.yaml"
    sheet.write_text(sheet.read_text().replace('student: ""', 'student: "Ada"'))
    one_line_error(run("generate", "--spec", NUMERIC, "--out", out, "--format", "md"), "filled-in answer sheet",
                   "--force")
    assert "Ada" in sheet.read_text()
    assert run("generate", "--spec", NUMERIC, "--out", out, "--format", "md", "--force").returncode == 0


@pytest.mark.parametrize("shape, matrix", [((2, 1, 1, 1), "2 × 1"), ((1, 2, 1, 1), "1 × 2"), ((4, 4, 1), "4 × 4"),
                                           ((1, 1, 1), "1 × 1"), ((1, 3, 1), "1 × 3")])
def test_a_one_channel_array_is_described_as_the_matrix_the_exam_prints(shape, matrix):
    # A 2 × 1 × 1 × 1 kernel gradient is printed as the 2 × 1 column w[:, :, 0, 0]: the sheet once
    # called it "the 2 matrix", dropping the size-1 axis the exam shows.
    from types import SimpleNamespace

    from examgen.documents import describe_part

    inst = SimpleNamespace(kind=lambda part: "tensor", shape=lambda part: list(shape),
                           problem=SimpleNamespace(parts={"dL_dw": SimpleNamespace(shape="")}))
    dims = " × ".join(map(str, shape))
    assert describe_part(inst, "dL_dw") == f"array {dims}: the {matrix} matrix [[row 1], ...]"


def test_show_fixes_an_option_as_a_spec_does():
    from examgen import render

    r = run("show", "maxpool-backward", "--seed", "4", "--option", "pool=3", "--solution")
    assert r.returncode == 0, r.stderr
    inst = bank.get("maxpool-backward").sample(4, "exam", {"pool": 3})
    assert r.stdout == render.markdown(inst, with_solution=True)
    assert inst.params["pool"] == 3


@pytest.mark.parametrize("args, words", [
    (["show", "iou", "--option", "pool"], ["write NAME=VALUE"]),
    (["show", "maxpool-backward", "--option", "pol=3"], ["unknown option 'pol'", "pool"]),
    (["show", "maxpool-backward", "--option", "pool=4"], ["pool must be one of 2, 3"]),
    (["worksheet", "--topic", "cnn", "--option", "variant=standard", "--format", "md"],
     ["no chosen problem has that option", "mode, pool"]),
])
def test_a_bad_option_on_the_command_line_is_one_clear_line(tmp_path, args, words):
    one_line_error(run(*args, cwd=tmp_path), *words)


def test_a_worksheet_fixes_an_option_in_every_problem_that_has_it(tmp_path):
    out = tmp_path / "ws.md"
    r = run("worksheet", "--topic", "lstm", "--count", "2", "--option", "variant=standard", "--profile", "drill",
            "--format", "md", "--out", out)
    assert r.returncode == 0, r.stderr
    lstm = [p for p in bank.load_bank().values() if p.topic == "lstm"]
    assert all("variant" in p.options for p in lstm)
    text = out.read_text()
    assert text.count("(the **standard** variant)") == 2 * len(lstm)   # every prompt says its variant
    assert "(the **course** variant)" not in text


def test_a_worksheet_names_its_problems_as_arguments_ids_or_a_topic(tmp_path):
    # `examgen worksheet iou` was "Got unexpected extra argument (iou)"; `show` takes an id so.
    r = run("worksheet", "iou", "bbox-target", "--count", "1", "--format", "md", "--out", tmp_path / "a.md")
    assert r.returncode == 0, r.stderr
    text = (tmp_path / "a.md").read_text(encoding="utf-8")
    assert [line for line in text.splitlines() if line.startswith("## ")] == [
        "## " + bank.get("iou").title, "## " + bank.get("bbox-target").title]
    r = run("worksheet", "lstm", "--count", "1", "--format", "md", "--out", tmp_path / "b.md")
    assert r.returncode == 0, r.stderr
    text = (tmp_path / "b.md").read_text(encoding="utf-8")
    assert text.startswith("# Worksheet: " + bank.TOPICS["lstm"])
    assert text.count("\n## ") == sum(p.topic == "lstm" for p in bank.load_bank().values())
    one_line_error(run("worksheet", "iou", "--topic", "cnn", cwd=tmp_path), "one way")
    one_line_error(run("worksheet", "ioo", cwd=tmp_path), "unknown problem id or topic 'ioo'", "did you mean iou?",
                   "topics: nn, cnn, rnn, lstm")


def test_a_worksheet_lists_a_topic_in_course_order_and_named_problems_as_named(tmp_path):
    # `--topic cnn` listed conv2d-backward before conv2d-forward (alphabetical): backward before forward
    def titles(*args):
        r = run("worksheet", *args, "--count", "1", "--format", "md", "--out", tmp_path / "w.md", "--force")
        assert r.returncode == 0, r.stderr
        heads = [line[3:] for line in (tmp_path / "w.md").read_text(encoding="utf-8").splitlines()
                 if line.startswith("## ")]
        by_title = {p.title: p.id for p in bank.load_bank().values()}
        return [by_title[t] for t in heads]

    cnn = titles("--topic", "cnn")
    assert cnn == [p.id for p in bank.course_order(p for p in bank.load_bank().values() if p.topic == "cnn")]
    assert cnn.index("conv2d-forward") < cnn.index("conv2d-backward") < cnn.index("conv-pool-layer")
    assert cnn.index("maxpool-forward") < cnn.index("maxpool-backward")
    assert titles("rnn") == ["rnn-forward", "total-derivative", "rnn-bptt"]
    # ids as given, even backward first; topics named as given, each in course order
    assert titles("conv2d-backward", "conv2d-forward") == ["conv2d-backward", "conv2d-forward"]
    assert titles("--problems", "rnn-bptt,rnn-forward") == ["rnn-bptt", "rnn-forward"]
    assert titles("lstm", "rnn") == ["lstm-forward", "lstm-bptt", "rnn-forward", "total-derivative", "rnn-bptt"]


def test_a_class_key_is_never_replaced_silently(tmp_path):
    # `generate --versions 3 --out vclass` run again drew a new secret base seed and replaced the
    # key: the exams already printed from vclass could no longer be graded
    out = tmp_path / "vclass"
    assert run("generate", "--spec", NUMERIC, "--versions", "3", "--out", out, "--format", "md").returncode == 0
    key = (out / "key.json").read_bytes()
    one_line_error(run("generate", "--spec", NUMERIC, "--versions", "3", "--out", out, "--format", "md"),
                   "is the key of a class of 3 versions", "--force")
    one_line_error(run("generate", "--spec", NUMERIC, "--out", out, "--format", "md"), "class of 3 versions")
    assert (out / "key.json").read_bytes() == key
    # the same base seed (more formats, say) makes the same key: allowed; --force replaces it
    seeded = tmp_path / "seeded"
    for _ in range(2):
        r = run("generate", "--spec", NUMERIC, "--versions", "2", "--seed", "7", "--out", seeded, "--format", "md")
        assert r.returncode == 0, r.stderr
    assert run("generate", "--spec", NUMERIC, "--versions", "3", "--out", out, "--format", "md", "--force").returncode == 0
    assert (out / "key.json").read_bytes() != key


@pytest.mark.parametrize("title", ["Final", 'The "hard" one \\ part 2', "Σ and σ: ü\nline two", "x" * 2000])
def test_a_class_made_again_reads_its_base_seed_from_the_key_index_head(tmp_path, monkeypatch, title):
    """Regenerating a 1,000-version class parsed its 33 MB key index only to find its base seed:
    the head index_text writes says it; a head laid out otherwise is still parsed whole."""
    from examgen import generate as gen
    from examgen import safeio

    spec = load_spec(NUMERIC)
    out = tmp_path / "c"
    gen.generate(spec.__class__(**{**spec.__dict__, "title": title}), out, seed=41, formats={"md"}, versions=2)
    key = out / "key.json"
    assert gen._index_base_seed(key) == json.loads(key.read_text(encoding="utf-8"))["base_seed"] == 41
    parsed = safeio.parse_json

    def not_parsed(*a, **k):
        raise AssertionError("parsed the whole key index")

    monkeypatch.setattr(safeio, "parse_json", not_parsed)
    assert gen._other_class(key, 41) is None                 # the same class: the head says so
    monkeypatch.setattr(safeio, "parse_json", parsed)
    assert gen._other_class(key, 42) == "a class of 2 versions"
    assert gen._other_class(key, None) == "a class of 2 versions"
    compact = json.dumps(json.loads(key.read_text(encoding="utf-8")))   # another layout: parsed whole
    key.write_text(compact, encoding="utf-8")
    assert gen._index_base_seed(key) is None
    assert gen._other_class(key, 41) is None and gen._other_class(key, 42) == "a class of 2 versions"


def test_a_roster_class_made_again_is_refused_for_its_key_or_its_answers_not_its_names(tmp_path):
    # re-making a roster class with its seed was refused: "holds a filled-in answer sheet" for the
    # untouched sheets, because each names its student (generate wrote that name)
    roster = tmp_path / "r.csv"
    roster.write_text("name,id\nWei Zhang,00123\nAda Lovelace,00124\n", encoding="utf-8")
    out = tmp_path / "c"
    args = ("generate", "--spec", NUMERIC, "--roster", roster, "--seed", "3", "--out", out, "--format", "md")
    assert run(*args).returncode == 0
    assert run(*args).returncode == 0, "the same class again"
    sheet = next(out.glob("*/answers.yaml"))
    sheet.write_text(sheet.read_text().replace(": ~", ": 1/2", 1))
    one_line_error(run(*args), "filled-in answer sheet")
    one_line_error(run("generate", "--spec", NUMERIC, "--roster", roster, "--out", out, "--format", "md"),
                   "is the key of a class of 2 versions")   # another (random) seed: the key comes first


def test_a_practice_exam_of_named_problems_or_a_topic(tmp_path):
    # a student practising CNNs had to write a spec; a worksheet gives no key to grade against
    out = generate(tmp_path, "cnn", "--profile", "drill")
    key = json.loads((out / "key.json").read_text())
    ids = [p["id"] for p in key["problems"]]
    assert ids == [p.id for p in bank.course_order(p for p in bank.load_bank().values() if p.topic == "cnn")]
    assert ids.index("conv2d-forward") < ids.index("conv2d-backward") and ids.index("iou") < ids.index("anchor-labels")
    assert {p["points"] for p in key["problems"]} == {10} and key["points"] == 10 * len(ids)
    assert {p["profile"] for p in key["problems"]} == {"drill"}
    exam = (out / "exam.md").read_text()
    assert exam.startswith(f"# Practice exam: {bank.TOPICS['cnn']}\n") and "No calculators" in exam
    # answered from the key, it grades 100; ids keep the order given, in the spec's exam profile
    sheet = {"exam": key["exam"], "student": "Ada",
             "answers": {p["number"]: p["answers_exact"] for p in key["problems"]}}
    (out / "mine.yaml").write_text(yaml.safe_dump(sheet, allow_unicode=True))
    graded = run("grade", out / "key.json", out / "mine.yaml", "--json")
    assert graded.returncode == 0 and json.loads(graded.stdout)["score"] == key["points"]
    two = json.loads((generate(tmp_path, "iou", "bbox-target", name="two") / "key.json").read_text())
    assert [p["id"] for p in two["problems"]] == ["iou", "bbox-target"] and two["title"] == "Practice exam"
    assert {p["profile"] for p in two["problems"]} == {"exam"}
    bad = run("generate", "conv2d", "--out", tmp_path / "bad", "--format", "md")
    one_line_error(bad, "unknown problem id or topic 'conv2d'", "conv2d-forward")
    one_line_error(run("generate", "cn", "--out", tmp_path / "bad"), "did you mean cnn or nn?")
    # a problem named twice, as an id and in its topic, is set once (it was set twice), where first named
    again = json.loads((generate(tmp_path, "iou", "cnn", "iou", name="again") / "key.json").read_text())
    assert [p["id"] for p in again["problems"]] == ["iou"] + [i for i in ids if i != "iou"]


def test_profile_puts_every_problem_of_a_spec_in_it(tmp_path):
    out = generate(tmp_path, "--spec", SMALL, "--profile", "drill")
    key = json.loads((out / "key.json").read_text())
    assert {p["profile"] for p in key["problems"]} == {"drill"}
    assert [p["id"] for p in key["problems"]] == [q.id for q in load_spec(SMALL).problems]
