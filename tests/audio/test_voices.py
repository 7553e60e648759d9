"""The built-in voices, measured: every stroke and note sounds, is bounded and click-free, pitched
notes are at their pitch, and each percussion sound has its instrument's character."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
import soundfile

from museaud.audio.schedule import timeline
from museaud.audio.voices import (
    MAX_SOUND_SECONDS,
    SOUND_PEAK,
    VELOCITY_GAINS,
    SoundBank,
    VoiceError,
    midi_frequency,
    synthesise,
    velocity_gain,
)
from museaud.patterns.flavors import FLAVORS, build_pattern
from museaud.patterns.instruments import INSTRUMENTS

RATE = 48000
PITCHED = [id for id, spec in INSTRUMENTS.items() if not spec.is_percussion]
STROKES = sorted({(id, key) for id, spec in INSTRUMENTS.items() for key in spec.strokes.values()})

Samples = npt.NDArray[np.float32]


@pytest.fixture(scope="module")
def bank() -> SoundBank:
    return SoundBank(RATE)


def assert_playable(sound: Samples, what: str, rate: int = RATE) -> None:
    """Non-silent, finite, bounded, read-only mono float32 that starts and ends without a click."""
    assert sound.dtype == np.float32 and sound.ndim == 1, what
    assert not sound.flags.writeable, f"{what}: the audio thread must get a read-only array"
    assert np.isfinite(sound).all(), what
    peak = float(np.abs(sound).max())
    assert SOUND_PEAK * 0.5 <= peak <= SOUND_PEAK * 1.0001, f"{what}: peak {peak}"
    assert len(sound) <= MAX_SOUND_SECONDS * rate, f"{what}: {len(sound) / rate:.2f} s"
    assert len(sound) >= 0.02 * rate, f"{what}: only {len(sound)} samples"
    # click-free: starts from silence, and the last 2 ms fade smoothly into an exact zero
    assert abs(sound[0]) < 1e-3 * peak, f"{what}: starts at {sound[0]}"
    assert sound[-1] == 0.0 or abs(sound[-1]) < 1e-6, f"{what}: ends at {sound[-1]}"
    tail = np.abs(sound[-int(0.002 * rate) :])
    assert tail.max() < 0.25 * peak, f"{what}: still loud ({tail.max():.3f}) as it is cut"
    steps = np.abs(np.diff(sound[-int(0.002 * rate) :]))
    assert steps.max() < 0.05 * peak, f"{what}: jumps by {steps.max():.3f} in its last 2 ms"


def fundamental(sound: Samples, rate: int, start: float = 0.1, length: float = 0.5) -> float:
    """The pitch (Hz) by autocorrelation: past the lobe around lag 0, the first lag whose
    correlation is within 5% of the strongest, refined by a parabola through its neighbours."""
    begin = int(start * rate)
    segment = sound[begin : begin + int(length * rate)].astype(np.float64)
    segment = segment - segment.mean()
    size = 1 << int(np.ceil(np.log2(2 * len(segment))))
    spectrum = np.fft.rfft(segment, size)
    corr = np.fft.irfft(np.abs(spectrum) ** 2, size)[: len(segment) // 2]
    low = int(np.flatnonzero(corr < 0.0)[0])  # past the main lobe around lag 0
    high = int(rate / 25)
    window = corr[low:high]
    peaks = np.flatnonzero(
        (window[1:-1] > window[:-2])
        & (window[1:-1] >= window[2:])
        & (window[1:-1] >= 0.95 * window.max())
    )
    lag = low + 1 + int(peaks[0])
    a, b, c = corr[lag - 1], corr[lag], corr[lag + 1]
    shift = 0.5 * (a - c) / (a - 2 * b + c)
    return rate / (lag + shift)


def spectral_peaks(sound: Samples, rate: int, count: int, seconds: float = 0.3) -> list[float]:
    """The frequencies of the `count` strongest spectral peaks (at least 40 Hz apart)."""
    segment = sound[: int(seconds * rate)].astype(np.float64)
    size = 1 << 18
    magnitude = np.abs(np.fft.rfft(segment * np.hanning(len(segment)), size))
    freqs = np.fft.rfftfreq(size, 1.0 / rate)
    found: list[float] = []
    guard = int(40.0 / (rate / size))
    for _ in range(count):
        index = int(magnitude.argmax())
        found.append(float(freqs[index]))
        magnitude[max(0, index - guard) : index + guard] = 0.0
    return found


def level_db(sound: Samples, rate: int, at: float, width: float = 0.02) -> float:
    """RMS level (dB re the peak) of the window starting at `at` seconds (-200 past the end)."""
    begin = int(at * rate)
    window = sound[begin : begin + int(width * rate)].astype(np.float64)
    if len(window) == 0:
        return -200.0
    rms = float(np.sqrt(np.mean(window**2)))
    return 20.0 * np.log10(max(rms, 1e-10) / float(np.abs(sound).max()))


def decay_to(sound: Samples, rate: int, drop_db: float) -> float:
    """Seconds from the loudest 5 ms to the last 5 ms that is within drop_db of it."""
    hop = int(0.005 * rate)
    frames = len(sound) // hop
    rms = np.sqrt(np.mean(sound[: frames * hop].astype(np.float64).reshape(frames, hop) ** 2, 1))
    db = 20.0 * np.log10(rms / rms.max() + 1e-12)
    loudest = int(db.argmax())
    return float(np.flatnonzero(db >= -drop_db)[-1] - loudest) * hop / rate


def centroid(sound: Samples, rate: int, seconds: float = 0.2) -> float:
    """Spectral centroid (Hz) of the first `seconds`: where the brightness sits."""
    segment = sound[: int(seconds * rate)].astype(np.float64)
    magnitude = np.abs(np.fft.rfft(segment))
    freqs = np.fft.rfftfreq(len(segment), 1.0 / rate)
    return float((magnitude * freqs).sum() / magnitude.sum())


@pytest.mark.parametrize("instrument,key", STROKES, ids=[f"{i}-{k}" for i, k in STROKES])
def test_every_stroke_of_every_instrument_is_playable(
    bank: SoundBank, instrument: str, key: int
) -> None:
    assert_playable(bank.sound(instrument, key), f"{instrument} key {key}")


@pytest.mark.parametrize("instrument", PITCHED)
def test_pitched_notes_across_the_range_are_playable_and_in_tune(
    bank: SoundBank, instrument: str
) -> None:
    spec = INSTRUMENTS[instrument]
    for key in range(spec.low_pitch, spec.high_pitch + 1, 7):
        sound = bank.sound(instrument, key)
        assert_playable(sound, f"{instrument} note {key}")
        start = 0.5 if spec.family in ("pad", "strings") else 0.1  # past a slow attack
        measured = fundamental(sound, RATE, start=start)
        expected = midi_frequency(key)
        cents = 1200.0 * np.log2(measured / expected)
        assert abs(cents) < 15.0, f"{instrument} note {key}: {measured:.1f} Hz vs {expected:.1f}"


@pytest.mark.parametrize("flavor", sorted(FLAVORS))
def test_prepare_gives_every_hit_of_every_flavour_its_sound(flavor: str) -> None:
    played = timeline(build_pattern(flavor))
    sounds = SoundBank(RATE).prepare(played)
    assert len(sounds) == len(played.hits)
    for hit, sound in zip(played.hits, sounds, strict=True):
        part = played.sounds[hit.part]
        assert_playable(sound, f"{flavor} / {part.instrument} key {hit.key}")
        offset = part.pitch_offset if part.is_percussion else 0
        assert sound is SoundBank(RATE).sound(part.instrument, hit.key, offset)


def test_pitch_offset_moves_a_pitched_note_by_semitones(bank: SoundBank) -> None:
    base = fundamental(bank.sound("bass", 40), RATE)
    for offset in (-5, 3, 12):
        moved = fundamental(bank.sound("bass", 40, offset), RATE)
        assert moved / base == pytest.approx(2.0 ** (offset / 12.0), rel=0.005)
    assert bank.sound("piano", 60, 7) is bank.sound("piano", 67)


def test_every_stroke_retuned_two_octaves_either_way_is_playable() -> None:
    for instrument, key in STROKES:
        for offset in (-24, 24):
            sound = synthesise(instrument, key, offset, RATE)
            assert_playable(sound, f"{instrument} key {key} moved {offset:+d}")


@pytest.mark.parametrize("instrument,key", [("conga", 63), ("bongo", 60), ("cowbell", 56)])
def test_pitch_offset_retunes_a_percussion_stroke(
    bank: SoundBank, instrument: str, key: int
) -> None:
    base = spectral_peaks(bank.sound(instrument, key), RATE, 1)[0]
    for offset in (-4, 5):
        moved = spectral_peaks(bank.sound(instrument, key, offset), RATE, 1)[0]
        assert moved / base == pytest.approx(2.0 ** (offset / 12.0), rel=0.01)


def test_clave_is_a_short_bright_wooden_click(bank: SoundBank) -> None:
    clave = bank.sound("clave", 75)
    assert 2000.0 < spectral_peaks(clave, RATE, 1)[0] < 3000.0
    assert decay_to(clave, RATE, 20.0) < 0.15
    assert len(clave) < 0.5 * RATE


def test_cowbell_has_two_strong_inharmonic_partials(bank: SoundBank) -> None:
    low, high = sorted(spectral_peaks(bank.sound("cowbell", 56), RATE, 2))
    ratio = high / low
    assert 1.3 < ratio < 1.7 and abs(ratio - 1.5) > 0.005, f"{low:.0f} and {high:.0f} Hz"
    small_low, _ = sorted(spectral_peaks(bank.sound("timbale_bell", 56), RATE, 2))
    assert small_low > low, "the mambo bell is the smaller, higher bell"


def test_conga_open_tone_rings_at_its_pitch_and_the_slap_is_sharp(bank: SoundBank) -> None:
    open_tone = bank.sound("conga", INSTRUMENTS["conga"].stroke("open"))
    slap = bank.sound("conga", INSTRUMENTS["conga"].stroke("slap"))
    pitch = spectral_peaks(open_tone, RATE, 1)[0]
    assert 150.0 < pitch < 300.0
    assert fundamental(open_tone, RATE, start=0.03, length=0.15) == pytest.approx(pitch, rel=0.03)
    assert decay_to(open_tone, RATE, 20.0) > 0.2
    assert decay_to(slap, RATE, 20.0) < 0.1
    assert centroid(slap, RATE, 0.05) > 2.0 * centroid(open_tone, RATE, 0.05)
    tumba = spectral_peaks(bank.sound("conga", INSTRUMENTS["conga"].stroke("low_open")), RATE, 1)
    assert tumba[0] < pitch


def test_bass_is_round_and_the_piano_is_percussive(bank: SoundBank) -> None:
    bass = bank.sound("bass", 40)
    assert centroid(bass, RATE) < 4 * midi_frequency(40)
    piano = bank.sound("piano", 64)
    assert level_db(piano, RATE, 1.0) < level_db(piano, RATE, 0.02) - 10.0
    organ = bank.sound("organ", 64)
    assert abs(level_db(organ, RATE, 2.0) - level_db(organ, RATE, 0.3)) < 3.0


def test_kick_is_low_and_hats_are_high(bank: SoundBank) -> None:
    assert spectral_peaks(bank.sound("kick", 36), RATE, 1)[0] < 100.0
    assert centroid(bank.sound("closed_hat", 42), RATE, 0.05) > 6000.0
    assert decay_to(bank.sound("open_hat", 46), RATE, 20.0) > 3 * decay_to(
        bank.sound("closed_hat", 42), RATE, 20.0
    )


def test_keys_no_drum_map_names_still_sound(bank: SoundBank) -> None:
    for key in (0, 20, 90, 127):
        assert_playable(bank.sound("kit", key), f"kit key {key}")


def test_metronome_accent_is_higher(bank: SoundBank) -> None:
    accent, beat = bank.click(True), bank.click(False)
    assert_playable(accent, "accent click")
    assert_playable(beat, "click")
    assert spectral_peaks(accent, RATE, 1)[0] > spectral_peaks(beat, RATE, 1)[0]


def test_sounds_are_cached_and_the_same_every_time(bank: SoundBank) -> None:
    assert bank.sound("guiro", 74) is bank.sound("guiro", 74)
    fresh = synthesise("guiro", 74, 0, RATE)
    assert np.array_equal(fresh, bank.sound("guiro", 74)), "a render must match a live take"


@pytest.mark.parametrize("rate", [44100, 96000])
def test_other_sample_rates_keep_the_pitch(rate: int) -> None:
    bank = SoundBank(rate)
    note = bank.sound("electric_piano", 57)
    assert_playable(note, "electric piano at {rate}", rate)
    assert fundamental(note, rate) == pytest.approx(220.0, rel=0.005)
    assert spectral_peaks(bank.sound("clave", 75), rate, 1)[0] == pytest.approx(2450.0, rel=0.01)


def test_velocity_curve_is_monotonic_from_silence_to_full() -> None:
    gains = [velocity_gain(v) for v in range(128)]
    assert gains[0] == 0.0 and gains[127] == 1.0
    assert all(b > a for a, b in itertools.pairwise(gains))
    assert gains[64] == pytest.approx(10 ** (-12 / 20), rel=0.05)  # half velocity: about -12 dB
    assert np.allclose(VELOCITY_GAINS, gains)
    with pytest.raises(VoiceError, match="128"):
        velocity_gain(128)


def test_bad_requests_say_what_is_wrong(bank: SoundBank) -> None:
    with pytest.raises(VoiceError, match="unknown instrument 'banjo'"):
        bank.sound("banjo", 60)
    with pytest.raises(VoiceError, match="outside MIDI"):
        bank.sound("piano", 128)
    with pytest.raises(VoiceError, match="outside MIDI"):
        bank.sound("piano", 120, 12)
    with pytest.raises(VoiceError, match="sample rate"):
        SoundBank(100)


def test_voices_written_for_the_ear(bank: SoundBank, screenshot_dir: Path) -> None:
    """WAVs of every voice a flavour plays, and a bar of salsa mixed plainly, for a human ear."""
    folder = screenshot_dir / "voices"
    folder.mkdir(exist_ok=True)
    for instrument, key in STROKES:
        if instrument != "kit":
            soundfile.write(folder / f"{instrument}-{key}.wav", bank.sound(instrument, key), RATE)
    for instrument in PITCHED:
        notes = [bank.sound(instrument, key)[: RATE // 2] for key in (48, 52, 55, 60)]
        soundfile.write(folder / f"{instrument}-arpeggio.wav", np.concatenate(notes), RATE)
    played = timeline(build_pattern("salsa"))
    sounds = bank.prepare(played)
    seconds = played.beats * played.seconds_per_beat()
    mix = np.zeros(int((seconds + MAX_SOUND_SECONDS) * RATE), np.float32)
    for hit, sound in zip(played.hits, sounds, strict=True):
        start = int(hit.beat * played.seconds_per_beat() * RATE)
        mix[start : start + len(sound)] += sound * velocity_gain(hit.velocity) * 0.4
    path = folder / "salsa-loop.wav"
    soundfile.write(path, mix, RATE, subtype="FLOAT")
    back, rate = soundfile.read(path, dtype="float32")
    assert rate == RATE and np.array_equal(back, mix)
    assert np.abs(mix).max() > 0.1
