"""Playlist templates (mood, genre, era, energy, custom) and generating playlists from them.

A template's parameters are `rules` (queries in the library's query language), a `sort`, its
direction and a `length`. Generating takes the tracks matching every rule first, then those
matching most rules, in the template's order, and records the run in `generated_playlists`
with its score: the mean share of the rules each chosen track matches (1.0: every track
matches every rule).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from museaud.library.query import parse_query
from museaud.library.search import TrackQuery, rows_for_keys, track_keys
from museaud.playlists.errors import PlaylistError
from museaud.playlists.service import add_tracks, checked_name, create_playlist
from museaud.playlists.smart import checked_rules
from museaud.store.base import OWNER_KEY
from museaud.store.models.playlists import TEMPLATE_TYPES, GeneratedPlaylist, PlaylistTemplate

DEFAULT_LENGTH = 30
MAX_LENGTH = 10_000
SCORE_MEANING = "mean share of the template's rules each chosen track matches"

SYSTEM_TEMPLATES: tuple[tuple[str, str, str, dict[str, Any]], ...] = (
    (
        "Uplifting",
        "mood",
        "Tracks tagged with an uplifting or happy mood, most energetic first",
        {"rules": ["mood:uplifting OR mood:happy"], "sort": "energy", "descending": True},
    ),
    (
        "Chill",
        "mood",
        "Calm, relaxed tracks at an easy tempo",
        {"rules": ["mood:chill OR mood:calm OR mood:relaxed", "bpm:60-110"], "sort": "bpm"},
    ),
    (
        "House",
        "genre",
        "House, deep house and tech house, in mixing tempo order",
        {
            "rules": ['genre:house OR genre:"deep house" OR genre:"tech house"', "bpm:118-130"],
            "sort": "bpm",
        },
    ),
    (
        "Nineties",
        "era",
        "Tracks released 1990-1999",
        {"rules": ["year:1990s"], "sort": "year"},
    ),
    (
        "Two-thousands",
        "era",
        "Tracks released 2000-2009",
        {"rules": ["year:2000s"], "sort": "year"},
    ),
    (
        "Warm-up",
        "energy",
        "Low to medium energy at 110-122 BPM, building up",
        {"rules": ["energy:<=0.6", "bpm:110-122"], "sort": "energy"},
    ),
    (
        "Peak time",
        "energy",
        "High energy at 124-132 BPM, strongest first",
        {"rules": ["energy:>=0.7", "bpm:124-132"], "sort": "energy", "descending": True},
    ),
    (
        "Forgotten favourites",
        "custom",
        "Tracks rated 4 or more not played for a year",
        {
            "rules": ["rating:>=4", "played:>1y OR played:none"],
            "sort": "rating",
            "descending": True,
        },
    ),
)


@dataclass(frozen=True)
class Generated:
    """A playlist made from a template: its id, the record of the run and the tracks' count."""

    playlist_id: uuid.UUID
    generated_id: uuid.UUID
    track_count: int
    matched_all: int
    score: float

    def to_json(self) -> dict[str, Any]:
        """The result as JSON-ready values."""
        return {
            "playlist_id": str(self.playlist_id),
            "generated_id": str(self.generated_id),
            "tracks": self.track_count,
            "matched_all_rules": self.matched_all,
            "score": round(self.score, 4),
            "score_meaning": SCORE_MEANING,
        }


def checked_parameters(parameters: dict[str, Any]) -> dict[str, Any]:
    """Template parameters with defaults filled in; bad rules raise QueryError, the rest
    PlaylistError."""
    rules = parameters.get("rules")
    if not isinstance(rules, list) or not rules or not all(isinstance(r, str) for r in rules):
        raise PlaylistError("a template needs rules: a list of queries, e.g. ['genre:house']")
    for rule in rules:
        if parse_query(rule).root is None:
            raise PlaylistError(f"template rule {rule!r} matches everything: give a term")
    sort = parameters.get("sort", "artist")
    length = parameters.get("length", DEFAULT_LENGTH)
    checked_rules(sort, None)
    if not isinstance(length, int) or not 1 <= length <= MAX_LENGTH:
        raise PlaylistError(f"a template's length must be 1-{MAX_LENGTH} tracks, not {length!r}")
    return {
        "rules": list(rules),
        "sort": sort,
        "descending": bool(parameters.get("descending", False)),
        "length": length,
    }


def seed_system_templates(session: Session) -> int:
    """Write the built-in templates (again: it is safe to call every time); returns how many
    were new."""
    stored = {
        template.name: template
        for template in session.scalars(
            select(PlaylistTemplate).where(PlaylistTemplate.is_system.is_(True))
        )
    }
    added = 0
    for name, kind, description, parameters in SYSTEM_TEMPLATES:
        wanted = checked_parameters(parameters)
        template = stored.get(name)
        if template is None:
            template = PlaylistTemplate(name=name, is_system=True, owner_id=None)
            session.add(template)
            added += 1
        template.template_type = kind
        template.description = description
        template.parameters = wanted
    session.flush()
    return added


def list_templates(session: Session) -> list[PlaylistTemplate]:
    """Every active template, built-in ones first, by type and name (seeding built-ins)."""
    seed_system_templates(session)
    return list(
        session.scalars(
            select(PlaylistTemplate)
            .where(PlaylistTemplate.is_active.is_(True))
            .order_by(
                PlaylistTemplate.is_system.desc(),
                PlaylistTemplate.template_type,
                PlaylistTemplate.name,
            )
        )
    )


def create_template(
    session: Session,
    name: str,
    rules: Sequence[str],
    *,
    template_type: str = "custom",
    sort: str = "artist",
    descending: bool = False,
    length: int = DEFAULT_LENGTH,
    description: str | None = None,
) -> PlaylistTemplate:
    """A template of your own."""
    if template_type not in TEMPLATE_TYPES:
        raise PlaylistError(f"template type {template_type!r} is not one of {TEMPLATE_TYPES}")
    parameters = checked_parameters(
        {"rules": list(rules), "sort": sort, "descending": descending, "length": length}
    )
    template = PlaylistTemplate(
        name=checked_name(name, "template"),
        template_type=template_type,
        description=description,
        parameters=parameters,
        is_system=False,
        owner_id=session.info.get(OWNER_KEY),  # built-in templates alone have no owner
    )
    session.add(template)
    session.flush()
    return template


def find_template(session: Session, name_or_id: str) -> PlaylistTemplate:
    """A template by its name (any case) or id."""
    seed_system_templates(session)
    wanted = name_or_id.strip().lower()
    digits = wanted.replace("-", "")
    found = [
        template
        for template in session.scalars(select(PlaylistTemplate))
        if template.name.lower() == wanted
        or (len(digits) >= 4 and template.id.hex.endswith(digits))
    ]
    if len(found) != 1:
        names = ", ".join(template.name for template in list_templates(session))
        what = "is ambiguous" if found else "is not a template"
        raise PlaylistError(f"{name_or_id!r} {what}; templates: {names}")
    return found[0]


def generate(
    session: Session,
    template_id: uuid.UUID,
    *,
    name: str | None = None,
    length: int | None = None,
) -> Generated:
    """Make a playlist from a template and record the run; refused when no track matches."""
    template = session.get(PlaylistTemplate, template_id)
    if template is None:
        raise PlaylistError(f"no playlist template with id {template_id}")
    parameters = checked_parameters(
        {**template.parameters, **({} if length is None else {"length": length})}
    )
    rules: list[str] = parameters["rules"]
    matching = [set(track_keys(session, TrackQuery(rule))) for rule in rules]
    either = " OR ".join(f"({rule})" for rule in rules)
    ordered = track_keys(
        session, TrackQuery(either, sort=parameters["sort"], descending=parameters["descending"])
    )
    if not ordered:
        raise PlaylistError(f"no track matches any rule of template {template.name!r}: {rules}")
    fit = {key: sum(key in found for found in matching) for key in ordered}
    place = {key: index for index, key in enumerate(ordered)}
    chosen = sorted(ordered, key=lambda key: -fit[key])[: parameters["length"]]
    chosen.sort(key=place.__getitem__)
    chosen_rows = rows_for_keys(session, chosen)
    score = sum(fit[key] for key in chosen) / (len(chosen) * len(rules))
    playlist = create_playlist(
        session, name or template.name, kind="generated", description=template.description
    )
    playlist.template_id = template.id
    add_tracks(session, playlist.id, [uuid.UUID(row["id"]) for row in chosen_rows])
    matched_all = sum(fit[key] == len(rules) for key in chosen)
    record = GeneratedPlaylist(
        template_id=template.id,
        playlist_id=playlist.id,
        generation_parameters={
            **parameters,
            "template": template.name,
            "matched_all_rules": matched_all,
            "score_meaning": SCORE_MEANING,
        },
        generation_score=score,
    )
    session.add(record)
    session.flush()
    return Generated(playlist.id, record.id, len(chosen), matched_all, score)
