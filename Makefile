# Machine Learning in Production: An Open, Executable Textbook
# Run `make` (or `make help`) to list the targets.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MATHJAX_VERSION := 3.2.2
MATHJAX_DIR := _vendor/html/mathjax
# Two notebook kernels share two cores: cap the math libraries' threads so they do not fight.
export OMP_NUM_THREADS ?= 1
export OPENBLAS_NUM_THREADS ?= 1
export MKL_NUM_THREADS ?= 1
export PYDEVD_DISABLE_FILE_VALIDATION := 1
export SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 1767225600)


.PHONY: a11y-deps
.PHONY: help setup system-deps tex-deps epub-deps book book-cold pdf chapter-pdfs epub test test-fast check bench reproducibility clean clean-cache

help: ## List the targets
	@echo "Machine Learning in Production - make targets:"
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | awk -F'\t' '{printf "  make %-16s %s\n", $$1, $$2}'

$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.txt
	$(BIN)/python -m ipykernel install --prefix $(VENV) --name python3 > /dev/null
	touch $@

$(MATHJAX_DIR)/tex-chtml.js:
	bash scripts/vendor-mathjax.sh $(MATHJAX_VERSION) $(MATHJAX_DIR)

system-deps: ## Install the system packages the HTML build needs (Graphviz), if missing
	@command -v dot > /dev/null || bash scripts/install-system-deps.sh

tex-deps: ## Install the TeX packages the PDF build needs, if missing
	@command -v xelatex > /dev/null && command -v latexmk > /dev/null && command -v xindy > /dev/null \
	  || bash scripts/install-system-deps.sh --tex

epub-deps: ## Install LaTeX, dvisvgm (math as SVG for the EPUB) and epubcheck, if missing
	@command -v latex > /dev/null && command -v dvisvgm > /dev/null && command -v java > /dev/null \
	  && [ -f /usr/share/java/epubcheck.jar ] || bash scripts/install-system-deps.sh --epub

a11y-deps: ## Install Chromium and the pinned accessibility-audit packages (axe-core) for the tests
	@command -v chromium > /dev/null || bash scripts/install-system-deps.sh --browser
	npm ci --prefix tests/a11y --no-audit --no-fund --silent

setup: $(BIN)/.installed $(MATHJAX_DIR)/tex-chtml.js system-deps ## Create the virtual environment and fetch build dependencies

book: setup ## Build the online book into _build/html (executes the notebooks, strict)
	$(BIN)/python scripts/build.py html
	@echo "Open file://$(CURDIR)/_build/html/index.html in a browser."

book-cold: clean-cache book ## Build the online book after dropping the notebook execution cache

pdf: setup tex-deps ## Build the whole book as a PDF into _build/latex/ml-in-production.pdf
	$(BIN)/python scripts/build.py pdf
	@echo "The PDF is at $(CURDIR)/_build/latex/ml-in-production.pdf"

chapter-pdfs: pdf ## Build one PDF per chapter (title, number, figures, its references) into _build/chapter-pdfs
	$(BIN)/python scripts/chapter_pdfs.py

epub: setup epub-deps ## Build the EPUB into _build/epub/ml-in-production.epub and check it with epubcheck
	$(BIN)/python scripts/build.py epub
	java -jar /usr/share/java/epubcheck.jar _build/epub/ml-in-production.epub
	@echo "The EPUB is at $(CURDIR)/_build/epub/ml-in-production.epub"

test: setup ## Run every test: fast checks, the strict HTML build, the PDFs and EPUB (where TeX is installed), bad input
	$(BIN)/python -m pytest tests

test-fast: setup ## Run only the fast checks that need no build (seconds)
	$(BIN)/python -m pytest tests -m "not build"

check: setup ## The contributor's check before a commit: source checks of the build, then test-fast
	$(BIN)/python scripts/build.py --check-only
	$(BIN)/python -m pytest tests -m "not build" -q

clean-cache: ## Drop the notebook execution cache (after changing data files or package versions)
	rm -rf _build/.jupyter_cache

clean: ## Remove all build output
	rm -rf _build

reproducibility: setup ## Build twice from scratch and compare the two books file by file (about 10 min)
	$(BIN)/python scripts/reproducibility.py

bench: setup ## Measure builds, rebuilds, notebooks, the PDF and page weight; writes _build/bench.md
	$(BIN)/python scripts/bench.py --pdf --weight
