"""WHM applist, listaccts, version, myprivs, and tokens limited by ACLs."""

from __future__ import annotations

ACCESS_DENIED = {"cpanelresult": {"apiversion": "2", "error": "Access denied",
                                  "data": {"reason": "Access denied", "result": "0"},
                                  "type": "text"}}


def test_applist(whm):
    answer = whm("applist").json()
    assert answer["metadata"]["result"] == 1
    assert {"applist", "listaccts", "passwd", "uapi_cpanel", "version", "myprivs"} <= set(
        answer["data"]["app"])


def test_version_and_myprivs_of_root(whm):
    assert whm("version").json()["data"]["version"].startswith("11.")
    privileges = whm("myprivs").json()["data"]["privileges"][0]
    assert privileges["all"] == 1 and privileges["passwd"] == 1


def test_listaccts_root_and_reseller(emu, whm):
    emu.state.whm.add_user("res", "Res-pass-1", token="RTOK", role="reseller")
    emu.state.cpanel.add_account("alice", "Al1ce-pass", owner="res", main_domain="alice.test")
    rows = whm("listaccts").json()["data"]["acct"]
    assert [(r["user"], r["domain"], r["owner"], r["suspended"]) for r in rows] == [
        ("alice", "alice.test", "res", 0), ("demo", "example.com", "root", 0)]
    assert [r["user"] for r in whm("listaccts", token="res:RTOK").json()["data"]["acct"]] == ["alice"]
    assert [r["user"] for r in whm("listaccts", search="dem").json()["data"]["acct"]] == ["demo"]


def test_listaccts_output_columns(emu, whm):
    rows = whm("listaccts", **{"api.columns.enable": "1", "api.columns.a": "user",
                               "api.columns.b": "owner"}).json()["data"]["acct"]
    assert rows == [{"user": "demo", "owner": "root"}]
    assert set(whm("listaccts", **{"api.columns.a": "user"}).json()["data"]["acct"][0]) > {"user", "domain"}


def test_token_without_the_acl_gets_a_cpanelresult(emu, whm):
    emu.state.whm.add_token("root", "LIMITED", acls=["list-accts"])
    denied = whm("passwd", token="root:LIMITED", user="demo", password="N3w-account-pass")
    assert denied.status_code == 200
    assert denied.json() == ACCESS_DENIED
    assert emu.state.cpanel.accounts["demo"].password == "demo-secret"
    assert whm("listaccts", token="root:LIMITED").json()["metadata"]["result"] == 1
    assert whm("passwd", token="root:LIMITED", api_version=None, user="demo",
               **{"pass": "N3w-account-pass"}).json() == ACCESS_DENIED


def test_limited_token_privileges_and_applist(emu, whm):
    emu.state.whm.add_token("root", "LIMITED", acls=["passwd"])
    privileges = whm("myprivs", token="root:LIMITED").json()["data"]["privileges"][0]
    assert privileges["passwd"] == 1 and privileges["all"] == 0 and privileges["list-accts"] == 0
    apps = whm("applist", token="root:LIMITED").json()["data"]["app"]
    assert "passwd" in apps and "listaccts" not in apps
    assert whm("uapi_cpanel", token="root:LIMITED", **{"cpanel.user": "demo"}).json() == ACCESS_DENIED
