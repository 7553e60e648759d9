"""MIDI files in and out: patterns as a type-1 Standard MIDI File, and MIDI files of type 0 or 1 at
any resolution quantised into patterns.

Export writes a conductor track (tempo, time and key signatures, a marker per pattern) and one track
per instrument: percussion on channel 10 with the drum keys as stored, pitched parts on channels of
their own with a program change and their notes transposed to the key. A generated set is written
pattern after pattern. Swing is not baked into the grid: the notes sit on the straight grid and the
swing amount travels in a text meta event.

Round trip: what MIDI cannot say (swing, scale, pitch offset, exact volume and pan, instrument id,
program name, title, flavour, kind, clave, length in bars) is written as JSON in text meta events
('museaud:pattern …' on the conductor track, 'museaud:part …' on each instrument's track). Notes,
tempo, metre and key are always read from the MIDI events themselves; the text only fills in what
they leave open and is ignored where it disagrees with them (a file edited in a DAW).

MIDI cannot hold two overlapping notes of the same key on one channel. Within a pattern's part the
model refuses them; a note ringing past the end of a pattern into the next one (or the next repeat)
ends where the next note of its key starts, as a synthesiser plays it.
"""

from __future__ import annotations

import io
import json
import math
import os
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import Any, TypeVar

import mido

from museaud.music.keys import key_name
from museaud.music.pitch import pitch_class
from museaud.music.scales import is_minor_scale
from museaud.patterns.instruments import DRUM_CHANNEL, INSTRUMENTS, Instrument
from museaud.patterns.model import (
    BEAT_BPM_MAX,
    BEAT_BPM_MIN,
    CLAVE_DIRECTIONS,
    MAX_BARS,
    STEPS_PER_BEAT_CHOICES,
    BeatPattern,
    Note,
    Part,
    PatternError,
    Program,
)

PATTERN_TEXT = "museaud:pattern "
PART_TEXT = "museaud:part "
GRID_CHOICES = (4, 3, 6, 8, 12)
"""Steps per beat tried when quantising an imported file, in order of preference."""
GRID_TOLERANCE = Fraction(1, 20)
"""An onset may move by less than 5% of a beat when it is quantised."""
MAX_FILE_BYTES = 32 * 1024 * 1024
PITCHED_CHANNELS = tuple(channel for channel in range(16) if channel != DRUM_CHANNEL)
DEFAULT_TEMPO = 500_000  # microseconds per quarter note: 120 bpm, the MIDI default
VOLUME_CONTROL = 7
PAN_CONTROL = 10

T = TypeVar("T")


class MidiFileError(ValueError):
    """A MIDI file that cannot be read or written as patterns; the message says which and why."""

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = Path(path)
        self.reason = reason


# --- General MIDI: drum keys, programs and key signatures -------------------------------------

GM_DRUM_INSTRUMENTS: dict[int, str] = {
    key: instrument_id
    for instrument_id, keys in (
        ("kick", (36,)),
        ("snare", (37, 38)),
        ("clap", (39,)),
        ("closed_hat", (42,)),
        ("pedal_hat", (44,)),
        ("open_hat", (46,)),
        ("tom_low", (43,)),
        ("tom_mid", (47,)),
        ("tom_high", (50,)),
        ("crash", (49,)),
        ("ride", (51, 53)),
        ("tambourine", (54,)),
        ("cowbell", (56,)),
        ("bongo", (60, 61)),
        ("conga", (62, 63, 64)),
        ("timbales", (65, 66)),
        ("maracas", (70,)),
        ("guiro", (73, 74)),
        ("clave", (75,)),
    )
    for key in keys
}
"""The museaud instrument that plays each General MIDI drum key; any other key goes to 'kit'."""


def drum_instrument(key: int) -> str:
    """The museaud instrument for a General MIDI drum key ('kit' when no named one plays it)."""
    return GM_DRUM_INSTRUMENTS.get(key, "kit")


_PROGRAM_INSTRUMENTS: tuple[tuple[range, str], ...] = (
    (range(0, 4), "piano"),  # acoustic and honky-tonk pianos
    (range(4, 6), "electric_piano"),
    (range(6, 16), "piano"),  # harpsichord, clavinet, chromatic percussion
    (range(16, 24), "organ"),
    (range(24, 32), "guitar"),
    (range(32, 33), "bass"),  # acoustic bass
    (range(33, 38), "electric_bass"),  # finger, pick, fretless, slap
    (range(38, 40), "synth_bass"),
    (range(40, 56), "strings"),  # strings, ensembles, choirs
    (range(56, 64), "trumpet"),  # brass
    (range(64, 88), "lead"),  # reeds, pipes, synth leads
    (range(88, 104), "pad"),  # synth pads and effects
    (range(104, 108), "guitar"),  # sitar, banjo, shamisen, koto
    (range(108, 112), "lead"),  # kalimba, bagpipe, fiddle, shanai
    (range(112, 120), "piano"),  # tuned percussion
    (range(120, 128), "pad"),  # sound effects
)


def pitched_instrument(program: int) -> str:
    """The museaud instrument for a General MIDI program (0-127), by GM program family."""
    for programs, instrument_id in _PROGRAM_INSTRUMENTS:
        if program in programs:
            return instrument_id
    raise ValueError(f"{program} is not a General MIDI program 0-127")


def key_signature_name(key_note: int, scale: str) -> str:
    """The MIDI key signature (mido's name, e.g. 'F#m' or 'Bb') for a key note and scale, spelled
    with the fewer accidentals."""
    return key_name(key_note, "minor" if is_minor_scale(scale) else "major", short=True)


def key_from_signature(name: str) -> tuple[int, str]:
    """Key note and scale ('major' or 'minor') of a mido key signature name such as 'F#m'."""
    minor = name.endswith("m")
    return pitch_class(name[:-1] if minor else name), "minor" if minor else "major"


def volume_to_cc(volume: float) -> int:
    """Channel volume (CC 7) for a part volume 0-2: 1.0 is GM's default of 100."""
    return max(0, min(127, round(100 * volume)))


def pan_to_cc(pan: float) -> int:
    """Pan (CC 10) for a part pan -1..1: 0 hard left, 64 centre, 127 hard right."""
    return max(0, min(127, round(64 + (63 if pan >= 0 else 64) * pan)))


def cc_to_pan(value: int) -> float:
    """The part pan -1..1 of a CC 10 value."""
    return round((value - 64) / (63 if value >= 64 else 64), 3)


# --- quantisation ------------------------------------------------------------------------------


def _grid_error(positions: set[Fraction], steps_per_beat: int) -> Fraction:
    """The largest distance, in beats, from a position to its nearest step on this grid."""
    return max(
        (abs(p * steps_per_beat - round(p * steps_per_beat)) / steps_per_beat for p in positions),
        default=Fraction(0),
    )


def choose_steps_per_beat(onsets: Iterable[Fraction]) -> int:
    """The step grid for onsets given in beats: the first of 4, 3, 6, 8, 12 that holds every onset
    exactly, else the first that holds them within 5% of a beat, else the closest one."""
    positions = {onset - math.floor(onset) for onset in onsets}
    if not positions:
        return GRID_CHOICES[0]
    errors = {grid: _grid_error(positions, grid) for grid in GRID_CHOICES}
    for grid in GRID_CHOICES:
        if errors[grid] == 0:
            return grid
    for grid in GRID_CHOICES:
        if errors[grid] < GRID_TOLERANCE:
            return grid
    return min(GRID_CHOICES, key=lambda grid: errors[grid])


def nearest_step(ticks: Fraction | int, ticks_per_step: Fraction) -> int:
    """The step nearest to a tick position (halves round up, towards the later step)."""
    return math.floor(Fraction(ticks) / ticks_per_step + Fraction(1, 2))


# --- export ------------------------------------------------------------------------------------

_NOTE_OFF, _META, _PROGRAM, _CONTROL, _NOTE_ON = range(5)
"""Order of events at the same tick: a note ends before anything starts there."""


class _Timeline:
    """Messages at absolute ticks, turned into a mido track with delta times."""

    def __init__(self) -> None:
        self.events: list[tuple[int, int, int, Any]] = []

    def add(self, tick: int, order: int, message: Any) -> None:
        self.events.append((tick, order, len(self.events), message))

    def track(self, end: int) -> Any:
        track = mido.MidiTrack()
        now = 0
        for tick, _, _, message in sorted(self.events, key=lambda event: event[:3]):
            track.append(message.copy(time=tick - now))
            now = tick
        track.append(mido.MetaMessage("end_of_track", time=max(0, end - now)))
        return track


@dataclass(frozen=True)
class _Played:
    """A note as it sounds in the file: absolute ticks and the MIDI key."""

    start: int
    end: int
    key: int
    velocity: int


def _as_played(notes: Iterable[_Played]) -> Iterator[_Played]:
    """Notes playable on one channel: of two on the same key and tick the louder (then longer)
    one stays, and a note ends where the next one of its key starts."""
    by_key: dict[int, list[_Played]] = defaultdict(list)
    for note in notes:
        by_key[note.key].append(note)
    for group in by_key.values():
        group.sort(key=lambda n: (n.start, -n.velocity, -n.end))
        kept: list[_Played] = []
        for note in group:
            if kept and kept[-1].start == note.start:
                continue
            if kept and kept[-1].end > note.start:
                previous = kept[-1]
                kept[-1] = _Played(previous.start, note.start, previous.key, previous.velocity)
            kept.append(note)
        yield from kept


def _ticks_per_step(pattern: BeatPattern, ticks_per_beat: int) -> Fraction:
    """MIDI ticks in one step: a beat is one 1/beat_unit note, and MIDI counts quarter notes."""
    return Fraction(ticks_per_beat * 4, pattern.beat_unit * pattern.steps_per_beat)


def _tempo(pattern: BeatPattern) -> int:
    """Microseconds per quarter note for the pattern's bpm (bpm counts 1/beat_unit notes)."""
    return round(60_000_000 / pattern.bpm * pattern.beat_unit / 4)


def _text_event(prefix: str, content: dict[str, Any]) -> Any:
    text = prefix + json.dumps(content, ensure_ascii=True, separators=(",", ":"))
    return mido.MetaMessage("text", text=text)


def _instrument_channels(
    patterns: Sequence[BeatPattern], target: Path
) -> dict[str, tuple[Instrument, int]]:
    """Each enabled instrument of the set, in order of appearance, with its MIDI channel."""
    channels: dict[str, tuple[Instrument, int]] = {}
    free = list(PITCHED_CHANNELS)
    for pattern in patterns:
        for part in pattern.parts:
            if not part.enabled or part.instrument in channels:
                continue
            spec = INSTRUMENTS.get(part.instrument)
            if spec is None:
                raise MidiFileError(
                    target, f"{pattern.title!r}: unknown instrument {part.instrument!r}"
                )
            if spec.is_percussion:
                channels[part.instrument] = (spec, DRUM_CHANNEL)
            elif free:
                channels[part.instrument] = (spec, free.pop(0))
            else:
                raise MidiFileError(
                    target,
                    f"more than {len(PITCHED_CHANNELS)} pitched instruments: General MIDI has "
                    f"{len(PITCHED_CHANNELS)} channels besides the drums",
                )
    return channels


def export_midi(
    patterns: Sequence[BeatPattern],
    path: str | os.PathLike[str],
    *,
    ticks_per_beat: int = 480,
    repeats: int = 1,
) -> Path:
    """Write patterns, one after another, as a type-1 MIDI file and return its path.

    Track 0 holds tempo, time signature, key signature and a marker per pattern; then one track per
    instrument (disabled parts are left out): drums on channel 10 with their drum keys, pitched
    parts with a program change and notes at pitch + key note + pitch offset, CC 7 volume and CC 10
    pan at each pattern's start. Each pattern is played `repeats` times. Swing is not baked into
    the grid: it is written in the pattern's 'museaud:pattern' text event for import to restore.
    """
    target = Path(path)
    if not patterns:
        raise MidiFileError(target, "nothing to export: no patterns")
    if repeats < 1:
        raise MidiFileError(target, f"repeats must be at least 1, not {repeats}")
    if not 24 <= ticks_per_beat <= 32767:
        raise MidiFileError(target, f"{ticks_per_beat} ticks per beat is outside 24-32767")
    checked: list[BeatPattern] = []
    for pattern in patterns:
        try:
            checked.append(pattern.validated())
        except PatternError as error:
            raise MidiFileError(target, str(error)) from error
        if _ticks_per_step(pattern, ticks_per_beat).denominator != 1:
            raise MidiFileError(
                target,
                f"{pattern.title!r}: {pattern.steps_per_beat} steps per beat in "
                f"{pattern.time_signature} do not fall on whole ticks at {ticks_per_beat} ticks "
                "per beat (480 or 960 fit every grid)",
            )
    channels = _instrument_channels(checked, target)

    conductor = _Timeline()
    set_name = checked[0].title if len(checked) == 1 else f"museaud: {len(checked)} patterns"
    conductor.add(0, _META, mido.MetaMessage("track_name", name=set_name))
    timelines = {instrument_id: _Timeline() for instrument_id in channels}
    played: dict[str, list[_Played]] = {instrument_id: [] for instrument_id in channels}
    for instrument_id, (spec, channel) in channels.items():
        timelines[instrument_id].add(0, _META, mido.MetaMessage("track_name", name=spec.name))
        if spec.gm_program is not None:
            timelines[instrument_id].add(
                0,
                _PROGRAM,
                mido.Message("program_change", channel=channel, program=spec.gm_program),
            )

    start = 0
    for pattern in checked:
        step_ticks = int(_ticks_per_step(pattern, ticks_per_beat))
        length = pattern.total_steps * step_ticks
        _conduct(conductor, pattern, start)
        enabled = [part for part in pattern.parts if part.enabled]
        for index, part in enumerate(enabled):
            spec, channel = channels[part.instrument]
            timeline = timelines[part.instrument]
            timeline.add(start, _META, _text_event(PART_TEXT, _part_text(part, index, channel)))
            for control, value in (
                (VOLUME_CONTROL, volume_to_cc(part.volume)),
                (PAN_CONTROL, pan_to_cc(part.pan)),
            ):
                timeline.add(
                    start,
                    _CONTROL,
                    mido.Message("control_change", channel=channel, control=control, value=value),
                )
            for note in part.notes:
                key = _sounding_key(target, pattern, part, spec, note)
                for repeat in range(repeats):
                    onset = start + repeat * length + note.step * step_ticks
                    played[part.instrument].append(
                        _Played(onset, onset + note.length * step_ticks, key, note.velocity)
                    )
        start += length * repeats

    midi = mido.MidiFile(type=1, ticks_per_beat=ticks_per_beat, charset="utf-8")
    midi.tracks.append(conductor.track(start))
    for instrument_id, (_, channel) in channels.items():
        timeline = timelines[instrument_id]
        end = start
        for sound in _as_played(played[instrument_id]):
            timeline.add(
                sound.start,
                _NOTE_ON,
                mido.Message("note_on", channel=channel, note=sound.key, velocity=sound.velocity),
            )
            timeline.add(
                sound.end,
                _NOTE_OFF,
                mido.Message("note_off", channel=channel, note=sound.key, velocity=0),
            )
            end = max(end, sound.end)
        midi.tracks.append(timeline.track(end))
    midi.save(str(target))
    return target


def _conduct(conductor: _Timeline, pattern: BeatPattern, start: int) -> None:
    """The conductor events that open a pattern: marker, tempo, metre, key and the museaud text."""
    for message in (
        mido.MetaMessage("marker", text=pattern.title),
        mido.MetaMessage("set_tempo", tempo=_tempo(pattern)),
        mido.MetaMessage(
            "time_signature",
            numerator=pattern.beats_per_bar,
            denominator=pattern.beat_unit,
            clocks_per_click=24 * 4 // pattern.beat_unit,
            notated_32nd_notes_per_beat=8,
        ),
        mido.MetaMessage("key_signature", key=key_signature_name(pattern.key_note, pattern.scale)),
        _text_event(
            PATTERN_TEXT,
            {
                "title": pattern.title,
                "flavor": pattern.flavor,
                "kind": pattern.kind,
                "bpm": pattern.bpm,
                "bars": pattern.bars,
                "steps_per_beat": pattern.steps_per_beat,
                "key_note": pattern.key_note,
                "scale": pattern.scale,
                "swing": pattern.swing,
                "clave": pattern.clave,
                "description": pattern.description,
            },
        ),
    ):
        conductor.add(start, _META, message)


def _part_text(part: Part, index: int, channel: int) -> dict[str, Any]:
    return {
        "instrument": part.instrument,
        "channel": channel,
        "index": index,
        "program": part.programs[part.active_program].name,
        "volume": part.volume,
        "pan": part.pan,
        "pitch_offset": part.pitch_offset,
        "follows_clave": part.follows_clave,
    }


def _sounding_key(
    target: Path, pattern: BeatPattern, part: Part, spec: Instrument, note: Note
) -> int:
    """The MIDI key a note plays: the drum key itself, or the pitch moved to the key."""
    if spec.is_percussion:
        return note.pitch
    key = note.pitch + pattern.key_note + part.pitch_offset
    if not 0 <= key <= 127:
        raise MidiFileError(
            target,
            f"{pattern.title!r} / {part.instrument}: pitch {note.pitch} at step {note.step} "
            f"sounds at {key} in this key and pitch offset, outside MIDI 0-127",
        )
    return key


# --- import ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Sounding:
    """A note read from the file: which track and channel, key, velocity, start and end ticks."""

    track: int
    channel: int
    key: int
    velocity: int
    start: int
    end: int


@dataclass
class _FileTrack:
    """What one track of the file says that matters to a pattern."""

    index: int
    name: str = ""
    end: int = 0
    notes: list[_Sounding] = field(default_factory=list)
    programs: list[tuple[int, int, int]] = field(default_factory=list)  # tick, channel, program
    controls: list[tuple[int, int, int, int]] = field(default_factory=list)  # tick, ch, cc, value
    part_texts: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


@dataclass
class _Conductor:
    """Tempo, metre, key and museaud pattern texts from every track, by tick."""

    tempos: list[tuple[int, int]] = field(default_factory=list)
    metres: list[tuple[int, tuple[int, int]]] = field(default_factory=list)
    keys: list[tuple[int, str]] = field(default_factory=list)
    pattern_texts: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


def _text(value: str) -> str:
    """Meta text read as latin-1 by mido, decoded as UTF-8 when it is (museaud writes UTF-8)."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return value


def _museaud_text(text: str, prefix: str) -> dict[str, Any] | None:
    if not text.startswith(prefix):
        return None
    try:
        content = json.loads(text[len(prefix) :])
    except ValueError:
        return None
    return content if isinstance(content, dict) else None


def _open(target: Path) -> Any:
    """The parsed file; MidiFileError says why a file is no usable MIDI file."""
    try:
        size = target.stat().st_size
    except FileNotFoundError:
        raise MidiFileError(target, "no such file") from None
    except OSError as error:
        raise MidiFileError(target, f"cannot be read ({error.strerror or error})") from error
    if size == 0:
        raise MidiFileError(target, "the file is empty")
    if size > MAX_FILE_BYTES:
        raise MidiFileError(target, f"{size} bytes is too large for a MIDI file")
    data = target.read_bytes()
    if not data.startswith(b"MThd"):
        raise MidiFileError(target, "not a MIDI file (it does not start with an MThd header)")
    try:
        midi = mido.MidiFile(file=io.BytesIO(data))
    except EOFError:
        raise MidiFileError(target, "the MIDI file is truncated") from None
    except Exception as error:  # mido raises many kinds on malformed data
        raise MidiFileError(target, f"not a valid MIDI file ({error})") from error
    if midi.type not in (0, 1):
        raise MidiFileError(target, f"MIDI type {midi.type} files are not supported (only 0 and 1)")
    if midi.ticks_per_beat <= 0:
        raise MidiFileError(target, "SMPTE time division is not supported (only ticks per beat)")
    return midi


def _read_tracks(midi: Any) -> tuple[list[_FileTrack], _Conductor]:
    """Every track's notes (note-on paired with the first open note-off of its key and channel),
    programs, controls and texts, with absolute ticks."""
    tracks: list[_FileTrack] = []
    conductor = _Conductor()
    for index, events in enumerate(midi.tracks):
        track = _FileTrack(index)
        sounding: dict[tuple[int, int], deque[tuple[int, int]]] = defaultdict(deque)
        tick = 0
        for message in events:
            tick += message.time
            kind = message.type
            if kind == "note_on" and message.velocity > 0:
                sounding[message.channel, message.note].append((tick, message.velocity))
            elif kind in ("note_on", "note_off"):
                waiting = sounding.get((message.channel, message.note))
                if waiting:
                    start, velocity = waiting.popleft()
                    track.notes.append(
                        _Sounding(index, message.channel, message.note, velocity, start, tick)
                    )
            elif kind == "program_change":
                track.programs.append((tick, message.channel, message.program))
            elif kind == "control_change" and message.control in (VOLUME_CONTROL, PAN_CONTROL):
                track.controls.append((tick, message.channel, message.control, message.value))
            elif kind == "track_name" and not track.name:
                track.name = _text(message.name).strip()
            elif kind == "set_tempo":
                conductor.tempos.append((tick, message.tempo))
            elif kind == "time_signature":
                conductor.metres.append((tick, (message.numerator, message.denominator)))
            elif kind == "key_signature":
                conductor.keys.append((tick, message.key))
            elif kind == "text":
                text = _text(message.text)
                pattern_text = _museaud_text(text, PATTERN_TEXT)
                part_text = _museaud_text(text, PART_TEXT)
                if pattern_text is not None:
                    conductor.pattern_texts.append((tick, pattern_text))
                elif part_text is not None:
                    track.part_texts.append((tick, part_text))
        track.end = tick
        for (channel, key), waiting in sounding.items():
            track.notes.extend(
                _Sounding(index, channel, key, velocity, start, tick) for start, velocity in waiting
            )
        tracks.append(track)
    return tracks, conductor


def _in_force(events: list[tuple[int, T]], tick: int, default: T) -> T:
    """The value of the last event at or before tick, else of the first event, else default."""
    ordered = sorted(events, key=lambda event: event[0])
    earlier = [value for at, value in ordered if at <= tick]
    if earlier:
        return earlier[-1]
    return ordered[0][1] if ordered else default


def _setting(text: dict[str, Any] | None, name: str, kind: type[T], default: T) -> T:
    """A value from a museaud text event when it is there and of the right type."""
    if text is None:
        return default
    value = text.get(name)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if isinstance(value, kind) and (kind is bool or not isinstance(value, bool)):
        return value
    return default


@dataclass(frozen=True)
class _Segment:
    """One pattern's stretch of the file: where it starts and ends, and its museaud text if any."""

    start: int
    end: int | None
    text: dict[str, Any] | None


@dataclass
class _Grid:
    """The tempo, metre, key and step grid of a segment (steps_per_beat 0: not chosen yet)."""

    bpm: float
    beats_per_bar: int
    beat_unit: int
    key_note: int
    scale: str
    beat_ticks: Fraction
    steps_per_beat: int
    remarks: list[str]

    @property
    def ticks_per_step(self) -> Fraction:
        """MIDI ticks in one step."""
        return self.beat_ticks / self.steps_per_beat


def import_midi(
    path: str | os.PathLike[str],
    *,
    steps_per_beat: int | None = None,
    title: str | None = None,
    flavor: str | None = None,
) -> list[BeatPattern]:
    """The patterns in a type-0 or type-1 MIDI file at any resolution, quantised to a step grid.

    Notes are split by channel (type 0) or by track and channel (type 1); drum notes on channel 10
    go to the instrument that has their GM drum key as a stroke ('kit' for the rest), pitched
    channels to an instrument of their GM program's family, written in C (minus the key note of
    the key signature). steps_per_beat None chooses the grid from the onsets (see
    choose_steps_per_beat). A file museaud wrote comes back as the patterns it holds; other files
    give one pattern per 64 bars (the first tempo, metre and key apply). flavor None keeps the
    flavour museaud wrote, else 'Imported'.
    """
    target = Path(path)
    if steps_per_beat is not None and steps_per_beat not in STEPS_PER_BEAT_CHOICES:
        raise MidiFileError(
            target, f"{steps_per_beat} steps per beat is not one of {STEPS_PER_BEAT_CHOICES}"
        )
    midi = _open(target)
    tracks, conductor = _read_tracks(midi)
    notes = sorted(
        (note for track in tracks for note in track.notes), key=lambda n: (n.start, n.track)
    )
    if not notes:
        raise MidiFileError(target, "the file has no notes")
    file_end = max(track.end for track in tracks)
    base_title = (title or "").strip() or tracks[0].name or target.stem

    patterns: list[BeatPattern] = []
    for segment in _segments(conductor, notes):
        grid = _grid(target, midi.ticks_per_beat, conductor, segment, steps_per_beat)
        in_segment = [
            note
            for note in notes
            if segment.start <= note.start and (segment.end is None or note.start < segment.end)
        ]
        parts, last_step, error = _parts(tracks, segment, grid, in_segment)
        steps_per_bar = grid.beats_per_bar * grid.steps_per_beat
        bars_text = _setting(segment.text, "bars", int, 0)
        if 1 <= bars_text <= MAX_BARS:
            bars = max(bars_text, math.ceil((last_step + 1) / steps_per_bar))
        else:
            end = file_end if segment.end is None else min(segment.end, file_end)
            extent = max(last_step + 1, nearest_step(end - segment.start, grid.ticks_per_step))
            bars = max(1, math.ceil(extent / steps_per_bar))
        text = segment.text
        metadata: dict[str, Any] = {
            "source": "midi",
            "file": target.name,
            "midi_type": midi.type,
            "ticks_per_beat": midi.ticks_per_beat,
            "quantisation_error_beats": round(float(error), 4),
        }
        if grid.remarks:
            metadata["remarks"] = grid.remarks
        pattern_title = base_title
        if text is not None and title is None:
            pattern_title = _setting(text, "title", str, base_title).strip() or base_title
        kind = _setting(text, "kind", str, "")
        if not kind or (kind == "beat" and not BEAT_BPM_MIN <= grid.bpm <= BEAT_BPM_MAX):
            kind = _kind_for(grid.bpm, parts)
        clave = _setting(text, "clave", str, "")
        pattern = BeatPattern(
            title=pattern_title,
            flavor=flavor or _setting(text, "flavor", str, "") or "Imported",
            bpm=grid.bpm,
            parts=tuple(parts),
            key_note=grid.key_note,
            scale=grid.scale,
            beats_per_bar=grid.beats_per_bar,
            beat_unit=grid.beat_unit,
            bars=bars,
            steps_per_beat=grid.steps_per_beat,
            clave=clave if clave in CLAVE_DIRECTIONS else None,
            swing=max(0.0, min(0.75, _setting(text, "swing", float, 0.0))),
            description=_setting(text, "description", str, ""),
            kind=kind,
            metadata=metadata,
        )
        patterns.extend(_within_limit(pattern))

    if title is not None and len(patterns) > 1:
        patterns = [
            replace(pattern, title=f"{pattern.title} ({number})")
            if pattern.title == base_title
            else pattern
            for number, pattern in enumerate(patterns, start=1)
        ]
    checked = []
    for pattern in patterns:
        try:
            checked.append(pattern.validated())
        except PatternError as error:
            raise MidiFileError(target, str(error)) from error
    return checked


def _segments(conductor: _Conductor, notes: list[_Sounding]) -> list[_Segment]:
    """Where each pattern starts: at each museaud pattern text, else the whole file is one."""
    marks = sorted(conductor.pattern_texts, key=lambda mark: mark[0])
    if not marks:
        return [_Segment(0, None, None)]
    segments = []
    if notes[0].start < marks[0][0]:
        segments.append(_Segment(0, marks[0][0], None))
    for number, (tick, text) in enumerate(marks):
        end = marks[number + 1][0] if number + 1 < len(marks) else None
        segments.append(_Segment(tick, end, text))
    return segments


def _grid(
    target: Path,
    ticks_per_beat: int,
    conductor: _Conductor,
    segment: _Segment,
    steps_per_beat: int | None,
) -> _Grid:
    """Tempo, metre, key and step grid in force where the segment starts."""
    remarks: list[str] = []
    numerator, denominator = _in_force(conductor.metres, segment.start, (4, 4))
    if not 1 <= numerator <= 16 or denominator not in (2, 4, 8, 16):
        remarks.append(f"time signature {numerator}/{denominator} read as 4/4")
        numerator, denominator = 4, 4
    tempo = _in_force(conductor.tempos, segment.start, DEFAULT_TEMPO)
    if tempo <= 0:
        raise MidiFileError(target, f"tempo of {tempo} microseconds per beat")
    bpm = round(60_000_000 / tempo * denominator / 4, 2)
    written_bpm = _setting(segment.text, "bpm", float, 0.0)
    if abs(written_bpm - bpm) < 0.01:
        bpm = written_bpm
    key_note, scale = 0, "major"
    key_name = _in_force(conductor.keys, segment.start, "")
    if key_name:
        key_note, scale = key_from_signature(key_name)
        written_scale = _setting(segment.text, "scale", str, "")
        if (
            written_scale
            and _setting(segment.text, "key_note", int, -1) == key_note
            and is_minor_scale(written_scale) == (scale == "minor")
        ):
            scale = written_scale
    if len({tempo for _, tempo in conductor.tempos}) > 1 and segment.text is None:
        remarks.append("the file changes tempo; the first tempo is kept")
    grid = steps_per_beat or _setting(segment.text, "steps_per_beat", int, 0)
    return _Grid(
        bpm=bpm,
        beats_per_bar=numerator,
        beat_unit=denominator,
        key_note=key_note,
        scale=scale,
        beat_ticks=Fraction(ticks_per_beat * 4, denominator),
        steps_per_beat=grid if grid in STEPS_PER_BEAT_CHOICES else 0,
        remarks=remarks,
    )


@dataclass
class _Gathered:
    """The notes of one museaud instrument in a segment, with where they came from."""

    instrument: str
    notes: list[_Sounding] = field(default_factory=list)
    text: dict[str, Any] | None = None
    source: tuple[int, int] = (0, 0)  # track, channel: where its volume and pan are read
    order: tuple[int, ...] = ()


def _parts(
    tracks: list[_FileTrack], segment: _Segment, grid: _Grid, notes: list[_Sounding]
) -> tuple[list[Part], int, Fraction]:
    """The parts of a segment, the last step that holds a note, and the largest quantisation
    error in beats. Sets grid.steps_per_beat when the file did not say it."""
    if not grid.steps_per_beat:
        grid.steps_per_beat = choose_steps_per_beat(
            Fraction(note.start - segment.start) / grid.beat_ticks for note in notes
        )
    bars_text = _setting(segment.text, "bars", int, 0)
    if 1 <= bars_text <= MAX_BARS:  # a museaud file: later notes are the pattern's repeats
        limit = segment.start + bars_text * grid.beats_per_bar * grid.beat_ticks
        notes = [note for note in notes if note.start < limit]

    groups: dict[tuple[int, int], list[_Sounding]] = defaultdict(list)
    for note in notes:
        groups[note.track, note.channel].append(note)
    texts: dict[tuple[int, int], dict[str, Any]] = {}
    for track in tracks:
        for tick, text in track.part_texts:
            channel = _setting(text, "channel", int, -1)
            inside = segment.start <= tick and (segment.end is None or tick < segment.end)
            if inside and 0 <= channel <= 15:
                texts.setdefault((track.index, channel), text)
    gathered: dict[str, _Gathered] = {}
    for source in sorted(set(groups) | set(texts)):
        source_text = texts.get(source)
        for instrument_id, group_notes in _assign(
            tracks, source, groups.get(source, []), source_text
        ):
            entry = gathered.get(instrument_id)
            if entry is None:
                index = _setting(source_text, "index", int, -1)
                order = (0, index, *source) if index >= 0 else (1, *source)
                entry = gathered[instrument_id] = _Gathered(
                    instrument_id, text=source_text, source=source, order=order
                )
            entry.notes.extend(group_notes)

    parts: list[Part] = []
    last_step = 0
    error = Fraction(0)
    for entry in sorted(gathered.values(), key=lambda g: g.order):
        part, part_last, part_error = _part(tracks, segment, grid, entry)
        parts.append(part)
        last_step = max(last_step, part_last)
        error = max(error, part_error)
    return parts, last_step, error


def _assign(
    tracks: list[_FileTrack],
    source: tuple[int, int],
    notes: list[_Sounding],
    text: dict[str, Any] | None,
) -> list[tuple[str, list[_Sounding]]]:
    """Which museaud instrument plays the notes of a track and channel: the one museaud wrote,
    else the one the track is named after, else by GM drum key or GM program."""
    track_index, channel = source
    written = _setting(text, "instrument", str, "")
    if written in INSTRUMENTS:
        return [(written, notes)]
    name = tracks[track_index].name.casefold()
    drums = channel == DRUM_CHANNEL
    for spec in INSTRUMENTS.values():
        if name in (spec.name.casefold(), spec.id) and spec.is_percussion == drums:
            keys = set(spec.strokes.values())
            if not drums or all(note.key in keys for note in notes):
                return [(spec.id, notes)]
    if drums:
        by_instrument: dict[str, list[_Sounding]] = defaultdict(list)
        for note in notes:
            by_instrument[drum_instrument(note.key)].append(note)
        return list(by_instrument.items())
    if not notes:
        return []
    first = notes[0].start
    programs = [
        (tick, program) for tick, ch, program in tracks[track_index].programs if ch == channel
    ]
    if not programs:  # type 0, or a program change kept on another track
        programs = [
            (tick, program) for t in tracks for tick, ch, program in t.programs if ch == channel
        ]
    return [(pitched_instrument(_in_force(programs, first, 0)), notes)]


def _control(tracks: list[_FileTrack], source: tuple[int, int], control: int, tick: int) -> int:
    """A controller's value in force at tick on the source's channel (its own track first), or
    -1 if the file never sets it."""
    track_index, channel = source
    for candidates in ([tracks[track_index]], tracks):
        events = [
            (at, value)
            for track in candidates
            for at, ch, number, value in track.controls
            if ch == channel and number == control
        ]
        if events:
            return _in_force(events, tick, -1)
    return -1


def _part(
    tracks: list[_FileTrack], segment: _Segment, grid: _Grid, entry: _Gathered
) -> tuple[Part, int, Fraction]:
    """One part from its gathered notes, quantised to the grid; its last step and largest error."""
    spec = INSTRUMENTS[entry.instrument]
    text = entry.text
    tick = min((note.start for note in entry.notes), default=segment.start)
    volume_cc = _control(tracks, entry.source, VOLUME_CONTROL, tick)
    pan_cc = _control(tracks, entry.source, PAN_CONTROL, tick)
    volume = volume_cc / 100 if volume_cc >= 0 else 1.0
    pan = cc_to_pan(pan_cc) if pan_cc >= 0 else 0.0
    written_volume = _setting(text, "volume", float, -1.0)
    if 0.0 <= written_volume <= 2.0 and volume_cc in (-1, volume_to_cc(written_volume)):
        volume = written_volume
    written_pan = _setting(text, "pan", float, -2.0)
    if -1.0 <= written_pan <= 1.0 and pan_cc in (-1, pan_to_cc(written_pan)):
        pan = written_pan
    pitch_offset = _setting(text, "pitch_offset", int, 0)
    if not -24 <= pitch_offset <= 24:
        pitch_offset = 0
    transpose = 0 if spec.is_percussion else grid.key_note + pitch_offset
    if not spec.is_percussion and entry.notes:
        lowest = min(note.key for note in entry.notes) - transpose
        if lowest < 0:  # a note below the written range: carry it in the pitch offset
            pitch_offset -= 12 * math.ceil(-lowest / 12)
            transpose = grid.key_note + pitch_offset

    step_ticks = grid.ticks_per_step
    best: dict[tuple[int, int], Note] = {}
    error = Fraction(0)
    for sounding in entry.notes:
        offset = sounding.start - segment.start
        step = nearest_step(offset, step_ticks)
        end = nearest_step(sounding.end - segment.start, step_ticks)
        error = max(error, abs(offset - step * step_ticks) / grid.beat_ticks)
        note = Note(
            step=step,
            pitch=sounding.key - transpose,
            velocity=sounding.velocity,
            length=max(1, end - step),
        )
        kept = best.get((note.step, note.pitch))
        if kept is None or (note.velocity, note.length) > (kept.velocity, kept.length):
            best[note.step, note.pitch] = note
    notes = tuple(sorted(best.values()))
    part = Part(
        instrument=spec.id,
        programs=(Program(_setting(text, "program", str, "") or "A", notes),),
        volume=max(0.0, min(2.0, volume)),
        pan=max(-1.0, min(1.0, pan)),
        pitch_offset=pitch_offset,
        follows_clave=_setting(text, "follows_clave", bool, False),
    )
    return part, max((note.step for note in notes), default=0), error


def _kind_for(bpm: float, parts: Sequence[Part]) -> str:
    """'beat' within the beat machine's tempo range, else what the parts are."""
    if BEAT_BPM_MIN <= bpm <= BEAT_BPM_MAX:
        return "beat"
    families = {INSTRUMENTS[part.instrument].family for part in parts}
    if all(INSTRUMENTS[part.instrument].is_percussion for part in parts):
        return "drums"
    if families == {"bass"}:
        return "bass"
    if families <= {"keys", "guitar", "strings", "pad"}:
        return "chords"
    return "melody"


def _within_limit(pattern: BeatPattern) -> list[BeatPattern]:
    """The pattern, or pieces of 64 bars when it is longer (empty pieces left out)."""
    if pattern.bars <= MAX_BARS:
        return [pattern]
    piece_steps = MAX_BARS * pattern.steps_per_bar
    pieces = []
    for first_bar in range(0, pattern.bars, MAX_BARS):
        bars = min(MAX_BARS, pattern.bars - first_bar)
        low = first_bar * pattern.steps_per_bar
        parts = tuple(
            part.with_notes(
                [
                    Note(n.step - low, n.pitch, n.velocity, n.length)
                    for n in part.notes
                    if low <= n.step < low + piece_steps
                ]
            )
            for part in pattern.parts
        )
        if not any(part.notes for part in parts):
            continue
        title = f"{pattern.title} (bars {first_bar + 1}-{first_bar + bars})"
        pieces.append(replace(pattern, title=title, parts=parts, bars=bars))
    return pieces
