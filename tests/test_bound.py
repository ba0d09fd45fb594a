"""The calculator-free bound of the exam profile (REFERENCE.md): every exact rational in the
parameters, answers and intermediate values has |numerator| ≤ 300 and denominator ≤ 300, and
no entry mixes more than 2 distinct logarithms.

Here: the checker itself, on hand cases. Every exam instance of every problem over --seeds is
checked against it in tests/test_bank.py's stress test (which draws those instances anyway)."""
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from examgen.engine.ops import decompose
from examgen.sampling import bound_violation, hand_workable

ln = sp.log
R = sp.Rational


@pytest.mark.parametrize("v", [R(3, 4), ln(R(2, 3)), R(-300, 299), 3, Fraction(1, 300), sp.Integer(0),
                               R(3, 4) * ln(2) - ln(3) / 5, ln(4) / 3, ln(2) * ln(3)])
def test_hand_workable_values_pass(v):
    assert hand_workable(v) is None


@pytest.mark.parametrize("v, why", [(R(301, 2), "301/2"), (R(1, 301), "1/301"), (-R(302, 7), "-302/7"),
                                    (ln(2) + ln(3) + ln(5), "3 logarithms"), (ln(30), "3 logarithms"),
                                    (ln(R(539, 32)) / 3, "539/32"), (sp.tanh(R(1, 3)), "not a rational"),
                                    (sp.sqrt(2), "not a rational"), (sp.E, "not a rational"),
                                    (0.5, "not a rational"), (R(64592558, 200201625) * ln(2), "64592558")])
def test_values_beyond_the_bound_fail(v, why):
    assert why in hand_workable(v)


def test_decompose_names_rationals_and_logs():
    d = decompose(R(-3, 4) * ln(2) + ln(R(4, 9)) / 5)
    assert set(d.rationals) >= {(-3, 4), (1, 5), (4, 9)} and d.logs == {2, 3} and not d.other
    assert decompose(7) == ((( 7, 1),), frozenset(), False)
    assert decompose(sp.exp(R(1, 2))).other


def test_bound_violation_walks_arrays_dicts_and_skips_text_and_symbols():
    arr = np.array([R(1, 2), R(1000, 3)], dtype=object)
    assert "x: 1000/3" in bound_violation({"ok": "text", "b": np.True_, "x": arr})
    assert bound_violation({"d": {"e": [R(1, 2), sp.Symbol("h") * 1000]}, "flag": True}) is None
    assert bound_violation({"f": np.array([0.5])}) is not None  # a float in an exam instance



def test_the_bound_remembers_exact_values_and_says_each_float_as_it_is():
    for _ in range(2):  # the second answer is the remembered one
        assert hand_workable(sp.Rational(1, 2)) is None
        assert "1000000" in hand_workable(sp.Integer(10**6))
    assert hand_workable(-0.0).startswith("-0.0") and hand_workable(0.0).startswith("0.0")
