"""`examgen analyze`: what a graded class says about the exam (item statistics, mistakes, pictures).

The input is the grader's own result rows (`grade.grade_paths`), so a class is graded exactly
once and one way. The statistics are the pure functions of `examgen.stats`; this module only
arranges the rows into score matrices, counts verdicts and named mistakes, and writes
analysis.json, analysis.md and three PNG pictures (matplotlib's Agg, imported lazily).

Wrong answers that no named mistake explains are grouped by how they relate to each student's
own key (`RELATIONS`: −1 ×, 2 ×, ½ ×, 1 / the key, 1 − the key, the key ± 1, 10 × or 1/10 ×,
transposed, one factor or one amount for every entry of a vector or matrix), checked with the
grader's tolerance rule in every entry, so that one error made on different numbers (a roster
class: a version a student) is one row; what no relation groups is grouped by its value within
a version (a shared version: `--versions`, a practice key).
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

from . import stats
from .compare import all_close, fit_shape, right_entries, transposed
from .grade import DROPPED, FULL_MARKS
from .safeio import write_atomic

BLANK, CARRIED, WRONG, UNREADABLE = "blank", "carried", "wrong", "unreadable"
RIGHT = ("correct", "within tolerance")
EARNED_NOTHING = (WRONG, UNREADABLE)  # an unreadable answer earned 0 as a wrong one did: counted with them
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
    # a problem settled after the exam (dropped, or full marks for everyone) measures nothing: not an item of α
    items = [i for i, p in enumerate(problems) if not p["settled"]]
    return {"students": len(graded), "not_graded": skipped, "blank": blank, "not_counted": extra, "points": maximum,
            "score": _score(total, maximum, points[:, items]), "problems": problems,
            "mistakes": _mistakes(key, numbers, rows), "candidates": _candidates(key, graded),
            "pictures": dict(PICTURES)}


def _score(total: np.ndarray, maximum: float, points: np.ndarray) -> dict:
    edges = np.linspace(0, maximum, 11) if maximum > 0 else np.zeros(11)
    counts = [int(((total >= lo) & ((total < hi) if k < 9 else (total <= hi))).sum())
              for k, (lo, hi) in enumerate(zip(edges[:-1], edges[1:]))]
    return {"mean": stats.mean(total), "median": stats.median(total), "sd": stats.sd(total),
            "min": float(total.min()) if total.size else None, "max": float(total.max()) if total.size else None,
            "alpha": stats.cronbach_alpha(points), "alpha_undefined": stats.alpha_undefined(points),
            "distribution": [{"from": _r(lo), "to": _r(hi), "count": c}
                             for lo, hi, c in zip(edges[:-1], edges[1:], counts)]}


def _item(score: np.ndarray, maximum: float, total: np.ndarray) -> dict:
    """Facility, spread and discrimination of one item (problem or part) over the class; all None
    for an item worth nothing (a problem dropped after the exam): no share of 0 points."""
    if maximum <= 0:
        return {"facility": None, "sd": None, "discrimination": None, "upper_lower": None}
    share = score / maximum
    return {"facility": stats.mean(share), "sd": stats.sd(share),
            "discrimination": stats.corrected_item_total(score, total),
            "upper_lower": stats.upper_lower(share, total)}


def _rates(parts: list[dict]) -> dict:
    """Shares of the answers by verdict: right + blank + carried + wrong = 1, an unreadable answer
    counted with the wrong ones (it earned 0 as they did; `unreadable_rate` is its share of them)."""
    n = len(parts)
    verdicts = Counter(p["verdict"] for p in parts)
    rate = (lambda c: c / n) if n else (lambda c: None)
    carried = sum(c for v, c in verdicts.items() if v.startswith(CARRIED))  # "carried" (forward)
    return {"right_rate": rate(sum(verdicts[v] for v in RIGHT)), "blank_rate": rate(verdicts[BLANK]),
            "carried_rate": rate(carried), "wrong_rate": rate(sum(verdicts[v] for v in EARNED_NOTHING)),
            "unreadable_rate": rate(verdicts[UNREADABLE]),
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
            "settled": first.get("settled"),   # "dropped" or "full marks" after the exam (regrade), else None
            **_item(score, maximum, total), **_rates(all_parts),
            "versions": _versions(number, score / maximum, exams) if maximum > 0 and not first.get("settled")
            else {"p_value": None, "flag": False, "groups": []}, "parts": parts}


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
        wrong = sum(p["verdict"] in EARNED_NOTHING for p in parts)
        for name, pid in sorted(named[n].items()):
            students = sum(any(p.get("mistake") == name for p in row[n]["parts"]) for row in rows if n in row)
            explained = sum(p.get("mistake") == name for p in parts)
            out.append({"name": name, "id": pid, "number": n, "count": students, "parts": explained,
                        "share_of_wrong": explained / wrong if wrong else None})
    return sorted(out, key=lambda m: (-m["count"], m["number"], m["name"]))


def _candidates(key, graded: list[dict]) -> list[dict]:
    """The wrong answers no named mistake explains, grouped so that one error of several students
    is one row: first by how the answer relates to the student's own key (`RELATIONS`, in every
    entry within the grader's tolerance), across versions; what no relation groups, by its value
    within one version. A group needs two or more students; the CANDIDATES largest are kept."""
    slots = defaultdict(list)             # (number, id, part) -> the unexplained wrong answers
    for r in graded:
        version = key.versions.get(r["exam"])
        for prob in r["problems"]:
            kp = version.problems.get(prob["number"]) if version else None
            for p in prob["parts"]:
                if p["verdict"] == WRONG and not p.get("mistake") and p["given"]:
                    part = kp.parts.get(p["part"]) if kp else None
                    slots[prob["number"], prob["id"], p["part"]].append(
                        {"exam": r["exam"], "given": p["given"], "expected": p["expected"],
                         "relations": relations(part, p["given"]) if part is not None else {},
                         "entries": int(np.size(part.expected)) if _numeric(part) else 1})
    rows, left = [], []
    for (number, pid, name), answers in sorted(slots.items()):
        groups, rest = _related(answers)
        for relation, members in groups:
            ex = min(members, key=lambda a: (a["exam"], a["given"]))
            rows.append({"number": number, "id": pid, "part": name, "relation": relation,
                         "says": _says(relation, members), "count": len(members),
                         "versions": len({a["exam"] for a in members}),
                         "exam": ex["exam"], "given": ex["given"], "expected": ex["expected"]})
        left += [(number, pid, name, a) for a in rest]
    seen = Counter((n, name, a["exam"], "".join(a["given"].split())) for n, _, name, a in left)
    ids = {(n, name, a["exam"], "".join(a["given"].split())): (pid, a["expected"]) for n, pid, name, a in left}
    for k, c in sorted(seen.items()):
        if c >= 2:
            rows.append({"number": k[0], "id": ids[k][0], "part": k[1], "relation": None,
                         "says": "the same value", "count": c, "versions": 1,
                         "exam": k[2], "given": k[3], "expected": ids[k][1]})
    order = {name: i for i, (name, _, _) in enumerate(RELATIONS)}
    rows.sort(key=lambda c: (-c["count"], c["number"], c["part"], c["relation"] is None,
                             order.get(c["relation"], 0), c["exam"], c["given"]))
    return rows[:CANDIDATES]


# How a wrong answer may relate to the key's, in the order ties are settled. Each is checked entry
# by entry with the grader's rule (`compare.right_entries`: the part's rtol/atol and its sign rule)
# against the key's value changed so; a change that leaves the key within tolerance is no relation.
# "scaled" and "shifted" (a vector or matrix: one factor k, or one amount c, for every entry, the
# key's entries not all the same) are tried for an answer only when none of the named ones holds
# for two or more students, so that "2 × the key" is not hidden among "k × the key".
RELATIONS = (
    ("negated", "−1 × the key (the sign flipped)", lambda e: -e),
    ("doubled", "2 × the key", lambda e: 2 * e),
    ("halved", "½ × the key", lambda e: e / 2),
    ("reciprocal", "1 / the key", lambda e: 1 / e),
    ("one-minus", "1 − the key", lambda e: 1 - e),
    ("plus-one", "the key + 1", lambda e: e + 1),
    ("minus-one", "the key − 1", lambda e: e - 1),
    ("times-ten", "10 × the key (a decimal point slip)", lambda e: 10 * e),
    ("tenth", "1/10 × the key (a decimal point slip)", lambda e: e / 10),
    ("transposed", "the key transposed", None),
    ("scaled", "k × the key, one k for every entry", None),
    ("shifted", "the key + c, one c for every entry", None),
)
GENERIC = ("scaled", "shifted")
_WORDS = {name: words for name, words, _ in RELATIONS}


def _numeric(part) -> bool:
    return part is not None and part.kind not in ("expression", "choice")


def given_values(part, text: str):
    """The numbers of a wrong answer's text as the grade row keeps it (`given`), read by the
    grader's reader in the key's shape where it fits; None when unreadable or cut short (…)."""
    from .expr import ExpressionError
    from .grade import read_numbers

    if not _numeric(part) or not text or text.endswith("…"):
        return None
    try:
        raw = json.loads(text)
    except ValueError:
        raw = text
    try:
        values, _, bad, _ = read_numbers(raw, part.name, part.expected.shape)
    except (ExpressionError, TypeError, ValueError, RecursionError):
        return None
    if bad.any() or not np.all(np.isfinite(values)):
        return None
    return values


def relations(part, text: str) -> dict:
    """Every relation of RELATIONS that the answer `text` bears to the key's answer to `part` in
    each of its entries, within the part's tolerance: name -> k or c ("scaled", "shifted"), else None."""
    values = given_values(part, text)
    if values is None:
        return {}
    e = np.asarray(part.expected, dtype=float)
    out = {}
    if e.ndim >= 2 and transposed(values, e, part.rtol, part.atol):
        out["transposed"] = None
    g, _ = fit_shape(values, e.shape, part.dims, e, part.rtol, part.atol)
    if g is None:
        return out
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for name, _, change in RELATIONS:
            if change is not None and _holds(g, change(e), part):
                out[name] = None
        if e.size < 2 or all_close(e, np.full(e.shape, e.flat[0]), part.rtol, part.atol):
            return out      # one number, or the same in every entry: any answer is some k × or c +
        clear = np.abs(e) > part.atol        # entries that say which k it is
        if clear.sum() >= 2:
            i = np.unravel_index(np.argmax(np.abs(e)), e.shape)
            k = float(g[i] / e[i])
            if np.isfinite(k) and not all_close(k * e, np.zeros(e.shape), part.rtol, part.atol) \
                    and _holds(g, k * e, part):
                out["scaled"] = k
        c = float(np.median(g - e))
        if _holds(g, e + c, part):
            out["shifted"] = c
    return out


def _holds(g: np.ndarray, target: np.ndarray, part) -> bool:
    """The answer is the key changed to `target`, by the grader's rule in every entry, and the
    change moves the key beyond its tolerance."""
    target = np.asarray(target, dtype=float)
    if not np.all(np.isfinite(target)) or all_close(target, part.expected, part.rtol, part.atol):
        return False
    ok, _ = right_entries(g, target, part.rtol, part.atol, np.zeros(g.shape, dtype=bool), part.exact_texts)
    return bool(ok.all())


def _related(answers: list[dict]) -> tuple[list, list]:
    """([(relation, answers)], answers left): the relation that holds for most of the answers not
    yet grouped takes them, while it holds for two or more; named relations before the generic."""
    left = list(answers)
    groups = []
    for tier in ([n for n, _, _ in RELATIONS if n not in GENERIC], list(GENERIC)):
        while True:
            support = {n: [a for a in left if n in a["relations"]] for n in tier}
            best = max(tier, key=lambda n: (len(support[n]), -tier.index(n)))
            if len(support[best]) < 2:
                break
            groups.append((best, support[best]))
            left = [a for a in left if best not in a["relations"]]
    return groups, left


def _says(relation: str, members: list[dict]) -> str:
    """The relation in words: "given = ½ × the key", "… in every entry", with k or c listed."""
    words = "given = " + _WORDS[relation]
    if relation in GENERIC:
        values = sorted({float(f"{a['relations'][relation]:.3g}") for a in members})
        shown = ", ".join(f"{v:g}".replace("-", "−") for v in values[:4]) + (", …" if len(values) > 4 else "")
        return f"{words} ({'c' if relation == 'shifted' else 'k'} = {shown})"
    if relation != "transposed" and any(a["entries"] > 1 for a in members):
        words += " in every entry"
    return words


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


def alpha_text(score: dict) -> str:
    """Cronbach's α as shown: its value, or n/a with why (0.00 from one varying problem said nothing)."""
    why = score.get("alpha_undefined")
    return f"n/a ({why})" if score["alpha"] is None and why else _f(score["alpha"])


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
           f"- Cronbach's α (problems as items): {alpha_text(s)}", *few, "",
           f"![Histogram of total scores]({PICTURES['scores']})", "",
           "## Problems", "",
           "Facility: mean share of the points. Discrimination: correlation of the problem's score with the "
           "total of the other problems (r) and the facility of the top 27% minus that of the bottom 27% (D). "
           "Right, blank, carried, wrong: the shares of the answers (parts) by verdict, adding up to 100%; an "
           "unreadable answer earned nothing and counts as wrong.",
           *_settled_lines(a), "", "| # | problem | facility | SD | r | D | right | blank | carried | wrong | "
           "versions differ? |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for p in a["problems"]:
        v = p["versions"]
        differ = "n/a" if v["p_value"] is None else ("**yes**" if v["flag"] else "no") + f" ({_p(v['p_value'])})"
        facility = {DROPPED: "dropped", FULL_MARKS: "full marks"}.get(p["settled"]) or _f(p["facility"])
        out.append(f"| {p['number']} | {p['id']} | {facility} | {_f(p['sd'])} | {_f(p['discrimination'])} | "
                   f"{_f(p['upper_lower'])} | {_pct(p['right_rate'])} | {_pct(p['blank_rate'])} | "
                   f"{_pct(p['carried_rate'])} | {_pct(p['wrong_rate'])} | {differ} |")
    out += ["", f"![Facility per problem]({PICTURES['facility']})", "",
            f"Versions differ: a permutation test ({stats.PERMUTATIONS} shuffles) of the spread of the versions' "
            f"mean shares, over versions with at least two students; flagged when p < {stats.VERSION_ALPHA}.", ""]
    flagged = [p for p in a["problems"] if p["versions"]["flag"]]
    for p in flagged:
        groups = ", ".join(f"{g['exam']} {_f(g['facility'])} (n={g['students']})" for g in p["versions"]["groups"])
        out.append(f"- Problem {p['number']} ({p['id']}): facility by version {groups}")
    out += [""] if flagged else []
    out += ["## Parts", "", "| # | part | facility | SD | r | D | right | blank | carried | wrong | named mistake |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    for p in a["problems"]:
        for q in p["parts"]:
            facility = "dropped" if p["settled"] == DROPPED else _f(q["facility"])
            out.append(f"| {p['number']} | `{q['part']}` | {facility} | {_f(q['sd'])} | "
                       f"{_f(q['discrimination'])} | {_f(q['upper_lower'])} | {_pct(q['right_rate'])} | "
                       f"{_pct(q['blank_rate'])} | {_pct(q['carried_rate'])} | {_pct(q['wrong_rate'])} | "
                       f"{_pct(q['mistake_rate'])} |")
    out += ["", "## Named mistakes", "",
            "Students: how many made the mistake (in any part). Explains: the share of the problem's wrong "
            "parts that the mistake accounts for.", "",
            "| # | problem | mistake | students | explains |", "|---|---|---|---|---|"]
    for m in a["mistakes"]:
        out.append(f"| {m['number']} | {m['id']} | {m['name']} | {m['count']} | {_pct(m['share_of_wrong'])} |")
    out += ["", f"![Named mistakes]({PICTURES['mistakes']})", "", "## Wrong answers no mistake explains", ""]
    related = [c for c in a["candidates"] if c["relation"]]
    same = [c for c in a["candidates"] if not c["relation"]]
    if related:
        out += ["The same relation to each student's own key, in every entry within the grading tolerance, in "
                "two or more students' answers: candidates for new named mistakes.", "",
                "| # | problem | part | the wrong answers | students | versions | for example |",
                "|---|---|---|---|---|---|---|"]
        for c in related:
            out.append(f"| {c['number']} | {c['id']} | `{c['part']}` | {_cell(c['says'])} | {c['count']} | "
                       f"{c['versions']} | `{_cell(c['given'])}` for `{_cell(c['expected'])}` |")
        out += [""] if same else []
    if same:
        out += [("The same wrong value" if related else "Given") + " by two or more students of the same version"
                + (", related to the key in none of the ways above" if related else "")
                + ": candidates for new named mistakes.", "",
                "| # | problem | part | version | given | expected | students |", "|---|---|---|---|---|---|---|"]
        for c in same:
            out.append(f"| {c['number']} | {c['id']} | `{c['part']}` | {c['exam']} | `{_cell(c['given'])}` | "
                       f"`{_cell(c['expected'])}` | {c['count']} |")
    if not a["candidates"]:
        out.append("None: no wrong answer bears the same relation to the key (such as ½ × the key) in two or more "
                   "students' answers, and none was given by two or more students of the same version.")
    if a["not_graded"]:
        out += ["", "## Not graded", ""] + [f"- `{_cell(x['file'])}`: {_cell(x['error'])}" for x in a["not_graded"]]
    return "\n".join(out) + "\n"


def _settled_lines(a: dict) -> list[str]:
    """The problems settled after the exam (a regrading spec), said under the table's legend."""
    out = []
    for p in a["problems"]:
        if p["settled"] == DROPPED:
            out.append(f"- Problem {p['number']} ({p['id']}) was dropped: out of every total, and of α; its "
                       "verdicts still show how the class answered it.")
        elif p["settled"] == FULL_MARKS:
            out.append(f"- Problem {p['number']} ({p['id']}) gave everyone full marks: not an item of α; its "
                       "parts show what the answers themselves earned.")
    return [""] + out if out else []


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
        ax.bar([f"P{p['number']}" + ("\n(dropped)" if p["settled"] == DROPPED else "") for p in probs],
               [p["facility"] or 0.0 for p in probs], color="#228833")
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
