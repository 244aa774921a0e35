# hcckit: the two commands a user needs are `make start` and `make test`.
# Everything is installed into ./.venv (created on first use) from pyproject.toml.

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
# JupyterLab refuses to run as root without --allow-root (e.g. in containers and CI).
ROOT_FLAG := $(shell [ "$$(id -u)" = "0" ] && echo --allow-root)

# The kit's Jupyter settings live in the repository (binder/start sets the same two variables):
#   jupyter-config/  voila.json (template, no tracebacks, cell timeout, served files) and the
#                    matching cell timeout for Voila inside JupyterLab (jupyter_server_config.json)
#   jupyter-data/    the "hcckit" Voila template (Voila's lab template without CDN requests)
export JUPYTER_CONFIG_PATH := $(CURDIR)/jupyter-config$(if $(JUPYTER_CONFIG_PATH),:$(JUPYTER_CONFIG_PATH))
export JUPYTER_PATH := $(CURDIR)/jupyter-data$(if $(JUPYTER_PATH),:$(JUPYTER_PATH))

# Dashboards: 127.0.0.1 (this computer, e.g. the projector) unless HOST=0.0.0.0 is given to
# serve the classroom network (no login unless TOKEN is set: see docs/CLASSROOM_SERVER.md).
HOST ?= 127.0.0.1
PORT ?= 8866
# WARM=n keeps n kernels of LESSON started and executed in advance (Voila's pre-heated kernels):
# start it a few minutes before class, e.g.  make dashboards WARM=30 LESSON=02_response_criteria.ipynb
# (a used kernel is replaced 5 minutes later, so refilling does not slow students' first page)
WARM ?= 0
LESSON ?= 00_index.ipynb
# MAX_KERNELS=n: at most n lesson pages (kernels, WARM ones included) at once; a page beyond it
# gets "The class is full ... Retry in a minute." Default: what fits in the memory available
# at start-up, 300 MB per kernel (hcckit/classroom.py; docs/CLASSROOM_SERVER.md).
MAX_KERNELS ?=
# TOKEN=word: pages only with the word (link ...?token=word, or typed on the login page);
# use it with HOST=0.0.0.0 on any network you do not trust.
TOKEN ?=
comma := ,
WARM_ARGS = $(if $(filter-out 0,$(WARM)),--preheat_kernel=True '--VoilaKernelManager.kernel_pools_config={"default": {"pool_size": 0}$(comma) "$(LESSON)": {"pool_size": $(WARM)}}' --VoilaKernelManager.fill_delay=300)
SERVER_ARGS = $(if $(MAX_KERNELS),--ClassroomKernelManager.max_kernels=$(MAX_KERNELS)) $(if $(TOKEN),'--token=$(TOKEN)')

.PHONY: start install test fuzz dashboards bench figures lint clean

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

## the long property run: 1,000 generated bad inputs per public function (a few minutes; `make test` runs 200)
fuzz: install
	HCCKIT_FUZZ=nightly $(BIN)/python -m pytest -m fuzz -p no:cacheprovider

## serve every lesson as a Voila dashboard; landing page: http://HOST:PORT/voila/render/00_index.ipynb
dashboards: install
	@echo "Landing page: http://$(HOST):$(PORT)/voila/render/00_index.ipynb$(if $(TOKEN),?token=$(TOKEN))   (Ctrl-C stops)"
	$(BIN)/voila notebooks/ --no-browser --Voila.ip=$(HOST) --port=$(PORT) $(WARM_ARGS) $(SERVER_ARGS)

## performance benchmarks (prints a table; needs Chromium)
bench: install
	$(BIN)/python benchmarks/run.py

## save every lesson figure as PNG and SVG into figures/ (offline)
figures: install
	$(BIN)/hcckit export-figures figures

lint: install
	$(BIN)/ruff check hcckit tests benchmarks notebooks/solutions
	$(BIN)/ruff format --check hcckit tests benchmarks notebooks/solutions

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
