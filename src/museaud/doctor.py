"""`museaud doctor`: what works on this machine, checked without changing anything.

Each check gives a name, whether it works and a detail a person can act on.
"""

from __future__ import annotations

import importlib.metadata
import platform
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from museaud import __version__, logs
from museaud.audio.devices import list_audio_outputs, list_midi_outputs
from museaud.paths import Paths


@dataclass(frozen=True)
class Check:
    """The outcome of one check."""

    name: str
    ok: bool
    detail: str
    data: dict[str, object] | None = None


def _package_version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def check_store(paths: Paths, *, full: bool = False) -> Check:
    """The store file, its schema revision, whether this museaud can open it and whether SQLite
    finds it whole (a quick check of every page; full: of every index too)."""
    from museaud.store.backup import integrity_problems, newest_good  # noqa: PLC0415
    from museaud.store.migrate import (  # noqa: PLC0415 - keeps `doctor` importable when broken
        StoreError,
        check_openable,
        head_revision,
    )

    path = paths.store_file
    head = head_revision()
    data: dict[str, object] = {"path": str(path), "app_schema": head}
    if not path.exists():
        data["schema"] = None
        return Check("store", True, f"{path} (not created yet; schema {head} on first start)", data)
    try:
        revision, _ = check_openable(path)
    except StoreError as error:
        return Check("store", False, str(error), data)
    data["schema"] = revision
    problems = integrity_problems(path, full=full)
    data["integrity"] = problems or "ok"
    if problems:
        good = newest_good(paths.backup_dir)
        remedy = (
            f"`museaud backup restore {good.name}` puts back the newest good backup"
            if good
            else f"no good backup in {paths.backup_dir}"
        )
        return Check(
            "store",
            False,
            f"{path} is damaged: {problems[0]} ({len(problems)} problems found); {remedy} "
            "(the damaged file is kept aside)",
            data,
        )
    state = "up to date" if revision == head else f"will upgrade to {head} (with a backup)"
    checked = "full check" if full else "quick check"
    return Check("store", True, f"{path} schema {revision}, {state}, {checked} ok", data)


def check_sqlite(paths: Paths) -> Check:
    """The SQLite driver, sqlite-vec and FTS5, tried on a scratch in-memory database."""
    from museaud.store.database import (  # noqa: PLC0415
        sqlite_engine,
        sqlite_features,
    )

    engine = sqlite_engine(Path(":memory:"))
    try:
        features = sqlite_features(engine)
    finally:
        engine.dispose()
    ok = bool(features["fts5"]) and bool(features["sqlite_vec_version"])
    detail = (
        f"SQLite {features['sqlite_version']} via {features['driver']}, "
        f"sqlite-vec {features['sqlite_vec_version']}, FTS5 {'yes' if features['fts5'] else 'NO'}"
    )
    return Check("sqlite", ok, detail, dict(features))


def check_audio() -> Check:
    """Audio output devices through sounddevice/PortAudio."""
    devices = list_audio_outputs(rescan=True)
    data: dict[str, object] = {
        "portaudio": devices.portaudio_version,
        "devices": [asdict(device) for device in devices.devices],
        "problem": devices.problem,
    }
    detail = devices.summary()
    if not devices.available:
        detail += "; offline render (museaud render PATTERN out.wav) still works"
    return Check("audio", devices.available, detail, data)


def check_midi() -> Check:
    """MIDI output ports through mido and python-rtmidi."""
    ports = list_midi_outputs()
    data: dict[str, object] = {
        "backend": ports.backend,
        "ports": ports.names,
        "problem": ports.problem,
    }
    detail = ports.summary()
    if not ports.names:
        detail += "; patterns still play on the audio device"
    # MIDI out is optional: a MIDI system that starts with no port attached is no fault
    started = ports.problem is not None and ": no output port" in ports.problem
    return Check("midi", bool(ports.names) or started, detail, data)


def check_essentia() -> Check:
    """Essentia, which the analysis runs on."""
    try:
        import essentia  # noqa: PLC0415 - heavy native import, only when asked
    except ImportError as error:
        return Check("essentia", False, f"not importable: {error}")
    version = str(essentia.__version__)
    return Check("essentia", True, f"Essentia {version}", {"version": version})


def check_analytics() -> Check:
    """DuckDB, which keeps the listening, generation and performance time series."""
    version = _package_version("duckdb")
    if version is None:
        return Check("analytics", False, "duckdb is not installed")
    return Check("analytics", True, f"DuckDB {version}", {"version": version})


def check_postgres_client() -> Check:
    """psycopg and libpq for cloud sync, and the psql client if installed."""
    try:
        import psycopg  # noqa: PLC0415

        libpq = psycopg.pq.version()
    except ImportError as error:
        return Check("postgresql", False, f"psycopg not importable: {error}")
    major, minor = divmod(libpq, 10000)
    data: dict[str, object] = {"psycopg": psycopg.__version__, "libpq": f"{major}.{minor}"}
    detail = f"psycopg {psycopg.__version__} (libpq {major}.{minor})"
    psql = shutil.which("psql")
    if psql:
        result = subprocess.run([psql, "--version"], capture_output=True, text=True, check=False)
        data["psql"] = result.stdout.strip()
        detail += f", {result.stdout.strip()}"
    return Check("postgresql", True, detail, data)


def check_qt() -> Check:
    """PySide6, for the desktop window."""
    try:
        import PySide6  # noqa: PLC0415
        from PySide6 import QtCore  # noqa: PLC0415
    except ImportError as error:
        return Check("qt", False, f"PySide6 not importable: {error}")
    detail = f"PySide6 {PySide6.__version__} on Qt {QtCore.qVersion()}"
    return Check("qt", True, detail, {"pyside6": PySide6.__version__})


def check_logs(paths: Paths) -> Check:
    """The log file this process writes and its level: what to attach to a bug report."""
    setup = logs.current()
    if setup is None:
        path = logs.log_file(paths)
        data: dict[str, object] = {"path": str(path), "level": None}
        return Check("logs", True, f"{path} (logging is not set up in this process)", data)
    data = {"path": str(setup.file) if setup.file else None, "level": setup.level}
    if setup.file is None:
        return Check("logs", False, f"{setup.problem}; messages go to stderr", data)
    return Check("logs", True, f"{setup.file} (level {setup.level})", data)


def run_checks(paths: Paths, *, full: bool = False) -> list[Check]:
    """All checks; one that crashes is reported as failed, never stops the others."""
    checks: list[Callable[[], Check]] = [
        lambda: check_store(paths, full=full),
        lambda: check_sqlite(paths),
        check_audio,
        check_midi,
        check_essentia,
        check_analytics,
        check_postgres_client,
        check_qt,
        lambda: check_logs(paths),
    ]
    names = [
        "store",
        "sqlite",
        "audio",
        "midi",
        "essentia",
        "analytics",
        "postgresql",
        "qt",
        "logs",
    ]
    results = []
    for name, check in zip(names, checks, strict=True):
        try:
            results.append(check())
        except Exception as error:  # a broken library must not hide the other checks
            results.append(Check(name, False, f"check crashed: {type(error).__name__}: {error}"))
    return results


def report(paths: Paths, *, full: bool = False) -> dict[str, object]:
    """The doctor's findings as a JSON-ready dict."""
    return {
        "museaud": __version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "paths": {
            "data": str(paths.data_dir),
            "config": str(paths.config_dir),
            "store": str(paths.store_file),
            "analytics": str(paths.analytics_file),
            "log": str(logs.log_file(paths)),
        },
        "checks": [asdict(check) for check in run_checks(paths, full=full)],
    }
