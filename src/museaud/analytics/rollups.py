"""Roll-ups and retention: daily, weekly and monthly figures made from the raw events, raw
events and daily/weekly figures kept a year, monthly figures kept for ever.

`roll_up` runs in the recorder's writer thread at start and after writes; it remembers the
last whole UTC day it counted (`rolled_up_through`), so it costs one small read when there is
nothing new. When the clock jumped backwards behind the mark, the mark follows the clock (the
days "ahead" are counted again when they come round) and retention deletes no more than a year
before the clock's today; days that received events late are counted again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from museaud.analytics.events import period_end, period_start
from museaud.analytics.store import EventStore

KEEP_RAW_DAYS = 365
"""Raw events and daily and weekly figures older than this are deleted (monthly ones stay)."""
MARK = "rolled_up_through"
PRUNED = "raw_events_from"
"""Meta key: the day from which raw events are kept; the months before are only figures now."""


@dataclass(frozen=True, slots=True)
class RollUp:
    """What one roll-up counted and deleted."""

    days: int
    weeks: int
    months: int
    deleted: int


def keep_from(today: date) -> date:
    """The first day whose raw events are kept: the start of the month a year ago, so a month
    is deleted whole and its monthly figure stays exactly what its raw events said."""
    return period_start("monthly", today - timedelta(days=KEEP_RAW_DAYS))


def roll_up(store: EventStore, today: date, *, late_since: date | None = None) -> RollUp:
    """Count every whole day up to yesterday not yet counted (and from late_since, a day that
    received events after it was counted), their weeks and months, then apply retention."""
    kept_from = keep_from(today)
    yesterday = today - timedelta(days=1)
    stored = store.meta(MARK)
    if stored is None:
        first = store.first_event_day()
        mark = None if first is None else first - timedelta(days=1)
    else:
        mark = min(date.fromisoformat(stored), yesterday)
    start = yesterday + timedelta(days=1) if mark is None else mark + timedelta(days=1)
    if late_since is not None:
        start = min(start, late_since)
    pruned = store.meta(PRUNED)
    if pruned is not None:  # those months' raw events are gone: their figures are final
        start = max(start, date.fromisoformat(pruned))
    days = [start + timedelta(days=n) for n in range((yesterday - start).days + 1)]
    weeks = sorted({period_start("weekly", day) for day in days})
    months = sorted({period_start("monthly", day) for day in days})
    if days:
        store.aggregate_periods("daily", start, today)
        store.aggregate_periods("weekly", weeks[0], period_end("weekly", yesterday))
        store.aggregate_periods("monthly", months[0], period_end("monthly", yesterday))
    if (days or stored is not None) and stored != yesterday.isoformat():
        store.set_meta(MARK, yesterday.isoformat())
    deleted = 0
    oldest = store.first_event_day()
    if oldest is not None and oldest < kept_from:
        deleted = store.prune(datetime.combine(kept_from, time(), UTC), kept_from)
        if pruned is None or date.fromisoformat(pruned) < kept_from:
            store.set_meta(PRUNED, kept_from.isoformat())
    return RollUp(len(days), len(weeks), len(months), deleted)
