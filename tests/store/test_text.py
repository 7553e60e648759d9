"""Full-text indexes: searching, and tidying them after bulk writes without losing a row."""

from __future__ import annotations

from sqlalchemy import text as sql
from sqlalchemy.orm import Session
from tests.support.tracks import add_track

from museaud.app import App
from museaud.store import text


def test_optimize_keeps_every_match_after_many_small_writes(app: App) -> None:
    with app.session() as session:
        ids = [add_track(session, f"Night Drive {number}") for number in range(60)]
        other = add_track(session, "Sunrise")
    for track_id in ids[:10]:  # one write per transaction, as an import leaves the index
        with app.session() as session:
            session.execute(
                sql("UPDATE tracks SET comment = 'remastered' WHERE id = :id"),
                {"id": track_id.hex},
            )
    with app.session() as session:
        before = set(text.search(session, "tracks", "night drive", limit=1000))
        remastered = set(text.search(session, "tracks", "remaster", limit=1000))
        segments = _segments(session)
        text.optimize(session.connection(), ["tracks"])
    with app.session() as session:
        assert set(text.search(session, "tracks", "night drive", limit=1000)) == before == set(ids)
        assert set(text.search(session, "tracks", "remaster", limit=1000)) == remastered
        assert len(remastered) == 10 and other not in before
        assert _segments(session) < segments


def _segments(session: Session) -> int:
    """Rows in the index's segment store: fewer once segments are merged."""
    return len(session.execute(sql("SELECT * FROM tracks_fts_data")).all())
