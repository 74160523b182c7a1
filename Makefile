# The two set-up commands (README): `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test lint imports format venv browsers web worker beat seed check clean-db

# Development venv: the runtime packages and the test/lint tools (requirements-dev.txt includes
# requirements.txt). Production installs requirements.txt only (README, Production).
venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

# Web + Celery worker + beat on the embedded default (SQLite under var/, filesystem broker).
# Ctrl-C stops all three.
run: export DEBUG ?= 1
run: venv
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	trap 'kill 0' EXIT; \
	$(VENV)/bin/celery -A config worker --pool=threads --concurrency=2 --loglevel=INFO & \
	$(VENV)/bin/celery -A config beat --loglevel=INFO & \
	$(PY) manage.py runserver $(HOST):$(PORT)

# The whole suite. Browser tests need Debian's Chromium, the deploy test Debian's nginx; as root we
# install them when missing.
test: venv browsers
	$(PY) -m pytest $(PYTEST_ARGS)

browsers:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/sbin/nginx ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "安装 Chromium、中文字体与 nginx（浏览器测试与部署测试需要）"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei nginx-light >/dev/null; \
	  else \
	    echo "测试需要 Chromium 与 nginx：sudo apt-get install -y chromium fonts-wqy-microhei nginx-light"; exit 1; \
	  fi; \
	fi

lint: venv imports
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Dependencies run one way: the contracts in pyproject.toml ([tool.importlinter]), then no import
# cycle between modules and no upward import (.ci/import_graph.py -v lists them).
imports: venv
	$(VENV)/bin/lint-imports
	$(PY) .ci/import_graph.py

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: export DEBUG ?= 1
check: venv
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

seed: export DEBUG ?= 1
seed: venv
	$(PY) manage.py seed_demo

clean-db:
	rm -f var/db.sqlite3 var/celerybeat-schedule*
	rm -rf var/celery
