"""Fast paths of exact arithmetic (stop 15, num8), each against the plain computation."""
from __future__ import annotations

import random
import warnings
from fractions import Fraction

import pytest
import sympy as sp

from examgen.engine import exact as exact_module
from examgen.engine.exact import Exact, log, rational, to_sympy


def _forms() -> list:
    """SymPy forms an Exact takes: integers (0, ±1 are singletons), rationals (1/2 too), log a,
    c·log a, and sums."""
    return [sp.Integer(0), sp.Integer(1), sp.Integer(-1), sp.Integer(7), sp.Rational(1, 2), sp.Rational(3, 7),
            sp.log(2), 3 * sp.log(2) / 7, sp.log(2) + sp.Rational(1, 3), sp.log(2) - sp.log(3)]


def test_sympy_attributes_are_sympys_public_attributes_exact_lacks():
    """The delegated names are the public attributes of the SymPy forms that Exact does not define
    itself, as SymPy 1.14 (the version the list was taken from) has them. Another SymPy may add
    or drop a name (pyproject allows 1.12 on): there an added one is not delegated (it raises
    AttributeError, test_delegated_attributes_answer_as_the_sympy_form) and the list needs
    rewriting only if the course's code wants it; what authors use must be there on any version."""
    names = {n for f in _forms() for n in dir(f) if not n.startswith("_")}
    own = {n for n in names if any(n in vars(c) for c in Exact.__mro__) and n not in exact_module.SYMPY_ATTRIBUTES}
    assert own <= {"free_symbols", "is_Add", "is_Float", "is_Integer", "is_Rational", "is_number", "is_zero", "p", "q"}
    core = {"has", "atoms", "subs", "xreplace", "evalf", "n", "args", "func", "is_positive", "is_negative",
            "is_integer", "is_rational", "is_real", "could_extract_minus_sign", "as_numer_denom", "expand"}
    assert core <= set(exact_module.SYMPY_ATTRIBUTES)
    if sp.__version__.split(".")[:2] == ["1", "14"]:
        assert sorted(exact_module.SYMPY_ATTRIBUTES) == sorted(names - own)


def test_no_getattr_hook():
    """A __getattr__ (on Exact or a base) would send every attribute read down CPython's slow path."""
    assert not any("__getattr__" in vars(c) for c in Exact.__mro__)


@pytest.mark.parametrize("value", [Exact(0), Exact(1), Exact(-1), rational("3/7"), log(2), rational("3/7") * log(2),
                                   log(2) + rational("1/3"), log(2) - log(3), log(Fraction(1, 4))])
def test_delegated_attributes_answer_as_the_sympy_form(value):
    form = to_sympy(value)
    warnings.simplefilter("ignore", sp.utilities.exceptions.SymPyDeprecationWarning)   # (expr_free_symbols)
    for name in exact_module.SYMPY_ATTRIBUTES:
        try:
            want = getattr(form, name)
        except AttributeError:
            with pytest.raises(AttributeError):
                getattr(value, name)
            continue
        got = getattr(value, name)
        if callable(want) and hasattr(want, "__func__"):   # a bound method: the same function on the same value
            assert got.__func__ is want.__func__ and got.__self__ == want.__self__, name
        else:
            assert got == want or (got is want), name
    assert value.has(sp.log) == form.has(sp.log) and value.atoms() == form.atoms()
    for name in ("no_such_attribute", "_private", "__array_interface__"):
        with pytest.raises(AttributeError):
            getattr(value, name)


def _random_exact(rng: random.Random) -> Exact:
    e = rational(Fraction(rng.randint(-40, 40), rng.choice((1, 2, 3, 4, 6, 8, 16, 100))))
    for _ in range(rng.randint(0, 2)):
        a = Fraction(rng.randint(2, 40), rng.randint(1, 12))
        if a != 1:
            e = e + rational(Fraction(rng.randint(-9, 9), rng.choice((1, 2, 3, 4, 5, 8)))) * log(a)
    return e


def test_delegated_assumptions_on_random_values():
    rng = random.Random(8)
    for _ in range(200):
        v = _random_exact(rng)
        form = to_sympy(v)
        for name in ("is_positive", "is_negative", "is_integer", "is_rational", "is_Mul", "is_Number", "args", "func"):
            assert getattr(v, name) == getattr(form, name), (v, name)


def _plain(x: Exact, op: str, k: int) -> Exact:
    """x op k with k made an Exact first (the path every operand took before the int one)."""
    return getattr(x, op)(Exact(exact_module.Q(k)))


def test_int_operands_as_exact_operands():
    """x + k, k + x, x − k, k − x, x·k, k·x with an int k: the same value, terms and kinds as with
    Exact(k), over random values (rationals and log sums) and small and large ints, 0 and ±1."""
    rng = random.Random(15)
    ks = [0, 1, -1, 2, -3, 7, 10**20, -(10**20)]
    for _ in range(250):
        x = _random_exact(rng)
        for k in ks + [rng.randint(-50, 50)]:
            for op, got in (("__add__", x + k), ("__radd__", k + x), ("__sub__", x - k),
                            ("__rsub__", k - x), ("__mul__", x * k), ("__rmul__", k * x)):
                want = _plain(x, op, k)
                assert type(got) is Exact and got == want and got.logs == want.logs, (x, op, k)
                assert type(got.r) is exact_module.Q and all(type(a) is type(c) is exact_module.Q for a, c in got.logs)
                assert hash(got) == hash(want) and float(got) == float(want) and str(got) == str(want)


def test_to_float_of_scalars():
    from examgen.engine import ops

    rng = random.Random(16)
    for _ in range(300):
        x = _random_exact(rng)
        assert ops.to_float(x) == float(to_sympy(x)) and type(ops.to_float(x)) is float
    for f in (0.0, -2.5, 1e300):
        assert ops.to_float(f) is f
