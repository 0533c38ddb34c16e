"""cocotb bench library for the EBPC encoder, decoder and loopback RTL.

Modules:
    stream      valid/ready StreamSource / StreamSink / StreamMonitor / ProtocolChecker
    scoreboard  encoder and decoder scoreboards against the golden model (``ebpc``)
    stimulus    random and directed stimulus
    malformed   malformed decoder input streams (one per error class)
    env         EncoderBench / DecoderBench / LoopbackBench
    config      parameters from the environment (EBPC_W, EBPC_N, EBPC_Z, EBPC_SEED, ...)
    runner      build/run the simulations (icarus, verilator); CLI: ``python -m ebpc_tb.run``
    bench       throughput measurement: ``python -m ebpc_tb.bench``
"""

__all__ = ["stream", "scoreboard", "stimulus", "malformed", "env", "config", "runner"]
