"""`museaud server`: set up the database (--init) or serve the sync API."""

from __future__ import annotations

import argparse
import os
from typing import Any

from museaud.cli.common import EXIT_USAGE, CommandError

DEFAULT_PORT = 8470


def check_service_role(url: str) -> None:
    """Refuse to serve as a role that row-level security would not hold."""
    import psycopg  # noqa: PLC0415

    from museaud.server.app import conninfo  # noqa: PLC0415

    with psycopg.connect(conninfo(url)) as conn:
        row = conn.execute(
            "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
        owned = conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' "
            "AND tableowner = current_user"
        ).fetchone()
        ready = conn.execute("SELECT to_regclass('sync_server_rows') IS NOT NULL").fetchone()
    if row is None or row[0] or row[1] or (owned is not None and owned[0]):
        raise CommandError(
            "the server must connect as its service role (no superuser, no BYPASSRLS, owning "
            "no table), so that row-level security holds: `museaud server --init` makes it",
            EXIT_USAGE,
        )
    if ready is None or not ready[0]:
        raise CommandError("the database is not set up: run `museaud server --init` first")


def cmd_server(args: argparse.Namespace) -> int:
    url = args.db or os.environ.get("MUSEAUD_SERVER_DB")
    if not url:
        raise CommandError("--db postgresql://... is needed (or MUSEAUD_SERVER_DB)", EXIT_USAGE)
    if args.init:
        from sqlalchemy import create_engine  # noqa: PLC0415

        from museaud.server.schema import init_database  # noqa: PLC0415

        if not url.startswith("postgresql+psycopg://"):
            url = "postgresql+psycopg://" + url.split("://", 1)[-1]
        engine = create_engine(url)
        try:
            with engine.begin() as connection:
                init_database(
                    connection,
                    service_role=args.service_role,
                    password=os.environ.get("MUSEAUD_SERVICE_PASSWORD"),
                )
        finally:
            engine.dispose()
        print(f"database ready; serve as role {args.service_role}")
        return 0
    import uvicorn  # noqa: PLC0415

    from museaud.server.app import Server, build_app  # noqa: PLC0415

    if not args.unsafe_any_role:
        check_service_role(url)
    app = build_app(Server(url, pool_size=args.pool_size))
    options: dict[str, Any] = {"host": args.host, "port": args.port, "log_level": "info"}
    uvicorn.run(app, **options)
    return 0


def add_commands(commands: Any) -> None:
    server = commands.add_parser(
        "server",
        help="run the sync server (HTTP + PostgreSQL), or set its database up with --init",
    )
    server.add_argument("--db", help="postgresql://user@host:port/database (or MUSEAUD_SERVER_DB)")
    server.add_argument("--host", default="127.0.0.1", help="address to listen on")
    server.add_argument("--port", type=int, default=DEFAULT_PORT, help="port to listen on")
    server.add_argument("--pool-size", type=int, default=10, help="database connections at most")
    server.add_argument(
        "--init",
        action="store_true",
        help="as the database owner: migrate, add the server tables, row-level security and "
        "the service role (password from MUSEAUD_SERVICE_PASSWORD), then exit",
    )
    server.add_argument("--service-role", default="museaud_service", help="the role to serve as")
    server.add_argument("--unsafe-any-role", action="store_true", help=argparse.SUPPRESS)
    server.set_defaults(handler=cmd_server)
