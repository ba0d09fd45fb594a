"""`examgen analyze`: what a graded class says about the exam (item statistics, mistakes, pictures).

The input is the grader's own result rows (`grade.grade_paths`), so a class is graded exactly
once and one way. The statistics are the pure functions of `examgen.stats`; this module only
arranges the rows into score matrices, counts verdicts and named mistakes, and writes
analysis.json, analysis.md and three PNG pictures (matplotlib's Agg, imported lazily).
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

from . import stats
from .safeio import write_atomic

BLANK, CARRIED, WRONG = "blank", "carried", "wrong"
CANDIDATES = 10                      # most frequent unexplained wrong values listed
FEW_STUDENTS = 10                    # below this many, α and r are said to mean little
PICTURES = {"scores": "scores.png", "facility": "facility.png", "mistakes": "mistakes.png"}


# --- the numbers ---------------------------------------------------------------------------------
def analyze(results: list[dict], key) -> dict:
    """The analysis of graded rows against their key (a grade.Key): a JSON-ready dict."""
    from .gradebook import GRADED, blank_sheet, class_rows

    # One submission a student, as the gradebook counts them: a blank sheet is none (it would pull
    # every figure down), and of two files for one version only the counted one is the student's.
    counted = {row["file"] for row in class_rows(key, results) if row["status"] == GRADED}
    graded = [r for r in results if r["status"] == "graded" and r["file"] in counted]
    blank = [r["file"] for r in results if r["status"] == "graded" and blank_sheet(r)]
    extra = [r["file"] for r in results if r["status"] == "graded" and not blank_sheet(r) and r["file"] not in counted]
    skipped = [{"file": r["file"], "error": r["error"]} for r in results if r["status"] != "graded"]
    numbers = sorted({p["number"] for r in graded for p in r["problems"]})
    rows = [{p["number"]: p for p in r["problems"]} for r in graded]
    points = np.array([[row[n]["score"] if n in row else 0.0 for n in numbers] for row in rows], dtype=float)
    points = points.reshape(len(rows), len(numbers))
    total = points.sum(axis=1)
    maximum = max((r["max"] for r in graded), default=0.0)
    problems = [_problem(n, [row.get(n) for row in rows], points[:, i], total, [r["exam"] for r in graded])
                for i, n in enumerate(numbers)]
    return {"students": len(graded), "not_graded": skipped, "blank": blank, "not_counted": extra, "points": maximum,
            "score": _score(total, maximum, points), "problems": problems,
            "mistakes": _mistakes(key, numbers, rows), "candidates": _candidates(graded),
            "pictures": dict(PICTURES)}


def _score(total: np.ndarray, maximum: float, points: np.ndarray) -> dict:
    edges = np.linspace(0, maximum, 11) if maximum > 0 else np.zeros(11)
    counts = [int(((total >= lo) & ((total < hi) if k < 9 else (total <= hi))).sum())
              for k, (lo, hi) in enumerate(zip(edges[:-1], edges[1:]))]
    return {"mean": stats.mean(total), "median": stats.median(total), "sd": stats.sd(total),
            "min": float(total.min()) if total.size else None, "max": float(total.max()) if total.size else None,
            "alpha": stats.cronbach_alpha(points),
            "distribution": [{"from": _r(lo), "to": _r(hi), "count": c}
                             for lo, hi, c in zip(edges[:-1], edges[1:], counts)]}


def _item(score: np.ndarray, maximum: float, total: np.ndarray) -> dict:
    """Facility, spread and discrimination of one item (problem or part) over the class."""
    share = score / maximum if maximum > 0 else np.zeros_like(score)
    return {"facility": stats.mean(share), "sd": stats.sd(share),
            "discrimination": stats.corrected_item_total(score, total),
            "upper_lower": stats.upper_lower(share, total)}


def _rates(parts: list[dict]) -> dict:
    n = len(parts)
    verdicts = Counter(p["verdict"] for p in parts)
    rate = (lambda c: c / n) if n else (lambda c: None)
    carried = sum(c for v, c in verdicts.items() if v.startswith(CARRIED))  # "carried" (forward)
    return {"blank_rate": rate(verdicts[BLANK]), "carried_rate": rate(carried),
            "wrong_rate": rate(verdicts[WRONG]),
            "mistake_rate": rate(sum(1 for p in parts if p.get("mistake")))}


def _problem(number: int, entries: list, score: np.ndarray, total: np.ndarray, exams: list) -> dict:
    present = [e for e in entries if e is not None]
    first = present[0] if present else {"id": "?", "title": "?", "max": 0.0, "parts": []}
    maximum = float(first["max"])
    parts = []
    for k, part in enumerate(first["parts"]):
        rows = [e["parts"][k] for e in present if k < len(e["parts"])]
        part_score = np.array([e["parts"][k]["points"] if e is not None and k < len(e["parts"]) else 0.0
                               for e in entries], dtype=float)
        parts.append({"part": part["part"], "max": part["max"],
                      **_item(part_score, float(part["max"]), total), **_rates(rows)})
    all_parts = [p for e in present for p in e["parts"]]
    return {"number": number, "id": first["id"], "title": first["title"], "max": maximum,
            **_item(score, maximum, total), **_rates(all_parts),
            "versions": _versions(number, score / maximum if maximum > 0 else score, exams), "parts": parts}


def _versions(number: int, share: np.ndarray, exams: list) -> dict:
    """Per version: students and facility; a flag when the versions' facilities differ beyond chance."""
    groups = np.array(exams, dtype=object)
    per = [{"exam": g, "students": int((groups == g).sum()), "facility": stats.mean(share[groups == g])}
           for g in sorted(set(exams))]
    p = stats.group_difference_p(share, groups.astype(str), np.random.default_rng([11, number]))
    return {"p_value": p, "flag": p is not None and p < stats.VERSION_ALPHA, "groups": per}


def _mistakes(key, numbers: list[int], rows: list[dict]) -> list[dict]:
    """Every named mistake of each slot: students who made it and the share of wrong parts it explains."""
    named = defaultdict(dict)                         # number -> {mistake name: problem id}
    for version in key.versions.values():
        for n, kp in version.problems.items():
            for part in kp.parts.values():
                for name, _, _ in part.mistakes:
                    named[n].setdefault(name, kp.id)
    out = []
    for n in numbers:
        parts = [p for row in rows if n in row for p in row[n]["parts"]]
        wrong = sum(p["verdict"] == WRONG for p in parts)
        for name, pid in sorted(named[n].items()):
            students = sum(any(p.get("mistake") == name for p in row[n]["parts"]) for row in rows if n in row)
            explained = sum(p.get("mistake") == name for p in parts)
            out.append({"name": name, "id": pid, "number": n, "count": students, "parts": explained,
                        "share_of_wrong": explained / wrong if wrong else None})
    return sorted(out, key=lambda m: (-m["count"], m["number"], m["name"]))


def _candidates(graded: list[dict]) -> list[dict]:
    """The most frequent wrong answers that no named mistake explains (per version: values differ)."""
    seen = Counter()
    ids = {}
    for r in graded:
        for prob in r["problems"]:
            for p in prob["parts"]:
                if p["verdict"] == WRONG and not p.get("mistake") and p["given"]:
                    k = (prob["number"], p["part"], r["exam"], "".join(p["given"].split()))
                    seen[k] += 1
                    ids[k] = (prob["id"], p["expected"])
    top = sorted((c, k) for k, c in seen.items() if c >= 2)
    top = sorted(top, key=lambda ck: (-ck[0], ck[1]))[:CANDIDATES]
    return [{"number": k[0], "id": ids[k][0], "part": k[1], "exam": k[2], "given": k[3],
             "expected": ids[k][1], "count": c} for c, k in top]


def _r(x) -> float:
    return round(float(x) + 0.0, 4)


# --- the files -----------------------------------------------------------------------------------
def write(analysis: dict, out) -> list[Path]:
    """analysis.json, analysis.md and the pictures in folder `out`; returns the paths written."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, png in pictures(analysis).items():
        path = out / PICTURES[name]
        write_atomic(path, png)
        written.append(path)
    write_atomic(out / "analysis.json", json.dumps(analysis, indent=1, ensure_ascii=False, allow_nan=False) + "\n")
    write_atomic(out / "analysis.md", markdown(analysis))
    return [out / "analysis.md", out / "analysis.json", *written]


def _f(x, digits: int = 2) -> str:
    return "n/a" if x is None else f"{x:.{digits}f}"


def _p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _pct(x) -> str:
    return "n/a" if x is None else f"{100 * x:.0f}%"


def markdown(a: dict) -> str:
    """The analysis as a Markdown page with its pictures."""
    s = a["score"]
    few = (["", f"With {a['students']} student{'s' * (a['students'] != 1)} these figures say little: α and the "
                 f"discrimination r need "
                 f"about {FEW_STUDENTS} or more (α can even come out negative)."]
           if 0 < a["students"] < FEW_STUDENTS else [])
    out = ["# Class analysis", "",
           f"{a['students']} student(s) graded" + (f"; {len(a['not_graded'])} file(s) could not be graded"
                                                  if a["not_graded"] else "")
           + (f"; {len(a['blank'])} blank sheet(s) left out" if a["blank"] else "")
           + (f"; {len(a['not_counted'])} second submission(s) for a version left out (the gradebook counts "
              "one a student)" if a["not_counted"] else "") + ".", "",
           f"- Score: mean {_f(s['mean'])}, median {_f(s['median'])}, SD {_f(s['sd'])}, "
           f"range {_f(s['min'])}–{_f(s['max'])} of {a['points']:g} points",
           f"- Cronbach's α (problems as items): {_f(s['alpha'])}", *few, "",
           f"![Histogram of total scores]({PICTURES['scores']})", "",
           "## Problems", "",
           "Facility: mean share of the points. Discrimination: correlation of the problem's score with the "
           "total of the other problems (r) and the facility of the top 27% minus that of the bottom 27% (D).",
           "", "| # | problem | facility | SD | r | D | blank | carried | wrong | versions differ? |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for p in a["problems"]:
        v = p["versions"]
        differ = "n/a" if v["p_value"] is None else ("**yes**" if v["flag"] else "no") + f" ({_p(v['p_value'])})"
        out.append(f"| {p['number']} | {p['id']} | {_f(p['facility'])} | {_f(p['sd'])} | {_f(p['discrimination'])} | "
                   f"{_f(p['upper_lower'])} | {_pct(p['blank_rate'])} | {_pct(p['carried_rate'])} | "
                   f"{_pct(p['wrong_rate'])} | {differ} |")
    out += ["", f"![Facility per problem]({PICTURES['facility']})", "",
            f"Versions differ: a permutation test ({stats.PERMUTATIONS} shuffles) of the spread of the versions' "
            f"mean shares, over versions with at least two students; flagged when p < {stats.VERSION_ALPHA}.", ""]
    flagged = [p for p in a["problems"] if p["versions"]["flag"]]
    for p in flagged:
        groups = ", ".join(f"{g['exam']} {_f(g['facility'])} (n={g['students']})" for g in p["versions"]["groups"])
        out.append(f"- Problem {p['number']} ({p['id']}): facility by version {groups}")
    out += [""] if flagged else []
    out += ["## Parts", "", "| # | part | facility | SD | r | D | blank | carried | wrong | named mistake |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for p in a["problems"]:
        for q in p["parts"]:
            out.append(f"| {p['number']} | `{q['part']}` | {_f(q['facility'])} | {_f(q['sd'])} | "
                       f"{_f(q['discrimination'])} | {_f(q['upper_lower'])} | {_pct(q['blank_rate'])} | "
                       f"{_pct(q['carried_rate'])} | {_pct(q['wrong_rate'])} | {_pct(q['mistake_rate'])} |")
    out += ["", "## Named mistakes", "",
            "Students: how many made the mistake (in any part). Explains: the share of the problem's wrong "
            "parts that the mistake accounts for.", "",
            "| # | problem | mistake | students | explains |", "|---|---|---|---|---|"]
    for m in a["mistakes"]:
        out.append(f"| {m['number']} | {m['id']} | {m['name']} | {m['count']} | {_pct(m['share_of_wrong'])} |")
    out += ["", f"![Named mistakes]({PICTURES['mistakes']})", "", "## Wrong answers no mistake explains", ""]
    if a["candidates"]:
        out += ["Given by two or more students of the same version: candidates for new named mistakes.", "",
                "| # | problem | part | version | given | expected | students |", "|---|---|---|---|---|---|---|"]
        for c in a["candidates"]:
            out.append(f"| {c['number']} | {c['id']} | `{c['part']}` | {c['exam']} | `{_cell(c['given'])}` | "
                       f"`{_cell(c['expected'])}` | {c['count']} |")
    else:
        out.append("None given by two or more students of the same version.")
    if a["not_graded"]:
        out += ["", "## Not graded", ""] + [f"- `{_cell(x['file'])}`: {_cell(x['error'])}" for x in a["not_graded"]]
    return "\n".join(out) + "\n"


def _cell(s: str) -> str:
    return str(s).replace("|", "\\|").replace("`", "'").replace("\n", " ")


# --- the pictures ----------------------------------------------------------------------------------
def pictures(a: dict) -> dict[str, bytes]:
    """PNG bytes of the three pictures (the same bytes for the same analysis).

    Figures are made with matplotlib's object API and drawn by Agg: no pyplot, no display and
    no change to the caller's matplotlib backend.
    """
    import matplotlib
    from matplotlib.figure import Figure

    style = {"font.family": "DejaVu Sans", "font.size": 9, "svg.hashsalt": "examgen", "figure.dpi": 100}
    out = {}
    with matplotlib.rc_context(style):
        fig = Figure(figsize=(6, 3))
        ax = fig.subplots()
        d = a["score"]["distribution"]
        ax.bar([x["from"] for x in d], [x["count"] for x in d], width=[x["to"] - x["from"] for x in d],
               align="edge", color="#4477aa", edgecolor="white")
        ax.set(xlabel=f"total score (of {a['points']:g} points)", ylabel="students",
               title=f"Scores of {a['students']} student(s)")
        ax.yaxis.get_major_locator().set_params(integer=True)
        out["scores"] = _png(fig)

        fig = Figure(figsize=(6, 3))
        ax = fig.subplots()
        probs = a["problems"]
        ax.bar([f"P{p['number']}" for p in probs], [p["facility"] or 0.0 for p in probs], color="#228833")
        ax.set(ylim=(0, 1), ylabel="facility (mean share of points)", title="Facility per problem")
        out["facility"] = _png(fig)

        made = [m for m in a["mistakes"] if m["count"]][:15][::-1]
        fig = Figure(figsize=(6, max(2.0, 0.3 * len(made) + 1)))
        ax = fig.subplots()
        if made:
            ax.barh([f"P{m['number']} {m['name']}" for m in made], [m["count"] for m in made], color="#cc6677")
            ax.xaxis.get_major_locator().set_params(integer=True)
        else:
            ax.text(0.5, 0.5, "no named mistake was made", ha="center", va="center", transform=ax.transAxes)
            ax.set_yticks([])
        ax.set(xlabel="students", title="Named mistakes")
        out["mistakes"] = _png(fig)
    return out


def _png(fig) -> bytes:
    import io

    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png", metadata={"Software": None})  # no version stamp: same bytes anywhere
    return buf.getvalue()
