# The README's two commands: `make run` serves the app, `make test` runs the checks.
# Both create .venv when it is missing. The CPU build of torch is pinned and
# installed first, from PyTorch's CPU index (torch alone; its dependencies then come
# from pip's usual indexes): on Linux a plain `torch` from PyPI is the several-GB
# CUDA build. `make TORCH_INDEX=` installs from pip's own indexes
# (where a CPU wheel lies in a local mirror or find-links folder, pip takes it).

VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
PORT ?= 8501
# Loopback by default; `make run ADDRESS=0.0.0.0` serves other machines too.
ADDRESS ?= 127.0.0.1
PYTHON ?= python3
TORCH ?= torch==2.13.0
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu

.PHONY: run test lint clean

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
		echo "Structure Lab needs Python >= 3.11; '$(PYTHON)' is $$($(PYTHON) -V 2>&1)." \
		"Run: make PYTHON=python3.11 ..." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(STAMP): $(PY) pyproject.toml
	$(if $(TORCH_INDEX),$(PY) -m pip install -q --no-deps "$(TORCH)" --index-url "$(TORCH_INDEX)")
	$(PY) -m pip install -q "$(TORCH)"
	$(PY) -m pip install -q -e ".[app]"
	touch $(STAMP)

# The tests also need the dev tools and the optional Ray extra.
$(TEST_STAMP): $(STAMP)
	$(PY) -m pip install -q -e ".[app,dev,scale]"
	touch $(TEST_STAMP)

run: $(STAMP)
	$(PY) -m streamlit run app/streamlit_app.py --server.port $(PORT) \
		--server.address $(ADDRESS) --server.fileWatcherType none \
		--browser.gatherUsageStats false

lint: $(TEST_STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

test: lint
	$(PY) -m pytest

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
