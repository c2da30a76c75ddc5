# The companion's two commands: `make book` and `make test` (see README.md).
# Both create the virtual environment and fetch the real Moticon recordings first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PROFILE ?= book
# `make book RECORDINGS=DIR`: every chapter on a folder of recordings with a manifest (book/intro.md),
# built beside the simulated book: _build/executed/<profile>-recordings, HTML in _build/recordings/<profile>
RECORDINGS ?=
BUILD := $(PROFILE)$(if $(RECORDINGS),-recordings)
EXECUTED := _build/executed/$(BUILD)
STAGE := _build/src/$(BUILD)
# the book profile's HTML lands in _build/html; other profiles in _build/<profile>/html
HTML_ROOT := $(if $(RECORDINGS),_build/recordings/$(PROFILE),$(if $(filter book,$(PROFILE)),.,_build/$(PROFILE)))
REAL_DATA := .cache/real/moticon_opengo-1.0.3/tests/testdata
REAL_RECORDINGS := .cache/real/recordings
NBVAL := --nbval-lax --nbval-sanitize-with tests/nbval_sanitize.cfg
export PYTHONHASHSEED := 0
export OMP_NUM_THREADS := 2

.PHONY: book notebooks html test unit nbval references dispatch-check chromium clean help

help:
	@echo "make book [PROFILE=book|smoke|paper]   execute every notebook with papermill, build HTML"
	@echo "make book RECORDINGS=DIR               the same on a folder of recordings (see book/intro.md)"
	@echo "make test                              unit tests, smoke book, nbval regression, browser check"
	@echo "make references                        re-execute the smoke notebooks: nbval references + metric snapshot"
	@echo "make dispatch-check                    the regression checks under several CPU dispatch settings"

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

# The four walking exports as a recordings folder, read by the chapters like any user's folder: copies
# (the loader refuses links leaving a folder) and the manifest drafted by the companion's own tool.
$(REAL_RECORDINGS)/trials.csv: $(REAL_DATA)/.done
	rm -rf $(REAL_RECORDINGS) && mkdir -p $(REAL_RECORDINGS)
	cp $(addprefix $(REAL_DATA)/,230927_102114.txt 230927_102137.txt 230927_102231.txt) $(REAL_RECORDINGS)/
	cp $(REAL_DATA)/walk_data_with_events/text_export.txt $(REAL_RECORDINGS)/walk_data_with_events.txt
	$(PY) -m humaps manifest $(REAL_RECORDINGS) --unmatched subject

setup: $(VENV)/.installed $(REAL_DATA)/.done $(REAL_RECORDINGS)/trials.csv

# With RECORDINGS, a chapter that needs what the folder lacks (motion capture, annotations) stops at its
# data cell with a message saying so; its page shows that message and the other chapters still run.
notebooks: setup
ifeq ($(RECORDINGS),)
	$(PY) -m humaps notebooks --profile $(PROFILE) --out $(EXECUTED)
else
	test -f $(RECORDINGS)/trials.csv || (echo "$(RECORDINGS): no trials.csv; run $(PY) -m humaps manifest $(RECORDINGS)" && false)
	for nb in $$($(PY) -c "from humaps.book.notebooks import notebook_names; print(*notebook_names())"); do \
	  $(PY) -m humaps notebooks --profile $(PROFILE) --out $(EXECUTED) --only $$nb -p recordings $(abspath $(RECORDINGS)) \
	    || echo "$$nb: stopped (the page says why)"; \
	done
endif

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
	$(MAKE) html PROFILE=smoke RECORDINGS=
	$(VENV)/bin/pytest tests $(NBVAL) -q

unit: setup
	$(VENV)/bin/pytest tests -q

nbval: setup
	$(VENV)/bin/pytest tests/notebooks $(NBVAL) -q

# Intended change to a computed number: regenerate the nbval references and the metric snapshot
# (both from one smoke run), review the diff (git diff tests/), commit.
references: setup
	rm -rf _build/executed/references
	$(PY) -m humaps notebooks --profile smoke --out _build/executed/references
	rm -f tests/notebooks/*.ipynb
	cp _build/executed/references/*.ipynb tests/notebooks/
	$(PY) -m humaps results _build/executed/references --json > tests/metrics/smoke.json

# The regression checks under several CPU dispatch settings, each with its own empty cache, against
# the committed references; prints the spread of every recorded metric (benchmarks/dispatch_spread.py).
DISPATCH := default avx2 native
dispatch-check: setup
	rm -rf _build/dispatch && mkdir -p _build/dispatch
	for cap in $(DISPATCH); do for threads in 1 2; do \
	  out=_build/dispatch/$$cap-$$threads; \
	  env $$( [ $$cap = native ] || echo ATEN_CPU_CAPABILITY=$$cap ) OMP_NUM_THREADS=$$threads \
	    HUMAPS_CACHE=$$out/cache HUMAPS_EXECUTED=$$out/executed bash -c \
	    "$(PY) -m humaps notebooks --profile smoke --out $$out/executed > $$out.log 2>&1 && \
	     $(VENV)/bin/pytest tests/test_metric_snapshot.py tests/notebooks $(NBVAL) -q >> $$out.log 2>&1" || true; \
	  echo "$$cap, $$threads thread(s): $$(tail -1 $$out.log)"; \
	done; done
	$(PY) benchmarks/dispatch_spread.py _build/dispatch/*/executed

clean:
	rm -rf _build
