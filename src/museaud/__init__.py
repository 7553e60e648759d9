"""museaud: a local-first desktop music workstation for producers."""

from __future__ import annotations

__version__ = "0.1.0"
