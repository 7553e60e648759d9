"""Sign-up, sign-in, sign-out, devices, lockout and refused tokens, over real HTTP."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import psycopg
import pytest

from museaud.server.accounts import LOCK_AFTER_FAILURES
from museaud.sync.transport_http import AccountApi, ApiError
from tests.server.conftest import PASSWORD, Account, LiveServer

pytestmark = pytest.mark.postgres


def test_signup_login_devices_revoke_and_logout(
    live_server: LiveServer, signup: Callable[[str], Account], server_db: str
) -> None:
    ana = signup("ana")
    with AccountApi(live_server.url) as api:
        laptop = api.login(ana.email.upper(), PASSWORD, "laptop")
    assert laptop["account_id"] == ana.account_id and laptop["token"] != ana.token
    with AccountApi(live_server.url, laptop["token"]) as api:
        assert api.account()["email"] == ana.email
        devices = api.sessions()
        assert {d["device_name"] for d in devices} == {"ana's machine", "laptop"}
        assert [d["current"] for d in devices].count(True) == 1
        api.revoke(ana.session_id)
        with pytest.raises(ApiError) as missing:
            api.revoke(ana.session_id)
        assert missing.value.status == 404
    with AccountApi(live_server.url, ana.token) as api, pytest.raises(ApiError) as revoked:
        api.account()
    assert revoked.value.status == 401 and "sign in again" in revoked.value.message
    with AccountApi(live_server.url, laptop["token"]) as api:
        api.logout()
        with pytest.raises(ApiError) as gone:
            api.sessions()
        assert gone.value.status == 401
    with psycopg.connect(server_db) as conn:
        stored = conn.execute("SELECT token_hash FROM user_sessions").fetchall()
    assert all(laptop["token"] not in row[0] for row in stored)  # only hashes are stored


def test_passwords_are_argon2id_and_tokens_are_hashed(
    signup: Callable[[str], Account], server_db: str
) -> None:
    ana = signup("ana")
    with psycopg.connect(server_db) as conn:
        row = conn.execute(
            "SELECT u.password_hash, s.token_hash FROM users u JOIN user_sessions s "
            "ON s.owner_id = u.id WHERE lower(u.email) = %s",
            [ana.email],
        ).fetchone()
    assert row is not None
    assert row[0].startswith("$argon2id$") and PASSWORD not in row[0]
    assert row[1] != ana.token and len(row[1]) == 64


def test_repeated_failures_lock_the_account(
    live_server: LiveServer, signup: Callable[[str], Account]
) -> None:
    ana = signup("ana")
    with AccountApi(live_server.url) as api:
        for _ in range(LOCK_AFTER_FAILURES):
            with pytest.raises(ApiError) as wrong:
                api.login(ana.email, "not the password", "x")
            assert wrong.value.status == 401
        with pytest.raises(ApiError) as locked:
            api.login(ana.email, PASSWORD, "x")  # even the right password, for a while
        assert locked.value.status == 423 and "try again" in locked.value.message
        with pytest.raises(ApiError) as unknown:
            api.login("nobody@example.org", PASSWORD, "x")
        assert unknown.value.status == 401


def test_expired_tokens_are_refused_with_a_clear_message(
    live_server: LiveServer, signup: Callable[[str], Account], postgres_engine: object
) -> None:
    ana = signup("ana")
    import sqlalchemy

    assert isinstance(postgres_engine, sqlalchemy.Engine)
    with postgres_engine.begin() as connection:
        connection.exec_driver_sql("UPDATE user_sessions SET expires_at = now() - interval '1 day'")
    with AccountApi(live_server.url, ana.token) as api, pytest.raises(ApiError) as expired:
        api.account()
    assert expired.value.status == 401 and "expired" in expired.value.message


def test_signup_refuses_bad_input_and_duplicates(
    live_server: LiveServer, signup: Callable[[str], Account]
) -> None:
    ana = signup("ana")
    with AccountApi(live_server.url) as api:
        for email, password, field in (
            ("not-an-address", PASSWORD, "email"),
            ("x@example.org", "short", "password"),
            (ana.email, PASSWORD, "email"),
        ):
            with pytest.raises(ApiError) as refused:
                api.signup(email, password, "x")
            assert refused.value.message.startswith(field), refused.value.message


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"{not json", "body"),
        (b"[1, 2]", "body"),
        (b'{"type": 5}', "type"),
        (b'{"type": "hello", "protocol": 1}', "schema_version"),
        (
            b'{"type": "hello", "protocol": 1, "schema_version": "%s", "client_id": "xyz"}',
            "client_id",
        ),
        (
            b'{"type": "push", "protocol": 1, "schema_version": "%s", '
            b'"client_id": "0123456789abcdef", "account_id": "%a", "rows": []}',
            "batch_id",
        ),
        (
            b'{"type": "push", "protocol": 1, "schema_version": "%s", '
            b'"client_id": "0123456789abcdef", "account_id": "%a", "batch_id": "b", "rows": 3}',
            "rows",
        ),
        (
            b'{"type": "pull", "protocol": 1, "schema_version": "%s", '
            b'"client_id": "0123456789abcdef", "account_id": "%a", "scope": "owner:%a", '
            b'"cursor": "zero"}',
            "cursor",
        ),
        (
            b'{"type": "pull", "protocol": 1, "schema_version": "%s", '
            b'"client_id": "0123456789abcdef", "account_id": "%a", "scope": "owner:%a", '
            b'"cursor": NaN}',
            "body",
        ),
        (
            b'{"type": "dance", "protocol": 1, "schema_version": "%s", '
            b'"client_id": "0123456789abcdef", "account_id": "%a"}',
            "type",
        ),
    ],
)
def test_malformed_sync_requests_get_400_naming_the_field(
    live_server: LiveServer, signup: Callable[[str], Account], body: bytes, field: str
) -> None:
    from museaud.sync.protocol import schema_version

    ana = signup("ana")
    content = body.replace(b"%s", schema_version().encode()).replace(b"%a", ana.account_id.encode())
    answer = httpx.post(
        f"{live_server.url}/v1/sync",
        content=content,
        headers={"Authorization": f"Bearer {ana.token}"},
    )
    assert answer.status_code == 400, answer.text
    assert answer.json()["code"] == "bad_request"
    assert answer.json()["message"].startswith(field), answer.json()["message"]
    assert "Traceback" not in answer.text


def test_sync_without_or_with_a_bad_token_is_401(live_server: LiveServer) -> None:
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic x"}):
        answer = httpx.post(f"{live_server.url}/v1/sync", json={"type": "hello"}, headers=headers)
        assert answer.status_code == 401
        assert answer.json()["type"] == "error" and answer.json()["code"] == "unauthorized"


def test_an_unexpected_failure_is_a_500_with_a_message_not_a_traceback(
    live_server: LiveServer, signup: Callable[[str], Account], postgres_engine: object
) -> None:
    import sqlalchemy

    from museaud.sync.protocol import schema_version

    ana = signup("ana")
    assert isinstance(postgres_engine, sqlalchemy.Engine)
    with postgres_engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM sync_server_state")  # a broken installation
    message = {
        "type": "push",
        "protocol": 1,
        "schema_version": schema_version(),
        "client_id": "0123456789abcdef",
        "account_id": ana.account_id,
        "batch_id": "b-1",
        "rows": [],
    }
    answer = httpx.post(
        f"{live_server.url}/v1/sync",
        json=message,
        headers={"Authorization": f"Bearer {ana.token}"},
    )
    assert answer.status_code == 500
    assert answer.json()["code"] == "internal"
    assert "Traceback" not in answer.text and "sync_server_state" not in answer.text
