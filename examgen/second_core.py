"""One exam on two cores: its symbolic problems are built in a forked child process.

A problem whose answer is an expression (bank.Problem.symbolic: activation identities, the total
derivative rule) is worked with SymPy, and importing SymPy is most of the Python time of
`examgen generate` for one exam. So the command forks a child first thing (`prefork`, from
examgen.launch, before click is imported and before any thread starts); the child imports SymPy
and examgen's modules while the command parses its command line and reads the spec, then gets its
job (`start`: the spec, the seed and the numbers of the symbolic problems), builds and renders
those problems (documents.problem_piece, plain data) and sends them through a pipe, while the
command builds the other problems. Each problem's numbers come from its own seed, so the files are
byte for byte those one process writes. Whatever goes wrong in the child (an error, another spec
or seed, a crash) only means that the command builds those problems itself; a spec without
symbolic problems (or with nothing else) ends the child at once, and a practice exam of named
problems with nothing for it (`examgen generate iou cnn`) ends it before it imports SymPy: the
child tells from the command's arguments and the bank (asked_problems).
"""
from __future__ import annotations

import os
import sys

_preforked = None   # the Child `prefork` started, until `start` gives it its job
# Options of `examgen generate` that make no single exam: a class, or the help text (cli.py's
# help_option_names are -h and --help).
NO_CHILD = {"--versions", "--roster", "-h", "--help"}


def prefork(args: list[str]) -> None:
    """For `examgen generate` of one exam (no --versions, --roster or help option among `args`),
    fork the child now, before anything else is imported."""
    global _preforked
    names = {a.split("=", 1)[0] for a in args}
    if _preforked is None and not names & NO_CHILD:
        _preforked = _fork(args)


def start(spec, seed: int | None):
    """The Child building this spec's symbolic problems for `seed` (the preforked one, else one
    forked now), or None where it cannot help: no symbolic problem or nothing else, no fork, one
    core, SymPy imported already. Not after a thread has started (a forked child has only the
    thread that forked)."""
    global _preforked
    child, _preforked = _preforked, None
    numbers = symbolic_numbers(spec)
    if not numbers:
        if child:
            child.stop()
        return None
    child = child or _fork()
    if child is not None:
        child.give(spec, spec.seed if seed is None else seed, numbers)
    return child


def symbolic_numbers(spec) -> set[int]:
    """The numbers of the problems the child builds: the symbolic ones, when there are others too
    (an exam of symbolic problems only gains nothing from a second process)."""
    from . import bank

    return _symbolic_numbers([bank.get(q.id) for q in spec.problems])


def _symbolic_numbers(problems: list) -> set[int]:
    numbers = {n for n, p in enumerate(problems, 1) if p.symbolic}
    return numbers if len(numbers) < len(problems) else set()


# `examgen generate`'s options that take a value (cli.py; the others are flags).
VALUE_OPTIONS = {"--spec", "--profile", "--seed", "--out", "--format", "--versions", "--roster"}


def asked_problems(args: list[str]) -> list | None:
    """The bank's problems of the practice exam `examgen generate args` makes of the problem ids
    and topics it names (as cli's practice exam chooses them); None when it names none (a spec's
    exam, which the command reads), or one the bank does not know (the command's error)."""
    from . import bank

    names, rest = [], iter(args)
    for a in rest:
        if a == "--":
            names += rest
        elif a in VALUE_OPTIONS:
            next(rest, None)
        elif not a.startswith("-"):
            names.append(a)
    if not names:
        return None
    problems = bank.load_bank()
    if any(n not in problems and n not in bank.TOPICS for n in names):
        return None
    return bank.named(names)


def fingerprint(spec, seed) -> tuple:
    """What the pieces depend on: the command uses the child's only for the same."""
    return (spec, seed)


def _fork(args: list[str] | None = None):
    """A Child, or None (no fork, macOS, one core, SymPy imported here already). `args`: the
    command's, for the child to end at once, SymPy unimported, when the exam they ask for has
    nothing for it to build (asked_problems); the bank it reads to tell is needed next anyway."""
    # (macOS: its system libraries are not safe in a forked child; Python's own default there is spawn)
    if not hasattr(os, "fork") or sys.platform == "darwin" or cores() < 2 or "sympy" in sys.modules:
        return None
    jobs_r, jobs_w = os.pipe()
    out_r, out_w = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        for fd in (jobs_r, jobs_w, out_r, out_w):
            os.close(fd)
        return None
    if pid == 0:  # the child: never returns, never prints, runs no exit handler of the parent's
        code = 1
        try:
            os.close(jobs_w)
            os.close(out_r)
            quiet = os.open(os.devnull, os.O_WRONLY)
            os.dup2(quiet, 1)
            os.dup2(quiet, 2)
            _child(jobs_r, out_w, args)
            code = 0
        except BaseException:  # noqa: BLE001 - the command builds whatever it does not receive
            pass
        finally:
            os._exit(code)
    os.close(jobs_r)
    os.close(out_w)
    return Child(pid, jobs_w, out_r)


def cores() -> int:
    """The cores this process may run on (its CPU affinity, which a container may narrow)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:   # (no affinity on this system)
        return os.cpu_count() or 1


def _child(jobs: int, out: int, args: list[str] | None) -> None:
    import pickle

    asked = asked_problems(args) if args else None
    if asked is not None and not _symbolic_numbers(asked):
        return   # (the command ends it, or finds it gone: either way it builds every problem)
    import sympy  # noqa: F401 - imported while the command starts: the point of the child

    from . import documents, exam

    job = _read(jobs)
    if not job:
        return   # no symbolic problem in this exam: the command closed the pipe
    spec, seed, numbers = pickle.loads(job)
    # Markdown only: the command, which waits for these, adds their LaTeX (documents.with_latex),
    # and the child need not import the Markdown parser.
    version = exam.build_version(spec, seed, numbers=numbers)
    _write(out, pickle.dumps({"fingerprint": fingerprint(spec, seed),
                              "pieces": documents.version_pieces(version, with_tex=False)},
                             protocol=pickle.HIGHEST_PROTOCOL))


def _read(fd: int) -> bytes:
    chunks = []
    try:
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
    except OSError:
        chunks = []
    os.close(fd)
    return b"".join(chunks)


def _write(fd: int, data: bytes) -> None:
    view = memoryview(data)
    try:
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


class Child:
    """The forked child: `give` it its job, then `pieces` waits for what it sends; `stop` ends it
    (also at exit)."""

    def __init__(self, pid: int, jobs: int, out: int):
        import atexit

        self.pid, self.jobs, self.out = pid, jobs, out
        self.numbers: set[int] = set()   # the problems it was given to build
        atexit.register(self.stop)

    def give(self, spec, seed: int, numbers: set[int]) -> None:
        import pickle

        self.numbers = set(numbers)
        jobs, self.jobs = self.jobs, None
        try:
            _write(jobs, pickle.dumps((spec, seed, numbers), protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:   # the child is gone: pieces() gets nothing and the command builds them
            pass

    def pieces(self, spec, seed) -> dict[int, dict]:
        """{number: piece} (Markdown only) for this spec and seed, or {} when the child has none."""
        import pickle

        if self.out is None:
            return {}
        out, self.out = self.out, None
        data = _read(out)
        self.stop(wait=True)   # it has sent all it will: it is exiting
        try:
            sent = pickle.loads(data) if data else None   # (our own child's bytes)
        except Exception:  # noqa: BLE001 - a truncated message: the command builds them
            return {}
        if not isinstance(sent, dict) or sent.get("fingerprint") != fingerprint(spec, seed):
            return {}
        return sent["pieces"]

    def stop(self, wait: bool = False) -> None:
        """Close the pipes and reap the child: wait for it, or end it first (a command that stops
        before it takes the pieces, or an exam without symbolic problems)."""
        if self.pid is None:
            return
        for fd in (self.jobs, self.out):
            if fd is not None:
                os.close(fd)
        self.jobs = self.out = None
        pid, self.pid = self.pid, None
        try:
            if not wait:
                import signal

                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except OSError:   # (ChildProcessError included: reaped already)
            pass
