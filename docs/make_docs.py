"""Regenerate the README's problem catalog and the picture of an exam page (`make docs`).

The catalog sits between the markers `<!-- catalog:start -->` and `<!-- catalog:end -->`;
tests/test_docs.py fails when it no longer matches the bank.
"""
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PICTURE = ROOT / "docs" / "exam-page.png"
START, END = "<!-- catalog:start -->", "<!-- catalog:end -->"


def catalog_table() -> str:
    from examgen.bank import TOPICS, load_bank

    rows = ["| id | topic | problem | answer parts |", "|---|---|---|---|"]
    for p in load_bank().values():
        parts = ", ".join(f"`{a}`" for a in p.parts)
        rows.append(f"| `{p.id}` | {TOPICS[p.topic]} | {p.title} | {parts} |")
    return "\n".join(rows)


def with_catalog(readme: str) -> str:
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    return pattern.sub(lambda _: f"{START}\n{catalog_table()}\n{END}", readme)


def exam_picture() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["examgen", "generate", "--out", tmp, "--format", "pdf"], check=True)
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "2", "-l", "2", "-singlefile",
                        str(Path(tmp, "key.pdf")), str(PICTURE.with_suffix(""))], check=True)


def main() -> int:
    README.write_text(with_catalog(README.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"updated the catalog in {README}")
    exam_picture()
    print(f"wrote {PICTURE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
