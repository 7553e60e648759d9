"""`museaud play` and `museaud render` from the shell, on the JACK dummy server."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile
from tests.support.jack import JackServer
from tests.support.midi_input import Received

from museaud.analytics.events import PerformanceMetric
from museaud.app import App
from museaud.audio.schedule import timeline
from museaud.cli import main
from museaud.patterns.flavors import build_pattern


@pytest.fixture
def salsa(capsys: pytest.CaptureFixture[str]) -> str:
    """The id of a stored salsa pattern (180 bpm, 2 bars of 4/4)."""
    assert main(["pattern", "new", "--flavor", "salsa", "--json"]) == 0
    [made] = json.loads(capsys.readouterr().out)
    return str(made["id"])


@pytest.mark.jack
def test_play_bars_on_a_midi_port_sends_the_pattern_and_ends_every_note(
    salsa: str, midi_in: Received, capsys: pytest.CaptureFixture[str]
) -> None:
    short = salsa.replace("-", "")[-8:]
    assert main(["play", short, "--midi-port", midi_in.name, "--bars", "2", "--clock"]) == 0
    err = capsys.readouterr().err
    assert "played 'Salsa groove'" in err and midi_in.name in err
    line = timeline(build_pattern("salsa"))
    ons = midi_in.of("note_on")
    assert sorted((m.channel, m.note) for _, m in ons) == sorted(
        (hit.channel, hit.key) for hit in line.hits
    )
    assert len(midi_in.of("note_off")) >= len(ons)
    assert len(midi_in.of("clock")) == 2 * 4 * 24
    assert [m.type for _, m in midi_in.of("start", "stop")] == ["start", "stop"]


@pytest.mark.jack
def test_play_bpm_and_a_part_of_the_port_name(
    salsa: str, midi_in: Received, capsys: pytest.CaptureFixture[str]
) -> None:
    client = midi_in.name.split(":")[0]
    assert main(["play", salsa, "--midi-port", client, "--bars", "1", "--bpm", "120"]) == 0
    assert "120 bpm" in capsys.readouterr().err
    clave = [t for t, m in midi_in.of("note_on") if m.note == 75]
    # the first bar of the 2-3 son clave: hits on beats 2 and 3, 500 ms apart at 120 bpm
    assert len(clave) == 2
    assert abs((clave[1] - clave[0]) / 1e6 - 500.0) < 10.0


@pytest.mark.jack
def test_play_bars_on_the_audio_engine_records_its_performance(
    salsa: str, jack_server: JackServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["play", salsa, "--bars", "1", "--device", "system", "--buffer", "128"]) == 0
    err = capsys.readouterr().err
    assert "played 'Salsa groove'" in err and "audio: system" in err
    with App.open() as app:
        [metric] = app.events.events(PerformanceMetric)
    assert (metric.buffer_size, metric.sample_rate) == (128, 48000)
    assert metric.xrun_count is not None and metric.callback_p99_ms is not None


def test_play_errors_say_what_is_wrong(
    salsa: str, jack_server: JackServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["play", salsa, "--midi-port", "no such synth", "--bars", "1"]) == 1
    assert "no MIDI output port 'no such synth'; the ports there are" in capsys.readouterr().err
    assert main(["play", salsa, "--clock"]) == 2
    assert "--clock sends MIDI clock: it needs --midi-port" in capsys.readouterr().err
    assert main(["play", salsa, "--bars", "0"]) == 2
    assert "bars must be at least 1, got 0" in capsys.readouterr().err
    assert main(["play", salsa, "--bpm", "500"]) == 2
    assert "tempo 500.0 BPM is outside" in capsys.readouterr().err
    assert main(["play", "ffffffff"]) == 1
    assert "no pattern with id 'ffffffff'" in capsys.readouterr().err
    assert main(["play", salsa, "--device", "no such card", "--bars", "1"]) == 1
    assert "audio device 'no such card' cannot be opened" in capsys.readouterr().err


def test_render_writes_the_pattern_as_wav(
    salsa: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "salsa.wav"
    assert main(["render", salsa, str(target), "--bars", "4", "--sample-rate", "44100"]) == 0
    assert f"wrote {target}" in capsys.readouterr().out
    audio, rate = soundfile.read(target, always_2d=True)
    assert rate == 44100 and audio.shape[1] == 2
    four_bars = 4 * 4 * 60 / 180
    assert four_bars <= len(audio) / rate <= four_bars + 4.0  # plus the last notes' ring-out
    assert np.abs(audio).max() > 0.05 and np.abs(audio).max() <= 1.0
    # the first beat sounds at once: the render starts on the downbeat
    assert np.abs(audio[: rate // 50]).max() > 0.01


def test_render_errors_name_the_file(
    salsa: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["render", salsa, str(tmp_path / "missing" / "x.wav")]) == 1
    assert "the folder" in capsys.readouterr().err
    assert main(["render", salsa, str(tmp_path / "x.mp3")]) == 2
    assert "render writes WAV files; name it .wav" in capsys.readouterr().err
    assert main(["render", salsa, str(tmp_path / "x.wav"), "--humanize", "2"]) == 2
    assert "humanize 2.0 is outside 0-1" in capsys.readouterr().err
    assert main(["render", salsa, str(tmp_path / "x.wav"), "--sample-rate", "100"]) == 2
    assert "--sample-rate 100 Hz is outside" in capsys.readouterr().err
    assert not (tmp_path / "x.wav").exists()
