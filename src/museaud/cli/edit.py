"""`museaud edit` and `museaud track`: mark, tag, correct and catalogue tracks from the shell."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from museaud.cli.common import EXIT_USAGE, CommandError, print_json, resolve_id
from museaud.library.lengths import format_length
from museaud.music.keys import written_key

if TYPE_CHECKING:
    from museaud.library.detail import TrackDetail
    from museaud.library.editing import Creator, Instrument, Keep, Sample, TrackEdit
    from museaud.music.keys import Key


def parse_creator(text: str) -> Creator:
    """A creator from "NAME[:ROLE[:SPLIT]]", e.g. "Ann Lee:producer:50" (the split in percent)."""
    from museaud.library.editing import Creator  # noqa: PLC0415

    parts = text.rsplit(":", 2) if text.count(":") >= 2 else text.split(":")
    name = parts[0].strip()
    role = parts[1].strip() if len(parts) > 1 else ""
    split_text = parts[2].strip().rstrip("%").strip() if len(parts) > 2 else ""
    if not name:
        raise CommandError(
            f"--creator {text!r}: give NAME:ROLE:SPLIT, e.g. 'Ann:producer:50'", EXIT_USAGE
        )
    try:
        split = float(split_text) if split_text else None
    except ValueError:
        raise CommandError(
            f"--creator {text!r}: the split {split_text!r} is not a number of percent", EXIT_USAGE
        ) from None
    return Creator(name=name, role=role or None, split=split)


def parse_instrument(text: str) -> Instrument:
    """An instrument from "CATEGORY[:TYPE][:primary]", e.g. "synth:808:primary"."""
    from museaud.library.editing import Instrument  # noqa: PLC0415

    parts = [part.strip() for part in text.split(":")]
    primary = len(parts) > 1 and parts[-1].lower() == "primary"
    if primary:
        parts.pop()
    if len(parts) > 2 or not any(parts):
        raise CommandError(
            f"--instrument {text!r}: give CATEGORY[:TYPE][:primary], e.g. 'synth:808:primary'",
            EXIT_USAGE,
        )
    return Instrument(
        category=parts[0] or None,
        type=(parts[1] or None) if len(parts) > 1 else None,
        primary=primary,
    )


def parse_sample(text: str) -> Sample:
    """A sample from "PACK:DESCRIPTION:cleared|uncleared[:NOTES]" (the notes may hold colons)."""
    from museaud.library.editing import Sample  # noqa: PLC0415

    parts = text.split(":", 3)
    state = parts[2].strip().lower() if len(parts) > 2 else ""
    if state not in ("cleared", "uncleared"):
        raise CommandError(
            f"--sample {text!r}: give PACK:DESCRIPTION:cleared|uncleared[:NOTES], "
            "e.g. 'Vinyl Vol 2:piano stab:uncleared:asked the label'",
            EXIT_USAGE,
        )
    return Sample(
        pack=parts[0].strip() or None,
        description=parts[1].strip() or None,
        cleared=state == "cleared",
        clearance_notes=(parts[3].strip() or None) if len(parts) > 3 else None,
    )


def _track_edit(args: argparse.Namespace) -> TrackEdit:
    from museaud.library.editing import KEEP, TrackEdit  # noqa: PLC0415

    if args.reason is not None and args.bpm is None and args.key is None:
        raise CommandError("--reason goes with --bpm or --key", EXIT_USAGE)
    rating: int | Keep | None = KEEP
    if args.no_rating:
        rating = None
    elif args.rating is not None:
        rating = args.rating
    return TrackEdit(
        rating=rating,
        favorite=args.favorite,
        hidden=args.hidden,
        add_tags=tuple(args.tag),
        remove_tags=tuple(args.untag),
        add_moods=tuple(args.mood),
        remove_moods=tuple(args.unmood),
        notes=KEEP if args.notes is None else args.notes,
        genre=KEEP if args.genre is None else args.genre,
        bpm=args.bpm,
        key=args.key,
        reason=args.reason,
        clear_override=args.clear_override,
    )


def cmd_edit(args: argparse.Namespace) -> int:
    """Apply the same edit to every given track in one transaction: all of them or none."""
    from museaud.app import App  # noqa: PLC0415
    from museaud.library.detail import track_detail  # noqa: PLC0415
    from museaud.library.editing import EditError, credit_tracks, edit_tracks  # noqa: PLC0415
    from museaud.store.models.library import Track  # noqa: PLC0415

    edit = _track_edit(args)
    creators = [parse_creator(text) for text in args.creator]
    instruments = [parse_instrument(text) for text in args.instrument]
    samples = [parse_sample(text) for text in args.sample]
    new_creators = bool(creators) or args.no_creators
    new_instruments = bool(instruments) or args.no_instruments
    new_samples = bool(samples) or args.no_samples
    if edit.is_empty and not (new_creators or new_instruments or new_samples):
        raise CommandError(
            "nothing to change: give at least one of --rating, --favorite, --hide, --tag, --mood, "
            "--genre, --notes, --bpm, --key, --clear-override, --creator, --instrument, --sample "
            "(see museaud edit --help)",
            EXIT_USAGE,
        )
    with App.open() as app:
        try:
            with app.session() as session:
                ids = list(
                    dict.fromkeys(resolve_id(session, Track.id, text) for text in args.tracks)
                )
                edit_tracks(session, ids, edit)
                credit_tracks(
                    session,
                    ids,
                    creators=creators if new_creators else None,
                    instruments=instruments if new_instruments else None,
                    samples=samples if new_samples else None,
                )
        except EditError as error:
            message = str(error)
            if "nothing was changed" not in message:
                message += "; nothing was changed"
            raise CommandError(message, EXIT_USAGE) from None
        with app.session() as session:
            details = [track_detail(session, track_id) for track_id in ids]
    if args.json:
        print_json([detail.to_json(beats=False) for detail in details])
        return 0
    print(f"edited {len(details)} track{'s' if len(details) != 1 else ''}")
    for detail in details:
        print(f"  {_headline(detail)}")
    return 0


def _headline(detail: TrackDetail) -> str:
    row = detail.row
    title = row["title"] or Path(row["path"]).name
    who = f"{row['artist']} – {title}" if row["artist"] else title
    return f"{detail.id.hex[-8:]}  {who}"


def _stars(rating: int | None) -> str:
    return "unrated" if rating is None else "★" * rating + "☆" * (5 - rating)


def _key_text(key: Key) -> str:
    return f"{key.written} ({key.camelot})"


def print_detail(detail: TrackDetail) -> None:
    """Everything about a track, one fact a line."""
    row = detail.row
    lines: list[tuple[str, str]] = [
        ("file", f"{row['path']} ({row['format']}, {row['status']})"),
        ("album", row["album"] or "-"),
        ("genre", row["genre"] or "-"),
        ("year", str(row["year"] or "-")),
        ("length", "-" if detail.duration_s is None else format_length(detail.duration_s)),
    ]
    measured, override = detail.measured, detail.override
    tempo = "-" if row["bpm"] is None else f"{row['bpm']:.2f} BPM ({row['bpm_source']})"
    if override is not None and override.bpm is not None and measured and measured.bpm:
        tempo += f"; analysis said {measured.bpm:.2f}"
    written = written_key(row.get("key"), row.get("scale"))
    key = "-" if written is None else f"{written} ({row['camelot']}, "
    if written is not None:
        key += f"{row['key_source']})"
        if override is not None and override.key is not None and measured and measured.key:
            key += f"; analysis said {_key_text(measured.key)}"
    lines += [("tempo", tempo), ("key", key)]
    if override is not None:
        by = f" by {override.by_name}" if override.by_name else ""
        at = f" on {override.at:%Y-%m-%d %H:%M} UTC" if override.at else ""
        lines.append(("override", f"{override.reason or 'no reason given'}{by}{at}"))
    if measured is not None:
        level = "-" if measured.loudness_lufs is None else f"{measured.loudness_lufs:.1f} LUFS"
        if measured.peak_dbfs is not None:
            level += f", peak {measured.peak_dbfs:.1f} dBFS"
        lines.append(("loudness", level))
        if measured.energy is not None:
            lines.append(("energy", f"{measured.energy:.2f}"))
        lines.append(("analysis", f"{measured.algorithm} {measured.version}"))
    marks = [_stars(row["rating"])]
    if row["is_favorite"]:
        marks.append("favourite")
    if detail.is_hidden:
        marks.append("hidden")
    lines.append(("marks", ", ".join(marks)))
    lines.append(("tags", ", ".join(detail.tags) or "-"))
    lines.append(("moods", ", ".join(detail.moods) or "-"))
    lines.append(("notes", detail.notes or "-"))
    for creator in detail.creators:
        facts = [value for value in (creator.role, creator.pro, creator.ipi) if value]
        if creator.split is not None:
            facts.append(f"{creator.split:g} %")
        lines.append(("creator", f"{creator.name}" + (f" ({', '.join(facts)})" if facts else "")))
    for instrument in detail.instruments:
        name = " ".join(v for v in (instrument.category, instrument.type) if v)
        lines.append(("instrument", name + (" (primary)" if instrument.primary else "")))
    for sample in detail.samples:
        what = ": ".join(v for v in (sample.pack, sample.description) if v)
        state = "cleared" if sample.cleared else "NOT cleared"
        notes = f" – {sample.clearance_notes}" if sample.clearance_notes else ""
        lines.append(("sample", f"{what} ({state}){notes}"))
    if detail.sections:
        lines.append(
            (
                "sections",
                ", ".join(
                    f"{s.label or s.type} {format_length(s.start_s)}-{format_length(s.end_s)}"
                    for s in detail.sections
                ),
            )
        )
    if len(detail.beats):
        lines.append(("beats", f"{len(detail.beats)}, the first at {detail.beats[0]:.3f} s"))
    print(_headline(detail))
    width = max(len(name) for name, _ in lines)
    for name, value in lines:
        print(f"  {name:<{width}}  {value}")


def cmd_track(args: argparse.Namespace) -> int:
    """Print everything about one track."""
    from museaud.app import App  # noqa: PLC0415
    from museaud.library.detail import track_detail  # noqa: PLC0415
    from museaud.store.models.library import Track  # noqa: PLC0415

    with App.open(reading_only=True) as app, app.session(read_only=True) as session:
        detail = track_detail(session, resolve_id(session, Track.id, args.track))
    if args.json:
        print_json(detail.to_json())
    else:
        print_detail(detail)
    return 0


def add_commands(commands: Any) -> None:
    """Register `museaud edit` and `museaud track`."""
    edit = commands.add_parser(
        "edit",
        help="rate, tag, correct tempo/key and catalogue tracks (all given tracks or none)",
        description="Apply the same changes to every given track in one transaction: "
        "if any change is refused, nothing is changed.",
    )
    edit.add_argument("tracks", nargs="+", metavar="TRACK", help="track id or its last digits")
    rating = edit.add_mutually_exclusive_group()
    rating.add_argument("--rating", type=int, metavar="N", help="1 to 5 stars")
    rating.add_argument("--no-rating", action="store_true", help="remove the rating")
    favorite = edit.add_mutually_exclusive_group()
    favorite.add_argument(
        "--favorite", dest="favorite", action="store_const", const=True, help="mark as a favourite"
    )
    favorite.add_argument(
        "--no-favorite", dest="favorite", action="store_const", const=False, help="not a favourite"
    )
    hidden = edit.add_mutually_exclusive_group()
    hidden.add_argument(
        "--hide", dest="hidden", action="store_const", const=True, help="hide from the library view"
    )
    hidden.add_argument(
        "--unhide", dest="hidden", action="store_const", const=False, help="show it again"
    )
    for flag, help_text in (
        ("--tag", "add a tag (repeatable)"),
        ("--untag", "remove a tag (repeatable)"),
        ("--mood", "add a mood (repeatable)"),
        ("--unmood", "remove a mood (repeatable)"),
    ):
        edit.add_argument(flag, action="append", default=[], metavar="TEXT", help=help_text)
    edit.add_argument("--genre", metavar="TEXT", help='set the genre ("" removes it)')
    edit.add_argument("--notes", metavar="TEXT", help='set the notes ("" removes them)')
    edit.add_argument("--bpm", type=float, metavar="N", help="override the tempo (needs --reason)")
    edit.add_argument(
        "--key", metavar="KEY", help="override the key: Am, F#, Eb major or 8A (needs --reason)"
    )
    edit.add_argument("--reason", metavar="TEXT", help="why the tempo or key is overridden")
    edit.add_argument(
        "--clear-override", action="store_true", help="go back to the analysed tempo and key"
    )
    creators = edit.add_mutually_exclusive_group()
    creators.add_argument(
        "--creator",
        action="append",
        default=[],
        metavar="NAME:ROLE:SPLIT",
        help="set the creators (repeat for each; replaces the stored ones), e.g. Ann:producer:50",
    )
    creators.add_argument("--no-creators", action="store_true", help="remove every creator")
    instruments = edit.add_mutually_exclusive_group()
    instruments.add_argument(
        "--instrument",
        action="append",
        default=[],
        metavar="CATEGORY[:TYPE][:primary]",
        help="set the instruments (repeatable; replaces the stored ones), e.g. synth:808:primary",
    )
    instruments.add_argument(
        "--no-instruments", action="store_true", help="remove every instrument"
    )
    samples = edit.add_mutually_exclusive_group()
    samples.add_argument(
        "--sample",
        action="append",
        default=[],
        metavar="PACK:DESCRIPTION:cleared|uncleared[:NOTES]",
        help="set the samples used (repeatable; replaces the stored ones)",
    )
    samples.add_argument("--no-samples", action="store_true", help="remove every sample")
    edit.add_argument("--json", action="store_true", help="print the edited tracks as JSON")
    edit.set_defaults(handler=cmd_edit)

    track = commands.add_parser("track", help="show everything about one track")
    track.add_argument("track", metavar="TRACK", help="track id or its last digits")
    track.add_argument("--json", action="store_true", help="print it as JSON")
    track.set_defaults(handler=cmd_track)
