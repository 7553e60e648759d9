"""How a pattern maps to its store row: tempo, key, metre and length in columns (people filter on
them), the instrument parts in the `configuration` JSON."""

from __future__ import annotations

from museaud.patterns.model import BeatPattern, parts_from_configuration, to_configuration
from museaud.store.models.patterns import Pattern


def _metre(time_signature: str) -> tuple[int, int]:
    top, _, bottom = time_signature.partition("/")
    return int(top), int(bottom)


def to_pattern(row: Pattern) -> BeatPattern:
    """The musical content of a stored row."""
    parts, swing = parts_from_configuration(row.configuration)
    beats_per_bar, beat_unit = _metre(row.time_signature)
    metadata = row.configuration.get("metadata") or {}
    return BeatPattern(
        title=row.title,
        description=row.description or "",
        flavor=row.flavor or "",
        kind=row.kind,
        bpm=row.bpm,
        key_note=row.key_note if row.key_note is not None else 0,
        scale=row.scale or "major",
        beats_per_bar=beats_per_bar,
        beat_unit=beat_unit,
        bars=row.bars,
        steps_per_beat=row.steps_per_beat,
        clave=row.clave,
        swing=swing,
        parts=parts,
        metadata=dict(metadata),
    )


def fill_row(row: Pattern, pattern: BeatPattern) -> None:
    row.title = pattern.title
    row.description = pattern.description or None
    row.kind = pattern.kind
    row.flavor = pattern.flavor or None
    row.bpm = pattern.bpm
    row.key_note = pattern.key_note
    row.scale = pattern.scale
    row.time_signature = pattern.time_signature
    row.bars = pattern.bars
    row.steps_per_beat = pattern.steps_per_beat
    row.clave = pattern.clave
    row.configuration = to_configuration(pattern)
