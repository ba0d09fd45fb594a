import pytest

from examgen.bank import load_bank

BANK = load_bank()
PROBLEM_IDS = list(BANK)


def pytest_addoption(parser):
    parser.addoption("--seeds", type=int, default=200, help="seeds per problem and profile in stress tests")


@pytest.fixture
def seeds(request):
    return range(request.config.getoption("--seeds"))
