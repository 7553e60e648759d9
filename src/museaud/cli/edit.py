"""Commands of the edit group (filled in by its owner)."""

from __future__ import annotations

from typing import Any


def add_commands(commands: Any) -> None:
    """Register this module's subcommands."""
