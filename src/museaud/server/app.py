"""The HTTP service: Starlette routes on uvicorn, psycopg 3 with a connection pool.

Routes (JSON in and out; every refusal is {"type": "error", "code", "message"}):

    POST   /v1/account/signup        {email, password, device_name} -> token (signed in)
    POST   /v1/account/login         {email, password, device_name} -> token
    POST   /v1/account/logout        (bearer) revokes this token
    GET    /v1/account               (bearer) the account
    GET    /v1/account/sessions      (bearer) signed-in devices
    DELETE /v1/account/sessions/{id} (bearer) signs a device out
    POST   /v1/sync                  (bearer) a protocol message: hello, push or pull
    GET    /health                   database reachable

Each request runs in one transaction on a pooled connection; sync messages run after
`set_config('museaud.account_id', <the token's account>, true)` so row-level security confines
them to the account. A malformed request gets 400 naming the field; an unexpected failure a 500
with a one-line message (the traceback goes to the log only).
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from psycopg import Connection
from psycopg_pool import ConnectionPool
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from museaud.server import accounts
from museaud.server.accounts import AuthError, Identity
from museaud.server.sync import BadRequestError, RefusalError, SyncService
from museaud.sync.protocol import ProtocolError

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 32 * 1024 * 1024


def conninfo(url: str) -> str:
    """A libpq connection string from a SQLAlchemy-style or libpq URL."""
    for prefix in ("postgresql+psycopg://", "postgres+psycopg://"):
        if url.startswith(prefix):
            return "postgresql://" + url[len(prefix) :]
    return url


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"type": "error", "code": code, "message": message}, status_code=status)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number this server accepts")


async def _json_body(request: Request) -> dict[str, Any]:
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > MAX_BODY_BYTES:
        raise BadRequestError(f"body: larger than {MAX_BODY_BYTES} bytes")
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise BadRequestError(f"body: larger than {MAX_BODY_BYTES} bytes")
    try:
        value = json.loads(body, parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError) as error:
        raise BadRequestError(f"body: not JSON ({error})") from None
    if not isinstance(value, dict):
        raise BadRequestError("body: not a JSON object")
    return value


class Server:
    """The service's state: the pool and the sync service (nothing per client)."""

    def __init__(self, database_url: str, *, pool_size: int = 10, sync: SyncService | None = None):
        self.pool = ConnectionPool(
            conninfo(database_url), min_size=1, max_size=pool_size, open=False
        )
        self.sync = sync or SyncService()

    def run(self, work: Callable[[Connection[Any]], Any]) -> Any:
        """work(connection) in one transaction."""
        with self.pool.connection() as conn, conn.transaction():
            return work(conn)

    def authed(self, header: str | None, work: Callable[[Connection[Any], Identity], Any]) -> Any:
        """work(connection, identity) in one transaction, as the token's account."""

        def step(conn: Connection[Any]) -> Any:
            identity = accounts.authenticate(conn, header)
            conn.execute(
                "SELECT set_config('museaud.account_id', %s, true)", [identity.account_id.hex]
            )
            return work(conn, identity)

        return self.run(step)


def _device(request: Request, body: dict[str, Any]) -> tuple[str, str]:
    device = body.get("device_name") or "unnamed device"
    if not isinstance(device, str):
        raise BadRequestError("device_name: not a string")
    return device, request.headers.get("user-agent", "")[:500]


def build_app(server: Server) -> Starlette:
    """The Starlette application for a Server."""

    async def signup(request: Request) -> Response:
        body = await _json_body(request)
        device, agent = _device(request, body)
        answer = await run_in_threadpool(
            server.run,
            lambda conn: accounts.signup(
                conn, body.get("email"), body.get("password"), device, agent
            ),
        )
        return JSONResponse(answer, status_code=201)

    async def login(request: Request) -> Response:
        body = await _json_body(request)
        device, agent = _device(request, body)
        # a failed sign-in must count even though it answers an error: it commits first
        result = await run_in_threadpool(
            server.run,
            lambda conn: _catching(
                lambda: accounts.login(conn, body.get("email"), body.get("password"), device, agent)
            ),
        )
        if isinstance(result, AuthError):
            raise result
        return JSONResponse(result)

    async def logout(request: Request) -> Response:
        header = request.headers.get("authorization")
        await run_in_threadpool(server.authed, header, accounts.logout)
        return JSONResponse({"signed_out": True})

    async def account(request: Request) -> Response:
        header = request.headers.get("authorization")
        return JSONResponse(await run_in_threadpool(server.authed, header, accounts.account_info))

    async def sessions(request: Request) -> Response:
        header = request.headers.get("authorization")
        found = await run_in_threadpool(server.authed, header, accounts.list_sessions)
        return JSONResponse({"sessions": found})

    async def revoke(request: Request) -> Response:
        header = request.headers.get("authorization")
        target = str(request.path_params["session_id"])
        await run_in_threadpool(
            server.authed, header, lambda conn, who: accounts.revoke_session(conn, who, target)
        )
        return JSONResponse({"revoked": target})

    async def sync(request: Request) -> Response:
        header = request.headers.get("authorization")
        message = await _json_body(request)
        if not isinstance(message.get("type"), str):
            raise BadRequestError("type: missing or not a string")
        answer = await run_in_threadpool(
            server.authed,
            header,
            lambda conn, who: server.sync.handle(conn, who.account_id.hex, message),
        )
        return Response(answer, media_type="application/json")

    async def health(_request: Request) -> Response:
        await run_in_threadpool(server.run, lambda conn: conn.execute("SELECT 1"))
        return JSONResponse({"ok": True})

    async def on_auth(_request: Request, error: Exception) -> Response:
        assert isinstance(error, AuthError)
        return _error(error.status, error.code, error.message)

    async def on_bad(_request: Request, error: Exception) -> Response:
        return _error(400, "bad_request", str(error))

    async def on_refusal(_request: Request, error: Exception) -> Response:
        assert isinstance(error, RefusalError)
        return JSONResponse(error.answer, status_code=error.status)

    async def on_crash(request: Request, error: Exception) -> Response:
        log.error("%s %s failed", request.method, request.url.path, exc_info=error)
        return _error(500, "internal", "the server failed on this request; it is logged")

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        await run_in_threadpool(server.pool.open, True, 30.0)
        try:
            yield
        finally:
            await run_in_threadpool(server.pool.close)

    return Starlette(
        routes=[
            Route("/v1/account/signup", signup, methods=["POST"]),
            Route("/v1/account/login", login, methods=["POST"]),
            Route("/v1/account/logout", logout, methods=["POST"]),
            Route("/v1/account", account, methods=["GET"]),
            Route("/v1/account/sessions", sessions, methods=["GET"]),
            Route("/v1/account/sessions/{session_id}", revoke, methods=["DELETE"]),
            Route("/v1/sync", sync, methods=["POST"]),
            Route("/health", health, methods=["GET"]),
        ],
        exception_handlers={
            AuthError: on_auth,
            BadRequestError: on_bad,
            ProtocolError: on_bad,
            RefusalError: on_refusal,
            Exception: on_crash,
        },
        lifespan=lifespan,
    )


def _catching(work: Callable[[], Any]) -> Any:
    """work's result, or the AuthError it raised (returned, so the transaction commits)."""
    try:
        return work()
    except AuthError as error:
        return error
