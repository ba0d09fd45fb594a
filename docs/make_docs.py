"""Regenerate the README's problem catalog and the picture of an exam page (`make docs`), and
render the first page of the exam and the key of every problem to docs/review/ for review.

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
REVIEW = ROOT / "docs" / "review"
ANALYSIS_PICTURE = ROOT / "docs" / "analysis-mistakes.png"
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


def review_pages(profile: str = "exam", resolution: int = 60) -> list[Path]:
    """The first page of the exam and of the key of a one-problem exam of every problem, as PNG
    in docs/review/ (not committed: for looking at the layout of every problem by eye)."""
    from examgen.bank import load_bank

    REVIEW.mkdir(exist_ok=True)
    written = []
    for pid in load_bank():
        with tempfile.TemporaryDirectory() as tmp:
            spec = Path(tmp, "spec.yaml")
            spec.write_text(f"title: {pid}\nprofile: {profile}\nproblems: [{pid}]\n", encoding="utf-8")
            subprocess.run(["examgen", "generate", "--spec", str(spec), "--out", f"{tmp}/e", "--format", "pdf"],
                           check=True, capture_output=True)
            for doc in ("exam", "key"):
                target = REVIEW / f"{pid}-{doc}"
                subprocess.run(["pdftoppm", "-png", "-r", str(resolution), "-f", "1", "-l", "1", "-singlefile",
                                str(Path(tmp, "e", f"{doc}.pdf")), str(target)], check=True)
                written.append(target.with_suffix(".png"))
    return written


def analysis_picture() -> str:
    """Analyse a made-up class of 30 (3 versions; some named mistakes and blanks planted, seeded)."""
    import json
    import random
    import shutil

    rng = random.Random(417)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["examgen", "generate", "--versions", "3", "--format", "md", "--out", f"{tmp}/class"],
                       check=True, capture_output=True)
        versions = json.loads(Path(tmp, "class", "key.json").read_text(encoding="utf-8"))["versions"]
        Path(tmp, "subs").mkdir()
        for s in range(30):
            v = versions[s % 3]
            answers = {}
            for p in v["problems"]:
                a = dict(p["answers"])
                if p["mistakes"] and rng.random() < 0.3:
                    a.update(rng.choice(p["mistakes"])["answers"])
                if rng.random() < 0.08:
                    a = {k: None for k in a}
                answers[p["number"]] = a
            Path(tmp, "subs", f"s{s:02d}.json").write_text(
                json.dumps({"exam": v["exam"], "student": f"student {s + 1}", "answers": answers}), encoding="utf-8")
        subprocess.run(["examgen", "analyze", f"{tmp}/class/key.json", f"{tmp}/subs", "--out", f"{tmp}/an"],
                       check=True, capture_output=True)
        shutil.copyfile(Path(tmp, "an", "mistakes.png"), ANALYSIS_PICTURE)
        return Path(tmp, "an", "analysis.md").read_text(encoding="utf-8")


def main() -> int:
    README.write_text(with_catalog(README.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"updated the catalog in {README}")
    exam_picture()
    print(f"wrote {PICTURE}")
    pages = review_pages()
    print(f"wrote {len(pages)} pages for review (exam and key of every problem) to {REVIEW}/")
    page = analysis_picture()
    print(f"wrote {ANALYSIS_PICTURE}; the analysis page for the README:\n{page}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
