"""Symbolic identities of σ and tanh about g(aξ + b); the answer is a SymPy expression in h or xi."""
from examgen.engine import identities
from examgen.sampling import exact

QUESTIONS = tuple(identities.QUESTIONS)
DERIVATIVES = ("sigmoid-derivative-h", "tanh-derivative-h", "sigmoid-derivative-xi",
               "log-sigmoid-derivative-h", "log-one-minus-sigmoid-derivative-h")


# What each question lets a student write (the prompt says so too): the variables, and the
# functions when the point is to avoid one (tanh via σ must not use tanh). None = any function.
ALLOWED = {
    "sigmoid-derivative-h": (["h"], None),
    "tanh-derivative-h": (["h"], None),
    "log-sigmoid-derivative-h": (["h"], None),
    "log-one-minus-sigmoid-derivative-h": (["h"], None),
    "sigmoid-negative-h": (["h"], None),
    "sigmoid-derivative-xi": (["xi"], ["exp", "ln", "sqrt"]),
    "tanh-via-sigma": (["xi"], ["sigma"]),
    "sigmoid-via-tanh": (["xi"], ["tanh"]),
    "softmax-two-class": (["xi"], ["sigma"]),
}


EXAM_A = (1, 2, 3, 4, -1, -2, -3, "1/2", "-1/2", "3/2")
EXAM_B = (0, 1, -1, 2, -2)


def draw(rng, options):
    if rng.exam:
        a, b = exact(rng.choice(EXAM_A)), exact(rng.choice(EXAM_B))
    else:
        a, b = rng.decimals(-3, 3, places=1, nonzero=True), rng.decimals(-2, 2, places=1)
    return {"question": options["question"], "a": a, "b": b}


def validate(p):
    if p["a"] == 0:
        raise ValueError("the scale a must not be 0 (g(0·ξ) is a constant)")


def solve(p):
    variables, functions = ALLOWED[p["question"]]
    return {**identities.identity(p["question"], p["a"], p["b"]),
            "allowed": {"expr": {"variables": variables, "functions": functions}}}


def mistake_sigma_for_derivative(p, s):
    wrong = identities.with_sigma_prime_as_sigma(p["question"], s["a"], s["b"])
    return None if wrong is None else {"expr": wrong}


def mistake_other_derivative_formula(p, s):
    a, h = s["a"], identities.h
    if p["question"] == "sigmoid-derivative-h":
        return {"expr": a * (1 - h ** 2)}
    if p["question"] == "tanh-derivative-h":
        return {"expr": a * h * (1 - h)}
    return None


def mistake_missing_inner_factor(p, s):
    wrong = identities.without_inner_factor(p["question"], s["a"], s["b"])
    return None if wrong is None else {"expr": wrong}


def mistake_missing_chain_factor(p, s):
    if p["question"] not in DERIVATIVES or s["a"] == 1:
        return None
    return {"expr": identities.without_chain_factor(p["question"], p["a"], p["b"])}
