"""The transport every player obeys: what to play and how, what it reports back, and the errors
that mean "no sound from here".

The built-in audio engine and the MIDI device player both implement `Playback`, so the transport
bar, the CLI and tests drive either the same way. Settings are immutable values: a change is a new
`TransportSettings` handed to `update()`, which a player turns into a new snapshot for its thread.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Protocol

from museaud.patterns.model import BEAT_BPM_MAX, BEAT_BPM_MIN, BeatPattern


class PlaybackUnavailableError(RuntimeError):
    """No sound can come from this output: no device, the device refused, or it went away."""


class TransportError(ValueError):
    """A transport setting out of range: says which and what is allowed."""


@dataclass(frozen=True)
class PartMix:
    """Live mix of one part, on top of the volume and pan stored in the pattern."""

    volume: float = 1.0  # 0-2, multiplies the part's own volume
    pan: float | None = None  # -1..1; None keeps the part's own pan
    mute: bool = False
    solo: bool = False


@dataclass(frozen=True)
class TransportSettings:
    """How to play: tempo, loop, length, click, feel and mix. All can change while playing."""

    bpm: float | None = None  # None plays at the pattern's own tempo
    loop: bool = True
    bars: int | None = None  # stop after this many bars (None: one pass, or forever when looping)
    metronome: bool = False
    humanize: float = 0.0  # 0-1, see museaud.audio.schedule
    master_volume: float = 1.0  # 0-2 (linear gain before the limiter)
    mix: Mapping[int, PartMix] = field(default_factory=lambda: MappingProxyType({}))

    def validated(self) -> TransportSettings:
        """self, or TransportError naming the bad setting."""
        if self.bpm is not None and not BEAT_BPM_MIN <= self.bpm <= BEAT_BPM_MAX:
            raise TransportError(f"tempo {self.bpm} BPM is outside {BEAT_BPM_MIN}-{BEAT_BPM_MAX}")
        if self.bars is not None and self.bars < 1:
            raise TransportError(f"bars must be at least 1, got {self.bars}")
        if not 0.0 <= self.humanize <= 1.0:
            raise TransportError(f"humanize {self.humanize} is outside 0-1")
        if not 0.0 <= self.master_volume <= 2.0:
            raise TransportError(f"master volume {self.master_volume} is outside 0-2")
        for index, part in self.mix.items():
            if not 0.0 <= part.volume <= 2.0:
                raise TransportError(f"part {index}: volume {part.volume} is outside 0-2")
            if part.pan is not None and not -1.0 <= part.pan <= 1.0:
                raise TransportError(f"part {index}: pan {part.pan} is outside -1..1")
        return self

    def part(self, index: int) -> PartMix:
        """The live mix of part `index` (the neutral mix when none was set)."""
        return self.mix.get(index, _NEUTRAL)

    def audible(self, index: int) -> bool:
        """Whether part `index` sounds: not muted, and soloed when any part is soloed."""
        mix = self.part(index)
        if mix.mute:
            return False
        return mix.solo or not any(other.solo for other in self.mix.values())

    def tempo(self, pattern: BeatPattern) -> float:
        """The tempo to play pattern at."""
        return self.bpm if self.bpm is not None else pattern.bpm


_NEUTRAL = PartMix()


@dataclass(frozen=True)
class TransportState:
    """What a player reports to the GUI and the CLI, polled (never pushed from the audio thread)."""

    output: str  # "audio: <device>" or "midi: <port>"
    playing: bool = False
    beat: float = 0.0  # position in the loop, in beats
    bar: int = 0  # 0-based bar within the loop
    loops: int = 0  # loops completed since play
    bpm: float = 0.0
    load: float = 0.0  # audio only: recent worst callback time / period (1.0 = out of time)
    xruns: int = 0
    error: str | None = None  # set when the output failed (device unplugged ...)
    # the library track player (audio only); tracks are numbered by whoever asks for them
    track: int = 0  # the number of the track playing or paused (0: none)
    track_s: float = 0.0  # where it is, in seconds from its start
    track_length_s: float = 0.0
    track_paused: bool = False
    track_ended: int = 0  # the number of the last track that played to its end
    track_failed: tuple[int, str] | None = None  # the last track that could not load, and why


class Playback(Protocol):
    """A player: the built-in audio engine or a MIDI device."""

    def play(self, pattern: BeatPattern, settings: TransportSettings) -> None:
        """Start playing pattern from its first beat (replacing what plays)."""

    def change_pattern(self, pattern: BeatPattern) -> None:
        """Play pattern instead of the one playing, from the beat reached, with the settings
        in use: an edit is heard at its step on this pass, not from the top. Notes sounding
        ring on. Plays from the first beat when nothing plays."""

    def update(self, settings: TransportSettings) -> None:
        """Change tempo, loop, length, click, feel or mix while playing, without a gap."""

    def stop(self) -> None:
        """Stop at once; every sounding note is ended."""

    def panic(self) -> None:
        """Stop and silence everything the output may still hold (all notes off)."""

    def state(self) -> TransportState:
        """Where playback is now."""

    def wait(self, timeout: float | None = None) -> bool:
        """Block until playback ends by itself (bars reached) or stops; True if it ended."""

    def close(self) -> None:
        """Stop and release the device."""
