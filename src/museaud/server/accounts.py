"""Accounts on the server: sign-up, sign-in with bearer tokens per device, sign-out, sessions.

Passwords are hashed with argon2id (argon2-cffi's defaults). A token is 32 random bytes shown
once to the client; only its SHA-256 is stored (`user_sessions.token_hash`), one row per signed-in
device. Five failed sign-ins lock the account for 15 minutes. Expired and revoked (signed-out)
tokens are refused with 401 and a message saying to sign in again.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from psycopg import Connection
from psycopg.types.json import Jsonb

from museaud.store.base import new_id

TOKEN_LIFETIME = timedelta(days=90)
LOCK_AFTER_FAILURES = 5
LOCK_DURATION = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 10
EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("museaud: a password nobody has")


class AuthError(Exception):
    """A refused account request: HTTP status, protocol error code and a message for people."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Identity:
    """Who a verified bearer token speaks for."""

    account_id: uuid.UUID
    session_id: uuid.UUID


def hash_token(token: str) -> str:
    """What is stored of a token: its SHA-256, hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def check_credentials(email: Any, password: Any) -> tuple[str, str]:
    """The e-mail (lower-cased) and password of a request, or a 400 naming the bad field."""
    if not isinstance(email, str) or len(email) > 255 or not EMAIL.match(email.strip()):
        raise AuthError(400, "bad_request", "email: not an e-mail address")
    if not isinstance(password, str) or not password:
        raise AuthError(400, "bad_request", "password: missing")
    return email.strip().lower(), password


def _new_session(
    conn: Connection[Any], account: uuid.UUID, device: str, agent: str
) -> dict[str, Any]:
    token = secrets.token_urlsafe(32)
    now = _now()
    session_id = new_id()
    conn.execute(
        "INSERT INTO user_sessions (id, owner_id, token_hash, device_name, user_agent, "
        "expires_at, last_activity_at, created_at, updated_at) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [
            session_id,
            account,
            hash_token(token),
            device[:255],
            agent,
            now + TOKEN_LIFETIME,
            now,
            now,
            now,
        ],
    )
    return {
        "token": token,
        "account_id": account.hex,
        "session_id": session_id.hex,
        "expires_at": (now + TOKEN_LIFETIME).isoformat(),
    }


def signup(
    conn: Connection[Any], email: Any, password: Any, device: str, agent: str
) -> dict[str, Any]:
    """A new account, signed in on this device."""
    address, secret = check_credentials(email, password)
    if len(secret) < MIN_PASSWORD_LENGTH:
        raise AuthError(400, "bad_request", f"password: at least {MIN_PASSWORD_LENGTH} characters")
    taken = conn.execute("SELECT 1 FROM users WHERE lower(email) = %s", [address]).fetchone()
    if taken is not None:
        raise AuthError(409, "conflict", "email: an account with this address exists: sign in")
    account = new_id()
    now = _now()
    username = f"{address.split('@')[0][:80]}-{account.hex[-6:]}"
    conn.execute(
        "INSERT INTO users (id, username, email, password_hash, is_local, language, "
        "primary_instruments, musical_styles, skill_level, subscription_tier, total_generations,"
        " monthly_generations, email_verified, failed_login_attempts, is_active, is_admin, "
        "accessibility_settings, voice_enabled, created_at, updated_at) VALUES (%s, %s, %s, %s,"
        " false, 'en', %s, %s, 'beginner', 'free', 0, 0, false, 0, true, false, %s, false, %s,"
        " %s)",
        [
            account,
            username,
            address,
            _hasher.hash(secret),
            Jsonb([]),
            Jsonb([]),
            Jsonb({}),
            now,
            now,
        ],
    )
    answer = _new_session(conn, account, device, agent)
    answer["username"] = username
    answer["email"] = address
    return answer


def login(
    conn: Connection[Any], email: Any, password: Any, device: str, agent: str
) -> dict[str, Any]:
    """A new session for the account, or 401 (wrong e-mail or password alike) or 423 (locked)."""
    address, secret = check_credentials(email, password)
    row = conn.execute(
        "SELECT id, username, password_hash, failed_login_attempts, locked_until, is_active "
        "FROM users WHERE lower(email) = %s FOR UPDATE",
        [address],
    ).fetchone()
    if row is None:
        _verify(_DUMMY_HASH, secret)  # the same time whether or not the address exists
        raise AuthError(401, "unauthorized", "wrong e-mail address or password")
    account, username, stored, failures, locked_until, active = row
    now = _now()
    if locked_until is not None and locked_until > now:
        raise AuthError(
            423,
            "locked",
            f"too many failed sign-ins: try again after {locked_until:%H:%M} UTC",
        )
    if not active:
        raise AuthError(403, "forbidden", "this account is disabled")
    if stored is None or not _verify(stored, secret):
        failures += 1
        lock = now + LOCK_DURATION if failures >= LOCK_AFTER_FAILURES else None
        conn.execute(
            "UPDATE users SET failed_login_attempts = %s, locked_until = %s WHERE id = %s",
            [0 if lock else failures, lock, account],
        )
        raise AuthError(401, "unauthorized", "wrong e-mail address or password")
    new_hash = _hasher.hash(secret) if _hasher.check_needs_rehash(stored) else stored
    conn.execute(
        "UPDATE users SET failed_login_attempts = 0, locked_until = NULL, last_login_at = %s, "
        "password_hash = %s WHERE id = %s",
        [now, new_hash, account],
    )
    answer = _new_session(conn, account, device, agent)
    answer["username"] = username
    answer["email"] = address
    return answer


def _verify(stored: str, secret: str) -> bool:
    try:
        return bool(_hasher.verify(stored, secret))
    except (VerificationError, InvalidHashError):
        return False


def bearer_token(header: str | None) -> str:
    """The token of an Authorization header, or 401."""
    if not header:
        raise AuthError(401, "unauthorized", "not signed in: run `museaud account login`")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError(401, "unauthorized", "Authorization: expected 'Bearer <token>'")
    return token.strip()


def authenticate(conn: Connection[Any], header: str | None) -> Identity:
    """The account and session of a bearer token, or 401 saying why."""
    token = bearer_token(header)
    row = conn.execute(
        "SELECT s.id, s.owner_id, s.expires_at, u.is_active FROM user_sessions s "
        "JOIN users u ON u.id = s.owner_id WHERE s.token_hash = %s",
        [hash_token(token)],
    ).fetchone()
    if row is None:
        raise AuthError(
            401, "unauthorized", "this sign-in was revoked or never existed: sign in again"
        )
    session_id, account, expires_at, active = row
    now = _now()
    if expires_at <= now:
        raise AuthError(
            401, "unauthorized", f"this sign-in expired on {expires_at:%Y-%m-%d}: sign in again"
        )
    if not active:
        raise AuthError(403, "forbidden", "this account is disabled")
    conn.execute(
        "UPDATE user_sessions SET last_activity_at = %s WHERE id = %s "
        "AND (last_activity_at IS NULL OR last_activity_at < %s)",
        [now, session_id, now - timedelta(minutes=1)],
    )
    return Identity(account, session_id)


def logout(conn: Connection[Any], identity: Identity) -> None:
    """Revoke this device's token."""
    conn.execute("DELETE FROM user_sessions WHERE id = %s", [identity.session_id])


def account_info(conn: Connection[Any], identity: Identity) -> dict[str, Any]:
    """The signed-in account."""
    row = conn.execute(
        "SELECT username, email, email_verified FROM users WHERE id = %s", [identity.account_id]
    ).fetchone()
    assert row is not None  # authenticate joined it
    return {
        "account_id": identity.account_id.hex,
        "username": row[0],
        "email": row[1],
        "email_verified": bool(row[2]),
        "session_id": identity.session_id.hex,
    }


def list_sessions(conn: Connection[Any], identity: Identity) -> list[dict[str, Any]]:
    """The account's signed-in devices, newest activity first."""
    rows = conn.execute(
        "SELECT id, device_name, user_agent, created_at, last_activity_at, expires_at "
        "FROM user_sessions WHERE owner_id = %s AND expires_at > %s "
        "ORDER BY last_activity_at DESC NULLS LAST",
        [identity.account_id, _now()],
    ).fetchall()
    return [
        {
            "session_id": row[0].hex,
            "device_name": row[1],
            "user_agent": row[2],
            "created_at": row[3].isoformat(),
            "last_activity_at": row[4].isoformat() if row[4] else None,
            "expires_at": row[5].isoformat(),
            "current": row[0] == identity.session_id,
        }
        for row in rows
    ]


def revoke_session(conn: Connection[Any], identity: Identity, session_id: str) -> None:
    """Sign a device of the account out; 404 for a session that is not the account's."""
    try:
        target = uuid.UUID(hex=session_id)
    except ValueError:
        raise AuthError(400, "bad_request", "session_id: not a session id") from None
    deleted = conn.execute(
        "DELETE FROM user_sessions WHERE id = %s AND owner_id = %s",
        [target, identity.account_id],
    ).rowcount
    if not deleted:
        raise AuthError(404, "not_found", f"session_id: no session {session_id} of this account")
