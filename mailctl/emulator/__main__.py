"""`python -m mailctl.emulator`: serve every provider app until SIGINT or SIGTERM.

The URL goes to stdout (one line, flushed, so a script can read it, also with --port 0);
the access log goes to stderr.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import Sequence

from .app import Emulator
from .faults import parse_fault
from .settings import AUTH_STATUSES, DA_AUTH_FAILURES, DA_JSON_LISTS


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m mailctl.emulator",
        description="Local emulator of the DirectAdmin, cPanel UAPI, WHM and mailbox.org APIs.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default %(default)s)")
    parser.add_argument("--port", type=int, default=2222,
                        help="port (default %(default)s; 0 picks a free one)")
    parser.add_argument("--tls-cert", metavar="FILE", help="serve HTTPS with this certificate (PEM)")
    parser.add_argument("--tls-key", metavar="FILE", help="private key for --tls-cert (PEM)")
    parser.add_argument("--state", metavar="FILE",
                        help="load the world from this JSON file if it exists; save it after each change")
    parser.add_argument("--latency-ms", type=int, default=0, metavar="N",
                        help="delay every request by N milliseconds")
    parser.add_argument("--fault", action="append", default=[], metavar="SPEC",
                        help="inject a fault, e.g. kind=503,path=/execute/,nth=2 (repeatable)")
    parser.add_argument("--quiet", action="store_true", help="no access log")
    variants = parser.add_argument_group("provider versions")
    variants.add_argument("--da-auth-failure", choices=DA_AUTH_FAILURES, default="login_page",
                          help="how DirectAdmin answers a failed login (default %(default)s)")
    variants.add_argument("--da-no-unauthorized-header", action="store_true",
                          help="DirectAdmin's login page answer without X-DirectAdmin: Unauthorized")
    variants.add_argument("--da-email-pop", action="store_true",
                          help="newer DirectAdmin: create/modify/delete only on CMD_API_EMAIL_POP")
    variants.add_argument("--da-no-full-list", action="store_true",
                          help="older DirectAdmin: CMD_API_POP has no action=full_list")
    variants.add_argument("--da-json-list", choices=DA_JSON_LISTS, default="array",
                          help="DirectAdmin json=yes lists: bare array or {\"list\": [...]}")
    variants.add_argument("--cpanel-auth-status", type=int, choices=AUTH_STATUSES, default=401,
                          help="HTTP status of a bad cPanel/WHM login (default %(default)s)")
    variants.add_argument("--whm-legacy-only", action="store_true",
                          help="WHM answers API 0 even when api.version=1 is sent")
    variants.add_argument("--mbo-no-result-null", action="store_true",
                          help="mailbox.org refusals without \"result\": null beside the error")
    variants.add_argument("--mbo-session-idle", type=float, default=1200.0, metavar="SECONDS",
                          help="mailbox.org session idle timeout (default %(default)s)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    try:
        faults = [parse_fault(spec) for spec in args.fault]
        emulator = Emulator(
            host=args.host, port=args.port,
            tls=(args.tls_cert, args.tls_key) if args.tls_cert else None,
            state_file=args.state, latency_ms=args.latency_ms, faults=faults,
            log=False if args.quiet else sys.stderr,
            da_auth_failure=args.da_auth_failure,
            da_unauthorized_header=not args.da_no_unauthorized_header,
            da_email_pop=args.da_email_pop, da_full_list=not args.da_no_full_list,
            da_json_list=args.da_json_list, cpanel_auth_status=args.cpanel_auth_status,
            whm_legacy_only=args.whm_legacy_only, mbo_session_idle=args.mbo_session_idle,
            mbo_error_result_null=not args.mbo_no_result_null)
    except (ValueError, TypeError, KeyError, OSError) as error:  # bad spec or state file
        parser.error(str(error))
    try:
        emulator.start()
    except OSError as error:  # port taken, unreadable certificate...
        print(f"emulator: cannot start: {error}", file=sys.stderr)
        return 1
    return _serve_until_signalled(emulator)


def _serve_until_signalled(emulator: Emulator) -> int:
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    print(emulator.url, flush=True)
    # A timed wait keeps the main thread responsive to signals on every platform.
    while not stop.wait(0.2):
        pass
    emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
