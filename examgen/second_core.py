"""One exam on two cores: its symbolic problems are built in a forked child process.

A problem whose answer is an expression (bank.Problem.symbolic: activation identities, the total
derivative rule) is worked with SymPy, and importing SymPy is most of the Python time of
`examgen generate` for one exam. So the command forks a child once it has read the spec, before
any thread starts: the child builds and renders the symbolic problems (documents.problem_piece,
plain data) and sends them through a pipe, while this process builds the other problems. Each
problem's numbers come from its own seed, so the files are byte for byte those one process
writes. Whatever goes wrong in the child (an error, another spec or seed, a crash) only means
that this process builds those problems itself.
"""
from __future__ import annotations

import os
import sys


def start(spec, seed: int | None):
    """A Child building the spec's symbolic problems, or None where it cannot help (none or only
    symbolic problems, no fork, one core, SymPy imported already). Call it before any thread
    starts (a forked child has only the thread that forked) and, to leave the child the least
    to do, after reading the spec (which imports no NumPy)."""
    # (macOS: no fork; its system libraries are not safe in a forked child, Python's own default there is spawn)
    if not hasattr(os, "fork") or sys.platform == "darwin" or (os.cpu_count() or 1) < 2 or "sympy" in sys.modules:
        return None
    numbers = symbolic_numbers(spec)
    if not numbers:
        return None
    seed = spec.seed if seed is None else seed
    r, w = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(r)
        os.close(w)
        return None
    if pid == 0:  # the child: never returns, never prints, runs no exit handler of the parent's
        code = 1
        try:
            os.close(r)
            quiet = os.open(os.devnull, os.O_WRONLY)
            os.dup2(quiet, 1)
            os.dup2(quiet, 2)
            _send(w, _work(spec, seed, numbers))
            code = 0
        except BaseException:  # noqa: BLE001 - the parent builds whatever it does not receive
            pass
        finally:
            os._exit(code)
    os.close(w)
    return Child(pid, r)


def symbolic_numbers(spec) -> set[int]:
    """The numbers of the problems the child builds: the symbolic ones, when there are others too
    (an exam of symbolic problems only gains nothing from a second process)."""
    from . import bank

    numbers = {n for n, q in enumerate(spec.problems, 1) if bank.get(q.id).symbolic}
    return numbers if len(numbers) < len(spec.problems) else set()


def fingerprint(spec, seed) -> tuple:
    """What the pieces depend on: the parent uses the child's only for the same."""
    return (spec, seed)


def _work(spec, seed: int, numbers: set[int]) -> dict:
    from .documents import version_pieces
    from .exam import build_version

    # Markdown only: the parent, which waits for these, adds their LaTeX (documents.with_latex),
    # and the child need not import the Markdown parser.
    version = build_version(spec, seed, numbers=numbers)
    return {"fingerprint": fingerprint(spec, seed), "pieces": version_pieces(version, with_tex=False)}


def _send(fd: int, payload) -> None:
    import pickle

    view = memoryview(pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))
    while view:
        view = view[os.write(fd, view):]
    os.close(fd)


class Child:
    """The forked child: `pieces` waits for what it sends; `stop` ends it (also at exit)."""

    def __init__(self, pid: int, fd: int):
        import atexit

        self.pid, self.fd = pid, fd
        atexit.register(self.stop)

    def pieces(self, spec, seed) -> dict[int, dict]:
        """{number: piece} (Markdown only) for this spec and seed, or {} when the child has none."""
        import pickle

        if self.fd is None:
            return {}
        chunks = []
        try:
            while chunk := os.read(self.fd, 1 << 20):
                chunks.append(chunk)
        except OSError:
            chunks = []
        self.stop(wait=True)   # it has sent all it will: it is exiting
        try:
            sent = pickle.loads(b"".join(chunks)) if chunks else None   # (our own child's bytes)
        except Exception:  # noqa: BLE001 - a truncated message: build them here
            return {}
        if not isinstance(sent, dict) or sent.get("fingerprint") != fingerprint(spec, seed):
            return {}
        return sent["pieces"]

    def stop(self, wait: bool = False) -> None:
        """Close the pipe and reap the child: wait for it, or end it first (a command that stops
        before it takes the pieces)."""
        if self.fd is None:
            return
        os.close(self.fd)
        self.fd = None
        try:
            if not wait:
                import signal

                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except OSError:   # (ChildProcessError included: reaped already)
            pass
