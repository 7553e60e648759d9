"""tests/sync's convergence state machine, with the real server over HTTP instead of the
in-memory hub: three SQLite replicas, pushes sent twice, lost acknowledgements, late pull
answers and skewed clocks, then every replica equals the server's merged state in PostgreSQL
and every acknowledged write is there or overwritten. A small fixed-seed run."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test
from sqlalchemy import Engine

import tests.sync.test_convergence as convergence
from museaud.server.accounts import _new_session
from museaud.sync.protocol import Record, is_alive
from museaud.sync.transport_http import HttpTransport
from tests.server.conftest import LiveServer, transport
from tests.sync.support import ACCOUNT

pytestmark = pytest.mark.postgres


class HttpHub:
    """The memory hub's interface, answered by the real server and read from PostgreSQL."""

    def __init__(self, send: HttpTransport, owner_url: str) -> None:
        self.send = send
        self.owner_url = owner_url
        with psycopg.connect(owner_url) as conn:  # a fresh start for every example
            for table in ("sync_server_rows", "sync_server_batches", "sync_server_horizons"):
                conn.execute(f"DELETE FROM {table} WHERE account_id = %s", [ACCOUNT])

    def handle(self, request: str) -> str:
        return self.send(request)

    @property
    def rows(self) -> dict[tuple[str, str], Record]:
        with psycopg.connect(self.owner_url) as conn:
            found = conn.execute(
                "SELECT table_name, row_id, alive, deleted, fields FROM sync_server_rows "
                "WHERE account_id = %s",
                [ACCOUNT],
            ).fetchall()
        return {
            (t, i): {"table": t, "id": i, "alive": a, "deleted": d, "fields": f}
            for t, i, a, d, f in found
        }

    def alive_rows(self) -> dict[tuple[str, str], dict[str, Any]]:
        return {
            key: {name: value for name, (value, _hlc) in record["fields"].items()}
            for key, record in self.rows.items()
            if is_alive(record)
        }


def test_replicas_converge_through_the_real_server(
    live_server: LiveServer, postgres_engine: Engine
) -> None:
    url = postgres_engine.url
    owner = f"postgresql://{url.username}@{url.host}:{url.port}/{url.database}"
    with psycopg.connect(owner) as conn:
        conn.execute(
            "INSERT INTO users (id, username, is_local, language, primary_instruments, "
            "musical_styles, skill_level, subscription_tier, total_generations, "
            "monthly_generations, email_verified, failed_login_attempts, is_active, is_admin, "
            "accessibility_settings, voice_enabled, created_at, updated_at) VALUES (%s, "
            "'machine-owner', false, 'en', '[]', '[]', 'beginner', 'free', 0, 0, false, 0, "
            "true, false, '{}', false, now(), now())",
            [ACCOUNT],
        )
        token = _new_session(conn, ACCOUNT, "state machine", "")["token"]

    class Account:
        pass

    account = Account()
    account.token = token  # type: ignore[attr-defined]
    send = transport(live_server.url, account)  # type: ignore[arg-type]

    class HttpMachine(convergence.SyncMachine):
        def __init__(self) -> None:
            super().__init__()
            self.hub = HttpHub(send, owner)  # type: ignore[assignment]

    try:
        run_state_machine_as_test(
            HttpMachine,
            settings=settings(
                derandomize=True,
                max_examples=3,
                stateful_step_count=20,
                deadline=None,
                phases=[Phase.explicit, Phase.reuse, Phase.generate],
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            ),
        )
        assert send.requests > 30
        with psycopg.connect(owner) as conn:
            stored = conn.execute("SELECT count(*) FROM sync_server_rows").fetchone()
        assert stored is not None and stored[0] > 0
    finally:
        send.close()
