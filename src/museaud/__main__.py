"""`python -m museaud` runs the museaud command."""

from __future__ import annotations

import sys

from museaud.cli import main

sys.exit(main())
