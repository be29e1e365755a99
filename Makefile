# The README's two commands: `make run` and `make test`. Everything installs into .venv with pip.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: install
	$(BIN)/hotline serve --prepare --worker

test: install
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) var .pytest_cache *.egg-info
