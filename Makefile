# The README's two commands: `make run` serves the app, `make test` runs the checks.
# Both create .venv when it is missing. The CPU build of torch is pinned and
# installed first: a plain `torch` requirement would pull a several-GB CUDA build.

VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
PORT ?= 8501
TORCH ?= torch==2.13.0

.PHONY: run test lint clean

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install -q "$(TORCH)"
	$(PY) -m pip install -q -e ".[app]"
	touch $(STAMP)

# The tests also need the dev tools and the optional Ray extra.
$(TEST_STAMP): $(STAMP)
	$(PY) -m pip install -q -e ".[app,dev,scale]"
	touch $(TEST_STAMP)

run: $(STAMP)
	$(PY) -m streamlit run app/streamlit_app.py --server.port $(PORT) \
		--server.fileWatcherType none --browser.gatherUsageStats false

lint: $(TEST_STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

test: lint
	$(PY) -m pytest

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
