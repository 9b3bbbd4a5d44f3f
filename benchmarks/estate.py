"""Desired state at scale against the emulator, side by side in one run.

plan: D domains x M mailboxes spread over P profiles (default 50 x 200 over 3), 20 ms
added to every request, compared with what a shell script does without mailctl's plan:
`mailctl pop list DOMAIN` for each domain, one after another.

apply: C changes (default 500 quota changes on one DirectAdmin domain) with --jobs 16
against --jobs 1.

Each contender runs as a whole process, interleaved, medians printed with their ratio
and the goal beside it. Bytecode is cached (in a temporary directory).

    python benchmarks/estate.py [--domains 50] [--mailboxes 200] [--profiles 3] [--changes 500] [--runs 3]
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

from benchmarks.harness import isolated_env, run_mailctl  # noqa: E402
from mailctl.emulator import Emulator  # noqa: E402

LATENCY_MS = 20


def mailctl(*args: str, env: dict, stdin: str | None = None) -> float:
    started = time.perf_counter()
    run_mailctl(*args, env=env, stdin=stdin)
    return time.perf_counter() - started


def world(emu: Emulator, domains: int, mailboxes: int) -> list[str]:
    names = [f"shop{n:03d}.example" for n in range(domains)]
    da = emu.state.directadmin
    with emu.state.lock:
        for name in names:
            da.add_domain(name, "demo")
            for number in range(mailboxes):
                da.add_mailbox(f"user{number:04d}@{name}", password="Bench-pass-1", quota_mb=100)
        emu.state.touch()
    return names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--domains", type=int, default=50)
    parser.add_argument("--mailboxes", type=int, default=200)
    parser.add_argument("--profiles", type=int, default=3)
    parser.add_argument("--changes", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="mailctl-bench-") as root, Emulator(latency_ms=LATENCY_MS) as emu:
        home = Path(root)
        env = isolated_env(home)
        names = world(emu, args.domains, args.mailboxes)
        profiles = [f"panel{n}" for n in range(args.profiles)]
        for name in profiles:  # several profiles on one emulated server, as several panels would be
            mailctl("profile", "add", name, "--provider", "directadmin", "--url", emu.url, "--user", "demo", env=env)
        lines = []
        for number, domain in enumerate(names):
            lines.append(f'[{profiles[number % len(profiles)]}."{domain}"]\nmailboxes = []\n')
        estate = home / "estate.toml"
        estate.write_text("\n".join(lines))

        loop_times, plan_times = [], []
        for _ in range(args.runs):
            started = time.perf_counter()
            for number, domain in enumerate(names):
                mailctl("-p", profiles[number % len(profiles)], "pop", "list", domain, env=env)
            loop_times.append(time.perf_counter() - started)
            plan_times.append(mailctl("plan", str(estate), env=env))

        # apply: quota changes on one domain, jobs 16 against jobs 1.
        target = names[0]
        changed = home / "apply.toml"
        rows = [f'mailboxes.user{n:04d} = {{ quota = QUOTA }}' for n in range(min(args.changes, args.mailboxes))]
        extra = args.changes - len(rows)
        if extra > 0:
            with emu.state.lock:
                for number in range(args.mailboxes, args.mailboxes + extra):
                    emu.state.directadmin.add_mailbox(f"user{number:04d}@{target}", password="Bench-pass-1",
                                                      quota_mb=100)
                emu.state.touch()
            rows += [f'mailboxes.user{n:04d} = {{ quota = QUOTA }}'
                     for n in range(args.mailboxes, args.mailboxes + extra)]
        body = f'[{profiles[0]}."{target}"]\n' + "\n".join(rows) + "\n"
        fast, slow = [], []
        quota = 100
        for _ in range(args.runs):
            for jobs, sink in (("16", fast), ("1", slow)):
                quota += 1
                changed.write_text(body.replace("QUOTA", str(quota)))
                sink.append(mailctl("apply", str(changed), "--yes", "--jobs", jobs, env=env))

    loop, plan = statistics.median(loop_times), statistics.median(plan_times)
    one, sixteen = statistics.median(slow), statistics.median(fast)
    print(f"{args.domains} domains x {args.mailboxes} mailboxes over {args.profiles} profiles, "
          f"{LATENCY_MS} ms per request, medians of {args.runs}")
    print(f"{'':48} {'seconds':>8} {'ratio':>7}  goal")
    print(f"{'pop list per domain, one after another':48} {loop:8.2f} {'1.0x':>7}")
    print(f"{'mailctl plan (all domains at once)':48} {plan:8.2f} {loop / plan:6.1f}x  >= 5x faster")
    print(f"{args.changes} quota changes:")
    print(f"{'mailctl apply --jobs 1':48} {one:8.2f} {'1.0x':>7}")
    print(f"{'mailctl apply --jobs 16':48} {sixteen:8.2f} {one / sixteen:6.1f}x  >= 10x faster")


if __name__ == "__main__":
    main()
