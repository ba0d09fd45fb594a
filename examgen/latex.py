"""Markdown (with LaTeX math) to LaTeX, for the problems' prompts and worked solutions.

Markdown is parsed by mistune (with its math and table plugins); this module only walks the
token tree and writes LaTeX. Math passes through untouched, text is escaped.
"""
from __future__ import annotations

import re
from functools import lru_cache

_ESCAPES = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "#": r"\#", "$": r"\$", "%": r"\%",
    "&": r"\&", "_": r"\_", "^": r"\^{}", "~": r"\~{}", "\"": r"\textquotedbl{}",
    "“": "``", "”": "''", "’": "'", "—": "---", "–": "--",
    "σ": r"$\sigma$", "ξ": r"$\xi$", "η": r"$\eta$", "∇": r"$\nabla$", "′": r"$'$", "·": r"$\cdot$",
    "−": "-", "×": r"$\times$", "≤": r"$\le$", "≥": r"$\ge$", "≈": r"$\approx$", "→": r"$\to$",
    "²": r"$^2$", "ŷ": r"$\hat y$", "⊙": r"$\odot$", "≠": r"$\ne$", "ᵀ": r"$^T$",
}
_ESCAPE_RE = re.compile("|".join(re.escape(k) for k in _ESCAPES))


def escape(text: str) -> str:
    """Plain text made safe for LaTeX (special characters and common Unicode symbols)."""
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(0)], text)


@lru_cache(maxsize=None)
def _parser():
    import mistune

    return mistune.create_markdown(renderer=None, plugins=["math", "table"])


def to_latex(markdown: str) -> str:
    """LaTeX body for a Markdown text."""
    return _blocks(_parser()(markdown)).strip() + "\n"


def _blocks(tokens) -> str:
    out = []
    for t in tokens:
        kind = t["type"]
        if kind == "paragraph":
            out.append(_inline(t["children"]) + "\n\n")
        elif kind == "block_text":
            out.append(_inline(t["children"]))
        elif kind == "block_math":
            out.append("\\[\n" + t["raw"].strip() + "\n\\]\n\n")
        elif kind == "heading":
            out.append("\\paragraph{" + _inline(t["children"]) + "}\n")
        elif kind == "list":
            env = "enumerate" if t["attrs"].get("ordered") else "itemize"
            items = "".join("  \\item " + _blocks(i["children"]).strip() + "\n" for i in t["children"])
            out.append(f"\\begin{{{env}}}\n{items}\\end{{{env}}}\n\n")
        elif kind == "block_code":
            out.append("\\begin{verbatim}\n" + t["raw"].rstrip("\n") + "\n\\end{verbatim}\n\n")
        elif kind == "block_quote":
            out.append("\\begin{quote}\n" + _blocks(t["children"]).strip() + "\n\\end{quote}\n\n")
        elif kind == "table":
            out.append(_table(t))
        elif kind == "thematic_break":
            out.append("\\medskip\\hrule\\medskip\n\n")
        elif kind == "blank_line":
            continue
        else:
            raise ValueError(f"Markdown element {kind!r} has no LaTeX rendering")
    return "".join(out)


def _inline(tokens) -> str:
    out = []
    for t in tokens:
        kind = t["type"]
        if kind == "text":
            out.append(escape(t["raw"]))
        elif kind == "inline_math":
            out.append("$" + t["raw"] + "$")
        elif kind == "block_math":
            out.append("\\[" + t["raw"] + "\\]")
        elif kind == "strong":
            out.append("\\textbf{" + _inline(t["children"]) + "}")
        elif kind == "emphasis":
            out.append("\\emph{" + _inline(t["children"]) + "}")
        elif kind == "codespan":
            out.append("\\texttt{" + escape(t["raw"]) + "}")
        elif kind == "softbreak":
            out.append("\n")
        elif kind == "linebreak":
            out.append("\\\\\n")
        elif kind == "link":
            out.append(_inline(t["children"]))
        else:
            raise ValueError(f"Markdown element {kind!r} has no LaTeX rendering")
    return "".join(out)


def _table(t) -> str:
    head = t["children"][0]["children"]
    body = t["children"][1]["children"] if len(t["children"]) > 1 else []
    cols = "l" * len(head)
    row = lambda cells: " & ".join(_inline(c["children"]) for c in cells) + " \\\\\n"  # noqa: E731
    rows = "".join(row(r["children"]) for r in body)
    return (f"\\begin{{center}}\\begin{{tabular}}{{{cols}}}\n\\hline\n{row(head)}\\hline\n"
            f"{rows}\\hline\n\\end{{tabular}}\\end{{center}}\n\n")
