"""The ISPConfig app of the emulator: the remote JSON API's wire format, refusals as
remote_fault, sessions that end 30 minutes after login, permissions, --state."""

from __future__ import annotations

import json

import requests

from mailctl.emulator import Emulator
from mailctl.emulator.ispconfig import LOGIN_FAILED, NO_PERMISSION, SESSION_EXPIRED

MB = 1024 * 1024


def call(emu, function: str, **body):
    answer = requests.post(f"{emu.url}/remote/json.php?{function}", json=body, timeout=5)
    assert answer.status_code == 200
    return answer.json()


def login(emu) -> str:
    answer = call(emu, "login", username="demo", password="demo-secret")
    assert answer["code"] == "ok", answer
    return answer["response"]


def test_login_gives_a_32_hex_session_and_a_bad_password_a_remote_fault():
    with Emulator() as emu:
        session = login(emu)
        assert len(session) == 32 and int(session, 16) >= 0
        bad = call(emu, "login", username="demo", password="nope")
        assert bad == {"code": "remote_fault", "message": LOGIN_FAILED, "response": False}


def test_default_world_mailboxes_with_quota_in_bytes_as_strings():
    with Emulator() as emu:
        session = login(emu)
        rows = call(emu, "mail_user_get", session_id=session, primary_id={"email": "%@example.com"})["response"]
        assert [(r["email"], r["quota"]) for r in rows] == [("info@example.com", "0"),
                                                            ("sales@example.com", str(500 * MB))]
        assert all(r["password"].startswith("$6$") for r in rows)  # the stored hash, never the password
        isp = emu.state.ispconfig
        assert isp.mailbox("info@example.com").usage_bytes == int(12.5 * MB)
        assert isp.mailbox("sales@example.com").usage_bytes == int(230.25 * MB)
        assert isp.mailbox("sales@example.com").password == "mailbox-secret"


def test_not_found_is_ok_with_an_empty_response_and_like_matches_underscore():
    with Emulator() as emu:
        session = login(emu)
        assert call(emu, "mail_user_get", session_id=session, primary_id=9999)["response"] == []
        assert call(emu, "mail_domain_get_by_domain", session_id=session, domain="nope.test")["response"] == []
        rows = call(emu, "mail_user_get", session_id=session, primary_id={"email": "inf_@example.com"})["response"]
        assert [r["email"] for r in rows] == ["info@example.com"]


def test_add_update_delete_and_the_job_queue():
    with Emulator() as emu:
        session = login(emu)
        isp = emu.state.ispconfig
        new_id = call(emu, "mail_user_add", session_id=session, client_id=1,
                      params={"server_id": 1, "email": "new@example.com", "login": "new@example.com",
                              "password": "Str0ng-pass", "quota": 50 * MB, "postfix": "y"})["response"]
        assert isp.mailbox("new@example.com").quota == 50 * MB
        again = call(emu, "mail_user_add", session_id=session, client_id=1,
                     params={"email": "new@example.com", "password": "Str0ng-pass"})
        assert again["code"] == "remote_fault" and "email_error_unique" in again["message"]
        no_email = call(emu, "mail_user_update", session_id=session, client_id=1, primary_id=new_id,
                        params={"password": "0ther-Pass"})
        assert no_email["code"] == "remote_fault" and "does not exist as primary" in no_email["message"]
        changed = call(emu, "mail_user_update", session_id=session, client_id=1, primary_id=new_id,
                       params={"email": "new@example.com", "password": "0ther-Pass"})
        assert changed["response"] == 1 and isp.mailbox("new@example.com").password == "0ther-Pass"
        assert call(emu, "mail_user_delete", session_id=session, primary_id=new_id)["response"] == 1
        assert call(emu, "mail_user_delete", session_id=session, primary_id=new_id)["response"] == 0  # not an error
        assert [job[1] for job in isp.jobs] == ["i", "u", "d"]
        assert call(emu, "monitor_jobqueue_count", session_id=session, server_id=0)["response"] == 3


def test_round_tripping_a_get_record_hashes_the_hash_again():
    with Emulator() as emu:
        session = login(emu)
        row = call(emu, "mail_user_get", session_id=session, primary_id={"email": "info@example.com"})["response"][0]
        call(emu, "mail_user_update", session_id=session, client_id=1, primary_id=int(row["mailuser_id"]),
             params=row)
        assert emu.state.ispconfig.mailbox("info@example.com").password == row["password"]  # login broken


def test_refusals_unknown_domain_weak_password_bad_quota_unknown_method_invalid_data():
    with Emulator() as emu:
        session = login(emu)
        unknown = call(emu, "mail_user_add", session_id=session, client_id=1,
                       params={"email": "a@nope.test", "password": "Str0ng-pass"})
        assert unknown["message"] == "Mail domain - nope.test - does not exist as primary."
        weak = call(emu, "mail_user_add", session_id=session, client_id=1,
                    params={"email": "a@example.com", "password": "short", "quota": -1})
        assert weak["message"].splitlines() == ["quota_error_isint", "weak_password_txt"]
        assert call(emu, "no_such_thing", session_id=session)["code"] == "invalid_method"
        raw = requests.post(f"{emu.url}/remote/json.php?login", data=b"[1]", timeout=5).json()
        assert raw["code"] == "invalid_data"


def test_sessions_expire_from_login_and_permissions_are_per_function_group():
    with Emulator() as emu:
        session = login(emu)
        isp = emu.state.ispconfig
        isp.expire_sessions()
        assert call(emu, "mail_domain_get", session_id=session, primary_id=-1)["message"] == SESSION_EXPIRED
        isp.session_lifetime = 0
        session = login(emu)
        assert call(emu, "mail_domain_get", session_id=session, primary_id=-1)["message"] == SESSION_EXPIRED
        isp.session_lifetime = 1800
        isp.add_remote_user("mailonly", "Mail-only-1", groups=["mail_user"])
        limited = call(emu, "login", username="mailonly", password="Mail-only-1")["response"]
        assert call(emu, "mail_domain_get", session_id=limited, primary_id=-1)["message"] == NO_PERMISSION
        assert call(emu, "logout", session_id=limited)["response"] is True


def test_api_disabled_answers_plain_text():
    with Emulator() as emu:
        emu.state.ispconfig.api_enabled = False
        answer = requests.post(f"{emu.url}/remote/json.php?login", json={}, timeout=5)
        assert answer.text == "Remote API is disabled in security settings."


def test_state_file_round_trip(tmp_path):
    path = tmp_path / "world.json"
    with Emulator(state_file=path) as emu:
        session = login(emu)
        call(emu, "mail_user_add", session_id=session, client_id=1,
             params={"email": "kept@example.com", "password": "Str0ng-pass", "quota": MB})
    saved = json.loads(path.read_text())
    assert "kept" in saved["ispconfig"]["mailboxes"]["example.com"]
    with Emulator(state_file=path) as emu:
        kept = emu.state.ispconfig.mailbox("kept@example.com")
        assert kept.quota == MB and kept.password == "Str0ng-pass"
        assert emu.state.ispconfig.sessions == {}  # sessions are never saved
        assert emu.state.ispconfig.domain_rows["example.com"]["sys_userid"] == 2


def test_faults_match_the_function_as_a_field():
    with Emulator() as emu:
        session = login(emu)
        fault = emu.add_fault("503,field=mail_user_add:")
        answer = requests.post(f"{emu.url}/remote/json.php?mail_user_add", timeout=5,
                               json={"session_id": session, "client_id": 1,
                                     "params": {"email": "f@example.com", "password": "Str0ng-pass"}})
        assert answer.status_code == 503 and fault.fired == 1
        assert call(emu, "mail_user_get", session_id=session, primary_id=-1)["code"] == "ok"


# -- mail_forwarding: forwards and aliases in one table ------------------------------------

def test_forward_add_is_not_idempotent_and_get_filters_like_sql():
    with Emulator() as emu:
        session = login(emu)
        params = {"server_id": 1, "source": "team@example.com", "destination": "a@x.test, b@x.test",
                  "type": "forward", "active": "y"}
        first = call(emu, "mail_forward_add", session_id=session, client_id=1, params=params)["response"]
        second = call(emu, "mail_forward_add", session_id=session, client_id=1, params=params)["response"]
        assert isinstance(first, int) and second != first  # a second add is a second row
        rows = call(emu, "mail_forward_get", session_id=session, primary_id={"source": "team@%"})["response"]
        assert [(r["forwarding_id"], r["destination"], r["type"]) for r in rows] == [
            (str(first), "a@x.test, b@x.test", "forward"), (str(second), "a@x.test, b@x.test", "forward")]
        assert call(emu, "mail_forward_get", session_id=session, primary_id=first)["response"]["source"] == \
            "team@example.com"
        assert call(emu, "mail_forward_get", session_id=session, primary_id=9999)["response"] == []
        assert emu.state.ispconfig.jobs[-1] == ["mail_forwarding", "i", second]


def test_forward_update_merges_and_delete_by_id_ignores_the_type():
    with Emulator() as emu:
        session = login(emu)
        isp = emu.state.ispconfig
        catchall = isp.add_forward("@example.com", ["info@example.com"], type="catchall")
        forward = isp.add_forward("team@example.com", ["a@x.test"])
        updated = call(emu, "mail_forward_update", session_id=session, client_id=1, primary_id=forward.forwarding_id,
                       params={"destination": "a@x.test, b@x.test"})
        assert updated["response"] == 1 and forward.destinations() == ["a@x.test", "b@x.test"]
        assert forward.source == "team@example.com" and forward.type == "forward"
        assert call(emu, "mail_forward_update", session_id=session, client_id=1, primary_id=9999,
                    params={"destination": "c@x.test"})["response"] == 0
        # A delete by id does not look at the type: a client must check it first.
        assert call(emu, "mail_forward_delete", session_id=session, primary_id=catchall.forwarding_id)["response"] == 1
        assert str(catchall.forwarding_id) not in isp.forwardings
        assert call(emu, "mail_forward_delete", session_id=session, primary_id=catchall.forwarding_id)["response"] == 0


def test_alias_add_is_refused_over_a_receiving_mailbox_and_forms_refuse_bad_input():
    with Emulator() as emu:
        session = login(emu)
        over_mailbox = call(emu, "mail_alias_add", session_id=session, client_id=1,
                            params={"source": "info@example.com", "destination": "sales@example.com"})
        assert over_mailbox == {"code": "remote_fault", "message": "There is already a mailbox with this email address.",
                                "response": False}
        bad = call(emu, "mail_forward_add", session_id=session, client_id=1,
                   params={"source": "not an address", "destination": ""})
        assert bad["code"] == "remote_fault" and bad["message"].splitlines() == [
            "source_error_isemail", "destination_error_isemail"]
        assert emu.state.ispconfig.forwardings == {}


def test_forward_functions_need_their_group_and_the_state_file_keeps_forwardings(tmp_path):
    path = tmp_path / "world.json"
    with Emulator(state_file=path) as emu:
        isp = emu.state.ispconfig
        isp.add_remote_user("mailonly", "Mail-only-1", groups=["mail_user", "mail_domain"])
        limited = call(emu, "login", username="mailonly", password="Mail-only-1")["response"]
        assert call(emu, "mail_forward_get", session_id=limited, primary_id=-1)["message"] == NO_PERMISSION
        session = login(emu)
        call(emu, "mail_forward_add", session_id=session, client_id=1,
             params={"source": "team@example.com", "destination": "info@example.com", "type": "forward"})
    saved = json.loads(path.read_text())
    assert [row["source"] for row in saved["ispconfig"]["forwardings"].values()] == ["team@example.com"]
    with Emulator(state_file=path) as emu:
        assert emu.state.ispconfig.routes("example.com") == {"team@example.com": ["info@example.com"]}
