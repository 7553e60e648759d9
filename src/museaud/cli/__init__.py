"""The `museaud` command: the desktop app by default, and every feature from the shell."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from dataclasses import asdict, fields
from typing import Any

from museaud import __version__, logs
from museaud.analytics.recorder import serving
from museaud.cli import account as account_cli
from museaud.cli import backup, edit, library, patterns, playlists, similar, songs, sound, stats
from museaud.cli import sync as sync_cli
from museaud.cli.common import EXIT_FAILED, EXIT_USAGE, CommandError, print_json, warn
from museaud.paths import default_paths
from museaud.server import cli as server_cli


def cmd_doctor(args: argparse.Namespace) -> int:
    """Print what works on this machine."""
    from museaud.doctor import report  # noqa: PLC0415 - keep start-up of other commands light

    found = report(default_paths(), full=args.full)
    checks = found["checks"]
    assert isinstance(checks, list)
    if args.json:
        print_json(found)
    else:
        print(f"museaud {found['museaud']} on Python {found['python']} ({found['platform']})")
        width = max(len(check["name"]) for check in checks)
        for check in checks:
            mark = "ok  " if check["ok"] else "FAIL"
            print(f"  {mark} {check['name']:<{width}}  {check['detail']}")
    return 0 if all(check["ok"] for check in checks) else EXIT_FAILED


def _parse_value(name: str, text: str, current: Any) -> Any:
    """Turn a command-line string into the type of the preference it sets."""
    if name == "log_level":
        return text.upper()
    if name == "default_key_note" and not text.lstrip("-").isdigit():
        from museaud.music.pitch import pitch_class  # noqa: PLC0415

        return pitch_class(text)
    if isinstance(current, bool):
        if text.lower() in ("1", "true", "yes", "on"):
            return True
        if text.lower() in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"{name} takes true or false, not {text!r}")
    if isinstance(current, int):
        if not text.strip().lstrip("+-").isdigit():
            raise ValueError(f"takes a whole number, not {text!r}")
        return int(text)
    if isinstance(current, float):
        try:
            return float(text)
        except ValueError:
            raise ValueError(f"takes a number, not {text!r}") from None
    return None if text.lower() in ("", "none") else text


def cmd_prefs(args: argparse.Namespace) -> int:
    """Show or change preferences."""
    from museaud.accounts.preferences import (  # noqa: PLC0415
        PreferenceError,
        Preferences,
        load_preferences,
        update_preferences,
    )
    from museaud.app import App  # noqa: PLC0415

    with App.open() as app, app.session() as session:
        prefs = load_preferences(session, app.local_user_id)
        if args.set:
            changes: dict[str, Any] = {}
            known = {field.name for field in fields(Preferences)}
            for assignment in args.set:
                name, sep, text = assignment.partition("=")
                if not sep or name not in known:
                    print(
                        f"museaud prefs: {assignment!r} is not NAME=VALUE with a known name "
                        f"({', '.join(sorted(known))})",
                        file=sys.stderr,
                    )
                    return EXIT_USAGE
                try:
                    changes[name] = _parse_value(name, text, getattr(prefs, name))
                except ValueError as error:
                    print(f"museaud prefs: {name}: {error}", file=sys.stderr)
                    return EXIT_USAGE
            try:
                prefs = update_preferences(session, app.local_user_id, **changes)
            except PreferenceError as error:
                print(f"museaud prefs: {error}; nothing was changed", file=sys.stderr)
                return EXIT_USAGE
    if args.json:
        print_json(asdict(prefs))
    else:
        for name, value in asdict(prefs).items():
            print(f"{name} = {value}")
    return 0


def _no_display_reason() -> str | None:
    """Why no window can open here (a Linux session without X11 or Wayland), or None."""
    import os  # noqa: PLC0415

    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return (
        "no display: this session has neither X11 (DISPLAY) nor Wayland (WAYLAND_DISPLAY), so the "
        "window cannot open. Run museaud from a desktop session, or use the commands "
        "(`museaud --help`, `museaud doctor`)"
    )


def cmd_gui(args: argparse.Namespace) -> int:
    """Open the desktop window."""
    reason = _no_display_reason()
    if reason is not None:
        raise CommandError(reason)
    from museaud.ui.gui import run_gui  # noqa: PLC0415
    from museaud.ui.restore_prompt import open_or_offer_restore  # noqa: PLC0415

    app = open_or_offer_restore([sys.argv[0], *args.qt_args])
    if app is None:
        return EXIT_FAILED
    with app:
        app.backup_if_due()
        return run_gui(app, [sys.argv[0], *args.qt_args])


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = argparse.ArgumentParser(
        prog="museaud",
        description="A local-first music workstation: library, playlists, beat machine, songs.",
    )
    parser.add_argument("--version", action="version", version=f"museaud {__version__}")
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="log everything (DEBUG) and show it on stderr; the log file is named by `doctor`",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    gui = commands.add_parser("gui", help="open the desktop window (the default)")
    gui.add_argument("qt_args", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    gui.set_defaults(handler=cmd_gui)

    doctor = commands.add_parser("doctor", help="show what works on this machine")
    doctor.add_argument("--json", action="store_true", help="print the findings as JSON")
    doctor.add_argument(
        "--full", action="store_true", help="check every index of the store too (slower)"
    )
    doctor.set_defaults(handler=cmd_doctor)

    prefs = commands.add_parser("prefs", help="show or change preferences")
    prefs.add_argument("--set", nargs="+", metavar="NAME=VALUE", help="e.g. default_bpm=128")
    prefs.add_argument("--json", action="store_true", help="print the preferences as JSON")
    prefs.set_defaults(handler=cmd_prefs)

    library.add_commands(commands)
    edit.add_commands(commands)
    similar.add_commands(commands)
    patterns.add_commands(commands)
    sound.add_commands(commands)
    playlists.add_commands(commands)
    stats.add_commands(commands)
    backup.add_commands(commands)
    songs.add_commands(commands)
    account_cli.add_commands(commands)
    sync_cli.add_commands(commands)
    server_cli.add_commands(commands)
    return parser


def _command_name(args: argparse.Namespace) -> str:
    """The command as typed, without its arguments: 'pattern generate', 'stats', 'gui'."""
    actions = [
        value
        for name, value in vars(args).items()
        if isinstance(value, str) and (name.endswith("_command") or name == "action")
    ]
    return " ".join([args.command, *actions[:1]])


def main(argv: Sequence[str] | None = None) -> int:
    """Run the museaud command; returns the exit status."""
    from museaud.store.migrate import StoreError  # noqa: PLC0415

    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["--verbose", "gui"] if args.verbose else ["gui"])
    from museaud.accounts.preferences import stored_log_level  # noqa: PLC0415

    paths = default_paths()
    logs.configure(paths, stored_log_level(paths.store_file), verbose=args.verbose)
    log = logging.getLogger("museaud.cli")
    log.info("museaud %s: %s", __version__, args.command)
    serving(_command_name(args), "gui" if args.command == "gui" else "cli")
    try:
        return int(args.handler(args))
    except CommandError as error:
        warn(f"museaud {args.command}: {error}")
        return error.status
    except StoreError as error:
        warn(f"museaud: {error}")
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("museaud: interrupted", file=sys.stderr)
        return 130
    except Exception:
        log.critical("museaud %s failed", args.command, exc_info=True)
        raise


def gui_main() -> int:
    """Entry point of the windowed launcher."""
    return main(["gui"])


if __name__ == "__main__":
    sys.exit(main())
