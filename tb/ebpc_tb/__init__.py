# SPDX-License-Identifier: Apache-2.0
"""Verification of the EBPC RTL, in three layers by where the code runs (docs/architecture.md).

    spec      the parameter space, the RTL defaults, seeds, and how one run is configured
              (RunSpec: flow -> environment -> bench) and what the user sets (FlowOptions)
    bench     inside the simulator (cocotb): drivers, monitors, protocol checkers,
              scoreboards against the golden model, stimulus, coverage sampling
    flow      outside it: build and run simulations (runner, ``python -m ebpc_tb.flow.run``),
              regressions, soak, throughput and bench speed, mutation testing, pytest glue
    reports   after the runs: functional (coverage_report) and code coverage (codecov), the
              regression report from outcomes.json (regression), the dashboard (dashboard_*)

Imports go only downward: spec <- bench <- flow <- reports, all of them <- the model
(``ebpc``); tb/tests/test_spec.py holds the tree to it.
"""
