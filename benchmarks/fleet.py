"""Many panels at once against the emulator, side by side in one run: `mailctl pop list
--all-profiles DOMAIN` over P profiles (default 20, DirectAdmin, cPanel and mailbox.org
in turn) with 20 ms added to every request, against the shell loop it replaces:
`for p in ...; do mailctl -p "$p" pop list DOMAIN; done`.

Each contender runs as a whole process, interleaved, medians printed with their ratio.
Bytecode is cached (in a temporary directory).

    python benchmarks/fleet.py [--profiles 20] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.harness import isolated_env, run_mailctl as mailctl  # noqa: E402
from mailctl.emulator import Emulator  # noqa: E402

LATENCY_MS = 20
PROVIDERS = ("directadmin", "cpanel", "mailboxorg")


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profiles", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="mailctl-bench-") as root, Emulator(latency_ms=LATENCY_MS) as emu:
        env = isolated_env(Path(root))
        names = []
        for number in range(args.profiles):  # several profiles on one emulated server, as many panels would be
            provider = PROVIDERS[number % len(PROVIDERS)]
            name = f"panel{number:02d}"
            mailctl("profile", "add", name, "--provider", provider, "--url", emu.url, "--user", "demo", env=env)
            names.append(name)

        loop_times, fleet_times = [], []
        for _ in range(args.runs):
            loop_times.append(timed(lambda: [mailctl("-p", name, "pop", "list", "example.com", env=env)
                                             for name in names]))
            fleet_times.append(timed(lambda: mailctl("--all-profiles", "pop", "list", "example.com", env=env)))

    loop, fleet = statistics.median(loop_times), statistics.median(fleet_times)
    print(f"pop list example.com on {args.profiles} profiles, {LATENCY_MS} ms per request, medians of {args.runs}")
    print(f"{'':48} {'seconds':>8} {'ratio':>7}")
    print(f"{'shell loop: mailctl -p P pop list, one by one':48} {loop:8.2f} {'1.0x':>7}")
    print(f"{'mailctl --all-profiles pop list':48} {fleet:8.2f} {loop / fleet:6.1f}x faster")


if __name__ == "__main__":
    main()
