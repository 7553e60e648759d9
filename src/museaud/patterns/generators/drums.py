"""The drum engine: Latin percussion from the beat machine's flavours, varied; kit grooves for
the producer styles.

Latin styles start from the flavour's documented parts (museaud.patterns.flavors): the clave is
never touched; density picks sparser or busier programs and leaves out the optional shakers;
complexity adds ghost strokes, open/slap variations after the first bar and a fill in the last
bar. Kit styles are written below as drum tabs, one line per instrument and tier: the core
always plays, the density tier comes in as density grows, the complexity tier with complexity,
then ghost snares, hat rolls, open hats and fills. Humanize varies velocities only: notes stay
on the grid and the player adds the timing share (kept in the metadata).
"""

from __future__ import annotations

import random
from dataclasses import replace
from functools import lru_cache

from museaud.patterns import flavors
from museaud.patterns.generators.common import (
    GenerationError,
    GenerationRequest,
    Style,
    base_metadata,
    humanized,
    untangled,
)
from museaud.patterns.instruments import INSTRUMENTS
from museaud.patterns.model import BeatPattern, Note, Part, Program

ALGORITHM = "museaud.drums/tab-tiers"

TAB_VELOCITY = {"X": 115, "x": 96, "o": 70, "g": 40}
"""Drum-tab letters: accent, normal, soft, ghost; '.' rests. One letter per sixteenth."""

KIT_GROOVES: dict[str, dict[str, tuple[str, str, str]]] = {
    # instrument: (core, density tier, complexity tier)
    "house": {
        "kick":       ("X...X...X...X...", "", ""),
        "clap":       ("....X.......X...", "", ""),
        "open_hat":   ("..x...x...x...x.", "", ""),
        "closed_hat": ("", "o...o...o...o...", "...o...o...o...o"),
        "shaker":     ("", "", "o.o.o.o.o.o.o.o."),
    },
    "techno": {
        "kick":       ("X...X...X...X...", "", ""),
        "open_hat":   ("..x...x...x...x.", "", ""),
        "clap":       ("", "....x.......x...", ""),
        "closed_hat": ("", "o...o...o...o...", ".o.o.o.o.o.o.o.o"),
        "tom_low":    ("", "", ".......o.......o"),
    },
    "hip_hop": {
        "kick":       ("X.........X.....", ".......x........", "..............o."),
        "snare":      ("....X.......X...", "", ""),
        "closed_hat": ("x.o.x.o.x.o.x.o.", "...........o...o", ".o.o.o.o........"),
        "open_hat":   ("", "", "......o........."),
    },
    "trap": {
        "kick":       ("X.........x.....", "......x.........", "...o..........o."),
        "snare":      ("........X.......", "", ""),
        "clap":       ("........X.......", "", ""),
        "closed_hat": ("x.x.x.x.x.x.x.x.", ".o.o.o.o.o.o.o.o", ""),
    },
    "rock": {
        "kick":       ("X.......X.......", "..........x.....", ".......o........"),
        "snare":      ("....X.......X...", "", "...............o"),
        "closed_hat": ("x.o.x.o.x.o.x.o.", ".o.o.o.o.o.o.o.o", ""),
    },
    "pop": {
        "kick":       ("X.......X.......", "......x.........", "...........o...."),
        "clap":       ("....X.......X...", "", ""),
        "closed_hat": ("x.o.x.o.x.o.x.o.", "", ".o.o.o.o.o.o.o.o"),
        "tambourine": ("", "....x.......x...", ""),
    },
    "funk": {
        "kick":       ("X.........x.....", "...x............", ".............o.."),
        "snare":      ("....X.......X...", "", ""),
        "closed_hat": ("x.o.x.o.x.o.x.o.", ".o.o.o.o.o.o.o.o", ""),
        "open_hat":   ("", "", "..............x."),
    },
    "reggaeton": {
        "kick":       ("X...X...X...X...", "", ""),
        "snare":      ("...x..x....x..x.", "", ""),
        "closed_hat": ("", "o.o.o.o.o.o.o.o.", ""),
        "timbales":   ("", "", "..............oo"),
    },
    "drum_and_bass": {
        "kick":       ("X.........X.....", "", ".......o........"),
        "snare":      ("....X.......X...", "", ""),
        "closed_hat": ("x.x.x.x.x.x.x.x.", ".o.o.o.o.o.o.o.o", ""),
        "ride":       ("", "", "..o...o...o...o."),
    },
}  # fmt: skip
"""The kit styles' grooves, the textbook drum-machine skeletons of each genre (as the flavours'
kits in docs/rhythms.md): house and techno four on the floor with off-beat open hats;
boom-bap hip-hop; trap with the half-time snare on 3; rock and pop backbeats; funk with
sixteenth hats; reggaeton's dembow (kick on every beat, snare on the 'a' of 1, the '&' of 2,
the 'a' of 3 and the '&' of 4); drum and bass two-step."""

GHOST_STYLES = ("funk", "hip_hop", "drum_and_bass")
"""Styles whose snare plays ghost notes between the backbeats as complexity grows."""
FILL_INSTRUMENTS = {
    "house": ("clap",),
    "techno": ("clap",),
    "trap": ("closed_hat",),
    "reggaeton": ("timbales",),
}
"""Fill voices for styles that do not fill on toms (the rest: snare, high, mid, floor tom)."""
TOM_FILL = ("snare", "tom_high", "tom_mid", "tom_low")
CYMBALS = ("closed_hat", "open_hat", "pedal_hat", "ride")

FILL_FROM = 0.45
"""Complexity from which the last bar ends with a fill (one beat; two beats from 0.75)."""

LATIN_OPTIONAL = ("maracas", "shaker", "guiro", "tambourine", "timbales", "bongo")
"""Latin parts left out first, in this order, as density falls below 0.4."""
LATIN_FILL = ("timbales", "conga", "bongo", "tambora", "bongo_bachata")
GHOST_STROKES = {"conga": "heel", "bongo": "low", "tambora": "muted"}
"""The soft stroke each hand drum fills the gaps with as complexity grows."""
SWAP_STROKES = {
    "conga": ("open", "slap", "mute"),
    "bongo": ("high", "low"),
    "bongo_bachata": ("high", "low"),
    "tambora": ("open", "slap"),
}
"""Strokes a hand drum may trade for one another (open for slap …); bells, shakers and the
timbales' cáscara keep their pattern."""
FILL_STROKES = {
    "timbales": ("high", "low"),
    "conga": ("slap", "open", "low_open"),
    "bongo": ("high", "low"),
    "bongo_bachata": ("high", "low"),
    "tambora": ("slap", "open"),
}
"""The drum heads a Latin fill runs over, in turn."""


def is_drum(instrument_id: str) -> bool:
    """True for percussion instruments (drum keys on channel 10), False for pitched ones."""
    known = INSTRUMENTS.get(instrument_id)
    return known is not None and known.is_percussion


def _clamp(value: float) -> float:
    return max(0.0, min(1.0, value))


def _tier_chances(request: GenerationRequest) -> tuple[float, float]:
    """How likely a density-tier and a complexity-tier note is to be played."""
    density_tier = _clamp(request.density * 1.5 - 0.25)
    complexity_tier = _clamp(request.complexity * 1.4 - 0.2) * (0.5 + 0.5 * request.density)
    return density_tier, complexity_tier


def _tab(line: str, rng: random.Random, chance: float) -> list[tuple[int, int]]:
    """The hits of a tab line, all of them with the given chance, else none: a drummer adds a
    figure (sixteenth hats, the ghosted kick), not scattered hits."""
    if not line or (chance < 1.0 and rng.random() >= chance):
        return []
    return [(pos, TAB_VELOCITY[letter]) for pos, letter in enumerate(line) if letter != "."]


def _kit(request: GenerationRequest, style: Style) -> tuple[Part, ...]:
    groove = KIT_GROOVES[style.name]
    rng = request.rng("drums")
    density_chance, complexity_chance = _tier_chances(request)
    sixteenth = request.steps_per_beat / 4
    bar_steps = request.steps_per_bar
    # below density 0.3 the cymbals may drop to the beat (quarter-note hats)
    sparse_cymbals = rng.random() < (0.3 - request.density) / 0.3
    main: dict[str, list[tuple[int, int]]] = {}
    for name, (core, dense, _complex) in groove.items():
        played = _tab(core, rng, 1.0)
        if sparse_cymbals and name in CYMBALS and any(pos % 4 == 0 for pos, _ in played):
            played = [(pos, velocity) for pos, velocity in played if pos % 4 == 0]
        main[name] = played + _tab(dense, rng, density_chance)
    hits: dict[str, dict[int, int]] = {name: {} for name in groove}
    kept: dict[str, list[tuple[int, int]]] = {}
    for bar in range(request.bars):
        varied = bar > 0 and rng.random() < 0.5 * request.complexity
        for name, (_core, _dense, complex_) in groove.items():
            if bar == 0 or varied:
                kept[name] = _tab(complex_, rng, complexity_chance)
            for pos, velocity in main[name] + kept[name]:
                step = bar * bar_steps + round(pos * sixteenth)
                hits[name][step] = max(velocity, hits[name].get(step, 0))
        if style.name in GHOST_STYLES and "snare" in hits:
            for pos in range(16):
                step = bar * bar_steps + round(pos * sixteenth)
                if (
                    pos % 4
                    and step not in hits["snare"]
                    and rng.random() < 0.3 * request.complexity
                ):
                    hits["snare"][step] = TAB_VELOCITY["g"]
        if style.name == "trap" and rng.random() < request.complexity - 0.3:
            beat = rng.randrange(4)
            for offset in range(request.steps_per_beat):
                step = bar * bar_steps + beat * request.steps_per_beat + offset
                hits["closed_hat"][step] = 60 + 40 * offset // request.steps_per_beat
    if request.bars >= 2 and request.complexity >= FILL_FROM:
        _fill(request, style, hits)
    if request.complexity >= 0.6:
        hits.setdefault("crash", {})[0] = TAB_VELOCITY["X"]
    if "open_hat" in hits and "closed_hat" in hits:
        for step in hits["open_hat"]:
            hits["closed_hat"].pop(step, None)  # one hi-hat: open chokes closed
    parts = []
    for name, steps in hits.items():
        if not steps:
            continue
        key = INSTRUMENTS[name].default_stroke
        ghost = INSTRUMENTS[name].strokes.get("ghost", key)
        notes = tuple(
            Note(
                step,
                ghost if velocity == TAB_VELOCITY["g"] else key,
                humanized(velocity, rng, request.humanize),
            )
            for step, velocity in sorted(steps.items())
            if step < request.total_steps
        )
        parts.append(Part(name, (Program("A", notes),)))
    return tuple(parts)


def _fill(request: GenerationRequest, style: Style, hits: dict[str, dict[int, int]]) -> None:
    """The last bar's fill: one beat (two from complexity 0.75) of sixteenths, crescendo, on
    the toms (snare, high, mid, floor) or the style's fill voice; hats rest under it."""
    beats = 2 if request.complexity >= 0.75 else 1
    sixteenth = request.steps_per_beat / 4
    start = request.total_steps - beats * request.steps_per_beat
    voices = FILL_INSTRUMENTS.get(style.name, TOM_FILL)
    for name in (*CYMBALS, "snare", "clap", *voices):
        if name in hits and name != "kick":
            for step in [s for s in hits[name] if s >= start]:
                del hits[name][step]
    count = beats * 4
    for index in range(count):
        step = start + round(index * sixteenth)
        voice = voices[min(len(voices) - 1, index * len(voices) // count)]
        hits.setdefault(voice, {})[step] = 80 + 35 * index // max(1, count - 1)


@lru_cache(maxsize=128)
def _flavor_percussion(
    key: str, clave: str | None, bars: int, factor: int
) -> tuple[BeatPattern, tuple[Part, ...]]:
    """The flavour's pattern and its percussion parts on a grid `factor` times finer (cached:
    building a flavour checks every program, and generation asks for the same few often)."""
    source = flavors.build_pattern(key, clave=clave, bars=bars)
    parts = tuple(
        replace(
            part,
            programs=tuple(
                replace(
                    program,
                    notes=tuple(
                        Note(n.step * factor, n.pitch, n.velocity, n.length * factor)
                        for n in program.notes
                    ),
                )
                for program in part.programs
            ),
        )
        for part in source.parts
        if is_drum(part.instrument)
    )
    return source, parts


def _latin(request: GenerationRequest, style: Style) -> tuple[BeatPattern, tuple[Part, ...]]:
    """The flavour's percussion, varied (see the module docstring)."""
    source_flavor = flavors.flavor(style.flavor or style.name)
    if source_flavor.clave is not None and request.bars % source_flavor.bars:
        raise GenerationError(
            f"{style.title} is played in {source_flavor.bars}-bar clave phrases: ask for a "
            f"multiple of {source_flavor.bars} bars, not {request.bars}"
        )
    clave = request.clave if source_flavor.clave is not None else None
    factor = 1
    if request.steps_per_beat % source_flavor.steps_per_beat == 0:
        factor = request.steps_per_beat // source_flavor.steps_per_beat
    source, parts = _flavor_percussion(source_flavor.key, clave, request.bars, factor)
    rng = request.rng("drums")
    optional = sorted(
        (p.instrument for p in parts if p.instrument in LATIN_OPTIONAL), key=LATIN_OPTIONAL.index
    )
    dropped = set(optional[: round(_clamp((0.4 - request.density) / 0.4) * len(optional))])
    steps_per_bar = source.steps_per_bar * factor
    total = source.bars * steps_per_bar
    joining = request.density >= 0.7  # the parts a flavour starts muted come in
    playing = {
        p.instrument for p in parts if (p.enabled or joining) and p.instrument not in dropped
    }
    fill_voice = next((name for name in LATIN_FILL if name in playing), None)
    dynamics = request.rng("velocity")  # humanize never changes which notes are played
    result = []
    for part in parts:
        programs = part.programs
        protected = part.instrument in style.protected
        active = part.active_program
        if not protected and len(programs) > 1:
            by_size = sorted(range(len(programs)), key=lambda i: (len(programs[i].notes), i))
            if request.density >= 0.65 and rng.random() < request.complexity + 0.3:
                active = by_size[-1]
            elif request.density <= 0.3:
                active = by_size[0]
        varied = replace(
            part,
            programs=programs,
            active_program=active,
            enabled=part.instrument in playing,
        )
        if varied.enabled:
            notes = list(varied.notes)
            if not protected:
                notes = untangled(
                    _latin_variations(
                        request,
                        varied,
                        rng,
                        (steps_per_bar, total),
                        varied.instrument == fill_voice,
                    )
                )
            played = [
                Note(n.step, n.pitch, humanized(n.velocity, dynamics, request.humanize), n.length)
                for n in notes
            ]
            renewed = list(varied.programs)
            renewed[active] = Program(renewed[active].name, tuple(played))  # already in order
            varied = replace(varied, programs=tuple(renewed))
        result.append(varied)
    return source, tuple(result)


def _latin_variations(
    request: GenerationRequest,
    part: Part,
    rng: random.Random,
    grid: tuple[int, int],
    fills: bool,
) -> list[Note]:
    """Ghost strokes, open/slap swaps after the first bar, and the last bar's fill."""
    steps_per_bar, total = grid
    instrument = INSTRUMENTS.get(part.instrument)
    notes = list(part.notes)
    if instrument is None or not instrument.strokes:
        return notes
    taken = {n.step for n in notes}
    sixteenth = steps_per_bar // 16 if steps_per_bar % 16 == 0 else max(1, steps_per_bar // 8)
    ghost_name = GHOST_STROKES.get(part.instrument)
    if ghost_name and ghost_name in instrument.strokes:
        chance = 0.35 * request.complexity * request.density
        for step in range(0, total, sixteenth):
            if step not in taken and step % (4 * sixteenth) and rng.random() < chance:
                notes.append(Note(step, instrument.strokes[ghost_name], 38))
    swappable = sorted(
        {
            instrument.strokes[n]
            for n in SWAP_STROKES.get(part.instrument, ())
            if n in instrument.strokes
        }
    )
    if len(swappable) > 1:
        swap = 0.15 * request.complexity
        for index, note in enumerate(notes):
            if (
                note.step >= steps_per_bar
                and note.step % (4 * sixteenth)
                and note.pitch in swappable
                and note.velocity > 50
                and rng.random() < swap
            ):
                others = [key for key in swappable if key != note.pitch]
                notes[index] = replace(note, pitch=rng.choice(others))
    heads = [
        instrument.strokes[n]
        for n in FILL_STROKES.get(part.instrument, ())
        if n in instrument.strokes
    ]
    if fills and heads and total // steps_per_bar >= 2 and request.complexity >= FILL_FROM:
        beats = 2 if request.complexity >= 0.75 else 1
        start = total - beats * 4 * sixteenth
        notes = [n for n in notes if n.step < start]
        count = beats * 4
        for index in range(count):
            velocity = 80 + 35 * index // (count - 1)
            notes.append(Note(start + index * sixteenth, heads[index % len(heads)], velocity))
    return notes


def generate_drums(request: GenerationRequest) -> BeatPattern:
    """A drum pattern (kind 'drums') in the request's style."""
    style = request.style_info
    metadata = base_metadata(request, ALGORITHM)
    if style.family == "latin":
        source, parts = _latin(request, style)
        steps_per_beat = request.steps_per_beat
        if request.steps_per_beat % source.steps_per_beat:
            steps_per_beat = source.steps_per_beat
            metadata["grid_note"] = f"kept the flavour's {steps_per_beat} steps per beat"
        metadata["flavor_source"] = source.flavor
        bars, clave = source.bars, source.clave
        beats_per_bar, beat_unit = source.beats_per_bar, source.beat_unit
    elif style.name in KIT_GROOVES:
        parts = _kit(request, style)
        steps_per_beat, bars, clave = request.steps_per_beat, request.bars, request.clave
        beats_per_bar, beat_unit = 4, 4
    else:  # pragma: no cover - every style is Latin or has a groove
        raise GenerationError(f"no drum groove for {style.name}")
    return BeatPattern(
        title=f"{style.title} drums",
        description=f"{style.title} drums, complexity {request.complexity:.2f}, "
        f"density {request.density:.2f}",
        flavor=style.name,
        bpm=request.tempo_bpm,
        parts=parts,
        key_note=request.key_note,
        scale=request.scale_name,
        beats_per_bar=beats_per_bar,
        beat_unit=beat_unit,
        bars=bars,
        steps_per_beat=steps_per_beat,
        clave=clave,
        swing=request.swing,
        kind="drums",
        metadata=metadata,
    )
