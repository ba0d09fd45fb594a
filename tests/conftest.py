import pytest

from examgen.bank import load_bank

BANK = load_bank()
PROBLEM_IDS = list(BANK)


def pytest_addoption(parser):
    parser.addoption("--seeds", type=int, default=200, help="seeds per problem and profile in stress tests")


@pytest.fixture
def seeds(request):
    return range(request.config.getoption("--seeds"))


GRADING_SEEDS = 50  # grading every instance costs more than drawing it: 50 seeds (round 1's figure)


@pytest.fixture
def grading_seeds(request):
    """The first min(--seeds, 50) seeds, for tests that grade (or re-check) every instance."""
    return range(min(request.config.getoption("--seeds"), GRADING_SEEDS))
