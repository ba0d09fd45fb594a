"""The bank's problem.yaml files and specs, parsed once and remembered as JSON (safeio.remembered)."""
import datetime
import json

import pytest
import yaml

from examgen import bank, exam, safeio, yamlio
from examgen.errors import ExamgenError


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A fresh cache folder, and no bank or folder remembered from earlier tests in this process."""
    monkeypatch.setenv(safeio.CACHE_ENV, str(tmp_path / "cache"))
    bank.load_bank.cache_clear()
    yield tmp_path / "cache" / "parsed"
    bank.load_bank.cache_clear()


def _refuse(text):
    raise AssertionError("parsed again: the remembered value was not used")


def test_the_bank_is_parsed_once_then_read_back_the_same(cache, monkeypatch):
    first = bank.load_bank()
    assert len(list(cache.glob("*.json"))) == len(first)
    bank.load_bank.cache_clear()
    monkeypatch.setattr(bank, "_parse_yaml", _refuse)   # a second load may not run YAML at all
    second = bank.load_bank()
    assert second == first and list(second) == list(first)
    for pid, p in second.items():   # each value is exactly what YAML gives, types included
        text = (p.folder / "problem.yaml").read_text(encoding="utf-8")
        assert json.dumps(safeio.remembered("problem.yaml", text, _refuse)) == \
            json.dumps(yaml.load(text, Loader=yaml.SafeLoader)), pid  # noqa: S506


def test_a_damaged_entry_is_parsed_again_and_rewritten(cache):
    first = bank.load_bank()
    for f in cache.glob("*.json"):
        f.write_text('{"id": "not what the file says"', encoding="utf-8")   # cut short: not JSON
    bank.load_bank.cache_clear()
    assert bank.load_bank() == first
    assert all(json.loads(f.read_text(encoding="utf-8")).get("id") in first for f in cache.glob("*.json"))


def test_values_json_cannot_give_back_are_not_kept(cache):
    calls = []

    def parse(text):
        calls.append(text)
        return yaml.safe_load(text)

    for text in ("when: 2025-05-01", "[1, 2]", "x: .nan", "{1: a}"):
        v = safeio.remembered("t", text, parse)
        assert v == yaml.safe_load(text) or text == "x: .nan"
    assert [f.read_text() for f in cache.glob("*.json")] == ["[1, 2]"]   # the date, NaN and int key are not
    assert isinstance(safeio.remembered("t", "when: 2025-05-01", parse)["when"], datetime.date)
    assert safeio.remembered("t", "[1, 2]", parse) == [1, 2]
    assert calls.count("[1, 2]") == 1 and calls.count("when: 2025-05-01") == 2


def test_the_same_text_of_another_kind_is_another_entry(cache):
    assert safeio.remembered("a", "x: 1", yaml.safe_load) == {"x": 1}
    assert safeio.remembered("b", "x: 1", lambda t: {"x": 2}) == {"x": 2}
    assert len(list(cache.glob("*.json"))) == 2


def test_a_spec_is_remembered_but_its_errors_are_not(cache, tmp_path, monkeypatch):
    spec = tmp_path / "s.yaml"
    spec.write_text("title: T\nproblems:\n  - id: iou\n    points: 2\n", encoding="utf-8")
    first = exam.load_spec(spec)
    monkeypatch.setattr(yamlio, "parse_yaml", _refuse)
    assert exam.load_spec(spec) == first
    monkeypatch.undo()
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: [unclosed\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(ExamgenError, match="not valid YAML"):
            exam.load_spec(bad)


def test_without_a_cache_folder_everything_is_parsed(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv(safeio.CACHE_ENV, str(blocker / "cache"))   # under a file: cannot be made
    calls = []
    for _ in range(2):
        assert safeio.remembered("t", "x: 1", lambda t: calls.append(t) or {"x": 1}) == {"x": 1}
    assert len(calls) == 2


def test_old_entries_are_pruned(cache, monkeypatch):
    monkeypatch.setattr(safeio, "PARSED_KEPT", 3)
    for k in range(6):
        safeio.remembered("t", f"x: {k}", yaml.safe_load)
    assert len(list(cache.glob("*.json"))) == 3
