"""`museaud backup [list|now|restore NAME|verify]`: the store's backups from the shell."""

from __future__ import annotations

import argparse
from typing import Any

from museaud.cli.common import EXIT_FAILED, EXIT_USAGE, CommandError, print_json
from museaud.paths import default_paths
from museaud.store import backup


def cmd_list(args: argparse.Namespace) -> int:
    """Print the backups, newest first."""
    paths = default_paths()
    found = backup.list_backups(paths.backup_dir)
    if args.json:
        print_json(
            [
                {"name": b.name, "kind": b.kind, "made_at": b.made_at, "size_bytes": b.size_bytes}
                for b in found
            ]
        )
        return 0
    if not found:
        print(f"no backups yet in {paths.backup_dir}: museaud backup now")
    for item in found:
        made = item.made_at.strftime("%Y-%m-%d %H:%M:%S UTC")
        print(f"{item.name}  {item.kind:<16} {made}  {item.size_bytes / 1e6:8.1f} MB")
    return 0


def cmd_now(args: argparse.Namespace) -> int:
    """Back up the store (and the analytics file) now."""
    from museaud.app import App  # noqa: PLC0415

    with App.open() as app:
        try:
            made = app.backup_now("manual")
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
    print(made.path)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Put a backup in place of the store, keeping the store it replaces beside it."""
    paths = default_paths()
    try:
        if args.name == "newest":
            chosen = backup.newest_good(paths.backup_dir)
            if chosen is None:
                raise CommandError(f"no good backup in {paths.backup_dir}")
        else:
            chosen = backup.find_backup(paths.backup_dir, args.name)
        aside = backup.restore(paths.store_file, chosen)
    except backup.BackupError as error:
        raise CommandError(str(error), EXIT_USAGE) from error
    print(f"restored {chosen.name} (made {chosen.made_at:%Y-%m-%d %H:%M UTC})")
    if aside is not None:
        print(f"the store it replaced is kept as {aside}")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    """Check every backup (or the one named) with a full integrity check."""
    paths = default_paths()
    try:
        chosen = (
            [backup.find_backup(paths.backup_dir, args.name)]
            if args.name
            else backup.list_backups(paths.backup_dir)
        )
    except backup.BackupError as error:
        raise CommandError(str(error), EXIT_USAGE) from error
    damaged = 0
    for item in chosen:
        problems = backup.integrity_problems(item.path, full=True)
        damaged += bool(problems)
        print(f"{'ok     ' if not problems else 'DAMAGED'} {item.name}", *problems[:1])
    return EXIT_FAILED if damaged else 0


def add_commands(commands: Any) -> None:
    """Register `museaud backup`."""
    parser = commands.add_parser(
        "backup",
        help="list, make, check and restore backups of the library",
        description="Backups are made daily and before every upgrade, checked after writing; "
        "the newest `backups_kept` (a preference) are kept.",
    )
    parser.set_defaults(handler=cmd_list, json=False)
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    listing = actions.add_parser("list", help="the backups, newest first (the default)")
    listing.add_argument("--json", action="store_true", help="print them as JSON")
    listing.set_defaults(handler=cmd_list)
    actions.add_parser("now", help="back up now").set_defaults(handler=cmd_now)
    restoring = actions.add_parser(
        "restore", help="put a backup in place of the library (the old file is kept beside it)"
    )
    restoring.add_argument(
        "name", nargs="?", default="newest", metavar="NAME", help="default: the newest good one"
    )
    restoring.set_defaults(handler=cmd_restore)
    verify = actions.add_parser("verify", help="check backups (all, or the one named)")
    verify.add_argument("name", nargs="?", metavar="NAME")
    verify.set_defaults(handler=cmd_verify)
