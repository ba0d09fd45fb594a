"""`examgen generate` of a class wastes nothing around the versions (issue 12): each worker sends
back its key already laid out as the class's key index holds it (generate.index_entry), and the
index is joined from those texts (generate.index_text). Both are checked against the plain
computation, key.dumps of the parsed keys, on many versions, a roster of awkward names and
hand-made keys."""
import json

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
