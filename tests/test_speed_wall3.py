"""`examgen generate` of a class wastes nothing around the versions (issue 12): each worker sends
back its key already laid out as the class's key index holds it (generate.index_entry), and the
index is joined from those texts (generate.index_text). Both are checked against the plain
computation, key.dumps of the parsed keys, on many versions, a roster of awkward names and
hand-made keys. And the one-exam child (second_core) of a practice exam it cannot help ends
itself before importing SymPy: its reading of the arguments is checked against the command's."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from examgen import generate as gen
from examgen import key as keyfmt
from examgen.exam import load_spec, parse_spec
from examgen.roster import parse_roster

HEAD = {"index": True, "bank": "b", "title": "T", "base_seed": 5}


def plain_index(head: dict, key_texts: list[str]) -> str:
    """The index as key.dumps writes it from the versions' keys, parsed."""
    return keyfmt.dumps({**head, "versions": [json.loads(t) for t in key_texts]})


def fast_index(head: dict, key_texts: list[str]) -> str:
    return gen.index_text(head, [gen.index_entry(t) for t in key_texts])


HAND_MADE = [
    {},
    {"a": []},
    {"a": {}, "b": [[]], "c": [{}], "d": {"e": {}}},
    {"s": "line\nbreak, \"quoted\" [x] {y}\u2028\u0085\t", "n": None, "t": True, "f": -0.0, "g": 1e300},
    {"deep": {"x": [1, [2, [3, [4, {"y": [5, {"z": "}\n ]"}]}]]]], "w": {"v": {"u": {"t": 1}}}}},
    {"\u00e9t\u00e9": ["\u03c3(z)", "\U0001f600", "\\n", "a,\n b"], "k": {"": ""}},
]


@pytest.mark.parametrize("key", HAND_MADE)
def test_index_entry_lays_out_any_key_as_key_dumps_does(key):
    text = keyfmt.dumps(key)
    assert gen.index_entry(text) == keyfmt._dumps(json.loads(text), 2)
    for head in (HEAD, {**HEAD, "title": 'a "\x00version\x00", [1]\n'}, {"versions": []}):
        assert fast_index(head, [text, text]) == plain_index(head, [text, text])


def test_the_index_of_a_class_is_key_dumps_of_its_keys(tmp_path):
    """12 versions of four of the default exam's problems (md only, quick), through the command's
    own path; and an index of one version."""
    spec = parse_spec({"problems": [{"id": q.id} for q in load_spec(None).problems[1:5]]}, "c")
    gen.generate(spec, tmp_path / "c", 11, {"md"}, versions=12)
    index = (tmp_path / "c" / "key.json").read_text(encoding="utf-8")
    texts = [(tmp_path / "c" / f"v{k:02d}" / "key.json").read_text(encoding="utf-8") for k in range(1, 13)]
    head = {k: v for k, v in json.loads(index).items() if k != "versions"}
    assert index == plain_index(head, texts)
    assert head["bank"] == json.loads(texts[0])["bank"] and head["base_seed"] == 11
    assert fast_index(head, texts[:1]) == plain_index(head, texts[:1])


def test_a_roster_class_index_with_awkward_names_is_key_dumps_of_its_keys(tmp_path):
    roster = parse_roster('name,id,email\n"Zoë ""Z"" O\'Brien, Jr.",007,z@x.org\n'
                          'Ωmega [x] {y},8,\n\u00c5sa\u2028Li\t\\n,9,a@b.c\n')
    spec = parse_spec({"title": "Quiz \"one\" [x]\n", "problems": [{"id": "iou"}, {"id": "loss-ce"},
                                                                   {"id": "softmax"}]}, "q")
    gen.generate(spec, tmp_path / "r", 3, {"md"}, roster=roster)
    index = (tmp_path / "r" / "key.json").read_text(encoding="utf-8")
    data = json.loads(index)
    texts = [(tmp_path / "r" / v["folder"] / "key.json").read_text(encoding="utf-8") for v in data["versions"]]
    assert len(texts) == 3 and index == plain_index({k: v for k, v in data.items() if k != "versions"}, texts)


def test_workers_send_only_what_the_run_uses(tmp_path):
    """A class to md/tex gets back no key, TeX or prompts (the index entry only); exports get the
    key and prompts; one exam no index entry. The key_bytes estimate is key.json's size."""
    spec = parse_spec({"problems": [{"id": "iou"}, {"id": "loss-mse"}]}, "s")
    job = (spec, 4, None, "v1", str(tmp_path), {"md", "tex"}, True)
    w = gen._write_version(job)
    text = (tmp_path / "v1" / "key.json").read_text(encoding="utf-8")
    assert (w.key, w.exam_tex, w.key_tex, w.prompts) == (None,) * 4
    assert w.entry == gen.index_entry(text) and w.key_bytes == len(text.encode())
    e = gen._write_version((spec, 4, None, "v1", str(tmp_path), {"md", "moodle"}, True))
    assert e.entry == w.entry and e.key == json.loads(text) and len(e.prompts) == 2 and e.exam_tex is None
    one = gen._write_version((spec, 4, None, "", str(tmp_path), {"tex", "pdf"}, False))
    assert one.entry is None and one.key["exam"] == one.exam_id and one.prompts is None
    assert (one.exam_tex, one.key_tex) == tuple((tmp_path / f).read_text(encoding="utf-8") for f in ("exam.tex", "key.tex"))


def test_the_pool_writes_what_one_process_writes(tmp_path, monkeypatch):
    """A class big enough for the worker pool gives the files one process writes, byte for byte."""
    spec = parse_spec({"problems": [{"id": "iou"}, {"id": "softmax"}]}, "p")
    n = gen.PARALLEL_FROM + 3
    gen.generate(spec, tmp_path / "pool", 9, {"md", "tex"}, versions=n)
    monkeypatch.setattr(gen, "PARALLEL_FROM", 10**6)
    gen.generate(spec, tmp_path / "one", 9, {"md", "tex"}, versions=n)
    files = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*") if p.is_file())
    assert len(files) == 1 + 6 * n
    for f in files:
        assert (tmp_path / "pool" / f).read_bytes() == (tmp_path / "one" / f).read_bytes(), f


# --- the one-exam child (second_core) on an exam it cannot help: it ends itself, SymPy unimported

def cli_numbers(args: list[str]) -> set[int]:
    """The plain computation: the spec the command reads for `examgen generate args` (its own
    parsing, cli._practice, load_spec) and the problems second_core.start gives the child."""
    from examgen import cli, second_core

    p = cli.generate.make_context("generate", list(args)).params
    return second_core.symbolic_numbers(load_spec(p["spec_file"], p["profile"], *cli._practice(p["names"])))


def argument_lists() -> list[list[str]]:
    import random

    from examgen import bank

    names = sorted(bank.load_bank()) + list(bank.TOPICS)
    rng = random.Random(12)
    data = Path(__file__).parent / "data"
    lists = [[n] for n in names]
    extras = [["--out", rng.choice(names)], ["--seed", "3"], ["--format=md"], ["--force"], ["--profile", "drill"],
              ["--out=cnn"], ["--spec", str(data / "numeric_spec.yaml")]]
    for _ in range(40):
        args = rng.sample(names, rng.randint(1, 3))
        for extra in rng.sample(extras, rng.randint(0, 3)):
            args[rng.randint(0, len(args)):0] = extra
        lists.append(args)
    return lists


def test_the_child_tells_from_the_arguments_what_the_command_reads():
    """asked_problems (without click) agrees with the command on the problems the child would
    build for any practice exam of named problems and topics, among other options; a spec's
    exam, or an unknown name, it leaves to the command."""
    from examgen import second_core

    decided = 0
    for args in argument_lists():
        asked = second_core.asked_problems(args)
        if asked is not None:
            decided += 1
            assert second_core._symbolic_numbers(asked) == cli_numbers(args), args
    assert decided >= 40
    for args in ([], ["--out", "x"], ["--spec", str(Path(__file__).parent / "data" / "numeric_spec.yaml")],
                 ["no-such-problem"], ["iou", "no-such-problem"]):
        assert second_core.asked_problems(args) is None


def test_value_options_are_the_generate_commands():
    from examgen import cli, second_core

    options = {o for p in cli.generate.params if not getattr(p, "is_flag", True) for o in p.opts if o.startswith("--")}
    assert options == second_core.VALUE_OPTIONS


CHILD = """
import os, sys, time
from examgen import second_core
window = float(sys.argv[1])   # seconds to watch it
second_core.prefork(sys.argv[2:])
child = second_core._preforked
t = time.monotonic()
while time.monotonic() - t < window:
    pid, status = os.waitpid(child.pid, os.WNOHANG)
    if pid:
        print("ended", os.waitstatus_to_exitcode(status)); break
    time.sleep(0.02)
else:
    print("waits")
"""


@pytest.mark.skipif(not hasattr(os, "fork") or len(os.sched_getaffinity(0)) < 2, reason="needs fork and two cores")
@pytest.mark.parametrize("args, ends", [(["iou", "cnn"], True), (["activation-identity", "iou"], False)])
def test_a_child_with_nothing_to_build_ends_itself(args, ends):
    """(A child with work waits for its job: watched for a second, it is still there.)"""
    r = subprocess.run([sys.executable, "-c", CHILD, "30" if ends else "1", *args], capture_output=True, text=True,
                       timeout=60)
    assert r.stdout.strip() == ("ended 0" if ends else "waits"), r.stderr[-2000:]
