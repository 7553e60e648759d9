"""`museaud pattern …`: make, generate, import, export, browse, fork and rate beat patterns."""

from __future__ import annotations

import argparse
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from museaud.cli.common import EXIT_USAGE, CommandError, print_json, short_id
from museaud.music.keys import spell_pitch
from museaud.music.pitch import pitch_class
from museaud.patterns.model import PatternError
from museaud.patterns.service import (
    SavedPattern,
    delete_pattern,
    fork_pattern,
    list_patterns,
    load_pattern,
    rate_pattern,
    save_pattern,
)
from museaud.store.models.patterns import Pattern


def _pattern_id(session: Session, text: str) -> uuid.UUID:
    from museaud.cli.common import resolve_id  # noqa: PLC0415

    return resolve_id(session, Pattern.id, text)


def _key(text: str) -> tuple[int, str | None]:
    """A key like 'C', 'F#', 'Bb', 'Am' or 'C#m' -> (pitch class, 'minor' or None)."""
    scale = None
    name = text.strip()
    if name.endswith("m") and len(name) > 1:
        name, scale = name[:-1], "minor"
    try:
        return pitch_class(name), scale
    except ValueError as error:
        raise CommandError(str(error), EXIT_USAGE) from error


def _show(saved: list[SavedPattern], as_json: bool) -> None:
    if as_json:
        print_json([item.summary() for item in saved])
        return
    for item in saved:
        p = item.pattern
        tonic = spell_pitch(p.key_note, p.key_note, p.scale)
        print(
            f"{short_id(item.id)}  {p.title:<32.32} {p.kind:<6} {p.flavor or '-':<12.12} "
            f"{p.bpm:>6.1f} bpm  {tonic} {p.scale:<6.6} {p.bars} bar(s)  {item.origin}"
        )


def cmd_list(app: Any, args: argparse.Namespace) -> None:
    with app.session() as session:
        forks_of = _pattern_id(session, args.forks_of) if args.forks_of else None
        found = list_patterns(
            session,
            origin=args.origin,
            engine_name=args.engine,
            flavor=args.flavor,
            forks_of=forks_of,
            limit=args.limit,
        )
    _show(found, args.json)


def cmd_show(app: Any, args: argparse.Namespace) -> None:
    with app.session() as session:
        saved = load_pattern(session, _pattern_id(session, args.id))
    if args.json:
        summary = saved.summary()
        summary["parts"] = [
            {
                "instrument": part.instrument,
                "enabled": part.enabled,
                "active_program": part.active_program,
                "programs": [program.name for program in part.programs],
                "volume": part.volume,
                "pan": part.pan,
                "pitch_offset": part.pitch_offset,
                "follows_clave": part.follows_clave,
                "notes": [
                    {"step": n.step, "pitch": n.pitch, "velocity": n.velocity, "length": n.length}
                    for n in part.notes
                ],
            }
            for part in saved.pattern.parts
        ]
        print_json(summary)
    else:
        _show([saved], False)
        from museaud.patterns.flavors import grid  # noqa: PLC0415

        for part in saved.pattern.parts:
            state = "" if part.enabled else "  (off)"
            print(f"  {part.instrument:<14} {grid(part, saved.pattern)}{state}")


def cmd_new(app: Any, args: argparse.Namespace) -> None:
    from museaud.patterns.flavors import build_pattern  # noqa: PLC0415

    key_note, scale = _key(args.key) if args.key else (None, None)
    try:
        pattern = build_pattern(
            args.flavor, bpm=args.bpm, key_note=key_note or 0, clave=args.clave, bars=args.bars
        )
    except KeyError as error:
        raise CommandError(str(error.args[0]), EXIT_USAGE) from error
    if args.title or scale:
        from dataclasses import replace  # noqa: PLC0415

        pattern = replace(pattern, title=args.title or pattern.title, scale=scale or pattern.scale)
    with app.session() as session:
        pattern_id = save_pattern(session, pattern)
        saved = load_pattern(session, pattern_id)
    _show([saved], args.json)


def cmd_generate(app: Any, args: argparse.Namespace) -> None:
    from museaud.patterns.generation import GenerationSession  # noqa: PLC0415
    from museaud.patterns.generators import GenerationError, GenerationRequest  # noqa: PLC0415

    if args.count < 1:
        raise CommandError(f"--count must be at least 1, not {args.count}", EXIT_USAGE)
    key_note, key_scale = _key(args.key)
    if args.instead_of and args.count != 1:
        raise CommandError("--instead-of makes one pattern; leave out --count", EXIT_USAGE)
    made = []
    with app.session() as session:
        # a result instead of one without a verdict: that one did not convince (regenerated)
        waiting = _pattern_id(session, args.instead_of) if args.instead_of else None
        for offset in range(args.count):
            try:
                request = GenerationRequest(
                    engine=args.engine,
                    style=args.flavor,
                    key_note=key_note,
                    scale=args.scale or key_scale,
                    bpm=args.bpm,
                    bars=args.bars,
                    complexity=args.complexity,
                    density=args.density,
                    swing=args.swing,
                    humanize=args.humanize,
                    seed=args.seed + offset,
                    steps_per_beat=args.steps_per_beat,
                    clave=args.clave,
                )
                sitting = GenerationSession(waiting)
                made.append(sitting.generate(session, request, steer=not args.no_steer))
            except GenerationError as error:
                raise CommandError(str(error), EXIT_USAGE) from error
    if args.json:
        print_json(made[0].summary() if args.count == 1 else [g.summary() for g in made])
        return
    for generated in made:
        p = generated.pattern
        print(
            f"{short_id(generated.id)}  {p.title}  quality {generated.generation.quality_score:.2f}"
            f"  made in {generated.generation.generation_time_ms:.2f} ms"
        )


def cmd_similar(app: Any, args: argparse.Namespace) -> None:
    from museaud.patterns.generation import similar_patterns  # noqa: PLC0415

    with app.session() as session:
        found = similar_patterns(
            session, _pattern_id(session, args.id), k=args.k, engine=args.engine
        )
    if args.json:
        print_json([{**saved.summary(), "distance": distance} for saved, distance in found])
        return
    for saved, distance in found:
        print(f"{distance:.4f}  ", end="")
        _show([saved], False)


def cmd_fork(app: Any, args: argparse.Namespace) -> None:
    with app.session() as session:
        fork_id = fork_pattern(session, _pattern_id(session, args.id), title=args.title)
        saved = load_pattern(session, fork_id)
    _show([saved], args.json)


def cmd_rate(app: Any, args: argparse.Namespace) -> None:
    from museaud.patterns.generation import GenerationSession  # noqa: PLC0415

    with app.session() as session:
        pattern_id = _pattern_id(session, args.id)
        rate_pattern(session, pattern_id, args.rating)  # checks 1-5 with a clear message
        GenerationSession(pattern_id).judge(session, args.rating, args.action)
        saved = load_pattern(session, pattern_id)
    _show([saved], args.json)


def cmd_delete(app: Any, args: argparse.Namespace) -> None:
    with app.session() as session:
        pattern_id = _pattern_id(session, args.id)
        delete_pattern(session, pattern_id)
    if args.json:
        print_json({"deleted": str(pattern_id)})


def cmd_export(app: Any, args: argparse.Namespace) -> None:
    from museaud.patterns.midifile import MidiFileError, export_midi  # noqa: PLC0415

    target = Path(args.file)
    if target.suffix.lower() not in (".mid", ".midi"):
        raise CommandError(f"{target}: export writes MIDI files; name it .mid", EXIT_USAGE)
    with app.session() as session:
        patterns = [load_pattern(session, _pattern_id(session, i)).pattern for i in args.ids]
    try:
        export_midi(patterns, target)
    except MidiFileError as error:
        raise CommandError(str(error)) from error
    except OSError as error:
        raise CommandError(f"cannot write {target}: {error.strerror or error}") from error
    if args.json:
        print_json({"file": str(target), "patterns": args.ids})
    else:
        print(f"wrote {target} ({len(patterns)} pattern(s))")


def cmd_import(app: Any, args: argparse.Namespace) -> None:
    from museaud.patterns.files import PatternFileError, read_pattern_file  # noqa: PLC0415

    source = Path(args.file)
    if not source.is_file():
        raise CommandError(f"{source}: no such file")
    try:
        patterns = read_pattern_file(source)
    except (*PatternFileError, PatternError) as error:
        raise CommandError(str(error)) from error
    with app.session() as session:
        ids = [save_pattern(session, pattern, origin="imported") for pattern in patterns]
        saved = [load_pattern(session, pattern_id) for pattern_id in ids]
    _show(saved, args.json)


def _run(handler: Any) -> Any:
    def run(args: argparse.Namespace) -> int:
        from museaud.app import App  # noqa: PLC0415

        with App.open() as app:
            try:
                handler(app, args)
            except PatternError as error:
                raise CommandError(str(error), EXIT_USAGE) from error
            except LookupError as error:
                raise CommandError(str(error.args[0] if error.args else error)) from error
        return 0

    return run


def add_commands(commands: Any) -> None:
    """Register `museaud pattern …` on the main parser's subcommands."""
    pattern = commands.add_parser("pattern", help="beat patterns: new, generate, import, export …")
    sub = pattern.add_subparsers(dest="pattern_command", metavar="ACTION", required=True)

    def action(name: str, handler: Any, help: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = sub.add_parser(name, help=help)
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.set_defaults(handler=_run(handler))
        return parser

    listing = action("list", cmd_list, "list stored patterns, newest first")
    listing.add_argument("--origin", choices=("user", "generated", "imported", "fork"))
    listing.add_argument("--engine", choices=("drums", "bass", "chords", "melody"))
    listing.add_argument("--flavor")
    listing.add_argument("--forks-of", metavar="ID", help="only forks of this pattern")
    listing.add_argument("--limit", type=int, default=200)

    action("show", cmd_show, "show one pattern and its grid").add_argument("id")

    new = action("new", cmd_new, "make a pattern from a flavour's rhythms")
    new.add_argument("--flavor", required=True, help="Salsa, Merengue, Bachata, House …")
    new.add_argument("--bpm", type=float)
    new.add_argument("--key", help="C, F#, Bb, Am …")
    new.add_argument("--clave", choices=("2-3", "3-2"))
    new.add_argument("--bars", type=int)
    new.add_argument("--title")

    generate = action("generate", cmd_generate, "generate drums, bass, chords or a melody")
    generate.add_argument("--engine", required=True, choices=("drums", "bass", "chords", "melody"))
    generate.add_argument(
        "--flavor",
        "--style",
        dest="flavor",
        required=True,
        help="salsa, merengue, house, funk, jazz …",
    )
    generate.add_argument("--key", default="C", help="C, F#, Bb, Am … (default C)")
    generate.add_argument("--scale", help="major, minor, dorian … (default: the key's or style's)")
    generate.add_argument("--bpm", type=float, help="default: the style's tempo")
    generate.add_argument("--bars", type=int, default=4)
    generate.add_argument("--complexity", type=float, default=0.5, help="0-1")
    generate.add_argument("--density", type=float, default=0.5, help="0-1")
    generate.add_argument("--swing", type=float, default=0.0, help="0-0.75")
    generate.add_argument("--humanize", type=float, default=0.3, help="0-1")
    generate.add_argument("--seed", type=int, default=1, help="same seed, same pattern")
    generate.add_argument("--steps-per-beat", type=int, default=4)
    generate.add_argument("--clave", choices=("2-3", "3-2"))
    generate.add_argument("--count", type=int, default=1, help="how many (seeds seed, seed+1 …)")
    generate.add_argument(
        "--no-steer", action="store_true", help="ignore what your ratings taught (plain generation)"
    )
    generate.add_argument(
        "--instead-of",
        metavar="ID",
        help="a new result instead of this generated one, which did not convince "
        "(recorded as regenerated)",
    )

    similar = action("similar", cmd_similar, "patterns that sound like this one")
    similar.add_argument("id")
    similar.add_argument("-k", type=int, default=10, help="how many (default 10)")
    similar.add_argument(
        "--engine",
        choices=("beat", "drums", "bass", "chords", "melody"),
        help="only this kind of pattern",
    )

    fork = action("fork", cmd_fork, "copy a pattern as your own fork")
    fork.add_argument("id")
    fork.add_argument("--title")

    rate = action("rate", cmd_rate, "rate a pattern 1-5 (steers later generations)")
    rate.add_argument("id")
    rate.add_argument("rating", type=float)
    rate.add_argument("--action", choices=("kept", "regenerated", "modified", "discarded"))

    delete = action("delete", cmd_delete, "delete a pattern")
    delete.add_argument("id")

    export = action("export", cmd_export, "write patterns to a type-1 MIDI file")
    export.add_argument("ids", nargs="+", metavar="ID")
    export.add_argument("file", metavar="FILE.mid")

    importing = action("import", cmd_import, "import a MIDI file (type 0/1) or a Hydrogen .h2song")
    importing.add_argument("file")
