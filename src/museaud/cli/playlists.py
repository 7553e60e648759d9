"""`museaud playlist ...`: manual and smart playlists, folders, the trash, templates, M3U/PLS
files, ordering for mixing, song paths, suggestions and playing a playlist."""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from museaud.cli.common import EXIT_USAGE, CommandError, print_json, resolve_id, short_id, warn
from museaud.library.lengths import format_length

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from museaud.app import App


@contextmanager
def _opened() -> Iterator[tuple[App, Session]]:
    """The app and one transaction; playlist and query errors become one-line messages."""
    from museaud.app import App  # noqa: PLC0415 - keep start-up of other commands light
    from museaud.library.query import QueryError  # noqa: PLC0415
    from museaud.playlists.errors import PlaylistError  # noqa: PLC0415

    try:
        with App.open() as app, app.session() as session:
            yield app, session
    except QueryError as error:
        raise CommandError(f"bad query: {error}\n{error.pointer()}", EXIT_USAGE) from None
    except PlaylistError as error:
        raise CommandError(f"{error}; nothing was changed") from None


def _playlist(session: Session, text: str, *, trash: bool = False) -> uuid.UUID:
    """A playlist by its name (any case) or its id (full, or the last hex digits)."""
    from sqlalchemy import func, select  # noqa: PLC0415

    from museaud.store.models.playlists import Playlist  # noqa: PLC0415

    deleted = Playlist.deleted_at.is_not(None) if trash else Playlist.deleted_at.is_(None)
    named = session.scalars(
        select(Playlist.id).where(func.lower(Playlist.name) == text.strip().lower(), deleted)
    ).all()
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        raise CommandError(f"{len(named)} playlists are named {text!r}; give its id", EXIT_USAGE)
    if not _looks_like_id(text):
        where = "in the trash" if trash else "(museaud playlist list shows them)"
        raise CommandError(f"no playlist named {text!r} {where}")
    return resolve_id(session, Playlist.id, text)


def _looks_like_id(text: str) -> bool:
    cleaned = text.strip().lower().replace("-", "")
    return len(cleaned) >= 4 and all(char in "0123456789abcdef" for char in cleaned)


def _folder(session: Session, text: str) -> uuid.UUID:
    """A folder by its name (any case) or its id."""
    from sqlalchemy import func, select  # noqa: PLC0415

    from museaud.store.models.playlists import PlaylistFolder  # noqa: PLC0415

    named = session.scalars(
        select(PlaylistFolder.id).where(func.lower(PlaylistFolder.name) == text.strip().lower())
    ).all()
    if len(named) == 1:
        return named[0]
    if not _looks_like_id(text):
        raise CommandError(f"no playlist folder named {text!r}")
    return resolve_id(session, PlaylistFolder.id, text)


def _track(session: Session, text: str) -> uuid.UUID:
    from museaud.store.models.library import Track  # noqa: PLC0415

    return resolve_id(session, Track.id, text)


def _who(track: dict[str, Any]) -> str:
    title = track["title"] or Path(track["path"]).name
    return f"{track['artist']} – {title}" if track["artist"] else title


def _track_line(track: dict[str, Any]) -> str:
    bpm = "-" if track["bpm"] is None else f"{track['bpm']:.1f}"
    key = track.get("camelot") or "-"
    length = "-" if track["duration_s"] is None else format_length(track["duration_s"])
    missing = "  [missing]" if track["status"] == "missing" else ""
    return f"{bpm:>6} bpm {key:>4} {length:>7}  {_who(track)}{missing}"


def _summary_of(session: Session, playlist_id: uuid.UUID) -> dict[str, Any]:
    from museaud.playlists.service import get_playlist, list_playlists  # noqa: PLC0415

    playlist = get_playlist(session, playlist_id, include_deleted=True)
    trash = playlist.deleted_at is not None
    found = [row for row in list_playlists(session, trash=trash) if row.id == playlist_id]
    return found[0].to_json()


def _done(args: argparse.Namespace, value: dict[str, Any], line: str) -> int:
    print_json(value) if args.json else print(line)
    return 0


# --- playlists -----------------------------------------------------------------------------


def cmd_new(args: argparse.Namespace) -> int:
    """Make an empty playlist."""
    from museaud.playlists.service import create_playlist  # noqa: PLC0415

    with _opened() as (_, session):
        folder = None if args.folder is None else _folder(session, args.folder)
        playlist = create_playlist(
            session, args.name, description=args.description, folder_id=folder
        )
        made = _summary_of(session, playlist.id)
    return _done(args, made, f"{short_id(uuid.UUID(made['id']))}  {made['name']}")


def cmd_list(args: argparse.Namespace) -> int:
    """Print the playlists (by folder) or those in the trash."""
    from museaud.playlists.service import list_folders, list_playlists  # noqa: PLC0415

    with _opened() as (_, session):
        playlists = list_playlists(session, trash=args.trash)
        folders = {folder.id: folder for folder in list_folders(session)}
        folder_rows = [
            {
                "id": str(folder.id),
                "name": folder.name,
                "parent_id": None if folder.parent_id is None else str(folder.parent_id),
            }
            for folder in folders.values()
        ]
    if args.json:
        print_json({"playlists": [row.to_json() for row in playlists], "folders": folder_rows})
        return 0
    if not playlists:
        warn("the trash is empty" if args.trash else "no playlists yet: museaud playlist new NAME")
    for row in playlists:
        folder = folders.get(row.folder_id) if row.folder_id else None
        where = f"{folder.name}/" if folder is not None else ""
        missing = f", {row.missing_count} missing" if row.missing_count else ""
        kind = "" if row.kind == "manual" else f" [{row.kind}]"
        print(
            f"{short_id(row.id)}  {where}{row.name}{kind}  ({row.entry_count} tracks, "
            f"{format_length(row.duration_s)}{missing})"
        )
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    """Print a playlist's tracks in order (a smart one's as its query finds them now)."""
    from museaud.playlists.service import entry_rows, get_playlist  # noqa: PLC0415
    from museaud.playlists.smart import smart_rows  # noqa: PLC0415

    with _opened() as (_, session):
        playlist = get_playlist(session, _playlist(session, args.playlist))
        rows: list[dict[str, Any]]
        if playlist.kind == "smart":
            rows = [
                {"position": place, "track": track}
                for place, track in enumerate(smart_rows(session, playlist), start=1)
            ]
        else:
            rows = entry_rows(session, playlist.id)
        about = {
            "id": str(playlist.id),
            "name": playlist.name,
            "kind": playlist.kind,
            "query": playlist.query,
            "sort": playlist.sort_by,
            "descending": playlist.sort_descending,
            "limit": playlist.track_limit,
            "entries": rows,
        }
    if args.json:
        print_json(about)
        return 0
    rule = f"  query: {playlist.query!r} by {playlist.sort_by}" if playlist.kind == "smart" else ""
    print(f"{playlist.name}  ({len(rows)} tracks){rule}")
    for row in rows:
        stars = f"  {'★' * row['entry_rating']}" if row.get("entry_rating") else ""
        notes = f"  — {row['notes']}" if row.get("notes") else ""
        print(f"{row['position']:>4}. {_track_line(row['track'])}{stars}{notes}")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    """Add tracks by id, or every track a query finds, at the end or at a position."""
    from museaud.library.search import TrackQuery, track_keys  # noqa: PLC0415
    from museaud.playlists.service import add_tracks, entry_count  # noqa: PLC0415

    if bool(args.tracks) == (args.query is not None):
        raise CommandError("give track ids or --query QUERY (one of them)", EXIT_USAGE)
    if args.limit is not None and args.limit < 1:
        raise CommandError("--limit must be at least 1", EXIT_USAGE)
    with _opened() as (_, session):
        playlist_id = _playlist(session, args.playlist)
        if args.query is not None:
            query = TrackQuery(args.query, sort=args.sort, descending=args.desc)
            keys = track_keys(session, query)[: args.limit]
            tracks = _ids_of_keys(session, keys)
        else:
            tracks = [_track(session, text) for text in args.tracks]
        at = None if args.at is None else args.at - 1
        added = add_tracks(session, playlist_id, tracks, at=at)
        total = entry_count(session, playlist_id)
    return _done(
        args, {"added": added, "entries": total}, f"added {added} tracks ({total} in the playlist)"
    )


def _ids_of_keys(session: Session, keys: list[int]) -> list[uuid.UUID]:
    from museaud.library.search import rows_for_keys  # noqa: PLC0415

    return [uuid.UUID(row["id"]) for row in rows_for_keys(session, keys)]


def cmd_remove(args: argparse.Namespace) -> int:
    """Take entries out by their positions (as `show` numbers them)."""
    from museaud.playlists.service import entry_count, entry_ids_at, remove_entries  # noqa: PLC0415

    with _opened() as (_, session):
        playlist_id = _playlist(session, args.playlist)
        removed = remove_entries(
            session, playlist_id, entry_ids_at(session, playlist_id, args.positions)
        )
        total = entry_count(session, playlist_id)
    return _done(args, {"removed": removed, "entries": total}, f"removed {removed} ({total} left)")


def cmd_move(args: argparse.Namespace) -> int:
    """Move one entry to a position, the top or the bottom."""
    from museaud.playlists.service import entry_ids_at, move_entry  # noqa: PLC0415

    targets = [args.to is not None, args.top, args.bottom]
    if sum(targets) != 1:
        raise CommandError("say where: --to N, --top or --bottom (one of them)", EXIT_USAGE)
    with _opened() as (_, session):
        playlist_id = _playlist(session, args.playlist)
        (entry_id,) = entry_ids_at(session, playlist_id, [args.position])
        index = 0 if args.top else None if args.bottom else args.to - 1
        move_entry(session, playlist_id, entry_id, index)
    where = "the top" if args.top else "the bottom" if args.bottom else f"position {args.to}"
    return _done(args, {"moved": str(entry_id)}, f"moved entry {args.position} to {where}")


def cmd_entry(args: argparse.Namespace) -> int:
    """Write an entry's notes or rating."""
    from museaud.playlists.service import entry_ids_at, set_entry  # noqa: PLC0415

    if args.notes is None and args.rating is None:
        raise CommandError("give --notes TEXT and/or --rating 1-5 (0 clears)", EXIT_USAGE)
    with _opened() as (_, session):
        playlist_id = _playlist(session, args.playlist)
        (entry_id,) = entry_ids_at(session, playlist_id, [args.position])
        entry = set_entry(session, playlist_id, entry_id, notes=args.notes, rating=args.rating)
        value = {"entry_id": str(entry.id), "notes": entry.notes, "rating": entry.rating}
    return _done(
        args, value, f"entry {args.position}: rating {entry.rating}, notes {entry.notes!r}"
    )


def cmd_rename(args: argparse.Namespace) -> int:
    """Rename a playlist."""
    from museaud.playlists.service import rename_playlist  # noqa: PLC0415

    with _opened() as (_, session):
        playlist = rename_playlist(session, _playlist(session, args.playlist), args.name)
        value = _summary_of(session, playlist.id)
    return _done(args, value, f"renamed to {playlist.name!r}")


def cmd_duplicate(args: argparse.Namespace) -> int:
    """Copy a playlist with its entries."""
    from museaud.playlists.service import duplicate_playlist  # noqa: PLC0415

    with _opened() as (_, session):
        copy = duplicate_playlist(session, _playlist(session, args.playlist), args.name)
        value = _summary_of(session, copy.id)
    return _done(args, value, f"{short_id(copy.id)}  {copy.name}")


def cmd_delete(args: argparse.Namespace) -> int:
    """Move a playlist to the trash."""
    from museaud.playlists.service import delete_playlist  # noqa: PLC0415

    with _opened() as (_, session):
        playlist = delete_playlist(session, _playlist(session, args.playlist))
        value = _summary_of(session, playlist.id)
    return _done(
        args,
        value,
        f"moved {playlist.name!r} to the trash (museaud playlist restore brings it back)",
    )


def cmd_restore(args: argparse.Namespace) -> int:
    """Take a playlist out of the trash."""
    from museaud.playlists.service import restore_playlist  # noqa: PLC0415

    with _opened() as (_, session):
        playlist = restore_playlist(session, _playlist(session, args.playlist, trash=True))
        value = _summary_of(session, playlist.id)
    return _done(args, value, f"restored {playlist.name!r}")


def cmd_trash(args: argparse.Namespace) -> int:
    """List the trash, or empty it."""
    from museaud.playlists.service import empty_trash  # noqa: PLC0415

    if not args.empty:
        args.trash = True
        return cmd_list(args)
    with _opened() as (_, session):
        deleted = empty_trash(session)
    return _done(args, {"deleted": deleted}, f"deleted {deleted} playlists for good")


# --- folders -------------------------------------------------------------------------------


def cmd_folder(args: argparse.Namespace) -> int:
    """Folders of playlists: new, list, rename, delete, put a playlist in one."""
    from museaud.playlists import service  # noqa: PLC0415

    with _opened() as (_, session):
        if args.action == "new":
            parent = None if args.parent is None else _folder(session, args.parent)
            folder = service.create_folder(session, _one(args.names, "NAME"), parent_id=parent)
            value: dict[str, Any] = {"id": str(folder.id), "name": folder.name}
        elif args.action == "list":
            value = {
                "folders": [
                    {"id": str(f.id), "name": f.name, "parent_id": f.parent_id and str(f.parent_id)}
                    for f in service.list_folders(session)
                ]
            }
        elif args.action == "rename":
            folder_text, name = _two(args.names, "FOLDER NAME")
            folder = service.rename_folder(session, _folder(session, folder_text), name)
            value = {"id": str(folder.id), "name": folder.name}
        elif args.action == "delete":
            folder_id = _folder(session, _one(args.names, "FOLDER"))
            service.delete_folder(session, folder_id)
            value = {"deleted": str(folder_id)}
        else:  # put
            if len(args.names) not in (1, 2):
                raise CommandError("folder put PLAYLIST [FOLDER] (no folder: the top)", EXIT_USAGE)
            target = None if len(args.names) == 1 else _folder(session, args.names[1])
            playlist = service.put_in_folder(session, _playlist(session, args.names[0]), target)
            value = {"playlist_id": str(playlist.id), "folder_id": target and str(target)}
    if args.json:
        print_json(value)
    elif args.action == "list":
        for folder_row in value["folders"]:
            print(f"{folder_row['id'][-8:]}  {folder_row['name']}")
    else:
        print(f"folder {args.action}: done")
    return 0


def _one(names: list[str], what: str) -> str:
    if len(names) != 1:
        raise CommandError(f"give {what}", EXIT_USAGE)
    return names[0]


def _two(names: list[str], what: str) -> tuple[str, str]:
    if len(names) != 2:
        raise CommandError(f"give {what}", EXIT_USAGE)
    return names[0], names[1]


# --- smart playlists and templates ---------------------------------------------------------


def cmd_smart(args: argparse.Namespace) -> int:
    """Make a smart playlist (a saved query, sort and limit, evaluated when read), or change
    one with --change."""
    from museaud.playlists.smart import (  # noqa: PLC0415
        change_smart_playlist,
        create_smart_playlist,
        smart_rows,
    )

    if args.change and args.folder is not None:
        raise CommandError("--folder is for a new smart playlist; use `folder put`", EXIT_USAGE)
    if not args.change and args.query is None:
        raise CommandError("a new smart playlist needs --query", EXIT_USAGE)
    if args.limit is not None and args.no_limit:
        raise CommandError("give --limit N or --no-limit, not both", EXIT_USAGE)
    with _opened() as (_, session):
        if args.change:
            playlist = change_smart_playlist(
                session,
                _playlist(session, args.name),
                query=args.query,
                sort=args.sort,
                descending=args.desc,
                limit=args.limit,
                no_limit=args.no_limit,
            )
        else:
            folder = None if args.folder is None else _folder(session, args.folder)
            playlist = create_smart_playlist(
                session,
                args.name,
                args.query,
                sort=args.sort or "artist",
                descending=bool(args.desc),
                limit=args.limit,
                folder_id=folder,
            )
        count = len(smart_rows(session, playlist))
        value = {
            **_summary_of(session, playlist.id),
            "entries": count,
            "query": playlist.query,
            "sort": playlist.sort_by,
            "descending": playlist.sort_descending,
            "limit": playlist.track_limit,
        }
    return _done(args, value, f"{short_id(playlist.id)}  {playlist.name}: {count} tracks now")


def cmd_generate(args: argparse.Namespace) -> int:
    """Make a playlist from a template (or list the templates)."""
    from museaud.playlists.templates import find_template, generate, list_templates  # noqa: PLC0415

    with _opened() as (_, session):
        if args.template is None:
            templates = [
                {
                    "id": str(template.id),
                    "name": template.name,
                    "type": template.template_type,
                    "system": template.is_system,
                    "description": template.description,
                    "parameters": template.parameters,
                }
                for template in list_templates(session)
            ]
            if args.json:
                print_json(templates)
            for template_row in [] if args.json else templates:
                print(
                    f"{template_row['type']:<7} {template_row['name']:<22} "
                    f"{template_row['description'] or ''}"
                )
            return 0
        template = find_template(session, args.template)
        made = generate(session, template.id, name=args.name, length=args.length)
    return _done(
        args,
        made.to_json(),
        f"{short_id(made.playlist_id)}  {made.track_count} tracks, {made.matched_all} matching "
        f"every rule (score {made.score:.2f}: the mean share of rules each track matches)",
    )


# --- mixing and discovery (museaud.playlists.ordering, .discovery) -------------------------


def cmd_order(args: argparse.Namespace) -> int:
    """Order a playlist for mixing and rate each transition; --apply writes the order."""
    from museaud.playlists.ordering import apply_order, order_playlist  # noqa: PLC0415

    with _opened() as (_, session):
        playlist_id = _playlist(session, args.playlist)
        order = order_playlist(
            session,
            playlist_id,
            arc=args.arc,
            keep_first=None if args.keep_first is None else args.keep_first - 1,
            keep_last=None if args.keep_last is None else args.keep_last - 1,
            artist_gap=args.artist_gap,
        )
        moved = apply_order(session, playlist_id, order) if args.apply else 0
    value = {
        "tracks": [
            {"track_id": str(track.track_id), "title": track.title, "artist": track.artist}
            for track in order.tracks
        ],
        "transitions": [
            {
                "grade": step.grade,
                "key": step.key_relation,
                "tempo_change_pct": step.tempo_change_pct,
                "energy_step": step.energy_step,
            }
            for step in order.transitions
        ],
        "summary": vars(order.summary),
        "applied": args.apply,
        "moved": moved,
    }
    if args.json:
        print_json(value)
        return 0
    for place, track in enumerate(order.tracks, start=1):
        print(f"{place:>4}. {track.artist + ' – ' if track.artist else ''}{track.title}")
        if place <= len(order.transitions):
            step = order.transitions[place - 1]
            tempo = "-" if step.tempo_change_pct is None else f"{step.tempo_change_pct:+.1f} %"
            print(f"        {step.grade:<5} key {step.key_relation}, tempo {tempo}")
    summary = order.summary
    print(
        f"{summary.compatible_share:.0%} of transitions in compatible keys, "
        f"{summary.within_tempo_share:.0%} within 6 % tempo"
        + (f"; moved {moved} entries" if args.apply else "; --apply to keep this order")
    )
    return 0


def cmd_path(args: argparse.Namespace) -> int:
    """Tracks leading from one track's sound to another's; --save makes them a playlist."""
    from museaud.library.tracks import track_rows_by_id  # noqa: PLC0415
    from museaud.playlists.discovery import DiscoveryError, song_path  # noqa: PLC0415
    from museaud.playlists.service import add_tracks, create_playlist  # noqa: PLC0415

    with _opened() as (_, session):
        start, end = _track(session, args.start), _track(session, args.end)
        try:
            path = song_path(session, start, end, args.steps, mixable=args.mixable)
        except DiscoveryError as error:
            raise CommandError(str(error)) from None
        rows = {uuid.UUID(row["id"]): row for row in track_rows_by_id(session, path)}
        saved = None
        if args.save is not None:
            saved = create_playlist(session, args.save)
            add_tracks(session, saved.id, path)
        tracks = [rows[track] for track in path]
    if args.json:
        print_json({"tracks": tracks, "playlist_id": saved and str(saved.id)})
        return 0
    for place, track in enumerate(tracks, start=1):
        print(f"{place:>4}. {_track_line(track)}")
    if saved is not None:
        print(f"saved as {short_id(saved.id)}  {saved.name}")
    return 0


def cmd_recommend(args: argparse.Namespace) -> int:
    """Suggest tracks for a playlist; --accept adds one, --reject never suggests it again."""
    from museaud.library.tracks import track_rows_by_id  # noqa: PLC0415
    from museaud.playlists.discovery import (  # noqa: PLC0415
        DiscoveryError,
        accept_recommendation,
        recommend,
        reject_recommendation,
    )

    with _opened() as (_, session):
        playlist_id = _playlist(session, args.playlist)
        try:
            if args.accept is not None or args.reject is not None:
                decide = accept_recommendation if args.accept else reject_recommendation
                track = _track(session, args.accept or args.reject)
                decide(session, playlist_id, track)
                verb = "accepted" if args.accept else "rejected"
                return _done(args, {verb: str(track)}, f"{verb} {short_id(track)}")
            suggestions = recommend(session, playlist_id, args.k)
        except DiscoveryError as error:
            raise CommandError(str(error)) from None
        rows = {
            uuid.UUID(row["id"]): row
            for row in track_rows_by_id(session, [s.track_id for s in suggestions])
        }
    value: list[dict[str, Any]] = [
        {"track": rows[s.track_id], "score": round(s.score, 4), "reason": s.reason}
        for s in suggestions
    ]
    if args.json:
        print_json(value)
        return 0
    for row in value:
        print(
            f"{row['score']:.2f}  {short_id(uuid.UUID(row['track']['id']))}  {_who(row['track'])}"
        )
        print(f"      {row['reason']}")
    return 0


# --- files ---------------------------------------------------------------------------------


def cmd_import(args: argparse.Namespace) -> int:
    """Make a playlist from an M3U, M3U8 or PLS file, matching its entries to the library."""
    from museaud.playlists.files import import_playlist_file  # noqa: PLC0415

    with _opened() as (_, session):
        result = import_playlist_file(session, Path(args.file), name=args.name)
    if args.json:
        print_json(result.to_json())
        return 0
    print(
        f"{short_id(result.playlist_id)}  {result.name}: {result.matched} tracks matched, "
        f"{len(result.unmatched)} not found, {result.ignored_lines} lines ignored"
    )
    for entry in result.unmatched:
        print(f"  not in the library: {entry.label()}")
    return 0


class _ExportLine:
    """Export progress on stderr, at most ten times a second."""

    def __init__(self) -> None:
        self.last = 0.0

    def __call__(self, progress: Any) -> None:
        now = time.monotonic()
        if now - self.last < 0.1 and progress.done < progress.total:
            return
        self.last = now
        end = "\r" if sys.stderr.isatty() else "\n"
        sys.stderr.write(f"exporting {progress.done}/{progress.total} files{end}")
        sys.stderr.flush()


def cmd_export(args: argparse.Namespace) -> int:
    """Write a playlist file, or copy the files with a playlist into a folder."""
    from museaud.cli.sound import _StopOnCtrlC  # noqa: PLC0415
    from museaud.playlists.files import export_playlist_file, export_to_folder  # noqa: PLC0415

    if (args.file is None) == (args.to_folder is None):
        raise CommandError("give FILE (.m3u, .m3u8, .pls) or --to-folder DIR", EXIT_USAGE)
    with _opened() as (_, session):
        playlist_id = _playlist(session, args.playlist)
        if args.file is not None:
            count = export_playlist_file(
                session, playlist_id, Path(args.file), relative=not args.absolute
            )
            return _done(args, {"file": args.file, "entries": count}, f"wrote {count} entries")
        with _StopOnCtrlC() as ctrl_c:
            result = export_to_folder(
                session,
                playlist_id,
                Path(args.to_folder),
                kind=args.format,
                progress=None if args.json else _ExportLine(),
                cancel=ctrl_c.stop,
            )
    if args.json:
        print_json(result.to_json())
    else:
        print(
            f"copied {result.copied}, already there {result.reused}, missing "
            f"{len(result.missing)}"
            + (f"; wrote {result.playlist_file}" if result.playlist_file else "")
        )
        for path in result.missing:
            print(f"  missing: {path}")
    if result.cancelled:
        warn("cancelled: the files copied are whole; no playlist file was written")
        return 130
    return 0


# --- playing -------------------------------------------------------------------------------


def _play_queue(text: str) -> tuple[uuid.UUID, str, list[tuple[uuid.UUID | None, dict[str, Any]]]]:
    """A playlist's id, name and its (entry id, track row) pairs in order."""
    from museaud.playlists.files import playlist_tracks  # noqa: PLC0415
    from museaud.playlists.service import entry_rows, get_playlist  # noqa: PLC0415

    with _opened() as (_, session):
        playlist = get_playlist(session, _playlist(session, text))
        if playlist.kind == "smart":
            return (
                playlist.id,
                playlist.name,
                [(None, track) for track in playlist_tracks(session, playlist.id)],
            )
        rows = entry_rows(session, playlist.id)
        return (
            playlist.id,
            playlist.name,
            [(uuid.UUID(row["entry_id"]), row["track"]) for row in rows],
        )


def cmd_play(args: argparse.Namespace) -> int:
    """Play a playlist's tracks in order on the audio device, recording each play; Ctrl-C stops."""
    from museaud.app import App  # noqa: PLC0415
    from museaud.audio.engine import AudioEngine  # noqa: PLC0415
    from museaud.audio.preview import PreviewError, load_preview  # noqa: PLC0415
    from museaud.audio.transport import PlaybackUnavailableError  # noqa: PLC0415
    from museaud.cli.sound import _StopOnCtrlC  # noqa: PLC0415
    from museaud.playlists.history import EndedBy, record_play  # noqa: PLC0415

    if args.seconds is not None and args.seconds <= 0:
        raise CommandError("--seconds must be more than 0", EXIT_USAGE)
    if args.start < 1:
        raise CommandError("--start is a position: 1 or more", EXIT_USAGE)
    playlist_id, name, queue = _play_queue(args.playlist)
    device = int(args.device) if args.device and args.device.isdigit() else args.device
    plays: list[dict[str, Any]] = []
    with App.open() as app:
        try:
            engine = AudioEngine(device, buffer_size=args.buffer)
            engine.start()
        except PlaybackUnavailableError as error:
            raise CommandError(str(error)) from error
        try:
            with _StopOnCtrlC() as ctrl_c:
                for entry_id, track in queue[args.start - 1 :]:
                    if ctrl_c.stop.is_set():
                        break
                    if track["status"] == "missing":
                        warn(f"skipping {_who(track)}: its file is missing")
                        continue
                    try:
                        frames = load_preview(
                            track["path"], engine.sample_rate, max_seconds=args.seconds
                        )
                    except PreviewError as error:
                        warn(f"skipping {_who(track)}: {error.reason}")
                        continue
                    if not args.json:
                        print(f"playing {_who(track)}", flush=True)
                    started_at = datetime.now(UTC)
                    began = time.monotonic()
                    engine.play_audio(frames)
                    while engine.previewing and not ctrl_c.stop.wait(0.05):
                        pass
                    engine.stop_audio()
                    played = min(time.monotonic() - began, len(frames) / engine.sample_rate)
                    whole = track["duration_s"] or 0.0
                    ended_by: EndedBy = (
                        "stopped"
                        if ctrl_c.stop.is_set()
                        else "finished"
                        if played >= whole - 0.5
                        else "next"
                    )
                    play = record_play(
                        app,
                        uuid.UUID(track["id"]),
                        started_at,
                        played,
                        track["duration_s"],
                        playlist_id,
                        ended_by,
                        entry_id=entry_id,
                    )
                    plays.append(
                        {
                            "track_id": track["id"],
                            "played_s": round(played, 2),
                            "ended_by": ended_by,
                            "skipped": play.skipped,
                        }
                    )
        finally:
            engine.close()
    if args.json:
        print_json({"playlist_id": str(playlist_id), "plays": plays})
    else:
        warn(f"museaud playlist play: {len(plays)} tracks of {name!r} played")
    return 0


# --- the parser ----------------------------------------------------------------------------


def add_commands(commands: Any) -> None:
    """Register `museaud playlist ...`."""
    from museaud.library.search import SORT_FIELDS  # noqa: PLC0415

    playlist = commands.add_parser(
        "playlist",
        help="manual and smart playlists, folders, M3U/PLS, mixing order, suggestions, play",
        description="Playlists are named by their name or their id (the last 8 hex digits "
        "as `list` shows them are enough); entries by their position as `show` numbers them.",
    )
    actions = playlist.add_subparsers(dest="action", metavar="ACTION", required=True)

    def action(name: str, handler: Any, help_text: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = actions.add_parser(name, help=help_text)
        parser.add_argument("--json", action="store_true", help="print the result as JSON")
        parser.set_defaults(handler=handler)
        return parser

    new = action("new", cmd_new, "make an empty playlist")
    new.add_argument("name", metavar="NAME")
    new.add_argument("--folder", metavar="FOLDER", help="put it in this folder")
    new.add_argument("--description", metavar="TEXT")

    listing = action("list", cmd_list, "list the playlists")
    listing.add_argument("--trash", action="store_true", help="the playlists in the trash")

    show = action("show", cmd_show, "a playlist's tracks in order")
    show.add_argument("playlist", metavar="PLAYLIST")

    add = action("add", cmd_add, "add tracks by id, or the tracks a query finds")
    add.add_argument("playlist", metavar="PLAYLIST")
    add.add_argument("tracks", nargs="*", metavar="TRACK", help="track ids as `tracks` prints")
    add.add_argument("--query", metavar="QUERY", help='e.g. "genre:house bpm:120-128"')
    add.add_argument("--sort", choices=tuple(SORT_FIELDS), default="artist")
    add.add_argument("--desc", action="store_true", help="sort from the highest/last down")
    add.add_argument("--limit", type=int, metavar="N", help="add at most N of the query's tracks")
    add.add_argument("--at", type=int, metavar="N", help="insert at position N (default: end)")

    remove = action("remove", cmd_remove, "take entries out by position")
    remove.add_argument("playlist", metavar="PLAYLIST")
    remove.add_argument("positions", nargs="+", type=int, metavar="POSITION")

    move = action("move", cmd_move, "move one entry")
    move.add_argument("playlist", metavar="PLAYLIST")
    move.add_argument("position", type=int, metavar="POSITION")
    move.add_argument("--to", type=int, metavar="N", help="to position N")
    move.add_argument("--top", action="store_true")
    move.add_argument("--bottom", action="store_true")

    entry = action("entry", cmd_entry, "write an entry's notes or rating")
    entry.add_argument("playlist", metavar="PLAYLIST")
    entry.add_argument("position", type=int, metavar="POSITION")
    entry.add_argument("--notes", metavar="TEXT", help='"" clears them')
    entry.add_argument("--rating", type=int, metavar="N", help="1-5 stars, 0 clears")

    rename = action("rename", cmd_rename, "rename a playlist")
    rename.add_argument("playlist", metavar="PLAYLIST")
    rename.add_argument("name", metavar="NAME")

    duplicate = action("duplicate", cmd_duplicate, "copy a playlist with its entries")
    duplicate.add_argument("playlist", metavar="PLAYLIST")
    duplicate.add_argument("--name", metavar="NAME", help="default: '<name> copy'")

    delete = action("delete", cmd_delete, "move a playlist to the trash")
    delete.add_argument("playlist", metavar="PLAYLIST")

    restore = action("restore", cmd_restore, "take a playlist out of the trash")
    restore.add_argument("playlist", metavar="PLAYLIST")

    trash = action("trash", cmd_trash, "list the trash; --empty deletes it for good")
    trash.add_argument("--empty", action="store_true")

    folder = action("folder", cmd_folder, "folders: new NAME, list, rename, delete, put")
    folder.add_argument("action", choices=("new", "list", "rename", "delete", "put"))
    folder.add_argument("names", nargs="*", metavar="ARG")
    folder.add_argument("--parent", metavar="FOLDER", help="new: inside this folder")

    smart = action("smart", cmd_smart, "make a smart playlist from a query, or --change one")
    smart.add_argument("name", metavar="NAME", help="its name; with --change, the playlist")
    smart.add_argument("--change", action="store_true", help="change an existing smart playlist")
    smart.add_argument("--query", metavar="QUERY", help="as `museaud tracks` takes")
    smart.add_argument("--sort", choices=tuple(SORT_FIELDS), help="default: artist")
    direction = smart.add_mutually_exclusive_group()
    direction.add_argument(
        "--desc", action="store_true", default=None, help="sort from the highest/last down"
    )
    direction.add_argument("--asc", dest="desc", action="store_false", help="lowest/first first")
    smart.add_argument("--limit", type=int, metavar="N", help="at most N tracks (top 50 ...)")
    smart.add_argument("--no-limit", action="store_true", help="with --change: drop the limit")
    smart.add_argument("--folder", metavar="FOLDER")

    generate = action("generate", cmd_generate, "make a playlist from a template (none: list)")
    generate.add_argument("template", nargs="?", metavar="TEMPLATE", help="name or id")
    generate.add_argument("--name", metavar="NAME")
    generate.add_argument("--length", type=int, metavar="N", help="how many tracks")

    order = action("order", cmd_order, "order for mixing: keys, tempo, energy arc")
    order.add_argument("playlist", metavar="PLAYLIST")
    order.add_argument("--arc", default="build", help="warm-up, build, peak, release, flat")
    order.add_argument("--keep-first", type=int, metavar="POSITION")
    order.add_argument("--keep-last", type=int, metavar="POSITION")
    order.add_argument("--artist-gap", type=int, default=3, metavar="N")
    order.add_argument("--apply", action="store_true", help="write the order to the playlist")

    path = action("path", cmd_path, "tracks leading from one track's sound to another's")
    path.add_argument("start", metavar="FROM_TRACK")
    path.add_argument("end", metavar="TO_TRACK")
    path.add_argument("--steps", type=int, default=8, metavar="N")
    path.add_argument("--mixable", action="store_true", help="only harmonically mixable steps")
    path.add_argument("--save", metavar="NAME", help="save the path as a playlist")

    recommend = action("recommend", cmd_recommend, "tracks to suggest for a playlist")
    recommend.add_argument("playlist", metavar="PLAYLIST")
    recommend.add_argument("-k", type=int, default=10, metavar="N", help="how many")
    recommend.add_argument("--accept", metavar="TRACK", help="add a suggested track")
    recommend.add_argument("--reject", metavar="TRACK", help="never suggest it again here")

    importing = action("import", cmd_import, "a playlist from an M3U, M3U8 or PLS file")
    importing.add_argument("file", metavar="FILE")
    importing.add_argument("--name", metavar="NAME", help="default: the file's name")

    export = action("export", cmd_export, "write FILE (.m3u/.m3u8/.pls) or copy to a folder")
    export.add_argument("playlist", metavar="PLAYLIST")
    export.add_argument("file", nargs="?", metavar="FILE")
    export.add_argument("--absolute", action="store_true", help="absolute paths in FILE")
    export.add_argument("--to-folder", metavar="DIR", help="copy the files and a playlist there")
    export.add_argument("--format", choices=("m3u8", "m3u", "pls"), default="m3u8")

    play = action("play", cmd_play, "play the tracks in order (Ctrl-C stops)")
    play.add_argument("playlist", metavar="PLAYLIST")
    play.add_argument("--start", type=int, default=1, metavar="POSITION", help="start here")
    play.add_argument("--seconds", type=float, metavar="S", help="play only S s of each track")
    play.add_argument("--device", metavar="NAME", help="audio output device (name or number)")
    play.add_argument("--buffer", type=int, default=256, metavar="N", help="buffer in frames")
