"""`museaud project …` and `museaud song …`: projects, arrangements, the mixer, mixdown, undo."""

from __future__ import annotations

import argparse
import sys
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from museaud.cli.common import EXIT_USAGE, CommandError, print_json, resolve_id, short_id
from museaud.music.pitch import pitch_class
from museaud.songs import arrangement as arr
from museaud.songs import history, projects
from museaud.songs.errors import SongError
from museaud.store.models.library import Track
from museaud.store.models.patterns import Pattern
from museaud.store.models.songs import Project, Song, SongClip


def _key(text: str) -> tuple[int, str | None]:
    """'C', 'F#', 'Bb', 'Am' -> (pitch class, 'minor' or None)."""
    name, scale = text.strip(), None
    if name.endswith("m") and len(name) > 1:
        name, scale = name[:-1], "minor"
    try:
        return pitch_class(name), scale
    except ValueError as error:
        raise CommandError(str(error), EXIT_USAGE) from error


def _project_id(session: Session, text: str) -> uuid.UUID:
    return resolve_id(session, Project.id, text)


def _song_id(session: Session, text: str) -> uuid.UUID:
    return resolve_id(session, Song.id, text)


def _clip_id(session: Session, text: str) -> uuid.UUID:
    return resolve_id(session, SongClip.id, text)


def _beat(song: arr.SongView, bar: float) -> float:
    """A bar number as people count (1 is the first bar) -> beats from the start."""
    if bar < 1:
        raise CommandError(f"bars count from 1, got {bar:g}", EXIT_USAGE)
    return (bar - 1) * song.beats_per_bar


# -- project ------------------------------------------------------------------------------


def _print_project(info: projects.ProjectInfo) -> None:
    tempo = f"{info.tempo_bpm:g} bpm" if info.tempo_bpm else "-"
    print(
        f"{short_id(info.id)}  {info.name:<32.32} {info.stage:<9} {info.status:<8} {tempo:>9}  "
        f"{len(info.song_ids)} song(s), {len(info.pattern_ids)} pattern(s)"
    )


def cmd_project_new(app: Any, args: argparse.Namespace) -> None:
    key_note, scale = _key(args.key) if args.key else (None, None)
    with app.session() as session:
        project_id = projects.create_project(
            session,
            args.name,
            key_note=key_note,
            scale=scale or ("major" if args.key else None),
            tempo_bpm=args.bpm,
            stage=args.stage,
            style_tags=[tag.strip() for tag in (args.tags or "").split(",") if tag.strip()],
            notes=args.notes,
        )
        info = projects.project(session, project_id)
    print_json(info.summary()) if args.json else _print_project(info)


def cmd_project_list(app: Any, args: argparse.Namespace) -> None:
    with app.session() as session:
        found = projects.list_projects(session, archived=args.archived, trash=args.trash)
    if args.json:
        print_json([info.summary() for info in found])
    for info in [] if args.json else found:
        _print_project(info)


def cmd_project_show(app: Any, args: argparse.Namespace) -> None:
    with app.session() as session:
        info = projects.project(session, _project_id(session, args.id))
        titles = [arr.song_view(session, song).title for song in info.song_ids]
    if args.json:
        print_json(info.summary())
        return
    _print_project(info)
    if info.notes:
        print(f"  notes: {info.notes}")
    for song_id, title in zip(info.song_ids, titles, strict=True):
        print(f"  song {short_id(song_id)}  {title}")


def cmd_project_rename(app: Any, args: argparse.Namespace) -> None:
    with app.session() as session:
        projects.update_project(session, _project_id(session, args.id), name=args.name)
    print(f"renamed to {args.name.strip()!r}")


def cmd_project_archive(app: Any, args: argparse.Namespace) -> None:
    with app.session() as session:
        projects.archive_project(session, _project_id(session, args.id), archived=not args.restore)
    print("brought back" if args.restore else "archived")


def cmd_project_delete(app: Any, args: argparse.Namespace) -> None:
    with app.session() as session:
        project_id = _project_id(session, args.id)
        if args.restore:
            projects.restore_project(session, project_id)
        else:
            projects.delete_project(session, project_id)
    print("restored from the trash" if args.restore else "moved to the trash")


# -- song ---------------------------------------------------------------------------------


def _print_song(song: arr.SongView) -> None:
    bar = song.beats_per_bar
    print(
        f"{short_id(song.id)}  {song.title}  {song.bpm} bpm  {song.time_signature}  "
        f"{song.length_bars} bars  master {song.master_volume:g}"
    )
    for beat, kind, name in song.markers:
        print(f"  bar {beat / bar + 1:>5g}  [{kind}]{' ' + name if name else ''}")
    for lane in song.lanes:
        flags = "".join((" M" if lane.muted else "", " S" if lane.solo else ""))
        eq = lane.eq
        print(
            f"  lane {lane.name!r} ({lane.kind}) vol {lane.volume:g} pan {lane.pan:+g} "
            f"eq {eq.low_db:+g}/{eq.mid_db:+g}@{eq.mid_hz:g}/{eq.high_db:+g} dB{flags}"
        )
        for clip in lane.clips:
            if clip.pattern_id is not None:
                source = f"pattern {short_id(clip.pattern_id)}"
            else:
                source = clip.audio_path or "deleted track"
            missing = "  MISSING" if clip.missing else ""
            print(
                f"    {short_id(clip.id)}  bars {clip.start_beat / bar + 1:g}-"
                f"{clip.end_beat / bar + 1:g}  {source}  gain {clip.gain:g}  "
                f"fades {clip.fade_in_s:g}/{clip.fade_out_s:g} s{missing}"
            )


def cmd_song_new(app: Any, args: argparse.Namespace) -> None:
    key_note, scale = _key(args.key) if args.key else (None, None)
    with app.session() as session:
        project_id = _project_id(session, args.project) if args.project else None
        song_id = arr.create_song(
            session,
            args.title,
            project_id=project_id,
            bpm=args.bpm,
            key_note=key_note,
            scale=scale or ("major" if args.key else None),
            time_signature=args.time_signature,
            length_bars=args.bars,
        )
        song = arr.song_view(session, song_id)
    print_json(song.summary()) if args.json else _print_song(song)


def cmd_song_show(app: Any, args: argparse.Namespace) -> None:
    with app.session() as session:
        song = arr.song_view(session, _song_id(session, args.id))
    print_json(song.summary()) if args.json else _print_song(song)


def cmd_song_add_clip(app: Any, args: argparse.Namespace) -> None:
    with app.session() as session:
        song = arr.song_view(session, _song_id(session, args.song))
        pattern_id = resolve_id(session, Pattern.id, args.pattern) if args.pattern else None
        track_id = resolve_id(session, Track.id, args.track) if args.track else None
        if args.file:
            from museaud.songs.mixdown import add_to_library  # noqa: PLC0415

            path = Path(args.file).expanduser().resolve()
            if not path.is_file():
                raise CommandError(f"{path}: no such audio file")
            track_id = add_to_library(session, path, origin="stem", title=path.stem)
        clip_id = arr.add_clip(
            session,
            song.id,
            args.lane,
            start_beat=_beat(song, args.bar),
            length_beats=args.bars * song.beats_per_bar,
            pattern_id=pattern_id,
            audio_track_id=track_id,
            source_offset_s=args.offset,
            gain=args.gain,
            fade_in_s=args.fade_in,
            fade_out_s=args.fade_out,
            lane_kind=args.kind,
        )
    print(f"added clip {short_id(clip_id)} on lane {args.lane!r} at bar {args.bar:g}")


def cmd_song_move_clip(app: Any, args: argparse.Namespace) -> None:
    with app.session() as session:
        clip_id = _clip_id(session, args.clip)
        song = arr.song_of_clip(session, clip_id)
        start = None if args.bar is None else _beat(song, args.bar)
        arr.move_clip(session, clip_id, start_beat=start, lane=args.lane)
    print(f"moved clip {short_id(clip_id)}")


def cmd_song_remove_clip(app: Any, args: argparse.Namespace) -> None:
    with app.session() as session:
        clip_id = _clip_id(session, args.clip)
        arr.remove_clip(session, clip_id)
    print(f"removed clip {short_id(clip_id)}")


def cmd_song_split_clip(app: Any, args: argparse.Namespace) -> None:
    with app.session() as session:
        clip_id = _clip_id(session, args.clip)
        song = arr.song_of_clip(session, clip_id)
        right = arr.split_clip(session, clip_id, _beat(song, args.bar))
    print(f"split at bar {args.bar:g}: the right part is clip {short_id(right)}")


def cmd_song_marker(app: Any, args: argparse.Namespace) -> None:
    with app.session() as session:
        song = arr.song_view(session, _song_id(session, args.song))
        if args.remove:
            arr.remove_marker(session, song.id, _beat(song, args.bar))
        else:
            if args.section is None:
                raise CommandError("give the section (intro, verse, chorus …)", EXIT_USAGE)
            arr.set_marker(session, song.id, _beat(song, args.bar), args.section, args.name)
    print("marker removed" if args.remove else f"bar {args.bar:g} is {args.section}")


def cmd_song_mix(app: Any, args: argparse.Namespace) -> None:
    from museaud.audio.dsp import EqSettings  # noqa: PLC0415

    with app.session() as session:
        song = arr.song_view(session, _song_id(session, args.song))
        if args.master is not None:
            arr.set_song(session, song.id, master_volume=args.master)
        if args.lane is not None:
            lane = song.lane(args.lane)
            bands = (args.low, args.mid, args.mid_hz, args.high)
            eq = None
            if any(band is not None for band in bands):
                eq = EqSettings(
                    low_db=lane.eq.low_db if args.low is None else args.low,
                    mid_db=lane.eq.mid_db if args.mid is None else args.mid,
                    mid_hz=lane.eq.mid_hz if args.mid_hz is None else args.mid_hz,
                    high_db=lane.eq.high_db if args.high is None else args.high,
                )
            arr.set_lane_mix(
                session,
                song.id,
                lane.id,
                volume=args.volume,
                pan=args.pan,
                eq=eq,
                muted=args.mute,
                solo=args.solo,
            )
        elif args.master is None:
            raise CommandError("give --lane NAME with settings, or --master VOLUME", EXIT_USAGE)
        shown = arr.song_view(session, song.id)
    print_json(shown.summary()) if args.json else _print_song(shown)


def cmd_song_sketch(app: Any, args: argparse.Namespace) -> None:
    from museaud.songs.sketch import sketch_from_generation, sketch_from_patterns  # noqa: PLC0415

    with app.session() as session:
        project_id = _project_id(session, args.project) if args.project else None
        if args.pattern:
            roles = {}
            for item in args.pattern:
                role, sep, text = item.partition("=")
                if not sep:
                    raise CommandError(f"{item!r} is not ROLE=PATTERN_ID", EXIT_USAGE)
                roles[role] = resolve_id(session, Pattern.id, text)
            song_id = sketch_from_patterns(session, args.title, roles, project_id=project_id)
        else:
            if args.style is None:
                raise CommandError("give --style STYLE, or --pattern ROLE=ID", EXIT_USAGE)
            key_note, scale = _key(args.key) if args.key else (None, None)
            song_id = sketch_from_generation(
                session,
                args.title,
                style=args.style,
                key_note=key_note,
                scale=scale,
                bpm=args.bpm,
                seed=args.seed,
                project_id=project_id,
            )
        song = arr.song_view(session, song_id)
    print_json(song.summary()) if args.json else _print_song(song)


class _ProgressBar:
    """A bar on stderr, redrawn when the percentage changes."""

    def __init__(self) -> None:
        self.shown = -1

    def __call__(self, done: int, total: int) -> None:
        percent = 100 * done // max(total, 1)
        if percent != self.shown:
            self.shown = percent
            filled = percent * 30 // 100
            sys.stderr.write(f"\rrendering [{'#' * filled}{'.' * (30 - filled)}] {percent:3d}%")
            if percent == 100:
                sys.stderr.write("\n")
            sys.stderr.flush()


def cmd_song_render(app: Any, args: argparse.Namespace) -> None:
    from museaud.songs.mixdown import (  # noqa: PLC0415
        MixdownOptions,
        add_mixdown_to_library,
        render_song,
    )

    options = MixdownOptions(
        sample_rate=args.rate,
        bit_depth=args.bits,
        target_lufs=None if args.no_normalize else args.lufs,
        ceiling_dbtp=args.ceiling,
        stems=args.stems,
        skip_missing=args.skip_missing,
    )
    with app.session() as session:
        song_id = _song_id(session, args.song)
        result = render_song(
            session,
            song_id,
            Path(args.out).expanduser(),
            options,
            progress=None if args.json else _ProgressBar(),
        )
        track = add_mixdown_to_library(session, song_id, result) if args.add_to_library else None
    summary = dict(result.summary(), library_track_id=str(track) if track else None)
    if args.json:
        print_json(summary)
        return
    print(
        f"wrote {result.path} ({result.duration_s:.1f} s, {result.integrated_lufs:.1f} LUFS, "
        f"{result.true_peak_dbtp:.1f} dBTP, gain {result.gain_db:+.1f} dB)"
    )
    for lane, path in result.stems.items():
        print(f"  stem {lane}: {path}")
    for line in result.skipped:
        print(f"  silent (missing): {line}")
    if track:
        print(f"added to the library as track {short_id(track)}")


def cmd_song_undo(app: Any, args: argparse.Namespace) -> None:
    with app.session() as session:
        song_id = _song_id(session, args.song)
        what = history.redo(session, song_id) if args.redo else history.undo(session, song_id)
    print(f"{'redid' if args.redo else 'undid'}: {what}")


def _run(handler: Any) -> Any:
    def run(args: argparse.Namespace) -> int:
        from museaud.app import App  # noqa: PLC0415

        with App.open() as app:
            try:
                handler(app, args)
            except SongError as error:
                raise CommandError(str(error)) from error
        return 0

    return run


def add_commands(commands: Any) -> None:
    """Register `museaud project …` and `museaud song …` on the main parser's subcommands."""
    project = commands.add_parser("project", help="projects: new, list, show, rename, archive …")
    project_sub = project.add_subparsers(dest="project_command", metavar="ACTION", required=True)
    song = commands.add_parser("song", help="songs: arrange clips, mix, sketch, render, undo …")
    song_sub = song.add_subparsers(dest="song_command", metavar="ACTION", required=True)

    def action(sub: Any, name: str, handler: Any, help: str, json: bool = False) -> Any:
        parser = sub.add_parser(name, help=help)
        if json:
            parser.add_argument("--json", action="store_true", help="print JSON")
        parser.set_defaults(handler=_run(handler))
        return parser

    new = action(project_sub, "new", cmd_project_new, "make a project", json=True)
    new.add_argument("name")
    new.add_argument("--key", help="C, F#, Bb, Am …")
    new.add_argument("--bpm", type=float)
    new.add_argument("--stage", default="idea", help="idea, writing, arranging, mixing, done")
    new.add_argument("--tags", help="style tags, comma-separated")
    new.add_argument("--notes")
    listing = action(project_sub, "list", cmd_project_list, "list projects", json=True)
    listing.add_argument("--archived", action="store_true", help="the archived ones")
    listing.add_argument("--trash", action="store_true", help="the ones in the trash")
    action(project_sub, "show", cmd_project_show, "show a project", json=True).add_argument("id")
    rename = action(project_sub, "rename", cmd_project_rename, "rename a project")
    rename.add_argument("id")
    rename.add_argument("name")
    archive = action(project_sub, "archive", cmd_project_archive, "archive a project")
    archive.add_argument("id")
    archive.add_argument("--restore", action="store_true", help="bring it back instead")
    delete = action(project_sub, "delete", cmd_project_delete, "move a project to the trash")
    delete.add_argument("id")
    delete.add_argument("--restore", action="store_true", help="take it out of the trash")

    new_song = action(song_sub, "new", cmd_song_new, "make an empty song", json=True)
    new_song.add_argument("title")
    new_song.add_argument("--project", metavar="ID")
    new_song.add_argument("--bpm", type=int, default=120)
    new_song.add_argument("--key", help="C, F#, Bb, Am …")
    new_song.add_argument("--time-signature", default="4/4")
    new_song.add_argument("--bars", type=int, default=32, help="the song's length (default 32)")
    action(
        song_sub, "show", cmd_song_show, "show a song's lanes, clips, markers", json=True
    ).add_argument("id")

    add = action(song_sub, "add-clip", cmd_song_add_clip, "place a pattern or audio clip")
    add.add_argument("song")
    add.add_argument("--lane", required=True, help="lane name (made when new)")
    source = add.add_mutually_exclusive_group(required=True)
    source.add_argument("--pattern", metavar="ID")
    source.add_argument("--track", metavar="ID", help="a library track")
    source.add_argument("--file", metavar="PATH", help="an audio file, added as a stem")
    add.add_argument("--bar", type=float, required=True, help="where it starts (1 = first bar)")
    add.add_argument("--bars", type=float, required=True, help="how long it lasts")
    add.add_argument("--offset", type=float, default=0.0, help="seconds into the source")
    add.add_argument("--gain", type=float, default=1.0, help="0-2")
    add.add_argument("--fade-in", type=float, default=0.0, help="seconds")
    add.add_argument("--fade-out", type=float, default=0.0, help="seconds")
    add.add_argument("--kind", default="instrumental", help="a new lane's kind (drums, bass …)")
    move = action(song_sub, "move-clip", cmd_song_move_clip, "move a clip in time or lane")
    move.add_argument("clip")
    move.add_argument("--bar", type=float)
    move.add_argument("--lane")
    action(song_sub, "remove-clip", cmd_song_remove_clip, "delete a clip").add_argument("clip")
    split = action(song_sub, "split-clip", cmd_song_split_clip, "cut a clip in two")
    split.add_argument("clip")
    split.add_argument("--bar", type=float, required=True)
    marker = action(song_sub, "marker", cmd_song_marker, "name the section from a bar on")
    marker.add_argument("song")
    marker.add_argument("section", nargs="?", help="intro, verse, chorus, bridge, outro …")
    marker.add_argument("--bar", type=float, required=True)
    marker.add_argument("--name")
    marker.add_argument("--remove", action="store_true")
    mix = action(
        song_sub, "mix", cmd_song_mix, "set a lane's volume, pan, EQ, mute, solo", json=True
    )
    mix.add_argument("song")
    mix.add_argument("--lane")
    mix.add_argument("--volume", type=float, help="0-2")
    mix.add_argument("--pan", type=float, help="-1 (left) .. 1 (right)")
    mix.add_argument("--low", type=float, help="low shelf dB")
    mix.add_argument("--mid", type=float, help="mid peak dB")
    mix.add_argument("--mid-hz", type=float, help="mid peak frequency")
    mix.add_argument("--high", type=float, help="high shelf dB")
    mix.add_argument("--mute", action=argparse.BooleanOptionalAction)
    mix.add_argument("--solo", action=argparse.BooleanOptionalAction)
    mix.add_argument("--master", type=float, help="the song's master volume 0-2")
    sketch = action(
        song_sub, "sketch", cmd_song_sketch, "arrange a first song in one step", json=True
    )
    sketch.add_argument("title")
    sketch.add_argument("--style", help="generate drums, bass, chords, melody in this style")
    sketch.add_argument("--key", help="default: the project's key, else C")
    sketch.add_argument("--bpm", type=float, help="default: the project's, else the style's")
    sketch.add_argument("--seed", type=int, default=1)
    sketch.add_argument("--pattern", action="append", metavar="ROLE=ID", help="drums=ID …")
    sketch.add_argument("--project", metavar="ID")
    render = action(song_sub, "render", cmd_song_render, "mix down to WAV or FLAC", json=True)
    render.add_argument("song")
    render.add_argument("out", help="a .wav or .flac file")
    render.add_argument("--rate", type=int, default=48000, choices=(44100, 48000))
    render.add_argument("--bits", type=int, default=24, choices=(16, 24))
    render.add_argument("--lufs", type=float, default=-14.0, help="loudness target")
    render.add_argument("--no-normalize", action="store_true", help="keep the mix's level")
    render.add_argument("--ceiling", type=float, default=-1.0, help="true-peak ceiling, dBTP")
    render.add_argument("--stems", action="store_true", help="also one file per lane")
    render.add_argument("--skip-missing", action="store_true", help="missing files play silent")
    render.add_argument("--add-to-library", action="store_true")
    undo = action(song_sub, "undo", cmd_song_undo, "undo the song's last edit")
    undo.add_argument("song")
    undo.set_defaults(redo=False)
    redo = action(song_sub, "redo", cmd_song_undo, "redo the last undone edit")
    redo.add_argument("song")
    redo.set_defaults(redo=True)
