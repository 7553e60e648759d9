"""`museaud account`: sign up, sign in and out of a sync server, show the account and devices."""

from __future__ import annotations

import argparse
import getpass
import os
import platform
import sys
from typing import Any

from museaud.cli.common import EXIT_FAILED, EXIT_USAGE, CommandError, print_json, warn
from museaud.paths import default_paths

PASSWORD_ENV = "MUSEAUD_PASSWORD"


def _password(confirm: bool) -> str:
    """The password: MUSEAUD_PASSWORD (scripts), one line of stdin when it is not a terminal,
    else asked twice (sign-up) or once without echo."""
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if confirm and getpass.getpass("Password again: ") != first:
        raise CommandError("the passwords differ; nothing was done", EXIT_USAGE)
    return first


def _sign_in(args: argparse.Namespace, *, new: bool) -> int:
    from museaud.accounts import credentials  # noqa: PLC0415
    from museaud.sync.transport_http import AccountApi, ApiError, TransportError  # noqa: PLC0415

    paths = default_paths().ensure()
    device = args.device or platform.node() or "museaud"
    password = _password(confirm=new)
    try:
        with AccountApi(args.server) as api:
            call = api.signup if new else api.login
            answer = call(args.email, password, device)
    except ApiError as error:
        raise CommandError(f"{args.server}: {error.message}") from None
    except TransportError as error:
        raise CommandError(str(error)) from None
    where = credentials.save(
        paths,
        credentials.SignIn(
            server_url=args.server.rstrip("/"),
            account_id=answer["account_id"],
            email=answer.get("email", args.email),
            session_id=answer["session_id"],
            token=answer["token"],
            username=answer.get("username", ""),
        ),
    )
    verb = "signed up and signed in" if new else "signed in"
    warn(f"{verb} as {answer.get('email', args.email)} on {args.server} (token kept in {where})")
    warn("run `museaud sync` to sync this machine's library with the account")
    return 0


def cmd_signup(args: argparse.Namespace) -> int:
    """Make an account on a sync server and sign this machine in."""
    return _sign_in(args, new=True)


def cmd_login(args: argparse.Namespace) -> int:
    """Sign this machine in."""
    return _sign_in(args, new=False)


def _signed_in() -> Any:
    from museaud.accounts import credentials  # noqa: PLC0415

    found = credentials.load(default_paths())
    if found is None:
        raise CommandError("not signed in: run `museaud account login --server URL --email ...`")
    return found


def cmd_logout(_args: argparse.Namespace) -> int:
    """Revoke this machine's token on the server and forget it here."""
    from museaud.accounts import credentials  # noqa: PLC0415
    from museaud.sync.transport_http import AccountApi, ApiError, TransportError  # noqa: PLC0415

    sign_in = _signed_in()
    status = 0
    try:
        with AccountApi(sign_in.server_url, sign_in.token) as api:
            api.logout()
    except ApiError as error:
        if error.status != 401:  # an already revoked token is signed out anyway
            warn(f"the server refused to sign out: {error.message}; forgetting it here anyway")
            status = EXIT_FAILED
    except TransportError as error:
        warn(f"{error}; forgetting the sign-in here anyway (revoke it from another device)")
        status = EXIT_FAILED
    credentials.clear(default_paths())
    warn(f"signed out of {sign_in.server_url}")
    return status


def cmd_status(args: argparse.Namespace) -> int:
    """The sign-in, and what the server says about it."""
    from museaud.sync.transport_http import AccountApi, ApiError, TransportError  # noqa: PLC0415

    sign_in = _signed_in()
    found: dict[str, Any] = {
        "server": sign_in.server_url,
        "email": sign_in.email,
        "account_id": sign_in.account_id,
        "session_id": sign_in.session_id,
    }
    try:
        with AccountApi(sign_in.server_url, sign_in.token) as api:
            found["server_says"] = api.account()
            found["signed_in"] = True
    except ApiError as error:
        found["signed_in"] = False
        found["problem"] = error.message
    except TransportError as error:
        found["signed_in"] = None
        found["problem"] = str(error)
    if args.json:
        print_json(found)
    else:
        state = {True: "signed in", False: "REFUSED", None: "server unreachable"}
        print(f"{found['email']} on {found['server']}: {state[found['signed_in']]}")
        if "problem" in found:
            print(f"  {found['problem']}")
    return 0 if found["signed_in"] else EXIT_FAILED


def cmd_devices(args: argparse.Namespace) -> int:
    """The account's signed-in devices; --revoke ID signs one out."""
    from museaud.sync.transport_http import AccountApi, ApiError, TransportError  # noqa: PLC0415

    sign_in = _signed_in()
    try:
        with AccountApi(sign_in.server_url, sign_in.token) as api:
            if args.revoke:
                matches = [s for s in api.sessions() if s["session_id"].endswith(args.revoke)]
                if len(matches) != 1:
                    raise CommandError(f"no single device's session ends with {args.revoke}")
                api.revoke(matches[0]["session_id"])
                warn(f"signed out {matches[0]['device_name']}")
                return 0
            devices = api.sessions()
    except ApiError as error:
        raise CommandError(error.message) from None
    except TransportError as error:
        raise CommandError(str(error)) from None
    if args.json:
        print_json(devices)
        return 0
    for device in devices:
        mark = "*" if device["current"] else " "
        seen = (device["last_activity_at"] or "never")[:16].replace("T", " ")
        print(f"{mark} {device['session_id'][-8:]}  {device['device_name'] or '?':<30} {seen}")
    return 0


def add_commands(commands: Any) -> None:
    """Register `museaud account`."""
    parser = commands.add_parser("account", help="sign in to a sync server, devices")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, handler, text in (
        ("signup", cmd_signup, "make an account and sign this machine in"),
        ("login", cmd_login, "sign this machine in"),
    ):
        action = actions.add_parser(
            name, help=text, description=f"{text}; the password is asked (or {PASSWORD_ENV})"
        )
        action.add_argument("--server", required=True, help="e.g. http://192.168.1.5:8470")
        action.add_argument("--email", required=True)
        action.add_argument("--device", help="this machine's name (default: its host name)")
        action.set_defaults(handler=handler)
    actions.add_parser("logout", help="sign this machine out").set_defaults(handler=cmd_logout)
    status = actions.add_parser("status", help="the sign-in and whether the server accepts it")
    status.add_argument("--json", action="store_true")
    status.set_defaults(handler=cmd_status)
    devices = actions.add_parser("devices", help="signed-in devices; --revoke signs one out")
    devices.add_argument("--revoke", metavar="ID", help="the session id (its last digits)")
    devices.add_argument("--json", action="store_true")
    devices.set_defaults(handler=cmd_devices)
