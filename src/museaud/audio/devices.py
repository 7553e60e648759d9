"""What sound and MIDI hardware this machine offers, asked without ever crashing the app.

PortAudio may be missing (no libportaudio), no device may exist, or a MIDI backend may fail to
start; each case comes back as an empty list with a message a person can act on.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field

# Probing must never start a JACK server as a side effect (libjack does so by default, and a
# half-started server can hang the probe); use one only if it is already running.
os.environ.setdefault("JACK_NO_START_SERVER", "1")


@dataclass(frozen=True)
class AudioDevice:
    """One output device as PortAudio names it."""

    index: int
    name: str
    host_api: str
    output_channels: int
    default_sample_rate: float
    is_default: bool = False


@dataclass(frozen=True)
class AudioDevices:
    """The output devices found, or why none could be listed."""

    devices: list[AudioDevice] = field(default_factory=list)
    portaudio_version: str | None = None
    problem: str | None = None

    @property
    def available(self) -> bool:
        """True when at least one output device can be opened."""
        return bool(self.devices)

    def summary(self) -> str:
        """One line for the status bar and doctor."""
        if self.problem:
            return f"playback unavailable: {self.problem}"
        default = next((device for device in self.devices if device.is_default), self.devices[0])
        return f"{len(self.devices)} output device(s), default: {default.name}"


@dataclass(frozen=True)
class MidiPorts:
    """The MIDI output ports found, or why none could be listed."""

    names: list[str] = field(default_factory=list)
    backend: str | None = None
    problem: str | None = None

    def summary(self) -> str:
        """One line for the status bar and doctor."""
        if self.problem:
            return f"MIDI unavailable: {self.problem}"
        return f"{len(self.names)} MIDI output port(s)" + (
            f": {', '.join(self.names)}" if self.names else ""
        )


def list_audio_outputs(*, rescan: bool = False, release: bool = False) -> AudioDevices:
    """The audio output devices PortAudio can see; rescan picks up servers started since import.

    release lets PortAudio go afterwards: a process that only lists devices (the GUI, whose
    engine runs in a process of its own) must not stay a JACK client, because JACK waits for
    every client in every cycle and an idle one in a busy process makes the server miss periods.
    """
    try:
        import sounddevice  # noqa: PLC0415 - importing loads PortAudio, which may be missing
    except OSError as error:
        return AudioDevices(problem=f"PortAudio library not found ({error}); install libportaudio2")
    try:
        if rescan or sounddevice._initialized == 0:
            # PortAudio lists devices once at start-up; re-initialising is the only way to see new
            # ones (a JACK server started later, a USB interface plugged in).
            release_portaudio()
            sounddevice._initialize()
        devices = sounddevice.query_devices()
        host_apis = sounddevice.query_hostapis()
        default_output = sounddevice.default.device[1]
        version = sounddevice.get_portaudio_version()[1]
    except Exception as error:  # PortAudio raises its own error types on broken set-ups
        return AudioDevices(problem=f"PortAudio could not list devices: {error}")
    finally:
        if release:
            release_portaudio()
    outputs = [
        AudioDevice(
            index=int(device["index"]),
            name=str(device["name"]),
            host_api=str(host_apis[device["hostapi"]]["name"]),
            output_channels=int(device["max_output_channels"]),
            default_sample_rate=float(device["default_samplerate"]),
            is_default=int(device["index"]) == default_output,
        )
        for device in devices
        if int(device["max_output_channels"]) > 0
    ]
    if not outputs:
        return AudioDevices(portaudio_version=version, problem="no audio output device found")
    return AudioDevices(devices=outputs, portaudio_version=version)


def release_portaudio() -> None:
    """End PortAudio in this process (and with it any JACK client it holds); the next listing or
    stream starts it again. Only for a process with no stream open."""
    sounddevice = sys.modules.get("sounddevice")
    if sounddevice is None:
        return
    while sounddevice._initialized > 0:
        sounddevice._terminate()


def _rtmidi_apis() -> list[str]:
    """The rtmidi APIs compiled in, the native one first (ALSA, CoreMIDI, WinMM, then JACK)."""
    try:
        from mido.backends import rtmidi  # noqa: PLC0415 - loads native code

        return [str(name) for name in rtmidi.get_api_names()]
    except Exception:  # no rtmidi at all
        return []


def midi_outputs_by_api() -> dict[str, list[str]]:
    """Every MIDI output port of every MIDI system that starts, by rtmidi API name (a JACK port
    is found even when ALSA lists ports of its own)."""
    import mido  # noqa: PLC0415 - the backend loads native code

    found: dict[str, list[str]] = {}
    for api in _rtmidi_apis():
        try:
            backend = mido.Backend(f"mido.backends.rtmidi/{api}", load=True)
            found[api] = [str(port) for port in backend.get_output_names()]
        except Exception:  # rtmidi raises SystemError and friends when an API cannot start
            continue
    return found


def list_midi_outputs() -> MidiPorts:
    """The MIDI output ports of the first MIDI system that starts (ALSA, JACK, CoreMIDI, WinMM)."""
    import mido  # noqa: PLC0415 - the backend loads native code

    problems: list[str] = []
    for api in _rtmidi_apis() or [""]:
        name = f"mido.backends.rtmidi/{api}" if api else "mido.backends.rtmidi"
        try:
            names = [str(port) for port in mido.Backend(name, load=True).get_output_names()]
        except Exception as error:  # rtmidi raises SystemError and friends when an API cannot start
            problems.append(f"{api or 'rtmidi'}: {error}")
            continue
        if names:
            return MidiPorts(names=names, backend=api or "rtmidi")
        problems.append(f"{api or 'rtmidi'}: no output port")
    return MidiPorts(problem="no MIDI output port found (" + "; ".join(problems) + ")")
