"""Scale and speed targets (issue 18), each printed as a ratio with its goal beside it, in one run.

  1. listing 10,000 mailboxes at 20 ms latency: mailbox.org (paged) / cPanel (one call), goal <= 2.0
  2. bulk per-row cost on a domain of 10,000 mailboxes at 20 ms latency, last 500 rows /
     first 500 rows, goal <= 1.2: 2,000 creates without --quota (cPanel, DirectAdmin) and
     2,000 DirectAdmin password changes
  3. pop list --all-domains, 500 domains at 20 ms latency: default --jobs / --jobs 16, goal <= 1.5
  4. start-up: mailctl --help / cpanel --help of cpanel-cli 0.30.1, goal <= 1.0 (both
     installed in one throwaway venv, so both pay the same interpreter and site; skipped
     with a message when it cannot be installed), and mailctl pop list / a minimal
     requests script making the same call, goal <= 1.3 (from benchmarks/bulk.py)
  5. output (benchmarks/output.py): table 10,000 and 100,000 rows / plain (goals 1.5, 2.0),
     table peak memory / plain (1.3), JSON 100,000 / plain (1.2), JSON peak / 120 MiB (1.0)
  6. the emulator (benchmarks/emulator_scale.py): each list call of 100,000 mailboxes / 1 s (1.0)

Every command is the real CLI in a subprocess against the emulator; runs are interleaved
and medians taken. Sections 5 and 6 can also be run on their own from their scripts.

    python benchmarks/scale.py [--runs 3] [--startup-runs 11] [--skip-install] [--only 123456]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import venv
from pathlib import Path

from bulk import SECRET, base_env, launcher, measure_startup, run, startup_contenders

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIG = "big.example.net"
RESULTS: list[tuple[str, float, str, bool]] = []


def target(name: str, ratio: float, goal: float, detail: str) -> None:
    RESULTS.append((name, ratio, f"(goal <= {goal}x) {detail}".rstrip(), ratio <= goal))
    print(f"  {name}: {ratio:.2f}x (goal <= {goal}x) {detail}", flush=True)


def timed(argv: list[str], env: dict[str, str], expect_lines: int | None = None) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv)}: exit {done.returncode}\n{done.stderr}")
    if expect_lines is not None and len(done.stdout.splitlines()) != expect_lines:
        sys.exit(f"{' '.join(argv)}: {len(done.stdout.splitlines())} lines, expected {expect_lines}")
    return elapsed


def world(size: int, domains: int):
    from mailctl.emulator import default_world

    w = default_world()
    for state in (w.cpanel, w.mailboxorg, w.directadmin):
        state.add_domain(BIG, "demo")
    for i in range(size):
        address = f"user{i:05d}@{BIG}"
        w.cpanel.add_mailbox(address, quota_mb=100, usage_bytes=1_500_000)
        w.mailboxorg.add_mailbox(address)
        w.directadmin.add_mailbox(address, quota_mb=100, usage_mb=1.5)
    # --all-domains: a second cPanel account, so the big domain does not dominate.
    w.cpanel.add_account("many", SECRET, token=SECRET, main_domain="example.com.many.test")
    w.cpanel.add_mailbox("info@example.com.many.test", quota_mb=100)
    w.cpanel.add_mailbox("sales@example.com.many.test", quota_mb=100)
    for d in range(domains):
        name = f"d{d:03d}.example.org"
        w.cpanel.add_domain(name, "many")
        for i in range(4):
            w.cpanel.add_mailbox(f"m{i}@{name}", quota_mb=100)
    return w


# -- 1. listing -------------------------------------------------------------------------------

def listing(mc, env, emu, runs, size):
    print(f"\n1. pop list of {size} mailboxes, 20 ms per request (median of {runs})", flush=True)
    emu.settings.latency_ms = 20
    samples = {"cpanel": [], "mailboxorg": []}
    for _ in range(runs):
        for profile in samples:
            samples[profile].append(timed(mc + ["-p", profile, "pop", "list", BIG], env, size))
    cp, mbo = (statistics.median(samples[p]) for p in ("cpanel", "mailboxorg"))
    target("mailbox.org / cPanel listing", mbo / cp, 2.0, f"({mbo:.2f} s vs {cp:.2f} s)")


# -- 2. bulk per-row cost ---------------------------------------------------------------------

def progress(count, rows: int) -> list[float]:
    """Poll `count()` (rows done so far) until it reaches `rows`; the time each was reached."""
    reached = [0.0] * (rows + 1)
    seen = 0
    while seen < rows:
        now_count = min(count(), rows)
        now = time.perf_counter()
        for k in range(seen + 1, now_count + 1):
            reached[k] = now
        seen = max(seen, now_count)
        time.sleep(0.002)
    return reached


def flatness(label, argv, env, count, rows, emu):
    result: dict = {}

    def watch():
        result["t"] = progress(count, rows)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{label}: exit {done.returncode}\n{done.stderr[-2000:]}")
    watcher.join(timeout=30)
    t = result["t"]
    edge = 500 if rows >= 1000 else rows // 4
    first, last = t[edge + 10] - t[10], t[rows] - t[rows - edge]
    target(f"{label}: last {edge} / first {edge} rows", last / first, 1.2,
           f"({last * 1000 / edge:.1f} vs {first * 1000 / edge:.1f} ms/row)")


def bulk(mc, env, emu, tmp: Path, rows: int, size: int):
    print(f"\n2. bulk on a domain of {size} mailboxes, {rows} rows, --jobs 16, 20 ms per request", flush=True)
    emu.settings.latency_ms = 20
    creates = tmp / "creates.csv"
    creates.write_text("address,password\n" + "".join(
        f"new{n:05d}@{BIG},Str0ng-pass-{n:05d}\n" for n in range(rows)))
    changes = tmp / "passwd.csv"
    new = "N3w-Str0ng-pass"
    changes.write_text("address,password\n" + "".join(f"user{n:05d}@{BIG},{new}\n" for n in range(rows)))
    state = emu.state
    for profile, boxes in (("cpanel", state.cpanel.mailboxes[BIG]), ("directadmin", state.directadmin.mailboxes[BIG])):
        flatness(f"{profile} {rows} creates without --quota",
                 mc + ["-p", profile, "pop", "create", "--from-file", str(creates), "--jobs", "16"], env,
                 lambda boxes=boxes: len(boxes) - size, rows, emu)
    da = state.directadmin.mailboxes[BIG]
    locals_ = [f"user{n:05d}" for n in range(rows)]
    flatness(f"directadmin {rows} password changes",
             mc + ["-p", "directadmin", "passwd", "--from-file", str(changes), "--jobs", "16"], env,
             lambda: sum(1 for name in locals_ if da[name].password == new), rows, emu)


# -- 3. --all-domains -------------------------------------------------------------------------

def all_domains(mc, env, emu, runs, domains):
    from mailctl.cli.listing import DEFAULT_JOBS as LIST_JOBS

    print(f"\n3. pop list --all-domains, {domains} domains, 20 ms per request (median of {runs})", flush=True)
    emu.settings.latency_ms = 20
    lines = domains * 4 + 2  # the account's main domain example.com has 2
    contenders = {f"--jobs {j}": ["--jobs", str(j)] for j in (4, 8, 12, 16)}
    contenders[f"default ({LIST_JOBS})"] = []
    samples = {name: [] for name in contenders}
    for _ in range(runs):
        for name, extra in contenders.items():
            samples[name].append(timed(mc + ["-p", "many", "pop", "list", "--all-domains", *extra], env, lines))
    medians = {name: statistics.median(v) for name, v in samples.items()}
    for name, value in medians.items():
        print(f"    {name:<14} {value:6.2f} s")
    fastest = medians["--jobs 16"]
    target("--all-domains default / --jobs 16", medians[f"default ({LIST_JOBS})"] / fastest, 1.5, "")


# -- 4. start-up ------------------------------------------------------------------------------

def throwaway_venv(tmp: Path) -> Path | None:
    """A venv holding cpanel-cli 0.30.1 and this mailctl (not editable), or None."""
    where = tmp / "venv"
    venv.create(where, with_pip=True)
    pip = [str(where / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    for what in (["cpanel-cli==0.30.1"], [str(ROOT)]):
        done = subprocess.run(pip + what, capture_output=True, text=True)
        if done.returncode != 0:
            print(f"  skipped: could not install {what[0]} ({done.stderr.strip().splitlines()[-1:]})")
            return None
    return where / "bin"


def startup(mc, env, emu, tmp: Path, runs: int, skip_install: bool):
    print(f"\n4. start-up (median of {runs}, bytecode cached)", flush=True)
    emu.settings.latency_ms = 0
    bin_dir = None if skip_install else throwaway_venv(tmp)
    if bin_dir is not None:
        contenders = {"cpanel --help": ([str(bin_dir / "cpanel"), "--help"], env),
                      "mailctl --help": ([str(bin_dir / "mailctl"), "--help"], env)}
        for argv, e in contenders.values():
            subprocess.run(argv, env=e, capture_output=True)  # warm the bytecode cache
        medians = measure_startup(contenders, runs)
        target("mailctl --help / cpanel --help", medians["mailctl --help"] / medians["cpanel --help"], 1.0,
               f"({medians['mailctl --help'] * 1000:.0f} vs {medians['cpanel --help'] * 1000:.0f} ms)")
    elif skip_install:
        print("  mailctl --help vs cpanel --help: skipped (--skip-install)")
    # pop list against the requests script: from the throwaway venv when there is one
    # (a plain install, as users have; an editable one adds an import hook of its own).
    contenders = startup_contenders(mc, emu.url, env, env)
    argv, script_env = contenders["requests script, same call"]
    python = str(bin_dir / "python") if bin_dir is not None else sys.executable
    ours = [str(bin_dir / "mailctl")] if bin_dir is not None else mc
    chosen = {"requests script, same call": ([python, *argv[1:]], script_env),
              "mailctl pop list (MAILCTL_SECRET)": (ours + ["-p", "cpanel", "pop", "list", "example.com"],
                                                    {**env, "MAILCTL_SECRET": SECRET})}
    for argv, e in chosen.values():
        run(argv, e)
    medians = measure_startup(chosen, runs)
    script, ours_s = medians["requests script, same call"], medians["mailctl pop list (MAILCTL_SECRET)"]
    target("mailctl pop list / requests script", ours_s / script, 1.3,
           f"({ours_s * 1000:.0f} vs {script * 1000:.0f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--startup-runs", type=int, default=11)
    parser.add_argument("--size", type=int, default=10_000, help="mailboxes in the big domain")
    parser.add_argument("--rows", type=int, default=2_000, help="bulk rows")
    parser.add_argument("--domains", type=int, default=500, help="domains for --all-domains")
    parser.add_argument("--skip-install", action="store_true", help="leave out the cpanel-cli comparison")
    parser.add_argument("--only", default="123456", help="which sections to run (default 123456)")
    parser.add_argument("--output-runs", type=int, default=5, help="runs of each output mode (section 5)")
    args = parser.parse_args()

    from mailctl.emulator import Emulator

    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average at start {load}")
    mc = launcher()
    with tempfile.TemporaryDirectory() as tmp_name, Emulator(state=world(args.size, args.domains)) as emu:
        tmp = Path(tmp_name)
        env = base_env(tmp)
        env.update(PYTHONPATH=str(HERE), PYTHON_KEYRING_BACKEND="file_keyring.Keyring",
                   MAILCTL_BENCH_KEYRING=str(tmp / "keyring.json"))
        for name, provider, user in (("cpanel", "cpanel", "demo"), ("mailboxorg", "mailboxorg", "demo"),
                                     ("directadmin", "directadmin", "demo"), ("many", "cpanel", "many")):
            run(mc + ["profile", "add", name, "--provider", provider, "--url", emu.url, "--user", user], env)
            run(mc + ["-p", name, "session", "login", "--secret-stdin"], env, stdin=SECRET + "\n")
        if "1" in args.only:
            listing(mc, env, emu, args.runs, args.size)
        if "3" in args.only:
            all_domains(mc, env, emu, args.runs, args.domains)
        if "2" in args.only:
            bulk(mc, env, emu, tmp, args.rows, args.size)
        if "4" in args.only:
            startup(mc, env, emu, tmp, args.startup_runs, args.skip_install)
    if "5" in args.only:
        import output

        print(f"\n5. output of Output.records, each mode (median of {args.output_runs})", flush=True)
        for count in (10_000, 100_000):
            for name, ratio, goal in output.report(count, output.measure(count, args.output_runs)):
                RESULTS.append((name, ratio, f"(goal <= {goal}x)", ratio <= goal))
    if "6" in args.only:
        import emulator_scale

        print("\n6. the emulator with 100,000 mailboxes, one call each", flush=True)
        for name, ratio, goal in emulator_scale.measure(100_000):
            RESULTS.append((name, ratio, "of 1 s", ratio <= goal))
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    print(f"\nSummary (load average at end {load}):")
    for name, ratio, detail, met in RESULTS:
        print(f"  {'met ' if met else 'MISS'} {name}: {ratio:.2f}x {detail}")


if __name__ == "__main__":
    main()
