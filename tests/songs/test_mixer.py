"""The mix kernel measured on test tones: EQ bands, constant-power pan, fades, the limiter,
and the same samples whatever the block size (live == offline)."""

from __future__ import annotations

import math
import tracemalloc

import numpy as np
import numpy.typing as npt
import pytest

from museaud.analysis.loudness import LoudnessMeter
from museaud.audio.dsp import EqSettings, true_peak_dbtp
from museaud.audio.mixer import ClipSound, LaneMix, MixPlan, SongMixer

RATE = 48000


def tone(hz: float, seconds: float = 1.0, level: float = 0.25) -> npt.NDArray[np.float32]:
    """A stereo sine."""
    wave = level * np.sin(2 * np.pi * hz * np.arange(round(seconds * RATE)) / RATE)
    return np.stack([wave, wave], axis=1).astype(np.float32)


def play(plan: MixPlan, block: int = 4096, **master: float) -> npt.NDArray[np.float32]:
    """The whole plan through a SongMixer in blocks of `block` frames."""
    mixer = SongMixer(plan, block, **master)  # type: ignore[arg-type]
    out = np.zeros((plan.end + mixer.master.latency, 2), np.float32)
    for begin in range(0, len(out), block):
        mixer.render(out[begin : begin + block])
    return out[mixer.master.latency :]


def one_lane(audio: npt.NDArray[np.float32], **lane: object) -> MixPlan:
    clip = ClipSound(start=0, end=len(audio), audio=audio)
    return MixPlan(RATE, (LaneMix("lane", (clip,), **lane),), len(audio))  # type: ignore[arg-type]


def level_db(audio: npt.NDArray[np.float32]) -> float:
    """RMS of the left channel's steady middle, in dB."""
    middle = audio[len(audio) // 4 : 3 * len(audio) // 4, 0]
    return 20 * math.log10(float(np.sqrt(np.mean(middle.astype(np.float64) ** 2))))


@pytest.mark.parametrize(
    ("eq", "hz", "change_db"),
    [
        (EqSettings(low_db=6.0), 60.0, 6.0),
        (EqSettings(low_db=6.0), 5000.0, 0.0),
        (EqSettings(high_db=-6.0), 12000.0, -6.0),
        (EqSettings(high_db=-6.0), 100.0, 0.0),
        (EqSettings(mid_db=4.0, mid_hz=1000.0), 1000.0, 4.0),
        (EqSettings(mid_db=4.0, mid_hz=1000.0), 60.0, 0.0),
    ],
)
def test_eq_bands_change_test_tones_by_their_gain(
    eq: EqSettings, hz: float, change_db: float
) -> None:
    dry = level_db(play(one_lane(tone(hz))))
    wet = level_db(play(one_lane(tone(hz), eq=eq)))
    assert wet - dry == pytest.approx(change_db, abs=0.5)


def test_pan_keeps_constant_power() -> None:
    audio = tone(440.0)
    for pan in (-1.0, -0.5, 0.0, 0.3, 1.0):
        out = play(one_lane(audio, pan=pan)).astype(np.float64)
        power = float(np.mean(out[:, 0] ** 2) + np.mean(out[:, 1] ** 2))
        assert power == pytest.approx(float(np.mean(audio[:, 0].astype(np.float64) ** 2)), rel=1e-3)
    hard_left = play(one_lane(audio, pan=-1.0))
    assert np.abs(hard_left[:, 1]).max() < 1e-6
    centre = play(one_lane(audio, pan=0.0))
    assert level_db(centre) - level_db(audio) == pytest.approx(-3.01, abs=0.01)


def test_volume_mute_and_solo() -> None:
    audio = tone(440.0)
    louder = play(one_lane(audio, volume=2.0))
    assert level_db(louder) - level_db(play(one_lane(audio))) == pytest.approx(6.02, abs=0.01)
    clip = ClipSound(start=0, end=len(audio), audio=audio)
    lanes = (
        LaneMix("a", (clip,)),
        LaneMix("b", (clip,), solo=True),
        LaneMix("c", (clip,), muted=True),
    )
    assert MixPlan(RATE, lanes, len(audio)).audible() == (False, True, False)


def test_fades_ramp_from_and_to_silence_and_gain_scales() -> None:
    audio = np.ones((RATE, 2), np.float32)
    clip = ClipSound(start=100, end=100 + RATE, audio=audio, gain=0.5, fade_in=4800, fade_out=9600)
    out = play(MixPlan(RATE, (LaneMix("l", (clip,), pan=-1.0),), RATE + 200))[:, 0]
    assert out[:100].max() == 0.0  # before the clip
    assert out[100] == 0.0  # the fade-in starts from silence
    assert out[100 + 2400] == pytest.approx(0.25, abs=1e-6)  # half-way in, at half the gain
    assert out[100 + 4800 + 10] == pytest.approx(0.5)
    assert out[100 + RATE - 4800] == pytest.approx(0.25, abs=1e-4)  # half-way out
    assert out[100 + RATE :].max() == 0.0


def song_like_plan() -> MixPlan:
    """Three lanes with overlapping clips, EQ, fades and pan, loud enough to drive the limiter."""
    rng = np.random.default_rng(7)
    noise = (rng.standard_normal((RATE * 3, 2)) * 0.3).astype(np.float32)
    bass = tone(55.0, 3.0, 0.8)
    lanes = (
        LaneMix(
            "noise", (ClipSound(0, RATE * 2, noise, 0.8, 2000, 5000),), eq=EqSettings(high_db=-4)
        ),
        LaneMix(
            "bass",
            (ClipSound(1234, 1234 + RATE * 3, bass, 1.5, 0, 777),),
            pan=-0.4,
            eq=EqSettings(low_db=5),
        ),
        LaneMix(
            "tone",
            (ClipSound(999, 5000, tone(880.0), 1.0), ClipSound(7000, 40000, tone(660.0))),
            pan=0.7,
        ),
    )
    return MixPlan(RATE, lanes, RATE * 3 + 2000)


def test_block_size_does_not_change_a_sample() -> None:
    """The live == offline guarantee: 128-frame blocks give the very samples of 4096-frame
    blocks (and of odd sizes), limiter included."""
    plan = song_like_plan()
    offline = play(plan, 4096, ceiling_db=-1.0, master_gain=2.0)
    assert np.array_equal(play(plan, 128, ceiling_db=-1.0, master_gain=2.0), offline)
    assert np.array_equal(play(plan, 1000, ceiling_db=-1.0, master_gain=2.0), offline)


def test_limiter_keeps_true_peaks_under_the_ceiling_and_leaves_quiet_audio_alone() -> None:
    plan = song_like_plan()
    loud = play(plan, ceiling_db=-1.0, master_gain=4.0)
    assert true_peak_dbtp(loud) <= -1.0 + 0.05
    assert np.abs(loud).max() > 10 ** (-2.0 / 20)  # it limits, it does not just turn down
    quiet = play(plan, ceiling_db=-1.0, master_gain=0.1)
    assert np.array_equal(quiet, play(plan, master_gain=0.1))


def test_kernel_renders_are_bit_identical_run_to_run() -> None:
    plan = song_like_plan()
    first = play(plan, ceiling_db=-1.0, master_gain=2.0)
    assert first.tobytes() == play(plan, ceiling_db=-1.0, master_gain=2.0).tobytes()
    meter = LoudnessMeter(RATE, 2)
    meter.add(first)
    assert meter.integrated_lufs() > -30


def test_a_live_block_allocates_no_buffers() -> None:
    """After warming up, 1000 blocks of 128 frames (EQ, limiter and all) never hold more than a
    few small Python objects at once: no array is made per block."""
    mixer = SongMixer(song_like_plan(), 128, master_gain=2.0, ceiling_db=-1.0)
    out = np.zeros((128, 2), np.float32)
    for _ in range(20):
        mixer.render(out)
    tracemalloc.start()
    try:
        for _ in range(1000):
            mixer.render(out)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024  # one 128-frame stereo float64 buffer alone is 2 KiB
