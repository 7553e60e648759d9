"""The song mixer's kernel: lanes of placed clips -> gain and fades -> EQ -> volume and pan ->
the master (gain, true-peak limiter), block by block.

A `MixPlan` is built off the audio thread (audio decoded and resampled, patterns rendered, every
setting turned into numbers) and never changes; `SongMixer.render` fills one block at a time with
its state (position, EQ filters, limiter) carried over, so a live callback with 128-frame blocks
and an offline mixdown with 4096-frame blocks give the same samples. Fades and gains are computed
per sample from the song position alone, never accumulated, for the same reason.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from museaud.audio.dsp import EqSettings, Equalizer, Limiter, Stereo
from museaud.audio.renderer import pan_gains

FLAT = EqSettings()


@dataclass(frozen=True, eq=False)
class ClipSound:
    """A clip ready to play: its sound from its first frame, placed at song frame `start`.

    It plays `len(audio)` frames (a pattern rings on past its end); its fade-out ends at `end`,
    after which only a ring-out without fade-out is heard.
    """

    start: int
    end: int
    audio: npt.NDArray[np.float32]  # (frames, 2) at the song's rate
    gain: float = 1.0
    fade_in: int = 0
    fade_out: int = 0

    @property
    def stop(self) -> int:
        """The song frame after its last sound."""
        return self.start + len(self.audio)


@dataclass(frozen=True, eq=False)
class LaneMix:
    """One lane's clips (in time order) and its channel strip."""

    name: str
    clips: tuple[ClipSound, ...]
    volume: float = 1.0
    pan: float = 0.0
    eq: EqSettings = FLAT
    muted: bool = False
    solo: bool = False


@dataclass(frozen=True, eq=False)
class MixPlan:
    """Everything a song's mix plays, as numbers the audio thread only reads."""

    sample_rate: int
    lanes: tuple[LaneMix, ...]
    end: int  # the song's last frame, tails included
    master_volume: float = 1.0

    def audible(self) -> tuple[bool, ...]:
        """Per lane: heard (not muted, and soloed when any lane is)."""
        soloing = any(lane.solo for lane in self.lanes)
        return tuple(not lane.muted and (lane.solo or not soloing) for lane in self.lanes)


class MasterBus:
    """The master: one gain, then the limiter when a ceiling is given (output late by
    `latency` frames)."""

    def __init__(
        self, sample_rate: int, gain: float, ceiling_db: float | None, max_block: int
    ) -> None:
        self.gain = gain
        self.limiter = None if ceiling_db is None else Limiter(sample_rate, ceiling_db, max_block)
        self.latency = 0 if self.limiter is None else self.limiter.latency

    def process(self, block: Stereo) -> None:
        """Apply the master to a (2, frames) block in place."""
        if self.gain != 1.0:
            np.multiply(block, np.float32(self.gain), out=block)
        if self.limiter is not None:
            self.limiter.process(block)


class SongMixer:
    """Plays a MixPlan from `position` into (frames, 2) blocks of at most max_block frames."""

    def __init__(
        self,
        plan: MixPlan,
        max_block: int,
        *,
        master_gain: float = 1.0,
        ceiling_db: float | None = None,
    ) -> None:
        self.plan = plan
        self.max_block = max_block
        self.position = 0
        self.audible = plan.audible()
        self.master = MasterBus(
            plan.sample_rate, plan.master_volume * master_gain, ceiling_db, max_block
        )
        self.equalizers = [Equalizer(lane.eq, plan.sample_rate, max_block) for lane in plan.lanes]
        self.pans = [
            np.array(pan_gains(lane.pan), np.float32).reshape(2, 1) * np.float32(lane.volume)
            for lane in plan.lanes
        ]
        # scratch; rows one longer than used so numpy never merges them (see renderer.py)
        self._lane = np.zeros((2, max_block + 1), np.float32)
        self._clip = np.zeros((2, max_block + 1), np.float32)
        self._mix = np.zeros((2, max_block + 1), np.float32)
        self._counting = np.arange(max_block, dtype=np.float64)
        self._envelope = np.zeros(max_block, np.float64)
        self._remaining = np.zeros(max_block, np.float64)
        self._envelope32 = np.zeros(max_block, np.float32)

    def render(
        self, out: npt.NDArray[np.float32], stems: npt.NDArray[np.float32] | None = None
    ) -> None:
        """Fill out (frames, 2) with the mix; stems (lanes, frames, 2), when given, receives
        each lane after its fader and pan (before the master)."""
        frames = out.shape[0]
        mix = self._mix[:, :frames]
        mix.fill(0.0)
        begin = self.position
        for index, lane in enumerate(self.plan.lanes):
            if not self.audible[index]:
                if stems is not None:
                    stems[index].fill(0.0)
                continue
            sound = self._lane[:, :frames]
            sound.fill(0.0)
            for clip in lane.clips:
                if clip.start < begin + frames and clip.stop > begin:
                    self._add_clip(clip, sound, begin, frames)
            self.equalizers[index].process(sound)
            np.multiply(sound, self.pans[index], out=sound)
            np.add(mix, sound, out=mix)
            if stems is not None:
                np.copyto(stems[index], sound.T)
        self.master.process(mix)
        np.copyto(out, mix.T)
        self.position = begin + frames

    def _add_clip(self, clip: ClipSound, sound: Stereo, begin: int, frames: int) -> None:
        """Add the part of clip inside [begin, begin + frames) to sound, with gain and fades."""
        first = max(clip.start, begin)
        last = min(clip.stop, begin + frames)
        size = last - first
        offset = first - clip.start
        source = clip.audio[offset : offset + size].T
        target = sound[:, first - begin : last - begin]
        scaled = self._clip[:, :size]
        fading_in = offset < clip.fade_in
        fading_out = clip.fade_out > 0 and last > clip.end - clip.fade_out
        if fading_in or fading_out:
            envelope = self._envelope[:size]
            np.add(self._counting[:size], float(offset), out=envelope)  # frames into the clip
            if fading_out:  # 1 before the fade-out, 0 from the clip's end on
                remaining = self._remaining[:size]
                np.subtract(float(clip.end - clip.start), envelope, out=remaining)
                np.divide(remaining, float(clip.fade_out), out=remaining)
                np.clip(remaining, 0.0, 1.0, out=remaining)
            if fading_in:
                np.divide(envelope, float(clip.fade_in), out=envelope)
                np.minimum(envelope, 1.0, out=envelope)
            else:
                envelope.fill(1.0)
            if fading_out:
                np.multiply(envelope, remaining, out=envelope)
            np.multiply(envelope, clip.gain, out=envelope)
            gains = self._envelope32[:size]
            np.copyto(gains, envelope, casting="same_kind")
            np.multiply(source, gains, out=scaled)
        else:
            np.multiply(source, np.float32(clip.gain), out=scaled)
        np.add(target, scaled, out=target)
