"""A quality score from 0 to 1 that says something a musician would agree with.

The score is a weighted mean of named terms, each 0-1; terms that cannot be judged (no chord
progression known, no requested density, an unknown style) are left out and the weights of
the others renormalised. The report keeps every term, so a low score says why.

Pitched parts (bass, chords, melody):
- scale_fit (0.25): share of notes in the key's scale (the raised seventh allowed in minor,
  where the dominant chord needs it). Wrong notes are what a listener hears first.
- chord_fit (0.20): share of on-beat notes that are tones of the chord sounding then, or of
  the chord a beat later (anticipation is idiomatic: the tumbao, the montuno's pushes).
- motion (0.20): lines: share of smooth intervals (up to a fourth in a melody, a fifth or an
  octave in a bass) and of leaps resolved by a step back; a melody stuck on one note loses.
  Chords: how little the voices move from chord to chord (about 2 semitones per voice or less
  is ideal, 10 or more is a jump).
- range (0.15): share of notes inside the instrument's range, times how well the span suits
  the part (a melody of 5-19 semitones, a bass 5-24, chords 7-28).
- rhythm (0.10): variety of onset positions within the bar (entropy against what its number
  of notes allows), and some bar-to-bar repetition (a loop with a motif, not noise).
- syncopation (0.10): closeness of the off-beat weight to the style's own (salsa and funk
  push, rock sits on the beat).

Drums and percussion:
- backbone (0.35): kit styles: the kick and backbeat of the style's core groove are there;
  Latin flavours: the clave, bell and other timekeepers play one of their documented
  programs (museaud.patterns.flavors; the last two beats, where fills go, are not judged).
  Without a known style: every beat has an onset.
- spread (0.20): entropy of onset positions in the bar; all notes on one step scores 0.
- dynamics (0.20): velocity spread in a musical range (6-30) and accents on the beat.
- density (0.25): drum hits per step against what the style plays at the requested density
  and complexity (museaud.patterns.generators.common.Style.drum_density); off by half the
  density range (at least 0.4 hits per step) scores 0.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from museaud.music.scales import SCALE_INTERVALS, scale
from museaud.patterns.features import ROLE_OF, is_percussion, offbeat_weight, sounding_parts
from museaud.patterns.flavors import build_pattern
from museaud.patterns.generators.common import STYLES, style_key
from museaud.patterns.generators.drums import KIT_GROOVES
from museaud.patterns.instruments import INSTRUMENTS
from museaud.patterns.model import BeatPattern, Note

QUALITY_VERSION = "1"
PITCHED_WEIGHTS = {
    "scale_fit": 0.25,
    "chord_fit": 0.20,
    "motion": 0.20,
    "range": 0.15,
    "rhythm": 0.10,
    "syncopation": 0.10,
}
DRUM_WEIGHTS = {"backbone": 0.35, "spread": 0.20, "dynamics": 0.20, "density": 0.25}
SPANS = {"melody": (5, 19), "bass": (5, 24), "chords": (7, 28)}
TIMEKEEPERS = ("clave", "cowbell", "timbale_bell", "guira", "tambora")
"""Latin parts whose rhythm is the style's identity: the backbone checks them."""


@dataclass(frozen=True)
class QualityReport:
    """A score 0-1, the terms it was made of (each 0-1) and their weights."""

    score: float
    terms: dict[str, float]
    weights: dict[str, float]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: the score and each term with its weight."""
        return {
            "score": round(self.score, 4),
            "version": QUALITY_VERSION,
            "terms": {
                name: {"value": round(value, 4), "weight": self.weights[name]}
                for name, value in self.terms.items()
            },
        }


def _report(terms: dict[str, float | None], weights: dict[str, float]) -> QualityReport:
    judged = {name: max(0.0, min(1.0, value)) for name, value in terms.items() if value is not None}
    total = sum(weights[name] for name in judged)
    score = sum(weights[name] * value for name, value in judged.items()) / total if total else 0.0
    return QualityReport(score, judged, {name: weights[name] for name in judged})


def assess(
    pattern: BeatPattern, *, density: float | None = None, style: str | None = None
) -> QualityReport:
    """The pattern's quality; density (the requested one) and style default to the pattern's
    generation metadata and flavour."""
    if density is None and isinstance(pattern.metadata.get("density"), (int, float)):
        density = float(pattern.metadata["density"])
    complexity = pattern.metadata.get("complexity")
    if not isinstance(complexity, (int, float)):
        complexity = 0.5
    style_name = style_key(style or pattern.flavor or "")
    parts = list(sounding_parts(pattern))
    pitched = [(p, n) for p in parts if not is_percussion(p.instrument) for n in p.notes]
    drums = [(p, n) for p in parts if is_percussion(p.instrument) for n in p.notes]
    if pattern.kind in SPANS or len(pitched) > len(drums):
        return _pitched(pattern, pitched, style_name)
    return _drums(pattern, drums, style_name, density, float(complexity))


# --- pitched parts ---------------------------------------------------------------------------


def _chords_by_step(progression: list[dict[str, Any]]) -> list[frozenset[int]]:
    """The chord tones sounding at each step of the progression (it loops past its end)."""
    table: list[frozenset[int]] = []
    for span in sorted(progression, key=lambda s: s["start"]):
        tones = frozenset((span["root"] + i) % 12 for i in span["intervals"])
        table.extend([frozenset()] * max(0, span["start"] - len(table)))
        table.extend([tones] * span["length"])
    return table


def _pitched(pattern: BeatPattern, notes: list[tuple[Any, Note]], style_name: str) -> QualityReport:
    if not notes:
        return QualityReport(0.0, {"notes": 0.0}, {"notes": 1.0})
    key_scale = scale(pattern.scale if pattern.scale in SCALE_INTERVALS else "major")
    allowed = set(key_scale.pitch_classes)
    if key_scale.is_minor and len(key_scale.intervals) == 7:
        allowed.add(11)
    scale_fit = sum(1 for _, n in notes if n.pitch % 12 in allowed) / len(notes)

    spb = pattern.steps_per_beat
    progression = pattern.metadata.get("progression")
    chord_fit: float | None = None
    if progression:
        chords = _chords_by_step(progression)
        total = len(chords)
        judged = [n for _, n in notes if n.step % spb == 0] or [n for _, n in notes]
        fits = sum(
            1
            for n in judged
            if n.pitch % 12 in chords[n.step % total]
            or n.pitch % 12 in chords[(n.step + spb) % total]
        )
        chord_fit = fits / len(judged)

    kind = pattern.kind if pattern.kind in SPANS else "melody"
    by_step: dict[int, list[int]] = {}
    for _, n in notes:
        by_step.setdefault(n.step, []).append(n.pitch)
    steps = sorted(by_step)
    if len(steps) < 2:
        motion = 0.0  # everything on one step: no line, no progression
    elif kind == "chords" or len(notes) > 1.3 * len(steps):
        motion = _voice_leading([sorted(by_step[s]) for s in steps])
    else:
        motion = _line_motion([max(by_step[s]) for s in steps], bass=kind == "bass")

    in_range = 0
    for part, n in notes:
        known = INSTRUMENTS.get(part.instrument)
        sounding = n.pitch + pattern.key_note + part.pitch_offset
        if known is None or known.low_pitch <= sounding <= known.high_pitch:
            in_range += 1
    pitches = [n.pitch for _, n in notes]
    span = max(pitches) - min(pitches)
    low, high = SPANS[kind]
    if span < low:
        span_fit = span / low
    elif span > high:
        span_fit = max(0.0, 1.0 - (span - high) / 12.0)
    else:
        span_fit = 1.0
    range_fit = in_range / len(notes) * span_fit

    rhythm = _rhythm(pattern, steps)
    style = STYLES.get(style_name)
    syncopation: float | None = None
    if style is not None:
        weight = sum(offbeat_weight(s, spb) for s in steps) / len(steps)
        syncopation = 1.0 - abs(weight - style.syncopation) / 0.5
    return _report(
        {
            "scale_fit": scale_fit,
            "chord_fit": chord_fit,
            "motion": motion,
            "range": range_fit,
            "rhythm": rhythm,
            "syncopation": syncopation,
        },
        PITCHED_WEIGHTS,
    )


def _line_motion(line: list[int], *, bass: bool) -> float:
    intervals = [b - a for a, b in itertools.pairwise(line)]
    if not intervals:
        return 0.5
    smooth_limit = 7 if bass else 5
    smooth = sum(1 for i in intervals if abs(i) <= smooth_limit or (bass and abs(i) == 12))
    leaps = [
        k for k, i in enumerate(intervals) if abs(i) > smooth_limit and not (bass and abs(i) == 12)
    ]
    resolved = sum(
        1
        for k in leaps
        if k + 1 < len(intervals)
        and 0 < abs(intervals[k + 1]) <= 3
        and (intervals[k + 1] > 0) != (intervals[k] > 0)
    )
    score = 0.7 * smooth / len(intervals) + 0.3 * (resolved / len(leaps) if leaps else 1.0)
    if not bass:
        repeats = sum(1 for i in intervals if i == 0) / len(intervals)
        if repeats > 0.5:
            score *= 1.0 - (repeats - 0.5)
    return score


def _voice_leading(voicings: list[list[int]]) -> float:
    moves = []
    for before, after in itertools.pairwise(voicings):
        if before == after:
            continue
        if len(before) == len(after):
            moves.append(sum(abs(a - b) for a, b in zip(before, after, strict=True)) / len(after))
        else:
            moves.append(sum(min(abs(p - q) for q in before) for p in after) / len(after))
    if not moves:
        return 0.6  # one chord held: nothing to lead
    mean = sum(moves) / len(moves)
    return 1.0 - (mean - 2.0) / 8.0


def _rhythm(pattern: BeatPattern, steps: list[int]) -> float:
    """Variety of positions in the bar, and some repetition from bar to bar."""
    steps_per_bar = pattern.steps_per_bar
    positions = Counter(s % steps_per_bar * 16 // steps_per_bar for s in steps)
    total = sum(positions.values())
    entropy = -sum(c / total * math.log2(c / total) for c in positions.values())
    per_bar = total / pattern.bars
    ceiling = math.log2(max(2.0, min(16.0, per_bar)))
    diversity = min(1.0, entropy / ceiling)
    if pattern.bars < 2:
        return diversity
    bars = Counter(
        tuple(s % steps_per_bar for s in steps if s // steps_per_bar == bar)
        for bar in range(pattern.bars)
    )
    bars.pop((), None)  # silent bars repeat nothing
    repeated = sum(count for count in bars.values() if count > 1) / pattern.bars
    repetition = 1.0 if repeated >= 0.25 else 0.5 + 2.0 * repeated
    return 0.6 * diversity + 0.4 * repetition


# --- drums -------------------------------------------------------------------------------------


TICKS_PER_BEAT = 24
"""A grid every step grid divides (1, 2, 3, 4, 6, 8, 12 steps per beat): onsets compare as ints."""


@lru_cache(maxsize=64)
def _reference(flavor: str, clave: str | None, bars: int) -> dict[str, tuple[frozenset[int], ...]]:
    """The documented flavour's timekeepers: instrument -> each program's onsets in ticks."""
    try:
        source = build_pattern(flavor, clave=clave, bars=bars)
    except (KeyError, ValueError):
        return {}
    return {
        part.instrument: tuple(
            frozenset(n.step * (TICKS_PER_BEAT // source.steps_per_beat) for n in program.notes)
            for program in part.programs
        )
        for part in source.parts
        if part.instrument in TIMEKEEPERS and part.enabled
    }


def _backbone(pattern: BeatPattern, drums: list[tuple[Any, Note]], style_name: str) -> float:
    spb = pattern.steps_per_beat
    steps_per_bar = pattern.steps_per_bar
    fill_start = pattern.total_steps - 2 * spb if pattern.bars >= 2 else pattern.total_steps
    style = STYLES.get(style_name)
    if style is not None and style.name in KIT_GROOVES:
        onsets_by_role: dict[str, set[int]] = {}
        for part, n in drums:
            onsets_by_role.setdefault(ROLE_OF.get(part.instrument, "other"), set()).add(n.step)
        expected = found = 0
        for instrument, (core, _, _) in KIT_GROOVES[style.name].items():
            role = ROLE_OF.get(instrument)
            if role not in ("kick", "backbeat"):
                continue
            for bar in range(pattern.bars):
                for pos, letter in enumerate(core):
                    step = bar * steps_per_bar + round(pos * spb / 4)
                    if letter == "." or step >= fill_start:
                        continue
                    expected += 1
                    found += step in onsets_by_role.get(role, set())
        return found / expected if expected else 1.0
    if style is not None and style.family == "latin":
        reference = _reference(style.flavor or style.name, pattern.clave, pattern.bars)
        if reference:
            tick = TICKS_PER_BEAT // spb
            fill_tick = fill_start * tick
            onsets: dict[str, set[int]] = {}
            for part, n in drums:
                onsets.setdefault(part.instrument, set()).add(n.step * tick)
            shares = []
            for instrument, programs in reference.items():
                played = onsets.get(instrument, set())
                best = 0.0
                for ticks in programs:
                    judged = [t for t in ticks if t < fill_tick]
                    if judged:
                        best = max(best, sum(t in played for t in judged) / len(judged))
                shares.append(best)
            return sum(shares) / len(shares)
    beats = {n.step // spb for _, n in drums if n.step % spb == 0}
    return len(beats) / (pattern.bars * pattern.beats_per_bar)


def _drums(
    pattern: BeatPattern,
    drums: list[tuple[Any, Note]],
    style_name: str,
    density: float | None,
    complexity: float,
) -> QualityReport:
    if not drums:
        return QualityReport(0.0, {"notes": 0.0}, {"notes": 1.0})
    steps_per_bar = pattern.steps_per_bar
    positions = Counter(n.step % steps_per_bar * 16 // steps_per_bar for _, n in drums)
    total = sum(positions.values())
    entropy = -sum(c / total * math.log2(c / total) for c in positions.values())
    spread = min(1.0, entropy / 3.0)

    velocities = [n.velocity for _, n in drums]
    mean = sum(velocities) / len(velocities)
    deviation = math.sqrt(sum((v - mean) ** 2 for v in velocities) / len(velocities))
    if deviation < 6:
        spread_fit = deviation / 6
    elif deviation > 30:
        spread_fit = max(0.0, 1.0 - (deviation - 30) / 20)
    else:
        spread_fit = 1.0
    spb = pattern.steps_per_beat
    on = [n.velocity for _, n in drums if n.step % spb == 0]
    off = [n.velocity for _, n in drums if n.step % spb]
    contrast = (sum(on) / len(on) - sum(off) / len(off)) if on and off else 0.0
    dynamics = 0.6 * spread_fit + 0.4 * max(0.0, min(1.0, 0.5 + contrast / 20))

    density_fit: float | None = None
    style = STYLES.get(style_name)
    if density is not None:
        base, per_density, per_complexity = style.drum_density if style else (0.6, 0.6, 0.3)
        expected = base + per_density * density + per_complexity * complexity
        actual = len(drums) / pattern.total_steps
        density_fit = 1.0 - abs(actual - expected) / max(0.4, 0.5 * per_density)
    return _report(
        {
            "backbone": _backbone(pattern, drums, style_name),
            "spread": spread,
            "dynamics": dynamics,
            "density": density_fit,
        },
        DRUM_WEIGHTS,
    )
