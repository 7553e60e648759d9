"""The declarative base and the column conventions every museaud table shares.

Every user-data row is sync-ready: a time-ordered UUID primary key, an owner, and
created/updated timestamps in UTC. Choices are plain strings checked by named CHECK
constraints, so the same models create on SQLite and PostgreSQL and migrate simply.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, MetaData, Uuid, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator, TypeEngine

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> uuid.UUID:
    """A UUIDv7: random like v4 but ordered by creation time, so inserts stay index-local."""
    millis = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (millis & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version 7
    value |= ((rand >> 62) & 0xFFF) << 64
    value |= 0b10 << 62  # RFC 4122 variant
    value |= rand & ((1 << 62) - 1)
    return uuid.UUID(int=value)


def utcnow() -> datetime:
    """The current time as an aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite forgets zones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: museaud stores aware UTC times only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class JSONDocument(TypeDecorator[Any]):
    """A JSON document: JSON text on SQLite, JSONB on PostgreSQL (indexable there)."""

    impl = JSON
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        # none_as_null: Python None is SQL NULL (so IS NULL finds it), not the JSON text 'null'.
        if dialect.name == "postgresql":
            return dialect.type_descriptor(JSONB(none_as_null=True))
        return dialect.type_descriptor(JSON(none_as_null=True))


class Base(DeclarativeBase):
    """Declarative base with a constraint naming convention (needed for SQLite batch migrations)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        uuid.UUID: Uuid(),
        dict[str, Any]: JSONDocument(),
        list[Any]: JSONDocument(),
        list[str]: JSONDocument(),
    }


class SyncRow:
    """Id and timestamps that let a row travel between devices and the cloud."""

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Owned(SyncRow):
    """A user-data row: it belongs to one user, whose deletion deletes it."""

    @declared_attr
    def owner_id(cls) -> Mapped[uuid.UUID]:  # noqa: N805 - declared_attr takes the class
        return mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)


class OptionallyOwned(SyncRow):
    """A row that is either built in (no owner) or made by a user."""

    @declared_attr
    def owner_id(cls) -> Mapped[uuid.UUID | None]:  # noqa: N805 - declared_attr takes the class
        return mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)


def sql_list(values: Iterable[str]) -> str:
    """Render string choices as a SQL list: ('a', 'b')."""
    quoted = ", ".join("'" + value.replace("'", "''") + "'" for value in values)
    return f"({quoted})"


def check_choice(column: str, values: Iterable[str], *, nullable: bool = False) -> CheckConstraint:
    """A CHECK that column holds one of the given strings."""
    condition = f"{column} IN {sql_list(values)}"
    if nullable:
        condition = f"{column} IS NULL OR {condition}"
    return CheckConstraint(condition, name=f"{column}_choice")


def check_range(column: str, low: float, high: float) -> CheckConstraint:
    """A CHECK that column is NULL or within [low, high]."""
    return CheckConstraint(
        f"{column} IS NULL OR ({column} >= {low} AND {column} <= {high})", name=f"{column}_range"
    )


def check_not_negative(column: str) -> CheckConstraint:
    """A CHECK that column is NULL or at least 0 (counts, sizes, durations, positions)."""
    return CheckConstraint(f"{column} IS NULL OR {column} >= 0", name=f"{column}_not_negative")


def check_exactly_one(name: str, columns: Iterable[str]) -> CheckConstraint:
    """A CHECK that exactly one of the given columns is set (a polymorphic link)."""
    terms = " + ".join(f"(CASE WHEN {column} IS NULL THEN 0 ELSE 1 END)" for column in columns)
    return CheckConstraint(f"{terms} = 1", name=name)


OWNER_KEY = "owner_id"
"""Session.info key: the user that new rows belong to unless they say otherwise."""


@event.listens_for(Session, "before_flush")
def _fill_owner(session: Session, flush_context: object, instances: object) -> None:
    """Give new owned rows the session's current user, so services need not repeat it."""
    owner = session.info.get(OWNER_KEY)
    if owner is None:
        return
    for row in session.new:
        if isinstance(row, Owned) and getattr(row, "owner_id", None) is None:
            row.owner_id = owner
