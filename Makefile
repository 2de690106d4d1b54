# The two commands a newcomer needs: `make report` (render the sample) and `make test`.
# Both install what they need on first use: Debian packages (Chromium, CJK fonts, poppler),
# then a virtual environment from requirements.lock: every package at its locked version, its hash checked.
# `make lock` upgrades the lock (newest versions pyproject.toml allows); commit the result.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: report test lab install lock wheel clean

report: $(STAMP)
	$(BIN)/nianbao render --agency jiaozuo-jyj --year 2021

test: $(STAMP)
	$(BIN)/pytest

lab: $(STAMP)
	$(BIN)/nianbao lab

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml tools/install-system-packages
	tools/install-system-packages
	$(PYTHON) -m venv $(VENV)
	# Exactly the lock: hashes checked, nothing resolved (--no-deps). The lock leaves out rfc3987-syntax
	# (via jsonschema's format extras): it adds ~0.8 s to every kernel start and nothing here needs it.
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements.lock
	# nianbao itself, built with the locked setuptools (no download of a build backend).
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name nianbao --display-name "Python (nianbao)" >/dev/null
	touch $(STAMP)

# Upgrade the lock: the newest versions pyproject.toml allows, resolved for the platform the kit is run on
# (CPython 3.11, x86_64 Linux), with the sha256 of every file. uv resolves (in a venv of its own, outside the
# lock); pip installs, so the two set-up commands need nothing beyond Debian's python3-venv.
LOCK_TOOLS := $(VENV)-lock-tools
lock:
	test -x $(LOCK_TOOLS)/bin/uv || { $(PYTHON) -m venv $(LOCK_TOOLS) && $(LOCK_TOOLS)/bin/pip install --quiet uv; }
	printf 'pip\nsetuptools>=68\n' | $(LOCK_TOOLS)/bin/uv pip compile --quiet pyproject.toml - --extra test \
	  --generate-hashes --python-version 3.11 --python-platform x86_64-unknown-linux-gnu \
	  --no-emit-package rfc3987-syntax --no-header --annotation-style line --upgrade -o requirements.lock

# The kit as a wheel (dist/), for `pip install` outside this checkout and `nianbao init`.
wheel: $(STAMP)
	$(BIN)/pip wheel --quiet --no-deps --no-build-isolation -w dist .

clean:
	rm -rf $(VENV) outputs/20*
