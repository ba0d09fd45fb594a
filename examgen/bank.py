"""The problem bank: one folder per problem under `problem_bank/`, loaded into `Problem`s.

A folder `problem_bank/<id>/` holds
  problem.yaml   title, topic, parameters, answer parts (kind, shape, tolerance), mistakes, and
                 optionally `after`: the problems it builds on (course order, below)
  problem.py     draw(rng, options) -> params; solve(params) -> values; mistake_<name>(params, values)
  prompt.md      the question (Markdown + LaTeX math, Jinja with << >> and <% %>)
  solution.md    the worked solution, from the values solve() returns
Metadata is read without importing NumPy or SymPy, so `examgen list` stays fast.

Course order (`course_order`, a worksheet's order): topics as TOPICS lists them, and within a
topic each problem after the problems it builds on (its `after`, and theirs), by id otherwise.
`after` is checked when the bank loads: every id a problem of the bank, of the same topic or an
earlier one, and no cycle.
"""
from __future__ import annotations

import hashlib
import heapq
import importlib.util
import sys
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from .errors import ExamgenError, did_you_mean, json_type

TOPICS = {   # in the course's order
    "nn": "Neural networks & back-propagation",
    "cnn": "CNN & Faster R-CNN",
    "rnn": "Partial derivatives & RNN",
    "lstm": "LSTM",
}
TOPIC_RANK = {t: i for i, t in enumerate(TOPICS)}   # a topic's place in the course
PART_KINDS = ("scalar", "vector", "matrix", "expression", "choice")
DEFAULT_RTOL = 0.01   # relative tolerance of a numeric answer part (1%)
DEFAULT_ATOL = 0.005  # absolute tolerance, for answers near 0


def bank_dir() -> Path:
    """The problem bank shipped with the package (a source checkout's own in development)."""
    here = Path(__file__).resolve().parent
    src = here.parent / "problem_bank"
    if src.is_dir():
        return src
    return here / "problem_bank"


@dataclass(frozen=True)
class Param:
    name: str
    kind: str                 # number | int | choice | graph | text
    shape: tuple | None = None  # symbols or ints; None = any; () = scalar
    choices: tuple = ()
    doc: str = ""
    fill: dict = field(default_factory=dict)  # {profile: values drawn when a spec leaves the option unset}
    default: object = None    # the value of a parameter the user may leave out (None: required)


@dataclass(frozen=True)
class Part:
    name: str
    kind: str                 # scalar | vector | matrix | expression | choice (or None: by value)
    shape: str = ""           # as documented, e.g. "n × K"; the instance's value fixes it
    rtol: float = DEFAULT_RTOL
    atol: float = DEFAULT_ATOL
    doc: str = ""
    variables: tuple = ()     # for expression parts: the names a student may use
    carry_from: tuple = ()    # error carried forward: the parts this one is computed from
    carry_or_from: tuple = ()  # ... or, by a second route, from these (an expression and its value)
    sparse: bool = False      # zeros by structure (a max-pool gradient): partial credit counts the rest


@dataclass(frozen=True)
class Mistake:
    name: str
    message: str              # what the student did, in their terms
    parts: tuple


@dataclass
class Problem:
    id: str
    title: str
    topic: str
    folder: Path
    summary: str
    params: dict
    parts: dict
    mistakes: tuple
    options: tuple            # parameters an exam spec may fix (e.g. activation: tanh)
    after: tuple = ()         # the problems this one builds on, as problem.yaml's `after` names them
    builds_on: frozenset = field(repr=False, compare=False, default=frozenset())  # those, and theirs (load_bank)

    @cached_property
    def source_hash(self) -> str:
        """sha256 of the folder's problem files (bank_version): read on first use, since listing,
        showing or grading a problem needs none of it (about 3 ms for the whole bank)."""
        h = hashlib.sha256()
        for f in sorted(self.folder.iterdir()):
            if f.is_file() and f.suffix in (".yaml", ".py", ".md"):
                h.update(f.name.encode() + b"\0" + f.read_bytes())
        return h.hexdigest()

    @cached_property
    def module(self):
        """problem.py, imported on first use."""
        path = self.folder / "problem.py"
        name = "examgen._bank." + self.id.replace("-", "_")
        spec = importlib.util.spec_from_file_location(name, path)
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod
        spec.loader.exec_module(mod)
        return mod

    def choices(self, option: str) -> tuple:
        """The values problem.yaml allows for an option (() when it lists none)."""
        return self.params[option].choices if option in self.params else ()

    def check_options(self, options) -> dict:
        """Options an exam spec fixes (e.g. activation: tanh), each validated against problem.yaml's
        `choices` (value and type: `pool: true` is not `pool: 1`); one clear line when one is not."""
        if not isinstance(options, dict):
            raise ExamgenError(f"{self.id}: options must be a mapping (name: value), not {json_type(options)}")
        for key, value in options.items():
            if key not in self.options:
                allowed = ", ".join(self.options) or "none"
                raise ExamgenError(f"{self.id}: unknown option {key!r} (options: {allowed})")
            choices = self.choices(key)
            if choices and not any(type(value) is type(c) and value == c for c in choices):
                raise ExamgenError(f"{self.id}: option {key} must be one of {', '.join(map(str, choices))}, "
                                   f"not {value!r}")
        return dict(options)

    @property
    def symbolic(self) -> bool:
        """Whether an answer is an expression: the problem's engine is SymPy (its import is most
        of the Python time of one exam), so `generate` builds it in a second process (second_core)."""
        return any(part.kind == "expression" for part in self.parts.values())

    @cached_property
    def prompt_template(self) -> str:
        return (self.folder / "prompt.md").read_text(encoding="utf-8")

    @cached_property
    def solution_template(self) -> str:
        return (self.folder / "solution.md").read_text(encoding="utf-8")

    @cached_property
    def messages(self) -> dict:
        """{mistake name: its message}, problem.yaml's words (templates see them as `mistakes`)."""
        return {m.name: m.message for m in self.mistakes}

    def mistake_function(self, m: Mistake):
        return getattr(self.module, "mistake_" + m.name.replace("-", "_"))

    def carry_function(self, part: str):
        """problem.py's carry_<part>(params, given): the part recomputed from a student's own
        earlier answers (error carried forward), or None when the part declares no `from`."""
        if not (self.parts[part].carry_from or self.parts[part].carry_or_from):
            return None
        return getattr(self.module, "carry_" + part)

    # The instance API lives in examgen.instance; these are conveniences.
    def sample(self, seed: int = 0, profile: str = "exam", options: dict | None = None):
        from .instance import sample

        return sample(self, seed, profile, options or {})

    def from_params(self, raw: dict):
        from .instance import from_params

        return from_params(self, raw)


def _shape(spec):
    if spec is None or spec == "any":
        return None
    if isinstance(spec, (list, tuple)):
        return tuple(spec)
    raise ValueError(f"shape must be a list, got {spec!r}")


def _carry_from(pid: str, part: str, names, all_parts) -> tuple:
    """A part's `from:` (or `or_from:`) list: other parts of the problem (the part itself too, for a
    sequence worked step by step, as an LSTM's gates at step t come from the student's h[t−1])."""
    if names is None:
        return ()
    names = (names,) if isinstance(names, str) else tuple(names)
    unknown = [n for n in names if n not in all_parts]
    if not names or unknown:
        raise ValueError(f"{pid}: part {part}: `from` must name parts of the problem, not {unknown or 'nothing'}")
    return names


def _sparse(pid: str, part: str, spec: dict) -> bool:
    """A part's `sparse:` (true where its zeros are structural: see compare.counted_entries)."""
    v = spec.get("sparse", False)
    if not isinstance(v, bool):
        raise ValueError(f"{pid}: part {part}: `sparse` must be true or false")
    return v


def _after(pid: str, names) -> tuple:
    """problem.yaml's `after:` (one id or a list): the problems this one builds on."""
    if names is None:
        return ()
    names = [names] if isinstance(names, str) else names
    if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
        raise ValueError(f"{pid}: `after` must list problem ids (the problems this one builds on), not {names!r}")
    if pid in names:
        raise ValueError(f"{pid}: `after` names the problem itself")
    return tuple(dict.fromkeys(names))


def _parse_yaml(text: str):
    import yaml

    from .yamlio import SafeLoader  # PyYAML's safe loader (libyaml's when there): the bank's own files

    return yaml.load(text, Loader=SafeLoader)  # noqa: S506


def _load(folder: Path) -> Problem:
    from .safeio import remembered

    raw = remembered("problem.yaml", (folder / "problem.yaml").read_text(encoding="utf-8"), _parse_yaml)
    pid = raw["id"]
    if pid != folder.name:
        raise ValueError(f"{folder}: id {pid!r} differs from the folder name")
    if raw["topic"] not in TOPICS:
        raise ValueError(f"{pid}: unknown topic {raw['topic']!r}")
    params = {}
    for name, p in (raw.get("params") or {}).items():
        choices = tuple(p.get("choices", ()))
        fill = {profile: tuple(v) for profile, v in (p.get("fill") or {}).items()}
        if any(v not in choices for values in fill.values() for v in values):
            raise ValueError(f"{pid}: parameter {name}: fill values must be among its choices")
        params[name] = Param(name, p.get("kind", "number"), _shape(p.get("shape")), choices,
                             p.get("doc", ""), fill, p.get("default"))
    parts = {}
    for name, a in raw["answers"].items():
        kind = a.get("kind")
        if kind is not None and kind not in PART_KINDS:
            raise ValueError(f"{pid}: part {name}: unknown kind {kind!r}")
        parts[name] = Part(name, kind, str(a.get("shape", "")), float(a.get("rtol", DEFAULT_RTOL)),
                           float(a.get("atol", DEFAULT_ATOL)), a.get("doc", ""),
                           tuple(a.get("variables", ())), _carry_from(pid, name, a.get("from"), raw["answers"]),
                           _carry_from(pid, name, a.get("or_from"), raw["answers"]), _sparse(pid, name, a))
    for name in raw.get("options", ()):
        if name not in params or not params[name].choices:
            raise ValueError(f"{pid}: option {name} must be a parameter with `choices` (the values a spec may give)")
    mistakes = tuple(Mistake(m["name"], m["message"].strip(), tuple(m["parts"]))
                     for m in raw.get("mistakes") or ())
    for m in mistakes:
        unknown = set(m.parts) - set(parts)
        if unknown:
            raise ValueError(f"{pid}: mistake {m.name} names unknown parts {sorted(unknown)}")
    return Problem(pid, raw["title"], raw["topic"], folder, raw.get("summary", "").strip(),
                   params, parts, mistakes, tuple(raw.get("options", ())),
                   _after(pid, raw.get("after")))


@lru_cache(maxsize=None)
def load_bank(root: str | None = None) -> dict[str, Problem]:
    """Every problem of the bank, sorted by id (so every listing is in a stable order)."""
    base = Path(root) if root else bank_dir()
    folders = sorted(p for p in base.iterdir() if (p / "problem.yaml").is_file())
    problems = {}
    for folder in folders:
        try:
            p = _load(folder)
        except Exception as e:  # a broken folder is named, not a traceback
            raise ExamgenError(f"problem bank: {folder.name}/problem.yaml: {e}".splitlines()[0]) from None
        problems[p.id] = p
    _link_after(problems)
    return problems


def _link_after(problems: dict[str, Problem]) -> None:
    """Check every problem's `after` (known ids, of its topic or an earlier one, no cycle) and
    set its `builds_on`: the problems it names, and the ones they build on, all the way down."""
    for p in problems.values():
        for a in p.after:
            where = f"problem bank: {p.id}/problem.yaml: after"
            if a not in problems:
                raise ExamgenError(f"{where}: unknown problem {a!r}{did_you_mean(a, problems, n=3, cutoff=0.5)}")
            if TOPIC_RANK[problems[a].topic] > TOPIC_RANK[p.topic]:
                raise ExamgenError(f"{where}: {a} is a {problems[a].topic} problem, and {p.topic} comes before "
                                   f"{problems[a].topic} in the course ({', '.join(TOPICS)})")
    done: dict[str, frozenset] = {}

    def below(pid: str, path: tuple) -> frozenset:
        if pid in path:
            cycle = " → ".join(path[path.index(pid):] + (pid,))
            raise ExamgenError(f"problem bank: {pid}/problem.yaml: after: a cycle, {cycle}; a problem cannot "
                               "come after itself")
        if pid not in done:
            done[pid] = frozenset(a for n in problems[pid].after for a in (n, *below(n, path + (pid,))))
        return done[pid]

    for p in problems.values():
        p.builds_on = below(p.id, ())


def named(names) -> list[Problem]:
    """The problems `names` names, in its order: a problem id is that problem, a topic every problem
    of it in course order (course_order). Every name must be an id or a topic (the caller checks)."""
    problems = load_bank()
    return [q for n in names for q in ([problems[n]] if n in problems
                                       else course_order(q for q in problems.values() if q.topic == n))]


def course_order(problems) -> list[Problem]:
    """`problems` in the course's order: topics as TOPICS lists them; within a topic each problem
    after those among `problems` it builds on (problem.yaml's `after`, followed through problems
    left out), by id otherwise. A stable topological order: the same list for the same problems."""
    chosen = {p.id: p for p in problems}
    waiting = {pid: {a for a in p.builds_on if a in chosen} for pid, p in chosen.items()}
    ready = [(TOPIC_RANK[p.topic], pid) for pid, p in chosen.items() if not waiting[pid]]
    heapq.heapify(ready)
    out = []
    while ready:
        _, pid = heapq.heappop(ready)
        out.append(chosen[pid])
        for other, needs in waiting.items():
            if pid in needs:
                needs.discard(pid)
                if not needs:
                    heapq.heappush(ready, (TOPIC_RANK[chosen[other].topic], other))
    return out


def get(pid: str) -> Problem:
    """The problem `pid`, or an error that suggests the closest ids."""
    bank = load_bank()
    if pid in bank:
        return bank[pid]
    hint = did_you_mean(pid, bank, n=3, cutoff=0.5) or "; `examgen list` shows them all"
    raise ExamgenError(f"unknown problem id {pid!r}{hint}")


@lru_cache(maxsize=None)
def bank_version() -> str:
    """Short hash of the whole bank: keys record it so a change of the bank is visible."""
    from . import __version__

    h = hashlib.sha256(__version__.encode())
    for p in load_bank().values():
        h.update(p.id.encode() + p.source_hash.encode())
    return f"{__version__}+{h.hexdigest()[:10]}"
