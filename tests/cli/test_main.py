"""The museaud command: doctor (text and JSON), prefs, and clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from museaud.cli import main
from museaud.store.migrate import head_revision


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "museaud", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_doctor_json_reports_every_part(museaud_home: Path) -> None:
    result = _run("doctor", "--json")
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    checks = {check["name"]: check for check in found["checks"]}
    assert set(checks) == {
        "store",
        "sqlite",
        "audio",
        "midi",
        "essentia",
        "analytics",
        "postgresql",
        "qt",
        "logs",
    }
    assert checks["sqlite"]["ok"] and checks["sqlite"]["data"]["fts5"] is True
    assert checks["sqlite"]["data"]["sqlite_vec_version"].startswith("v")
    assert checks["essentia"]["ok"] and checks["qt"]["ok"]
    assert checks["store"]["data"]["app_schema"] == head_revision()
    assert found["paths"]["store"].startswith(str(museaud_home))
    log_file = museaud_home / "logs" / "museaud.log"
    assert found["paths"]["log"] == str(log_file)
    assert checks["logs"] == {
        "name": "logs",
        "ok": True,
        "detail": f"{log_file} (level INFO)",
        "data": {"path": str(log_file), "level": "INFO"},
    }
    assert "INFO MainProcess" in log_file.read_text(encoding="utf-8")
    # doctor only looks: it does not create the store
    assert not Path(found["paths"]["store"]).exists()


def test_doctor_text_shows_store_revision_after_first_start(
    museaud_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["prefs"]) == 0  # first start creates the store
    capsys.readouterr()
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert f"schema {head_revision()}, up to date" in out
    assert "FTS5 yes" in out
    assert f"logs        {museaud_home / 'logs' / 'museaud.log'} (level INFO)" in out


def test_prefs_set_and_refuse(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prefs", "--set", "default_bpm=96", "default_key_note=Bb", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["default_bpm"] == 96 and shown["default_key_note"] == 10
    assert main(["prefs", "--set", "default_bpm=300"]) == 2
    assert "default_bpm 300 is outside 80-250 BPM; nothing was changed" in capsys.readouterr().err
    assert main(["prefs", "--set", "bogus=1"]) == 2
    assert main(["prefs", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["default_bpm"] == 96


def test_a_store_from_a_newer_museaud_gives_a_message_not_a_traceback(
    museaud_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["prefs"]) == 0
    import sqlite3

    store = museaud_home / "data" / "museaud.sqlite"
    connection = sqlite3.connect(store)
    connection.execute("UPDATE alembic_version SET version_num = 'ffff'")
    connection.commit()
    connection.close()
    capsys.readouterr()
    assert main(["prefs"]) == 1
    err = capsys.readouterr().err
    assert "newer museaud" in err and "Traceback" not in err


def test_gui_without_a_display_says_why(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    assert main([]) == 1
    assert "no display" in capsys.readouterr().err
