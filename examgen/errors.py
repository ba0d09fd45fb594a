"""The one exception type for errors a user can cause; the CLI prints it as one line."""


class ExamgenError(Exception):
    """A user-facing error: bad id, bad parameters, bad spec, missing TeX, ..."""
