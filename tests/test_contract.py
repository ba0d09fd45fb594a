"""The problem contract (problem_bank/README.md): options validated in one line, every declared
mistake visible at its part's tolerance on accepted draws, a bounded budget with a clear error."""
import shutil

import numpy as np
import pytest
import sympy as sp

from examgen.bank import load_bank
from examgen.compare import all_close
from examgen.errors import ExamgenError
from examgen.instance import DRAW_BUDGET, Draw, draw_instance, sample

from conftest import BANK, PROBLEM_IDS
from helpers import differs_somewhere

MIGRATED = [pid for pid in PROBLEM_IDS if hasattr(BANK[pid].module, "draw")]


@pytest.mark.parametrize("value", [0, 4, 3.5, "x", True, [2], 30, None])
def test_a_bad_option_is_one_clear_line(value):
    with pytest.raises(ExamgenError) as e:
        sample(BANK["maxpool-forward"], 0, "exam", {"pool": value})
    msg = str(e.value)
    assert "\n" not in msg and "maxpool-forward" in msg and "pool" in msg and "2, 3" in msg


def test_an_unknown_option_names_the_allowed_ones():
    with pytest.raises(ExamgenError, match="unknown option 'colour'.*activation"):
        sample(BANK["activation-derivative"], 0, "exam", {"colour": "red"})


def test_options_must_be_a_mapping():
    with pytest.raises(ExamgenError, match="options must be a mapping"):
        sample(BANK["activation-derivative"], 0, "exam", ["activation"])


def test_every_option_declares_its_choices():
    for p in BANK.values():
        for name in p.options:
            assert p.params[name].choices, (p.id, name)


def test_an_exhausted_budget_names_problem_profile_and_seed(monkeypatch):
    p = BANK["loss-mse"]

    def tie(rng, options):  # ŷ = y: every mistake of loss-mse gives the right answer
        y = rng.ints(-1, 1, (2, 2))
        return {"y": y, "yhat": y.copy()}

    monkeypatch.setattr(p.module, "draw", tie)
    with pytest.raises(ExamgenError) as e:
        draw_instance(p, Draw.for_instance(p.id, "exam", 7), {}, seed=7, budget=20)
    msg = str(e.value)
    assert "loss-mse" in msg and "exam" in msg and "seed 7" in msg and "20 draws" in msg
    assert "mistake" in msg and "\n" not in msg


def test_the_budget_is_bounded():
    assert 50 <= DRAW_BUDGET <= 1000


def test_differs_somewhere_tells_identities_from_differences():
    h, xi = sp.Symbol("h", real=True), sp.Symbol("xi", real=True)
    assert not differs_somewhere(h * (1 - h) - (h - h ** 2))
    assert not differs_somewhere(sp.tanh(xi) - (2 / (1 + sp.exp(-2 * xi)) - 1))
    assert differs_somewhere(h * (1 - h) - (1 - h ** 2)) and differs_somewhere(sp.tanh(xi) - sp.tanh(2 * xi))


@pytest.mark.parametrize("pid", MIGRATED)
@pytest.mark.parametrize("profile", ["exam", "drill"])
def test_every_declared_mistake_is_visible_at_its_parts_tolerance(pid, profile, grading_seeds):
    p = BANK[pid]
    for seed in grading_seeds:
        inst = sample(p, seed, profile)
        for m in p.mistakes:
            wrong = p.mistake_function(m)(inst.params, inst.values)
            if wrong is None:
                continue
            assert set(m.parts) <= set(wrong), (pid, seed, m.name)
            for part in m.parts:
                spec, right = p.parts[part], inst.values[part]
                if inst.kind(part) == "expression":  # SymPy's own evaluation, not the sampler's floats
                    assert differs_somewhere(right - wrong[part]), (pid, seed, m.name, part)
                elif inst.kind(part) == "choice":
                    assert str(wrong[part]) != str(right), (pid, seed, m.name, part)
                else:
                    assert np.shape(wrong[part]) != np.shape(right) or not all_close(
                        wrong[part], right, spec.rtol, spec.atol), (pid, seed, m.name, part)


def _bank_with(tmp_path, after: dict):
    """A bank of copies of the problems in `after`, each problem.yaml given `after:` as written."""
    for pid, value in after.items():
        folder = tmp_path / pid
        shutil.copytree(BANK[pid].folder, folder)
        yaml = folder / "problem.yaml"
        text = "\n".join(line for line in yaml.read_text(encoding="utf-8").splitlines() if not line.startswith("after:"))
        yaml.write_text(text + (f"\nafter: {value}\n" if value is not None else "\n"), encoding="utf-8")
    return str(tmp_path)


@pytest.mark.parametrize("after, message", [
    ({"conv2d-forward": None, "conv2d-backward": "[conv2d-forwrd]"},
     "^problem bank: conv2d-backward/problem.yaml: after: unknown problem 'conv2d-forwrd'; did you mean conv2d-forward"),
    ({"conv2d-forward": "[conv2d-backward]", "conv2d-backward": "[conv2d-forward]"},
     "after: a cycle, conv2d-(forward|backward) → conv2d-(backward|forward) → conv2d-(forward|backward); "
     "a problem cannot come after itself$"),
    ({"iou": "[anchor-labels]", "anchor-labels": "[bbox-target]", "bbox-target": "[iou]"},
     "after: a cycle, (iou|anchor-labels|bbox-target) → .* → .* → "),
    ({"mlp-forward": "[lstm-forward]", "lstm-forward": None},
     "mlp-forward/problem.yaml: after: lstm-forward is a lstm problem, and nn comes before lstm in the course"),
    ({"iou": "[iou]"}, "iou/problem.yaml: iou: `after` names the problem itself$"),
    ({"iou": "{a: 1}"}, "iou/problem.yaml: iou: `after` must list problem ids"),
])
def test_after_is_checked_when_the_bank_loads(tmp_path, after, message):
    with pytest.raises(ExamgenError, match=message):
        load_bank(_bank_with(tmp_path, after))


def test_after_may_name_one_id_or_a_list(tmp_path):
    bank = load_bank(_bank_with(tmp_path, {"iou": None, "anchor-labels": "iou", "detection-loss": "[anchor-labels]"}))
    assert bank["anchor-labels"].after == ("iou",)
    assert bank["detection-loss"].builds_on == {"anchor-labels", "iou"} and not bank["iou"].builds_on
