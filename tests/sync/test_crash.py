"""kill -9 of a client while it applies a page or pushes a batch: reopened, the store is intact,
its cursor matches its data, and the next sync finishes the job (applied once)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text
from tests.sync.memory_hub import MemoryHub
from tests.sync.support import Replica, add_track, assert_converged, outbox_size, snapshot

from museaud.sync.apply import pull_cursor
from museaud.sync.changes import sync_state
from museaud.sync.client import owner_scope
from museaud.sync.protocol import PROTOCOL_VERSION, dumps, schema_version

ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    import museaud.sync.apply as apply
    from museaud.store.session import open_store
    from museaud.sync.changes import build_batch, load_clock, sync_state

    store_path, job, payload = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
    store = open_store(store_path, store_path.parent / "backups")

    def stop_here(*args, **kwargs):
        print("inside", flush=True)
        time.sleep(60)

    with store.session() as session:
        clock = load_clock(sync_state(session))
        if job == "apply":
            apply.save_clock = stop_here  # the last step before the commit
            apply.apply_changes(session, json.loads(payload.read_text()), clock)
        else:
            payload.write_text(build_batch(session, clock, limit=3))
    if job == "push":
        print("inside", flush=True)  # the batch is saved; the request is "in flight"
        time.sleep(60)
    """
)


def _run_until_killed(replica: Replica, job: str, payload: Path) -> None:
    path = replica.store.path
    replica.close()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), job, str(payload)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == b"inside"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()


def _reopen(make_replica: Callable[[str], Replica], name: str) -> Replica:
    return make_replica(name)  # same file: open_replica reuses it


def test_kill_9_while_applying_leaves_data_and_cursor_as_before(
    make_replica: Callable[[str], Replica], hub: MemoryHub, tmp_path: Path
) -> None:
    a, b = make_replica("a"), make_replica("b")
    with a.session() as session:
        for index in range(20):
            add_track(session, f"track {index}")
    a.client(hub).sync()
    with b.session() as session:
        before = snapshot(session)
        scope = owner_scope(b.account.hex)
        identity = {
            "protocol": PROTOCOL_VERSION,
            "client_id": sync_state(session).node_id,
            "account_id": b.account.hex,
            "schema_version": schema_version(),
        }
    page = json.loads(hub.handle(dumps({"type": "pull", **identity, "scope": scope, "cursor": 0})))
    assert len(page["rows"]) > 20
    payload = tmp_path / "page.json"
    payload.write_text(json.dumps(page))
    _run_until_killed(b, "apply", payload)

    b = _reopen(make_replica, "b")
    with b.session() as session:
        assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        assert pull_cursor(session, scope) == 0
        assert snapshot(session) == before
        assert sync_state(session).capture_off is False
    b.client(hub).sync()
    assert_converged([a, b])


def test_kill_9_while_pushing_then_the_retry_is_applied_once(
    make_replica: Callable[[str], Replica], hub: MemoryHub, tmp_path: Path
) -> None:
    a = make_replica("a")
    with a.session() as session:
        for index in range(8):
            add_track(session, f"track {index}")
        waiting = outbox_size(session)
    request = tmp_path / "request.json"
    _run_until_killed(a, "push", request)
    hub.handle(request.read_text())  # the request reached the server before the kill
    assert hub.applied_batches == 1

    a = _reopen(make_replica, "a")
    with a.session() as session:
        assert outbox_size(session) == waiting
        assert sync_state(session).pending_batch == request.read_text()
    a.client(hub).sync()
    with a.session() as session:
        assert outbox_size(session) == 0
    batches = hub.applied_batches
    b = make_replica("b")
    b.client(hub).sync()
    assert hub.applied_batches == batches + 1  # b's own first batch only
    assert_converged([a, b])
