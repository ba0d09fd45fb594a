"""Problem instances: sampled from a seed, or built from user-given parameters, then solved."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from . import formatting as fmt
from .compare import all_close, describe_shape, leaves
from .engine import ops
from .errors import ExamgenError, json_type
from .sampling import PROFILES, Draw, bound_violation, exact

if TYPE_CHECKING:  # annotations only: bank imports instance, never the reverse (no cycle)
    from .bank import Problem

MAX_PARAM_ENTRIES = 10_000  # entries in one user-given parameter


@dataclass
class Instance:
    problem: Problem
    params: dict
    values: dict                 # everything solve() returned: answers and intermediates
    seed: int | None = None
    profile: str | None = None
    options: dict = field(default_factory=dict)
    asked: tuple = ()            # the parts an exam asks for (a spec's `parts`); () = every part
    _wrong: dict = field(default_factory=dict, repr=False, compare=False)  # mistake name -> its answers
    _parts: tuple = field(default=(None, None), repr=False, compare=False)  # (asked, its parts), see `parts`

    def wrong_answers(self, m) -> dict | None:
        """What the mistake `m` answers on this instance (None where it does not apply),
        computed once: the acceptance check and the key both ask."""
        if m.name not in self._wrong:
            self._wrong[m.name] = self.problem.mistake_function(m)(self.params, self.values)
        return self._wrong[m.name]

    @property
    def id(self) -> str:
        return self.problem.id

    @property
    def parts(self) -> list[str]:
        """The answer parts asked for, in the order problem.yaml declares them (made once per
        `asked`: the build and the documents ask a hundred times a version; not to be mutated)."""
        asked, parts = self._parts
        if parts is None or asked != self.asked:
            parts = [p for p in self.problem.parts if not self.asked or p in self.asked]
            self._parts = (self.asked, parts)
        return parts

    @property
    def answers(self) -> dict:
        """{part: value} of the parts asked for, in the order problem.yaml declares them."""
        return {name: self.values[name] for name in self.parts}

    @property
    def exact(self) -> bool:
        return all(ops.is_exact(v) or isinstance(v, str) for v in self.answers.values())

    def kind(self, part: str) -> str:
        """The part's kind, from problem.yaml or else from the value's rank."""
        declared = self.problem.parts[part].kind
        if declared:
            return declared
        return ("scalar", "vector", "matrix")[min(len(_shape(self.values[part])), 2)]

    def allowed(self, part: str) -> tuple[list, list | None]:
        """(variables, functions) a student may use in an expression part; None = any function.

        problem.yaml declares the variables; solve() may narrow them per instance by returning
        {"allowed": {part: {"variables": [...], "functions": [...]}}} (e.g. "in terms of h only").
        """
        spec = self.problem.parts[part]
        narrowed = (self.values.get("allowed") or {}).get(part, {})
        return list(narrowed.get("variables", spec.variables)), narrowed.get("functions")

    def choices(self, part: str) -> list | None:
        """The answers a choice part accepts (solve() may name them, e.g. the letters shown), or None."""
        return (self.values.get("allowed") or {}).get(part, {}).get("choices")

    def shape(self, part: str) -> list:
        return list(_shape(self.values[part])) if self.kind(part) not in ("expression", "choice") else []

    def shapes(self) -> dict:
        """{part: shape} of every answer part (what an answer sheet lays out)."""
        return {p: self.shape(p) for p in self.problem.parts}

    def mistakes(self) -> list[dict]:
        """The wrong answers each known mistake gives on this instance (where it applies)."""
        out = []
        for m in self.problem.mistakes:
            parts = [p for p in m.parts if p in self.parts]
            if not parts:
                continue  # a mistake that shows only in parts the exam does not ask for
            wrong = self.wrong_answers(m)
            if wrong is None:
                continue
            out.append({"name": m.name, "message": m.message, "answers": {p: wrong[p] for p in parts}})
        return out

    def params_json(self) -> dict:
        return {k: _json_param(v, fmt.to_json) for k, v in self.params.items()}

    def params_exact_json(self) -> dict:
        return {k: _json_param(v, fmt.to_exact_json) for k, v in self.params.items()}

    def answers_json(self) -> dict:
        return {k: _json_answer(self, k, fmt.to_json) for k in self.parts}

    def answers_exact_json(self) -> dict:
        return {k: _json_answer(self, k, fmt.to_exact_json) for k in self.parts}


def _shape(v) -> tuple:
    """np.shape(v), an array's own shape read without NumPy's call (~2 µs; ~70 calls a version)."""
    return v.shape if type(v) is np.ndarray else np.shape(v)


def _json_param(v, convert):
    if isinstance(v, (str, int)) and not isinstance(v, bool):
        return v
    if isinstance(v, dict):
        return {k: _json_param(x, convert) for k, x in v.items()}
    return convert(v)


def _json_answer(inst: Instance, part: str, convert):
    v = inst.values[part]
    if inst.kind(part) == "expression":
        return fmt.text(v)
    return convert(v)


# --- sampling: the one place that decides whether a draw is acceptable -----------------------
DRAW_BUDGET = 300  # candidate draws per instance before giving up with a clear error


def fill_options(problem: Problem, draw: Draw, given: dict) -> dict:
    """Every option: the spec's value, else one drawn from the profile's list in problem.yaml
    (`fill: {exam: [...]}`, default its `choices`); None where that list is empty (the problem's
    draw() chooses, e.g. a loss that suits the drawn output)."""
    out = {}
    for name in problem.options:
        if name in given:
            out[name] = given[name]
            continue
        spec = problem.params.get(name)
        pool = spec.fill.get(draw.profile, spec.choices) if spec else ()
        out[name] = draw.choice(pool) if pool else None
    return out


def sample(problem: Problem, seed: int, profile: str = "exam", options: dict | None = None) -> Instance:
    """The instance of `problem` for (seed, profile, options): the same every time."""
    if profile not in PROFILES:
        raise ExamgenError(f"unknown profile {profile!r}; expected exam or drill")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ExamgenError(f"seed must be a non-negative integer, not {seed!r}")
    options = problem.check_options(options or {})
    rng = Draw.for_instance(problem.id, profile, seed)
    inst = draw_instance(problem, rng, options, seed)
    inst.seed, inst.profile, inst.options = seed, profile, options
    return inst


def draw_instance(problem: Problem, rng: Draw, options: dict, seed=None, budget: int = DRAW_BUDGET) -> Instance:
    """Candidate draws until one is acceptable (see `rejection`), at most `budget` of them."""
    why = None
    for _ in range(budget):
        inst, why = candidate(problem, rng, options)
        if inst is not None:
            return inst
    shown = ", ".join(f"{k}={v}" for k, v in options.items())
    raise ExamgenError(f"{problem.id}: no acceptable {rng.profile} instance in {budget} draws "
                       f"(seed {seed}{', ' + shown if shown else ''}); the last was rejected because {why}")


def candidate(problem: Problem, rng: Draw, options: dict) -> tuple[Instance | None, str | None]:
    """One draw: (the instance, None) when acceptable, else (None, why it was rejected)."""
    module = problem.module
    try:
        params = module.draw(rng, fill_options(problem, rng, options))
        if hasattr(module, "validate"):
            module.validate(params)
        inst = solve(problem, params)
    except (ValueError, ArithmeticError, ExamgenError) as e:
        return None, str(e)
    why = rejection(inst, rng.exam)
    return (None, why) if why else (inst, None)


def rejection(inst: Instance, exam: bool) -> str | None:
    """Why an instance is not acceptable, or None: every declared mistake that applies must
    differ from the right answer on each of its parts at that part's own tolerance (the
    grader's rule, `compare.all_close`), and an exam instance must be calculator-free."""
    for m in inst.problem.mistakes:
        wrong = inst.wrong_answers(m)
        if wrong is None:
            continue
        for part in m.parts:
            if not _differs(inst, part, wrong[part]):
                return f"the mistake {m.name} gives the right {part}"
    if exam:
        why = bound_violation(inst.params) or bound_violation(inst.values)
        if why:
            return f"not calculator-free: {why}"
    return None


def _differs(inst: Instance, part: str, wrong) -> bool:
    """True when a wrong answer to `part` is outside the part's tolerance of the right one."""
    right, kind = inst.values[part], inst.kind(part)
    if kind == "choice" or isinstance(right, str):
        return str(wrong).strip().lower() != str(right).strip().lower()
    if kind == "expression":
        return _expressions_differ(wrong, right)
    spec = inst.problem.parts[part]
    return not all_close(wrong, right, spec.rtol, spec.atol)


@lru_cache(maxsize=4096)
def _expressions_differ(a, b) -> bool:
    """Two SymPy expressions differ at some of a few fixed points of their variables: by more
    than 1e-9, evaluated with SymPy. Complex floats prove most differences first (far beyond
    their rounding), so SymPy evaluates only the pairs that may be equal. Remembered: the same
    pairs come back in instance after instance, and equal expressions have equal values."""
    import sympy as sp

    free = sorted((getattr(a, "free_symbols", set()) | getattr(b, "free_symbols", set())), key=str)
    points = [{s: sp.Rational(2 * k + 3 + 5 * i, 10 + k + 7 * i) for i, s in enumerate(free)}
              for k in range(3)]  # a different value for each variable, inside (0, 1) (h is a sigmoid output)
    for point in points:
        try:
            x, y = _complex_value(a, point), _complex_value(b, point)
        except (ArithmeticError, KeyError, TypeError, ValueError):
            break  # not a plain expression (or undefined in floats): SymPy decides
        if abs(x - y) > 1e-6 * (1 + abs(x) + abs(y)):
            return True
    for point in points:
        try:
            d = sp.sympify(a).xreplace(point) - sp.sympify(b).xreplace(point)
            d = complex(d if d.is_Rational else sp.N(d))  # a polynomial's difference is a fraction already
        except (TypeError, ValueError):
            return True
        if abs(d) > 1e-9:
            return True
    return False


def _complex_value(e, point: dict) -> complex:
    """A SymPy expression's value at `point` ({symbol: number}) in complex floating point: sums,
    products, powers and the answer syntax's functions (KeyError for any other function)."""
    import sympy as sp

    from .expr import COMPLEX_FUNCTIONS

    def value(e) -> complex:   # (the walk imports nothing: an import per node cost more than the node)
        if not isinstance(e, sp.Basic):
            return complex(e)
        if e.is_Rational:
            return complex(e.p / e.q)
        if e.is_Symbol:
            return value(point[e])
        if not e.args:
            return complex(e)  # e, π
        args = [value(x) for x in e.args]
        if e.is_Add:
            return sum(args)
        if e.is_Mul:
            return math.prod(args)
        if e.is_Pow:
            return args[0] ** args[1]
        return COMPLEX_FUNCTIONS[{"log": "ln"}.get(e.func.__name__, e.func.__name__)](*args)

    return value(e)


def solve(problem: Problem, params: dict) -> Instance:
    """Solve parameters with the engine; every answer part must be finite."""
    values = problem.module.solve(params)
    missing = [p for p in problem.parts if p not in values]
    if missing:
        raise RuntimeError(f"{problem.id}: solve() did not return {missing}")
    for name in problem.parts:
        v = values[name]
        if isinstance(v, str) or (problem.parts[name].kind == "expression"):
            continue
        if not _finite(v):
            raise ExamgenError(f"{problem.id}: the answer {name} is not finite for these parameters")
    return Instance(problem, params, values)


def _finite(v) -> bool:
    """Whether a number or every entry of an array is finite (entry by entry in Python: the
    answers are small, and NumPy's calls cost more than the entries)."""
    if type(v) is np.ndarray:
        return all(map(math.isfinite, ops.float_entries(v)))
    f = ops.to_float(v)
    return math.isfinite(f) if type(f) is float else bool(np.isfinite(f).all())


# --- user-given parameters ------------------------------------------------------------------
def from_params(problem: Problem, raw) -> Instance:
    """Validate a JSON object of parameters (names as in REFERENCE.md) and solve it.

    All-integer (or exact-string, like "ln(3)") numbers are solved exactly; any decimal makes
    the whole instance float.
    """
    pid = problem.id
    if not isinstance(raw, dict):
        raise ExamgenError(f"{pid}: parameters must be a JSON object, not {type(raw).__name__}")
    unknown = sorted(set(raw) - set(problem.params))
    if unknown:
        raise ExamgenError(f"{pid}: unknown parameter {unknown[0]!r} (parameters: {', '.join(problem.params)})")
    raw = {**{n: p.default for n, p in problem.params.items() if p.default is not None and n not in raw}, **raw}
    missing = [n for n in problem.params if n not in raw]
    if missing:
        name, spec = missing[0], problem.params[missing[0]]
        what = f"one of {', '.join(map(str, spec.choices))}" if spec.choices else spec.doc
        raise ExamgenError(f"{pid}: missing parameter {name!r}" + (f" ({what})" if what else "")
                           + f"; its parameters: {', '.join(problem.params)}")
    numeric = {n: raw[n] for n, p in problem.params.items() if p.kind == "number"}
    inst = _solve_given(problem, raw, exact_request(problem, numeric))
    if inst.exact and longest_closed_form(inst) > MAX_CLOSED_FORM:
        inst = _solve_given(problem, raw, False)   # right, but unreadable: worked in decimals
    return inst


# An exact answer entry longer than this (its text, e.g. "-118/27 - 64*ln(2)/81 - 32*ln(3)/27",
# 35 characters, the longest of the exam profile) is no closed form anyone would read: σ of 1/3
# fed through a recurrence nests e^(-1/3) in every later value. Such an instance is worked in
# decimals (the CLI's `solve` says why).
MAX_CLOSED_FORM = 120


def longest_closed_form(inst: Instance) -> int:
    """The length of the longest exact text of an entry of a numeric answer (0 when there is none)."""
    texts = [leaves(v) for k, v in inst.answers_exact_json().items() if inst.kind(k) != "expression"]
    return max((len(str(t)) for entries in texts for t in entries), default=0)


def _solve_given(problem: Problem, raw: dict, use_exact: bool) -> Instance:
    params, dims = {}, {}
    for name, spec in problem.params.items():
        params[name] = _coerce(problem.id, spec, raw[name], use_exact, dims)
    validate = getattr(problem.module, "validate", None)
    try:
        with np.errstate(all="ignore"):   # an overflow is reported as a non-finite answer, in one line
            if validate:
                validate(params)
            return solve(problem, params)
    except ExamgenError:
        raise
    except (ValueError, ZeroDivisionError, ArithmeticError) as e:
        raise ExamgenError(f"{problem.id}: {e}") from None


def exact_request(problem: Problem, raw: dict) -> bool:
    """Whether user-given parameters ask for an exact solution (integers and exact strings only)."""
    return all(_all_exact_leaves(v) for n, v in raw.items() if n in problem.params and problem.params[n].kind == "number")


def _all_exact_leaves(v) -> bool:
    if isinstance(v, list):
        return all(_all_exact_leaves(x) for x in v)
    return (isinstance(v, int) and not isinstance(v, bool)) or isinstance(v, str)


def _coerce(pid, spec, v, use_exact, dims):
    name = spec.name
    if spec.kind == "choice":
        if v not in spec.choices:
            raise ExamgenError(f"{pid}: {name} must be one of {', '.join(spec.choices)}, not {v!r}")
        return v
    if spec.kind == "int":
        if isinstance(v, bool) or not isinstance(v, int) or v < 1 or v > 100:
            raise ExamgenError(f"{pid}: {name} must be a whole number from 1 to 100, not {v!r}")
        return v
    if spec.kind == "text":
        if not isinstance(v, str):
            raise ExamgenError(f"{pid}: {name} must be a string")
        return v
    if spec.kind == "graph":
        if not isinstance(v, (dict, list)):
            raise ExamgenError(f"{pid}: {name} must be a JSON object")
        return v
    # numbers: scalar, vector, matrix or tensor of numbers
    arr = _number_array(pid, name, v, use_exact)
    _check_shape(pid, spec, np.shape(arr), dims)
    return arr[()] if np.ndim(arr) == 0 else arr


def _number_array(pid, name, v, use_exact):
    from .expr import ExpressionError, parse_number

    shape = _nested_shape(pid, name, v)
    if math.prod(shape) > MAX_PARAM_ENTRIES:
        raise ExamgenError(f"{pid}: {name} has more than {MAX_PARAM_ENTRIES} entries")
    flat = list(leaves(v))
    out = np.empty(len(flat), dtype=object if use_exact else float)
    for i, leaf in enumerate(flat):
        if isinstance(leaf, bool) or not isinstance(leaf, (int, float, str)):
            raise ExamgenError(f"{pid}: {name} must hold numbers, found {json_type(leaf)}")
        try:
            x = parse_number(leaf, name) if isinstance(leaf, str) else leaf
        except ExpressionError as e:
            raise ExamgenError(f"{pid}: {e}") from None
        if isinstance(x, float) and not math.isfinite(x):
            raise ExamgenError(f"{pid}: {name} holds a NaN or infinity")
        out[i] = exact(x) if use_exact and not isinstance(x, float) else (float(x) if not use_exact else x)
    return out.reshape(shape)


def _nested_shape(pid, name, v) -> tuple:
    if not isinstance(v, list):
        return ()
    if not v:
        raise ExamgenError(f"{pid}: {name} is an empty list")
    inner = [_nested_shape(pid, name, x) for x in v]
    if any(s != inner[0] for s in inner):
        raise ExamgenError(f"{pid}: {name} is ragged (rows of different lengths)")
    return (len(v),) + inner[0]


def _check_shape(pid, spec, shape, dims):
    if spec.shape is None:
        return
    want = spec.shape
    # in words: "one number", "a list of 4 numbers", "2 × 3"; a shape with names as named ("N × D")
    pretty = describe_shape(want) if all(isinstance(n, int) for n in want) else " × ".join(map(str, want))
    if len(shape) != len(want):
        raise ExamgenError(f"{pid}: {spec.name} must be {pretty}; got {describe_shape(shape)}")
    for sym, n in zip(want, shape):
        if isinstance(sym, int):
            ok = n == sym
        else:
            ok = dims.setdefault(sym, n) == n
        if not ok:
            why = "" if isinstance(sym, int) else f", where {sym} = {dims[sym]} from the parameters before it"
            raise ExamgenError(f"{pid}: {spec.name} must be {pretty}{why}; got {describe_shape(shape)}")
