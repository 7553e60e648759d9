"""`museaud server`, `museaud account` and `museaud sync` from the shell, two machines."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from museaud.cli import main
from museaud.paths import default_paths
from museaud.store.models.library import Track
from museaud.store.session import open_store
from tests.server.conftest import PASSWORD, LiveServer, _free_port
from tests.sync.support import add_track

pytestmark = pytest.mark.postgres


def _machine(monkeypatch: pytest.MonkeyPatch, root: Path, name: str, migrated_store: Path) -> Path:
    home = root / name
    monkeypatch.setenv("MUSEAUD_HOME", str(home))
    paths = default_paths().ensure()
    if not paths.store_file.exists():
        shutil.copyfile(migrated_store, paths.store_file)
    return home


def test_two_machines_sign_in_and_sync_from_the_shell(
    live_server: LiveServer,
    tmp_path: Path,
    migrated_store: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("MUSEAUD_KEYRING", "file")
    monkeypatch.setenv("MUSEAUD_PASSWORD", PASSWORD)
    url = live_server.url
    first = _machine(monkeypatch, tmp_path, "first", migrated_store)
    assert main(["account", "signup", "--server", url, "--email", "duo@example.org"]) == 0
    token_file = first / "config" / "account-token"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    store = open_store(default_paths().store_file, tmp_path / "b1")
    with store.session() as session:
        from sqlalchemy import select

        from museaud.store.models.accounts import User

        local = session.scalars(select(User.id).where(User.is_local)).one()
    with store.session(local) as session:
        track_id = add_track(session, "Llorarás").id
    store.close()
    assert main(["sync"]) == 0
    assert "synced:" in capsys.readouterr().err

    second = _machine(monkeypatch, tmp_path, "second", migrated_store)
    assert main(["account", "login", "--server", url, "--email", "DUO@example.org"]) == 0
    assert main(["sync"]) == 0
    store = open_store(default_paths().store_file, tmp_path / "b2")
    with store.session() as session:
        assert session.get(Track, track_id) is not None
    store.close()
    capsys.readouterr()
    assert main(["account", "devices", "--json"]) == 0
    assert '"current": true' in capsys.readouterr().out
    assert main(["account", "status"]) == 0
    assert main(["account", "logout"]) == 0
    assert not (second / "config" / "account-token").exists()
    assert main(["sync"]) != 0
    assert "not signed in" in capsys.readouterr().err

    _machine(monkeypatch, tmp_path, "first", migrated_store)
    assert main(["account", "status"]) == 0  # the first machine's sign-in is untouched


def test_museaud_server_init_and_serve(postgres_engine: Engine, tmp_path: Path) -> None:
    url = postgres_engine.url
    owner = f"postgresql://{url.username}@{url.host}:{url.port}/{url.database}"
    service = f"postgresql://museaud_service@{url.host}:{url.port}/{url.database}"
    env = {**os.environ, "MUSEAUD_HOME": str(tmp_path / "home")}
    command = [sys.executable, "-m", "museaud", "server"]
    done = subprocess.run(
        [*command, "--init", "--db", owner],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    refused = subprocess.run(
        [*command, "--db", owner, "--port", "1"],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode != 0 and "service role" in refused.stderr
    port = _free_port()
    serving = subprocess.Popen(
        [*command, "--db", service, "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except httpx.TransportError:
                assert serving.poll() is None, serving.stdout.read() if serving.stdout else ""
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        assert answer.json() == {"ok": True}
    finally:
        serving.terminate()
        serving.wait(timeout=30)
