"""Bulk runs and start-up cost against the emulator, side by side, in one run.

Bulk: N mailbox creates (default 500) on the emulator's cPanel UAPI with 20 ms added to
every request, done five ways:
  - mailctl pop create --from-file, --jobs 16, 4 (the default) and 1;
  - a shell loop calling curl once per mailbox (what users do today);
  - a shell loop calling `mailctl pop create` once per mailbox (start-up cost on every
    row; measured on --loop-rows rows and scaled to N, since each call is independent).
Every row carries a quota, so each create is exactly one HTTP request for every
contender (without one, mailctl reads the new mailbox back for the server's default).

Start-up: `python -c pass`, a minimal `requests` script making the same HTTP call as
`mailctl pop list`, `mailctl --version`, `mailctl --help`, and `mailctl pop list`
against the emulator (no added latency) with the secret from MAILCTL_SECRET and from a
keyring (a file-backed keyring backend; a desktop keyring adds its own lookup).

Runs are interleaved so machine noise hits every contender alike; medians are printed
with their ratios. Bytecode is cached (in a temporary directory) as in an installed
package. Needs curl (Debian: apt-get install curl).

    python benchmarks/bulk.py [--rows 500] [--runs 3] [--loop-rows 100] [--startup-runs 15]
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
from pathlib import Path

from startup import measure

HERE = Path(__file__).resolve().parent
SECRET = "demo-secret"
DOMAIN = "bulk.example.net"
QUOTA = "100"


def launcher() -> list[str]:
    script = Path(sys.executable).with_name("mailctl")
    if script.exists():
        return [str(script)]
    found = shutil.which("mailctl")
    return [found] if found else [sys.executable, "-m", "mailctl"]


def base_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONDONTWRITEBYTECODE", "MAILCTL_SECRET", "MAILCTL_PROFILE", "PYTHON_KEYRING_BACKEND")}
    env.update(XDG_CONFIG_HOME=str(home / "config"), XDG_STATE_HOME=str(home / "state"),
               PYTHONPYCACHEPREFIX=str(home / "pycache"), NO_COLOR="1")
    return env


def run(argv: list[str], env: dict[str, str], stdin: str | None = None) -> None:
    subprocess.run(argv, env=env, input=stdin, text=True, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


# -- bulk --------------------------------------------------------------------------------------

def bulk_contenders(mailctl: list[str], files: dict[str, Path], url: str, auth: Path) -> dict[str, str]:
    """Shell command lines; each creates the mailboxes listed in its input file."""
    mc = " ".join(mailctl)
    curl_loop = (
        f"while IFS=, read -r local password; do "
        f"printf 'email=%s&domain={DOMAIN}&password=%s&quota={QUOTA}' \"$local\" \"$password\" | "
        f"curl -sS -f -o /dev/null -K {auth} --data-binary @- {url}/execute/Email/add_pop || exit 1; "
        f"done < {files['curl']}"
    )
    mailctl_loop = (
        f"while IFS=, read -r address password; do "
        f"printf '%s\\n' \"$password\" | {mc} pop create \"$address\" --quota {QUOTA} --password-stdin "
        f">/dev/null 2>&1 || exit 1; done < {files['loop']}"
    )
    return {
        "mailctl --from-file --jobs 16": f"{mc} pop create --from-file {files['csv']} --jobs 16 > /dev/null",
        "mailctl --from-file --jobs 4 (default)": f"{mc} pop create --from-file {files['csv']} > /dev/null",
        "mailctl --from-file --jobs 1": f"{mc} pop create --from-file {files['csv']} --jobs 1 > /dev/null",
        "shell loop: curl per mailbox": curl_loop,
        "shell loop: mailctl pop create per mailbox": mailctl_loop,
    }


def write_inputs(directory: Path, rows: int, loop_rows: int) -> dict[str, Path]:
    people = [(f"user{n:04d}", f"Str0ng-pass-{n:04d}") for n in range(rows)]
    files = {"csv": directory / "rows.csv", "curl": directory / "rows.txt", "loop": directory / "loop.txt"}
    files["csv"].write_text("address,password,quota\n" + "".join(
        f"{local}@{DOMAIN},{password},{QUOTA}\n" for local, password in people))
    files["curl"].write_text("".join(f"{local},{password}\n" for local, password in people))
    files["loop"].write_text("".join(f"{local}@{DOMAIN},{password}\n" for local, password in people[:loop_rows]))
    return files


def measure_bulk(emu, contenders: dict[str, str], env: dict[str, str], runs: int,
                 expected: dict[str, int]) -> dict[str, float]:
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(runs):
        for name, line in contenders.items():
            with emu.state.lock:
                emu.state.cpanel.mailboxes[DOMAIN].clear()
            start = time.perf_counter()
            done = subprocess.run(["bash", "-c", line], env=env, stderr=subprocess.PIPE, text=True)
            samples[name].append(time.perf_counter() - start)
            created = len(emu.state.cpanel.mailboxes[DOMAIN])
            if done.returncode != 0 or created != expected[name]:
                sys.exit(f"{name}: exit {done.returncode}, {created} of {expected[name]} created\n{done.stderr}")
    return {name: statistics.median(values) for name, values in samples.items()}


def report_bulk(medians: dict[str, float], rows: int, loop_rows: int, runs: int, latency: int) -> None:
    scaled = dict(medians)
    loop = "shell loop: mailctl pop create per mailbox"
    scaled[loop] = medians[loop] * rows / loop_rows
    fastest = scaled["mailctl --from-file --jobs 16"]
    print(f"\nBulk: {rows} creates, cPanel UAPI on the emulator, {latency} ms added per request "
          f"(median of {runs} runs)")
    width = max(len(name) for name in scaled)
    print(f"{'how':<{width}}  {'total s':>8}  {'ms/mailbox':>10}  {'x --jobs 16':>11}")
    for name, value in scaled.items():
        note = f"  (measured on {loop_rows} rows, scaled)" if name == loop and loop_rows != rows else ""
        print(f"{name:<{width}}  {value:8.2f}  {value * 1000 / rows:10.1f}  {value / fastest:10.1f}x{note}")
    print(f"targets: --jobs 16 vs --jobs 1 >= 10x: {scaled['mailctl --from-file --jobs 1'] / fastest:.1f}x; "
          f"vs the curl loop >= 10x: {scaled['shell loop: curl per mailbox'] / fastest:.1f}x")


# -- start-up ----------------------------------------------------------------------------------

def startup_contenders(mailctl: list[str], url: str, env: dict[str, str], keyring_env: dict[str, str]) -> dict:
    script = (
        "import os, requests\n"
        f"r = requests.post('{url}/execute/Email/list_pops_with_disk', data={{'domain': 'example.com'}},\n"
        "                  auth=('demo', os.environ['MAILCTL_SECRET']), timeout=30)\n"
        "for m in r.json()['data']:\n"
        "    print(m['email'], m['_diskquota'], m['_diskused'], sep='\\t')\n"
    )
    secret_env = {**env, "MAILCTL_SECRET": SECRET}
    return {
        "python -c pass": ([sys.executable, "-c", "pass"], env),
        "requests script, same call": ([sys.executable, "-c", script], secret_env),
        "mailctl --version": (mailctl + ["--version"], env),
        "mailctl --help": (mailctl + ["--help"], env),
        "mailctl pop list (MAILCTL_SECRET)": (mailctl + ["-p", "bench", "pop", "list", "example.com"], secret_env),
        "mailctl pop list (keyring)": (mailctl + ["-p", "bench", "pop", "list", "example.com"], keyring_env),
    }


def measure_startup(contenders: dict, runs: int) -> dict[str, float]:
    # startup.measure takes one environment; each contender here brings its own.
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(runs):
        for name, (argv, env) in contenders.items():
            medians = measure({name: argv}, 1, env)
            samples[name].append(medians[name])
    return {name: statistics.median(values) for name, values in samples.items()}


def report_startup(medians: dict[str, float], runs: int) -> None:
    base, script = medians["python -c pass"], medians["requests script, same call"]
    print(f"\nStart-up: one command against the emulator, no added latency (median of {runs} runs)")
    width = max(len(name) for name in medians)
    print(f"{'command':<{width}}  {'ms':>6}  {'x python -c pass':>16}  {'x requests script':>17}")
    for name, value in medians.items():
        print(f"{name:<{width}}  {value * 1000:6.1f}  {value / base:15.1f}x  {value / script:16.2f}x")
    print(f"target: mailctl pop list (MAILCTL_SECRET) within 1.5x of the requests script: "
          f"{medians['mailctl pop list (MAILCTL_SECRET)'] / script:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=500, help="mailboxes per bulk run (default 500)")
    parser.add_argument("--runs", type=int, default=3, help="rounds of the bulk contenders (default 3)")
    parser.add_argument("--loop-rows", type=int, default=100,
                        help="rows for the mailctl-per-mailbox loop, scaled to --rows (default 100)")
    parser.add_argument("--startup-runs", type=int, default=15, help="rounds of the start-up commands (default 15)")
    parser.add_argument("--latency-ms", type=int, default=20, help="added to every bulk request (default 20)")
    args = parser.parse_args()
    if shutil.which("curl") is None:
        sys.exit("curl is needed for the shell-loop comparison (Debian: apt-get install curl)")
    loop_rows = min(args.loop_rows, args.rows)

    from mailctl.emulator import Emulator

    mailctl = launcher()
    with tempfile.TemporaryDirectory() as tmp, Emulator() as emu:
        home = Path(tmp)
        env = base_env(home)
        with emu.state.lock:
            emu.state.cpanel.add_domain(DOMAIN, "demo")
        run(mailctl + ["profile", "add", "bench", "--provider", "cpanel", "--url", emu.url, "--user", "demo"], env)
        keyring_env = {**env, "PYTHONPATH": str(HERE), "PYTHON_KEYRING_BACKEND": "file_keyring.Keyring",
                       "MAILCTL_BENCH_KEYRING": str(home / "keyring.json")}
        run(mailctl + ["-p", "bench", "session", "login", "--secret-stdin"], keyring_env, stdin=SECRET + "\n")
        auth = home / "curl-auth.cfg"
        auth.write_text(f'user = "demo:{SECRET}"\n')
        auth.chmod(0o600)

        # Start-up first, on the emulator as it starts (two mailboxes in example.com).
        startup = startup_contenders(mailctl, emu.url, env, keyring_env)
        for argv, command_env in startup.values():  # warm-up (writes the bytecode cache); each must work
            run(argv, command_env)
        startup_medians = measure_startup(startup, args.startup_runs)

        files = write_inputs(home, args.rows, loop_rows)
        contenders = bulk_contenders(mailctl, files, emu.url, auth)
        expected = {name: args.rows for name in contenders}
        expected["shell loop: mailctl pop create per mailbox"] = loop_rows
        emu.settings.latency_ms = args.latency_ms
        bulk_medians = measure_bulk(emu, contenders, {**env, "MAILCTL_SECRET": SECRET, "MAILCTL_PROFILE": "bench"},
                                    args.runs, expected)

    print(f"python {sys.version.split()[0]} on {sys.platform}, {os.cpu_count()} CPUs")
    report_bulk(bulk_medians, args.rows, loop_rows, args.runs, args.latency_ms)
    report_startup(startup_medians, args.startup_runs)


if __name__ == "__main__":
    main()
