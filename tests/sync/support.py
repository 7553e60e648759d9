"""Replicas for the sync tests: real migrated SQLite stores of one account, with sync enabled."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session
from tests.sync.memory_hub import MemoryHub

from museaud.store.models.accounts import User
from museaud.store.models.library import Track
from museaud.store.session import Store, open_store
from museaud.sync.capture import enable
from museaud.sync.client import SyncClient
from museaud.sync.clock import system_ms
from museaud.sync.tables import synced_tables

ACCOUNT = uuid.UUID("01938a6e-0000-7000-8000-00000000acc0")


def add_account(session: Session, account: uuid.UUID = ACCOUNT) -> None:
    """The account's users row, as the handshake delivers it."""
    if session.get(User, account) is None:
        session.add(User(id=account, username="account-owner"))
        session.flush()


class Replica:
    """One machine: a store file, its account, and a client for a hub."""

    def __init__(self, name: str, store: Store, account: uuid.UUID = ACCOUNT) -> None:
        self.name = name
        self.store = store
        self.account = account
        self.skew_ms = 0

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A write transaction in which new rows belong to the account."""
        with self.store.session(self.account) as session:
            yield session

    def wall(self) -> int:
        """This machine's (possibly skewed) wall clock."""
        return system_ms() + self.skew_ms

    def client(
        self,
        send: Callable[[str], str] | MemoryHub,
        *,
        correct_clock: bool = True,
        batch_rows: int = 500,
        pull_rows: int = 500,
    ) -> SyncClient:
        transport = send.handle if isinstance(send, MemoryHub) else send
        return SyncClient(
            self.session,
            transport,
            wall=self.wall,
            correct_clock=correct_clock,
            batch_rows=batch_rows,
            pull_rows=pull_rows,
        )

    def close(self) -> None:
        self.store.close()


def open_replica(migrated_store: Path, folder: Path, name: str, *, enabled: bool = True) -> Replica:
    """A replica on a copy of a migrated store, with the account and (by default) sync on."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.sqlite"
    if not path.exists():
        shutil.copyfile(migrated_store, path)
    replica = Replica(name, open_store(path, folder / "backups"))
    with replica.session() as session:
        add_account(session)
        local = session.scalars(select(User.id).where(User.is_local)).first()
        if enabled:
            enable(session, ACCOUNT, local_user_id=local)
    return replica


def snapshot(session: Session) -> dict[str, dict[str, dict[str, Any]]]:
    """Every synced table's rows: id -> synced column values, as stored."""
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for table in synced_tables().values():
        columns = ", ".join(f'"{column}"' for column in table.columns)
        rows = session.execute(text(f'SELECT id, {columns} FROM "{table.name}"')).all()
        found[table.name] = {row[0]: dict(zip(table.columns, row[1:], strict=True)) for row in rows}
    return found


def outbox_size(session: Session) -> int:
    return int(session.execute(text("SELECT count(*) FROM sync_outbox")).scalar_one())


def add_track(session: Session, title: str, **values: Any) -> Track:
    """A library track with a file on this machine."""
    track = Track(
        path=f"/music/{title}-{uuid.uuid4().hex[:8]}.flac",
        folder="/music",
        file_name=f"{title}.flac",
        file_format="flac",
        title=title,
        status="ok",
        duration_s=200.0,
        content_hash=uuid.uuid4().hex,
        **values,
    )
    session.add(track)
    session.flush()
    return track


def sync_all(replicas: list[Replica], hub: MemoryHub, *, rounds: int = 2) -> None:
    """Every replica syncs, in turn, rounds times (two rounds: everyone has everything)."""
    for _ in range(rounds):
        for replica in replicas:
            replica.client(hub).sync()


def assert_converged(replicas: list[Replica]) -> dict[str, dict[str, dict[str, Any]]]:
    """Every replica holds the same synced rows; returns them."""
    states = []
    for replica in replicas:
        with replica.session() as session:
            states.append(snapshot(session))
    for replica, state in zip(replicas[1:], states[1:], strict=True):
        for table in state:
            assert state[table] == states[0][table], f"{replica.name} differs in {table}"
    return states[0]
