"""A throwaway PostgreSQL 15 server for the test session (or MUSEAUD_TEST_PG_URL if set).

PostgreSQL refuses to run as root, so as root the cluster is made and started as `postgres`.
If no server can be had the tests that need one fail, saying how to get one: never a silent skip.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

HOW_TO_GET_ONE = (
    "Install the PostgreSQL server binaries (Debian: apt-get install postgresql; initdb and pg_ctl "
    "are looked for on PATH and in /usr/lib/postgresql/*/bin), or point MUSEAUD_TEST_PG_URL at a "
    "server where the test user may create databases."
)


def _pg_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    pytest.fail(f"PostgreSQL's {name} was not found. {HOW_TO_GET_ONE}", pytrace=False)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(command: list[str], *, as_postgres: bool) -> None:
    if as_postgres:
        command = ["runuser", "-u", "postgres", "--", *command]
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
    if result.returncode != 0:
        pytest.fail(
            f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}{result.stderr}\n"
            + HOW_TO_GET_ONE,
            pytrace=False,
        )


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """The URL of a PostgreSQL server for this test session (superuser `museaud`)."""
    existing = os.environ.get("MUSEAUD_TEST_PG_URL")
    if existing:
        yield existing
        return
    as_postgres = os.geteuid() == 0
    folder = Path(tempfile.mkdtemp(prefix="museaud-pg-"))
    if as_postgres:
        shutil.chown(folder, "postgres", "postgres")
    data = folder / "data"
    port = _free_port()
    _run(
        [_pg_bin("initdb"), "-D", str(data), "-A", "trust", "-U", "museaud", "-E", "UTF8"],
        as_postgres=as_postgres,
    )
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    _run(
        [
            _pg_bin("pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(folder / "log"),
            "-w",
            "start",
        ],
        as_postgres=as_postgres,
    )
    try:
        yield f"postgresql+psycopg://museaud@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            (["runuser", "-u", "postgres", "--"] if as_postgres else [])
            + [_pg_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
            check=False,
            timeout=60,
        )
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def postgres_engine(postgres_server_url: str) -> Iterator[Engine]:
    """An engine on a fresh, empty database of the session's server, dropped afterwards."""
    name = f"museaud_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:
        admin.dispose()
        pytest.fail(
            f"cannot create a database on {postgres_server_url}: {error}. {HOW_TO_GET_ONE}",
            pytrace=False,
        )
    url = postgres_server_url.rsplit("/", 1)[0] + f"/{name}"
    engine = create_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
