"""Regenerate the README's problem catalog, its tour and the picture of an exam page (`make docs`),
and render the first page of the exam and the key of every problem to docs/review/ for review.

The catalog sits between the markers `<!-- catalog:start -->` and `<!-- catalog:end -->`, the
tour's blocks between `<!-- tour-NAME:start -->` and `<!-- tour-NAME:end -->`;
tests/test_docs.py fails when they no longer match what examgen does.
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


# The README's tour ("practise, answer, grade") is real output: `examgen generate`, Ada's sheet
# (three problems of the default exam answered: one exactly, one in decimals, one with the union
# mistake and the IOU worked from it) and `examgen grade`, each between its markers.
TOUR = ("generate", "sheet", "grade")
TOUR_PROBLEMS = ("activation-identity", "anchor-labels", "iou")


def tour_markers(name: str) -> tuple[str, str]:
    return f"<!-- tour-{name}:start -->", f"<!-- tour-{name}:end -->"


def _typed(key_problem: dict) -> dict:
    """Ada's answers to one problem, from the key: activation-identity exactly (as a student types
    it), anchor-labels' IOUs in decimals, iou with the union taken as the sum of the areas."""
    from fractions import Fraction

    from examgen.formatting import answer_syntax

    exact = key_problem["answers_exact"]
    if key_problem["id"] == "anchor-labels":
        return {"IOU": "[" + ", ".join(f"{float(Fraction(v)):.3g}" for v in exact["IOU"]) + "]",
                "y_c": "[" + ", ".join(exact["y_c"]) + "]"}
    if key_problem["id"] == "iou":
        union = next(m for m in key_problem["mistakes"] if m["name"] == "union-without-intersection")["answers"]["U"]
        return {"I": exact["I"], "U": f"{union:g}", "IOU": str(Fraction(exact["I"]) / Fraction(f"{union:g}"))}
    return {part: f"'{answer_syntax(v)}'" for part, v in exact.items()}


def tour_blocks() -> dict:
    """{generate, sheet, grade}: the tour's three console and YAML blocks, each fenced; and
    {report}: the path of Ada's report, which the tour's text names."""
    import json

    with tempfile.TemporaryDirectory() as tmp:
        made = subprocess.run(["examgen", "generate"], cwd=tmp, check=True, capture_output=True, text=True).stdout
        key = json.loads(Path(tmp, "exam", "key.json").read_text(encoding="utf-8"))
        chosen = {p["number"]: _typed(p) for p in key["problems"] if p["id"] in TOUR_PROBLEMS}
        sheet, shown, number = [], [], None
        for line in Path(tmp, "exam", "answers.yaml").read_text(encoding="utf-8").splitlines():
            if line.startswith("#"):
                continue
            head = re.match(r"  (\d+):", line)
            number = int(head.group(1)) if head else number
            part = re.match(r"    (\w+):(\s*)~", line)
            if line.startswith("student:"):
                line = 'student: "Ada Lovelace"'
            elif part and number in chosen:
                typed = chosen[number][part.group(1)]
                line = line.replace(f"{part.group(1)}:{part.group(2)}~", f"{part.group(1)}:{part.group(2)}{typed}", 1)
            sheet.append(line)
            if number is None or number in chosen:
                shown.append(line)
        Path(tmp, "exam", "answers.yaml").write_text("\n".join(sheet) + "\n", encoding="utf-8")
        graded = subprocess.run(["examgen", "grade", "exam/key.json", "exam/answers.yaml", "--report", "reports"],
                                cwd=tmp, capture_output=True, text=True).stdout
        report = "reports/" + sorted(f.name for f in Path(tmp, "reports").iterdir())[0]
    out, skipping = [], False
    for line in graded.splitlines():
        head = re.match(r"  (\d+)\. ", line)
        if head:
            skipping = int(head.group(1)) not in chosen
            if skipping and out[-1] != "  ...":
                out.append("  ...")
        if not skipping:
            out.append(line)
    return {"generate": "```console\n$ examgen generate\n" + made.rstrip("\n") + "\n```",
            "sheet": "```yaml\n" + "\n".join(shown) + "\n```",
            "grade": "```console\n$ examgen grade exam/key.json exam/answers.yaml --report reports\n"
                     + "\n".join(out) + "\n```", "report": report}


def with_tour(readme: str, blocks: dict) -> str:
    for name in TOUR:
        start, end = tour_markers(name)
        pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
        readme = pattern.sub(lambda _, n=name, s=start, e=end: f"{s}\n{blocks[n]}\n{e}", readme)
    return readme


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
    README.write_text(with_tour(with_catalog(README.read_text(encoding="utf-8")), tour_blocks()), encoding="utf-8")
    print(f"updated the catalog and the tour in {README}")
    exam_picture()
    print(f"wrote {PICTURE}")
    pages = review_pages()
    print(f"wrote {len(pages)} pages for review (exam and key of every problem) to {REVIEW}/")
    page = analysis_picture()
    print(f"wrote {ANALYSIS_PICTURE}; the analysis page for the README:\n{page}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
