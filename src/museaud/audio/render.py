"""Offline render: a pattern to a stereo buffer or a WAV file, through the live engine's kernel.

The render runs the very `Renderer` the audio callback runs, only without waiting for a device,
so an export sounds exactly like playback. Hits land on exact samples and the limiter steps every
64 frames whatever the block size, so the render uses large blocks (fast) and still matches a live
take sample for sample (tests/audio/test_engine.py compares a JACK capture with it).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt
import soundfile

from museaud.audio.renderer import (
    LIVE_CHUNK,
    Renderer,
    Session,
    SoundSource,
    build_score,
    build_snapshot,
)
from museaud.audio.schedule import timeline
from museaud.audio.transport import TransportError, TransportSettings
from museaud.audio.voices import MAX_SOUND_SECONDS, SoundBank
from museaud.patterns.model import BeatPattern

RENDER_BLOCK = 4096
"""Frames per render call offline: large, as no device waits; the output does not depend on it."""
WAV_SUBTYPES = {"PCM_16": "PCM_16", "PCM_24": "PCM_24", "FLOAT": "FLOAT"}

Progress = Callable[[int, int], None]
"""progress(frames_done, frames_total), called after every block."""


class RenderError(RuntimeError):
    """A render that could not be written: names the file and the reason."""


def render_pattern(
    pattern: BeatPattern,
    settings: TransportSettings | None = None,
    *,
    bars: int | None = None,
    sample_rate: int = 48000,
    tail: bool = True,
    block_size: int = RENDER_BLOCK,
    bank: SoundSource | None = None,
    progress: Progress | None = None,
) -> npt.NDArray[np.float32]:
    """The pattern played for `bars` bars (default: settings.bars, else one pass of the loop) as
    (frames, 2) float32 at sample_rate; with tail, the last notes ring out to silence."""
    settings = (settings or TransportSettings()).validated()
    if bars is not None and bars < 1:
        raise TransportError(f"bars must be at least 1, got {bars}")
    bank = bank if bank is not None else SoundBank(sample_rate)
    score = build_score(timeline(pattern), bank)
    if bars is None and settings.bars is None:
        bars_to_play = None if not settings.loop else max(1, round(score.timeline.bars))
    else:
        bars_to_play = bars
    snapshot = build_snapshot(Session(score), settings, bars=bars_to_play)
    length = round(snapshot.end_beat * snapshot.samples_per_beat)
    longest = length + (round(MAX_SOUND_SECONDS * sample_rate) if tail else 0)
    renderer = Renderer(sample_rate, block_size, chunk=max(LIVE_CHUNK, block_size))
    renderer.play(snapshot)
    out = np.zeros((longest, 2), np.float32)
    done = 0
    while done < longest:
        frames = min(block_size, longest - done)
        renderer.render(out[done : done + frames])
        done += frames
        if progress is not None:
            progress(done, longest)
        if done >= length and not (tail and renderer.sounding):
            break
    if not tail:
        return out[:length]
    # the tail ends where the last note has died away, whatever the block size
    ringing = np.flatnonzero(np.any(out[length:done] != 0.0, axis=1))
    return out[: length + (int(ringing[-1]) + 1 if ringing.size else 0)]


def render_to_wav(
    pattern: BeatPattern,
    path: Path | str,
    settings: TransportSettings | None = None,
    *,
    bars: int | None = None,
    sample_rate: int = 48000,
    subtype: str = "PCM_24",
    tail: bool = True,
    progress: Progress | None = None,
) -> Path:
    """Render pattern into a WAV file at path (24-bit by default, or "PCM_16"/"FLOAT")."""
    path = Path(path)
    if subtype not in WAV_SUBTYPES:
        raise RenderError(
            f"{path}: WAV sample format {subtype!r} is not one of {', '.join(WAV_SUBTYPES)}"
        )
    if path.is_dir():
        raise RenderError(f"{path}: is a folder; give a file name such as {path / 'pattern.wav'}")
    if not path.parent.is_dir():
        raise RenderError(f"{path}: the folder {path.parent} does not exist")
    audio = render_pattern(
        pattern, settings, bars=bars, sample_rate=sample_rate, tail=tail, progress=progress
    )
    try:
        soundfile.write(path, audio, sample_rate, subtype=subtype, format="WAV")
    except (OSError, RuntimeError, soundfile.LibsndfileError) as error:
        raise RenderError(f"{path}: could not write the WAV file ({error})") from error
    return path
