"""Fixtures for the server tests: the schema on the throwaway PostgreSQL, a live server on
loopback (uvicorn in a thread), signed-up accounts and replicas syncing over HTTP."""

from __future__ import annotations

import shutil
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import Engine, select

from museaud.server.app import Server, build_app
from museaud.server.schema import SERVICE_ROLE, init_database
from museaud.store.models.accounts import User
from museaud.store.session import open_store
from museaud.sync.capture import enable
from museaud.sync.transport_http import AccountApi, HttpTransport
from tests.sync.support import Replica

PASSWORD = "correct horse battery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server_db(postgres_engine: Engine) -> str:
    """The server's schema on a fresh database; returns the service role's libpq URL."""
    with postgres_engine.begin() as connection:
        init_database(connection)
    url = postgres_engine.url
    return f"postgresql://{SERVICE_ROLE}@{url.host}:{url.port}/{url.database}"


@dataclass
class LiveServer:
    url: str
    server: Server
    port: int


@pytest.fixture
def live_server(server_db: str) -> Iterator[LiveServer]:
    """The real server on 127.0.0.1, a free port, in a thread."""
    port = _free_port()
    server = Server(server_db, pool_size=4)
    config = uvicorn.Config(
        build_app(server), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
    )
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True, name="museaud-server")
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the sync server did not start")
        time.sleep(0.05)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", server, port)
    finally:
        running.should_exit = True
        thread.join(timeout=30)


@dataclass
class Account:
    email: str
    account_id: str
    token: str
    session_id: str

    @property
    def uuid(self) -> uuid.UUID:
        return uuid.UUID(hex=self.account_id)


@pytest.fixture
def signup(live_server: LiveServer) -> Callable[[str], Account]:
    def make(name: str) -> Account:
        email = f"{name}-{uuid.uuid4().hex[:6]}@example.org"
        with AccountApi(live_server.url) as api:
            answer = api.signup(email, PASSWORD, f"{name}'s machine")
        return Account(email, answer["account_id"], answer["token"], answer["session_id"])

    return make


def open_account_replica(
    migrated_store: Path, folder: Path, name: str, account: uuid.UUID
) -> Replica:
    """A store of the account's on this machine, with sync enabled."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.sqlite"
    shutil.copyfile(migrated_store, path)
    replica = Replica(name, open_store(path, folder / f"{name}-backups"), account)
    with replica.session() as session:
        if session.get(User, account) is None:
            session.add(User(id=account, username=f"account-{account.hex[-6:]}"))
            session.flush()
        local = session.scalars(select(User.id).where(User.is_local)).first()
        enable(session, account, local_user_id=local)
    return replica


@pytest.fixture
def make_replica(
    migrated_store: Path, tmp_path: Path
) -> Iterator[Callable[[str, Account], Replica]]:
    opened: list[Replica] = []

    def make(name: str, account: Account) -> Replica:
        replica = open_account_replica(migrated_store, tmp_path / "replicas", name, account.uuid)
        opened.append(replica)
        return replica

    yield make
    for replica in opened:
        replica.close()


def transport(url: str, account: Account, **options: Any) -> HttpTransport:
    return HttpTransport(url, account.token, retry_pause_s=0.01, **options)
