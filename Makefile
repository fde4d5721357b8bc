# matcher: `make run` serves the demo site, `make test` runs the whole suite.
# Both set up everything they need on a fresh machine: virtual environment, install, database.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
export FLASK_APP := matcher

.PHONY: run test install install-test bytecode translations extract-messages chromium lint benchmark clean

# constraints.txt pins every dependency to the versions CI passed with (tools/lock.py writes it).
$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

install: $(VENV)/.installed bytecode

install-test: $(VENV)/.installed-test bytecode

## Byte-compile the package. Where PYTHONDONTWRITEBYTECODE is set (as on our machines), Python
## never caches its compiled modules, and every `matcher solve` compiled the solver anew: 0.11 s
## of a municipality round's ~1.3 s. compileall skips what is up to date. Only a speed-up: a
## tree where the caches cannot be written still installs, runs and tests.
bytecode: $(VENV)/.installed
	-$(BIN)/python -m compileall -q matcher benchmarks

## Compile the Danish and English catalogues (.po -> .mo).
translations: install
	$(BIN)/pybabel compile -d matcher/translations -D messages --statistics
	$(BIN)/pybabel compile -d matcher/translations -D flask_security

## Re-extract the messages from code and templates and update both catalogues.
extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --sort-by-file -o matcher/translations/messages.pot .
	$(BIN)/pybabel update -i matcher/translations/messages.pot -d matcher/translations -D messages --no-fuzzy-matching

## Serve the demo site on http://127.0.0.1:$(PORT) (migrates, seeds once, prints the demo logins).
run: install translations
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo
	$(BIN)/flask demo-logins
	@echo "Serving on http://127.0.0.1:$(PORT)"
	ROUNDS_INLINE_WORKER=1 $(BIN)/flask run --host 127.0.0.1 --port $(PORT)

## Chromium for the browser tests, from Debian's packages (never a browser download).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium is missing and we are not root: browser tests will be skipped."; fi; \
	fi

## Run the whole test suite (PostgreSQL runs too when TEST_DATABASE_URL is set; .ci/run sets it).
test: install-test translations chromium
	$(BIN)/pytest -n 2 --dist loadgroup

lint: install-test
	$(BIN)/ruff check matcher tests benchmarks
	$(BIN)/ruff format --check matcher tests benchmarks

benchmark: install-test
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) instance .pytest_cache
