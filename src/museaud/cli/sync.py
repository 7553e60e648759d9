"""`museaud sync`: sync this machine's library with the signed-in account (once, or --watch)."""

from __future__ import annotations

import argparse
import time
import uuid
from typing import Any

from museaud.cli.common import EXIT_FAILED, CommandError, warn
from museaud.paths import default_paths


def cmd_sync(args: argparse.Namespace) -> int:
    """Push local changes and pull the account's; Ctrl-C is safe at any point (every step
    commits in one transaction and the next sync resumes from there)."""
    from sqlalchemy import select  # noqa: PLC0415

    from museaud.accounts import credentials  # noqa: PLC0415
    from museaud.app import App  # noqa: PLC0415
    from museaud.store.models.accounts import User  # noqa: PLC0415
    from museaud.sync.capture import enable, ensure_installed  # noqa: PLC0415
    from museaud.sync.changes import sync_state  # noqa: PLC0415
    from museaud.sync.client import SyncClient, SyncRefusedError  # noqa: PLC0415
    from museaud.sync.transport_http import HttpTransport, TransportError  # noqa: PLC0415

    sign_in = credentials.load(default_paths())
    if sign_in is None:
        raise CommandError("not signed in: run `museaud account login --server URL --email ...`")
    account = uuid.UUID(hex=sign_in.account_id)
    with App.open() as app:
        with app.store.session(account) as session:
            if session.get(User, account) is None:
                name = sign_in.username or f"account-{account.hex[-6:]}"
                session.add(User(id=account, username=name, email=sign_in.email or None))
                session.flush()
            local = session.scalars(select(User.id).where(User.is_local)).first()
            if enable(session, account, local_user_id=local):
                warn(f"sync enabled for {sign_in.email}: this library now belongs to the account")
            elif sync_state(session).account_id != account.hex:
                raise CommandError(
                    "this library syncs with another account; sign in to that one instead"
                )
            ensure_installed(session)

        def sessions() -> Any:
            return app.store.session(account)

        with HttpTransport(sign_in.server_url, sign_in.token) as transport:
            client = SyncClient(sessions, transport)
            while True:
                try:
                    report = client.sync()
                except SyncRefusedError as error:
                    raise CommandError(f"the server refused: {error}") from None
                except TransportError as error:
                    if not args.watch:
                        raise CommandError(str(error)) from None
                    warn(f"{error}; trying again in {args.interval:g} s")
                else:
                    warn(
                        f"synced: {report.batches} batch(es) sent, {report.pages} page(s) "
                        f"pulled, {report.written} row(s) written, {report.deleted} deleted"
                    )
                    for warning in report.warnings:
                        warn(f"  {warning}")
                if not args.watch:
                    return 0
                time.sleep(args.interval)
    return EXIT_FAILED


def add_commands(commands: Any) -> None:
    """Register `museaud sync`."""
    parser = commands.add_parser(
        "sync", help="sync this library with the signed-in account (`museaud account login`)"
    )
    parser.add_argument("--watch", action="store_true", help="keep syncing until Ctrl-C")
    parser.add_argument(
        "--interval", type=float, default=30.0, help="seconds between syncs with --watch"
    )
    parser.set_defaults(handler=cmd_sync)
