"""Users and everything about them: sign-in, roles, plan, API keys, preferences and UI state.

One users table merges the five documents' users (MuseAroo, Lyrica, the playlist plan, SalsaNor)
with Blendtune's auth.users and users.profile. The offline local profile is a user too
(is_local), so every row has an owner whether or not a cloud account exists.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from museaud.store.base import Base, Owned, SyncRow, check_choice, check_range

SKILL_LEVELS = ("beginner", "intermediate", "advanced", "professional")
SUBSCRIPTION_TIERS = ("free", "pro", "studio", "enterprise")
SUBSCRIPTION_STATUSES = ("active", "cancelled", "expired", "past_due")
ROLES = ("admin", "user", "artist", "moderator")
TOKEN_PURPOSES = ("email_verification", "password_reset")
API_SCOPES = ("read", "write", "generate", "admin", "projects", "collaboration")
THEMES = ("light", "dark", "auto")
FLAVORS_DEFAULT = "Salsa"
EMAIL_PATTERN = "^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+[.][A-Za-z]{2,}$"


class User(SyncRow, Base):
    """A person: the local profile on this machine, or a cloud account synced to it."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("length(username) >= 3", name="username_length"),
        CheckConstraint(
            "email IS NULL OR (email LIKE '%_@_%._%' AND email NOT LIKE '% %')", name="email_format"
        ),
        check_choice("skill_level", SKILL_LEVELS),
        check_choice("subscription_tier", SUBSCRIPTION_TIERS),
        CheckConstraint("failed_login_attempts >= 0", name="failed_login_attempts_positive"),
        UniqueConstraint("oauth_provider", "oauth_id"),
        Index("ix_users_subscription", "subscription_tier", "subscription_expires_at"),
        Index("uq_users_email_lower", func.lower(text("email")), unique=True),
    )

    username: Mapped[str] = mapped_column(String(100), unique=True)
    email: Mapped[str | None] = mapped_column(String(255), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_local: Mapped[bool] = mapped_column(default=False)
    # profile (Blendtune users.profile, MuseAroo, Lyrica)
    display_name: Mapped[str | None] = mapped_column(String(100), index=True)
    full_name: Mapped[str | None] = mapped_column(String(255))
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    bio: Mapped[str | None] = mapped_column(Text)
    avatar_path: Mapped[str | None] = mapped_column(String(500))
    country: Mapped[str | None] = mapped_column(String(100))
    timezone: Mapped[str | None] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(10), default="en")
    # musical profile (MuseAroo)
    primary_instruments: Mapped[list[str]] = mapped_column(default=list)
    musical_styles: Mapped[list[str]] = mapped_column(default=list)
    skill_level: Mapped[str] = mapped_column(String(20), default="beginner")
    # plan and quotas
    subscription_tier: Mapped[str] = mapped_column(String(20), default="free")
    subscription_expires_at: Mapped[datetime | None]
    total_generations: Mapped[int] = mapped_column(default=0)
    monthly_generations: Mapped[int] = mapped_column(default=0)
    # sign-in (Blendtune auth.users, SalsaNor OAuth)
    oauth_provider: Mapped[str | None] = mapped_column(String(50))
    oauth_id: Mapped[str | None] = mapped_column(String(255))
    email_verified: Mapped[bool] = mapped_column(default=False)
    email_verified_at: Mapped[datetime | None]
    failed_login_attempts: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    is_active: Mapped[bool] = mapped_column(default=True)
    is_admin: Mapped[bool] = mapped_column(default=False)
    accessibility_settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    voice_enabled: Mapped[bool] = mapped_column(default=False)
    last_login_at: Mapped[datetime | None] = mapped_column(index=True)
    deleted_at: Mapped[datetime | None]


class UserSession(Owned, Base):
    """A signed-in session with the cloud (MuseAroo user_sessions, Blendtune and SalsaNor sessions).

    Only a hash of the token is stored; the token itself stays in the OS keychain.
    """

    __tablename__ = "user_sessions"

    token_hash: Mapped[str] = mapped_column(String(255), unique=True)
    device_name: Mapped[str | None] = mapped_column(String(255))
    ip_address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    last_activity_at: Mapped[datetime | None] = mapped_column(index=True)


class AccountToken(Owned, Base):
    """A one-time token: email verification (24 h) or password reset (1 h) (Blendtune auth)."""

    __tablename__ = "account_tokens"
    __table_args__ = (check_choice("purpose", TOKEN_PURPOSES),)

    purpose: Mapped[str] = mapped_column(String(30))
    token_hash: Mapped[str] = mapped_column(String(255), unique=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    used_at: Mapped[datetime | None]


class UserRole(Owned, Base):
    """A role granted to a user (Blendtune users.roles)."""

    __tablename__ = "user_roles"
    __table_args__ = (check_choice("role", ROLES), UniqueConstraint("owner_id", "role"))

    role: Mapped[str] = mapped_column(String(50), index=True, default="user")
    granted_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )


class Subscription(Owned, Base):
    """A cloud plan and its billing period (Blendtune users.subscription)."""

    __tablename__ = "subscriptions"
    __table_args__ = (
        check_choice("plan", SUBSCRIPTION_TIERS),
        check_choice("status", SUBSCRIPTION_STATUSES),
        CheckConstraint("current_period_end >= current_period_start", name="period_order"),
    )

    plan: Mapped[str] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(50), index=True)
    current_period_start: Mapped[datetime]
    current_period_end: Mapped[datetime]
    cancel_at_period_end: Mapped[bool] = mapped_column(default=False)
    provider_subscription_id: Mapped[str | None] = mapped_column(String(255), index=True)
    provider_customer_id: Mapped[str | None] = mapped_column(String(255))


class ApiKey(Owned, Base):
    """A key for scripts and integrations (MuseAroo and Lyrica api_keys merged); stored hashed."""

    __tablename__ = "api_keys"
    __table_args__ = (
        CheckConstraint("rate_limit_per_minute > 0", name="rate_limit_positive"),
        Index("ix_api_keys_owner_active", "owner_id", "is_active"),
    )

    name: Mapped[str] = mapped_column(String(255))
    key_hash: Mapped[str] = mapped_column(String(255), unique=True)
    key_prefix: Mapped[str] = mapped_column(String(20))
    scopes: Mapped[list[str]] = mapped_column(default=list)
    rate_limit_per_minute: Mapped[int] = mapped_column(default=60)
    rate_limit_per_day: Mapped[int] = mapped_column(default=1000)
    usage_count: Mapped[int] = mapped_column(default=0)
    last_used_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    is_active: Mapped[bool] = mapped_column(default=True)


class UserPreferences(Owned, Base):
    """One row of settings per user: the beat machine's defaults, theme, audio and MIDI devices.

    Merges SalsaNor and Lyrica user_preferences, MuseAroo's cached user_prefs and ui_preferences,
    and the playlist plan's key/value preferences (their free keys go to `extra`).
    """

    __tablename__ = "user_preferences"
    __table_args__ = (
        UniqueConstraint("owner_id"),
        check_range("default_bpm", 80, 250),
        check_range("default_key_note", 0, 11),
        check_choice("default_scale", ("major", "minor")),
        check_range("default_complexity", 0, 1),
        check_range("default_volume", 0, 2),
        check_choice("theme", THEMES),
        CheckConstraint(
            "audio_buffer_size IN (32, 64, 128, 256, 512, 1024, 2048, 4096)",
            name="audio_buffer_size_choice",
        ),
        check_range("audio_sample_rate", 8000, 192000),
    )

    default_bpm: Mapped[int] = mapped_column(default=120)
    default_key_note: Mapped[int] = mapped_column(default=0)
    default_scale: Mapped[str] = mapped_column(String(10), default="major")
    default_flavor: Mapped[str] = mapped_column(String(40), default=FLAVORS_DEFAULT)
    default_complexity: Mapped[float] = mapped_column(default=0.5)
    default_volume: Mapped[float] = mapped_column(default=1.0)
    auto_play: Mapped[bool] = mapped_column(default=False)
    show_beat_numbers: Mapped[bool] = mapped_column(default=True)
    theme: Mapped[str] = mapped_column(String(20), default="auto")
    language: Mapped[str] = mapped_column(String(10), default="en")
    audio_device: Mapped[str | None] = mapped_column(String(255))
    audio_buffer_size: Mapped[int] = mapped_column(default=256)
    audio_sample_rate: Mapped[int] = mapped_column(default=48000)
    midi_output_port: Mapped[str | None] = mapped_column(String(255))
    notifications_enabled: Mapped[bool] = mapped_column(default=True)
    email_notifications: Mapped[bool] = mapped_column(default=False)
    preferred_genres: Mapped[list[str]] = mapped_column(default=list)
    preferred_moods: Mapped[list[str]] = mapped_column(default=list)
    preferred_styles: Mapped[list[str]] = mapped_column(default=list)
    default_structure: Mapped[dict[str, Any]] = mapped_column(default=dict)
    accessibility_mode: Mapped[str | None] = mapped_column(String(50))
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)


class NotificationSetting(Owned, Base):
    """Whether a kind of notification is shown (the playlist plan's notification_settings)."""

    __tablename__ = "notification_settings"
    __table_args__ = (UniqueConstraint("owner_id", "notification_type"),)

    notification_type: Mapped[str] = mapped_column(String(50))
    is_enabled: Mapped[bool] = mapped_column(default=True)
    email_enabled: Mapped[bool] = mapped_column(default=False)
    desktop_enabled: Mapped[bool] = mapped_column(default=True)


class UiState(Owned, Base):
    """Saved state of one part of the window: geometry, splitters, columns (the plan's ui_state)."""

    __tablename__ = "ui_state"
    __table_args__ = (UniqueConstraint("owner_id", "component_name"),)

    component_name: Mapped[str] = mapped_column(String(100))
    state_data: Mapped[dict[str, Any]] = mapped_column(default=dict)
