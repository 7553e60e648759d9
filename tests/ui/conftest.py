"""Fixtures for the UI tests: fake audio/MIDI outputs and a known theme before each test."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from PySide6.QtWidgets import QApplication

from museaud.audio.devices import AudioDevice, AudioDevices, MidiPorts
from museaud.ui.theme import apply_theme

NO_AUDIO = AudioDevices(problem="no audio output device found")
NO_MIDI = MidiPorts(problem="no MIDI output port found")
SOME_AUDIO = AudioDevices(
    devices=[
        AudioDevice(0, "Scarlett 2i2 USB", "ALSA", 2, 48000.0, is_default=True),
        AudioDevice(1, "HDA Intel PCH: ALC257 Analog", "ALSA", 2, 44100.0),
    ],
    portaudio_version="PortAudio V19.7.0-devel",
)
SOME_MIDI = MidiPorts(
    names=["Midi Through:Midi Through Port-0", "minilogue xd:minilogue xd MIDI 2"],
    backend="mido.backends.rtmidi/LINUX_ALSA",
)


@dataclass
class FakeDevices:
    """What the UI's device queries return in a test, and how often they were asked."""

    audio: AudioDevices = NO_AUDIO
    midi: MidiPorts = NO_MIDI
    queries: list[str] = field(default_factory=list)

    def plug_in(self) -> FakeDevices:
        """Pretend an audio interface and a MIDI synth are connected."""
        self.audio = SOME_AUDIO
        self.midi = SOME_MIDI
        return self

    def list_audio_outputs(self, *, release: bool = False) -> AudioDevices:
        self.queries.append("audio, released" if release else "audio")
        return self.audio

    def list_midi_outputs(self) -> MidiPorts:
        self.queries.append("midi")
        return self.midi


@pytest.fixture(autouse=True)
def devices(monkeypatch: pytest.MonkeyPatch) -> FakeDevices:
    """No real PortAudio or MIDI queries in UI tests: none found, unless a test sets some."""
    fake = FakeDevices()
    for module in ("museaud.ui.main_window", "museaud.ui.preferences_dialog"):
        monkeypatch.setattr(f"{module}.list_audio_outputs", fake.list_audio_outputs)
        monkeypatch.setattr(f"{module}.list_midi_outputs", fake.list_midi_outputs)
    return fake


@pytest.fixture(autouse=True)
def light_theme(qapp: QApplication) -> None:
    """Every UI test starts from the light theme, whatever the previous one applied."""
    apply_theme("light", qapp)
