"""Exams: specs, versions, and the files `examgen generate` writes.

A spec (YAML) names the problems with their points and fixed options; a seed picks the
numbers. Every instance's seed is derived from (version seed, position, problem id, options,
profile) with SHA-256, so the same spec and seed give byte-identical files in any process.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path

from . import bank
from .errors import ExamgenError, did_you_mean
from .roster import Student
from .seeds import PROFILES, derive_seed

SPEC_KEYS = {"title", "course", "date", "instructions", "seed", "profile", "problems", "carry_forward"}
PROBLEM_KEYS = {"id", "points", "profile", "parts"}
GRADING_KEYS = {"partial", "rtol", "atol", "full_marks"}  # how a problem is graded: changeable after the exam
# Only when regrading (`examgen grade --spec`): `points: 0` drops a flawed problem (out of every
# total) and `full_marks: true` gives everyone its points; an exam never prints either.
MAX_VERSIONS = 10_000


@dataclass(frozen=True)
class ProblemSpec:
    id: str
    points: float
    options: dict
    profile: str
    parts: tuple = ()    # the answer parts asked for, in the problem's order; () = every part
    grading: dict = field(default_factory=dict)   # {partial: bool, rtol, atol, full_marks}, only those given

    @property
    def dropped(self) -> bool:
        """A problem dropped after the exam (`points: 0` in a spec to regrade with)."""
        return self.points == 0

    @cached_property
    def options_text(self) -> str:
        """Its options as its instances' seeds hash them (written once: every version asks)."""
        return json.dumps(sorted(self.options.items()), default=str)


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

    @cached_property
    def slots(self) -> str:
        """What the numbers of its problems depend on besides the seed (not points or texts),
        as exam ids hash it (written once: every version's id asks)."""
        return json.dumps([[n, q.id, sorted(q.options.items()), q.profile]
                           for n, q in enumerate(self.problems, 1)], default=str)


def default_spec_path() -> Path:
    return Path(__file__).with_name("default_spec.yaml")


def default_spec_text() -> str:
    return default_spec_path().read_text(encoding="utf-8")


MAX_SPEC_BYTES = 1_000_000    # an exam spec is a few kB
MAX_SPEC_DEPTH = 20           # nesting of a spec (problems → options → lists)
MAX_SPEC_TEXT = 2000          # characters of a title, course or date
MAX_INSTRUCTIONS = 20_000     # characters of the instructions


def load_spec(path: str | Path | None = None, profile: str | None = None, problems=None,
              title: str = "", regrade: bool = False) -> Spec:
    """Read and validate a spec file (the default spec when path is None).

    Read as untrusted input (safeio): a regular file of at most MAX_SPEC_BYTES, YAML without
    aliases, anchors or custom tags, nested at most MAX_SPEC_DEPTH deep, numbers read by
    YAML 1.2's rules (`1e3` is a number, `011` is eleven, a date stays text).

    `profile` puts every problem in that profile; `problems` (ids) makes a practice exam of
    those problems instead of the spec's, PRACTICE_POINTS each, titled `title`, with the spec's
    course, instructions and seed (`examgen generate cnn`).
    `regrade`: a spec to grade with (`examgen grade --spec`), which may drop a problem
    (`points: 0`) or give its points to everyone (`full_marks: true`).
    """
    from . import safeio

    name = str(path) if path else "default spec"

    class SpecError(ExamgenError):
        pass

    try:
        text = safeio.read_text(path, MAX_SPEC_BYTES, "spec (YAML)", SpecError, by_hand=True) if path else default_spec_text()
        raw = safeio.remembered("spec", text, lambda t: _parse_spec_yaml(t, SpecError))
    except SpecError as e:
        raise ExamgenError(f"spec {name}: {e}") from None
    if problems is not None and isinstance(raw, dict):
        raw = {**raw, "title": title or "Practice exam",
               "problems": [{"id": pid, "points": PRACTICE_POINTS} for pid in problems]}
    if profile is not None and isinstance(raw, dict) and isinstance(raw.get("problems"), list):
        raw = {**raw, "profile": profile,
               "problems": [{**(p if isinstance(p, dict) else {"id": p}), "profile": profile} for p in raw["problems"]]}
    return parse_spec(raw, name, regrade)


PRACTICE_POINTS = 10   # each problem of a practice exam of named problems


def _parse_spec_yaml(text: str, error):
    from . import yamlio

    return yamlio.parse_yaml(text, MAX_SPEC_DEPTH, error, "a spec", loader=yamlio.StrictLoader)


def parse_spec(raw, name: str = "spec", regrade: bool = False) -> Spec:
    """A Spec from already-parsed YAML, with one clear error for anything wrong (`regrade`: a
    spec to grade with, where `points: 0` drops a problem and `full_marks: true` is allowed)."""
    def bad(msg):
        return ExamgenError(f"spec {name}: {msg}")

    if not isinstance(raw, dict):
        raise bad("must be a mapping with title, problems, ...")
    unknown = set(raw) - SPEC_KEYS
    if unknown:
        word = sorted(unknown)[0]
        raise bad(f"unknown field {word!r}{did_you_mean(word, SPEC_KEYS)} (fields: {', '.join(sorted(SPEC_KEYS))})")
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
        if isinstance(points, bool) or not isinstance(points, (int, float)) or not 0 <= points <= 1000:
            raise bad(f"problem {n} ({problem.id}): points must be a positive number")
        if points == 0 and not regrade:   # an exam must not print a problem worth nothing
            raise bad(f"problem {n} ({problem.id}): points must be a positive number (points: 0 drops a "
                      "problem after the exam: regrade with `examgen grade KEY FILES --spec SPEC`)")
        p_profile = p.get("profile", profile)
        if p_profile not in PROFILES:
            raise bad(f"problem {n} ({problem.id}): profile must be exam or drill")
        parts = _asked_parts(problem, p.get("parts"), bad, n)
        options = {k: v for k, v in p.items() if k not in PROBLEM_KEYS | GRADING_KEYS}
        unknown = [k for k in options if k not in problem.options]
        if unknown:   # a typo of a field (`point:`) or of one of the problem's options
            fields = sorted(PROBLEM_KEYS | GRADING_KEYS) + list(problem.options)
            raise bad(f"problem {n} ({problem.id}): unknown field {unknown[0]!r}{did_you_mean(unknown[0], fields)} "
                      f"(fields: {', '.join(fields)})")
        grading = {k: p[k] for k in GRADING_KEYS & set(p)}
        if not isinstance(grading.get("partial", True), bool):
            raise bad(f"problem {n} ({problem.id}): partial must be true or false")
        if not isinstance(grading.get("full_marks", False), bool):
            raise bad(f"problem {n} ({problem.id}): full_marks must be true or false")
        if "full_marks" in grading and not regrade:
            raise bad(f"problem {n} ({problem.id}): full_marks is for regrading after the exam "
                      "(`examgen grade KEY FILES --spec SPEC`), not for making one")
        if grading.get("full_marks") and points == 0:
            raise bad(f"problem {n} ({problem.id}): full_marks with points: 0; drop the problem (points: 0) "
                      "or give everyone its points (full_marks: true), not both")
        for k in ("rtol", "atol"):
            v = grading.get(k, 0)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 1:
                raise bad(f"problem {n} ({problem.id}): {k} must be a number from 0 to 1")
        try:
            problem.check_options(options)
        except ExamgenError as e:
            raise bad(f"problem {n}: {e}") from None
        items.append(ProblemSpec(problem.id, points, options, p_profile, parts, grading))
    if all(q.dropped for q in items):
        raise bad("every problem has points: 0; a spec must leave at least one problem to grade")
    spec = Spec(texts["title"] or "Practice exam", texts["course"], texts["date"],
                texts["instructions"], seed, profile, tuple(items), carry_forward=float(carry))
    canonical = json.dumps([spec.title, spec.course, spec.date, spec.instructions, spec.profile,
                            [[q.id, q.points, sorted(q.options.items()), q.profile]
                             + ([list(q.parts)] if q.parts else []) for q in items]]
                           + ([spec.carry_forward] if spec.carry_forward != 1 else []))
    return replace(spec, digest=derive_seed(canonical).to_bytes(8, "big").hex())


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
# A version's numbers depend on its seed and each problem's slot (position, problem id, options,
# profile): never on points, titles or instructions, so an exam can be re-weighted afterwards.
# A class's version seeds come from a base seed and the student (id, else name) or the version
# number; the base seed is secret (only key.json holds it), and so is every seed derived from it:
# a class version's printed id is a hash, not a seed.
@dataclass
class Version:
    exam_id: str
    seed: int
    spec: Spec
    student: Student | None
    folder: str                  # sub-folder name when there are several versions
    problems: list               # [(number, points, Instance)]
    secret: bool = False         # a class version: no document shows its seed


def exam_id(spec: Spec, seed: int) -> str:
    """A practice exam's id, which shows its seed: E<seed>-<hash of problems, seed and bank>."""
    h = derive_seed(spec.slots, seed, bank.bank_version()).to_bytes(8, "big").hex()[:6]
    return f"E{seed}-{h}"


_ID_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: typeable from paper


def secret_exam_id(spec: Spec, seed: int) -> str:
    """A class version's id: opaque, from the version's (secret) seed, the problems and the bank."""
    h = derive_seed("version-id", spec.slots, seed, bank.bank_version())
    chars = []
    for _ in range(8):
        h, r = divmod(h, len(_ID_ALPHABET))
        chars.append(_ID_ALPHABET[r])
    return "V" + "".join(chars)


def build_version(spec: Spec, seed: int, student: Student | None = None, folder: str = "",
                  secret: bool = False, numbers=None) -> Version:
    """Sample and solve every problem of the spec for one seed (only those `numbers` when given:
    each problem's numbers come from its own seed, whichever others are built)."""
    problems = []
    for number, q in enumerate(spec.problems, 1):
        if numbers is not None and number not in numbers:
            continue
        inst_seed = derive_seed("problem", seed, number, q.id, q.options_text, q.profile) % 2**31
        inst = bank.get(q.id).sample(inst_seed, q.profile, q.options)
        inst.asked = q.parts
        problems.append((number, q.points, inst))
    eid = secret_exam_id(spec, seed) if secret else exam_id(spec, seed)
    return Version(eid, seed, spec, student, folder, problems, secret)


def fresh_base_seed() -> int:
    """A class's base seed when none is given: from the OS's secure random source."""
    import secrets

    return secrets.randbelow(10**12)


def version_seeds(base_seed: int, count: int) -> list[int]:
    """`count` distinct seeds derived from the base seed (version k from (base seed, k))."""
    if not 1 <= count <= MAX_VERSIONS:
        raise ExamgenError(f"--versions must be from 1 to {MAX_VERSIONS}")
    return _distinct([("version", base_seed, k) for k in range(1, count + 1)])


def student_seeds(base_seed: int, students: list[Student]) -> list[int]:
    """One seed per student, from the base seed and the student's id (else name)."""
    if len(students) > MAX_VERSIONS:
        raise ExamgenError(f"a roster of more than {MAX_VERSIONS} students")
    return _distinct([("student", base_seed, s.key) for s in students])


def _distinct(keys: list[tuple]) -> list[int]:
    seeds, used = [], set()
    for key in keys:
        k, s = 0, derive_seed(*key) % 10**12
        while s in used:  # astronomically rare; re-derive
            k += 1
            s = derive_seed(*key, k) % 10**12
        used.add(s)
        seeds.append(s)
    return seeds


@lru_cache(maxsize=None)
def templates_dir() -> Path:
    here = Path(__file__).resolve().parent
    src = here.parent / "templates"
    return src if (src / "exam.md.j2").is_file() else here / "templates"
