"""The fast paths of anchor-labels, mlp-backprop and activation-identity decide as the generic
path does, from the same random stream."""
from contextlib import nullcontext

import pytest

from examgen.bank import load_bank
from examgen.sampling import Draw

BANK = load_bank()


@pytest.mark.parametrize("profile", ["exam", "drill"])
def test_anchor_labels_early_refusal_is_the_mistakes_rule(profile, monkeypatch):
    """The draw refuses on its own numbers what the generic rule refuses from the solved
    instance: dividing by the reference's area gives the right y_c, or does not apply."""
    module = BANK["anchor-labels"].module
    fast, seen = module._some_label_mistaken, []
    monkeypatch.setattr(module, "_some_label_mistaken", lambda rows, t: seen.append((rows, t)))
    rng, decided = Draw.for_instance("anchor-labels", profile, 0), 0
    for _ in range(400):
        try:
            p = module.draw(rng, {})
        except ValueError:
            continue
        s = module.solve(p)
        wrong = module.mistake_over_ref_area(p, s)
        generic = wrong is None or list(wrong["y_c"]) == list(s["y_c"])
        with pytest.raises(ValueError) if generic else nullcontext():
            fast(*seen[-1])
        decided += 1
    assert decided > 100

