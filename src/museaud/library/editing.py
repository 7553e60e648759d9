"""Editing tracks: the musician's marks, tags, moods, tempo and key overrides, and the catalogue
facts (creators with their splits, instruments, samples and their clearance).

Every edit is checked in full before anything is written, and applied inside a savepoint of the
caller's transaction: an edit of many selected tracks changes all of them or none. Text indexes
and any columns kept by triggers follow, as every write goes through plain SQL on the tables.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from typing import Any, NamedTuple

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from museaud.music.keys import Key
from museaud.store.base import OWNER_KEY, new_id, utcnow
from museaud.store.models.library import (
    BPM_HIGH,
    BPM_LOW,
    CREATOR_ROLES,
    Track,
    TrackAnalysis,
    TrackCreator,
    TrackInstrument,
    TrackSample,
    TrackTag,
)

MANUAL_ALGORITHM = "manual"
"""The `algorithm` of an analysis row made only to hold an override (the track was never
analysed); the next import sees it as out of date and analyses the track, keeping the override."""
MANUAL_VERSION = "1"

TAG_LENGTH = 100
GENRE_LENGTH = 100
_CHUNK = 500  # ids per IN (...) list, well under SQLite's variable limit


class EditError(ValueError):
    """An edit the library refuses: says which track and what is wrong; nothing was changed."""


class TrackNotFoundError(EditError, LookupError):
    """No track with that id."""


class Keep(Enum):
    """The value of a `TrackEdit` field that leaves what is stored as it is."""

    KEEP = "keep"


KEEP = Keep.KEEP


@dataclass(frozen=True)
class TrackEdit:
    """What to change on one or more tracks; every field left at its default leaves it as is.

    `rating`, `notes` and `genre` take None (or "" for the texts) to clear them. Tags and moods
    are compared without regard to case and stored in lower case. `bpm` and `key` set the manual
    override and need a `reason`; `key` is a name ("Am", "F# minor", "Eb") or a Camelot code
    ("8A"). `clear_override` removes both overrides first, so it can be combined with a new one.
    """

    rating: int | Keep | None = KEEP
    favorite: bool | None = None
    hidden: bool | None = None
    add_tags: Sequence[str] = ()
    remove_tags: Sequence[str] = ()
    add_moods: Sequence[str] = ()
    remove_moods: Sequence[str] = ()
    notes: str | Keep | None = KEEP
    genre: str | Keep | None = KEEP
    bpm: float | None = None
    key: str | None = None
    reason: str | None = None
    clear_override: bool = False

    def __post_init__(self) -> None:
        # kept as tuples (a lone string is one tag), so edits stay hashable and compare
        for name in ("add_tags", "remove_tags", "add_moods", "remove_moods"):
            value = getattr(self, name)
            object.__setattr__(self, name, (value,) if isinstance(value, str) else tuple(value))

    @property
    def is_empty(self) -> bool:
        """True when the edit would change nothing."""
        return self == TrackEdit()


@dataclass(frozen=True)
class Creator:
    """A person with a part in a track: name, role (one of CREATOR_ROLES), share in percent,
    IPI number, performing rights organisation and contact."""

    name: str
    role: str | None = None
    split: float | None = None
    ipi: str | None = None
    pro: str | None = None
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class Instrument:
    """An instrument heard in a track: its category ("synth"), type ("808") and whether it leads."""

    category: str | None
    type: str | None = None
    primary: bool = False


@dataclass(frozen=True)
class Sample:
    """A sample used in a track: the pack it came from, what it is and whether it is cleared."""

    pack: str | None
    description: str | None = None
    cleared: bool = False
    clearance_notes: str | None = None


class _Target(NamedTuple):
    """A track about to be edited: its id and owner (whom new rows belong to)."""

    id: uuid.UUID
    owner_id: uuid.UUID


def track_label(session: Session, track_id: uuid.UUID) -> str:
    """How messages name a track: the end of its id, its title (or file name) and artist."""
    row = session.execute(
        select(Track.title, Track.artist, Track.file_name).where(Track.id == track_id)
    ).one_or_none()
    if row is None:
        return f"track {track_id.hex[-8:]}"
    by = f" by {row.artist}" if row.artist else ""
    return f"track {track_id.hex[-8:]} ({row.title or row.file_name!r}{by})"


@dataclass(frozen=True)
class _Plan:
    """A checked edit: normalised values ready to write."""

    columns: dict[str, Any]
    tags: dict[str, tuple[frozenset[str], frozenset[str]]]  # kind -> (add, remove)
    bpm: float | None
    key: Key | None
    reason: str | None
    clear_override: bool

    @property
    def sets_override(self) -> bool:
        return self.bpm is not None or self.key is not None


class _TrackFailedError(Exception):
    """A write for one track failed inside an edit of many."""

    def __init__(self, target: _Target, reason: str) -> None:
        super().__init__(reason)
        self.target = target
        self.reason = reason


def _chunks(values: Sequence[uuid.UUID]) -> Iterator[Sequence[uuid.UUID]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _clean_text(value: str | None, what: str, limit: int | None = None) -> str | None:
    """Stripped text, None for empty; refuses text longer than the store keeps."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise EditError(f"{what} must be text, not {value!r}")
    cleaned = value.strip()
    if limit is not None and len(cleaned) > limit:
        raise EditError(f"{what} is {len(cleaned)} characters long; at most {limit} fit")
    return cleaned or None


def _tag_set(values: Iterable[str], kind: str) -> frozenset[str]:
    found = set()
    for value in values:
        if not isinstance(value, str):
            raise EditError(f"a {kind} must be text, not {value!r}")
        cleaned = " ".join(value.split()).lower()
        if not cleaned:
            raise EditError(f"an empty {kind} cannot be added or removed")
        if len(cleaned) > TAG_LENGTH:
            raise EditError(f"{kind} {cleaned[:20]!r}… is too long ({len(cleaned)} characters)")
        found.add(cleaned)
    return frozenset(found)


def _bpm(value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise EditError(f"a BPM override must be a number, not {value!r}")
    if not BPM_LOW <= value <= BPM_HIGH:
        raise EditError(f"a BPM override of {value:g} is out of range ({BPM_LOW}-{BPM_HIGH} BPM)")
    return float(value)


def parse_key(text: str) -> Key:
    """The key of a name ("Am", "F#", "Eb major") or a Camelot code ("8A"), else EditError."""
    try:
        return Key.parse(text)
    except (ValueError, IndexError) as error:
        raise EditError(
            f"{text!r} is not a key: give a name such as Am, F#, Eb major or a Camelot code "
            f"such as 8A ({error})"
        ) from None


def _plan(edit: TrackEdit) -> _Plan:
    """Check every value of the edit before anything is written."""
    columns: dict[str, Any] = {}
    if edit.rating is not KEEP:
        rating = edit.rating
        if rating is not None and (
            isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5
        ):
            raise EditError(f"a rating is 1 to 5 stars (or none), not {rating!r}")
        columns["rating"] = rating
    if edit.favorite is not None:
        columns["is_favorite"] = bool(edit.favorite)
    if edit.hidden is not None:
        columns["is_hidden"] = bool(edit.hidden)
    if edit.notes is not KEEP:
        columns["notes"] = _clean_text(edit.notes, "the notes")
    if edit.genre is not KEEP:
        columns["genre"] = _clean_text(edit.genre, "the genre", GENRE_LENGTH)
    tags: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
    for kind, added, removed in (
        ("tag", edit.add_tags, edit.remove_tags),
        ("mood", edit.add_moods, edit.remove_moods),
    ):
        add, remove = _tag_set(added, kind), _tag_set(removed, kind)
        both = add & remove
        if both:
            raise EditError(f"{kind} {sorted(both)[0]!r} is both added and removed")
        if add or remove:
            tags[kind] = (add, remove)
    bpm = None if edit.bpm is None else _bpm(edit.bpm)
    key = None if edit.key is None else parse_key(edit.key)
    reason = _clean_text(edit.reason, "the reason")
    if (bpm is not None or key is not None) and reason is None:
        what = "BPM" if key is None else "key" if bpm is None else "BPM and key"
        raise EditError(
            f"a {what} override needs a reason (e.g. 'analysis found half tempo'), so you "
            "know later why it differs from the analysis"
        )
    if reason is not None and bpm is None and key is None:
        raise EditError("a reason goes with a BPM or key override; none was given")
    return _Plan(columns, tags, bpm, key, reason, bool(edit.clear_override))


def _targets(session: Session, track_ids: Sequence[uuid.UUID]) -> list[_Target]:
    """The tracks to edit, in the order given; EditError naming any that do not exist."""
    found: dict[uuid.UUID, _Target] = {}
    for chunk in _chunks(track_ids):
        for row in session.execute(select(Track.id, Track.owner_id).where(Track.id.in_(chunk))):
            found[row.id] = _Target(*row)
    missing = [track_id for track_id in track_ids if track_id not in found]
    if missing:
        shown = ", ".join(str(track_id) for track_id in missing[:3])
        more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
        raise TrackNotFoundError(f"no track with id {shown}{more}; nothing was changed")
    return [found[track_id] for track_id in track_ids]


def edit_tracks(session: Session, track_ids: Iterable[uuid.UUID], edit: TrackEdit) -> int:
    """Apply one edit to every given track, all or none; returns how many tracks were edited.

    Runs in a savepoint of the session's transaction: when any part fails, EditError says which
    track and what, and nothing of the edit is left behind.
    """
    plan = _plan(edit)
    ids = list(dict.fromkeys(track_ids))
    if not ids or edit.is_empty:
        return 0
    targets = _targets(session, ids)
    try:
        with session.begin_nested():
            if plan.columns:
                _write_columns(session, targets, plan.columns)
            for kind, (add, remove) in plan.tags.items():
                _write_tags(session, targets, kind, add, remove)
            if plan.sets_override or plan.clear_override:
                _write_overrides(session, targets, plan)
    except _TrackFailedError as failure:
        label = track_label(session, failure.target.id)
        raise EditError(f"{label}: {failure.reason}; nothing was changed") from None
    except SQLAlchemyError as error:
        raise EditError(f"the store refused the edit: {_reason(error)}; nothing was changed") from (
            None
        )
    return len(ids)


def _reason(error: SQLAlchemyError) -> str:
    original = getattr(error, "orig", None)
    return str(original or error).splitlines()[0]


def _in_chunks(
    session: Session, targets: Sequence[_Target], write: Callable[[Sequence[_Target]], None]
) -> None:
    """Run write over the targets a chunk at a time, each in its own savepoint; when the store
    refuses a chunk, write its tracks one by one to name the track it refuses."""
    for start in range(0, len(targets), _CHUNK):
        chunk = targets[start : start + _CHUNK]
        try:
            with session.begin_nested():
                write(chunk)
        except IntegrityError:
            for target in chunk:
                try:
                    with session.begin_nested():
                        write([target])
                except IntegrityError as error:
                    raise _TrackFailedError(target, _reason(error)) from error
            raise


def _write_columns(session: Session, targets: Sequence[_Target], columns: dict[str, Any]) -> None:
    now = utcnow()

    def write(chunk: Sequence[_Target]) -> None:
        ids = [target.id for target in chunk]
        session.execute(update(Track).where(Track.id.in_(ids)).values(**columns, updated_at=now))

    _in_chunks(session, targets, write)


def _write_tags(
    session: Session,
    targets: Sequence[_Target],
    kind: str,
    add: frozenset[str],
    remove: frozenset[str],
) -> None:
    now = utcnow()

    def write(chunk: Sequence[_Target]) -> None:
        ids = [target.id for target in chunk]
        if remove:
            session.execute(
                delete(TrackTag).where(
                    TrackTag.track_id.in_(ids),
                    TrackTag.kind == kind,
                    func.lower(TrackTag.tag).in_(sorted(remove)),
                )
            )
        if not add:
            return
        present = {
            (track_id, tag)
            for track_id, tag in session.execute(
                select(TrackTag.track_id, func.lower(TrackTag.tag)).where(
                    TrackTag.track_id.in_(ids),
                    TrackTag.kind == kind,
                    func.lower(TrackTag.tag).in_(sorted(add)),
                )
            )
        }
        rows = [
            {
                "id": new_id(),
                "owner_id": target.owner_id,
                "track_id": target.id,
                "kind": kind,
                "tag": tag,
                "created_at": now,
                "updated_at": now,
            }
            for target in chunk
            for tag in sorted(add)
            if (target.id, tag) not in present
        ]
        if rows:
            session.execute(insert(TrackTag), rows)

    _in_chunks(session, targets, write)


_NO_OVERRIDE: dict[str, Any] = {
    "manual_override": False,
    "bpm_override": None,
    "key_note_override": None,
    "scale_override": None,
    "override_reason": None,
    "override_by_id": None,
    "overridden_at": None,
}


def _write_overrides(session: Session, targets: Sequence[_Target], plan: _Plan) -> None:
    """Set or clear the manual tempo/key override (the measured values stay as they are).

    A track never analysed gets an analysis row holding only the override; clearing the
    override removes such a row again.
    """
    now = utcnow()
    editor = session.info.get(OWNER_KEY)
    values: dict[str, Any] = {
        "manual_override": True,
        "override_reason": plan.reason,
        "overridden_at": now,
        "updated_at": now,
    }
    if plan.bpm is not None:
        values["bpm_override"] = plan.bpm
    if plan.key is not None:
        values["key_note_override"] = plan.key.note
        values["scale_override"] = plan.key.scale

    def write(chunk: Sequence[_Target]) -> None:
        in_chunk = TrackAnalysis.track_id.in_([target.id for target in chunk])
        if plan.clear_override:
            session.execute(
                update(TrackAnalysis)
                .where(in_chunk, TrackAnalysis.manual_override)
                .values(**_NO_OVERRIDE, updated_at=now)
            )
            if not plan.sets_override:
                session.execute(
                    delete(TrackAnalysis).where(
                        in_chunk,
                        TrackAnalysis.algorithm == MANUAL_ALGORITHM,
                        TrackAnalysis.analyzed_at.is_(None),
                    )
                )
        if not plan.sets_override:
            return
        analysed = set(session.scalars(select(TrackAnalysis.track_id).where(in_chunk)))
        if analysed:
            session.execute(
                update(TrackAnalysis)
                .where(in_chunk)
                .values(**values, override_by_id=editor or TrackAnalysis.owner_id)
            )
        rows = [
            {
                "id": new_id(),
                "owner_id": target.owner_id,
                "track_id": target.id,
                "algorithm": MANUAL_ALGORITHM,
                "algorithm_version": MANUAL_VERSION,
                "created_at": now,
                **values,
                "override_by_id": editor or target.owner_id,
            }
            for target in chunk
            if target.id not in analysed
        ]
        if rows:
            session.execute(insert(TrackAnalysis), rows)

    _in_chunks(session, targets, write)


# --- the catalogue: creators, instruments, samples -------------------------------------------


def _target(session: Session, track_id: uuid.UUID) -> tuple[_Target, str]:
    """The track to edit and its label for messages; TrackNotFoundError when there is none."""
    return _targets(session, [track_id])[0], track_label(session, track_id)


def _replace(
    session: Session,
    target: _Target,
    label: str,
    model: type[TrackCreator | TrackInstrument | TrackSample],
    rows: list[dict[str, Any]],
) -> None:
    """Replace the track's rows of one catalogue table, inside a savepoint."""
    now = utcnow()
    try:
        with session.begin_nested():
            session.execute(delete(model).where(model.track_id == target.id))
            if rows:
                session.execute(
                    insert(model),
                    [
                        {
                            "id": new_id(),
                            "owner_id": target.owner_id,
                            "track_id": target.id,
                            # a microsecond apart, so they read back in the order given
                            "created_at": now + timedelta(microseconds=number),
                            "updated_at": now,
                            **row,
                        }
                        for number, row in enumerate(rows)
                    ],
                )
    except SQLAlchemyError as error:
        raise EditError(f"{label}: {_reason(error)}; nothing was changed") from None


def _percent(value: float) -> str:
    return f"{value:g} %"


def set_creators(session: Session, track_id: uuid.UUID, creators: Sequence[Creator]) -> None:
    """Make these the track's creators (replacing the ones stored).

    Refuses a role outside CREATOR_ROLES, a split outside 0-100 % and splits that add up to more
    than 100 %, with a message listing every split.
    """
    target, label = _target(session, track_id)
    rows: list[dict[str, Any]] = []
    for number, creator in enumerate(creators, start=1):
        where = f"{label}, creator {number}"
        name = _clean_text(creator.name, f"{where}: the name", 255)
        if name is None:
            raise EditError(f"{where}: a creator needs a name")
        role = _clean_text(creator.role, f"{where}: the role")
        if role is not None:
            role = role.lower()
            if role not in CREATOR_ROLES:
                raise EditError(
                    f"{where} ({name}): role {role!r} is not one of {', '.join(CREATOR_ROLES)}"
                )
        split = creator.split
        if split is not None:
            if isinstance(split, bool) or not isinstance(split, int | float):
                raise EditError(f"{where} ({name}): the split must be a number, not {split!r}")
            if not (math.isfinite(split) and 0 <= split <= 100):
                raise EditError(f"{where} ({name}): a split of {split:g} % is not within 0-100 %")
        rows.append(
            {
                "creator_name": name,
                "role": role,
                "split_percentage": None if split is None else float(split),
                "ipi_number": _clean_text(creator.ipi, f"{where}: the IPI number", 20),
                "pro": _clean_text(creator.pro, f"{where}: the PRO", 100),
                "contact_email": _clean_text(creator.email, f"{where}: the e-mail", 255),
                "contact_phone": _clean_text(creator.phone, f"{where}: the phone", 50),
            }
        )
    total = sum(row["split_percentage"] or 0.0 for row in rows)
    if total > 100 + 1e-9:
        splits = ", ".join(
            f"{row['creator_name']} {_percent(row['split_percentage'])}"
            for row in rows
            if row["split_percentage"] is not None
        )
        raise EditError(
            f"{label}: the splits add up to {total:g} % ({splits}); "
            "they may add up to at most 100 %; nothing was changed"
        )
    _replace(session, target, label, TrackCreator, rows)


def set_instruments(
    session: Session, track_id: uuid.UUID, instruments: Sequence[Instrument]
) -> None:
    """Make these the instruments heard in the track (replacing the ones stored)."""
    target, label = _target(session, track_id)
    rows: list[dict[str, Any]] = []
    for number, instrument in enumerate(instruments, start=1):
        where = f"{label}, instrument {number}"
        category = _clean_text(instrument.category, f"{where}: the category", 100)
        kind = _clean_text(instrument.type, f"{where}: the type", 100)
        if category is None and kind is None:
            raise EditError(f"{where}: an instrument needs a category or a type")
        rows.append(
            {
                "instrument_category": category,
                "instrument_type": kind,
                "is_primary": bool(instrument.primary),
            }
        )
    _replace(session, target, label, TrackInstrument, rows)


def set_samples(session: Session, track_id: uuid.UUID, samples: Sequence[Sample]) -> None:
    """Make these the samples used in the track, with their clearance (replacing those stored)."""
    target, label = _target(session, track_id)
    rows: list[dict[str, Any]] = []
    for number, sample in enumerate(samples, start=1):
        where = f"{label}, sample {number}"
        pack = _clean_text(sample.pack, f"{where}: the pack name", 255)
        description = _clean_text(sample.description, f"{where}: the description")
        if pack is None and description is None:
            raise EditError(f"{where}: a sample needs a pack name or a description")
        rows.append(
            {
                "sample_pack_name": pack,
                "sample_description": description,
                "is_cleared": bool(sample.cleared),
                "clearance_notes": _clean_text(sample.clearance_notes, f"{where}: the notes"),
            }
        )
    _replace(session, target, label, TrackSample, rows)


def credit_tracks(
    session: Session,
    track_ids: Iterable[uuid.UUID],
    *,
    creators: Sequence[Creator] | None = None,
    instruments: Sequence[Instrument] | None = None,
    samples: Sequence[Sample] | None = None,
) -> None:
    """Give every track these creators, instruments and samples (None keeps what is stored),
    in the caller's transaction: an EditError for any track means none is to be kept."""
    for track_id in track_ids:
        if creators is not None:
            set_creators(session, track_id, creators)
        if instruments is not None:
            set_instruments(session, track_id, instruments)
        if samples is not None:
            set_samples(session, track_id, samples)
