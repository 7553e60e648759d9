"""The melody engine: phrases of call and response that stay in the scale.

Bars go in pairs: the first bar states a rhythm (the call), the second answers it with the
same opening and a long note on beat 3, then rests (the breath between phrases). Later pairs
vary the call by one onset. Pitches move mostly by step; a leap is followed by a step back
(the leap is resolved); notes on beats 1 and 3 and phrase endings fall on chord tones, and
the last phrase ends on the tonic chord's root. Density sets the notes per bar (2 to 9).
"""

from __future__ import annotations

import random

from museaud.music.scales import scale
from museaud.patterns.generators.chords import Progression, over_progression, progression_for
from museaud.patterns.generators.common import (
    GenerationRequest,
    humanized,
)
from museaud.patterns.model import BeatPattern, Note

ALGORITHM = "museaud.melody/call-response"

MELODY_WINDOWS = {
    "lead": (62, 84),
    "trumpet": (60, 81),
    "guitar": (59, 79),
    "strings": (62, 84),
    "electric_piano": (60, 81),
}
"""The sounding range (MIDI) a melody moves in, per instrument: about an octave and a half."""


def _call(rng: random.Random, density: float, complexity: float, syncopation: float) -> list[int]:
    """A one-bar rhythm (sixteenth positions): strong beats likeliest, off-beats as the style
    syncopates, sixteenths with complexity; it always speaks within its first beat."""
    count = 2 + round(density * 7)
    weights = []
    for pos in range(16):
        if pos % 4 == 0:
            weights.append(1.0 if pos in (0, 8) else 0.8)
        elif pos % 2 == 0:
            weights.append(0.35 + syncopation)
        else:
            weights.append(0.05 + 0.35 * complexity * (0.5 + syncopation))
    chosen: list[int] = []
    for _ in range(count):
        total = sum(weights)
        pick = rng.random() * total
        for pos, weight in enumerate(weights):
            pick -= weight
            if pick < 0 and weight > 0:
                chosen.append(pos)
                weights[pos] = 0.0
                break
    if min(chosen) > 3:
        chosen.append(0 if rng.random() < 0.6 else 2)
    return sorted(set(chosen))


def _answer(call: list[int], rng: random.Random, complexity: float) -> list[int]:
    """The answering bar: the call's first half (an eighth later, sometimes, with complexity)
    and a long note on beat 3; beat 4 rests."""
    shift = 2 if rng.random() < 0.5 * complexity else 0
    opening = [pos + shift for pos in call if pos < 8 and pos + shift < 8]
    return sorted({*opening, 8})


def _varied(call: list[int], rng: random.Random) -> list[int]:
    """The call with one onset moved to a free neighbouring position."""
    varied = list(call)
    index = rng.randrange(len(varied))
    for move in (rng.choice((-2, 2, -1, 1)), 2, -2):
        target = varied[index] + move
        if 0 <= target < 16 and target not in varied:
            varied[index] = target
            break
    return sorted(varied)


def _rhythm(request: GenerationRequest, rng: random.Random) -> list[tuple[int, int, bool]]:
    """(step, length, phrase end) of every note, phrase by phrase."""
    style = request.style_info
    sixteenth = request.steps_per_beat / 4
    call = _call(rng, request.density, request.complexity, style.syncopation)
    events: list[tuple[int, int, bool]] = []
    for bar in range(request.bars):
        answering = bar % 2 == 1 or bar == request.bars - 1
        if bar >= 2 and bar % 2 == 0 and request.complexity > 0.3:
            call = _varied(call, rng)
        positions = _answer(call, rng, request.complexity) if answering else call
        origin = bar * request.steps_per_bar
        steps = [origin + round(pos * sixteenth) for pos in positions]
        phrase_end = origin + (round(12 * sixteenth) if answering else request.steps_per_bar)
        for index, step in enumerate(steps):
            last = index == len(steps) - 1
            end = phrase_end if last else steps[index + 1]
            if last and not answering:
                end = min(end, step + request.steps_per_beat)
            events.append((step, max(1, end - step), last and answering))
    return events


def generate_melody(
    request: GenerationRequest, chords: Progression | BeatPattern | None = None
) -> BeatPattern:
    """A melody part (kind 'melody') in the request's scale over the given progression, or
    over the one the chord engine chooses for the same request."""
    style = request.style_info
    progression = progression_for(request, chords)
    instrument = style.melody_instrument
    low_sounding, high_sounding = MELODY_WINDOWS.get(instrument, (62, 84))
    melody_scale = scale(request.scale_name)
    pool = melody_scale.pitches(low_sounding - request.key_note, high_sounding - request.key_note)
    centre = len(pool) // 2
    rng = request.rng("melody")
    dynamics = request.rng("melody velocity")  # humanize never changes the notes chosen
    events = _rhythm(request, rng)
    notes = []
    index = centre
    interval = 0
    for number, (step, length, phrase_end) in enumerate(events):
        chord = progression.at(step).chord
        position = step % request.steps_per_bar
        strong = position in (0, 2 * request.steps_per_beat) or phrase_end
        if number == 0:
            proposal = centre
        elif abs(interval) > 4:
            proposal = index - (1 if interval > 0 else -1)  # resolve the leap by a step back
        else:
            draw = rng.random()
            step_share = 0.7 - 0.35 * request.complexity
            if draw < step_share:
                move = 1
            elif draw < step_share + 0.1:
                move = 0
            else:
                move = rng.choice((2, 3, 4))
            towards_centre = 0.5 + 0.4 * (index - centre) / max(1, centre)
            proposal = index - move if rng.random() < towards_centre else index + move
            if not 0 <= proposal < len(pool):
                proposal = index - (proposal - index)
        proposal = max(0, min(len(pool) - 1, proposal))
        if phrase_end:
            last_phrase = number == len(events) - 1
            target = 0 if last_phrase and chord.contains(0) else chord.root
            wanted = [i for i, p in enumerate(pool) if p % 12 == target]
        elif strong:
            wanted = [i for i, p in enumerate(pool) if chord.contains(p)]
        else:
            wanted = []
        if wanted:
            proposal = min(wanted, key=lambda i: (abs(i - proposal), i))
        interval = pool[proposal] - pool[index] if number else 0
        index = proposal
        velocity = 98 if strong else 84
        notes.append(
            Note(step, pool[index], humanized(velocity, dynamics, request.humanize), length)
        )
    return over_progression(
        request,
        progression,
        kind="melody",
        title=f"{style.title} melody",
        description=f"{style.title} call-and-response melody over {progression.numerals()}",
        flavor=style.name,
        instrument=instrument,
        notes=notes,
        algorithm=ALGORITHM,
    )
