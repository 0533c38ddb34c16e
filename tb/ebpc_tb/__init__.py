# SPDX-License-Identifier: Apache-2.0
"""cocotb bench library for the EBPC encoder, decoder and loopback RTL.

Modules:
    stream          valid/ready StreamSource / StreamSink / StreamMonitor / ProtocolChecker,
                    all served by one CycleEngine coroutine per bench
    scoreboard      encoder and decoder scoreboards against the golden model (``ebpc``)
    stimulus        random and directed stimulus; conformance/vector file loading
    malformed       malformed decoder input streams (one per error class, random corruption)
    env             EncoderBench / DecoderBench / LoopbackBench (clock, reset, components)
    axis            AxisEncoderBench / AxisDecoderBench: the AXI4-Stream tops through cocotbext-axi
    suites          stimulus lists shared by the test modules
    scenarios       test scenarios shared by the encoder, decoder and loopback benches
    closure         coverage-directed stimulus: transmissions that hit every data bin
    config          parameters from the environment (EBPC_W, EBPC_N, EBPC_Z, EBPC_SEED, ...)
    bins            the coverage model's cover points and bins (pure functions)
    coverage        functional coverage sampling (cocotb-coverage), EBPC_COVERAGE=path.json
    coverage_report merge + check the functional coverage of a regression
    codecov         merge + check Verilator code coverage (line, branch, toggle, expression)
    testing         ``ebpc_test`` decorator (seed + reproduce hint on failure)
    runner          build/run the simulations (icarus, verilator), RTL files from Bender.yml,
                    cached builds, JUnit XML
    run             CLI: ``python -m ebpc_tb.flow.run --sim ... --top ...``
    bench           throughput and bench speed: ``python -m ebpc_tb.flow.perf``
    soak            long runs and corrupted streams: ``python -m ebpc_tb.flow.soak`` (make soak)
    mutate          mutation testing of the RTL: ``python -m ebpc_tb.flow.mutate`` (make mutate)
    pytest_support  helpers of the pytest wrappers in tb/tests
"""
