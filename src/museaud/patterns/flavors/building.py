"""Patterns built from a flavour, and turned to the other clave direction.

Clave-based flavours are written in 2-3. The 3-2 version of a percussion part is the same part
started one bar later; `with_clave()` rotates exactly the parts whose bars differ (the ones tied to
the clave). A pitched part tied to the clave (a montuno, a guajeo) is not rotated, which would
start 3-2 on the second chord of the progression: its two bars trade rhythms and its notes are laid
in their order onto the traded rhythm, so the chords keep their order and the 3-side bar starts on
I (the rule of lewang/The-SalsaNor-beat-machine, engine/clave-direction.ts). Trading twice gives
the part back.
"""

from __future__ import annotations

from dataclasses import replace

from museaud.patterns.flavors.catalogue import flavor
from museaud.patterns.flavors.model import WRITTEN_CLAVE, Flavor, FlavorPart
from museaud.patterns.instruments import INSTRUMENTS
from museaud.patterns.model import (
    CLAVE_DIRECTIONS,
    BeatPattern,
    Note,
    Part,
    PatternError,
    Program,
)


def _tied_to_clave(flavor: Flavor, part: FlavorPart) -> bool:
    """True when some program's two bars differ: turning the clave around must move it."""
    if flavor.clave is None:
        return False
    bar = flavor.steps_per_bar
    for program in part.programs:
        first = {n for n in program.notes if n.step < bar}
        second = {replace(n, step=n.step - bar) for n in program.notes if n.step >= bar}
        if first != second:
            return True
    return False


def _tiled(notes: tuple[Note, ...], phrase_steps: int, total_steps: int) -> tuple[Note, ...]:
    tiled = [
        replace(note, step=note.step + start)
        for start in range(0, total_steps, phrase_steps)
        for note in notes
        if note.step + start < total_steps
    ]
    return tuple(sorted(tiled))


def build_pattern(
    flavor_name: str,
    *,
    bpm: float | None = None,
    key_note: int = 0,
    clave: str | None = None,
    bars: int | None = None,
) -> BeatPattern:
    """A playable pattern of the flavour: every instrument with all its programs, the first one
    active, at the flavour's tempo and clave unless told otherwise. PatternError says what does
    not fit (a clave for a style without one, an odd bar count for a clave style, bpm 300 …)."""
    style = flavor(flavor_name)
    if clave is not None:
        if style.clave is None:
            raise PatternError(f"{style.name} is not played in clave; leave the clave unset")
        if clave not in CLAVE_DIRECTIONS:
            raise PatternError(f"clave {clave!r} is not 2-3 or 3-2")
    length = style.bars if bars is None else bars
    if style.clave is not None and (length < 1 or length % style.bars):
        raise PatternError(
            f"{style.name} needs a whole number of {style.bars}-bar clave phrases, "
            f"not {length} bars"
        )
    if length < 1:
        raise PatternError(f"{style.name}: {length} bars is not a length")
    total = length * style.steps_per_bar
    parts = tuple(
        Part(
            instrument=fp.instrument,
            programs=tuple(
                Program(p.name, _tiled(p.notes, style.total_steps, total)) for p in fp.programs
            ),
            active_program=0,
            enabled=fp.enabled,
            volume=fp.volume,
            pan=fp.pan,
            follows_clave=_tied_to_clave(style, fp),
        )
        for fp in style.parts
    )
    pattern = BeatPattern(
        title=f"{style.name} groove",
        flavor=style.name,
        bpm=float(style.bpm if bpm is None else bpm),
        parts=parts,
        key_note=key_note,
        scale=style.scale,
        beats_per_bar=style.beats_per_bar,
        beat_unit=style.beat_unit,
        bars=length,
        steps_per_beat=style.steps_per_beat,
        clave=WRITTEN_CLAVE if style.clave is not None else None,
        description=style.description,
        metadata={"flavor_key": style.key},
    )
    wanted = clave or style.clave
    if wanted is not None and wanted != WRITTEN_CLAVE:
        pattern = with_clave(pattern, wanted)
    return pattern.validated()


def traded_bars(notes: tuple[Note, ...], bar_steps: int, total_steps: int) -> tuple[Note, ...]:
    """A guajeo in the other clave direction: in each two-bar cell the bars trade rhythms and the
    notes keep their order (the k-th onset's notes move to the k-th onset of the traded rhythm).
    A note is shortened where it would run into the next note of its pitch or past the end."""
    cell = 2 * bar_steps
    full = total_steps - total_steps % cell
    moved: dict[int, int] = {}
    for start in range(0, full, cell):
        onsets = sorted({n.step for n in notes if start <= n.step < start + cell})
        traded = sorted(start + (step - start + bar_steps) % cell for step in onsets)
        moved.update(zip(onsets, traded, strict=True))
    placed = sorted(replace(n, step=moved.get(n.step, n.step)) for n in notes)
    result: list[Note] = []
    for index, note in enumerate(placed):
        following = [n.step for n in placed[index + 1 :] if n.pitch == note.pitch]
        limit = min([*following, total_steps]) - note.step
        result.append(replace(note, length=max(1, min(note.length, limit))))
    return tuple(result)


def with_clave(pattern: BeatPattern, direction: str) -> BeatPattern:
    """The pattern turned to the other clave direction: every percussion part that follows the
    clave is rotated by one bar (3-2 starts where 2-3 had its second bar), every pitched one has
    its bars trade rhythms with the chords kept in order (traded_bars); the others stay."""
    if direction not in CLAVE_DIRECTIONS:
        raise PatternError(f"clave {direction!r} is not 2-3 or 3-2")
    if pattern.clave is None:
        raise PatternError(f"{pattern.title!r} is not in clave")
    if direction == pattern.clave:
        return pattern
    total = pattern.total_steps
    shift = -pattern.steps_per_bar if direction == "3-2" else pattern.steps_per_bar

    bar = pattern.steps_per_bar

    def rotated(part: Part) -> Part:
        spec = INSTRUMENTS.get(part.instrument)
        trade = spec is not None and not spec.is_percussion and pattern.bars % 2 == 0
        programs = tuple(
            replace(
                program,
                notes=traded_bars(program.notes, bar, total)
                if trade
                else tuple(
                    sorted(replace(n, step=(n.step + shift) % total) for n in program.notes)
                ),
            )
            for program in part.programs
        )
        return replace(part, programs=programs)

    parts = tuple(rotated(p) if p.follows_clave else p for p in pattern.parts)
    return replace(pattern, parts=parts, clave=direction)
