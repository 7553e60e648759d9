"""Two real SQLite stores syncing through the real server, over HTTP, on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import psycopg
import pytest
from sqlalchemy import select

from museaud.store.models.library import Track
from museaud.sync.changes import build_batch, load_clock, sync_state
from museaud.sync.client import SyncClient, SyncRefusedError
from museaud.sync.protocol import dumps, loads, schema_version
from tests.server.conftest import Account, LiveServer, transport
from tests.support.proxy import CuttingProxy
from tests.sync.support import Replica, add_track, assert_converged, outbox_size

pytestmark = pytest.mark.postgres

MakeReplica = Callable[[str, Account], Replica]


def client_for(replica: Replica, url: str, account: Account) -> SyncClient:
    return replica.client(transport(url, account))


def test_an_edit_on_one_machine_appears_on_the_other(
    live_server: LiveServer, signup: Callable[[str], Account], make_replica: MakeReplica
) -> None:
    account = signup("ana")
    a, b = make_replica("a", account), make_replica("b", account)
    with a.session() as session:
        track = add_track(session, "Quimbara", rating=3)
        track_id = track.id
    client_for(a, live_server.url, account).sync()
    report = client_for(b, live_server.url, account).sync()
    assert report.written > 0
    with b.session() as session:
        pulled = session.get(Track, track_id)
        assert pulled is not None and pulled.title == "Quimbara" and pulled.rating == 3
        pulled.rating = 5
    for replica in (b, a):
        client_for(replica, live_server.url, account).sync()
    with a.session() as session:
        assert session.get(Track, track_id).rating == 5  # type: ignore[union-attr]
    assert_converged([a, b])
    with a.session() as session:
        assert outbox_size(session) == 0


def test_a_retried_push_applies_once(
    live_server: LiveServer, signup: Callable[[str], Account], make_replica: MakeReplica
) -> None:
    account = signup("ben")
    a = make_replica("a", account)
    with a.session() as session:
        add_track(session, "Pedro Navaja")
    client = client_for(a, live_server.url, account)
    client.hello()
    with a.session() as session:
        batch = build_batch(session, load_clock(sync_state(session)), limit=500)
    assert batch is not None
    send = transport(live_server.url, account)
    first, second = send(batch), send(batch)
    assert first == second
    assert loads(first)["type"] == "ack"
    page = loads(
        send(
            dumps(
                {
                    **{k: loads(batch)[k] for k in ("protocol", "client_id", "account_id")},
                    "schema_version": schema_version(),
                    "type": "pull",
                    "scope": f"owner:{account.account_id}",
                    "cursor": 0,
                    "limit": 5000,
                }
            )
        )
    )
    ids = [(row["table"], row["id"]) for row in page["rows"]]
    assert len(ids) == len(set(ids)) > 0
    # the stored sequence moved once: a second identical batch changed nothing
    assert loads(second)["server_seq"] == loads(first)["server_seq"]


def test_a_reply_cut_after_the_commit_is_retried_and_applies_once(
    live_server: LiveServer, signup: Callable[[str], Account], make_replica: MakeReplica
) -> None:
    account = signup("cai")
    a, b = make_replica("a", account), make_replica("b", account)
    with a.session() as session:
        track_id = add_track(session, "Idilio").id
    with CuttingProxy("127.0.0.1", live_server.port) as proxy:
        client = client_for(a, proxy.url, account)
        client.hello()
        proxy.cut_replies(1, after_bytes=12)  # the push's reply: "HTTP/1.1 200" and gone
        assert client.push_once()
        assert proxy.cut == 1
        assert not client.push_once()  # nothing left: the ack was taken on the retry
    with a.session() as session:
        assert outbox_size(session) == 0
    client_for(b, live_server.url, account).sync()
    with b.session() as session:
        assert session.get(Track, track_id) is not None
    # one batch for the account, although the server received it twice
    with httpx.Client(base_url=live_server.url) as http:
        assert http.get("/health").json() == {"ok": True}
    assert_converged([a, b])


def test_accounts_do_not_see_each_others_rows(
    live_server: LiveServer, signup: Callable[[str], Account], make_replica: MakeReplica
) -> None:
    ana, bob = signup("ana"), signup("bob")
    a, b = make_replica("a", ana), make_replica("b", bob)
    with a.session() as session:
        add_track(session, "Only Ana's")
    client_for(a, live_server.url, ana).sync()
    client_for(b, live_server.url, bob).sync()
    with b.session() as session:
        titles = session.scalars(select(Track.title)).all()
    assert "Only Ana's" not in titles


def test_a_pull_of_another_accounts_scope_is_forbidden(
    live_server: LiveServer, signup: Callable[[str], Account], make_replica: MakeReplica
) -> None:
    ana, bob = signup("ana"), signup("bob")
    a = make_replica("a", ana)
    client = client_for(a, live_server.url, ana)
    identity = client._identity()
    with pytest.raises(SyncRefusedError) as refused:
        client.request(
            {**identity, "type": "pull", "scope": f"owner:{bob.account_id}", "cursor": 0}
        )
    assert refused.value.code == "forbidden"
    with pytest.raises(SyncRefusedError) as refused:
        client.request({**identity, "account_id": bob.account_id, "type": "hello"})
    assert refused.value.code == "forbidden"


def test_a_row_of_another_account_is_rejected_not_the_batch(
    live_server: LiveServer, signup: Callable[[str], Account], make_replica: MakeReplica
) -> None:
    ana, bob = signup("ana"), signup("bob")
    a = make_replica("a", ana)
    client = client_for(a, live_server.url, ana)
    identity = client._identity()
    hlc = "0193a1b2c3d4e.0000.0f1e2d3c4b5a6978"
    good = {
        "table": "musical_styles",
        "id": "1" * 32,
        "alive": hlc,
        "deleted": None,
        "fields": {"owner_id": [ana.account_id, hlc], "name": ["Son", hlc]},
    }
    bad = {**good, "id": "2" * 32, "fields": {"owner_id": [bob.account_id, hlc]}}
    unknown = {**good, "id": "3" * 32, "table": "no_such_table"}
    ack = client.request(
        {**identity, "type": "push", "batch_id": "x-1", "rows": [good, bad, unknown]}
    )
    assert ack["type"] == "ack"
    reasons = {row["id"]: row["reason"] for row in ack["rejected"]}
    assert set(reasons) == {"2" * 32, "3" * 32}
    assert "owner_id" in reasons["2" * 32] and "table" in reasons["3" * 32]


def test_older_schema_is_told_to_update_and_newer_is_told_the_server_is_behind(
    live_server: LiveServer, signup: Callable[[str], Account], make_replica: MakeReplica
) -> None:
    ana = signup("ana")
    client = client_for(make_replica("a", ana), live_server.url, ana)
    identity = client._identity()
    for version, code in (("0001", "update_required"), ("9999", "server_behind")):
        with pytest.raises(SyncRefusedError) as refused:
            client.request({**identity, "schema_version": version, "type": "hello"})
        assert refused.value.code == code
    welcome = client.hello()
    assert schema_version() in welcome["schema_versions"]


def test_compaction_forgets_old_tombstones_and_old_cursors_must_resync(
    live_server: LiveServer,
    signup: Callable[[str], Account],
    make_replica: MakeReplica,
    server_db: str,
) -> None:
    from museaud.server.sync import compact
    from museaud.sync.clock import system_ms

    account = signup("dee")
    a = make_replica("a", account)
    with a.session() as session:
        track = add_track(session, "Gone")
    client_for(a, live_server.url, account).sync()
    with a.session() as session:
        session.delete(session.get(Track, track.id))
    client = client_for(a, live_server.url, account)
    client.sync()
    with psycopg.connect(server_db) as conn, conn.transaction():
        conn.execute("SELECT set_config('museaud.account_id', %s, true)", [account.account_id])
        forgotten = compact(conn, account.account_id, now_ms=system_ms() + 10**9, retention_ms=1)
    assert forgotten >= 1
    identity = client._identity()
    with pytest.raises(SyncRefusedError) as refused:
        client.request(
            {**identity, "type": "pull", "scope": f"owner:{account.account_id}", "cursor": 1}
        )
    assert refused.value.code == "resync_required"
    fresh = client.request(
        {**identity, "type": "pull", "scope": f"owner:{account.account_id}", "cursor": 0}
    )
    assert track.id.hex not in {row["id"] for row in fresh["rows"]}
