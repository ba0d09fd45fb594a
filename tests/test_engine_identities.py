"""Symbolic activation identities: every answer checked against SymPy and numerically."""
import json
import subprocess
from functools import lru_cache

import mpmath
import numpy as np
import pytest
import sympy as sp

from examgen import expr as answer_syntax
from examgen import formatting
from examgen.bank import get
from examgen.engine import identities
from examgen.engine.identities import h, sigma, xi
from examgen.errors import ExamgenError
from examgen.sampling import exact

SCALES = [1, 2, 3, -1, -2, sp.Rational(1, 2), sp.Rational(-13, 10)]


def sig(u):
    """The sigmoid written out, independent of the engine's σ."""
    return 1 / (1 + sp.exp(-u))


def reference(question, a, b=0):
    """(definition in ξ, what h stands for or None): the question restated from scratch."""
    u = a * xi + b
    return {
        "sigmoid-derivative-h": (sp.diff(sig(u), xi), sig(u)),
        "tanh-derivative-h": (sp.diff(sp.tanh(u), xi), sp.tanh(u)),
        "sigmoid-derivative-xi": (sp.diff(sig(u), xi), None),
        "log-sigmoid-derivative-h": (sp.diff(sp.log(sig(u)), xi), sig(u)),
        "log-one-minus-sigmoid-derivative-h": (sp.diff(sp.log(1 - sig(u)), xi), sig(u)),
        "sigmoid-negative-h": (sig(-u), sig(u)),
        "tanh-via-sigma": (sp.tanh(u), None),
        "sigmoid-via-tanh": (sig(u), None),
        "softmax-two-class": (sp.exp(u) / (sp.exp(u) + sp.exp(-a * xi)), None),  # logits aξ + b, −aξ
    }[question]


def in_xi(answer, h_means):
    """The answer as a function of ξ: h replaced by what it stands for, σ written out."""
    out = identities.expand_sigma(answer)
    return out.subs(h, h_means) if h_means is not None else out


def check_numerically(answer, question, a, b=0, points=8):
    """The answer equals the question restated from scratch at a few points, to 12 digits."""
    want, h_means = reference(question, identities._number(a), identities._number(b))
    got = in_xi(answer, h_means)
    f, g = sp.lambdify(xi, got, "mpmath"), sp.lambdify(xi, want, "mpmath")
    with mpmath.workdps(40):  # 1 − σ(aξ + b) cancels where σ is near 1: 15 digits are not enough
        for x in np.random.default_rng(0).uniform(-3, 3, points):
            x = mpmath.mpf(float(x))
            assert abs(float(f(x)) - float(g(x))) <= 1e-12 * max(1.0, abs(float(g(x)))), (question, a, b, x)


def check_against_definition(question, a, b=0):
    """The engine's answer for these numbers equals the question restated from scratch: SymPy's
    simplify proves the difference 0, and it is 0 numerically."""
    answer = identities.identity(question, a, b)["expr"]
    want, h_means = reference(question, identities._number(a), identities._number(b))
    if h_means is not None:
        assert not answer.has(xi), "an answer in terms of h must not use ξ"
    else:
        assert not answer.has(h)
    assert sp.simplify((in_xi(answer, h_means) - want).rewrite(sp.exp)) == 0, (question, a, b)
    check_numerically(answer, question, a, b)


@pytest.mark.parametrize("question", list(identities.QUESTIONS))
@pytest.mark.parametrize("a", SCALES)
def test_answer_equals_definition(question, a):
    check_against_definition(question, a)


# The engine never simplifies (generation stays fast): these tests are what proves its answers.
A, B = sp.Symbol("a", real=True, nonzero=True), sp.Symbol("b", real=True)


@lru_cache(maxsize=None)
def proven(question):
    """The engine's answer for symbolic a ≠ 0 and b, once SymPy's simplify has proved that it
    equals the question restated from scratch for every a and b."""
    answer = identities.QUESTIONS[question](A, B)["expr"]
    want, h_means = reference(question, A, B)
    assert sp.simplify((in_xi(answer, h_means) - want).rewrite(sp.exp)) == 0, question
    return answer


@pytest.mark.parametrize("question", list(identities.QUESTIONS))
def test_every_exam_instance_is_the_proven_identity(question):
    """Every (a, b) the exam profile draws: the engine's answer is the proven general answer with
    the numbers put in (equal once expanded), and it agrees numerically with the definition."""
    module = get("activation-identity").module
    for a in module.EXAM_A:
        for b in module.EXAM_B:
            values = identities.identity(question, exact(a), exact(b))
            general = proven(question).subs({A: values["a"], B: values["b"]})
            assert sp.expand(values["expr"] - general) == 0, (question, a, b)
            check_numerically(values["expr"], question, a, b, points=3)


def test_skipping_evaluation_builds_the_same_expressions(monkeypatch):
    """exp and ln of aξ + b are built without SymPy's automatic evaluation, and σ′ in ξ from its
    closed form, when a and b are rationals (identities._evaluate): the same expressions as
    evaluated and differentiated, for every exam (a, b) and a spread of the drill's (tenths)."""
    module = get("activation-identity").module
    drill = [(sp.Rational(i, 10), sp.Rational(j, 10)) for i in range(-30, 31) for j in range(-20, 21) if i]
    pairs = [(exact(a), exact(b)) for a in module.EXAM_A for b in module.EXAM_B] + drill[::47]

    def built(a, b):
        a, b = identities._number(a), identities._number(b)
        return [v for q, f in identities.QUESTIONS.items()
                for v in (*f(a, b).values(), identities.with_sigma_prime_as_sigma.__wrapped__(q, a, b))]

    quick = [built(a, b) for a, b in pairs]
    monkeypatch.setattr(identities, "_evaluate", lambda a, b: True)
    assert quick == [built(a, b) for a, b in pairs]  # SymPy's ==: the same tree, so the same print


def test_drill_instances_equal_their_definition():
    """A sample of drill instances (decimal a and b), each proved with simplify as above."""
    p = get("activation-identity")
    for seed in range(12):
        params = p.sample(seed, "drill").params
        check_against_definition(params["question"], params["a"], params["b"])


@pytest.mark.parametrize("question", list(identities.QUESTIONS))
def test_printed_key_parses_back_to_the_same_expression(question):
    for a in SCALES:
        answer = identities.identity(question, a)["expr"]
        text = formatting.text(answer)
        parsed = answer_syntax.parse(text, ("h", "xi"))
        tree = answer_syntax.check(text, ("h", "xi"))
        for x in (-1.3, 0.2, 0.7):
            point = {"h": 0.3, "xi": x}
            want = complex(in_xi(answer, None).subs({h: 0.3, xi: x}).evalf())
            at = {sp.Symbol("h", real=True): 0.3, sp.Symbol("xi", real=True): x}
            assert abs(complex(parsed.subs(at).evalf()) - want) < 1e-12
            assert abs(answer_syntax.evaluate(tree, point) - want) < 1e-12


def test_keys_print_in_answer_syntax_by_hand():
    text = lambda q, a=1: formatting.text(identities.identity(q, a)["expr"])  # noqa: E731
    assert text("sigmoid-derivative-h") == "h*(1 - h)"
    assert text("sigmoid-derivative-h", 2) == "2*h*(1 - h)"
    assert text("tanh-derivative-h") == "1 - h**2"
    assert text("tanh-derivative-h", 3) == "3*(1 - h**2)"
    assert text("sigmoid-negative-h") == "1 - h"
    assert text("log-sigmoid-derivative-h") == "1 - h"
    assert text("log-one-minus-sigmoid-derivative-h") == "-h"
    assert text("tanh-via-sigma") == "2*sigma(2*xi) - 1"
    assert text("sigmoid-via-tanh") == "(1 + tanh(xi/2))/2"
    assert text("softmax-two-class") == "sigma(2*xi)"
    assert text("sigmoid-derivative-xi") == "exp(-xi)/(1 + exp(-xi))**2"


def test_closed_form_derivatives_are_sympys():
    """The engine's closed-form derivatives (no diff at generation) are what SymPy derives: each
    outer f′(u) with g(u) written as h, and the mistakes' d/ds of their outer functions of s."""
    u = sp.Dummy("u", real=True)
    for outer, (f, g) in {"sigma": (sigma(u), sigma(u)), "tanh": (sp.tanh(u), sp.tanh(u)),
                          "ln sigma": (sp.log(sigma(u)), sigma(u)),
                          "ln(1 - sigma)": (sp.log(1 - sigma(u)), sigma(u))}.items():
        derived = sp.diff(f, u).subs(g, h)
        assert sp.srepr(derived) == sp.srepr(identities.CORE[outer]), outer
    s = identities._S
    outer = {"sigmoid-derivative-h": s, "sigmoid-derivative-xi": s, "log-sigmoid-derivative-h": sp.log(s),
             "log-one-minus-sigmoid-derivative-h": sp.log(1 - s)}
    assert set(outer) == set(identities.OUTER_PRIME)
    for question, f in outer.items():
        assert sp.srepr(sp.diff(f, s)) == sp.srepr(identities.OUTER_PRIME[question]), question


def test_sigma_function():
    assert sigma(sp.log(3)) == sp.Rational(3, 4) and sigma(0) == sp.Rational(1, 2)
    assert sp.diff(sigma(2 * xi), xi) == 2 * sigma(2 * xi) * (1 - sigma(2 * xi))
    assert sp.lambdify(xi, sigma(xi))(0.0) == 0.5
    assert sp.lambdify(xi, sigma(xi))(-800.0) == pytest.approx(0.0)  # no overflow warning path
    assert formatting.latex(sigma(2 * xi)) == r"\sigma\left(2 \xi\right)"
    assert identities.equivalent(2 * sigma(2 * xi) - 1, sp.tanh(xi))
    assert not identities.equivalent(2 * sigma(xi) - 1, sp.tanh(xi))


def test_mistakes_by_hand():
    p = get("activation-identity")

    def wrong(question, a):
        inst = p.from_params({"question": question, "a": a})
        return {m["name"]: m["answers"]["expr"] for m in inst.mistakes() if m["answers"]["expr"] is not None}

    w = wrong("sigmoid-derivative-h", 1)
    assert w["sigma-for-derivative"] == h and w["other-derivative-formula"] == 1 - h ** 2
    assert "missing-chain-factor" not in w  # a = 1: nothing to forget
    w = wrong("tanh-derivative-h", 2)
    assert sp.simplify(w["other-derivative-formula"] - 2 * h * (1 - h)) == 0
    assert sp.simplify(w["missing-chain-factor"] - (1 - h ** 2)) == 0
    w = wrong("tanh-via-sigma", 1)
    assert w == {"missing-inner-factor": 2 * sigma(xi) - 1}
    assert wrong("log-sigmoid-derivative-h", 3)["sigma-for-derivative"] == 3


def test_exam_instances_are_exact_and_varied():
    p = get("activation-identity")
    seen = {p.sample(seed, "exam").params["question"] for seed in range(60)}
    assert seen == set(identities.QUESTIONS)
    assert p.sample(0, "exam").exact


def test_cli_solves_hand_cases():
    def solve(params):
        return subprocess.run(["examgen", "solve", "activation-identity", "--params", "-", "--json"],
                              input=json.dumps(params), capture_output=True, text=True)

    assert json.loads(solve({"question": "sigmoid-derivative-h", "a": 1}).stdout)["answers"]["expr"] == "h*(1 - h)"
    assert json.loads(solve({"question": "tanh-via-sigma", "a": 1}).stdout)["answers"]["expr"] == "2*sigma(2*xi) - 1"
    assert json.loads(solve({"question": "tanh-derivative-h", "a": 0.5}).stdout)["answers"]["expr"] == "(1 - h**2)/2"
    out = solve({"question": "tanh-via-sigma", "a": 0})
    assert out.returncode == 2 and "must not be 0" in out.stderr


def test_validate_rejects_zero_scale():
    with pytest.raises(ExamgenError, match="must not be 0"):
        get("activation-identity").from_params({"question": "sigmoid-negative-h", "a": 0})
