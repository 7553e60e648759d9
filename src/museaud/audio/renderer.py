"""The real-time kernel: turns a pattern's timeline into stereo samples, block by block.

The live audio callback and the offline render run this same code, so what you hear is what you
export. Everything the audio thread needs is prepared off it: a `Score` (every hit of the loop, the
metronome's clicks and all their sounds laid end to end in one buffer) and a `Snapshot` (tempo,
length, feel and mix turned into plain numbers per hit and per part). Another thread hands a new
snapshot over by assigning one reference; the renderer picks it up at the start of its next block.

Inside `Renderer.render` nothing is allocated, nothing is locked and nothing outside the renderer
is touched: a fixed pool of voices plays slices of the score's buffer into preallocated scratch
arrays. Work per block is one small numpy operation per sounding voice, never per sample, and no
operation covers more than 500 numbers at the live block size, so numpy never lets go of the GIL
in the middle of a callback (taking it back can cost a busy GUI thread's whole switch interval).

Time is counted from an anchor (a sample and the beat playing there), so hits land on exact
samples whatever the block size and the position never drifts; a tempo change moves the anchor to
the current beat, which keeps the beat continuous. An edited pattern handed over as a carried
session takes over at the same beat too: its hits before that beat count as played, and notes
already sounding ring on from the score they came from. Humanize may move a hit early, so the
renderer looks ahead by the largest offset; a hit due before playback started plays at the first
sample.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from dataclasses import dataclass, field
from itertools import count
from typing import Protocol

import numpy as np
import numpy.typing as npt

from museaud.audio.schedule import HUMANIZE_MAX_MS, JITTER_CYCLE, Timeline, humanized_velocity
from museaud.audio.transport import TransportSettings
from museaud.audio.voices import VELOCITY_GAINS

Block = npt.NDArray[np.float32]
"""A (frames, 2) float32 block of stereo samples."""

MAX_VOICES = 64
"""Sounds that may ring at once; the oldest is cut when a new hit finds the pool full."""
RELEASE_SECONDS = 0.005
"""How long a note fades out when it ends, is cut by the next hit of its stroke, or stops."""
LIVE_CHUNK = 128
"""Frames mixed at a time on the live path: small enough that numpy keeps the GIL."""
CLICK_GAIN = 0.7
"""The metronome's level against a full-velocity hit."""
LIMITER_CEILING = 10 ** (-0.3 / 20)
"""The limiter keeps every sample within -0.3 dBFS; below it the signal passes untouched."""
LIMITER_SEGMENT = 64
"""Frames per limiter gain step, the same at every block size."""
LIMITER_RELEASE_SECONDS = 0.08
"""How fast the limiter's gain comes back to unity after a peak (time constant)."""

BUFFER_GENERATIONS = 8
"""Scores whose sounds may ring at once (a note rings on after its pattern was replaced); a
voice of an older score is let go when a new one arrives."""

_NEVER = 1 << 62
_sessions = count(1)


class SoundSource(Protocol):
    """Where a score's sounds come from (museaud.audio.voices.SoundBank)."""

    sample_rate: int

    def prepare(self, timeline: Timeline) -> tuple[npt.NDArray[np.float32], ...]:
        """The sound of every hit of timeline, in hit order."""

    def click(self, accent: bool) -> npt.NDArray[np.float32]:
        """The metronome's click (accent on the first beat of a bar)."""


@dataclass(frozen=True, eq=False)
class Score:
    """A pattern's loop ready to play: its hits and the metronome's clicks in time order, with
    every sound they play laid end to end in `samples`. Built once per pattern, off the audio
    thread; the tuples hold plain Python numbers, the fastest to read one at a time."""

    timeline: Timeline
    sample_rate: int
    samples: npt.NDArray[np.float32]  # every sound end to end, mono, read-only
    onsets: tuple[float, ...]  # beats from loop start, ascending
    lengths: tuple[float, ...]  # beats until the note ends; inf lets the sound ring out
    parts: tuple[int, ...]  # part index; `click_part` for the metronome
    groups: tuple[int, ...]  # part * 128 + key: a new hit of a group cuts the one before
    starts: tuple[int, ...]  # where the hit's sound begins in `samples`
    frames: tuple[int, ...]  # how long the hit's sound is
    velocities: tuple[int, ...]  # the written velocity (clicks: 127)
    hit_of: tuple[int, ...]  # index into timeline.hits (and its humanize tables), -1 for clicks
    click_part: int

    @property
    def loop_beats(self) -> float:
        """Length of the loop in beats."""
        return self.timeline.beats


def build_score(timeline: Timeline, bank: SoundSource) -> Score:
    """Everything the audio thread needs to play timeline: hits, clicks and one sample buffer."""
    sounds = bank.prepare(timeline)
    click_part = len(timeline.sounds)
    rows: list[tuple[float, int, int, float, int, int, npt.NDArray[np.float32]]] = []
    for index, (hit, sound) in enumerate(zip(timeline.hits, sounds, strict=True)):
        percussion = timeline.sounds[hit.part].is_percussion
        length = math.inf if percussion else hit.length
        rows.append((hit.beat, hit.part, hit.key, length, hit.velocity, index, sound))
    accent, plain = bank.click(True), bank.click(False)
    for beat in range(math.ceil(timeline.beats)):
        first = beat % timeline.beats_per_bar == 0
        rows.append(
            (float(beat), click_part, int(first), math.inf, 127, -1, accent if first else plain)
        )
    rows.sort(key=lambda row: (row[0], row[1], row[2]))
    placed: dict[int, int] = {}
    pieces: list[npt.NDArray[np.float32]] = []
    used = 0
    starts = []
    for row in rows:
        sound = row[6]
        start = placed.get(id(sound))
        if start is None:
            start = placed[id(sound)] = used
            pieces.append(np.asarray(sound, dtype=np.float32))
            used += len(sound)
        starts.append(start)
    samples = np.concatenate(pieces or [np.zeros(1, np.float32)])
    samples.setflags(write=False)
    return Score(
        timeline=timeline,
        sample_rate=bank.sample_rate,
        samples=samples,
        onsets=tuple(row[0] for row in rows),
        lengths=tuple(row[3] for row in rows),
        parts=tuple(row[1] for row in rows),
        groups=tuple(row[1] * 128 + row[2] for row in rows),
        starts=tuple(starts),
        frames=tuple(len(row[6]) for row in rows),
        velocities=tuple(row[4] for row in rows),
        hit_of=tuple(row[5] for row in rows),
        click_part=click_part,
    )


@dataclass(eq=False)
class Session:
    """One play of a score: which hits have sounded, in which loop. A `carried` session
    continues from the beat the playing session has reached (an edit while playing) instead
    of starting at the first beat."""

    score: Score
    carried: bool = False
    number: int = field(default_factory=lambda: next(_sessions))
    played: list[int] = field(init=False)  # per hit: the last loop it sounded in
    group_voice: list[int] = field(init=False)  # per group: the voice that plays it now

    def __post_init__(self) -> None:
        self.played = [-1] * len(self.score.onsets)
        self.group_voice = [-1] * ((self.score.click_part + 1) * 128)


@dataclass(frozen=True, eq=False)
class Snapshot:
    """How a session plays right now, as numbers the audio thread only reads. Immutable; a
    change of settings is a new snapshot of the same session."""

    session: Session
    settings: TransportSettings
    bpm: float
    samples_per_beat: float
    end_beat: float  # where playback stops (inf: loops until stopped)
    lookahead_beats: float
    left: tuple[float, ...]  # per part (and the metronome last): gain into the left channel
    right: tuple[float, ...]
    audible: tuple[bool, ...]
    gains: tuple[tuple[float, ...], ...]  # [loop % len][hit]: velocity gain with humanize
    shifts: tuple[tuple[float, ...], ...]  # [loop % len][hit]: humanize offset in samples

    @property
    def score(self) -> Score:
        """What this snapshot plays."""
        return self.session.score


def pan_gains(pan: float) -> tuple[float, float]:
    """Constant-power pan law: -3 dB per side in the centre, full level on the side panned to."""
    angle = (pan + 1.0) * math.pi / 4.0
    return math.cos(angle), math.sin(angle)


def build_snapshot(
    session: Session, settings: TransportSettings, *, bars: int | None = None
) -> Snapshot:
    """The snapshot that plays session with settings (validated); bars overrides settings.bars."""
    settings = settings.validated()
    score = session.score
    timeline = score.timeline
    bpm = settings.bpm if settings.bpm is not None else timeline.bpm
    samples_per_beat = score.sample_rate * 60.0 / bpm
    length_bars = bars if bars is not None else settings.bars
    if length_bars is not None:
        end_beat = float(length_bars * timeline.beats_per_bar)
    elif settings.loop:
        end_beat = math.inf
    else:
        end_beat = timeline.beats
    left, right, audible = [], [], []
    for sound in timeline.sounds:
        mix = settings.part(sound.index)
        sounds = sound.enabled and settings.audible(sound.index)
        gain = sound.volume * mix.volume * settings.master_volume if sounds else 0.0
        pan_left, pan_right = pan_gains(mix.pan if mix.pan is not None else sound.pan)
        left.append(gain * pan_left)
        right.append(gain * pan_right)
        audible.append(sounds)
    click = CLICK_GAIN * settings.master_volume * math.sqrt(0.5) if settings.metronome else 0.0
    left.append(click)
    right.append(click)
    audible.append(settings.metronome)
    humanize = settings.humanize
    cycles = JITTER_CYCLE if humanize > 0 else 1
    ms_to_samples = score.sample_rate / 1000.0
    gains = []
    shifts = []
    for cycle in range(cycles):
        cycle_gains = []
        cycle_shifts = []
        for velocity, hit in zip(score.velocities, score.hit_of, strict=True):
            if hit < 0:
                cycle_gains.append(1.0)
                cycle_shifts.append(0.0)
                continue
            jitter = float(timeline.jitter_velocity[cycle, hit])
            moved = humanized_velocity(velocity, jitter, humanize) if humanize else velocity
            cycle_gains.append(float(VELOCITY_GAINS[moved]))
            offset_ms = float(timeline.jitter_ms[cycle, hit]) * humanize * HUMANIZE_MAX_MS
            cycle_shifts.append(offset_ms * ms_to_samples)
        gains.append(tuple(cycle_gains))
        shifts.append(tuple(cycle_shifts))
    # Look one block beyond the largest humanize offset, so no hit is found too late.
    lookahead_beats = (HUMANIZE_MAX_MS / 1000.0 * score.sample_rate + 1) / samples_per_beat
    return Snapshot(
        session=session,
        settings=settings,
        bpm=bpm,
        samples_per_beat=samples_per_beat,
        end_beat=end_beat,
        lookahead_beats=lookahead_beats,
        left=tuple(left),
        right=tuple(right),
        audible=tuple(audible),
        gains=tuple(gains),
        shifts=tuple(shifts),
    )


class RendererError(ValueError):
    """A block or setting the renderer cannot take: says what and what is allowed."""


class Renderer:
    """Plays snapshots into stereo blocks with a fixed pool of voices; see the module doc.

    `play`, `update`, `stop`, `play_track` and `stop_track` may be called from any thread: each
    assigns one reference that `render` picks up at its next block. The position (`beat`, `bar`,
    `loops`, `bpm`, `playing`, `ended`) is plain numbers written by `render` for others to poll.
    """

    def __init__(
        self,
        sample_rate: int,
        max_block: int,
        *,
        max_voices: int = MAX_VOICES,
        chunk: int = LIVE_CHUNK,
    ) -> None:
        if max_block < 1 or chunk < 1 or max_voices < 1:
            raise RendererError(
                f"block size {max_block}, chunk {chunk} and voices {max_voices} must be at least 1"
            )
        self.sample_rate = sample_rate
        self.max_block = max_block
        self.chunk = min(chunk, max_block)
        self.release_frames = max(1, round(RELEASE_SECONDS * sample_rate))
        # the position, polled by other threads
        self.playing = False
        self.ended = False
        self.beat = 0.0
        self.bar = 0
        self.loops = 0
        self.bpm = 0.0
        self.frames_played = 0
        self.track_playing = False
        # hand-over slots, written by other threads
        self._next: Snapshot | None = None
        self._next_track: npt.NDArray[np.float32] | None = None
        # audio-thread state
        self._snapshot: Snapshot | None = None
        self._glide_from: Snapshot | None = None
        # the sound buffers of the last scores: a voice plays from the one it started in
        self._buffers = [np.zeros(1, np.float32)] * BUFFER_GENERATIONS
        self._slot = 0
        self._sample = 0
        self._anchor_sample = 0
        self._anchor_beat = 0.0
        self._track: npt.NDArray[np.float32] | None = None
        self._track_seen: npt.NDArray[np.float32] | None = None
        self._track_position = 0
        self._limiter_gain = 1.0
        self._limiter_recovery = math.exp(
            -LIMITER_SEGMENT / (LIMITER_RELEASE_SECONDS * sample_rate)
        )
        # the voice pool: one slot per voice in each list
        self._on = [False] * max_voices
        self._start = [0] * max_voices
        self._end = [0] * max_voices
        self._position = [0] * max_voices
        self._delay = [0] * max_voices
        self._release = [_NEVER] * max_voices
        self._gain = [0.0] * max_voices
        self._part = [0] * max_voices  # -1: detached from the mix, plays at its frozen gains
        self._left = [0.0] * max_voices
        self._right = [0.0] * max_voices
        self._group = [0] * max_voices
        self._buffer_of = [0] * max_voices  # slot in _buffers of the score the voice plays
        self._free = list(range(max_voices - 1, -1, -1))
        self._free_count = max_voices
        # scratch, allocated once
        chunk = self.chunk
        # Channels are mixed apart (left row, right row), so every operation runs over
        # contiguous samples; the block is interleaved into the caller's buffer at the end.
        # Rows are one sample longer than used: numpy merges the rows of a fully contiguous
        # (2, n) array into one line and then buffers a broadcast operand (an allocation);
        # views of wider rows are never merged.
        self._mix = np.zeros((2, max_block + 1), np.float32)
        self._mono = np.zeros(chunk, np.float32)
        self._stereo = np.zeros((2, chunk + 1), np.float32)
        self._glide = np.zeros((2, chunk + 1), np.float32)
        self._pair = np.zeros((2, 1), np.float32)
        self._pair_change = np.zeros((2, 1), np.float32)
        self._pair_from = np.zeros((2, 1), np.float32)
        self._counting = np.arange(1, chunk + 1, dtype=np.float32)
        self._ramp = np.zeros(chunk, np.float32)
        self._ramp_frames = 0
        self._fade = np.concatenate(
            [
                np.ones(chunk, np.float32),
                np.linspace(1.0, 0.0, self.release_frames + 1, dtype=np.float32)[1:],
                np.zeros(chunk, np.float32),
            ]
        )
        self._magnitude = np.zeros((2, max_block), np.float32)  # reduced one row at a time
        self._limiter_ramp = np.arange(1, LIMITER_SEGMENT + 1, dtype=np.float32) / LIMITER_SEGMENT
        self._limiter_curve = np.zeros(LIMITER_SEGMENT, np.float32)

    # ---- called from any thread -------------------------------------------------------------

    def play(self, snapshot: Snapshot) -> None:
        """From the next block play snapshot: from its first beat when its session is new (at
        the beat reached when the session is `carried` and one plays), at the same beat when
        it is the session already playing (then it is an update)."""
        self._next = snapshot

    def update(self, snapshot: Snapshot) -> None:
        """Change how the playing session sounds from the next block, at the same beat."""
        self._next = snapshot

    def stop(self) -> None:
        """Fade out every sounding note and stop the pattern at the next block."""
        self._next = None

    def play_track(self, frames: npt.NDArray[np.float32]) -> None:
        """Play decoded stereo frames (n, 2) once, mixed with the pattern (library preview)."""
        if frames.ndim != 2 or frames.shape[1] != 2 or frames.dtype != np.float32:
            raise RendererError(
                f"a track to play must be float32 frames of shape (n, 2), got "
                f"{frames.dtype} {frames.shape}"
            )
        self.track_playing = True
        self._next_track = frames

    def stop_track(self) -> None:
        """Stop the track preview at the next block."""
        self._next_track = None

    @property
    def snapshot(self) -> Snapshot | None:
        """The snapshot handed over last (what plays from the next block on)."""
        return self._next

    @property
    def pending(self) -> bool:
        """True while a hand-over waits for the next block."""
        return self._next is not self._snapshot or self._next_track is not self._track_seen

    @property
    def track_position(self) -> int:
        """Frames of the track played so far (0 while a new one waits for the next block)."""
        return self._track_position if self._next_track is self._track_seen else 0

    @property
    def ringing(self) -> bool:
        """True while a note still sounds (a pattern's last notes ring out after it stops)."""
        return self._free_count < len(self._on)

    @property
    def sounding(self) -> bool:
        """True while a pattern plays, a note still rings out or the track preview plays."""
        return self.playing or self._free_count < len(self._on) or self._track is not None

    # ---- the audio thread ----------------------------------------------------------------------

    def render(self, out: Block) -> None:
        """Fill out, a (frames, 2) float32 block of at most max_block frames, with what plays."""
        frames = out.shape[0]
        mix = self._mix[:, :frames]
        mix.fill(0.0)
        self._adopt()
        done = 0
        while done < frames:
            size = min(self.chunk, frames - done)
            block = mix[:, done : done + size]
            if self.playing:
                self._trigger(size)
            if self._free_count < len(self._on):
                self._mix_voices(block, size)
            if self._track is not None:
                self._mix_track(block, size)
            self._glide_from = None
            self._sample += size
            done += size
        self._limit(mix, frames)
        np.copyto(out, mix.T)
        self._report(frames)

    def _adopt(self) -> None:
        """Take over the snapshot and the track handed over since the last block."""
        snapshot = self._next
        current = self._snapshot
        if snapshot is not current:
            if snapshot is None or current is None or snapshot.session is not current.session:
                carry = (
                    snapshot is not None
                    and snapshot.session.carried
                    and current is not None
                    and self.playing
                )
                beat = 0.0
                if current is not None:
                    if carry:
                        beat = self._beat_at(self._sample, current)
                    self._detach_all(current, cut=not carry)
                if snapshot is not None:
                    self._take_buffer(snapshot.score.samples)
                    if carry and current is not None:
                        self._carry(snapshot, current.session, beat)
                    else:
                        self.frames_played = 0
                    self._anchor_sample = self._sample
                    self._anchor_beat = beat
                    self.ended = False
                self.playing = snapshot is not None
            else:
                if snapshot.samples_per_beat != current.samples_per_beat:
                    self._anchor_beat = self._beat_at(self._sample, current)
                    self._anchor_sample = self._sample
                self._glide_from = current
            self._snapshot = snapshot
            if snapshot is not None:
                self.bpm = snapshot.bpm
        track = self._next_track
        if track is not self._track_seen:
            self._track_seen = track
            self._track = track
            self._track_position = 0
            self.track_playing = track is not None

    def _beat_at(self, sample: int, snapshot: Snapshot) -> float:
        return self._anchor_beat + (sample - self._anchor_sample) / snapshot.samples_per_beat

    def _detach_all(self, snapshot: Snapshot, *, cut: bool) -> None:
        """Every sounding voice keeps its current gains from now on; with cut, it fades out
        over the release (a new play), else it rings on (an edit carried at the same beat)."""
        for voice in range(len(self._on)):
            if not self._on[voice] or self._part[voice] < 0:
                continue
            part = self._part[voice]
            self._left[voice] = self._gain[voice] * snapshot.left[part]
            self._right[voice] = self._gain[voice] * snapshot.right[part]
            self._part[voice] = -1
            if cut:
                self._cut(voice, self._position[voice] - self._delay[voice])

    def _take_buffer(self, samples: npt.NDArray[np.float32]) -> None:
        """Play new voices from samples; voices still ringing from the oldest buffer stop."""
        slot = (self._slot + 1) % BUFFER_GENERATIONS
        for voice in range(len(self._on)):
            if self._on[voice] and self._buffer_of[voice] == slot:
                self._free_voice(voice)
        self._buffers[slot] = samples
        self._slot = slot

    def _carry(self, snapshot: Snapshot, before: Session, beat: float) -> None:
        """snapshot's session takes over at beat: each hit counts as played up to its last
        occurrence due before now (humanize included, as _trigger reckons it), and a new hit of
        a stroke still ringing from before cuts it, as within one pattern."""
        session = snapshot.session
        score = session.score
        loop_beats = score.loop_beats
        spb = snapshot.samples_per_beat
        shifts = snapshot.shifts
        loop = int(beat // loop_beats)
        played = session.played
        for hit, onset in enumerate(score.onsets):
            played[hit] = loop - 2
            for occurrence in (loop, loop - 1):
                shift = shifts[occurrence % len(shifts)][hit]
                due = (occurrence * loop_beats + onset - beat) * spb + shift
                if math.floor(due + 0.5) < 0:
                    played[hit] = occurrence
                    break
        if len(before.group_voice) == len(session.group_voice):
            session.group_voice[:] = before.group_voice

    def _free_voice(self, voice: int) -> None:
        self._on[voice] = False
        self._free[self._free_count] = voice
        self._free_count += 1

    def _cut(self, voice: int, at: int) -> None:
        """Voice starts its release at frame `at` of its sound (unless it ends sooner anyway)."""
        at = max(at, 0)
        if at < self._release[voice]:
            self._release[voice] = at
            self._end[voice] = min(self._end[voice], at + self.release_frames)

    def _trigger(self, size: int) -> None:
        """Start a voice for every hit due in the next `size` frames."""
        snapshot = self._snapshot
        if snapshot is None:
            return
        score = snapshot.session.score
        spb = snapshot.samples_per_beat
        now = self._sample
        begin = self._beat_at(now, snapshot)
        low = begin - snapshot.lookahead_beats
        if low >= snapshot.end_beat:
            self.playing = False
            self.ended = True
            return
        high = min(begin + size / spb + snapshot.lookahead_beats, snapshot.end_beat)
        loop_beats = score.loop_beats
        onsets = score.onsets
        played = snapshot.session.played
        anchor_sample = self._anchor_sample
        anchor_beat = self._anchor_beat
        for loop in range(max(0, int(low // loop_beats)), int(high // loop_beats) + 1):
            base = loop * loop_beats
            gains = snapshot.gains[loop % len(snapshot.gains)]
            shifts = snapshot.shifts[loop % len(snapshot.shifts)]
            for hit in range(bisect_left(onsets, low - base), bisect_left(onsets, high - base)):
                if played[hit] >= loop:
                    continue
                due = anchor_sample + (base + onsets[hit] - anchor_beat) * spb + shifts[hit]
                offset = math.floor(due + 0.5) - now
                if offset >= size:
                    continue
                played[hit] = loop
                if snapshot.audible[score.parts[hit]]:
                    self._start_voice(snapshot, hit, max(offset, 0), gains[hit])

    def _start_voice(self, snapshot: Snapshot, hit: int, offset: int, gain: float) -> None:
        """Give hit a voice starting `offset` frames into this chunk; cut its stroke's last hit."""
        if self._free_count:
            self._free_count -= 1
            voice = self._free[self._free_count]
        else:  # the pool is full: take over the voice that has played longest
            voice = 0
            for other in range(1, len(self._on)):
                if self._position[other] > self._position[voice]:
                    voice = other
        score = snapshot.session.score
        group = score.groups[hit]
        group_voice = snapshot.session.group_voice
        previous = group_voice[group]
        if (
            previous >= 0
            and previous != voice
            and self._on[previous]
            and self._group[previous] == group
        ):
            self._cut(previous, self._position[previous] + offset - self._delay[previous])
        group_voice[group] = voice
        length = score.lengths[hit]
        if length == math.inf:
            release = _NEVER
        else:
            release = max(1, math.floor(length * snapshot.samples_per_beat + 0.5))
        self._on[voice] = True
        self._start[voice] = score.starts[hit]
        self._position[voice] = 0
        self._delay[voice] = offset
        self._release[voice] = release
        self._end[voice] = min(score.frames[hit], release + self.release_frames)
        self._gain[voice] = gain
        self._part[voice] = score.parts[hit]
        self._group[voice] = group
        self._buffer_of[voice] = self._slot

    def _mix_voices(self, block: Block, size: int) -> None:
        """Add every sounding voice's next `size` frames into block."""
        snapshot = self._snapshot
        glide = self._glide_from
        buffers = self._buffers
        buffer_of = self._buffer_of
        fade = self._fade
        fade_zero = self.chunk
        pair = self._pair
        change = self._pair_change
        origin = self._pair_from
        if glide is not None and self._ramp_frames != size:
            np.multiply(self._counting[:size], 1.0 / size, out=self._ramp[:size])
            self._ramp_frames = size
        for voice in range(len(self._on)):
            if not self._on[voice]:
                continue
            delay = self._delay[voice]
            position = self._position[voice]
            frames = min(size - delay, self._end[voice] - position)
            if frames > 0:
                part = self._part[voice]
                start = self._start[voice] + position
                sound = buffers[buffer_of[voice]][start : start + frames]
                into = fade_zero + position - self._release[voice]
                if into > fade_zero - frames:  # the release falls in this chunk
                    mono = self._mono[:frames]
                    np.multiply(sound, fade[into : into + frames], out=mono)
                    sound = mono
                stereo = self._stereo[:, :frames]
                if part < 0 or snapshot is None:
                    pair[0] = self._left[voice]
                    pair[1] = self._right[voice]
                    np.multiply(sound, pair, out=stereo)
                else:
                    gain = self._gain[voice]
                    to_left = gain * snapshot.left[part]
                    to_right = gain * snapshot.right[part]
                    pair[0] = to_left
                    pair[1] = to_right
                    if glide is not None and delay == 0 and position > 0:
                        # the mix changed: glide from the old gains to the new over the chunk
                        from_left = gain * glide.left[part]
                        from_right = gain * glide.right[part]
                        origin[0] = from_left
                        origin[1] = from_right
                        change[0] = to_left - from_left
                        change[1] = to_right - from_right
                        gains = self._glide[:, :frames]
                        np.multiply(self._ramp[:frames], change, out=gains)
                        np.add(gains, origin, out=gains)
                        np.multiply(sound, gains, out=stereo)
                    else:
                        np.multiply(sound, pair, out=stereo)
                target = block[:, delay : delay + frames]
                np.add(target, stereo, out=target)
                position += frames
                self._position[voice] = position
                self._delay[voice] = 0
            else:
                self._delay[voice] = delay - size if delay >= size else 0
            if position >= self._end[voice]:
                self._free_voice(voice)

    def _mix_track(self, block: Block, size: int) -> None:
        """Add the track preview's next frames into block."""
        track = self._track
        if track is None:
            return
        position = self._track_position
        frames = min(size, track.shape[0] - position)
        target = block[:, :frames]
        np.add(target, track[position : position + frames].T, out=target)
        position += frames
        self._track_position = position
        if position >= track.shape[0]:
            self._track = None
            self.track_playing = False

    def _limit(self, out: npt.NDArray[np.float32], frames: int) -> None:
        """Keep every sample within the ceiling: a gain that drops at once on a peak (per 64
        frames, no look-ahead) and glides back to unity; untouched while levels are normal."""
        loudest = self._magnitude[0, :frames]
        np.abs(out[0], out=loudest)
        np.abs(out[1], out=self._magnitude[1, :frames])
        np.maximum(loudest, self._magnitude[1, :frames], out=loudest)
        gain = self._limiter_gain
        if gain == 1.0 and float(loudest.max()) <= LIMITER_CEILING:
            return
        recovery = self._limiter_recovery
        curve = self._limiter_curve
        for begin in range(0, frames, LIMITER_SEGMENT):
            end = min(begin + LIMITER_SEGMENT, frames)
            length = end - begin
            segment = out[:, begin:end]
            peak = float(loudest[begin:end].max())
            recovered = 1.0 - (1.0 - gain) * recovery
            if recovered > 0.9999:
                recovered = 1.0
            if peak * recovered > LIMITER_CEILING:
                target = LIMITER_CEILING / peak
                if target < gain:
                    np.multiply(segment, target, out=segment)
                    gain = target
                    continue
            else:
                target = recovered
            if target != gain:  # glide up (never past what this segment's peak allows)
                np.multiply(self._limiter_ramp[:length], target - gain, out=curve[:length])
                np.add(curve[:length], gain, out=curve[:length])
                np.multiply(segment, curve[:length], out=segment)
            elif gain != 1.0:
                np.multiply(segment, gain, out=segment)
            gain = target
        self._limiter_gain = gain
        np.clip(out, -LIMITER_CEILING, LIMITER_CEILING, out=out)

    def _report(self, frames: int) -> None:
        """Write the position others poll: beat in the loop, bar, loops done, frames played."""
        snapshot = self._snapshot
        if snapshot is None or not self.playing:
            return
        self.frames_played += frames
        score = snapshot.session.score
        beat = min(self._beat_at(self._sample, snapshot), snapshot.end_beat)
        loops = int(beat // score.loop_beats)
        self.beat = beat - loops * score.loop_beats
        self.loops = loops
        self.bar = int(self.beat // score.timeline.beats_per_bar)
