"""Write a new Alembic revision by comparing the models with a store at the current head.

Usage: .venv/bin/python scripts/new_migration.py "what changed" [--rev-id 0003]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from alembic import command

from museaud.store.database import sqlite_engine
from museaud.store.migrate import MIGRATIONS_DIR, alembic_config, upgrade


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("message")
    parser.add_argument("--rev-id")
    args = parser.parse_args()
    (MIGRATIONS_DIR / "versions").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "head.sqlite"
        engine = sqlite_engine(path)
        has_revisions = any((MIGRATIONS_DIR / "versions").glob("*.py"))
        if has_revisions:
            upgrade(engine, path, Path(folder) / "backups")
        with engine.begin() as connection:
            command.revision(
                alembic_config(connection),
                message=args.message,
                autogenerate=True,
                rev_id=args.rev_id,
            )
        engine.dispose()


if __name__ == "__main__":
    main()
