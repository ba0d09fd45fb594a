"""Exams: specs, versions, and the files `examgen generate` writes.

A spec (YAML) names the problems with their points and fixed options; a seed picks the
numbers. Every instance's seed is derived from (spec, version seed, position, problem id)
with SHA-256, so the same spec and seed give byte-identical files in any process.
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import bank
from .errors import ExamgenError
from .sampling import PROFILES, derive_seed

SPEC_KEYS = {"title", "course", "date", "instructions", "seed", "profile", "problems", "carry_forward"}
PROBLEM_KEYS = {"id", "points", "profile", "parts"}
MAX_VERSIONS = 10_000


@dataclass(frozen=True)
class ProblemSpec:
    id: str
    points: float
    options: dict
    profile: str
    parts: tuple = ()    # the answer parts asked for, in the problem's order; () = every part


@dataclass(frozen=True)
class Spec:
    title: str
    course: str
    date: str
    instructions: str
    seed: int
    profile: str
    problems: tuple
    digest: str = field(default="", compare=False)
    carry_forward: float = 1.0   # share of a part's points earned when carried forward (0: off)


def default_spec_path() -> Path:
    return Path(__file__).with_name("default_spec.yaml")


def default_spec_text() -> str:
    return default_spec_path().read_text(encoding="utf-8")


MAX_SPEC_BYTES = 1_000_000    # an exam spec is a few kB
MAX_SPEC_DEPTH = 20           # nesting of a spec (problems → options → lists)
MAX_ROSTER_BYTES = 10_000_000  # a CSV of tens of thousands of students
MAX_SPEC_TEXT = 2000          # characters of a title, course or date
MAX_INSTRUCTIONS = 20_000     # characters of the instructions


def load_spec(path: str | Path | None = None) -> Spec:
    """Read and validate a spec file (the default spec when path is None).

    Read as untrusted input (safeio): a regular file of at most MAX_SPEC_BYTES, YAML without
    aliases, anchors or custom tags, nested at most MAX_SPEC_DEPTH deep, numbers read by
    YAML 1.2's rules (`1e3` is a number, `011` is eleven, a date stays text).
    """
    from . import safeio

    name = str(path) if path else "default spec"

    class SpecError(ExamgenError):
        pass

    try:
        text = safeio.read_text(path, MAX_SPEC_BYTES, "spec (YAML)", SpecError) if path else default_spec_text()
        raw = safeio.parse_yaml(text, MAX_SPEC_DEPTH, SpecError, "a spec", loader=safeio.StrictLoader)
    except SpecError as e:
        raise ExamgenError(f"spec {name}: {e}") from None
    return parse_spec(raw, name)


def parse_spec(raw, name: str = "spec") -> Spec:
    """A Spec from already-parsed YAML, with one clear error for anything wrong."""
    def bad(msg):
        return ExamgenError(f"spec {name}: {msg}")

    if not isinstance(raw, dict):
        raise bad("must be a mapping with title, problems, ...")
    unknown = set(raw) - SPEC_KEYS
    if unknown:
        raise bad(f"unknown field {sorted(unknown)[0]!r} (fields: {', '.join(sorted(SPEC_KEYS))})")
    problems = raw.get("problems")
    if not isinstance(problems, list) or not problems:
        raise bad("needs a non-empty list `problems`")
    profile = raw.get("profile", "exam")
    if profile not in PROFILES:
        raise bad(f"profile must be exam or drill, not {profile!r}")
    seed = raw.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise bad(f"seed must be a non-negative integer, not {seed!r}")
    carry = raw.get("carry_forward", 1.0)
    if isinstance(carry, bool) or not isinstance(carry, (int, float)) or not 0 <= carry <= 1:
        raise bad(f"carry_forward must be a share from 0 (off) to 1 (full points), not {carry!r}")
    texts = {}
    for key in ("title", "course", "date", "instructions"):
        v = raw.get(key, "")
        if v is None:
            v = ""
        if isinstance(v, bool) or not isinstance(v, (str, int, float)):
            raise bad(f"{key} must be text")
        texts[key] = str(v).strip()
        if len(texts[key]) > (MAX_INSTRUCTIONS if key == "instructions" else MAX_SPEC_TEXT):
            raise bad(f"{key} is too long (at most {MAX_INSTRUCTIONS if key == 'instructions' else MAX_SPEC_TEXT} "
                      "characters)")
    items = []
    for n, p in enumerate(problems, 1):
        if isinstance(p, str):
            p = {"id": p}
        if not isinstance(p, dict) or "id" not in p:
            raise bad(f"problem {n} must be a mapping with an id")
        try:
            problem = bank.get(str(p["id"]))
        except ExamgenError as e:
            raise bad(f"problem {n}: {e}") from None
        points = p.get("points", 10)
        if isinstance(points, bool) or not isinstance(points, (int, float)) or not 0 < points <= 1000:
            raise bad(f"problem {n} ({problem.id}): points must be a positive number")
        p_profile = p.get("profile", profile)
        if p_profile not in PROFILES:
            raise bad(f"problem {n} ({problem.id}): profile must be exam or drill")
        parts = _asked_parts(problem, p.get("parts"), bad, n)
        options = {k: v for k, v in p.items() if k not in PROBLEM_KEYS}
        from .instance import check_options

        try:
            check_options(problem, options)
        except ExamgenError as e:
            raise bad(f"problem {n}: {e}") from None
        items.append(ProblemSpec(problem.id, points, options, p_profile, parts))
    spec = Spec(texts["title"] or "Practice exam", texts["course"], texts["date"],
                texts["instructions"], seed, profile, tuple(items), carry_forward=float(carry))
    canonical = json.dumps([spec.title, spec.course, spec.date, spec.instructions, spec.profile,
                            [[q.id, q.points, sorted(q.options.items()), q.profile]
                             + ([list(q.parts)] if q.parts else []) for q in items]]
                           + ([spec.carry_forward] if spec.carry_forward != 1 else []))
    return Spec(**{**spec.__dict__, "digest": derive_seed(canonical).to_bytes(8, "big").hex()})


def _asked_parts(problem, raw, bad, n) -> tuple:
    """A spec's `parts: [dL_dW1, dL_db1]`, checked against the problem's parts; () = all."""
    if raw is None:
        return ()
    names = list(problem.parts)
    if not isinstance(raw, list) or not raw or not all(isinstance(x, str) for x in raw):
        raise bad(f"problem {n} ({problem.id}): parts must be a list of part names ({', '.join(names)})")
    unknown = [x for x in raw if x not in problem.parts]
    if unknown:
        raise bad(f"problem {n} ({problem.id}): no part {unknown[0]!r} (parts: {', '.join(names)})")
    if len(set(raw)) != len(raw):
        raise bad(f"problem {n} ({problem.id}): parts names a part twice")
    asked = tuple(x for x in names if x in raw)
    return () if len(asked) == len(names) else asked


# --- versions ---------------------------------------------------------------------------------
@dataclass
class Version:
    exam_id: str
    seed: int
    spec: Spec
    student: str | None
    folder: str                  # sub-folder name when there are several versions
    problems: list               # [(number, points, Instance)]


def exam_id(spec: Spec, seed: int) -> str:
    """Short, typeable version id: E<seed>-<hash of spec, seed and bank>."""
    h = derive_seed(spec.digest, seed, bank.bank_version()).to_bytes(8, "big").hex()[:6]
    return f"E{seed}-{h}"


def build_version(spec: Spec, seed: int, student: str | None = None, folder: str = "") -> Version:
    """Sample and solve every problem of the spec for one seed."""
    problems = []
    for number, q in enumerate(spec.problems, 1):
        inst_seed = derive_seed("problem", spec.digest, seed, number, q.id) % 2**31
        inst = bank.get(q.id).sample(inst_seed, q.profile, q.options)
        inst.asked = q.parts
        problems.append((number, q.points, inst))
    return Version(exam_id(spec, seed), seed, spec, student, folder, problems)


def version_seeds(base_seed: int, count: int) -> list[int]:
    """`count` distinct seeds derived from the base seed (the first is the base seed itself)."""
    if not 1 <= count <= MAX_VERSIONS:
        raise ExamgenError(f"--versions must be from 1 to {MAX_VERSIONS}")
    seeds, k = [base_seed], 1
    while len(seeds) < count:
        s = derive_seed("version", base_seed, k) % 10**9
        if s not in seeds:
            seeds.append(s)
        k += 1
    return seeds


def read_roster(path: str | Path) -> list[str]:
    """Student names from a CSV roster: the `name` (or `student`) column, else the first."""
    from . import safeio

    class RosterError(ExamgenError):
        pass

    try:
        text = safeio.read_text(path, MAX_ROSTER_BYTES, "roster (CSV)", RosterError)
        rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    except RosterError as e:
        raise ExamgenError(f"cannot read roster {path}: {e}") from None
    except csv.Error as e:   # e.g. a field larger than csv's limit
        raise ExamgenError(f"roster {path} is not a readable CSV: {e}") from None
    if not rows:
        raise ExamgenError(f"roster {path} is empty")
    header = [c.strip().lower() for c in rows[0]]
    col = next((header.index(k) for k in ("name", "student") if k in header), None)
    body = rows[1:] if col is not None else rows
    names = [r[col or 0].strip() for r in body if len(r) > (col or 0) and r[col or 0].strip()]
    if not names:
        raise ExamgenError(f"roster {path} lists no students")
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ExamgenError(f"roster {path} lists {dupes[0]!r} twice")
    return names


def slug(name: str) -> str:
    s = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()
    return s or "student"


def roster_versions(spec: Spec, base_seed: int, names: list[str]) -> list[tuple[int, str, str]]:
    """(seed, student, folder) per student: seeds derived from the base seed and the name."""
    out, used_seeds, used_folders = [], set(), set()
    for name in names:
        k, s = 0, derive_seed("student", base_seed, name) % 10**9
        while s in used_seeds:
            k += 1
            s = derive_seed("student", base_seed, name, k) % 10**9
        folder, j = slug(name), 2
        while folder in used_folders:
            folder, j = f"{slug(name)}-{j}", j + 1
        used_seeds.add(s)
        used_folders.add(folder)
        out.append((s, name, folder))
    return out


@lru_cache(maxsize=None)
def templates_dir() -> Path:
    here = Path(__file__).resolve().parent
    src = here.parent / "templates"
    return src if (src / "exam.md.j2").is_file() else here / "templates"
