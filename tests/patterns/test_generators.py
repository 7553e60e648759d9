"""The generators: deterministic, valid in every style and key, and musically right: the bass on
the chords' roots, the melody in the scale and answering itself, the drums keeping the style's
backbone, the chords following the style's harmony with smooth voice leading."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest

from museaud.music.scales import scale
from museaud.patterns import flavors
from museaud.patterns.features import note_count
from museaud.patterns.generators import (
    ENGINES,
    STYLES,
    GenerationError,
    GenerationRequest,
    Progression,
    generate,
)
from museaud.patterns.generators.chords import CHORD_WINDOWS
from museaud.patterns.instruments import INSTRUMENTS
from museaud.patterns.model import BeatPattern, Note

LATIN = [name for name, style in STYLES.items() if style.family == "latin"]
KIT = [name for name, style in STYLES.items() if style.family == "kit"]


def request(engine: str, style: str = "salsa", **knobs: object) -> GenerationRequest:
    return GenerationRequest(engine=engine, style=style, **knobs)  # type: ignore[arg-type]


def notes_of(pattern: BeatPattern) -> list[Note]:
    return [note for part in pattern.parts if part.enabled for note in part.notes]


# --- the request -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("knobs", "message"),
    [
        ({"engine": "vocals"}, "unknown engine 'vocals'; known: drums, bass, chords, melody"),
        ({"style": "polka"}, "unknown style 'polka'; known: salsa"),
        ({"key_note": 12}, r"key note 12 is not a pitch class 0-11"),
        ({"scale": "klezmer"}, "unknown scale 'klezmer'"),
        ({"bpm": 500}, "500 bpm is outside 20-400 bpm"),
        ({"bars": 0}, "0 bars is outside 1-64"),
        ({"complexity": 1.5}, "complexity 1.5 is outside 0-1"),
        ({"density": -0.1}, r"density -0.1 is outside 0-1"),
        ({"swing": 0.8}, "swing 0.8 is outside 0-0.75"),
        ({"humanize": 2.0}, "humanize 2.0 is outside 0-1"),
        ({"seed": -1}, "seed -1 is outside 0-"),
        ({"steps_per_beat": 5}, r"5 steps per beat is not one of \(2, 3, 4, 6, 8, 12\)"),
        ({"clave": "1-2"}, "clave '1-2' is not 2-3 or 3-2"),
    ],
)
def test_bad_requests_are_refused_with_a_clear_message(
    knobs: dict[str, object], message: str
) -> None:
    fields: dict[str, object] = {"engine": "drums", "style": "salsa"} | knobs
    with pytest.raises(GenerationError, match=message):
        GenerationRequest(**fields)  # type: ignore[arg-type]


def test_styles_are_found_in_any_spelling() -> None:
    assert request("bass", "Cha-cha-chá").style_info.name == "cha_cha_cha"
    assert request("bass", "Hip-hop").style_info.name == "hip_hop"
    assert request("bass", "drum & bass").style_info.name == "drum_and_bass"
    assert request("bass", "DnB").style_info.name == "drum_and_bass"


def test_a_clave_style_refuses_a_broken_clave_phrase() -> None:
    with pytest.raises(GenerationError, match="2-bar clave phrases: ask for a multiple of 2"):
        generate(request("drums", "salsa", bars=3))


def test_request_parameters_are_json_ready_and_filled_from_the_style() -> None:
    parameters = request("chords", "house", seed=7).parameters()
    assert parameters["scale"] == "minor" and parameters["bpm"] == 124
    assert parameters["style"] == "house" and parameters["seed"] == 7
    assert "taste" not in parameters


# --- determinism -----------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("style", ["salsa", "house", "funk"])
def test_same_seed_same_pattern_other_seed_other_pattern(engine: str, style: str) -> None:
    knobs = {"complexity": 0.7, "density": 0.7, "humanize": 0.5}
    first = generate(request(engine, style, seed=11, **knobs))
    again = generate(request(engine, style, seed=11, **knobs))
    assert first == again and first.metadata == again.metadata
    others = [generate(request(engine, style, seed=seed, **knobs)) for seed in (12, 13)]
    assert any(other.parts != first.parts for other in others)


# --- every engine, style and key ---------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("style", list(STYLES))
@pytest.mark.parametrize(
    ("key_note", "complexity", "density"), [(0, 0.2, 0.3), (5, 0.6, 0.6), (11, 0.95, 0.9)]
)
def test_every_engine_style_and_key_makes_a_valid_pattern(
    engine: str, style: str, key_note: int, complexity: float, density: float
) -> None:
    wanted = request(
        engine, style, key_note=key_note, complexity=complexity, density=density, seed=key_note
    )
    pattern = generate(wanted).validated()
    assert pattern.kind == engine and pattern.flavor == style
    assert pattern.key_note == key_note and pattern.bpm == wanted.tempo_bpm
    assert pattern.bars == 4 and pattern.beats_per_bar == 4
    assert note_count(pattern) > 0
    for part in pattern.parts:
        known = INSTRUMENTS[part.instrument]
        for note in part.notes:
            if known.is_percussion:
                assert note.pitch in known.strokes.values()
            else:
                assert known.low_pitch <= note.pitch + key_note <= known.high_pitch


@pytest.mark.parametrize("engine", ["bass", "chords", "melody"])
@pytest.mark.parametrize("steps_per_beat", [2, 3, 6, 8, 12])
def test_pitched_engines_write_on_any_grid(engine: str, steps_per_beat: int) -> None:
    pattern = generate(request(engine, "house", steps_per_beat=steps_per_beat)).validated()
    assert pattern.steps_per_beat == steps_per_beat
    assert pattern.metadata["progression"][-1]["start"] < pattern.total_steps


def test_swing_and_humanize_are_kept_for_the_player() -> None:
    pattern = generate(request("drums", "hip_hop", swing=0.4, humanize=0.7))
    assert pattern.swing == 0.4
    assert pattern.metadata["humanize"] == 0.7 and pattern.metadata["timing_humanize"] == 0.7


@pytest.mark.parametrize("engine", ENGINES)
def test_humanize_changes_velocities_only(engine: str) -> None:
    stiff = generate(request(engine, "salsa", humanize=0.0, seed=3, complexity=0.7))
    loose = generate(request(engine, "salsa", humanize=1.0, seed=3, complexity=0.7))

    def grid(pattern: BeatPattern) -> list[tuple[int, int, int]]:
        return [(n.step, n.pitch, n.length) for n in notes_of(pattern)]

    assert grid(stiff) == grid(loose)
    assert [n.velocity for n in notes_of(stiff)] != [n.velocity for n in notes_of(loose)]


# --- chords ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("style", "scale_name", "expected"),
    [
        ("salsa", "major", "I-IV-V-IV"),
        ("son_montuno", "minor", "i-iv-V-iv"),
        ("bachata", "major", "I-IV-V"),
        ("bachata", "minor", "i-iv-V"),
        ("reggaeton", "minor", "i-VI-III-VII"),
        ("pop", "major", ("vi-IV-I-V", "I-V-vi-IV")),
        ("house", "minor", ("i-VI-III-VII", "i-iv-VI-VII")),
        ("funk", "dorian", ("i7-IV7", "i7", "i7-iv7")),
    ],
)
def test_chords_follow_the_styles_harmony(
    style: str, scale_name: str, expected: str | tuple[str, ...]
) -> None:
    pattern = generate(request("chords", style, scale=scale_name, complexity=0.1, seed=2))
    numerals = "-".join(span["numeral"] for span in pattern.metadata["progression"])
    choices = (expected,) if isinstance(expected, str) else expected
    assert any(numerals.startswith(choice) for choice in choices), numerals
    assert len(pattern.metadata["chord_names"]) == len(pattern.metadata["progression"])


def test_chord_names_are_spelled_in_the_sounding_key() -> None:
    pattern = generate(request("chords", "salsa", key_note=7, complexity=0.1, bars=2))
    assert pattern.metadata["chord_names"] == ["G", "C", "D", "C"]  # two beats each


def test_complexity_adds_sevenths_ninths_and_jazz_harmony() -> None:
    plain = generate(request("chords", "house", scale="major", complexity=0.1, seed=1))
    sevenths = generate(request("chords", "house", scale="major", complexity=0.5, seed=1))
    jazz = generate(request("chords", "house", scale="major", complexity=0.9, seed=1))
    assert all(len(span["intervals"]) == 3 for span in plain.metadata["progression"])
    assert all(len(span["intervals"]) >= 4 for span in sevenths.metadata["progression"])
    assert jazz.metadata["numerals"].startswith("ii9-V")
    assert any(14 in span["intervals"] for span in jazz.metadata["progression"])


def test_passing_chords_lead_into_the_next_chord_a_fifth_below() -> None:
    pattern = generate(request("chords", "rock", complexity=0.64, seed=4))
    spans = pattern.metadata["progression"]
    passing = [i for i, span in enumerate(spans) if span["length"] == 2 * 4]
    assert passing, "complexity 0.64 puts at least one passing chord in four bars"
    for index in passing[1::2]:  # the second half of a split bar
        following = spans[(index + 1) % len(spans)]
        assert (spans[index]["root"] - following["root"]) % 12 == 7


@pytest.mark.parametrize("style", list(STYLES))
def test_chords_are_voiced_in_the_keyboard_range_with_smooth_leading(style: str) -> None:
    pattern = generate(request("chords", style, key_note=4, complexity=0.5, seed=6))
    part = pattern.parts[0]
    low, high = CHORD_WINDOWS[part.instrument]
    by_step: dict[int, list[int]] = {}
    for note in part.notes:
        by_step.setdefault(note.step, []).append(note.pitch + pattern.key_note)
        assert low - 12 <= note.pitch + pattern.key_note <= high
    tops = [max(by_step[step]) for step in sorted(by_step)]
    moves = [abs(b - a) for a, b in itertools.pairwise(tops)]
    assert sum(moves) / len(moves) <= 5


def test_the_montuno_anticipates_the_next_chord_on_the_off_beat() -> None:
    pattern = generate(request("chords", "salsa", complexity=0.1, density=0.6, seed=1))
    progression = Progression.of(pattern)
    anticipations = [n for n in pattern.parts[0].notes if n.step % 16 == 14]
    assert anticipations
    for note in anticipations:
        coming = progression.at(note.step + 2).chord
        assert coming.contains(note.pitch)


# --- bass ----------------------------------------------------------------------------------


def _assert_bass_on_roots(bass: BeatPattern, progression: Progression) -> None:
    notes = sorted(bass.parts[0].notes)
    for span in progression.spans[1:]:
        change = span.start
        if change >= bass.total_steps or progression.at(change - 1).chord.root == span.chord.root:
            continue
        sounding = [n for n in notes if n.step <= change < n.step + n.length]
        following = [n for n in notes if change <= n.step < span.end]
        heard = sounding[-1] if sounding else (following[0] if following else None)
        if heard is not None:
            assert heard.pitch % 12 == span.chord.root, (bass.flavor, change, heard)


@pytest.mark.parametrize("style", list(STYLES))
@pytest.mark.parametrize(("complexity", "density"), [(0.1, 0.2), (0.5, 0.5), (0.9, 0.9)])
def test_the_bass_plays_the_chords_roots_at_every_change(
    style: str, complexity: float, density: float
) -> None:
    wanted = request("bass", style, complexity=complexity, density=density, seed=5, key_note=3)
    bass = generate(wanted)
    chords = generate(replace(wanted, engine="chords"))
    assert bass.metadata["progression"] == chords.metadata["progression"]
    _assert_bass_on_roots(bass, Progression.of(chords))


def test_the_bass_follows_chords_it_is_given() -> None:
    chords = generate(request("chords", "pop", complexity=0.9, seed=9))
    bass = generate(request("bass", "pop", complexity=0.1, seed=1), chords=chords)
    assert bass.metadata["numerals"] == chords.metadata["numerals"]
    _assert_bass_on_roots(bass, Progression.of(chords))
    finer = generate(request("bass", "pop", steps_per_beat=8, seed=1), chords=chords)
    assert (
        finer.metadata["progression"][1]["start"] == 2 * chords.metadata["progression"][1]["start"]
    )


def test_the_salsa_tumbao_anticipates_on_two_and_and_four() -> None:
    bass = generate(request("bass", "salsa", complexity=0.3, density=0.6, seed=1))
    positions = {note.step % 16 for note in bass.parts[0].notes}
    assert positions == {6, 12}  # the 2& and the 4; the downbeat is left to the tied note
    progression = Progression.of(bass)
    for note in bass.parts[0].notes:
        if note.step % 16 == 12:
            assert note.pitch % 12 == progression.at(note.step + 4).chord.root


def test_the_bass_stays_in_its_register() -> None:
    for seed in range(5):
        bass = generate(request("bass", "funk", seed=seed, key_note=11, complexity=0.9))
        pitches = [note.pitch + bass.key_note for note in bass.parts[0].notes]
        assert min(pitches) >= 28 and max(pitches) <= 57


# --- melody --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "scale_name",
    ["major", "minor", "dorian", "mixolydian", "harmonic_minor", "minor_pentatonic", "blues"],
)
@pytest.mark.parametrize("style", ["salsa", "house", "funk", "bachata", "trap"])
def test_the_melody_stays_in_the_scale(scale_name: str, style: str) -> None:
    for seed in range(3):
        melody = generate(
            request("melody", style, scale=scale_name, seed=seed, complexity=0.9, density=0.9)
        )
        allowed = scale(scale_name).pitch_classes
        assert {note.pitch % 12 for note in melody.parts[0].notes} <= allowed


def test_the_melody_lands_on_chord_tones_on_strong_beats() -> None:
    for seed in range(10):
        melody = generate(request("melody", "pop", seed=seed))
        progression = Progression.of(melody)
        strong = [n for n in melody.parts[0].notes if n.step % 8 == 0]
        assert strong
        assert all(progression.at(n.step).chord.contains(n.pitch) for n in strong)


def test_the_melody_moves_by_step_and_resolves_its_leaps() -> None:
    steps = leaps = resolved = 0
    for seed in range(20):
        line = [n.pitch for n in generate(request("melody", "house", seed=seed)).parts[0].notes]
        moves = [b - a for a, b in itertools.pairwise(line)]
        steps += sum(1 for m in moves if abs(m) <= 2)
        for here, after in itertools.pairwise(moves):
            if abs(here) > 4:
                leaps += 1
                resolved += (here > 0) != (after > 0) and abs(after) <= 4
    assert steps > leaps
    assert resolved / leaps > 0.6


def test_the_melody_answers_its_call_and_breathes() -> None:
    for seed in range(10):
        melody = generate(request("melody", "salsa", seed=seed, bars=4, density=0.7))
        notes = melody.parts[0].notes
        bars = [[n for n in notes if n.step // 16 == bar] for bar in range(4)]
        call, answer = bars[0], bars[1]
        opening = {n.step % 16 for n in call if n.step % 16 < 8}
        answered = {n.step % 16 for n in answer if n.step % 16 < 8}
        assert answered in (opening, {p + 2 for p in opening if p + 2 < 8}) or not opening
        for bar in (1, 3):  # the answers rest on beat 4
            assert all(n.step % 16 < 12 and n.step % 16 + n.length <= 12 for n in bars[bar])
            assert any(n.step % 16 == 8 for n in bars[bar])


def test_density_sets_the_notes_per_bar() -> None:
    sparse = sum(
        note_count(generate(request("melody", "pop", seed=s, density=0.1))) for s in range(8)
    )
    dense = sum(
        note_count(generate(request("melody", "pop", seed=s, density=0.9))) for s in range(8)
    )
    assert dense > 1.8 * sparse


# --- drums ---------------------------------------------------------------------------------


def _onsets(pattern: BeatPattern, instrument: str) -> set[int]:
    return {n.step for n in pattern.part(instrument).notes}


@pytest.mark.parametrize("seed", range(4))
def test_kit_grooves_keep_their_backbone(seed: int) -> None:
    house = generate(request("drums", "house", seed=seed, complexity=0.3))
    assert {s % 16 for s in _onsets(house, "kick")} == {0, 4, 8, 12}
    assert {s % 16 for s in _onsets(house, "clap")} == {4, 12}
    dembow = generate(request("drums", "reggaeton", seed=seed, complexity=0.3))
    assert {s % 16 for s in _onsets(dembow, "snare")} == {3, 6, 11, 14}
    trap = generate(request("drums", "trap", seed=seed, complexity=0.3))
    assert {s % 16 for s in _onsets(trap, "snare")} == {8}  # the half-time backbeat
    rock = generate(request("drums", "rock", seed=seed, complexity=0.3))
    assert {0, 8} <= {s % 16 for s in _onsets(rock, "kick")}
    assert {4, 12} <= {s % 16 for s in _onsets(rock, "snare")}


@pytest.mark.parametrize("style", LATIN)
def test_latin_drums_keep_the_flavours_clave_untouched(style: str) -> None:
    source_flavor = flavors.flavor(STYLES[style].flavor or style)
    for seed in range(3):
        drums = generate(request("drums", style, seed=seed, complexity=0.9, density=0.9))
        reference = flavors.build_pattern(source_flavor.key, bars=4)
        factor = drums.steps_per_beat // reference.steps_per_beat
        for name in STYLES[style].protected:
            try:
                original = reference.part(name)
            except KeyError:
                continue
            kept = drums.part(name)
            assert [(n.step, n.pitch) for n in kept.notes] == [
                (n.step * factor, n.pitch) for n in original.notes
            ]


@pytest.mark.parametrize("style", ["salsa", "house", "funk", "merengue", "rock"])
def test_density_adds_notes(style: str) -> None:
    sparse = [note_count(generate(request("drums", style, seed=s, density=0.1))) for s in range(6)]
    dense = [note_count(generate(request("drums", style, seed=s, density=0.9))) for s in range(6)]
    assert sum(dense) > 1.25 * sum(sparse)


def test_low_density_leaves_the_optional_latin_parts_out() -> None:
    drums = generate(request("drums", "salsa", density=0.05))
    playing = {part.instrument for part in drums.parts if part.enabled}
    assert {"clave", "cowbell", "conga"} <= playing
    assert not playing & {"maracas", "guiro", "bongo"}
    busy = generate(request("drums", "salsa", density=0.9))
    assert {"bongo", "maracas", "guiro"} <= {part.instrument for part in busy.parts if part.enabled}


@pytest.mark.parametrize("style", ["rock", "funk", "salsa"])
def test_complexity_brings_a_fill_in_the_last_bar(style: str) -> None:
    calm = generate(request("drums", style, complexity=0.2, density=0.5, seed=2))
    busy = generate(request("drums", style, complexity=0.8, density=0.5, seed=2))
    last_beats = range(busy.total_steps - 2 * busy.steps_per_beat, busy.total_steps)

    def fill_hits(pattern: BeatPattern, voices: tuple[str, ...]) -> int:
        return sum(
            1
            for part in pattern.parts
            if part.instrument in voices
            for n in part.notes
            if n.step in last_beats
        )

    voices = ("tom_high", "tom_mid", "tom_low", "snare") if style != "salsa" else ("timbales",)
    assert fill_hits(busy, voices) > fill_hits(calm, voices)
    ramp = sorted(
        (n.step, n.velocity)
        for part in busy.parts
        if part.instrument in voices
        for n in part.notes
        if n.step in last_beats
    )
    assert ramp[-1][1] > ramp[0][1]  # a crescendo into the loop's one
