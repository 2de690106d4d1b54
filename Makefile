# The two commands a newcomer needs: `make report` (render the sample) and `make test`.
# Both install what they need on first use: Debian packages (Chromium, CJK fonts, poppler),
# then a virtual environment from pyproject.toml.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: report test lab install clean

report: $(STAMP)
	$(BIN)/nianbao render --agency jiaozuo-jyj --year 2021

test: $(STAMP)
	$(BIN)/pytest

lab: $(STAMP)
	$(BIN)/nianbao lab

install: $(STAMP)

$(STAMP): pyproject.toml tools/install-system-packages
	tools/install-system-packages
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	# rfc3987-syntax (via jsonschema's format extras) adds ~0.8 s to every kernel start; nothing here needs it.
	$(BIN)/pip uninstall --quiet --yes rfc3987-syntax || true
	$(BIN)/python -m ipykernel install --sys-prefix --name nianbao --display-name "Python (nianbao)" >/dev/null
	touch $(STAMP)

clean:
	rm -rf $(VENV) outputs/20*
