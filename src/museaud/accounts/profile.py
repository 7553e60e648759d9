"""The local profile: the user every offline row belongs to, made on first start."""

from __future__ import annotations

import getpass
import re
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from museaud.store.models.accounts import User, UserPreferences


def _local_username() -> str:
    try:
        login = getpass.getuser()
    except (KeyError, OSError):
        login = ""
    name = re.sub(r"[^A-Za-z0-9_-]", "", login)
    return name if len(name) >= 3 else f"producer{name}"


def ensure_local_user(session: Session) -> uuid.UUID:
    """Return the local profile's id, creating it and its preferences if this is a new store."""
    user_id = session.scalars(select(User.id).where(User.is_local).limit(1)).first()
    if user_id is not None:
        return user_id
    user = User(username=_local_username(), display_name=_local_username(), is_local=True)
    session.add(user)
    session.flush()
    session.add(UserPreferences(owner_id=user.id))
    return user.id
