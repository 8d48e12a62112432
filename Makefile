# The two commands of the README: `make demo` and `make test`. Both build .venv/ from the
# repo's own pinned files when it is missing or out of date.
PYTHON ?= python3.11
VENV := .venv
STAMP := $(VENV)/.installed
# Two workers: the suite is sized for a 2-core machine.
PYTEST_ARGS ?= -n 2

.PHONY: demo test venv clean

venv: $(STAMP)

$(STAMP): requirements.txt constraints.txt pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet pip==26.3
	$(VENV)/bin/python -m pip install --quiet -r requirements.txt -c constraints.txt
	$(VENV)/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/smcc demo

test: $(STAMP)
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf var/ artifacts/
