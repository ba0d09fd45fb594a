"""Symbolic activation identities (σ′ = h(1 − h), tanh = 2σ(2ξ) − 1, …) as SymPy expressions.

Every question is about h = g(aξ + b) for numbers a ≠ 0 and b; `identity(question, a, b)` returns the
answer `expr` (a SymPy expression in the answer-file variables h or xi) and the steps a worked
solution shows. Each answer is a closed form put together from a and b: the outer derivatives in
h (CORE), the chain rule's factor a, σ(−u) = 1 − σ(u), tanh(u) = 2σ(2u) − 1, σ(u) = (1 + tanh(u/2))/2,
softmax = σ(ξ₁ − ξ₂). Generating an instance never differentiates or simplifies;
tests/test_engine_identities.py does: SymPy's diff for the derivatives, simplify for each question
with symbolic a and b, and every exam (question, a, b) against the question's definition.
"""
from __future__ import annotations

from functools import lru_cache

import sympy as sp

xi = sp.Symbol("xi", real=True)  # real=True, like examgen.expr.parse, so that answers compare equal
h = sp.Symbol("h", real=True)


class sigma(sp.Function):
    """σ(u) = 1/(1 + e^−u), kept as σ in expressions (printed `sigma(u)`); numbers evaluate."""

    @classmethod
    def eval(cls, u):
        if u.is_number:
            return written_out(u)

    def fdiff(self, argindex=1):
        s = sigma(self.args[0])
        return s * (1 - s)

    def _eval_rewrite_as_exp(self, u, **kwargs):
        return written_out(u)

    def _eval_is_real(self):
        return self.args[0].is_real

    def _latex(self, printer, exp=None):
        body = r"\sigma\left(%s\right)" % printer._print(self.args[0])
        return body if exp is None else r"%s^{%s}" % (body, exp)

    # lambdify: numeric σ, split by sign so that e^x never overflows
    _imp_ = staticmethod(lambda u: _numeric_sigmoid(u))


def _numeric_sigmoid(u):
    import numpy as np

    u = np.asarray(u, dtype=float)
    e = np.exp(-np.abs(u))
    return np.where(u >= 0, 1 / (1 + e), e / (1 + e))[()]


def written_out(u, evaluate=True):
    """σ(u) written out: 1/(1 + e^−u)."""
    return 1 / (1 + _exp(-u, evaluate))


def _exp(u, evaluate=True):
    """e^u, asked at once whether it is finite: SymPy asks each term of a sum whether it is infinite
    when it raises the sum to a power (1/(1 + e^−u)), which its assumption system answers for e^u
    only by a long search (~0.7 ms) unless finiteness, answered directly, is known already."""
    e = sp.exp(u, evaluate=evaluate)
    _ = e.is_finite  # (remembered on e)
    return e


def tanh_of(u, a, evaluate):
    """tanh(u), u = aξ + b or half of it. For rational a and b (see _evaluate) SymPy's evaluation
    applies one rule, tanh(−u) = −tanh(u) where u could extract a minus sign, after checking
    others (imaginary, iπ and 0 arguments) that never apply and cost ~0.7 ms a call: that rule
    alone, then. Such a u could extract one exactly when a < 0 (the ξ term's sign decides, also
    against b's: SymPy's sort keys do; tests check every pair the profiles draw), which costs
    nothing to ask where could_extract_minus_sign compares two sort keys (~0.2 ms)."""
    if evaluate:
        return sp.tanh(u)
    if a < 0:
        return -sp.tanh(-u, evaluate=False)
    return sp.tanh(u, evaluate=False)


def expand_sigma(expr):
    """expr with σ(u) written out as 1/(1 + e^−u) (to compare with answers written either way)."""
    return expr.replace(sigma, written_out)


def equivalent(a, b) -> bool:
    """True when two expressions are identically equal (σ written out, then simplified)."""
    difference = (expand_sigma(sp.sympify(a)) - expand_sigma(sp.sympify(b))).rewrite(sp.exp)
    return sp.simplify(difference) == 0


def _times(a, core):
    """a·core, kept factored as 2(1 − h) rather than distributed into 2 − 2h."""
    if a == 1:
        return core
    return sp.Mul(a, core, evaluate=False) if core.is_Add else a * core


def _product(c, power, e):
    """c·power·e as SymPy's Mul writes it, where c is a rational, power a Pow of a sum and e an e^v
    (v a non-constant aξ + b): Mul's evaluation keeps those three factors as they are (no base or
    exponent in common) in that order (it sorts a Pow before an exp), but costs ~1 ms asking
    them assumption questions. Tests compare it with Mul's evaluation for every exam (a, b)."""
    return sp.Mul._from_args((power, e) if c == 1 else (c, power, e))


# f′(u) in terms of h = g(u) for each outer function f of the derivative questions: σ′ = σ(1 − σ),
# tanh′ = 1 − tanh², (ln σ)′ = σ′/σ = 1 − σ, (ln(1 − σ))′ = −σ′/(1 − σ) = −σ. They do not depend on
# a or b; tests derive each with SymPy's diff and find these very expressions.
CORE = {"sigma": h * (1 - h), "tanh": 1 - h ** 2, "ln sigma": 1 - h, "ln(1 - sigma)": -h}


def _evaluate(a, b) -> bool:
    """Whether exp and ln of the arguments built from aξ + b need SymPy's automatic evaluation.
    Not when a and b are rationals (every draw of either profile): it never changes those
    arguments (tests check every a, b the profiles draw) and costs most of a derivation. Other
    numbers (ln 2, given to `examgen solve`) are evaluated as usual."""
    return not (isinstance(a, sp.Rational) and isinstance(b, sp.Rational))


def sigmoid_derivative_h(a, b=0):
    """h = σ(aξ): dh/dξ = a σ′(aξ) = a h(1 − h)."""
    core = CORE["sigma"]
    return {"given": sigma(a * xi + b), "h_def": sigma(a * xi + b), "core": core, "expr": _times(a, core)}


def tanh_derivative_h(a, b=0):
    """h = tanh(aξ): dh/dξ = a tanh′(aξ) = a(1 − h²)."""
    core, h_def = CORE["tanh"], tanh_of(a * xi + b, a, _evaluate(a, b))
    return {"given": h_def, "h_def": h_def, "core": core, "expr": _times(a, core)}


def sigmoid_derivative_xi(a, b=0):
    """d/dξ σ(aξ + b) = a e^{−(aξ + b)}/(1 + e^{−(aξ + b)})², in ξ alone: for rational a and b
    the closed form, built as SymPy's diff of 1/(1 + e^{−u}) writes it (tests check both)."""
    u = a * xi + b
    if _evaluate(a, b):  # other numbers (from `examgen solve`): SymPy's diff, as written before
        return {"given": sigma(u), "exp_form": written_out(u), "expr": sp.diff(written_out(u), xi)}
    e = _exp(-u, evaluate=False)
    one_plus_e = 1 + e
    return {"given": sigma(u), "exp_form": sp.Pow(one_plus_e, -1),
            "expr": _product(a, sp.Pow(one_plus_e, -2), e)}


def log_sigmoid_derivative_h(a, b=0):
    """h = σ(aξ): d/dξ ln σ(aξ) = a σ′/σ = a(1 − h)."""
    core, h_def = CORE["ln sigma"], sigma(a * xi + b)
    return {"given": sp.log(h_def, evaluate=_evaluate(a, b)), "h_def": h_def, "core": core, "expr": _times(a, core)}


def log_one_minus_sigmoid_derivative_h(a, b=0):
    """h = σ(aξ): d/dξ ln(1 − σ(aξ)) = −a σ′/(1 − σ) = −a h."""
    core, h_def = CORE["ln(1 - sigma)"], sigma(a * xi + b)
    return {"given": sp.log(1 - h_def, evaluate=_evaluate(a, b)), "h_def": h_def, "core": core, "expr": _times(a, core)}


def sigmoid_negative_h(a, b=0):
    """h = σ(aξ + b): σ(−(aξ + b)) = 1 − h, since σ(−u) = e^{−u}/(e^{−u} + 1) = 1 − σ(u) for every u
    (tests check it against SymPy for every exam a, b)."""
    given = sigma(-(a * xi + b))
    return {"given": given, "h_def": sigma(a * xi + b), "exp_form": written_out(given.args[0], _evaluate(a, b)),
            "expr": 1 - h}


def tanh_via_sigma(a, b=0):
    """tanh(aξ) = (1 − e^{−2aξ})/(1 + e^{−2aξ}) = 2σ(2aξ) − 1."""
    expr = sp.Add(2 * sigma(2 * (a * xi + b)), -1, evaluate=False)  # printed 2*sigma(2*xi) - 1
    evaluate = _evaluate(a, b)
    e = _exp(-2 * (a * xi + b), evaluate)
    return {"given": tanh_of(a * xi + b, a, evaluate), "exp_form": (1 - e) / (1 + e), "expr": expr}


def sigmoid_via_tanh(a, b=0):
    """σ(aξ) = (1 + tanh(aξ/2))/2."""
    expr = sp.Mul(sp.Rational(1, 2), sp.Add(1, tanh_of((a * xi + b) / 2, a, _evaluate(a, b)), evaluate=False),
                  evaluate=False)
    return {"given": sigma(a * xi + b), "expr": expr}


def softmax_two_class(a, b=0):
    """Logits [aξ, −aξ]: softmax₁ = e^{aξ}/(e^{aξ} + e^{−aξ}) = σ(aξ − (−aξ)) = σ(2aξ)."""
    z1, z2 = a * xi + b, -a * xi
    evaluate = _evaluate(a, b)
    e1, e2 = _exp(z1, evaluate), _exp(z2, evaluate)
    given = _product(1, sp.Pow(e1 + e2, -1), e1) if not evaluate else e1 / (e1 + e2)
    expr = sigma(z1 - z2)
    return {"z1": z1, "z2": z2, "given": given, "expr": expr}


QUESTIONS = {
    "sigmoid-derivative-h": sigmoid_derivative_h,
    "tanh-derivative-h": tanh_derivative_h,
    "sigmoid-derivative-xi": sigmoid_derivative_xi,
    "log-sigmoid-derivative-h": log_sigmoid_derivative_h,
    "log-one-minus-sigmoid-derivative-h": log_one_minus_sigmoid_derivative_h,
    "sigmoid-negative-h": sigmoid_negative_h,
    "tanh-via-sigma": tanh_via_sigma,
    "sigmoid-via-tanh": sigmoid_via_tanh,
    "softmax-two-class": softmax_two_class,
}


def identity(question: str, a, b=0):
    """The answer `expr` and worked steps of one question about g(aξ + b), a ≠ 0."""
    return dict(_identity(question, a, b))  # a copy: the cached dict stays as it is


def _number(v):
    return sp.nsimplify(v, rational=True) if isinstance(v, float) else sp.sympify(v)


@lru_cache(maxsize=1024)
def _identity(question: str, a, b=0):
    # A few dozen (question, a) pairs cover every exam; SymPy's derivations are the slow part.
    if question not in QUESTIONS:
        raise ValueError(f"unknown question {question!r}; expected one of {sorted(QUESTIONS)}")
    a, b = _number(a), _number(b)
    if a == 0:
        raise ValueError("the scale a must not be 0")
    return {"a": a, "b": b, "u": a * xi + b, **QUESTIONS[question](a, b)}


# --- wrong maths, for the student mistakes ----------------------------------------------------
_S = sp.Symbol("s", positive=True)  # stands for σ(aξ + b) in the mistakes' outer functions
# d/ds of each derivative question's outer function of s: s, s, ln s and ln(1 − s) (tests
# differentiate those with SymPy and find these very expressions).
OUTER_PRIME = {"sigmoid-derivative-h": sp.Integer(1), "sigmoid-derivative-xi": sp.Integer(1),
               "log-sigmoid-derivative-h": 1 / _S, "log-one-minus-sigmoid-derivative-h": -1 / (1 - _S)}


# The same in h (σ = h in the h questions): what substituting h for s in a·f′(s)·s gives.
_OUTER_PRIME_OF_H = {q: f.subs(_S, h) for q, f in OUTER_PRIME.items()}


@lru_cache(maxsize=1024)
def with_sigma_prime_as_sigma(question: str, a, b=0):
    """The derivative question's answer when σ′ is taken as σ itself (None for other questions):
    a·f′(σ)·σ by the chain rule, with σ where σ′ belongs."""
    if question not in OUTER_PRIME:
        return None
    if question == "sigmoid-derivative-xi":
        s = written_out(a * xi + b, _evaluate(a, b))
        if _evaluate(a, b):
            return (a * OUTER_PRIME[question] * _S).subs(_S, s)
        # a·σ as subs's Mul writes it (the rational a first, the sum's power kept), without its
        # ~0.5 ms of evaluation: tests compare the two for every exam (a, b)
        return s if a == 1 else sp.Mul._from_args((a, s))
    # a·f′(h)·h put together in h (Mul's flattening writes it as subs's rebuilding of a·f′(s)·s
    # does, without subs's walk: tests compare the two for every exam and drill a)
    return a * _OUTER_PRIME_OF_H[question] * h


@lru_cache(maxsize=1024)
def without_chain_factor(question: str, a, b=0):
    """A derivative question's answer with the chain rule's factor a left out: expr/a. For
    rational a ≠ 1 and b that is the outer derivative alone, taken as it stands: the CORE in h,
    or the factors after a of the product in ξ (_product). Mul's division leaves those very
    expressions, after ~0.7 ms of assumption questions; tests compare the two for every exam
    (question, a, b)."""
    found = _identity(question, a, b)
    a, b = found["a"], found["b"]
    if _evaluate(a, b) or a == 1:
        return found["expr"] / a
    if question == "sigmoid-derivative-xi":
        return sp.Mul._from_args(found["expr"].args[1:])
    return found["core"]


@lru_cache(maxsize=1024)
def without_inner_factor(question: str, a, b=0):
    """The via-question's answer with the argument's factor left out: 2σ(u) − 1 for tanh(u) and
    (1 + tanh(u))/2 for σ(u), u = aξ + b (None for other questions)."""
    u = a * xi + b
    if question == "tanh-via-sigma":
        return 2 * sigma(u) - 1
    if question == "sigmoid-via-tanh":
        return (1 + tanh_of(u, a, _evaluate(a, b))) / 2
    return None
