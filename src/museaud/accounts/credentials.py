"""Where this machine keeps its sign-in to a sync server.

The server address, account and session ids go to `<config dir>/account.json`; the bearer token
goes to the OS keyring (the `keyring` package: macOS Keychain, Windows Credential Locker, the
Secret Service on Linux desktops). Where no keyring works (a headless Linux), the token goes to
`<config dir>/account-token`, readable by this user only (0600). MUSEAUD_KEYRING=file forces the
file (tests, portable installs).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from museaud.paths import Paths

log = logging.getLogger(__name__)

KEYRING_SERVICE = "museaud-sync"
ACCOUNT_FILE = "account.json"
TOKEN_FILE = "account-token"


@dataclass(frozen=True)
class SignIn:
    """This machine's sign-in: where, as whom, and the bearer token."""

    server_url: str
    account_id: str
    email: str
    session_id: str
    token: str
    username: str = ""


def _keyring_usable() -> bool:
    if os.environ.get("MUSEAUD_KEYRING", "").lower() == "file":
        return False
    try:
        import keyring  # noqa: PLC0415
        from keyring.backends import fail  # noqa: PLC0415
    except ImportError:
        return False
    backend = keyring.get_keyring()
    return not isinstance(backend, fail.Keyring) and float(getattr(backend, "priority", 1)) > 0


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)


def save(paths: Paths, sign_in: SignIn) -> str:
    """Keep the sign-in; returns where the token went ("keyring" or the file's path)."""
    details = {k: v for k, v in asdict(sign_in).items() if k != "token"}
    _write_private(paths.config_dir / ACCOUNT_FILE, json.dumps(details, indent=2))
    if _keyring_usable():
        import keyring  # noqa: PLC0415

        try:
            keyring.set_password(KEYRING_SERVICE, sign_in.session_id, sign_in.token)
        except Exception as error:
            log.warning("the OS keyring refused the token (%s): keeping it in a file", error)
        else:
            (paths.config_dir / TOKEN_FILE).unlink(missing_ok=True)
            return "keyring"
    token_file = paths.config_dir / TOKEN_FILE
    _write_private(token_file, sign_in.token)
    return str(token_file)


def load(paths: Paths) -> SignIn | None:
    """This machine's sign-in, or None when signed out."""
    try:
        details = json.loads((paths.config_dir / ACCOUNT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    token: str | None = None
    token_file = paths.config_dir / TOKEN_FILE
    if token_file.exists():
        token = token_file.read_text(encoding="utf-8").strip()
    elif _keyring_usable():
        import keyring  # noqa: PLC0415

        token = keyring.get_password(KEYRING_SERVICE, str(details.get("session_id")))
    if not token:
        return None
    return SignIn(
        server_url=str(details["server_url"]),
        account_id=str(details["account_id"]),
        email=str(details.get("email", "")),
        session_id=str(details["session_id"]),
        token=token,
        username=str(details.get("username", "")),
    )


def clear(paths: Paths) -> None:
    """Forget the sign-in (token file, keyring entry and details)."""
    account_file = paths.config_dir / ACCOUNT_FILE
    try:
        session_id = json.loads(account_file.read_text(encoding="utf-8")).get("session_id")
    except (OSError, ValueError):
        session_id = None
    if session_id and _keyring_usable():
        import keyring  # noqa: PLC0415
        from keyring.errors import PasswordDeleteError  # noqa: PLC0415

        with contextlib.suppress(PasswordDeleteError):
            keyring.delete_password(KEYRING_SERVICE, str(session_id))
    (paths.config_dir / TOKEN_FILE).unlink(missing_ok=True)
    account_file.unlink(missing_ok=True)
