"""The one exception type for errors a user can cause; the CLI prints it as one line."""


class ExamgenError(Exception):
    """A user-facing error: bad id, bad parameters, bad spec, missing TeX, ..."""


def json_type(v) -> str:
    """A value's JSON type in an error message's words ("an object", "a list", ...)."""
    return {dict: "an object", list: "a list", str: "a string", bool: "true/false",
            type(None): "null"}.get(type(v), type(v).__name__)
