"""Cost of rendering a mailbox list in each output mode, against the targets.

Each measurement is its own process: it builds N mailbox records the way `pop list`
does (Mailbox objects, then their to_json rows), times `Output.records` writing them to
/dev/null, and reports its peak resident memory (the whole process: the records
themselves are most of it, as in the real command); one more, untimed, run per mode
reports what the rendering itself allocates (tracemalloc). Runs are interleaved so machine noise
hits every mode alike; the figures are medians.

    python benchmarks/output.py [--runs N] [--sizes 10000,100000]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

MODES = ("plain", "table", "json")


def build(count: int) -> list:
    from mailctl.models import Mailbox

    quotas = (None, 100, 500, 2048)
    return [
        Mailbox(f"user{i:06d}@domain{i % 40:02d}.example", quotas[i % 4], (i * 7919) % 3_000_000_000, i % 17 == 0)
        for i in range(count)
    ]


def child(mode: str, count: int, alloc: bool = False) -> None:
    from mailctl.environment import Environment
    from mailctl.output import MAILBOX_COLUMNS, Output

    rows = [m.to_json() for m in build(count)]  # what `pop list` holds when it renders
    with open(os.devnull, "w", encoding="utf-8") as sink:
        env = Environment(stdout=sink, stderr=sys.stderr, stdout_isatty=mode == "table", environ={"COLUMNS": "120"})
        out = Output(env, mode)
        if alloc:  # what the rendering itself allocates at most (tracemalloc: not timed)
            import tracemalloc

            tracemalloc.start()
            out.records(rows, MAILBOX_COLUMNS)
            print(json.dumps({"render_mib": tracemalloc.get_traced_memory()[1] / 2**20}))
            return
        start = time.perf_counter()
        out.records(rows, MAILBOX_COLUMNS)
        seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "peak_mib": peak_kib() / 1024}))


def peak_kib() -> int:
    """This process's peak resident memory. VmHWM is this program's own; ru_maxrss on
    Linux keeps the parent's peak across fork and exec (a big parent, such as
    benchmarks/scale.py holding its emulator, would show as every child's peak)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def measure(count: int, runs: int) -> dict[str, dict[str, float]]:
    samples: dict[str, list[dict]] = {mode: [] for mode in MODES}
    for _ in range(runs):
        for mode in MODES:
            done = subprocess.run([sys.executable, __file__, "--child", mode, str(count)],
                                  capture_output=True, text=True, check=True)
            samples[mode].append(json.loads(done.stdout))
    result = {mode: {key: statistics.median(s[key] for s in values) for key in ("seconds", "peak_mib")}
              for mode, values in samples.items()}
    for mode in MODES:
        done = subprocess.run([sys.executable, __file__, "--child", mode, str(count), "--alloc"],
                              capture_output=True, text=True, check=True)
        result[mode].update(json.loads(done.stdout))
    return result


def report(count: int, result: dict[str, dict[str, float]]) -> list[tuple[str, float, float]]:
    """Print the figures and each target beside its goal; returns (target, ratio, goal)."""
    plain = result["plain"]
    table_goal = 1.5 if count <= 10_000 else 2.0
    print(f"\n{count} mailboxes")
    for mode in MODES:
        figures = result[mode]
        print(f"  {mode:<6} {figures['seconds'] * 1000:8.1f} ms  process peak {figures['peak_mib']:6.1f} MiB"
              f"  (rendering allocates {figures['render_mib']:5.1f} MiB of it)")
    targets = [
        (f"table {count} time / plain", result["table"]["seconds"] / plain["seconds"], table_goal),
        (f"table {count} peak / plain", result["table"]["peak_mib"] / plain["peak_mib"], 1.3),
    ]
    if count >= 100_000:
        targets += [(f"json {count} time / plain", result["json"]["seconds"] / plain["seconds"], 1.2),
                    # the goal is 120 MiB: printed as a ratio to it
                    (f"json {count} peak / 120 MiB", result["json"]["peak_mib"] / 120, 1.0)]
    else:
        print(f"  {'json time / plain':<26} {result['json']['seconds'] / plain['seconds']:5.2f}x   (no goal)")
    for name, ratio, goal in targets:
        print(f"  {name:<26} {ratio:5.2f}x   goal <= {goal}x  {'ok' if ratio <= goal else 'MISSED'}")
    return targets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "N"), help=argparse.SUPPRESS)
    parser.add_argument("--alloc", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]), args.alloc)
        return
    for count in (int(n) for n in args.sizes.split(",")):
        report(count, measure(count, args.runs))


if __name__ == "__main__":
    main()
