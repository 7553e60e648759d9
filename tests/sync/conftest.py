"""Fixtures for the sync tests: a hub and replicas on copies of a migrated store."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tests.sync.memory_hub import MemoryHub
from tests.sync.support import Replica, open_replica


@pytest.fixture
def hub() -> MemoryHub:
    return MemoryHub()


@pytest.fixture
def make_replica(migrated_store: Path, tmp_path: Path) -> Iterator[Callable[[str], Replica]]:
    """Opens replicas (closed at the end of the test)."""
    opened: list[Replica] = []

    def make(name: str) -> Replica:
        replica = open_replica(migrated_store, tmp_path / "replicas", name)
        opened.append(replica)
        return replica

    yield make
    for replica in opened:
        replica.close()
