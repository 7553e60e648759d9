"""The quality score ranks what a musician would: a generated part above random notes, and a
broken one (wrong notes, everything on one step) lowest; each term says why."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from museaud.patterns import flavors
from museaud.patterns.generators import GenerationRequest, generate
from museaud.patterns.generators.common import untangled
from museaud.patterns.instruments import INSTRUMENTS
from museaud.patterns.model import BeatPattern, Note, Part, Program
from museaud.patterns.quality import DRUM_WEIGHTS, PITCHED_WEIGHTS, assess


def good(engine: str, style: str, seed: int) -> BeatPattern:
    return generate(GenerationRequest(engine=engine, style=style, seed=seed))


def noise(pattern: BeatPattern, seed: int) -> BeatPattern:
    """As many notes as the pattern, on random steps with random pitches and velocities."""
    rng = random.Random(seed)
    count = sum(len(part.notes) for part in pattern.parts if part.enabled)
    parts = []
    playing = [part for part in pattern.parts if part.enabled]
    for part in playing:
        known = INSTRUMENTS[part.instrument]
        notes = []
        for _ in range(max(1, count // len(playing))):
            pitch = (
                rng.choice(sorted(set(known.strokes.values())))
                if known.is_percussion
                else rng.randint(30, 100)
            )
            step = rng.randrange(pattern.total_steps)
            notes.append(Note(step, pitch, rng.randint(1, 127), rng.randint(1, 4)))
        parts.append(
            replace(part, programs=(Program("noise", tuple(untangled(notes))),), active_program=0)
        )
    return replace(pattern, parts=tuple(parts))


def broken(pattern: BeatPattern) -> BeatPattern:
    """Every part's notes on step 0, out of the key (C#, F#, G# over a C tonic) or one stroke."""
    parts = []
    for part in pattern.parts:
        known = INSTRUMENTS[part.instrument]
        if known.is_percussion:
            notes = [Note(0, known.default_stroke, 100)]
        else:
            notes = [Note(0, pitch, 100) for pitch in (61, 66, 68)]
        parts.append(Part(part.instrument, (Program("broken", tuple(notes)),)))
    return replace(pattern, parts=tuple(parts))


@pytest.mark.parametrize("engine", ["drums", "bass", "chords", "melody"])
@pytest.mark.parametrize("style", ["salsa", "house", "funk", "bachata", "rock"])
def test_good_above_noise_above_broken(engine: str, style: str) -> None:
    for seed in range(3):
        made = good(engine, style, seed)
        scores = [assess(p).score for p in (made, noise(made, seed), broken(made))]
        assert scores[0] > 0.75, assess(made)
        assert scores[0] > scores[1] + 0.2, (scores, assess(noise(made, seed)))
        assert scores[1] > scores[2], (scores, assess(broken(made)))
        assert scores[2] < 0.35


def test_the_terms_explain_the_score() -> None:
    report = assess(good("melody", "salsa", 1))
    assert set(report.terms) == set(PITCHED_WEIGHTS)
    weighted = sum(report.weights[t] * v for t, v in report.terms.items())
    assert report.score == pytest.approx(weighted / sum(report.weights.values()))
    explained = report.as_dict()
    assert explained["terms"]["scale_fit"] == {"value": 1.0, "weight": 0.25}
    drum_report = assess(good("drums", "house", 1))
    assert set(drum_report.terms) == set(DRUM_WEIGHTS)


def test_wrong_notes_cost_scale_fit() -> None:
    made = good("melody", "pop", 2)
    part = made.parts[0]
    half_wrong = [
        Note(n.step, n.pitch + 1 if i % 2 else n.pitch, n.velocity, n.length)
        for i, n in enumerate(part.notes)
    ]
    worse = replace(made, parts=(part.with_notes(untangled(half_wrong)),))
    assert assess(worse).terms["scale_fit"] < 0.75
    assert assess(worse).score < assess(made).score


def test_unknown_context_terms_are_left_out_not_guessed() -> None:
    made = good("bass", "funk", 3)
    bare = replace(made, flavor="", metadata={})
    report = assess(bare)
    assert "chord_fit" not in report.terms and "syncopation" not in report.terms
    assert 0.0 <= report.score <= 1.0


def test_a_documented_flavour_has_an_intact_backbone() -> None:
    groove = flavors.build_pattern("salsa", bars=4)
    drums_only = replace(
        groove,
        parts=tuple(p for p in groove.parts if INSTRUMENTS[p.instrument].is_percussion),
        kind="drums",
    )
    assert assess(drums_only, style="salsa").terms["backbone"] == 1.0
    no_clave = replace(
        drums_only, parts=tuple(p for p in drums_only.parts if p.instrument != "clave")
    )
    assert assess(no_clave, style="salsa").terms["backbone"] < 1.0


def test_requested_density_is_judged_against_the_style() -> None:
    sparse = generate(GenerationRequest(engine="drums", style="funk", density=0.1, seed=4))
    assert assess(sparse).terms["density"] > assess(sparse, density=1.0).terms["density"]
