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


# The longest single tests (compiling dozens of documents) run first: pytest-xdist hands tests
# out in collection order, and one of them started last keeps one worker busy alone at the end.
LONG_FIRST = ("test_layout.py", "test_class_pdf.py", "test_pdf.py", "test_carry.py")


def pytest_collection_modifyitems(config, items):
    def rank(item):
        name = item.nodeid.split("::")[0].rsplit("/", 1)[-1]
        return LONG_FIRST.index(name) if name in LONG_FIRST else len(LONG_FIRST)

    items.sort(key=rank)   # stable: the order within each file is kept
