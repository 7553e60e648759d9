"""`museaud stats`: reports as text, JSON and CSV; Parquet export; forget; busy and empty files."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from tests.support.analytics import sample_events

from museaud.analytics import ListeningEvent
from museaud.app import App
from museaud.cli import main
from museaud.paths import Paths

TODAY = datetime.now(UTC).date()


@pytest.fixture
def filled(app: App) -> App:
    first = TODAY - timedelta(days=59)
    app.events.record_many(sample_events(3000, first_day=first, days=60, user_id=app.local_user_id))
    return app


def test_every_report_as_json(filled: App, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--json", "--from", str(TODAY - timedelta(days=59))]) == 0
    found = json.loads(capsys.readouterr().out)

    assert set(found) == {"from", "to", "listening", "generation", "usage", "engine", "library"}
    listening = found["listening"]
    assert sum(day["plays"] for day in listening["days"]) == len(
        filled.events.events(ListeningEvent)
    )
    assert len(listening["top_artists"]) == 10
    assert listening["top_artists"][0]["plays"] >= listening["top_artists"][-1]["plays"]
    engines = {row["engine"] for row in found["generation"]["latency"]}
    assert engines == {"drums", "bass", "chords", "melody"}
    assert all(0 < row["p50_ms"] <= row["p99_ms"] for row in found["generation"]["latency"])
    assert {row["name"] for row in found["usage"]["flavors"]} == {
        "Salsa",
        "Merengue",
        "Bachata",
        "Cumbia",
        "Son",
    }
    assert found["engine"]["sessions"]


def test_one_report_as_text_and_csv(filled: App, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "generation"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("== generation, ") and "-- kept by week" in text and "p99_ms" in text

    assert main(["stats", "usage", "--csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == ["# instruments", "name,count"]
    assert "# flavors" in lines


def test_bad_and_empty_ranges(app: App, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--from", "2026-02-01", "--to", "2026-01-01"]) == 2
    assert "--from 2026-02-01 is after --to 2026-01-01" in capsys.readouterr().err

    assert main(["stats", "listening", "--from", "2020-01-01", "--to", "2020-01-31"]) == 0
    out, err = capsys.readouterr()
    assert "(none)" in out
    assert "nothing recorded from 2020-01-01 to 2020-01-31: play tracks" in err


def test_export_to_parquet_then_forget(
    filled: App, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plays = len(filled.events.events(ListeningEvent))
    assert main(["stats", "export", "--parquet", str(tmp_path / "out")]) == 0
    written = capsys.readouterr().out.split()
    assert len(written) == 6
    parquet = tmp_path / "out" / "listening_history.parquet"
    [(count,)] = duckdb.execute(f"SELECT count(*) FROM '{parquet}'").fetchall()
    assert count == plays

    assert main(["stats", "forget"]) == 2
    assert "--yes" in capsys.readouterr().err
    filled.close()  # the GUI would hold the file: forget needs it free
    assert main(["stats", "forget", "--yes"]) == 0
    assert "forgot everything recorded" in capsys.readouterr().err
    assert not filled.paths.analytics_file.exists()


def test_stats_while_another_process_holds_the_file_says_busy(
    paths: Paths, app: App, capsys: pytest.CaptureFixture[str]
) -> None:
    app.close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); "
            "sys.stdin.read()",
            str(paths.analytics_file),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        assert main(["stats", "listening"]) == 1
    finally:
        holder.communicate("")
    err = capsys.readouterr().err
    assert "is busy: another process has it open" in err
