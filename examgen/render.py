"""Rendering problem instances: the problem's own Jinja templates, filled with its values.

Problem templates (prompt.md, solution.md) and document templates (templates/) share one
delimiter set that does not clash with LaTeX braces or Markdown:
    << value >>    <% block %>    <# comment #>
Math inside them is LaTeX (`$…$`, `$$…$$`), so the same text serves Markdown and LaTeX.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from . import formatting as fmt
from .engine.exact import Exact

DELIMITERS = dict(
    variable_start_string="<<", variable_end_string=">>",
    block_start_string="<%", block_end_string="%>",
    comment_start_string="<#", comment_end_string="#>",
)


def ans(v) -> str:
    """Exact value and, where it tells something, its decimal: `\\frac{1}{3} \\approx 0.3333`."""
    scalar = type(v) is Exact or isinstance(v, str) or _rank(v) == 0
    exact = fmt.latex(v) if scalar else fmt.bmatrix(v)
    if not fmt.needs_decimal(v):
        return exact
    return exact + r" \approx " + fmt.decimal_latex(v)


def _rank(v) -> int:
    """np.ndim(v), an array's read without NumPy's call (~2k instructions; ~90 a version)."""
    return v.ndim if type(v) is np.ndarray else np.ndim(v)


def quotient(numerator, denominator, value) -> str:
    """`\\frac{n}{d} = value` (the value as `ans` writes it), or the value alone when the quotient
    is already written so (6/19 is not followed by = 6/19)."""
    q = r"\frac{%s}{%s}" % (fmt.latex(numerator), fmt.latex(denominator))
    return ans(value) if q == fmt.latex(value) else q + " = " + ans(value)


def row(v) -> str:
    """A vector as a row: [1 2 3]."""
    return fmt.bmatrix(v, column=False)


def slices(a, name: str, sep: str = r",\quad ", show=fmt.bmatrix) -> str:
    """A 3-D or 4-D array as its 2-D slices: `h[:,:,0] = [...]`, one per trailing index."""
    a = np.asarray(a, dtype=object) if not isinstance(a, np.ndarray) else a
    parts = []
    for idx in np.ndindex(*a.shape[2:]):
        label = ",".join([":", ":"] + [str(i) for i in idx])
        parts.append(r"%s[%s] = %s" % (name, label, show(a[(slice(None), slice(None)) + idx])))
    return sep.join(parts)


def seq(a, name: str, start: int = 0) -> str:
    """A sequence as `x[0] = 1,\\ x[1] = 2, …`."""
    return r",\ ".join(r"%s[%d] = %s" % (name, i + start, fmt.latex(v)) for i, v in enumerate(a))


def dims(a) -> str:
    """Shape as `2 \\times 3`."""
    return r" \times ".join(str(n) for n in np.shape(a))


def spoken(parts, what: dict) -> str:
    """The asked parts in words, as a prompt asks for them: `what[part]` of each part in `what`
    (a prompt's names for its parts), joined "A", "A and B", "A, B and C". A prompt writes
    `Find << asked|spoken(what) >>` so that a spec's `parts` subset narrows the question too."""
    said = [what[p] for p in parts if p in what]
    return " and ".join(said) if len(said) < 3 else ", ".join(said[:-1]) + " and " + said[-1]


def indices(count: int, each: str = "{}") -> str:
    """LaTeX of indices 0 … count−1, each formatted by `each` ("h[{}]"): all of them up to three
    ("0, 1" for two, not "0, \\dots, 1"), else the first two, \\dots and the last."""
    shown = list(range(count)) if count <= 3 else [0, 1, None, count - 1]
    return ", ".join(r"\dots" if i is None else each.format(i) for i in shown)


def coef(a, joint: str = r"\,") -> str:
    """LaTeX of a coefficient written before a factor: nothing for 1, a minus sign for −1, else
    the number and `joint` (`<< a|coef >>\\sigma'(u)`, `<< a|coef(" \\cdot ") >>\\frac{…}{…}`)."""
    if a == 1:
        return ""
    if a == -1:
        return "-"
    return fmt.latex(a) + joint


def paren(v) -> str:
    """LaTeX of a factor, in parentheses when it is negative or a sum (`3 \\cdot \\left(-2\\right)`),
    so that a product reads unambiguously. A filter, not a template macro: a macro call costs
    several times more, and the solutions write dozens of factors."""
    tex = fmt.latex(v)
    return r"\left(%s\right)" % tex if _negative_or_sum(v) else tex


def _negative_or_sum(v) -> bool:
    if type(v) is Exact and not v.logs:   # the common case: a rational, never a sum
        return v.r < 0
    return bool(v < 0) or bool(getattr(v, "is_Add", False))


FILTERS = {"tex": fmt.latex, "coef": coef, "paren": paren, "ans": ans, "quotient": quotient, "row": row, "dec": fmt.decimal_latex,
           "slices": slices, "seq": seq, "dims": dims, "text": fmt.text, "spoken": spoken, "indices": indices}


# The names hasattr(dict, name) finds, those of dict and of its type (a miss, which raises and
# catches an AttributeError inside hasattr, is the common case: ~400 lookups a version).
_DICT_ATTRIBUTES = frozenset(n for n in {*dir(dict), *dir(type)} if hasattr(dict, n))


@lru_cache(maxsize=None)
def environment_class():
    """jinja2.Environment, but `x.name` of a dict that has the item `name` (and no attribute so
    called) is looked up as the item first. Jinja tries the attribute first, and the
    AttributeError that each `item.prompt`, `p.W1` of the templates raises costs more than the
    lookup itself; where dict has such an attribute (`p.items`), Jinja's order stands."""
    import jinja2

    class Environment(jinja2.Environment):
        def getattr(self, obj, attribute):
            if type(obj) is dict and attribute in obj and attribute not in _DICT_ATTRIBUTES:
                return obj[attribute]
            return super().getattr(obj, attribute)

    return Environment


@lru_cache(maxsize=None)
def environment():
    """The Jinja environment for problem templates (and the base of the document ones)."""
    import jinja2

    env = environment_class()(**DELIMITERS, undefined=jinja2.StrictUndefined, autoescape=False,
                             keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
                             loader=jinja2.FunctionLoader(_problem_source), bytecode_cache=bytecode_cache())
    env.filters.update(FILTERS)
    env.globals.update(np=np, len=len, range=range, zip=zip, enumerate=enumerate, float=float)
    return env


def _problem_source(name: str):
    """Loader for "<problem id>/prompt" and "<problem id>/solution" (named, so their compiled
    code can be cached on disk like the document templates')."""
    from .bank import get

    problem_id, which = name.rsplit("/", 1)
    p = get(problem_id)
    return p.prompt_template if which == "prompt" else p.solution_template


@lru_cache(maxsize=None)
def _template(problem_id: str, which: str):
    return environment().get_template(f"{problem_id}/{which}")


@lru_cache(maxsize=None)
def bytecode_cache():
    """Jinja's compiled templates in examgen's cache folder (safeio.cache_dir), keyed by each
    template's name and source checksum, so a fresh process skips compiling; None (no cache)
    when the folder cannot be made. A cache that cannot be read or written is ignored, never
    an error."""
    import jinja2

    from .safeio import cache_dir

    class QuietCache(jinja2.FileSystemBytecodeCache):
        def load_bytecode(self, bucket):
            try:
                super().load_bytecode(bucket)
            except Exception:  # unreadable or corrupt: compile as if uncached
                bucket.reset()

        def dump_bytecode(self, bucket):
            try:
                super().dump_bytecode(bucket)
            except OSError:  # read-only or full disk: go on uncached
                pass

    folder = cache_dir(f"jinja-{jinja2.__version__}")
    return None if folder is None else QuietCache(str(folder))


def context(inst) -> dict:
    """Names a problem template sees: every parameter and solved value, plus p, s, profile, and
    `mistakes`, each named mistake's message ({name: message}, problem.yaml's words)."""
    return {**inst.params, **inst.values, "p": inst.params, "s": inst.values,
            "exam": inst.profile == "exam", "profile": inst.profile, "asked": inst.parts,
            "all_asked": len(inst.parts) == len(inst.problem.parts),   # (a prompt words a subset otherwise)
            "mistakes": inst.problem.messages}


def prompt(inst) -> str:
    """The question, as Markdown with LaTeX math."""
    return fill(_template(inst.id, "prompt"), context(inst)).strip() + "\n"


def solution(inst) -> str:
    """The worked solution, as Markdown with LaTeX math."""
    return fill(_template(inst.id, "solution"), context(inst)).strip() + "\n"


def fill(template, names: dict) -> str:
    """template.render(names), less its copies: render copies the names twice and reads the
    template's globals (a ChainMap, a Python call an item) twice into a new context, ~15 µs a
    render and some 25 renders a version. Here the context's parent is one new dict of the
    globals (read once a template) and the names, as render's; Context's `globals` argument only
    lists the globals' names for a template imported as a module."""
    env = template.environment
    ctx = env.context_class(env, {**_globals(template), **names}, template.name, template.blocks)
    try:
        return env.concat(template.root_render_func(ctx))
    except Exception:
        env.handle_exception()   # (raises, its traceback in the template's lines, as render's)


@lru_cache(maxsize=None)
def _globals(template) -> dict:
    return dict(template.globals)


def answers_table(inst) -> str:
    """Every answer part, one paragraph each, as the worked solution shows it: a number inline,
    a vector or matrix displayed, a 3-D or 4-D array channel by channel; its decimals beside it
    in the same layout unless every entry is exact and short (see formatting.needs_decimal)."""
    out = []
    for name in inst.parts:
        v, label = inst.values[name], f"`{name}`"
        kind = inst.kind(name)
        rank = -1 if kind in ("expression", "choice") else _rank(v)   # (asked once a part)
        if kind == "expression":
            out.append(f"{label} $= {fmt.latex(v)}$, typed `{fmt.answer_syntax(fmt.text(v))}`")
        elif kind == "choice":
            out.append(f"{label}: {v}")
        elif rank == 0:
            out.append(f"{label} $= {ans(v)}$")
        elif rank == 1:
            out.append(f"{label}:\n\n$${ans(v)}$$")
        elif rank == 2:
            out.append(f"{label} (${dims(v)}$):\n\n$${ans(v)}$$")
        else:
            channels = slices(v, "", r" \qquad ", ans)
            out.append(f"{label} (${dims(v)}$), channel by channel:\n\n$${channels}$$")
    return "\n\n".join(out) + "\n"


def markdown(inst, with_solution: bool = False, heading: str = "##") -> str:
    """One instance as Markdown: title, prompt and, optionally, worked solution and answers."""
    p = inst.problem
    where = f"seed {inst.seed}, {inst.profile} profile" if inst.seed is not None else "given parameters"
    out = [f"{heading} {p.title}", "", f"*Problem `{p.id}` ({where}).*", "", prompt(inst)]
    if with_solution:
        out += [f"{heading}# Worked solution", "", solution(inst), f"{heading}# Answers", "", answers_table(inst)]
    return "\n".join(out)
