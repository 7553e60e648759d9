"""MIDI files: export is a type-1 GM file, import reads type 0 and 1 at any resolution, and the
round trip gives back exactly the pattern that was written."""

from __future__ import annotations

import random
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import mido
import pytest

from museaud.patterns.instruments import DRUM_CHANNEL, GM_DRUM_KEYS, INSTRUMENTS, instrument
from museaud.patterns.midifile import (
    GM_DRUM_INSTRUMENTS,
    MidiFileError,
    choose_steps_per_beat,
    drum_instrument,
    export_midi,
    import_midi,
    is_minor_scale,
    key_from_signature,
    key_signature_name,
    pan_to_cc,
    pitched_instrument,
)
from museaud.patterns.model import (
    STEPS_PER_BEAT_CHOICES,
    BeatPattern,
    Note,
    Part,
    PatternError,
    Program,
)

PERCUSSION = [spec for spec in INSTRUMENTS.values() if spec.is_percussion]
PITCHED = [spec for spec in INSTRUMENTS.values() if not spec.is_percussion]
METRES = [(4, 4), (3, 4), (2, 4), (5, 4), (6, 8), (7, 8), (12, 8), (2, 2), (3, 8), (9, 16)]
SCALES = ["major", "minor", "dorian", "mixolydian", "harmonic_minor", "blues", "major_pentatonic"]


# --- random valid patterns ---------------------------------------------------------------------


def random_notes(rng: random.Random, pitches: list[int], total_steps: int) -> tuple[Note, ...]:
    """Notes on a few pitches, never two of one pitch overlapping, all ending inside the pattern."""
    notes = []
    for pitch in rng.sample(pitches, min(len(pitches), rng.randint(1, 3))):
        steps = sorted(rng.sample(range(total_steps), rng.randint(1, min(total_steps, 8))))
        for index, step in enumerate(steps):
            room = (steps[index + 1] if index + 1 < len(steps) else total_steps) - step
            notes.append(Note(step, pitch, rng.randint(1, 127), rng.randint(1, room)))
    return tuple(sorted(notes))


def random_pattern(rng: random.Random, title: str = "Random") -> BeatPattern:
    """A valid pattern on any grid and metre, with percussion and pitched parts."""
    beats_per_bar, beat_unit = rng.choice(METRES)
    steps_per_beat = rng.choice(STEPS_PER_BEAT_CHOICES)
    bars = rng.randint(1, 4)
    total = bars * beats_per_bar * steps_per_beat
    key_note = rng.randrange(12)
    kind = rng.choice(["beat", "beat", "beat", "bass", "melody"])
    bpm = round(rng.uniform(80, 250), 2) if kind == "beat" else round(rng.uniform(40, 300), 2)
    chosen = rng.sample(PERCUSSION, rng.randint(0, 4)) + rng.sample(PITCHED, rng.randint(0, 3))
    chosen = chosen or [rng.choice(PERCUSSION)]
    rng.shuffle(chosen)
    parts = []
    for spec in chosen:
        offset = rng.randint(-12, 12)
        if spec.is_percussion:
            pitches = sorted(set(spec.strokes.values()))
        else:
            low = max(spec.low_pitch, -key_note - offset)
            high = min(spec.high_pitch, 127 - key_note - offset)
            pitches = list(range(low, high + 1))
        programs = tuple(
            Program(
                f"{rng.choice(['A', 'B', 'montuno', 'güira ñ'])}{number}",
                () if rng.random() < 0.1 else random_notes(rng, pitches, total),
            )
            for number in range(rng.randint(1, 3))
        )
        parts.append(
            Part(
                spec.id,
                programs,
                active_program=rng.randrange(len(programs)),
                enabled=rng.random() < 0.85,
                volume=rng.randint(0, 200) / 100,
                pan=rng.randint(-100, 100) / 100,
                pitch_offset=offset,
                follows_clave=rng.random() < 0.3,
            )
        )
    first = parts[0]
    if not first.notes:
        first = first.with_notes([Note(0, sorted(pitches_of(first))[0], 90, 1)])
    parts[0] = replace(first, enabled=True)
    return BeatPattern(
        title=title,
        flavor=rng.choice(["salsa", "house", "merengue", "Imported"]),
        bpm=bpm,
        parts=tuple(parts),
        key_note=key_note,
        scale=rng.choice(SCALES),
        beats_per_bar=beats_per_bar,
        beat_unit=beat_unit,
        bars=bars,
        steps_per_beat=steps_per_beat,
        clave=rng.choice([None, "2-3", "3-2"]),
        swing=rng.randint(0, 75) / 100,
        description=rng.choice(["", "montuno – a test, ñ"]),
        kind=kind,
    ).validated()


def pitches_of(part: Part) -> list[int]:
    spec = instrument(part.instrument)
    if spec.is_percussion:
        return list(spec.strokes.values())
    return [spec.low_pitch + 12]


def as_exported(pattern: BeatPattern) -> BeatPattern:
    """What a MIDI file can hold of a pattern: its enabled parts with their active program."""
    parts = tuple(
        replace(
            part,
            programs=(
                replace(part.programs[part.active_program], notes=tuple(sorted(part.notes))),
            ),
            active_program=0,
        )
        for part in pattern.parts
        if part.enabled
    )
    return replace(pattern, parts=parts)


# --- the round trip ----------------------------------------------------------------------------


def test_round_trip_is_exact_for_200_random_patterns(tmp_path: Path) -> None:
    rng = random.Random(20240605)
    for case in range(200):
        pattern = random_pattern(rng, title=f"Random {case} – ñ")
        path = tmp_path / f"case{case}.mid"
        export_midi([pattern], path)
        imported = import_midi(path)
        assert imported == [as_exported(pattern)], f"case {case}"


def test_round_trip_of_a_generated_set_gives_each_pattern_back(tmp_path: Path) -> None:
    rng = random.Random(7)
    patterns = [random_pattern(rng, title=f"Set {number}") for number in range(5)]
    path = tmp_path / "set.mid"
    export_midi(patterns, path)
    assert import_midi(path) == [as_exported(pattern) for pattern in patterns]
    # written one after another: the conductor has one tempo per pattern, at growing ticks
    conductor = mido.MidiFile(path).tracks[0]
    ticks, tick = [], 0
    for message in conductor:
        tick += message.time
        if message.type == "set_tempo":
            ticks.append(tick)
    assert len(ticks) == 5
    assert ticks == sorted(set(ticks))


def test_repeats_play_the_pattern_again_and_import_gives_it_once(tmp_path: Path) -> None:
    pattern = random_pattern(random.Random(3))
    path = tmp_path / "loop.mid"
    export_midi([pattern], path, repeats=3)
    note_ons = [m for t in mido.MidiFile(path).tracks for m in t if m.type == "note_on"]
    assert len(note_ons) == 3 * sum(len(part.notes) for part in pattern.parts if part.enabled)
    assert import_midi(path) == [as_exported(pattern)]


def test_a_note_held_past_the_end_comes_back_with_its_length(tmp_path: Path) -> None:
    bass = Part("bass", (Program("A", (Note(0, 36, 100, 2), Note(14, 43, 90, 8))),))
    pattern = BeatPattern("Held", "salsa", 120.0, (bass,), bars=1)
    path = tmp_path / "held.mid"
    export_midi([pattern], path)
    assert import_midi(path) == [pattern]


def strip_museaud_text(path: Path) -> None:
    """Remove museaud's text events, leaving only what any MIDI program writes."""
    midi = mido.MidiFile(path)
    for track in midi.tracks:
        kept: list[Any] = []
        carried = 0
        for message in track:
            if message.type == "text" and message.text.startswith("museaud:"):
                carried += message.time
                continue
            kept.append(message.copy(time=message.time + carried))
            carried = 0
        track[:] = kept
    midi.save(path)


def test_notes_tempo_metre_and_key_travel_in_the_midi_events_alone(tmp_path: Path) -> None:
    rng = random.Random(11)
    for case in range(60):
        pattern = random_pattern(rng, title=f"Plain {case}")
        path = tmp_path / f"plain{case}.mid"
        export_midi([pattern], path)
        strip_museaud_text(path)
        (imported,) = import_midi(path, steps_per_beat=pattern.steps_per_beat)
        assert imported.title == pattern.title
        assert imported.flavor == "Imported"
        assert imported.bpm == pattern.bpm
        assert (imported.beats_per_bar, imported.beat_unit) == (
            pattern.beats_per_bar,
            pattern.beat_unit,
        )
        assert imported.key_note == pattern.key_note
        assert imported.scale == ("minor" if is_minor_scale(pattern.scale) else "major")
        assert imported.bars == pattern.bars
        assert imported.swing == 0.0
        expected = {
            part.instrument: (
                sorted(
                    part.notes
                    if instrument(part.instrument).is_percussion
                    else [replace(n, pitch=n.pitch + part.pitch_offset) for n in part.notes]
                ),
                min(127, round(100 * part.volume)) / 100,
                pan_to_cc(part.pan),
            )
            for part in pattern.parts
            if part.enabled and part.notes
        }
        found = {
            part.instrument: (list(part.notes), part.volume, pan_to_cc(part.pan))
            for part in imported.parts
        }
        assert found == expected, f"case {case}"


# --- what the file holds -----------------------------------------------------------------------


def test_the_file_is_type_1_general_midi_with_a_conductor_track(tmp_path: Path) -> None:
    pitched = [Part(spec.id, (Program("A", (Note(0, 60, 77, 3),)),)) for spec in PITCHED]
    pitched[0] = replace(pitched[0], volume=1.5, pan=-1.0, pitch_offset=-12)
    drums = [
        Part("conga", (Program("tumbao", (Note(2, 62, 90), Note(3, 63, 110))),), pan=0.5),
        Part("clave", (Program("A", (Note(0, 75),)),), enabled=False),
    ]
    pattern = BeatPattern(
        "Montuno", "salsa", 180.0, (*drums, *pitched), key_note=6, scale="minor", swing=0.33
    )
    path = tmp_path / "montuno.mid"
    export_midi([pattern], path)
    midi = mido.MidiFile(path)
    assert midi.type == 1
    assert midi.ticks_per_beat == 480
    conductor = {message.type: message for message in midi.tracks[0]}
    assert conductor["set_tempo"].tempo == mido.bpm2tempo(180)
    assert (conductor["time_signature"].numerator, conductor["time_signature"].denominator) == (
        4,
        4,
    )
    assert conductor["key_signature"].key == "F#m"
    assert '"swing":0.33' in conductor["text"].text

    names = [track.name for track in midi.tracks[1:]]
    assert names == [instrument("conga").name] + [spec.name for spec in PITCHED]  # clave is off
    conga = midi.tracks[1]
    assert {m.channel for m in conga if m.type.startswith("note")} == {DRUM_CHANNEL}
    assert [m.note for m in conga if m.type == "note_on"] == [62, 63]  # drum keys as stored
    assert [m.value for m in conga if m.type == "control_change" and m.control == 10] == [96]

    channels = []
    for spec, track in zip(PITCHED, midi.tracks[2:], strict=True):
        (program,) = [m for m in track if m.type == "program_change"]
        assert program.program == spec.gm_program
        channels.append(program.channel)
        on = next(m for m in track if m.type == "note_on")
        off = next(m for m in track if m.type == "note_off")
        assert on.velocity == 77
        assert off.time == 3 * 120  # three 16th steps at 480 ticks per beat
    assert 9 not in channels  # channel 10 (index 9) is the drums'
    assert channels == sorted(set(channels))  # one channel each, in order
    first = midi.tracks[2]
    assert next(m for m in first if m.type == "note_on").note == 60 + 6 - 12
    controls = {m.control: m.value for m in first if m.type == "control_change"}
    assert controls == {7: 127, 10: 0}  # 150% volume is capped at 127; hard left is 0


def test_overlapping_notes_of_one_key_are_refused_before_writing(tmp_path: Path) -> None:
    conga = Part(
        "conga", (Program("A", (Note(0, 63, 90, 8), Note(4, 63, 100, 2), Note(4, 63, 60, 5))),)
    )
    path = tmp_path / "overlap.mid"
    with pytest.raises((MidiFileError, PatternError), match="overlaps"):
        export_midi([BeatPattern("Overlap", "salsa", 120.0, (conga,))], path)
    assert not path.exists()


def test_a_note_ends_before_the_next_one_on_its_key_starts(tmp_path: Path) -> None:
    conga = Part("conga", (Program("A", (Note(0, 63, 90, 2), Note(2, 63, 100, 1))),))
    path = tmp_path / "legato.mid"
    export_midi([BeatPattern("Legato", "salsa", 120.0, (conga,))], path)
    notes = [(m.type, m.time) for m in mido.MidiFile(path).tracks[1] if m.type.startswith("note")]
    assert notes == [("note_on", 0), ("note_off", 240), ("note_on", 0), ("note_off", 120)]


def test_key_signatures_cover_every_key_both_ways() -> None:
    for key_note in range(12):
        for scale, family in (("major", "major"), ("dorian", "minor"), ("blues", "minor")):
            name = key_signature_name(key_note, scale)
            mido.MetaMessage("key_signature", key=name)  # a name mido accepts
            assert key_from_signature(name) == (key_note, family)
    assert key_signature_name(6, "minor") == "F#m"
    assert key_signature_name(10, "major") == "Bb"


def test_every_drum_key_reaches_an_instrument_that_has_it() -> None:
    for key, instrument_id in GM_DRUM_INSTRUMENTS.items():
        assert key in instrument(instrument_id).strokes.values()
    kit = instrument("kit")
    assert set(range(35, 82)) <= set(kit.strokes.values())
    assert set(kit.strokes.values()) == set(GM_DRUM_KEYS.values())
    assert drum_instrument(58) == "kit"  # vibraslap: no named instrument plays it
    assert drum_instrument(37) == "snare"  # side stick, not the timbales' or tambora's rim


def test_programs_map_to_instruments_of_their_family() -> None:
    assert pitched_instrument(0) == "piano"
    assert pitched_instrument(4) == "electric_piano"
    assert pitched_instrument(19) == "organ"
    assert pitched_instrument(25) == "guitar"
    assert pitched_instrument(32) == "bass"
    assert pitched_instrument(33) == "electric_bass"
    assert pitched_instrument(38) == "synth_bass"
    assert pitched_instrument(48) == "strings"
    assert pitched_instrument(56) == "trumpet"
    assert pitched_instrument(81) == "lead"
    assert pitched_instrument(89) == "pad"
    assert {pitched_instrument(program) for program in range(128)} <= set(INSTRUMENTS)


# --- files written by other programs -------------------------------------------------------------


def track_of(*events: tuple[int, Any], name: str | None = None, end: int | None = None) -> Any:
    """A mido track from (absolute tick, message) pairs."""
    track = mido.MidiTrack()
    if name is not None:
        track.append(mido.MetaMessage("track_name", name=name))
    now = 0
    for tick, message in sorted(events, key=lambda event: event[0]):
        track.append(message.copy(time=tick - now))
        now = tick
    track.append(mido.MetaMessage("end_of_track", time=max(0, (end or now) - now)))
    return track


def note(channel: int, key: int, start: int, end: int, velocity: int = 100) -> list[Any]:
    return [
        (start, mido.Message("note_on", channel=channel, note=key, velocity=velocity)),
        (end, mido.Message("note_on", channel=channel, note=key, velocity=0)),  # running status
    ]


def test_a_type_0_file_at_96_ticks_with_notes_off_the_grid_is_quantised(tmp_path: Path) -> None:
    sixteenth = 24  # 96 ticks per beat
    events: list[tuple[int, Any]] = [
        (0, mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(100))),
        (0, mido.MetaMessage("time_signature", numerator=4, denominator=4)),
        (0, mido.MetaMessage("key_signature", key="Am")),
        (0, mido.Message("program_change", channel=1, program=33)),
    ]
    played = [  # channel, key, step, ticks early (-) or late (+), length in ticks, velocity
        (9, 36, 0, +2, 10, 120),
        (9, 36, 7, -3, 10, 100),
        (9, 36, 10, +1, 10, 110),
        (9, 38, 4, -2, 10, 115),
        (9, 38, 12, +3, 10, 118),
        (9, 58, 15, +2, 10, 70),  # vibraslap: no museaud instrument of its own
        *[(9, 42, step, (-1) ** step * 2, 12, 60 + step) for step in range(0, 16, 2)],
        (1, 45, 0, +1, 70, 100),  # A2, three 16ths
        (1, 52, 6, -2, 46, 90),  # E3, two 16ths
        (1, 57, 8, +2, 90, 95),  # A3, four 16ths
    ]
    for channel, key, step, shift, length, velocity in played:
        start = step * sixteenth + shift
        events += note(channel, key, start, start + length, velocity)
    midi = mido.MidiFile(type=0, ticks_per_beat=96)
    midi.tracks.append(track_of(*events, name="Groove in A", end=384))
    path = tmp_path / "groove.mid"
    midi.save(path)

    (pattern,) = import_midi(path)
    assert (pattern.title, pattern.flavor, pattern.bpm) == ("Groove in A", "Imported", 100.0)
    assert (pattern.key_note, pattern.scale, pattern.steps_per_beat, pattern.bars) == (
        9,
        "minor",
        4,
        1,
    )
    parts = {part.instrument: part for part in pattern.parts}
    assert set(parts) == {"kick", "snare", "kit", "closed_hat", "electric_bass"}
    assert parts["kick"].notes == (Note(0, 36, 120), Note(7, 36, 100), Note(10, 36, 110))
    assert parts["snare"].notes == (Note(4, 38, 115), Note(12, 38, 118))
    assert parts["kit"].notes == (Note(15, 58, 70),)
    assert [n.step for n in parts["closed_hat"].notes] == list(range(0, 16, 2))
    assert parts["electric_bass"].notes == (  # written in C: A minor's A2 is written C2
        Note(0, 36, 100, 3),
        Note(6, 43, 90, 2),
        Note(8, 48, 95, 4),
    )
    assert 0 < pattern.metadata["quantisation_error_beats"] < 0.05


def test_a_type_1_file_at_960_ticks_in_triplets(tmp_path: Path) -> None:
    third = 320  # a triplet eighth at 960 ticks per beat
    conductor = track_of(
        (0, mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(96))),
        (0, mido.MetaMessage("time_signature", numerator=4, denominator=4)),
        (0, mido.MetaMessage("key_signature", key="Eb")),
        name="Son montuno",
    )
    percussion = [
        *note(9, 75, 0, 100),
        *note(9, 75, 3 * third, 3 * third + 100),
        *note(9, 62, 2 * third, 2 * third + 50, 80),
        *note(9, 63, 5 * third, 5 * third + 50, 110),
        *note(9, 63, 8 * third, 8 * third + 50, 112),
        *note(9, 70, 1 * third, 1 * third + 40, 50),
    ]
    keys = [
        (0, mido.Message("program_change", channel=0, program=1)),
        *note(0, 63, 0, 2 * third),
        *note(0, 67, 0, 2 * third),
        *note(0, 70, 4 * third, 7 * third),
    ]
    bass = [
        (0, mido.Message("program_change", channel=2, program=32)),
        (0, mido.Message("control_change", channel=2, control=7, value=80)),
        (0, mido.Message("control_change", channel=2, control=10, value=32)),
        *note(2, 39, third, 6 * third),
    ]
    midi = mido.MidiFile(type=1, ticks_per_beat=960)
    midi.tracks.append(conductor)
    midi.tracks.append(track_of(*percussion, name="Percussion", end=8 * 960))
    midi.tracks.append(track_of(*keys, name="Keys"))
    midi.tracks.append(track_of(*bass, name="Baby bass"))
    path = tmp_path / "son.mid"
    midi.save(path)

    (pattern,) = import_midi(path, title="Son", flavor="son montuno")
    assert (pattern.title, pattern.flavor, pattern.bpm, pattern.key_note, pattern.scale) == (
        "Son",
        "son montuno",
        96.0,
        3,
        "major",
    )
    assert (pattern.steps_per_beat, pattern.bars, pattern.time_signature) == (3, 2, "4/4")
    assert [part.instrument for part in pattern.parts] == [
        "clave",
        "maracas",
        "conga",
        "piano",
        "bass",
    ]
    assert pattern.part("clave").notes == (Note(0, 75), Note(3, 75))
    assert pattern.part("conga").notes == (
        Note(2, 62, 80),
        Note(5, 63, 110),
        Note(8, 63, 112),
    )
    assert pattern.part("piano").notes == (  # Eb major written in C major
        Note(0, 60, 100, 2),
        Note(0, 64, 100, 2),
        Note(4, 67, 100, 3),
    )
    bass_part = pattern.part("bass")
    assert bass_part.notes == (Note(1, 36, 100, 5),)
    assert (bass_part.volume, bass_part.pan) == (0.8, -0.5)


def test_a_file_longer_than_64_bars_comes_in_pieces(tmp_path: Path) -> None:
    events = [event for bar in range(100) for event in note(9, 36, bar * 1920, bar * 1920 + 60)]
    midi = mido.MidiFile(type=0, ticks_per_beat=480)
    midi.tracks.append(track_of(*events, name="Long", end=100 * 1920))
    path = tmp_path / "long.mid"
    midi.save(path)
    first, second = import_midi(path)
    assert (first.title, first.bars) == ("Long (bars 1-64)", 64)
    assert (second.title, second.bars) == ("Long (bars 65-100)", 36)
    assert [n.step for n in second.parts[0].notes] == [bar * 16 for bar in range(36)]


def test_the_grid_is_the_simplest_that_holds_the_onsets() -> None:
    def beats(*values: str) -> list[Fraction]:
        return [Fraction(value) for value in values]

    assert choose_steps_per_beat(beats("0", "1/4", "3/4", "5/2")) == 4
    assert choose_steps_per_beat(beats("0", "1/3", "2/3", "4/3")) == 3
    assert choose_steps_per_beat(beats("0", "1/6", "1/2")) == 6
    assert choose_steps_per_beat(beats("0", "1/8", "1/4")) == 8
    assert choose_steps_per_beat(beats("0", "1/4", "1/3")) == 12  # 16ths and triplets
    assert choose_steps_per_beat(beats("1/50", "1/4", "49/100")) == 4  # played, 2% off
    assert choose_steps_per_beat([]) == 4


# --- errors ------------------------------------------------------------------------------------


def assert_refused(path: Path, reason: str) -> None:
    with pytest.raises(MidiFileError) as caught:
        import_midi(path)
    assert str(path) in str(caught.value)
    assert reason in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_files_that_are_not_usable_midi_are_refused_with_the_reason(tmp_path: Path) -> None:
    text = tmp_path / "notes.mid"
    text.write_text("these are not the notes you are looking for")
    assert_refused(text, "not a MIDI file")

    empty = tmp_path / "empty.mid"
    empty.write_bytes(b"")
    assert_refused(empty, "empty")

    good = tmp_path / "good.mid"
    export_midi([random_pattern(random.Random(1))], good)
    truncated = tmp_path / "truncated.mid"
    truncated.write_bytes(good.read_bytes()[:60])
    assert_refused(truncated, "truncated")

    silent = tmp_path / "silent.mid"
    midi = mido.MidiFile(type=1)
    midi.tracks.append(track_of((0, mido.MetaMessage("set_tempo", tempo=500000)), name="Silence"))
    midi.save(silent)
    assert_refused(silent, "no notes")

    assert_refused(tmp_path / "missing.mid", "no such file")

    asynchronous = tmp_path / "type2.mid"
    midi = mido.MidiFile(type=2)
    midi.tracks.append(track_of(*note(9, 36, 0, 10)))
    midi.save(asynchronous)
    assert_refused(asynchronous, "type 2")


def test_export_refuses_what_midi_cannot_hold(tmp_path: Path) -> None:
    path = tmp_path / "out.mid"
    too_high = Part("lead", (Program("A", (Note(0, 120),)),), pitch_offset=12)
    with pytest.raises(MidiFileError, match="sounds at 143"):
        export_midi([BeatPattern("High", "house", 120.0, (too_high,), key_note=11)], path)
    triplets = BeatPattern("Trip", "house", 120.0, (too_high,), steps_per_beat=3)
    with pytest.raises(MidiFileError, match="whole ticks at 100 ticks per beat"):
        export_midi([triplets], path, ticks_per_beat=100)
    with pytest.raises(MidiFileError, match="no patterns"):
        export_midi([], path)
    with pytest.raises(MidiFileError, match="300 bpm"):
        export_midi([replace(triplets, bpm=300.0)], path)
    assert not path.exists()
