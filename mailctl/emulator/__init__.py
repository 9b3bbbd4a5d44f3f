"""Local emulator of the DirectAdmin, cPanel (UAPI, API 2), WHM, mailbox.org, mailcow,
Plesk XML, ISPConfig 3 and Virtualmin remote APIs (stdlib only).

It is the other side of the wire: it imports nothing from the rest of mailctl. One server
answers every provider app on one 127.0.0.1 port (`/CMD_*` DirectAdmin, `/execute/`
cPanel UAPI, `/json-api/cpanel` cPanel API 2, `/json-api/` WHM, `/v1/` mailbox.org,
`/enterprise/control/agent.php` Plesk, `/remote/json.php` ISPConfig, `/virtual-server/` Virtualmin, and the others in
`registry.APPS`);
the apps are listed in `registry.APPS` (one line each: name, path prefixes, state
class). Command line: `python -m mailctl.emulator --help`; full guide, including "How
to add a provider app": README.md beside this file.

In-process use (tests)
----------------------
::

    from mailctl.emulator import Emulator

    with Emulator() as emu:               # free port, background thread, no access log
        emu.url                           # "http://127.0.0.1:PORT" ("https" with tls=(cert, key))
        emu.state                         # the World (see below); emu.reset_state() restores it
        emu.settings                      # version switches, changeable at any time
        emu.requests                      # RecordedRequest list: method, path, query, headers
                                          #   (lower-case keys), body (bytes), provider, status, url
        emu.add_fault("kind=503,path=/execute/,nth=2")   # -> Fault (see below)
        emu.clear_faults(); emu.clear_requests()
        emu.save_state()                  # write pending changes to state_file now

`Emulator(host="127.0.0.1", port=0, tls=None, state=None, state_file=None, latency_ms=0,
faults=(), log=False, **settings)`: `state` a World to serve (default: a fresh
default_world(), or the JSON in `state_file` when that file exists; changes are then
saved in the background ~0.2 s after they happen and on stop(), atomically: temp file,
fsync, rename — the file is always whole JSON; compact beyond 10,000 mailboxes); `log=True` writes the access log to stderr (or pass a stream);
`**settings` are Settings fields, e.g. `Emulator(da_auth_failure="json401")`.

Default world (`default_world()`, a fresh copy per Emulator)
-------------------------------------------------------------
Every provider: user `demo`, secret `demo-secret`; domain `example.com` owned by `demo`;
mailboxes `info@example.com` (quota unlimited = 0, 12.5 MB used) and `sales@example.com`
(500 MB quota, 230.25 MB used), both with password `mailbox-secret`; no forwarders,
aliases or vacation notices.
DirectAdmin: also admin `admin`/`demo-secret`, who may log in as demo (`admin|demo`).
cPanel: account `demo`, password and API token `demo-secret`, owned by WHM user `root`
(password and token `demo-secret`). mailbox.org: account `demo`; info is plan
"standard" (Info Desk), sales "premium" (Sales Team). Plesk: customer `demo` and admin
`admin` (both `demo-secret`), example.com is site id 1 of demo. ISPConfig: remote user
`demo` with every function group; example.com belongs to client 1 (sys_userid 2).
mailcow: no user, API keys `demo-secret` (read-write) and `demo-readonly` (read-only: get
endpoints only); example.com is owned by `admin`.
Virtualmin: Webmin login `demo` is a master administrator; example.com's Unix owner is
`example`, also a Webmin login (`Owner-secret-1`) but not a master administrator
(remote.cgi refuses it).

State API (`emu.state`, thread-safe: hold `emu.state.lock` while changing state that
requests may touch at the same moment; reads need no lock)
------------------------------------------------------------------------------------
`emu.state` is a World: one attribute per registry app (`emu.state.providers` maps
name -> state), `lock`, `revision` and `touch()` (call it after editing state by hand:
cached list orders are rebuilt and a state file is saved). Every mail provider state
has `domains` (domain -> owner name), `mailboxes` (`[domain][local_part]` -> mailbox
object, lower case) and `mailbox(address)` (object or None), `has_mailbox(address)`,
`addresses(domain=None)`, `add_domain(domain, owner)`, `domains_of(owner)`,
`remove_mailbox(address)`, `add_mailbox(address, password=..., **fields)` (KeyError
unless the domain was added first), `put_mailbox(address, obj)`. State files without
the newer keys (or a whole provider) load with those empty.

DirectAdmin — `emu.state.directadmin`; mailbox fields: password, quota_mb (0 = unlimited),
usage_mb, sent, limit, suspended; users: password, role (user/reseller/admin), creator,
ftp_password, db_password, login_keys; `forwarders[domain][local]` -> [destination, ...];
`vacations[domain][local]` -> DAVacation(start, end, subject, text);
`autoresponders[domain][local]` -> DAAutoresponder(text, cc)::

    da = emu.state.directadmin
    da.mailboxes["example.com"]["info"].password      # "mailbox-secret"
    da.mailbox("sales@example.com").quota_mb           # 500
    da.add_user("bob", "Bob-pass-1"); da.add_domain("bob.test", "bob")
    da.add_mailbox("x@bob.test", password="Xx-secret-1", quota_mb=50)
    da.add_login_key("demo", "KEY123", commands=["CMD_API_POP"])  # None = all commands
    da.users["demo"].password                          # changed by CMD_API_USER_PASSWD
    da.set_forwarder("example.com", "team", ["info@example.com", "x@y.test"])
    da.forwarders["example.com"]["team"]               # CMD_API_EMAIL_FORWARDERS edits it

cPanel — `emu.state.cpanel`; mailbox fields: password (None if created from a hash),
password_hash, quota_mb, usage_bytes, suspended_incoming/login/outgoing, hold_outgoing,
mtime; accounts: password, tokens (outlive a password change), owner (WHM user),
main_domain, suspended, db_password; `forwarders[domain][local]` -> [destination, ...]
(`set_forwarder(domain, local, destinations)`); `deleted` lists
DeletedMailbox(address, data_kept, usage_bytes) for every delete_pop::

    cp = emu.state.cpanel
    cp.mailbox("info@example.com").quota_mb            # 0
    cp.add_account("alice", "Al1ce-pass", token="TOK", owner="root", main_domain="alice.test")
    cp.accounts["demo"].suspended = True               # WHM passwd refuses; UAPI login fails
    cp.deleted[-1].data_kept                           # True only after flags=passwd

WHM — `emu.state.whm.users` (password, tokens, role "root" or "reseller", token_acls:
token -> ACL list; a token not listed has every privilege); resellers reach the cPanel
accounts whose `owner` they are. A call a token's ACLs lack gets HTTP 200 with a
`cpanelresult` "Access denied" envelope::

    emu.state.whm.add_user("res", "Res-pass-1", token="RTOK", role="reseller")
    emu.state.whm.add_token("root", "LIMITED", acls=["list-accts"])   # passwd: denied

mailbox.org — `emu.state.mailboxorg`; mailbox fields: password, password_hash, plan,
first_name, last_name, inboxsave, forwards, active, memo, aliases,
require_reset_password, language, additional_mail_quota, extra (other documented
params), vacation (dict of mail.vacation.set's fields, or None); accounts (password);
sessions (id -> MboSession(account, level, last_used))::

    mbo = emu.state.mailboxorg
    mbo.mailbox("info@example.com").plan               # "standard"
    mbo.expire_sessions()                              # next call answers 253
    mbo.expire_session(session_id)
    emu.settings.mbo_session_idle = 0.2                # idle timeout in seconds

Plesk — `emu.state.plesk`; mail name fields: password, id, mailbox (False: forward
only), enabled, quota_bytes (None = unlimited), usage_bytes, forwarding, aliases; users:
password, role ("customer" or "admin"), xml_api (the XML API permission), disabled;
secret_keys (key -> login); site_ids (domain -> id)::

    pl = emu.state.plesk
    pl.mailbox("sales@example.com").quota_bytes        # 524288000
    pl.add_secret_key("KEY123", "demo")               # KEY: KEY123 acts as demo
    pl.users["demo"].xml_api = False                  # every packet: errcode 1006
    pl.add_mailbox("fwd@example.com", password=None, mailbox=False, forwarding=["x@y.test"])
ISPConfig — `emu.state.ispconfig` (`/remote/json.php?<function>`, JSON body, answers
`{"code": "ok"|"remote_fault"|..., "message", "response"}`); mail user fields: password
(clear), mailuser_id, client_id, server_id, name, quota (bytes, 0 unlimited),
usage_bytes (state only: not on the wire), password_hash (shown as `password` by
mail_user_get), maildir, homedir, uid, gid, postfix, disableimap, disablepop3,
disablesmtp, disabledeliver, extra; remote_users (password, groups of mail_user,
mail_domain, server, client, monitor); sys_users (sys_userid -> client_id); domain_rows
(domain -> domain_id, server_id, sys_userid, active); jobs (queued `[table, i|u|d, id]`,
never run); issued (every mailuser_id -> its address, kept after delete); api_enabled;
session_lifetime (seconds from login, default 1800); sessions (never saved)::

    isp = emu.state.ispconfig
    isp.mailbox("sales@example.com").quota             # 524288000
    isp.add_remote_user("mailonly", "Pw-1-pass", groups=["mail_user"])
    isp.add_domain("other.test", "1")                  # a primary mail domain of client 1
    isp.expire_sessions()                              # next call: "The Session is expired ..."
    isp.session_lifetime = 0.2
    isp.api_enabled = False                            # "Remote API is disabled ..."
mailcow — `emu.state.mailcow`; mailbox fields: password, name, quota_bytes (0 =
unlimited; the API takes MiB on writes and answers bytes), usage_bytes, messages, active
(1 on, 0 off, 2 login disallowed), force_pw_update, tags, created; keys (key ->
McKey(access "rw" | "ro", active)); domain_settings (domain -> McDomain(description,
active, max_quota_for_mbox_bytes, max_quota_for_domain_bytes, def_quota_for_mbox_bytes,
max_mailboxes)); aliases (id string -> McAlias(address, goto list, active),
`add_alias(address, goto, active=1)` -> id, `alias_by_address(a)` -> (id, alias) or None);
`error_but_created` (True: add/mailbox creates and still answers a
`danger` entry, mailcow issue #5292; never saved)::

    mc = emu.state.mailcow
    mc.mailbox("sales@example.com").quota_bytes        # 500 * 1048576
    mc.add_key("OTHER-KEY", "ro"); mc.keys["demo-secret"].active = False   # next call: 401
    mc.add_domain("other.test", max_quota_for_mbox_bytes=1024 * 1048576)
    mc.error_but_created = True
Virtualmin — `emu.state.virtualmin`; mailbox fields: password, quota_blocks (1 kB
blocks, 0 = unlimited; `quota_mb` derived), usage_bytes, real_name, disabled, unix_name
(`info.example`), forwards (the user's own), local_delivery, extra_addresses; aliases
(`add_alias(address, to, comment="")`, `alias(address)` -> VMAlias(to, comment) or
None); logins (password, master); switches `get_only` (POST to remote.cgi answered 405)
and `home_quotas` (False: no quota values, `quota` refused), kept in state files::

    vm = emu.state.virtualmin
    vm.mailbox("sales@example.com").quota_blocks       # 512000
    vm.add_login("limited", "L1mited-pass", master=False)   # gets "not allowed to run remote commands"
    vm.find_user("example.com", "info.example")        # ("info", VMMailbox) by short or Unix name
    vm.get_only = True
    vm.add_alias("team@example.com", ["info@example.com"]); vm.mailbox("info@example.com").forwards = ["a@b.test"]

Settings (`emu.settings`, or keyword arguments of Emulator)
------------------------------------------------------------
da_auth_failure "login_page" | "redirect" | "json401"; da_unauthorized_header (bool,
default True: the login page carries `X-DirectAdmin: Unauthorized`);
da_email_pop (newer server: writes only on CMD_API_EMAIL_POP); da_full_list (False: no
action=full_list); da_json_list "array" | "object"; cpanel_auth_status 401 | 403 (cPanel
and WHM); whm_legacy_only (API 0 answers even with api.version=1); mbo_error_result_null
(default True: refusals carry `"result": null` beside `error`, as the real service);
mbo_session_idle (seconds, default 1200); latency_ms (every request).

Faults (`emu.add_fault(...)`, `--fault SPEC`)
----------------------------------------------
Kinds: an HTTP status ("500", "503", "429" — 429 sends `Retry-After: retry_after`, default
1), "latency" (ms), "reset" (RST, no answer), "stall" (answer held for `seconds`,
default 60, cut short by stop()), "truncate" (Content-Length larger than the body sent,
then close), "nonjson" (200 with a body that is not JSON), "login_page" (DirectAdmin's
HTML login page). Match on provider (any name of `registry.APPS`: "directadmin", "cpanel"
— API 2 on `/json-api/cpanel` included —, "whm", "mailboxorg", "mailcow", "plesk",
"ispconfig", "virtualmin"), path (prefix), method (JSON-RPC method), field ("NAME:VALUE",
a form field or JSON-RPC param; a Plesk packet's leading comment
`<!-- &operation=mail.create& -->` reads as the field `operation`; ISPConfig's function
is a field with an empty value, "mail_user_add:"). The "login_page" fault sends the bare
page, without X-DirectAdmin.
`when="before"` (default): nothing is applied; `when="after"`: the change is
applied, then the client gets the failure (a stall then answers late). It fires on the
`nth` matching request (default 1) and the following ones, `count` times (default: once
if nth is given, else every time). `fault.matched` / `fault.fired` count what happened::

    emu.add_fault(kind=500, provider="directadmin", field="action:create", when="after")
    emu.add_fault("reset,path=/execute/Email/add_pop,when=after")
    emu.add_fault(kind="429", retry_after=3, method="mail.list", count=2)
    emu.add_fault(kind="stall", seconds=1.0, path="/v1/")
    emu.add_fault(kind="truncate", provider="whm")
    emu.add_fault(kind="nonjson", method="mail.get")
    emu.add_fault(kind="login_page", path="/CMD_API_SHOW_DOMAINS")
    emu.add_fault(kind="latency", ms=200, nth=3, count=1)
    emu.add_fault(kind="503", provider="cpanel")

Rules the emulator enforces that the real servers state less precisely: a new password
needs at least 8 characters from at least 3 of lower case, upper case, digits, others
(`PASSWORD_RULE`); local parts are lower-case letters, digits and `._+-`.
"""

from .app import Emulator
from .faults import Fault, parse_fault
from .server import RecordedRequest
from .settings import Settings
from .world import World, default_world
from .wire import PASSWORD_RULE

__all__ = [
    "PASSWORD_RULE",
    "Emulator",
    "Fault",
    "RecordedRequest",
    "Settings",
    "World",
    "default_world",
    "parse_fault",
]
