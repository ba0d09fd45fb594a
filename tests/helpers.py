"""Run the installed `examgen` command as a user would."""
import os
import shutil
import subprocess

EXAMGEN = shutil.which("examgen")


def run(*args, cwd=None, env=None, input=None, timeout=600):
    """CompletedProcess of `examgen ARGS` (text mode); never raises on a non-zero exit."""
    assert EXAMGEN, "examgen is not installed on PATH (run `make test`)"
    full_env = dict(os.environ, **(env or {}))
    return subprocess.run([EXAMGEN, *map(str, args)], cwd=cwd, env=full_env, input=input,
                          capture_output=True, text=True, timeout=timeout)


def one_line_error(result, *words):
    """The command failed with exit 2 and one line on stderr (no traceback) naming `words`."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    err = result.stderr.strip()
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    for w in words:
        assert w in err, (w, err)
    return err
