"""`museaud stats`: what you listened to, generated and used, from the local analytics file."""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from museaud.cli.common import EXIT_USAGE, CommandError, print_json, warn

if TYPE_CHECKING:
    from museaud.analytics import EventStore
    from museaud.analytics.reports import Span
    from museaud.app import App

REPORTS = ("listening", "generation", "usage", "engine", "library")
Section = list[dict[str, Any]]
NOTHING_YET = (
    "nothing recorded from {first} to {last}: play tracks, generate patterns or import music "
    "and museaud fills these in (everything stays on this computer)"
)


def _listening(app: App, events: EventStore, span: Span) -> dict[str, Section]:
    from museaud.analytics import reports  # noqa: PLC0415
    from museaud.library.tracks import track_row  # noqa: PLC0415

    days = [asdict(day) for day in reports.listening_by_day(events, span) if day.plays]
    tracks = [asdict(row) for row in reports.top_listened(events, span, "track_id")]
    with app.session(read_only=True) as session:
        for row in tracks:
            found = track_row(session, _uuid(row["name"]))
            if found is not None:
                title = found["title"] or Path(found["path"]).name
                row["name"] = f"{found['artist']} – {title}" if found["artist"] else title
    return {
        "days": days,
        "top_tracks": tracks,
        "top_artists": [asdict(r) for r in reports.top_listened(events, span, "artist")],
        "top_genres": [asdict(r) for r in reports.top_listened(events, span, "genre")],
    }


def _generation(app: App, events: EventStore, span: Span) -> dict[str, Section]:
    from museaud.analytics import reports  # noqa: PLC0415

    rates = []
    for rate in reports.generation_rates(events, span):
        row = asdict(rate)
        row["kept_ratio"] = None if rate.kept_ratio is None else round(rate.kept_ratio, 3)
        rates.append(row)
    return {
        "kept_by_week": rates,
        "latency": [asdict(row) for row in reports.generation_latency(events, span)],
    }


def _usage(app: App, events: EventStore, span: Span) -> dict[str, Section]:
    from museaud.analytics import reports  # noqa: PLC0415

    found = reports.usage(events, span)
    names = {
        "instruments": "instrument_usage",
        "flavors": "flavor_usage",
        "tempos": "tempo_distribution",
        "keys": "key_usage",
        "views": "view_shown",
        "commands": "command_count",
    }
    return {
        section: [{"name": name, "count": count} for name, count in found.of(metric)]
        for section, metric in names.items()
    }


def _engine(app: App, events: EventStore, span: Span) -> dict[str, Section]:
    from museaud.analytics import reports  # noqa: PLC0415

    return {"sessions": [asdict(row) for row in reports.engine_sessions(events, span)]}


def _library(app: App, events: EventStore, span: Span) -> dict[str, Section]:
    from museaud.analytics import reports  # noqa: PLC0415

    with app.session(read_only=True) as session:
        profile = reports.library_profile(session)
    total = 0
    growth = []
    for month, added in profile.tracks_by_month:
        total += added
        growth.append({"month": month, "added": added, "tracks": total})
    return {
        "growth": growth,
        "imports": [asdict(row) for row in reports.import_runs(events, span)],
        "analysis_confidence": [
            {"confidence": bucket, "tracks": count}
            for bucket, count in reports.analysis_confidence(events, span)
        ],
        "overrides": [{"analysed": profile.analysed, "overridden": profile.overridden}],
    }


BUILDERS: dict[str, Callable[[App, EventStore, Span], dict[str, Section]]] = {
    "listening": _listening,
    "generation": _generation,
    "usage": _usage,
    "engine": _engine,
    "library": _library,
}


def _uuid(text: str) -> Any:
    import uuid  # noqa: PLC0415

    return uuid.UUID(text)


def _span(args: argparse.Namespace) -> Span:
    from museaud.analytics.reports import Span  # noqa: PLC0415

    today = datetime.now(UTC).date()
    last = args.to or today
    first = args.since or last - timedelta(days=29)
    if last < first:
        raise CommandError(f"--from {first} is after --to {last}: nothing to report", EXIT_USAGE)
    return Span(first, last)


def _print_text(title: str, sections: dict[str, Section]) -> None:
    print(f"== {title}")
    for name, rows in sections.items():
        print(f"-- {name.replace('_', ' ')}")
        if not rows:
            print("   (none)")
            continue
        columns = list(rows[0])
        cells = [[_cell(row[column]) for column in columns] for row in rows]
        widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
        print("   " + "  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
        for row in cells:
            print("   " + "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)))


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    return "-" if value is None else str(value)


def _print_csv(sections: dict[str, Section]) -> None:
    writer = csv.writer(sys.stdout)
    for name, rows in sections.items():
        if not rows:
            continue
        writer.writerow([f"# {name}"])
        writer.writerow(list(rows[0]))
        writer.writerows([list(row.values()) for row in rows])


def _open_events(app: App) -> EventStore:
    from museaud.analytics import EventStoreError  # noqa: PLC0415

    try:
        return app.events
    except EventStoreError as error:
        raise CommandError(str(error)) from error


def cmd_stats(args: argparse.Namespace) -> int:
    """Print reports, export the analytics file, or forget it."""
    from museaud.analytics import reports  # noqa: PLC0415
    from museaud.app import App  # noqa: PLC0415

    if args.report == "forget":
        return _forget(args)
    if args.report == "export" and args.parquet is None:
        raise CommandError("stats export needs --parquet DIR", EXIT_USAGE)
    if args.csv and args.report is None:
        raise CommandError("--csv prints one report: name it (e.g. stats usage --csv)", EXIT_USAGE)
    with App.open(reading_only=True) as app:
        events = _open_events(app)
        if args.report == "export":
            for path in events.export_parquet(args.parquet):
                print(path)
            return 0
        span = _span(args)
        chosen = [args.report] if args.report else list(REPORTS)
        found = {name: BUILDERS[name](app, events, span) for name in chosen}
        empty = not reports.has_events(events)
    if args.json:
        print_json({"from": span.first, "to": span.last, **found})
    elif args.csv:
        _print_csv(found[chosen[0]])
    else:
        for name, sections in found.items():
            _print_text(f"{name}, {span.first} to {span.last}", sections)
    if empty or all(not rows for sections in found.values() for rows in sections.values()):
        warn(NOTHING_YET.format(first=span.first, last=span.last))
    return 0


def _forget(args: argparse.Namespace) -> int:
    from museaud.analytics import EventStoreError  # noqa: PLC0415
    from museaud.analytics.store import forget_events_file  # noqa: PLC0415
    from museaud.app import App  # noqa: PLC0415

    with App.open() as app:
        if app.recorder is not None:
            app.recorder.enabled = False  # this command leaves no trace either
        if not args.yes:
            raise CommandError(
                f"this deletes everything museaud recorded ({app.paths.analytics_file} and its "
                "backups); run `museaud stats forget --yes` to go ahead",
                EXIT_USAGE,
            )
        try:
            deleted = forget_events_file(
                app.paths.analytics_file, app.paths.backup_dir / "analytics"
            )
        except EventStoreError as error:
            raise CommandError(str(error)) from error
    warn(f"forgot everything recorded: {len(deleted)} file(s) deleted")
    return 0


def add_commands(commands: Any) -> None:
    """Register `museaud stats`."""
    stats = commands.add_parser(
        "stats",
        help="your listening, generation, usage, engine and library statistics (local only)",
    )
    stats.add_argument(
        "report",
        nargs="?",
        choices=[*REPORTS, "export", "forget"],
        help="one report (default: all), `export --parquet DIR`, or `forget --yes`",
    )
    stats.add_argument("--from", dest="since", type=date.fromisoformat, metavar="YYYY-MM-DD")
    stats.add_argument("--to", type=date.fromisoformat, metavar="YYYY-MM-DD")
    output = stats.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print JSON")
    output.add_argument("--csv", action="store_true", help="print CSV (one report)")
    stats.add_argument("--parquet", type=Path, metavar="DIR", help="export: write Parquet here")
    stats.add_argument("--yes", action="store_true", help="forget: really delete")
    stats.set_defaults(handler=cmd_stats)
