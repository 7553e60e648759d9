"""The sign-in on this machine: token in the OS keyring, or a 0600 file where there is none."""

from __future__ import annotations

import stat

import keyring
import pytest
from keyring.backend import KeyringBackend

from museaud.accounts import credentials
from museaud.paths import Paths

SIGN_IN = credentials.SignIn(
    server_url="http://127.0.0.1:8470",
    account_id="a" * 32,
    email="ana@example.org",
    session_id="b" * 32,
    token="secret-token",
    username="ana-aaaaaa",
)


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.saved: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.saved.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.saved[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.saved.pop((service, username), None)


def test_without_a_keyring_the_token_is_a_file_only_the_user_reads(
    paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MUSEAUD_KEYRING", "file")
    where = credentials.save(paths, SIGN_IN)
    token_file = paths.config_dir / credentials.TOKEN_FILE
    assert where == str(token_file)
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    details = (paths.config_dir / credentials.ACCOUNT_FILE).read_text()
    assert "secret-token" not in details
    assert credentials.load(paths) == SIGN_IN
    credentials.clear(paths)
    assert credentials.load(paths) is None and not token_file.exists()


def test_with_a_keyring_the_token_goes_there(paths: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MUSEAUD_KEYRING", raising=False)
    backend = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        assert credentials.save(paths, SIGN_IN) == "keyring"
        assert not (paths.config_dir / credentials.TOKEN_FILE).exists()
        assert backend.saved == {(credentials.KEYRING_SERVICE, SIGN_IN.session_id): "secret-token"}
        assert credentials.load(paths) == SIGN_IN
        credentials.clear(paths)
        assert backend.saved == {} and credentials.load(paths) is None
    finally:
        keyring.set_keyring(previous)
