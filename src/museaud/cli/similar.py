"""`museaud similar`: the tracks that sound like one, optionally in a mixable key and tempo."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from museaud.cli.common import EXIT_USAGE, CommandError, print_json, resolve_id, warn
from museaud.music.keys import written_key


def _describe(row: dict[str, Any]) -> str:
    """A track in one line: tempo, key, artist – title."""
    title = row["title"] or Path(row["path"]).name
    who = f"{row['artist']} – {title}" if row["artist"] else title
    bpm = "-" if row["bpm"] is None else f"{row['bpm']:.1f}"
    key = written_key(row.get("key"), row.get("scale"), short=True) or "-"
    return f"{bpm:>6} bpm  {key:<3} {row['camelot'] or '':<3}  {who}"


def cmd_similar(args: argparse.Namespace) -> int:
    """Print the tracks nearest in sound to one track."""
    from museaud.app import App  # noqa: PLC0415 - keep start-up of other commands light
    from museaud.library.similarity import SimilarityError, similar_tracks  # noqa: PLC0415
    from museaud.library.tracks import track_row  # noqa: PLC0415
    from museaud.store.models.library import Track  # noqa: PLC0415

    if args.k < 1:
        raise CommandError(f"--k must be at least 1, not {args.k}", EXIT_USAGE)
    if args.bpm_within is not None and not 0 < args.bpm_within < 100:
        raise CommandError(
            f"--bpm-within is a percentage above 0 and below 100, not {args.bpm_within:g}",
            EXIT_USAGE,
        )
    with App.open() as app, app.session() as session:
        track_id = resolve_id(session, Track.id, args.track)
        try:
            rows = similar_tracks(
                session,
                track_id,
                k=args.k,
                compatible_key=args.compatible,
                bpm_within=args.bpm_within,
                include_hidden=args.include_hidden,
            )
        except SimilarityError as error:
            raise CommandError(str(error)) from error
        seed = track_row(session, track_id)
    if args.json:
        print_json(rows)
        return 0
    assert seed is not None  # similar_tracks found it
    print(f"like  {_describe(seed)}")
    for row in rows:
        print(f"{row['similarity']:5.0%} {_describe(row)}")
    if not rows:
        warn("no track qualifies; widen --bpm-within or drop --compatible")
    return 0


def add_commands(commands: Any) -> None:
    """Register `museaud similar`."""
    similar = commands.add_parser(
        "similar",
        help="the tracks that sound most like one, optionally in a mixable key and tempo",
    )
    similar.add_argument("track", metavar="TRACK", help="a track id (or its last 4+ hex digits)")
    similar.add_argument(
        "--k", type=int, default=10, metavar="N", help="how many tracks (default 10)"
    )
    similar.add_argument(
        "--compatible",
        action="store_true",
        help="only tracks in a key that mixes with it (Camelot neighbours or the same key)",
    )
    similar.add_argument(
        "--bpm-within",
        type=float,
        metavar="PCT",
        help="only tracks within PCT %% of its tempo (half and double time count too)",
    )
    similar.add_argument("--include-hidden", action="store_true", help="also tracks marked hidden")
    similar.add_argument("--json", action="store_true", help="print the tracks as JSON")
    similar.set_defaults(handler=cmd_similar)
