# examgen: `make demo` writes a practice exam to ./exam; `make test` runs the tests.
# Both install examgen (not editable: as users get it) into a virtualenv in .venv.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: install demo test test-fast lint bench bench-ab golden docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

install: $(BIN)/python ## install examgen and its test tools into .venv
	$(BIN)/python -m pip install --quiet --disable-pip-version-check ".[test]"

demo: install ## a practice final from the default bank in ./exam
	$(BIN)/examgen generate --out exam

# pytest exits 5 when it collected no tests: that is a failure here, never a pass.
# -n auto: one pytest-xdist worker per core (the tests share no files; each writes in tmp_path).
test: install ## the whole test suite, against the installed package
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/pytest -n auto $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$rc

test-fast: install ## the suite with fewer seeds and without TeX
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/pytest -n auto --seeds 20 -m "not tex" $(PYTEST_ARGS)

lint: install
	$(BIN)/python -m pip install --quiet --disable-pip-version-check ruff
	$(BIN)/ruff check examgen tests benchmarks problem_bank docs

bench: install ## print every performance figure against its target, then the bank's per-id table
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python benchmarks/bench.py; rc=$$?; \
	$(BIN)/python benchmarks/bank_table.py --seeds 100 || rc=1; exit $$rc

bench-ab: install ## this checkout against BASE (default main) at one default-exam version, in alternating processes
	$(BIN)/python benchmarks/ab.py $(or $(BASE),main)

golden: install ## regenerate tests/golden on purpose (review the diff before committing)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python tests/make_golden.py

docs: install ## the README's catalog table and exam picture (docs/exam-page.png)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python docs/make_docs.py

clean:
	rm -rf $(VENV) build *.egg-info exam worksheet.*
