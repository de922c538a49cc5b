# Everything a developer or CI needs; each target sets itself up on a fresh machine.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test check lint fmt bench bench-whole bench-import bench-import-voice bench-survey bench-real bench-hostile bench-web clean system

$(STAMP): setup.cfg pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)  ## the main job on the bundled data
	$(VENV)/bin/gapcheck demo

system:  ## Debian packages for the reports (LibreOffice, Japanese font, Chromium)
	scripts/install-system-deps.sh

test: $(STAMP) system  ## the whole test suite, one worker per core (also what .ci/run calls)
	$(PY) -m pytest -n auto --dist worksteal

check: $(STAMP)  ## the quick loop while coding: everything but the slow tests (the wheel, the browser)
	$(PY) -m pytest -n auto --dist worksteal -m "not slow"

lint: $(STAMP)
	$(VENV)/bin/ruff check gapcheck tests benchmarks
	$(VENV)/bin/ruff format --check gapcheck tests benchmarks
	$(VENV)/bin/mypy

fmt: $(STAMP)
	$(VENV)/bin/ruff format gapcheck tests benchmarks
	$(VENV)/bin/ruff check --fix gapcheck tests benchmarks

bench: $(STAMP)  ## audit quality and speed, then a bounded fuzz run of the readers
	$(PY) benchmarks/run.py
	$(PY) benchmarks/real_text.py
	$(PY) benchmarks/whole_policy.py --held-out
	$(PY) benchmarks/fuzz.py

bench-whole: $(STAMP)  ## statuses on whole policies in an independent voice, per policy: false and missed gaps, agreement, row shown, edition (issue #21); HELD_OUT=1 adds the held-out ones
	$(PY) benchmarks/whole_policy.py $(if $(HELD_OUT),--held-out,)

bench-import: $(STAMP)  ## import a generated 400-page guideline PDF: time and peak memory (issue #5)
	$(PY) benchmarks/import_bench.py

bench-import-voice: $(STAMP)  ## keys kept when an independently worded 2025-03 (second voice) is imported over the digest (issue #12)
	$(PY) benchmarks/import_voice.py --pdf

bench-survey: $(STAMP)  ## `gapcheck survey` on a synthetic nation of 1,788 bodies, cold and warm, 2 jobs: wall, CPU per body (issues #7, #11)
	$(PY) benchmarks/survey_bench.py --count 1788 --jobs 2 --cli

bench-real: $(STAMP)  ## the audit on real 例規 texts in ../shared/realtext (skipped when absent): files read, precision, recall, edition (issue #11)
	$(PY) benchmarks/real_text.py

bench-hostile: $(STAMP)  ## hostile inputs, one process each: wall time and peak memory, ≤ 60 s and ≤ 1 GB (issue #14)
	$(PY) benchmarks/hostile_bench.py

bench-web: $(STAMP) system  ## the local web page: upload → report, a 120-body survey against the CLI, idle memory (issue #16)
	$(PY) benchmarks/web_bench.py

clean:
	rm -rf $(VENV) build dist *.egg-info
