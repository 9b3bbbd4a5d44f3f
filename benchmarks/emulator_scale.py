"""Time the emulator's list calls with 100,000 mailboxes in one domain (no test: timings
depend on the machine), each beside the goal of issue 18: a list call in under 1 s, the
first one (which builds the row caches) as well as the next. The --state file is saved in
the background, batched (mailctl/emulator/statefile.py); its save time is printed for
information. Run: python benchmarks/emulator_scale.py [N]"""

from __future__ import annotations

import json
import sys
import tempfile
import time
import urllib.request
from base64 import b64encode
from pathlib import Path

from mailctl.emulator import Emulator, default_world


def build_world(n: int):
    world = default_world()
    for i in range(n):
        address = f"user{i:06d}@example.com"
        world.directadmin.add_mailbox(address, quota_mb=100, usage_mb=1.5)
        world.cpanel.add_mailbox(address, quota_mb=100, usage_bytes=1_500_000)
        world.mailboxorg.add_mailbox(address, first_name=f"F{i % 977}", last_name=f"L{i % 613}")
    return world


def post(url: str, data: bytes, headers: dict[str, str]) -> bytes:
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=60) as answer:
        return answer.read()


GOAL_SECONDS = 1.0
RESULTS: list[tuple[str, float, float]] = []


def timed(label: str, call) -> None:
    """One call, printed as seconds and as a ratio to the 1 s goal."""
    start = time.perf_counter()
    body = call()
    seconds = time.perf_counter() - start
    ratio = seconds / GOAL_SECONDS
    RESULTS.append((f"emulator {label}", ratio, 1.0))
    print(f"{label:55s} {seconds:7.3f} s  {len(body) / 1e6:6.1f} MB  {ratio:5.2f}x of 1 s "
          f"{'ok' if ratio <= 1.0 else 'MISSED'}")


def main() -> None:
    measure(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)


def measure(n: int) -> list[tuple[str, float, float]]:
    """Every call of the list above; returns (target, ratio to 1 s, goal)."""
    RESULTS.clear()
    world = build_world(n)
    with tempfile.TemporaryDirectory() as tmp, Emulator(state=world,
                                                        state_file=Path(tmp) / "s.json") as emu:
        basic = {"Authorization": "Basic " + b64encode(b"demo:demo-secret").decode()}
        token = {"Authorization": "cpanel demo:demo-secret"}
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        url = emu.url
        timed("DirectAdmin CMD_API_POP action=list", lambda: post(
            f"{url}/CMD_API_POP", b"action=list&domain=example.com", {**basic, **form}))
        for attempt in ("first", "again"):  # the first call builds the row caches
            timed(f"DirectAdmin CMD_API_POP action=full_list ({attempt})", lambda: post(
                f"{url}/CMD_API_POP", b"action=full_list&domain=example.com", {**basic, **form}))
            timed(f"cPanel list_pops_with_disk domain= ({attempt})", lambda: post(
                f"{url}/execute/Email/list_pops_with_disk", b"domain=example.com",
                {**token, **form}))
        timed("cPanel list_pops_with_disk email= (one)", lambda: post(
            f"{url}/execute/Email/list_pops_with_disk", b"email=user050000@example.com",
            {**token, **form}))
        session = json.loads(post(f"{url}/v1/", json.dumps(
            {"jsonrpc": "2.0", "id": 1, "method": "auth",
             "params": {"user": "demo", "pass": "demo-secret"}}).encode(), {}))["result"]["session"]

        def rpc(method: str, params: dict) -> bytes:
            body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": params}
            return post(f"{url}/v1/", json.dumps(body).encode(), {"HPLS-AUTH": session})

        for attempt in ("first", "again"):
            timed(f"mailbox.org mail.list, all, details ({attempt})", lambda: rpc(
                "mail.list", {"domain": "example.com", "details": True}))
        for page in (1, 2, 500):
            timed(f"mailbox.org mail.list page {page} of 100, by last_name", lambda: rpc(
                "mail.list", {"domain": "example.com", "page_size": 100, "page": page,
                              "sort_field": "last_name"}))
        timed("mailbox.org mail.get", lambda: rpc("mail.get", {"mail": "user050000@example.com"}))
        timed("mailbox.org mail.set (one change)", lambda: rpc(
            "mail.set", {"mail": "user050000@example.com", "memo": "x"}))
        start = time.perf_counter()
        emu.save_state()
        print(f"{'state file save (in the background, batched)':55s} {time.perf_counter() - start:7.3f} s")
    return list(RESULTS)


if __name__ == "__main__":
    main()
