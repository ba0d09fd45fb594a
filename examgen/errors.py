"""The one exception type for errors a user can cause; the CLI prints it as one line."""


class ExamgenError(Exception):
    """A user-facing error: bad id, bad parameters, bad spec, missing TeX, ..."""


def json_type(v) -> str:
    """A value's JSON type in an error message's words ("an object", "a list", ...)."""
    return {dict: "an object", list: "a list", str: "a string", bool: "true/false",
            type(None): "null"}.get(type(v), type(v).__name__)


def did_you_mean(word: str, choices, n: int = 2, cutoff: float = 0.6) -> str:
    """"; did you mean points?" when a close match exists (a typo), else ""."""
    import difflib

    close = difflib.get_close_matches(str(word), sorted(choices), n=n, cutoff=cutoff)
    return f"; did you mean {' or '.join(close)}?" if close else ""
