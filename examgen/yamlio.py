"""YAML as examgen reads it: PyYAML's safe loader with YAML 1.2's core schema, after a check of
the events (no aliases, anchors, non-core tags, deep nesting). Imported only by what parses YAML
(PyYAML's import is about 15 ms of a command that has nothing to parse).
"""
from __future__ import annotations

import re

import yaml

from .errors import ExamgenError
from .safeio import MAX_INT_DIGITS, _refuse_surrogates, bracket_depth

SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's C parser when present
_CORE_TAGS = {"tag:yaml.org,2002:" + t for t in ("str", "int", "float", "null", "bool", "seq", "map")}


_CORE_SCALARS = {"tag:yaml.org,2002:" + t for t in ("str", "int", "float", "null", "bool")}


class CoreLoader(SafeLoader):
    """YAML's safe loader with YAML 1.2 core-schema scalars (see `_core_resolvers`)."""

    big_ints = "text"

    def construct_object(self, node, deep=False):
        # A core scalar is its constructor's value: PyYAML's bookkeeping around it (shared nodes,
        # recursion, generators) is for collections and aliases. Most of a file's nodes are scalars.
        if node.tag in _CORE_SCALARS and isinstance(node, yaml.ScalarNode):
            return self.yaml_constructors[node.tag](self, node)
        return super().construct_object(node, deep)

    def construct_yaml_int(self, node):
        digits = node.value.replace("_", "")
        if len(digits.lstrip("+-")) > MAX_INT_DIGITS:
            if self.big_ints == "text":
                return node.value     # stays text, so that only its part (not the file) is refused
            raise yaml.constructor.ConstructorError(None, None, f"an integer with more than {MAX_INT_DIGITS} digits",
                                                    node.start_mark)
        if re.fullmatch(r"[-+]?0o[0-7]+", digits):
            return int(digits.replace("0o", ""), 8)
        if re.fullmatch(r"[-+]?0x[0-9a-fA-F]+", digits):
            return int(digits, 16)
        return int(digits, 10)       # 011 is eleven, as people mean it (YAML 1.1 read it as octal 9)


class StrictLoader(CoreLoader):
    """CoreLoader for files whose every number must be readable (specs): a huge integer is an error."""

    big_ints = "refuse"


def _core_resolvers(loader) -> None:
    """YAML 1.2 core schema: true/false, null/~, decimal/0o/0x integers and floats like 1e3.

    YAML 1.1 (PyYAML's default) reads yes/no/on/off as booleans, 011 as octal, 1:30 as 90,
    2025-05-01 as a date, and 1e3 as text; people mean none of that.
    """
    loader.yaml_implicit_resolvers = {}
    rules = [
        ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
        ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
        ("int", r"^(?:[-+]?[0-9][0-9_]*|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
        ("float", r"^(?:[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?"
                  r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", "-+0123456789."),
    ]
    for tag, pattern, first in rules:
        loader.add_implicit_resolver("tag:yaml.org,2002:" + tag, re.compile(pattern), list(first))


_core_resolvers(CoreLoader)
CoreLoader.add_constructor("tag:yaml.org,2002:int", CoreLoader.construct_yaml_int)
StrictLoader.add_constructor("tag:yaml.org,2002:int", StrictLoader.construct_yaml_int)


def _construct_float(loader, node):
    text = node.value.replace("_", "").lower()
    if text in (".inf", "+.inf"):
        return float("inf")
    if text == "-.inf":
        return float("-inf")
    if text == ".nan":
        return float("nan")
    return float(text)


CoreLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)


def check_yaml_events(text: str, max_depth: int, error=ExamgenError, what: str = "file") -> None:
    """Refuse aliases, anchors, non-core tags and deep nesting before anything is built."""
    depth = 0
    for event in yaml.parse(text, Loader=SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > max_depth:
                raise error(f"nested more than {max_depth} levels deep")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        if isinstance(event, yaml.AliasEvent):
            raise error(f"YAML aliases (*{event.anchor}) are not allowed in {what}")
        if getattr(event, "anchor", None):
            raise error(f"YAML anchors (&{event.anchor}) are not allowed in {what}")
        tag = getattr(event, "tag", None)
        if tag not in (None, "!") and tag not in _CORE_TAGS:
            raise error(f"the YAML tag {tag} is not allowed in {what}")


_UNVOUCHED = object()   # what _load_in_one_pass returns when check_yaml_events must decide
# Collections a file may hold for libyaml's composer, which recurses in C, to build its tree
# before its depth is checked (each collection has a `-`, `:`, `?`, `[` or `{` of its own).
MAX_COMPOSED = 1000


def _load_in_one_pass(text: str, max_depth: int, loader):
    """yaml.load(text) when the composed tree shows what check_yaml_events would pass (no
    anchor, so no alias; core tags only; at most max_depth nested collections): one parse
    instead of two. Else _UNVOUCHED (a YAML error, too, is left to the events and yaml.load)."""
    if "&" in text or sum(map(text.count, "-:?[{")) > MAX_COMPOSED:
        return _UNVOUCHED
    reader = loader(text)
    try:
        try:
            node = reader.get_single_node()
        except Exception:   # noqa: BLE001 - whatever it is, the events and yaml.load say it again
            return _UNVOUCHED
        if node is None:
            return None
        if not _core_tree(node, max_depth):
            return _UNVOUCHED
        return reader.construct_document(node)
    finally:
        reader.dispose()


def _core_tree(node, max_depth: int) -> bool:
    """Every node of a composed tree has a core tag, and collections nest at most max_depth deep
    (the tags an event would carry: a node without one, or with `!`, has a core tag resolved).
    Visited a level at a time: level d's collections are d + 1 deep."""
    level, depth = [node], 0
    while level:
        if not {n.tag for n in level} <= _CORE_TAGS:
            return False
        maps = [n.value for n in level if isinstance(n, yaml.MappingNode)]
        lists = [n.value for n in level if isinstance(n, yaml.SequenceNode)]
        if maps or lists:
            depth += 1
            if depth > max_depth:
                return False
        level = [x for pairs in maps for pair in pairs for x in pair] + [x for items in lists for x in items]
    return True


def _at(text: str, mark) -> str:
    """The character at a YAML error's mark (line and column from 0), or ""."""
    lines = text.split("\n")
    line = lines[mark.line] if mark.line < len(lines) else ""
    return line[mark.column] if mark.column < len(line) else ""


def _at_end(text: str, mark) -> bool:
    """Whether a YAML error's mark has nothing but blanks after it: the file ended."""
    lines = text.split("\n")
    return mark.line >= len(lines) or not (lines[mark.line][mark.column:].strip()
                                           or any(x.strip() for x in lines[mark.line + 1:]))


def _open_bracket(text: str) -> tuple[int, int] | None:
    """(line, column) from 0 of the innermost flow bracket (`[` or `{`) the text opens and never
    closes, or None: at the file's end libyaml reports only the end, not where the list began.
    A bracket counts where a flow collection can start (first on its line, or after `:`, `-`,
    `,`, `?` or another bracket); quoted text and comments are skipped."""
    stack, quote = [], ""
    for n, line in enumerate(text.split("\n")):
        last, escaped = "", False
        for col, c in enumerate(line):
            if quote:   # ('' in single quotes closes and opens again)
                quote, escaped = ("" if c == quote and not escaped else quote), quote == '"' and c == "\\" and not escaped
            elif c == "#" and (col == 0 or line[col - 1].isspace()):
                break
            elif c in "'\"" and (stack or last in ("", ":", "-", "?")):
                quote = c
            elif c in "[{" and (stack or last in ("", ":", "-", ",", "?", "[", "{")):
                stack.append((n, col))
            elif c in "]}" and stack:
                stack.pop()
            last = c if not c.isspace() else last
    return stack[-1] if stack else None


# YAML's contexts of an error at a bracket or quote left open (its mark: where it was opened)
_UNCLOSED = ("while parsing a flow sequence", "while parsing a flow mapping", "while scanning a quoted scalar")


def parse_yaml(text: str, max_depth: int, error=ExamgenError, what: str = "file", loader=CoreLoader):
    """YAML read with the core schema after `check_yaml_events`; every failure is `error`, one line."""
    # Flow collections ([[[...]]]) are counted before YAML sees them: libyaml's scanner reads
    # ahead of the events, and its own depth limit (PyYAML ≥ 6.0.4) would answer less clearly.
    if bracket_depth(text) > max_depth:
        raise error(f"nested more than {max_depth} levels deep")
    try:
        value = _load_in_one_pass(text, max_depth, loader)
        if value is _UNVOUCHED:   # the events say what is wrong, as they always did
            check_yaml_events(text, max_depth, error, what)
            value = yaml.load(text, Loader=loader)  # noqa: S506 - a restricted SafeLoader
    except error:
        raise
    except yaml.MarkedYAMLError as e:
        where = f" at line {e.problem_mark.line + 1} column {e.problem_mark.column + 1}" if e.problem_mark else ""
        if e.problem_mark and _at(text, e.problem_mark) == "\t":   # an editor's tab where YAML wants spaces
            raise error(f"not valid YAML: a tab{where}; YAML indents with spaces only: "
                        "replace the tab with spaces") from None
        problem, opened = e.problem or e.context, e.context_mark if e.context in _UNCLOSED and e.problem_mark else None
        if opened and opened.line != e.problem_mark.line:   # YAML's line is past the culprit: name it
            opened = (opened.line, opened.column)
        elif e.problem_mark and _at_end(text, e.problem_mark):
            opened = _open_bracket(text)   # the file ends inside a list: libyaml names only the end
            problem = "the file ends" if opened else problem
        else:
            opened = None
        if opened:
            line, column = opened
            where += (f" (the {text.split(chr(10))[line][column]} opened at line {line + 1} column {column + 1}"
                      " is not closed)")
        err = error(f"not valid YAML: {problem}{where}")
        err.yaml_line = e.problem_mark.line if e.problem_mark else None   # from 0, for a caller's repair
        err.yaml_opened = opened[0] if opened else None   # the line of a bracket or quote never closed
        err.yaml_problem = e.problem or ""
        raise err from None
    except yaml.YAMLError as e:
        raise error(f"not valid YAML: {str(e).splitlines()[0][:120]}") from None
    except (RecursionError, ValueError, OverflowError) as e:
        raise error(f"not valid YAML: {str(e)[:120] or 'nested too deeply'}") from None
    _refuse_surrogates(value, error, text)
    return value
