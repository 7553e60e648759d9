"""Track rows: the effective tempo and key rule in Python and in migration 0003's triggers."""

from __future__ import annotations

import itertools
import uuid

from sqlalchemy import select

from museaud.app import App
from museaud.library.tracks import override_counts, track_row, track_rows_by_id
from museaud.music.keys import Key, camelot_order
from museaud.store.models.library import Track, TrackAnalysis

MEASURED_BPM = 124.0
MEASURED = {"bpm": MEASURED_BPM, "key_note": 9, "scale": "minor"}  # A minor, 8A
CASES = [
    case
    for case in itertools.product(
        (False, True),  # manual_override
        (None, 130.0),  # bpm_override
        ((None, None), (0, "major"), (10, "minor")),  # key override: none, C, Bb minor
        (True, False),  # analysis measured a tempo and key, or nothing
    )
    if not (case[0] and case[1] is None and case[2][0] is None)  # the store refuses those
]


def add_tracks(app: App) -> list[uuid.UUID]:
    ids = []
    with app.session() as session:
        for number, (overridden, bpm_override, (note, scale), measured) in enumerate(CASES):
            track = Track(
                title=f"case {number}",
                path=f"/music/{number}.flac",
                folder="/music",
                file_name=f"{number}.flac",
                file_format="flac",
                status="ok",
            )
            session.add(track)
            session.flush()
            session.add(
                TrackAnalysis(
                    track_id=track.id,
                    algorithm_version="1",
                    manual_override=overridden,
                    bpm_override=bpm_override,
                    key_note_override=note,
                    scale_override=scale,
                    **(MEASURED if measured else {}),
                )
            )
            ids.append(track.id)
    return ids


def test_the_triggers_and_the_python_rule_agree(app: App) -> None:
    ids = add_tracks(app)
    with app.session() as session:
        stored = {
            track_id: (bpm, key)
            for track_id, bpm, key in session.execute(
                select(Track.id, Track.effective_bpm, Track.effective_key)
            )
        }
    for track_id, (overridden, bpm_override, (note, scale), measured) in zip(
        ids, CASES, strict=True
    ):
        measured_bpm, measured_key = (MEASURED_BPM, Key(9, "minor")) if measured else (None, None)
        bpm = bpm_override if override_counts(overridden, bpm_override) else measured_bpm
        if override_counts(overridden, note):
            effective_key = None if note is None or scale is None else Key(note, scale)
        else:
            effective_key = measured_key
        key = None if effective_key is None else camelot_order(effective_key)
        assert stored[track_id] == (bpm, key), (overridden, bpm_override, note, measured)


def test_rows_say_where_the_tempo_and_key_come_from(app: App) -> None:
    ids = add_tracks(app)
    with app.session() as session:
        rows = track_rows_by_id(session, ids)
        assert track_row(session, ids[0]) == rows[0]
        assert track_row(session, uuid.uuid4()) is None
    by_case = dict(zip(CASES, rows, strict=True))
    plain = by_case[(False, 130.0, (10, "minor"), True)]  # overrides stored but not switched on
    assert (plain["bpm"], plain["bpm_source"]) == (124.0, "analysis")
    assert (plain["key"], plain["scale"], plain["camelot"], plain["key_source"]) == (
        "A",
        "minor",
        "8A",
        "analysis",
    )
    overridden = by_case[(True, 130.0, (10, "minor"), True)]
    assert (overridden["bpm"], overridden["bpm_source"]) == (130.0, "override")
    assert (overridden["key"], overridden["camelot"], overridden["key_source"]) == (
        "A#",  # rows hold the sharp name, for scripts
        "3A",
        "override",
    )
    key_only = by_case[(True, None, (0, "major"), False)]  # nothing measured, a key given
    assert (key_only["bpm"], key_only["bpm_source"]) == (None, None)
    assert (key_only["key"], key_only["scale"], key_only["key_source"]) == (
        "C",
        "major",
        "override",
    )
    nothing = by_case[(False, None, (None, None), False)]
    assert (nothing["bpm"], nothing["key"], nothing["bpm_source"], nothing["key_source"]) == (
        (None,) * 4
    )
