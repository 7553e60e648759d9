"""Roll-ups and retention on fourteen generated months: raw events kept a year, monthly figures
for ever, cheap when there is nothing to do, and safe when the clock jumped backwards."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from tests.support.analytics import sample_events

from museaud.analytics import EventStore, ListeningEvent, reports
from museaud.analytics.rollups import MARK, keep_from, roll_up

TODAY = date(2026, 3, 15)
FIRST = date(2025, 1, 1)
USER = uuid.uuid4()


@pytest.fixture
def store(tmp_path: Path) -> EventStore:
    store = EventStore.open(tmp_path / "analytics.duckdb")
    events = sample_events(20_000, first_day=FIRST, days=(TODAY - FIRST).days, user_id=USER)
    store.record_many(events)
    return store


def _plays_by_month(store: EventStore) -> Counter[date]:
    return Counter(
        event.time.date().replace(day=1)
        for event in store.events(ListeningEvent, until=datetime.combine(TODAY, time(), UTC))
    )


def test_months_are_counted_then_old_raw_events_go_and_their_figures_stay(
    store: EventStore,
) -> None:
    plays = _plays_by_month(store)

    first = roll_up(store, TODAY)

    assert first.days == (TODAY - FIRST).days  # every whole day up to yesterday
    assert first.months == 15 and first.deleted > 0
    monthly = {
        figure.time_period: figure.metric_value
        for figure in store.aggregated_metrics("monthly", metric_type="listening")
        if figure.metric_key == "plays"
    }
    assert monthly == dict(plays)  # all fifteen months, the deleted ones too
    kept_from = keep_from(TODAY)
    assert kept_from == date(2025, 3, 1)
    assert store.first_event_day() == kept_from  # raw events: a year, in whole months
    assert min(f.time_period for f in store.aggregated_metrics("daily")) == kept_from
    assert store.meta(MARK) == "2026-03-14"
    weekly = store.aggregated_metrics("weekly", metric_type="listening")
    assert {f.time_period.weekday() for f in weekly} == {0}

    again = roll_up(store, TODAY)

    assert (again.days, again.deleted) == (0, 0)  # nothing new: nothing done
    span = reports.Span(FIRST, TODAY - timedelta(days=1))
    usage = reports.usage(store, span)  # old months from the roll-ups, the rest from raw
    assert usage.figures["listening"]["plays"] == sum(plays.values())


def test_a_clock_that_jumped_backwards_deletes_nothing_more_and_days_still_count(
    store: EventStore,
) -> None:
    roll_up(store, TODAY)
    kept = store.first_event_day()
    earlier = TODAY - timedelta(days=40)  # the clock now says 40 days ago

    result = roll_up(store, earlier)

    assert result.deleted == 0 and store.first_event_day() == kept
    assert store.meta(MARK) == (earlier - timedelta(days=1)).isoformat()
    store.record(
        ListeningEvent(
            time=datetime.combine(earlier, time(12), UTC), user_id=USER, track_id=uuid.uuid4()
        )
    )
    roll_up(store, earlier + timedelta(days=1))  # the next day comes round
    daily = {
        f.time_period: f.metric_value
        for f in store.aggregated_metrics("daily", metric_type="listening")
        if f.metric_key == "plays"
    }
    day_start = datetime.combine(earlier, time(), UTC)
    raw = store.events(ListeningEvent, since=day_start, until=day_start + timedelta(days=1))
    assert daily[earlier] == len(raw)


def test_an_empty_file_rolls_up_to_nothing(tmp_path: Path) -> None:
    with EventStore.open(tmp_path / "empty.duckdb") as store:
        assert roll_up(store, TODAY).days == 0
        assert not reports.has_events(store)
        assert reports.usage(store, reports.Span(FIRST, TODAY)).figures == {}
        assert (
            sum(d.plays for d in reports.listening_by_day(store, reports.Span(TODAY, TODAY))) == 0
        )
