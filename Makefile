# Two commands on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CONFIG ?= config.example.toml

.PHONY: run test install install-test deps lint check migration clean demo

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install -q -e .

install-test: $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'

# Debian packages the tests start for real: PostgreSQL, Dovecot, Postfix, Chromium.
deps:
	sh scripts/install-test-deps.sh

run: install
	$(BIN)/corrbot --config $(CONFIG) init
	@echo
	@echo "corrbot is listening on 127.0.0.1:8025; what it sends lands in var/outbox/new/."
	@echo "Try, in another terminal:"
	@echo "  $(BIN)/python scripts/try.py help      # the list of commands"
	@echo "  $(BIN)/python scripts/try.py join      # ask to join"
	@echo "  $(BIN)/python scripts/try.py confirm   # reply to the confirmation request"
	@echo "  $(BIN)/python scripts/try.py post '[a] Hello' 'A first contribution.'"
	@echo "  $(BIN)/python scripts/try.py show      # the newest mail corrbot sent you"
	@echo "  ls var/outbox/new/                     # everything corrbot sent"
	@echo "Or, without corrbot running: $(BIN)/corrbot demo --dir demo"
	@echo
	$(BIN)/corrbot --config $(CONFIG) serve

lint: install-test
	$(BIN)/ruff check corrbot tests bench migrations
	$(BIN)/ruff format --check corrbot tests bench
	$(BIN)/mypy corrbot

test: deps install-test lint
	$(BIN)/pytest -q

# After changing a model: a new migration, MSG="what changed", compared against a
# scratch database at the newest schema (review it before committing).
migration: install
	rm -f /tmp/corrbot-migration.db
	$(BIN)/python -c "from alembic import command; from corrbot.db import make_engine; \
	from corrbot.migrate import alembic_config, upgrade; url = 'sqlite:////tmp/corrbot-migration.db'; \
	upgrade(make_engine(url)); command.revision(alembic_config(url), message='$(MSG)', autogenerate=True)"

clean:
	rm -rf $(VENV) build dist *.egg-info .mypy_cache .pytest_cache .ruff_cache
