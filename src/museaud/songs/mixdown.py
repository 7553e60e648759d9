"""Mixdown: a song's arrangement to a WAV or FLAC file (and per-lane stems), normalised to a
loudness with a true-peak ceiling, through the same `SongMixer` a live player runs.

`build_plan` prepares the sound off the audio thread: audio files decoded and resampled to the
song's rate with soxr (each file once), pattern clips rendered by the beat machine's own renderer
at the song's tempo (each pattern and length once). The render then makes two passes: the first
measures the mix's integrated loudness, the second plays it with the gain that reaches the target
and the limiter, into files with temporary names that replace the real names only at the end, so
a failed or cancelled render leaves no half-written file.
"""

from __future__ import annotations

import dataclasses
import math
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import soundfile
import soxr
from sqlalchemy import select
from sqlalchemy.orm import Session

from museaud.analysis.decode import read_frames
from museaud.analysis.errors import AnalysisError
from museaud.analysis.loudness import SILENCE_LUFS, LoudnessMeter
from museaud.audio.dsp import TruePeakMeter
from museaud.audio.mixer import ClipSound, LaneMix, MasterBus, MixPlan, SongMixer
from museaud.audio.render import render_pattern
from museaud.audio.transport import TransportSettings
from museaud.audio.voices import SoundBank
from museaud.patterns.service import PatternNotFoundError, load_pattern
from museaud.songs.arrangement import SongView, song_view
from museaud.songs.errors import SongError
from museaud.store.models.library import Track
from museaud.store.models.songs import Song

SAMPLE_RATES = (44100, 48000)
BIT_DEPTHS = {16: "PCM_16", 24: "PCM_24"}
FORMATS = {".wav": "WAV", ".flac": "FLAC"}
RENDER_BLOCK = 16384
"""Frames per block offline; the samples do not depend on it (tests render with 128 too)."""

Progress = Callable[[int, int], None]
"""progress(frames_done, frames_total) over both passes, called after every block."""
Cancelled = Callable[[], bool]
"""Asked after every block: True stops the render."""


class RenderCancelledError(SongError):
    """The render was cancelled; no file was left behind."""


@dataclass(frozen=True)
class MixdownOptions:
    """How to render: rate, depth, loudness target (None: leave the level), ceiling, stems."""

    sample_rate: int = 48000
    bit_depth: int = 24
    target_lufs: float | None = -14.0
    ceiling_dbtp: float = -1.0
    stems: bool = False
    skip_missing: bool = False
    block_size: int = RENDER_BLOCK

    def validated(self) -> MixdownOptions:
        """self, or SongError naming the bad option."""
        if self.sample_rate not in SAMPLE_RATES:
            raise SongError(f"sample rate {self.sample_rate} is not one of 44100, 48000")
        if self.bit_depth not in BIT_DEPTHS:
            raise SongError(f"bit depth {self.bit_depth} is not 16 or 24")
        if self.target_lufs is not None and not -40.0 <= self.target_lufs <= -5.0:
            raise SongError(f"loudness target {self.target_lufs:g} LUFS is outside -40..-5")
        if not -20.0 <= self.ceiling_dbtp <= 0.0:
            raise SongError(f"true-peak ceiling {self.ceiling_dbtp:g} dBTP is outside -20..0")
        if not 1 <= self.block_size <= 1 << 16:
            raise SongError(f"block size {self.block_size} is outside 1-65536")
        return self


@dataclass(frozen=True)
class MixdownResult:
    """What a render wrote and how it measured."""

    path: Path
    stems: dict[str, Path]
    sample_rate: int
    frames: int
    integrated_lufs: float
    true_peak_dbtp: float
    gain_db: float
    skipped: tuple[str, ...] = field(default=())  # missing files rendered as silence

    @property
    def duration_s(self) -> float:
        """Length of the rendered file."""
        return self.frames / self.sample_rate

    def summary(self) -> dict[str, object]:
        """JSON-ready (what `museaud song render --json` prints)."""
        return {
            "path": str(self.path),
            "stems": {name: str(path) for name, path in self.stems.items()},
            "sample_rate": self.sample_rate,
            "duration_s": round(self.duration_s, 3),
            "integrated_lufs": round(self.integrated_lufs, 2),
            "true_peak_dbtp": round(self.true_peak_dbtp, 2),
            "gain_db": round(self.gain_db, 2),
            "skipped_missing": list(self.skipped),
        }


def _stereo(frames: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    if frames.shape[1] == 1:
        return np.repeat(frames, 2, axis=1)
    return np.ascontiguousarray(frames[:, :2])


def missing_files(song: SongView) -> list[str]:
    """Where the song's missing audio clips were (or what they were), one line each."""
    lines = []
    for lane in song.lanes:
        for clip in lane.clips:
            if clip.missing:
                where = clip.audio_path or "a deleted library track"
                bar = clip.start_beat / song.beats_per_bar + 1
                lines.append(f"lane {lane.name!r}, bar {bar:g}: {where}")
    return lines


def build_plan(
    session: Session, song: SongView, sample_rate: int, *, skip_missing: bool = False
) -> MixPlan:
    """The song's mix ready to play at sample_rate; SongError names every missing file
    (unless skip_missing: they play as silence)."""
    missing = missing_files(song)
    if missing and not skip_missing:
        raise SongError("missing audio: " + "; ".join(missing))
    frames_per_beat = sample_rate * song.seconds_per_beat
    decoded: dict[str, npt.NDArray[np.float32]] = {}
    patterns: dict[tuple[uuid.UUID, int], npt.NDArray[np.float32]] = {}
    settings = TransportSettings(bpm=float(song.bpm))
    bank = SoundBank(sample_rate)  # every pattern's sounds synthesised once
    lanes = []
    end = round(song.length_beats * frames_per_beat)
    for lane in song.lanes:
        clips = []
        for clip in lane.clips:
            start = round(clip.start_beat * frames_per_beat)
            stop = round(clip.end_beat * frames_per_beat)
            offset = round(clip.source_offset_s * sample_rate)
            if clip.pattern_id is not None:
                try:
                    pattern = load_pattern(session, clip.pattern_id).pattern
                except PatternNotFoundError:
                    continue
                beats = clip.source_offset_s / song.seconds_per_beat + clip.length_beats
                bars = max(1, math.ceil(beats / pattern.beats_per_bar - 1e-9))
                key = (clip.pattern_id, bars)
                if key not in patterns:
                    patterns[key] = render_pattern(
                        pattern, settings, bars=bars, sample_rate=sample_rate, bank=bank
                    )
                audio = patterns[key][offset:]
            elif clip.missing or clip.audio_path is None:
                continue
            else:
                if clip.audio_path not in decoded:
                    decoded[clip.audio_path] = _decode(Path(clip.audio_path), sample_rate)
                audio = decoded[clip.audio_path][offset : offset + stop - start]
            if not len(audio):
                continue
            clips.append(
                ClipSound(
                    start=start,
                    end=stop,
                    audio=audio,
                    gain=clip.gain,
                    fade_in=round(clip.fade_in_s * sample_rate),
                    fade_out=round(clip.fade_out_s * sample_rate),
                )
            )
            end = max(end, start + len(audio))
        lanes.append(
            LaneMix(
                name=lane.name,
                clips=tuple(clips),
                volume=lane.volume,
                pan=lane.pan,
                eq=lane.eq,
                muted=lane.muted,
                solo=lane.solo,
            )
        )
    return MixPlan(
        sample_rate=sample_rate, lanes=tuple(lanes), end=end, master_volume=song.master_volume
    )


def _decode(path: Path, sample_rate: int) -> npt.NDArray[np.float32]:
    """A file's audio as (frames, 2) float32 at sample_rate."""
    try:
        frames, rate = read_frames(path)
    except AnalysisError as error:
        raise SongError(f"{path}: cannot be read ({error})") from error
    frames = _stereo(frames)
    if rate != sample_rate:
        frames = soxr.resample(frames, rate, sample_rate, quality="HQ").astype(np.float32)
    return np.ascontiguousarray(frames, dtype=np.float32)


def first_pass(
    plan: MixPlan,
    block_size: int = RENDER_BLOCK,
    *,
    keep: bool = False,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> tuple[float, npt.NDArray[np.float32] | None]:
    """Integrated loudness (LUFS) of the plan's mix before the master, and (with keep) that mix
    as (frames, 2), so the second pass only has to run the master over it."""
    mixer = SongMixer(plan, block_size)
    meter = LoudnessMeter(plan.sample_rate, 2)
    kept = np.zeros((plan.end, 2), np.float32) if keep else None
    block = np.zeros((block_size, 2), np.float32)
    while mixer.position < plan.end:
        begin = mixer.position
        frames = min(block_size, plan.end - begin)
        out = block[:frames] if kept is None else kept[begin : begin + frames]
        mixer.render(out)
        meter.add(out)
        if progress is not None:
            progress(mixer.position, 2 * plan.end)
        if cancelled is not None and cancelled():
            raise RenderCancelledError("render cancelled")
    return meter.integrated_lufs(), kept


def _check_path(path: Path) -> str:
    file_format = FORMATS.get(path.suffix.lower())
    if file_format is None:
        raise SongError(f"{path}: render to a .wav or .flac file")
    if path.is_dir():
        raise SongError(f"{path}: is a folder; give a file name such as {path / 'song.wav'}")
    if not path.parent.is_dir():
        raise SongError(f"{path}: the folder {path.parent} does not exist")
    if not os.access(path.parent, os.W_OK):
        raise SongError(f"{path}: the folder {path.parent} is not writable")
    return file_format


def _partial(path: Path) -> Path:
    return path.with_name(f".{path.name}.partial")


def render_song(
    session: Session,
    song_id: uuid.UUID,
    path: Path | str,
    options: MixdownOptions | None = None,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> MixdownResult:
    """Render the song to path (.wav or .flac); with options.stems also `<stem>.<lane>.<ext>`
    beside it, each lane after its fader, at the same normalisation gain (no limiter)."""
    options = (options or MixdownOptions()).validated()
    path = Path(path)
    file_format = _check_path(path)
    song = song_view(session, song_id)
    plan = build_plan(session, song, options.sample_rate, skip_missing=options.skip_missing)
    # the master volume sets the level unless the render normalises (then the target does)
    bare = dataclasses.replace(plan, master_volume=1.0)
    mix = None
    if options.target_lufs is None:
        gain = plan.master_volume
    else:
        measured, mix = first_pass(
            bare, options.block_size, keep=not options.stems, progress=progress, cancelled=cancelled
        )
        gain = 1.0 if measured <= SILENCE_LUFS else 10.0 ** ((options.target_lufs - measured) / 20)
    targets = {"": path}
    if options.stems:
        for lane in plan.lanes:
            safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in lane.name)
            targets[lane.name] = path.with_name(f"{path.stem}.{safe}{path.suffix}")
    subtype = BIT_DEPTHS[options.bit_depth]
    writers: dict[str, soundfile.SoundFile] = {}
    try:
        for name, target in targets.items():
            writers[name] = soundfile.SoundFile(
                _partial(target), "w", options.sample_rate, 2, subtype, format=file_format
            )
        loudness, peak = _play(
            bare,
            mix,
            options=options,
            gain=gain,
            writers=writers,
            progress=progress,
            cancelled=cancelled,
        )
    except (OSError, RuntimeError, soundfile.LibsndfileError) as error:
        _discard(writers, targets)
        raise SongError(f"{path}: could not write the file ({error})") from error
    except BaseException:
        _discard(writers, targets)
        raise
    for writer in writers.values():
        writer.close()
    for target in targets.values():
        os.replace(_partial(target), target)
    return MixdownResult(
        path=path,
        stems={name: target for name, target in targets.items() if name},
        sample_rate=options.sample_rate,
        frames=plan.end,
        integrated_lufs=loudness,
        true_peak_dbtp=peak,
        gain_db=20.0 * math.log10(gain) if gain > 0 else -math.inf,
        skipped=tuple(missing_files(song)) if options.skip_missing else (),
    )


def _play(
    plan: MixPlan,
    mix: npt.NDArray[np.float32] | None,
    *,
    options: MixdownOptions,
    gain: float,
    writers: dict[str, soundfile.SoundFile],
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> tuple[float, float]:
    """The second pass: the mix (the first pass's, else played again with stems) through the
    master into the writers; returns the written mix's integrated loudness and true peak."""
    size = options.block_size
    if mix is None:
        mixer = SongMixer(plan, size, master_gain=gain, ceiling_db=options.ceiling_dbtp)
        master = mixer.master
    else:
        master = MasterBus(plan.sample_rate, gain, options.ceiling_dbtp, size)
        bus = np.zeros((2, size + 1), np.float32)
    latency = master.latency  # the limiter's delay: its first frames are dropped
    meter = LoudnessMeter(plan.sample_rate, 2)
    peak = TruePeakMeter(2)
    block = np.zeros((size, 2), np.float32)
    stems = np.zeros((len(plan.lanes), size, 2), np.float32) if len(writers) > 1 else None
    stem_gain = np.float32(gain)
    lanes = [lane.name for lane in plan.lanes]
    done_before = plan.end if options.target_lufs is not None else 0
    total = plan.end + latency
    begin = 0
    while begin < total:
        frames = min(size, total - begin)
        if mix is None:
            mixer.render(block[:frames], None if stems is None else stems[:, :frames])
        else:
            block[:frames] = 0.0
            played = mix[begin : min(begin + frames, plan.end)]
            block[: len(played)] = played
            np.copyto(bus[:, :frames], block[:frames].T)
            master.process(bus[:, :frames])
            np.copyto(block[:frames], bus[:, :frames].T)
        skip = max(0, latency - begin)
        out = block[skip:frames]
        writers[""].write(out)
        meter.add(out)
        peak.add(out)
        if stems is not None and begin < plan.end:
            kept = min(frames, plan.end - begin)
            np.multiply(stems[:, :kept], stem_gain, out=stems[:, :kept])
            for index, name in enumerate(lanes):
                writers[name].write(stems[index, :kept])
        begin += frames
        if progress is not None:
            progress(done_before + min(begin, plan.end), done_before + plan.end)
        if cancelled is not None and cancelled():
            raise RenderCancelledError("render cancelled")
    return meter.integrated_lufs(), peak.dbtp


def _discard(writers: dict[str, soundfile.SoundFile], targets: dict[str, Path]) -> None:
    for writer in writers.values():
        writer.close()
    for target in targets.values():
        _partial(target).unlink(missing_ok=True)


def add_to_library(
    session: Session,
    path: Path,
    *,
    origin: str,
    title: str,
    description: str | None = None,
) -> uuid.UUID:
    """A rendered or imported file as a library track (origin 'mixdown', 'stem' or 'render');
    a file already in the library is updated in place (a render written again)."""
    info = soundfile.info(str(path))
    row = session.scalars(select(Track).where(Track.path == str(path))).first()
    if row is None:
        row = Track(path=str(path), folder=str(path.parent), file_name=path.name)
        session.add(row)
    stat = path.stat()
    row.file_size_bytes = stat.st_size
    row.mtime_ns = stat.st_mtime_ns
    row.file_format = path.suffix.lstrip(".").lower()
    row.duration_s = info.duration
    row.sample_rate = info.samplerate
    row.channels = info.channels
    row.origin = origin
    row.status = "ok"
    row.title = title
    row.description = description
    session.flush()
    return row.id


def add_mixdown_to_library(
    session: Session, song_id: uuid.UUID, result: MixdownResult
) -> uuid.UUID:
    """The mixdown (and its stems) as library tracks; the song's final track becomes the mix."""
    song = session.get(Song, song_id)
    if song is None:
        raise SongError(f"no song with id {song_id}")
    note = f"rendered from song {song.title!r} ({song_id})"
    track_id = add_to_library(
        session, result.path, origin="mixdown", title=song.title, description=note
    )
    for lane, stem in result.stems.items():
        add_to_library(
            session, stem, origin="stem", title=f"{song.title} ({lane})", description=note
        )
    song.final_track_id = track_id
    session.flush()
    return track_id


def render_pattern_to_library(
    session: Session, pattern_id: uuid.UUID, path: Path | str, *, bars: int | None = None
) -> uuid.UUID:
    """Render a pattern to a WAV file (written under a temporary name, then renamed) and add it
    to the library as a track of origin 'render'; returns the track's id."""
    path = Path(path)
    if _check_path(path) != "WAV":
        raise SongError(f"{path}: a pattern renders to a .wav file")
    try:
        pattern = load_pattern(session, pattern_id).pattern
    except PatternNotFoundError as error:
        raise SongError(f"no pattern with id {pattern_id}") from error
    audio = render_pattern(pattern, bars=bars)
    try:
        soundfile.write(_partial(path), audio, 48000, subtype="PCM_24", format="WAV")
    except (OSError, RuntimeError, soundfile.LibsndfileError) as error:
        _partial(path).unlink(missing_ok=True)
        raise SongError(f"{path}: could not write the file ({error})") from error
    os.replace(_partial(path), path)
    note = f"rendered from pattern {pattern.title!r} ({pattern_id})"
    return add_to_library(session, path, origin="render", title=pattern.title, description=note)
