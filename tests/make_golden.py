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


def build(seed: int, out: Path) -> None:
    subprocess.run(["examgen", "generate", "--seed", str(seed), "--out", str(out), "--format", "md,tex",
                    "--force"], check=True)


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
    return 0


if __name__ == "__main__":
    sys.exit(main())
