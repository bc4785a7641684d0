# The pelican-quickstart verbs (html, serve, devserver, publish, clean) plus the project's own.
# Every target sets up .venv/ from the pinned requirements.lock first, so a fresh clone needs only Python 3.11.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
OUTPUTDIR ?= output
PORT ?= 8000
SITE ?= $(OUTPUTDIR)
FORMAT ?= auto
CONTENT ?= content
BASE ?= origin/main

.PHONY: html publish serve devserver clean test check linkcheck new fingerprint bench venv diff

venv: $(STAMP)
$(STAMP): requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $(STAMP)

html: $(STAMP)
	$(PY) -m tools.build --settings pelicanconf.py --output $(OUTPUTDIR)

publish: $(STAMP)
	$(PY) -m tools.build --settings publishconf.py --output $(OUTPUTDIR)

serve: $(STAMP)
	$(PY) -m http.server $(PORT) --bind 127.0.0.1 --directory $(OUTPUTDIR)

devserver: $(STAMP)
	$(PY) -m tools.devserver --port $(PORT)

clean:
	$(PYTHON) -m tools.clean --output $(OUTPUTDIR)

test: $(STAMP)
	$(PY) -m pytest

check: $(STAMP)
	$(PY) -m tools.lint $(if $(STRICT),--strict)

linkcheck: $(STAMP)
	$(PY) -m tools.linkcheck $(SITE) --format $(FORMAT) $(if $(EXTERNAL),--external) $(LINKCHECK_ARGS)

new: $(STAMP)
	@# $(value ...) is not expanded again, and single quotes (with ' escaped) stop the shell from
	@# reading $(...), backticks or $1 in a title: it reaches the tool as typed.
	BRIEF_SLUG='$(subst ','\'',$(value SLUG))' BRIEF_TITLE='$(subst ','\'',$(value TITLE))' BRIEF_THREAD='$(subst ','\'',$(value THREAD))' $(PY) -m tools.newbrief --content '$(CONTENT)'

fingerprint: $(STAMP)
	$(PY) -m tools.fingerprint --source "$(SOURCE)" --file "$(FILE)" $(if $(START),--start-at "$(START)")

bench: $(STAMP)
	$(PY) -m bench $(if $(N),--n $(N))

# What the working tree changes against BASE: briefs, sources, citations, findings, page sizes
# (Markdown; CI appends it to the pull request's job summary). HEAD_SITE=output reuses a build.
diff: $(STAMP)
	$(PY) -m tools.sitediff --base '$(BASE)' $(if $(HEAD_SITE),--head-site '$(HEAD_SITE)') $(if $(SUMMARY),--output '$(SUMMARY)')
