"""Virtualmin's remote API: `/virtual-server/remote.cgi` under Webmin (port 10000).

As in release 8.1.0: HTTP Basic auth, checked before anything runs (a failed login is a
401 from Webmin's server); only master administrators may run remote commands (others
get HTTP 200, text/plain `ERROR: You are not allowed to run remote commands`, whatever
format was asked for). GET and POST both work; parameters come from the url-encoded
body and the query string. `program` names the command-line program; every other
parameter becomes `--name value` (an empty value a bare `--name`, a repeated parameter
a repeated flag, and a value with newlines is split into more arguments, as
remote.cgi does). With `json=1` the answer is `{"command","status":"success",
"output"}` or, for a list program, `{"command","status","data":[{"name","values":
{key: [str, ...]}}]}`; a failure `{"command","status":"failure","error":<first line>,
"full_error":<all>}`, always HTTP 200 and text/plain. Without a format: the program's
text and a last line `Exit status: N` (N = the raw wait status, 256 for exit 1).

The programs: list-domains, list-users, create-user, modify-user (with a user's own
forwards: add-forward, del-forward, local/no-local), delete-user, list-aliases,
create-alias, delete-alias (there is no program that changes an alias).
`state.get_only` plays a server (or proxy) that refuses POST with HTTP 405.
"""

from __future__ import annotations

import json
import re
from typing import Callable
from urllib.parse import parse_qsl

from .settings import Settings
from .statebase import MB
from .virtualmin_state import BLOCK, VirtualminState, VMAlias, VMMailbox, unix_name
from .world import World
from .wire import TEXT_TYPE, Request, Response, credentials, html_response, password_problem, valid_local_part

REMOTE = "/virtual-server/remote.cgi"
NOT_ALLOWED = "ERROR: You are not allowed to run remote commands\n"
UNAUTHORIZED = ("<html><head><title>401 Unauthorized</title></head><body><h1>Error - 401 Unauthorized</h1>"
                "<p>A password is required to access this web server. Please try again.</p></body></html>\n")
_FORMATS = ("json", "xml", "perl")
_PROGRAM = re.compile(r"^[a-z0-9.-]+$")


class Failed(Exception):
    """A program exiting with status 1; its message is the output."""

    def __init__(self, text: str):
        super().__init__(text)
        self.text = text


class Args:
    """A program's command line: `--name value` pairs and bare `--flag`s, checked
    against what the program takes (its value and flag names)."""

    def __init__(self, argv: list[str], values: tuple[str, ...], flags: tuple[str, ...]):
        self.values: dict[str, list[str]] = {}
        self.flags: set[str] = set()
        i = 0
        while i < len(argv):
            word = argv[i]
            name = word[2:] if word.startswith("--") else None
            if name in flags:
                self.flags.add(name)
            elif name in values:
                if i + 1 >= len(argv):
                    raise Failed(f"Missing value for --{name}")
                i += 1
                self.values.setdefault(name, []).append(argv[i])
            else:
                raise Failed(f"Unknown parameter {word}")
            i += 1

    def one(self, name: str) -> str | None:
        given = self.values.get(name)
        return given[-1] if given else None

    def all(self, name: str) -> list[str]:
        return self.values.get(name, [])


def handle(request: Request, world: World, settings: Settings) -> Response:
    vm: VirtualminState = world.virtualmin
    if request.path.rstrip("/") != REMOTE:
        return html_response("<h1>Error - Document follows</h1><p>File not found</p>\n", 404)
    if vm.get_only and request.method == "POST":
        return Response(405, b"POST is not allowed here: use GET\n", TEXT_TYPE, [("Allow", "GET, HEAD")])
    creds = credentials(request)
    login = vm.logins.get(creds.user) if creds is not None and creds.scheme == "basic" else None
    if login is None or not creds.secret or creds.secret != login.password:
        return Response(401, UNAUTHORIZED.encode(), "text/html; charset=utf-8",
                        [("WWW-Authenticate", 'Basic realm="Webmin Server"')])
    if not login.master:
        return _text(NOT_ALLOWED)
    pairs = _pairs(request)
    names = {name for name, _ in pairs}
    program = next((value for name, value in pairs if name == "program"), "")
    if not program:
        return _text("This CGI is designed to be invoked by other programs wanting\n"
                     "to perform some Virtualmin action programatically.\n")
    form = next((f for f in _FORMATS if f in names), None)
    if not _PROGRAM.match(program):
        return _text("ERROR: Invalid program name\n")
    run = _PROGRAMS.get(program)
    if run is None:
        if form == "json":
            return _json({"status": "error", "error": f"Remote program {program} does not exist"})
        return _text(f"ERROR: Remote program {program} does not exist\n")
    argv = _argv(pairs, form)
    if form:
        argv.append("--multiline")  # a format implies multiline
    try:
        output, data = run(argv, world)
        status = 0
    except Failed as failure:
        output, data, status = failure.text + "\n", None, 1
    if form == "json":
        return _json(_json_answer(program, status, output, data))
    return _text(output + f"\nExit status: {status * 256}\n")


def _pairs(request: Request) -> list[tuple[str, str]]:
    """The url-encoded body, then the query string, in order and with repeats (Webmin's
    ReadParse joins repeats; remote.cgi turns each into a flag of its own)."""
    body = request.body.decode("utf-8", "replace")
    return ((parse_qsl(body, keep_blank_values=True) if body else [])
            + (parse_qsl(request.query, keep_blank_values=True) if request.query else []))


def _argv(pairs: list[tuple[str, str]], form: str | None) -> list[str]:
    argv: list[str] = []
    for name, value in pairs:
        if name == "program" or name == form:
            continue
        if value == "":
            argv.append(f"--{name}")
        else:
            # remote.cgi splits values at newlines: each line is an argument of its own.
            argv += [f"--{name}", *value.split("\n")]
    return argv


def _json_answer(program: str, status: int, output: str, data: list | None) -> dict:
    if status:
        first = next((line for line in output.splitlines() if line.strip()), "")
        return {"command": program, "status": "failure", "error": first, "full_error": output}
    if data is not None:
        return {"command": program, "status": "success", "data": data}
    return {"command": program, "status": "success", "output": output}


def _text(text: str) -> Response:
    return Response(200, text.encode(), TEXT_TYPE)


def _json(payload: dict) -> Response:
    # remote.cgi prints its text/plain header before it converts the output.
    return Response(200, json.dumps(payload, separators=(",", ":")).encode(), TEXT_TYPE)


# --------------------------------------------------------------------------- programs


def _domain(vm: VirtualminState, name: str | None) -> str:
    if not name:
        raise Failed("Missing --domain parameter")
    domain = name.strip().lower()
    if domain not in vm.domains:
        raise Failed(f"Virtual server {name} does not exist")
    return domain


def _list_domains(argv: list[str], world: World) -> tuple[str, list]:
    args = Args(argv, ("domain", "user", "mail-user"), ("name-only", "id-only", "multiline"))
    vm: VirtualminState = world.virtualmin
    wanted = {d.lower() for d in args.all("domain")}
    owners = set(args.all("user"))
    domains = [d for d in sorted(vm.domains)
               if (not wanted or d in wanted) and (not owners or vm.domains[d] in owners)]
    if "name-only" in args.flags or "id-only" in args.flags:
        return "".join(f"{d}\n" for d in domains), [d if "name-only" in args.flags else _domain_id(d)
                                                    for d in domains]
    data = [{"name": d, "values": {
        "id": [_domain_id(d)], "type": ["Top-level server"], "username": [vm.domains[d]],
        "home_directory": [f"/home/{vm.domains[d]}"], "description": [""],
        "features": ["unix dir mail dns web"], "mail_users": [str(len(vm.mailboxes.get(d, {})))],
    }} for d in domains]
    return "".join(f"{d}\n" for d in domains), data


def _domain_id(domain: str) -> str:
    return str(sum(ord(ch) * 31 ** i for i, ch in enumerate(domain)) % 10**16)


def _selected_domains(vm: VirtualminState, args: Args, owner_flag: str, missing: str) -> list[str]:
    """The domains a list program names: --all-domains, or each --domain and the domains
    of each owner given with `owner_flag`."""
    if "all-domains" in args.flags:
        return sorted(vm.domains)
    if not (args.all("domain") or args.all(owner_flag)):
        raise Failed(missing)
    domains = [_domain(vm, d) for d in args.all("domain")]
    return domains + [d for d in sorted(vm.domains) if vm.domains[d] in args.all(owner_flag)]


def _list_users(argv: list[str], world: World) -> tuple[str, list]:
    args = Args(argv, ("domain", "user", "domain-user"),
                ("all-domains", "multiline", "name-only", "email-only", "include-owner", "mail-size",
                 "simple-aliases"))
    vm: VirtualminState = world.virtualmin
    domains = _selected_domains(vm, args, "domain-user", "One of --domain, --domain-user or --all-domains must be given")
    names = {n.strip().lower() for n in args.all("user")}
    rows: list[tuple[str, str, VMMailbox]] = []
    for domain in domains:
        for short, box in sorted(vm.mailboxes.get(domain, {}).items()):
            if not names or short in names or box.unix_name in names:
                rows.append((domain, short, box))
    if "name-only" in args.flags:
        return "".join(f"{b.unix_name}\n" for _, _, b in rows), [b.unix_name for _, _, b in rows]
    if "email-only" in args.flags:
        return "".join(f"{s}@{d}\n" for d, s, _ in rows), [f"{s}@{d}" for d, s, _ in rows]
    simple = "simple-aliases" in args.flags
    return "".join(f"{s}\n" for _, s, _ in rows), [_user_row(vm, d, s, b, simple) for d, s, b in rows]


def _user_row(vm: VirtualminState, domain: str, short: str, box: VMMailbox, simple: bool = False) -> dict:
    values = {
        "user": [short], "domain": [domain], "unix_username": [box.unix_name], "real_name": [box.real_name],
        "password": [box.password], "encrypted_password": [box.encrypted_password],
        "disabled": ["Yes" if box.disabled else "No"],
        "home_directory": [f"/home/{vm.domains[domain]}/homes/{short}"], "ftp_access": ["No"],
        "login_permissions": ["Email only"], "shell": ["/dev/null"], "user_type": ["Normal user"],
        "mail_location": [f"/home/{vm.domains[domain]}/homes/{short}/Maildir"], "mail_storage_type": ["Maildir"],
        "email_address": [f"{short}@{domain}"],
    }
    if vm.home_quotas:
        values.update({
            "home_quota": [_size(box.quota_blocks * BLOCK) if box.quota_blocks else "Unlimited"],
            "home_quota_used": [_size(box.usage_bytes)],
            "home_byte_quota": [str(box.quota_blocks * BLOCK)],
            "home_byte_quota_used": [str(box.usage_bytes)],
        })
    if box.extra_addresses:
        # One line "Extra addresses: a b" in the text, so one string in the list.
        values["extra_addresses"] = [" ".join(box.extra_addresses)]
    if simple:
        # --simple-aliases: the user's forwarding as the web form shows it.
        values["deliver_to_user"] = ["Yes" if box.local_delivery or not box.forwards else "No"]
        if box.forwards:
            values["forward"] = list(box.forwards)
    elif box.forwards:
        # The raw alias: local delivery is a `\\user` destination of its own.
        values["forward_mail_to"] = ([f"\\{box.unix_name}"] if box.local_delivery else []) + list(box.forwards)
    return {"name": short, "values": values}


def _size(size: int) -> str:
    if size >= MB:
        return f"{size / MB:.2f} MB"
    return f"{size / 1024:.2f} kB"


def _quota(value: str, vm: VirtualminState) -> int:
    if not vm.home_quotas:
        raise Failed("Home directory quotas are not enabled on this system")
    if value.upper() == "UNLIMITED":
        return 0
    if not (value.isascii() and value.isdigit()):
        raise Failed(f"Invalid quota {value} : must be a number of blocks or UNLIMITED")
    return int(value)


def _checked_password(value: str) -> str:
    problem = password_problem(value)
    if problem:
        raise Failed(f"Failed to save user : {problem}")
    return value


def _create_user(argv: list[str], world: World) -> tuple[str, None]:
    args = Args(argv, ("domain", "user", "pass", "encpass", "quota", "mail-quota", "real", "extra", "recovery"),
                ("random-pass", "noappend", "no-creation-mail", "ftp", "noemail", "multiline"))
    vm: VirtualminState = world.virtualmin
    domain = _domain(vm, args.one("domain"))
    short = (args.one("user") or "").strip()
    if not short:
        raise Failed("Missing --user parameter")
    if not valid_local_part(short):
        raise Failed(f"Invalid username {short} : only letters, numbers, dots, dashes and underscores")
    short = short.lower()
    unix = short if "noappend" in args.flags else unix_name(short, domain)
    if vm.find_user(domain, short) or any(b.unix_name == unix for boxes in vm.mailboxes.values()
                                          for b in boxes.values()):
        raise Failed(f"Failed to create user : A user named {short} already exists")
    if short == vm.domains[domain]:
        raise Failed(f"Failed to create user : {short} is the server owner's name")
    if args.one("encpass") is not None or "random-pass" in args.flags:
        raise Failed("Only --pass is supported by this emulator")  # documented in the README
    password = args.one("pass")
    if password is None:
        raise Failed("Missing --pass, --encpass or --random-pass parameter")
    password = _checked_password(password)
    if args.one("mail-quota") is not None:
        raise Failed("Mail quotas are not separate from home quotas on this system")
    quota = _quota(args.one("quota"), vm) if args.one("quota") is not None else 0
    vm.add_mailbox(f"{short}@{domain}", password, quota_blocks=quota, real_name=args.one("real") or "",
                   unix_name=unix)
    world.touch()
    return f"User {short} created successfully\n", None


def _existing(vm: VirtualminState, args: Args) -> tuple[str, str, VMMailbox]:
    domain = _domain(vm, args.one("domain"))
    name = args.one("user")
    if not name:
        raise Failed("Missing --user parameter")
    found = vm.find_user(domain, name)
    if found is None:
        raise Failed(f"No user named {name} was found in the server {domain}")
    return domain, found[0], found[1]


def _modify_user(argv: list[str], world: World) -> tuple[str, None]:
    args = Args(argv, ("domain", "user", "pass", "quota", "mail-quota", "real", "newuser", "add-forward",
                       "del-forward"),
                ("disable", "enable", "local", "no-local", "multiline"))
    vm: VirtualminState = world.virtualmin
    domain, short, box = _existing(vm, args)
    if "disable" in args.flags and "enable" in args.flags:
        raise Failed("Only one of --disable and --enable may be given")
    if args.one("mail-quota") is not None:
        raise Failed("Mail quotas are not separate from home quotas on this system")
    # Everything is checked before anything changes: a refusal changes nothing.
    password = _checked_password(args.one("pass")) if args.one("pass") is not None else None
    quota = _quota(args.one("quota"), vm) if args.one("quota") is not None else None
    if args.one("newuser") is not None:
        raise Failed("Renaming users is not supported by this emulator")
    for forward in args.all("add-forward"):
        if not forward.strip() or any(ch.isspace() for ch in forward):
            raise Failed(f"Invalid forwarding address {forward}")
    if password is not None:
        box.password = password
    if quota is not None:
        box.quota_blocks = quota
    if args.one("real") is not None:
        box.real_name = args.one("real")
    if "disable" in args.flags or "enable" in args.flags:
        box.disabled = "disable" in args.flags
    # As modify-user.pl: added forwards are appended (duplicates dropped), a forward to
    # delete that the user does not have is ignored without a word.
    forwards = [f for f in [*box.forwards, *args.all("add-forward")] if f not in args.all("del-forward")]
    box.forwards = list(dict.fromkeys(forwards))
    if "local" in args.flags or "no-local" in args.flags:
        box.local_delivery = "local" in args.flags
    world.touch()
    return f"Modifying user {short} in {domain} ..\n.. done\n", None


def _delete_user(argv: list[str], world: World) -> tuple[str, None]:
    args = Args(argv, ("domain", "user"), ("multiline",))
    vm: VirtualminState = world.virtualmin
    name = (args.one("user") or "").strip().lower()
    domain = _domain(vm, args.one("domain"))
    if name == vm.domains[domain]:
        raise Failed("The server owner cannot be deleted")
    domain, short, _ = _existing(vm, args)
    vm.remove_mailbox(f"{short}@{domain}")
    world.touch()
    return f"User {short} deleted successfully\n", None


def _list_aliases(argv: list[str], world: World) -> tuple[str, list]:
    args = Args(argv, ("domain", "user"), ("all-domains", "multiline", "name-only", "email-only", "plugins"))
    vm: VirtualminState = world.virtualmin
    domains = _selected_domains(vm, args, "user", "No domains or users specified")
    # In the order the virtusers file has them (creation order), as list_domain_aliases.
    rows = [(domain, local, alias) for domain in domains for local, alias in vm.aliases.get(domain, {}).items()]
    emails = [_alias_email(local, domain) for domain, local, _ in rows]
    if "name-only" in args.flags:
        names = [local for _, local, _ in rows]
        return "".join(f"{n}\n" for n in names), names
    if "email-only" in args.flags:
        return "".join(f"{e}\n" for e in emails), emails
    data = []
    for email, (_, _, alias) in zip(emails, rows):
        values = {"comment": [alias.comment]} if alias.comment else {}
        values["to"] = list(alias.to)
        data.append({"name": email, "values": values})
    return "".join(f"{e}\n" for e in emails), data


def _alias_email(local: str, domain: str) -> str:
    return f"@{domain}" if local == "*" else f"{local}@{domain}"


_CREATE_ALIAS_USAGE = ("Adds a mail alias to a virtual server.\n\nvirtualmin create-alias --domain domain.name\n"
                       "                        --from mailbox|\"*\"\n                       <--to address>+\n")


def _create_alias(argv: list[str], world: World) -> tuple[str, None]:
    args = Args(argv, ("domain", "from", "to", "desc"), ("multiline",))
    vm: VirtualminState = world.virtualmin
    source, destinations = args.one("from"), args.all("to")
    if not source or not destinations:
        raise Failed(_CREATE_ALIAS_USAGE)
    domain = _domain(vm, args.one("domain"))
    if "@" in source:
        raise Failed("No domain name is needed in the --from parameter")
    local = source.strip().lower()
    if local != "*" and not valid_local_part(local):
        raise Failed(f"Invalid alias name {source}")
    email = _alias_email(local, domain)
    if local in vm.aliases.get(domain, {}):
        raise Failed("An alias for the same email address already exists")
    if local in vm.mailboxes.get(domain, {}):
        # Virtualmin itself would write a second virtuser that shadows the user's own
        # delivery; the emulator refuses instead (documented in its README).
        raise Failed(f"{email} is the address of a mail user: the emulator does not shadow it with an alias")
    vm.aliases.setdefault(domain, {})[local] = VMAlias(list(destinations), args.one("desc") or "")
    world.touch()
    return f"Alias for {email} created successfully\n", None


def _delete_alias(argv: list[str], world: World) -> tuple[str, None]:
    args = Args(argv, ("domain", "from"), ("multiline",))
    vm: VirtualminState = world.virtualmin
    if not args.one("domain"):
        raise Failed("No domain specified")
    if not args.one("from"):
        raise Failed("No from address specified")
    domain = _domain(vm, args.one("domain"))
    local = args.one("from").strip().lower()
    email = _alias_email(local, domain)
    if local not in vm.aliases.get(domain, {}):
        raise Failed(f"No alias for the email address {email} exists")
    del vm.aliases[domain][local]
    world.touch()
    return f"Alias for {email} deleted successfully\n", None


_PROGRAMS: dict[str, Callable[[list[str], World], tuple[str, list | None]]] = {
    "list-domains": _list_domains,
    "list-users": _list_users,
    "create-user": _create_user,
    "modify-user": _modify_user,
    "delete-user": _delete_user,
    "list-aliases": _list_aliases,
    "create-alias": _create_alias,
    "delete-alias": _delete_alias,
}
