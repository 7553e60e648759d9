"""The generators (MuseAroo's engines): drums, bass, chords and melody, one call for all.

`generate(request)` is a pure function of the request: same request, same pattern. A request
carrying a learnt taste is steered (museaud.patterns.steering): several candidates, the one
closest to the taste kept.
"""

from __future__ import annotations

from museaud.patterns.generators.bass import generate_bass
from museaud.patterns.generators.chords import Progression, choose_progression, generate_chords
from museaud.patterns.generators.common import (
    ENGINES,
    STYLES,
    GenerationError,
    GenerationRequest,
    Style,
    Taste,
    find_style,
)
from museaud.patterns.generators.drums import generate_drums
from museaud.patterns.generators.melody import generate_melody
from museaud.patterns.model import BeatPattern

GENERATOR_VERSION = "1"
"""Bump when any engine's output for the same request changes."""

__all__ = [
    "ENGINES",
    "GENERATOR_VERSION",
    "STYLES",
    "GenerationError",
    "GenerationRequest",
    "Progression",
    "Style",
    "Taste",
    "choose_progression",
    "find_style",
    "generate",
]


def generate(
    request: GenerationRequest, *, chords: Progression | BeatPattern | None = None
) -> BeatPattern:
    """The pattern the request's engine makes; bass and melody follow `chords` (a progression
    or a generated chords pattern) when given, else the progression the chord engine would
    choose for the same request."""

    def make(candidate: GenerationRequest) -> BeatPattern:
        if candidate.engine == "drums":
            return generate_drums(candidate)
        if candidate.engine == "chords":
            return generate_chords(candidate)
        if candidate.engine == "bass":
            return generate_bass(candidate, chords)
        return generate_melody(candidate, chords)

    if request.taste is not None and request.taste.confidence > 0:
        from museaud.patterns.steering import steered  # noqa: PLC0415 - steering scores with quality, which reads the engines' tables

        return steered(request, make)
    return make(request)
