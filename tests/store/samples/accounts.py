"""One valid row for every table of museaud.store.models.accounts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from museaud.store.base import new_id
from museaud.store.models.accounts import (
    AccountToken,
    ApiKey,
    NotificationSetting,
    Subscription,
    UiState,
    User,
    UserPreferences,
    UserRole,
    UserSession,
)

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def rows(ctx: dict[str, Any]) -> list[Any]:
    """A local profile, a collaborator, and one row of each account table."""
    user = User(
        id=new_id(),
        username="ana_beats",
        email="ana@example.com",
        display_name="Ana B.",
        first_name="Ana",
        last_name="Bernal",
        bio="Salsa pianist and producer",
        country="Norway",
        timezone="Europe/Oslo",
        primary_instruments=["piano", "congas"],
        musical_styles=["salsa", "house"],
        skill_level="professional",
        subscription_tier="pro",
        subscription_expires_at=NOW + timedelta(days=30),
        email_verified=True,
        email_verified_at=NOW,
        is_local=True,
        last_login_at=NOW,
        accessibility_settings={"high_contrast": False},
    )
    friend = User(
        id=new_id(),
        username="tumbao_tom",
        email="tom@example.com",
        display_name="Tom",
        oauth_provider="google",
        oauth_id="1234567890",
    )
    ctx["users"], ctx["friend"] = user, friend
    owner = user.id
    made = [
        user,
        friend,
        UserSession(
            id=new_id(),
            owner_id=owner,
            token_hash="sha256:" + "a" * 64,
            device_name="studio laptop",
            ip_address="127.0.0.1",
            user_agent="museaud/0.1",
            expires_at=NOW + timedelta(days=7),
            last_activity_at=NOW,
        ),
        AccountToken(
            id=new_id(),
            owner_id=owner,
            purpose="password_reset",
            token_hash="sha256:" + "b" * 64,
            expires_at=NOW + timedelta(hours=1),
        ),
        UserRole(id=new_id(), owner_id=owner, role="artist", granted_by_id=friend.id),
        Subscription(
            id=new_id(),
            owner_id=owner,
            plan="pro",
            status="active",
            current_period_start=NOW,
            current_period_end=NOW + timedelta(days=30),
            provider_subscription_id="sub_123",
            provider_customer_id="cus_123",
        ),
        ApiKey(
            id=new_id(),
            owner_id=owner,
            name="live set script",
            key_hash="sha256:" + "c" * 64,
            key_prefix="msd_3f9a",
            scopes=["read", "generate"],
            expires_at=NOW + timedelta(90),
        ),
        UserPreferences(
            id=new_id(),
            owner_id=owner,
            default_bpm=180,
            default_key_note=5,
            default_flavor="Salsa",
            theme="dark",
            audio_buffer_size=128,
            midi_output_port="fsynth:midi_00",
            preferred_genres=["salsa"],
        ),
        NotificationSetting(id=new_id(), owner_id=owner, notification_type="comment_created"),
        UiState(
            id=new_id(),
            owner_id=owner,
            component_name="main_window",
            state_data={"view": "beat_machine"},
        ),
    ]
    ctx["user_preferences"] = made[7]
    return made
