"""The default practice final for fixed seeds matches the reviewed golden files.

When a change to a problem or template is intended: `make golden`, review the diff, commit.
"""
import pytest

from make_golden import FILES, GOLDEN, SEEDS, build


@pytest.mark.parametrize("seed", SEEDS)
def test_default_exam_matches_golden_files(tmp_path, seed):
    build(seed, tmp_path)
    for f in FILES:
        golden = (GOLDEN / f"seed-{seed}" / f).read_text(encoding="utf-8")
        assert (tmp_path / f).read_text(encoding="utf-8") == golden, (
            f"{f} for seed {seed} differs from tests/golden; if intended, run `make golden`")
