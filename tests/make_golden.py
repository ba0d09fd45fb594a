"""Regenerate tests/golden/ on purpose: `make golden`, then review `git diff tests/golden`.

Golden files pin what the default practice final looks like for a few seeds. They change
whenever a problem, a template or the bank changes; regenerate them only when the change
is intended.
"""
import shutil
import subprocess
import sys
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden"
SEEDS = (0, 1)
FILES = ("exam.md", "key.md", "exam.tex", "answers.yaml")
LMS_SPEC = Path(__file__).parent / "data" / "lms_spec.yaml"
LMS_FILES = ("moodle.xml", "qti.zip")  # two versions of a small exam, exported for Moodle and Canvas


def build(seed: int, out: Path) -> None:
    subprocess.run(["examgen", "generate", "--seed", str(seed), "--out", str(out), "--format", "md,tex",
                    "--force"], check=True)


def build_lms(out: Path) -> None:
    # a class without --seed gets a fresh secret base seed: pin it
    subprocess.run(["examgen", "generate", "--spec", str(LMS_SPEC), "--versions", "2", "--seed", "0", "--out", str(out),
                    "--format", "moodle,qti", "--force"], check=True, capture_output=True)


def main() -> int:
    for seed in SEEDS:
        tmp = GOLDEN / f".tmp-{seed}"
        build(seed, tmp)
        target = GOLDEN / f"seed-{seed}"
        target.mkdir(parents=True, exist_ok=True)
        for f in FILES:
            shutil.copyfile(tmp / f, target / f)
        shutil.rmtree(tmp)
        print(f"wrote {target}")
    tmp, target = GOLDEN / ".tmp-lms", GOLDEN / "lms"
    build_lms(tmp)
    target.mkdir(parents=True, exist_ok=True)
    for f in LMS_FILES:
        shutil.copyfile(tmp / f, target / f)
    shutil.rmtree(tmp)
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
