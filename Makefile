# The course's set-up is two commands: `make lab` to learn, `make test` to check everything.
# Both create or update .venv only when pyproject.toml changed, so a second run is quick.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# JupyterLab refuses to run as root without --allow-root; CI and many containers run as root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
# Extra JupyterLab options, e.g. `make lab LAB_ARGS="--port=8899 --no-browser"`.
LAB_ARGS ?=
# The folder JupyterLab serves and the file it opens (tests serve a scratch copy).
LAB_ROOT ?= $(CURDIR)
LAB_OPEN ?= $(LAB_ROOT)/course/00-welcome.ipynb
# A file, not a folder: JupyterLab takes a folder on its command line as its root and would hide the rest.
INSTRUCTOR_OPEN ?= $(LAB_ROOT)/README.md
# `make instructor COHORT=path` opens that cohort's gradebook in Formgrader instead (pmkit formgrader).
COHORT ?=
# The cohort `make hub` serves (created from the trial roster if missing) and extra `pmkit hub` options.
HUB_DIR    := deploy/jupyterhub
HUB_PROXY  := $(HUB_DIR)/node_modules/.bin/configurable-http-proxy
HUB_COHORT ?= $(CURDIR)/hub-trial
HUB_ROSTER ?= $(HUB_DIR)/trial-roster.csv
HUB_INSTRUCTORS ?= instructor
HUB_ARGS   ?=
# Extra pytest options, e.g. `make test PYTEST_ARGS="-k roles"`.
PYTEST_ARGS ?=

# Console scripts of the venv (nbgrader calls `alembic` by name) come first on PATH.
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: lab instructor hub hub-proxy test lint notebooks exercises bench clean help

help:
	@echo "make lab        install the course into $(VENV) and open it in JupyterLab"
	@echo "make instructor open the repository with nbgrader's instructor tools (COHORT=dir: that cohort's Formgrader)"
	@echo "make hub        run a trial cohort's JupyterHub on 127.0.0.1:8000 (deploy/jupyterhub/README.md)"
	@echo "make test       install the test extras into $(VENV) and run the whole suite"
	@echo "make lint       ruff over pmkit, tests and benchmarks"
	@echo "make notebooks  store every notebook in clean form (no outputs, stable ids)"
	@echo "make exercises  regenerate the student versions in exercises/ from solutions/"
	@echo "make bench      run the benchmarks"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
	  { echo "Python 3.11 or newer is needed; set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

# The test extras include everything `make lab` installs, so they satisfy its stamp too.
$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(VENV)/.installed $(VENV)/.installed-hub $@

$(VENV)/.installed-hub: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[hub]'
	@touch $(VENV)/.installed $@

# Learner mode: nbgrader's instructor tools off, solutions and machinery hidden (deploy/lab/learner).
lab: $(VENV)/.installed
	JUPYTER_CONFIG_DIR="$(CURDIR)/deploy/lab/learner" $(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 \
	  --ServerApp.root_dir="$(LAB_ROOT)" $(ROOT_FLAG) $(LAB_ARGS) "$(LAB_OPEN)"

# Instructor mode: Formgrader and Create Assignment on, the whole repository visible.
instructor: $(VENV)/.installed
ifneq ($(COHORT),)
	$(BIN)/pmkit formgrader --cohort "$(COHORT)" -- $(LAB_ARGS)
else
	JUPYTER_CONFIG_DIR="$(CURDIR)/deploy/lab/instructor" $(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 \
	  --ServerApp.root_dir="$(LAB_ROOT)" $(ROOT_FLAG) $(LAB_ARGS) "$(INSTRUCTOR_OPEN)"
endif

# JupyterHub's proxy is a Node program, pinned by package-lock.json and installed beside the config.
$(HUB_PROXY): $(HUB_DIR)/package-lock.json
	cd $(HUB_DIR) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

hub-proxy: $(HUB_PROXY)

# A cohort on a local JupyterHub: learners fetch and submit, instructors grade (a one-machine trial).
hub: $(VENV)/.installed-hub $(HUB_PROXY)
	@test -f "$(HUB_COHORT)/pmkit-cohort.json" || $(BIN)/pmkit cohort init "$(HUB_COHORT)" \
	  --roster "$(HUB_ROSTER)" --instructors "$(HUB_INSTRUCTORS)"
	$(BIN)/pmkit hub --cohort "$(HUB_COHORT)" $(HUB_ARGS)

test: $(VENV)/.installed-test $(HUB_PROXY)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check pmkit tests benchmarks datasets deploy

notebooks: $(VENV)/.installed
	$(BIN)/pmkit notebooks clean course solutions

# Student versions: nbgrader writes exercises/<id>/<id>.ipynb from solutions/<id>/<id>.ipynb.
exercises: $(VENV)/.installed
	$(BIN)/pmkit notebooks clean solutions
	$(BIN)/nbgrader generate_assignment "*" --no-db --force

# hub_class_start.py drives the hub with the hub tests' client, so the bench needs the test extras.
bench: $(VENV)/.installed-test $(HUB_PROXY)
	$(BIN)/python benchmarks/import_time.py
	$(BIN)/python benchmarks/chapter_times.py
	$(BIN)/python benchmarks/autograde_each.py
	$(BIN)/python benchmarks/grade_cohort.py 40
	$(BIN)/python benchmarks/hub_class_start.py 12
	$(BIN)/python benchmarks/review_speed.py
	$(BIN)/python benchmarks/collect_memory.py 1024
	$(BIN)/python benchmarks/report_cohort.py 10000

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts $(HUB_DIR)/node_modules
