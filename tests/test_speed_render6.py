"""Rendering's fast paths (stop 14) write what the plain ones wrote: a display's tokens told by
their group, not by string tests; one-display blocks and blank lines found without a lazy or a
regex scan; plain text's prefilters and its remembered escapes; key.json's problem fields
encoded without a call a value."""
import functools
import random
import re

from examgen import exam, latex, render

from helpers import split_top_by_tokens


@functools.lru_cache(maxsize=None)
def _texts() -> tuple:
    """The prompts, solutions and answers of two default-exam versions (drawing is slow)."""
    spec = exam.load_spec()
    return tuple(f(inst) for seed in range(2) for _, _, inst in exam.build_version(spec, seed).problems
                 for f in (render.prompt, render.solution, render.answers_table))


def _first_structure(seps: tuple) -> re.Pattern:
    """latex._structure's pattern as first written (one group-less alternation)."""
    commands = [re.escape(sep[1:]) + "(?![A-Za-z])" * sep[-1].isalpha() for sep in seps if sep[0] == "\\"]
    others = [re.escape(sep) for sep in seps if sep[0] != "\\"]
    return re.compile(r"\\(?:" + "|".join(commands + [r"begin\{[^}]*\}|end\{[^}]*\}|(?:left|right)(?![A-Za-z])",
                                                      r"[{}&]|\\(?=[\\{}&A-Za-z])"]) + ")"
                      + "".join("|" + o for o in others) + r"|\{(?:[^{}\\&]*\})?|\}")


def split_by_string_tests(math: str, seps: tuple) -> list[str]:
    """latex._split_top as first written: _first_structure's tokens, each told by string tests."""
    return split_top_by_tokens(_first_structure(seps), math, seps)


def test_displays_split_where_string_tests_split_them():
    displays = {d for t in _texts() for d in latex._one_line_displays(t).split("$$")[1::2]}
    atoms = ["\\", "{", "}", "&", "\\quad", "\\qquad", "quad", "\\left", "\\right", "\\begin{a}", "\\end{a}", "\\begin{",
             "x", " ", "\\\\", "\\{", "\\}", "\\&", "\\lefta", "\\quadx", "{1}", "\\end{", "\\righty", "}{", "\\frac"]
    rng = random.Random(6)
    displays |= {"".join(rng.choices(atoms, k=rng.randint(1, 12))) for _ in range(2000)}
    split = 0
    for math in displays:
        for seps in (latex._SPACES, ("\\\\",), ("&",), ("\\\\", "&"), ("&", "|")):
            pieces = latex._split_top(math, seps)
            assert pieces == split_by_string_tests(math, seps), (math, seps)
            split += len(pieces) > 1
    assert split > 800


def to_latex_split_by_pattern(markdown: str) -> str:
    """latex.to_latex as first written: its blocks always split at _BLANK_LINE."""
    markdown = latex._one_line_displays(markdown)
    blocks = latex._BLANK_LINE.split(markdown)
    out = list(map(latex._block, blocks))
    if None in out:
        out = latex._joined(markdown, blocks)
    return "".join(out).strip() + "\n"


def test_blank_lines_split_as_the_pattern_splits_them():
    texts = list(_texts())
    rng = random.Random(8)
    atoms = ["\n", "\n\n", " ", "\t", "a", "$$", "- b", "$x$", "**c**"]
    texts += ["".join(rng.choices(atoms, k=rng.randint(0, 12))) for _ in range(3000)]
    by_str = 0
    for text in texts:
        assert latex.to_latex(text) == to_latex_split_by_pattern(text), repr(text)
        if "\n " not in text and "\n\t" not in text:   # no line starts blank: str.split's blocks
            assert text.split("\n\n") == latex._BLANK_LINE.split(text), repr(text)
            by_str += "\n\n" in text
    assert by_str > 500


def test_plain_text_prefilters_skip_only_what_finds_nothing():
    assert not any(latex._MAYBE_RTL.search(chr(c)) for c in range(128))   # no ASCII character is right-to-left
    rng = random.Random(9)
    for _ in range(3000):
        text = "".join(rng.choices(["*", "**", " ", "a", "(", ".", "\n", "$x$"], k=rng.randint(0, 10)))
        if "**" not in text:
            assert not latex._STRONG.search(text), text


def test_remembered_escapes_are_the_patterns():
    rng = random.Random(10)
    chars = list(latex._ESCAPES) + ["a", " ", ",", "ب", "\n"]
    texts = ["".join(rng.choices(chars, k=rng.randint(0, 6))) for _ in range(3000)]
    for text in texts + texts:   # (the second time from memory)
        assert latex._escape(text) == latex._ESCAPE_RE.sub(lambda m: latex._ESCAPES[m.group(0)], text), text


def dumps_value_by_value(v, depth: int = 0) -> str:
    """key._dumps as first written: every value to depth 3 through the same recursion."""
    from examgen import key

    if depth >= 3 or not isinstance(v, (dict, list)) or not v:
        return key._ENCODE(v)
    pad = "\n" + " " * (depth + 1)
    if isinstance(v, dict):
        items = [key._ENCODE(str(k)) + ": " + dumps_value_by_value(x, depth + 1) for k, x in v.items()]
        return "{" + pad + ("," + pad).join(items) + "\n" + " " * depth + "}"
    return "[" + pad + ("," + pad).join(dumps_value_by_value(x, depth + 1) for x in v) + "\n" + " " * depth + "]"


def test_key_json_is_written_as_value_by_value():
    from examgen import documents
    from examgen import key as keys

    version = exam.build_version(exam.load_spec(), 3)
    pieces = documents.version_pieces(version, False)
    keys_json = [documents.key_json(version, [pieces[n]["entry"] for n in sorted(pieces)])]
    rng = random.Random(12)
    leaves = [0, 1.5, -2, "σ \"q\"\n", None, True, [], {}, [1, [2, {"a": 3}]], {"b": {"c": [4]}}]
    names = ["a", "b", 1, 2, True, "1", "ü", 0.5]

    def tree(depth):
        if depth > 4 or rng.random() < 0.3:
            return rng.choice(leaves)
        if rng.random() < 0.5:
            return [tree(depth + 1) for _ in range(rng.randint(0, 3))]
        return {rng.choice(names): tree(depth + 1) for _ in range(rng.randint(0, 3))}

    keys_json += [tree(0) for _ in range(2000)]
    for k in keys_json + keys_json:   # (the second time with every text key's name remembered)
        assert keys.dumps(k) == dumps_value_by_value(k) + "\n"


def test_hand_work_patterns_find_what_the_first_ones_found():
    from examgen import work

    relation = re.compile(r"&?=|\\approx|\\le\b|\\ge\b|<|>|\\Rightarrow|\\\\|&|,")
    matrix = re.compile(r"\\begin\{([bp]?matrix)\}([\s\S]*?)\\end\{\1\}")
    texts = list(_texts())
    rng = random.Random(13)
    atoms = ["&", "=", "&=", "&&=", "\\approx", "\\le", "\\leq", "\\ge ", "<", ">", "\\Rightarrow", "\\\\", ",", "x", " ",
             "\\begin{bmatrix}", "\\begin{pmatrix}", "\\begin{matrix}", "\\end{bmatrix}", "\\end{pmatrix}", "\\end{",
             "\\end{matrix}", "\\", "1 & 2", "\n"]
    texts += ["".join(rng.choices(atoms, k=rng.randint(0, 12))) for _ in range(4000)]
    matrices = 0
    for text in texts:
        assert work._RELATION.split(text) == relation.split(text), text
        assert work._MATRIX.findall(text) == matrix.findall(text), text
        matrices += bool(matrix.search(text))
    assert matrices > 300


@functools.lru_cache(maxsize=None)
def _instances() -> tuple:
    spec = exam.load_spec()
    return tuple(inst for seed in range(2) for _, _, inst in exam.build_version(spec, seed).problems)


def ans_by_ndim(v) -> str:
    """render.ans as first written: NumPy asked every value's rank."""
    import numpy as np

    from examgen import formatting as fmt

    exact = fmt.latex(v) if isinstance(v, str) or np.ndim(v) == 0 else fmt.bmatrix(v)
    return exact + r" \approx " + fmt.decimal_latex(v) if fmt.needs_decimal(v) else exact


def test_answers_are_written_as_with_every_rank_asked():
    import numpy as np

    from examgen import formatting as fmt
    from examgen.engine.exact import rational

    values = [v for inst in _instances() for k, v in inst.values.items()
              if inst.problem.parts.get(k) is None or inst.kind(k) not in ("expression", "choice")]
    rng = random.Random(14)
    exacts = [rational(rng.randint(-30, 30)) / rng.randint(1, 12) for _ in range(300)]
    values += exacts + [np.array(exacts[i:i + 6], dtype=object).reshape(2, 3) for i in range(0, 240, 6)]
    values += [0.25, 1 / 3, np.float64(2.5), np.array([0.5, 1 / 7])]
    checked = 0
    for v in values:
        try:
            plain = ans_by_ndim(v)
        except (TypeError, ValueError):   # (not a number: no ans of it)
            continue
        assert render.ans(v) == plain, v
        rows = np.asarray(v, dtype=object)
        if rows.ndim == 2:   # a matrix's entries written row by row, decimals asked entry by entry
            assert fmt.bmatrix(rows) == r"\begin{bmatrix} %s \end{bmatrix}" % r" \\ ".join(
                " & ".join(fmt.latex(x) for x in r) for r in rows.tolist())
            assert fmt.needs_decimal(rows) == any(fmt.needs_decimal(x) for x in rows.flat)
        checked += 1
    assert checked > 400


def answers_table_by_ndim(inst) -> str:
    """render.answers_table as first written: each part's rank asked again for each layout."""
    import numpy as np

    from examgen import formatting as fmt

    out = []
    for name in inst.parts:
        v, label, kind = inst.values[name], f"`{name}`", inst.kind(name)
        if kind == "expression":
            out.append(f"{label} $= {fmt.latex(v)}$, typed `{fmt.answer_syntax(fmt.text(v))}`")
        elif kind == "choice":
            out.append(f"{label}: {v}")
        elif np.ndim(v) == 0:
            out.append(f"{label} $= {render.ans(v)}$")
        elif np.ndim(v) == 1:
            out.append(f"{label}:\n\n$${render.ans(v)}$$")
        elif np.ndim(v) == 2:
            out.append(f"{label} (${render.dims(v)}$):\n\n$${render.ans(v)}$$")
        else:
            channels = render.slices(v, "", r" \qquad ", render.ans)
            out.append(f"{label} (${render.dims(v)}$), channel by channel:\n\n$${channels}$$")
    return "\n\n".join(out) + "\n"


def test_answers_tables_are_laid_out_as_with_every_rank_asked():
    from examgen import bank

    insts = list(_instances()) + [p.sample(s, "drill") for p in bank.load_bank().values() for s in range(2)]
    for inst in insts:
        assert render.answers_table(inst) == answers_table_by_ndim(inst), inst.id


def test_documents_write_the_points_as_their_call_of_points_wrote_them():
    import dataclasses

    from examgen import documents

    spec = exam.load_spec()
    halves = [dataclasses.replace(p, points=p.points + 0.5 * (i % 2)) for i, p in enumerate(spec.problems)]
    version = exam.build_version(dataclasses.replace(spec, problems=halves), 4)
    items = documents.problem_items(version, True)
    ctx = documents.doc_context(version, items)
    env = documents.environment()
    for name, names, call in (("exam.md.j2", ctx, "points"), ("key.md.j2", ctx, "points"),
                              ("exam.tex.j2", {"docs": [ctx]}, "doc.points"), ("key.tex.j2", {"docs": [ctx]}, "doc.points")):
        source = env.loader.get_source(env, name)[0]
        assert "<< item.points_shown >>" in source
        first = env.from_string(source.replace("<< item.points_shown >>", f"<< {call}(item.points) >>"))
        ctx["points"] = documents._points
        assert render.fill(env.get_template(name), names) == first.render(names), name
        assert ".5 points" in first.render(names)
    sheet = documents.answer_sheet(version, items).splitlines()
    for item in items:
        assert f"  {item['number']}:  # {item['title']} ({documents._points(item['points'])} points)" in sheet
