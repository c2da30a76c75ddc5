# The companion's two commands: `make book` and `make test` (see README.md).
# Both create the virtual environment and fetch the real Moticon recordings first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PROFILE ?= book
EXECUTED := _build/executed/$(PROFILE)
STAGE := _build/src/$(PROFILE)
# the book profile's HTML lands in _build/html; other profiles in _build/<profile>/html
HTML_ROOT := $(if $(filter book,$(PROFILE)),.,_build/$(PROFILE))
REAL_DATA := .cache/real/moticon_opengo-1.0.3/tests/testdata
NBVAL := --nbval-lax --nbval-sanitize-with tests/nbval_sanitize.cfg
export PYTHONHASHSEED := 0
export OMP_NUM_THREADS := 2

.PHONY: book notebooks html test unit nbval references chromium clean help

help:
	@echo "make book [PROFILE=book|smoke|paper]   execute every notebook with papermill, build HTML"
	@echo "make test                              unit tests, smoke book, nbval regression, browser check"
	@echo "make references                        re-execute the smoke notebooks kept under tests/notebooks"

$(VENV)/.installed: requirements.txt constraints.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt -c constraints.txt
	$(PY) -m pip install -q --no-deps -e .
	touch $@

# Real Moticon OpenGo walking recordings (Apache-2.0), shipped in moticon-opengo's sdist; never committed.
$(REAL_DATA)/.done: | $(VENV)/.installed
	mkdir -p .cache/real
	$(PY) -m pip download -q --no-deps --no-binary :all: moticon-opengo==1.0.3 -d .cache/real
	tar -xzf .cache/real/moticon_opengo-1.0.3.tar.gz -C .cache/real
	touch $@

setup: $(VENV)/.installed $(REAL_DATA)/.done

notebooks: setup
	$(PY) -m humaps notebooks --profile $(PROFILE) --out $(EXECUTED)

html: notebooks
	$(PY) -m humaps stage-book --executed $(EXECUTED) --out $(STAGE)
	$(VENV)/bin/jupyter-book build $(STAGE) --path-output $(HTML_ROOT) -W --keep-going
	@echo "HTML: $(HTML_ROOT)/_build/html/index.html"

book: html

# Chromium renders the built pages in the browser check; without it that check skips with a reason.
chromium:
	@command -v chromium >/dev/null || (command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "chromium not installed: the browser check will skip")

test: setup chromium
	$(MAKE) html PROFILE=smoke
	$(VENV)/bin/pytest tests $(NBVAL) -q

unit: setup
	$(VENV)/bin/pytest tests -q

nbval: setup
	$(VENV)/bin/pytest tests/notebooks $(NBVAL) -q

# Intended change to a computed number: regenerate the nbval references, review the diff, commit.
references: setup
	$(PY) -m humaps notebooks --profile smoke --out _build/executed/references
	cp _build/executed/references/*.ipynb tests/notebooks/

clean:
	rm -rf _build
