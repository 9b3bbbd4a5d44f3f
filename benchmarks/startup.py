"""Start-up cost of mailctl commands, side by side with bare Python.

Runs each command several times, interleaved so machine noise hits all of them alike,
and prints the median wall time and its ratio to `python -c pass`.

    python benchmarks/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def measure(commands: dict[str, list[str]], runs: int, env: dict[str, str]) -> dict[str, float]:
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            start = time.perf_counter()
            subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            samples[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in samples.items()}


def report(medians: dict[str, float], baseline: str) -> None:
    base = medians[baseline]
    width = max(len(name) for name in medians)
    print(f"{'command':<{width}}  median ms  x {baseline}")
    for name, value in medians.items():
        print(f"{name:<{width}}  {value * 1000:9.1f}  {value / base:5.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    mailctl = shutil.which("mailctl")
    launcher = [mailctl] if mailctl else [sys.executable, "-m", "mailctl"]
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "XDG_CONFIG_HOME": home}
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "mailctl --version": launcher + ["--version"],
            "mailctl profile list": launcher + ["profile", "list"],
            "mailctl --help": launcher + ["--help"],
        }
        report(measure(commands, args.runs, env), "python -c pass")


if __name__ == "__main__":
    main()
