# hcckit: the two commands a user needs are `make start` and `make test`.
# Everything is installed into ./.venv (created on first use) from pyproject.toml.

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
# JupyterLab refuses to run as root without --allow-root (e.g. in containers and CI).
ROOT_FLAG := $(shell [ "$$(id -u)" = "0" ] && echo --allow-root)

.PHONY: start install test dashboards lint clean

$(BIN)/.hcckit-installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e ".[test]"
	touch $@

install: $(BIN)/.hcckit-installed

## install everything and open the kit in JupyterLab at the landing page
start: install
	$(BIN)/jupyter lab notebooks/00_index.ipynb $(ROOT_FLAG)

## run the whole test suite (unit, notebooks, browser)
test: install
	$(BIN)/python -m pytest

## serve every lesson as a Voila dashboard (landing page: notebooks/00_index.ipynb)
dashboards: install
	$(BIN)/voila notebooks/ --port=8866

lint: install
	$(BIN)/ruff check hcckit tests benchmarks notebooks/solutions
	$(BIN)/ruff format --check hcckit tests benchmarks notebooks/solutions

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
