"""Test set-up shared by the whole suite: isolated homes, offscreen Qt, PostgreSQL and JACK."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest

from museaud import logs
from museaud.app import App
from museaud.paths import Paths, default_paths
from tests.support.store import open_copy, paths_under

pytest_plugins = [
    "tests.support.postgres",
    "tests.support.jack",
    "tests.support.audio",
    "tests.support.midi_input",
]


@pytest.fixture(autouse=True)
def museaud_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test runs with its own MUSEAUD_HOME, so nothing touches the user's real data."""
    home = tmp_path / "museaud-home"
    monkeypatch.setenv("MUSEAUD_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def fresh_logging() -> Iterator[None]:
    """Logging set up by one test's `main()` (handlers, the workers' environment) ends with it."""
    yield
    logs.reset()
    os.environ.pop(logs.FILE_ENV, None)
    os.environ.pop(logs.LEVEL_ENV, None)


@pytest.fixture
def paths(museaud_home: Path) -> Paths:
    """The paths of the test's isolated installation."""
    return default_paths().ensure()


@pytest.fixture(scope="session")
def migrated_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store file migrated to head once per test session, copied by the `app` fixture."""
    template = paths_under(tmp_path_factory.mktemp("migrated"))
    App.open(template).close()
    return template.store_file


@pytest.fixture
def app(paths: Paths, migrated_store: Path) -> Iterator[App]:
    """A museaud on its own real SQLite file (a copy of a freshly migrated store)."""
    opened = open_copy(migrated_store, paths)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """Where screenshot tests write their PNGs (ignored by git): build/screenshots/."""
    folder = Path(__file__).resolve().parent.parent / "build" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
