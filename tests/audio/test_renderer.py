"""The real-time kernel, driven block by block as the audio callback drives it (no device here):
exact hit samples, tempo changes, mix changes, loop and length, humanize, metronome, limiter,
releases, the track preview and the no-allocation rule."""

from __future__ import annotations

import math
import tracemalloc
from dataclasses import replace
from types import MappingProxyType

import numpy as np
import numpy.typing as npt
import pytest

from museaud.audio.render import render_pattern
from museaud.audio.renderer import (
    LIMITER_CEILING,
    Renderer,
    Session,
    build_score,
    build_snapshot,
)
from museaud.audio.schedule import HUMANIZE_MAX_MS, timeline
from museaud.audio.transport import PartMix, TransportSettings
from museaud.audio.voices import SoundBank, velocity_gain
from museaud.patterns.flavors import build_pattern
from museaud.patterns.model import BeatPattern, Note, Part, Program

RATE = 48000
BLOCK = 128


def solo(*parts: int, **settings: object) -> TransportSettings:
    """Settings that solo the given parts."""
    mix = MappingProxyType({part: PartMix(solo=True) for part in parts})
    return TransportSettings(mix=mix, **settings)  # type: ignore[arg-type]


def expected_mix(
    pattern: BeatPattern, parts: tuple[int, ...], frames: int, bpm: float | None = None
) -> npt.NDArray[np.float64]:
    """An independent, plain mixer: each percussion hit's sound placed at round(beat × samples
    per beat), scaled by velocity, part volume and constant-power pan; a new hit of the same
    stroke fades the one before out over 5 ms."""
    line = timeline(pattern)
    bank = SoundBank(RATE)
    spb = RATE * 60.0 / (bpm or line.bpm)
    release = np.linspace(1.0, 0.0, round(0.005 * RATE) + 1)[1:]
    placed: list[tuple[int, tuple[int, int], npt.NDArray[np.float64], float, float]] = []
    loops = math.ceil(frames / (line.beats * spb)) + 1
    for loop in range(loops):
        for hit in line.hits:
            sound = line.sounds[hit.part]
            start = math.floor((loop * line.beats + hit.beat) * spb + 0.5)
            if hit.part not in parts or start >= frames:
                continue
            wave = bank.sound(sound.instrument, hit.key, sound.pitch_offset).astype(np.float64)
            angle = (sound.pan + 1.0) * math.pi / 4.0
            gain = velocity_gain(hit.velocity) * sound.volume
            stroke = (hit.part, hit.key)
            for index, (other_start, other_stroke, other, left, right) in enumerate(placed):
                cut = start - other_start
                if other_stroke == stroke and cut < len(other):
                    faded = other[:cut].copy()
                    tail = other[cut : cut + len(release)] * release[: len(other) - cut]
                    placed[index] = (
                        other_start,
                        stroke,
                        np.concatenate([faded, tail]),
                        left,
                        right,
                    )
            placed.append((start, stroke, wave, gain * math.cos(angle), gain * math.sin(angle)))
    out = np.zeros((frames, 2))
    for start, _, whole, left, right in placed:
        wave = whole[: frames - start]
        out[start : start + len(wave), 0] += wave * left
        out[start : start + len(wave), 1] += wave * right
    return out


def play(renderer: Renderer, blocks: int, block: int = BLOCK) -> npt.NDArray[np.float32]:
    """Run the renderer for `blocks` callbacks and return what it played."""
    out = np.zeros((blocks * block, 2), np.float32)
    for index in range(blocks):
        renderer.render(out[index * block : (index + 1) * block])
    return out


def session_for(pattern: BeatPattern) -> Session:
    return Session(build_score(timeline(pattern), SoundBank(RATE)))


@pytest.fixture(scope="module")
def salsa() -> BeatPattern:
    return build_pattern("salsa")


def test_hits_start_on_the_exact_sample_with_their_velocity_volume_and_pan(
    salsa: BeatPattern,
) -> None:
    # clave (0) and cowbell (1); the cowbell rings into its next stroke, which cuts it
    rendered = render_pattern(salsa, solo(0, 1), bars=4, tail=False)
    expected = expected_mix(salsa, (0, 1), len(rendered))
    assert np.abs(rendered).max() > 0.05
    np.testing.assert_allclose(rendered, expected, atol=2e-6)


def test_output_does_not_depend_on_the_block_size(salsa: BeatPattern) -> None:
    settings = TransportSettings(humanize=0.7, metronome=True)
    small = render_pattern(salsa, settings, bars=4, block_size=128)
    odd = render_pattern(salsa, settings, bars=4, block_size=200)
    large = render_pattern(salsa, settings, bars=4, block_size=4096)
    assert small.shape == large.shape == odd.shape
    np.testing.assert_allclose(small, large, atol=1e-6)
    np.testing.assert_allclose(odd, large, atol=1e-6)


def test_length_follows_bars_tempo_and_loop_settings(salsa: BeatPattern) -> None:
    spb = RATE * 60.0 / 120.0
    assert len(render_pattern(salsa, TransportSettings(bpm=120), bars=3, tail=False)) == round(
        3 * 4 * spb
    )
    one_pass = render_pattern(salsa, TransportSettings(loop=False), tail=False)
    assert len(one_pass) == round(timeline(salsa).beats * RATE * 60.0 / salsa.bpm)
    with_tail = render_pattern(salsa, TransportSettings(loop=False))
    assert len(with_tail) > len(one_pass)
    np.testing.assert_allclose(with_tail[: len(one_pass)], one_pass, atol=1e-6)
    assert np.abs(with_tail[-1]).max() > 0  # trimmed to where the last note dies away


def test_bars_stop_playback_and_report_the_end(salsa: BeatPattern) -> None:
    renderer = Renderer(RATE, BLOCK)
    session = session_for(salsa)
    renderer.play(build_snapshot(session, TransportSettings(bars=2)))
    spb = RATE * 60.0 / salsa.bpm
    needed = math.ceil(8 * spb / BLOCK) + 10
    play(renderer, needed)
    assert renderer.ended and not renderer.playing
    assert renderer.loops == 1 and renderer.beat == 0.0  # 2 bars = one pass of the 2-bar loop
    assert all(loop == 0 for loop in session.played)  # every hit of the loop played exactly once


def test_position_advances_by_the_block_at_the_tempo(salsa: BeatPattern) -> None:
    renderer = Renderer(RATE, BLOCK)
    renderer.play(build_snapshot(session_for(salsa), TransportSettings()))
    spb = RATE * 60.0 / salsa.bpm
    play(renderer, 500)
    total = 500 * BLOCK / spb
    assert renderer.loops == int(total // 8)
    assert renderer.beat == pytest.approx(total % 8)
    assert renderer.bar == int((total % 8) // 4)
    assert renderer.frames_played == 500 * BLOCK


def test_live_tempo_change_keeps_the_beat_and_moves_the_next_hits(salsa: BeatPattern) -> None:
    renderer = Renderer(RATE, BLOCK)
    session = session_for(salsa)
    renderer.play(build_snapshot(session, solo(0)))
    play(renderer, 100)  # 12,800 frames: 0.8 beats at 180 BPM
    beat_before = renderer.beat
    renderer.update(build_snapshot(session, solo(0, bpm=120)))
    after = play(renderer, 300)
    spb_fast, spb_slow = RATE * 60 / 180, RATE * 60 / 120
    assert beat_before == pytest.approx(100 * BLOCK / spb_fast)
    assert renderer.beat == pytest.approx(beat_before + 300 * BLOCK / spb_slow)
    assert renderer.bpm == 120
    # the clave's next stroke lands where the new tempo puts it
    clave_beats = sorted(hit.beat for hit in timeline(salsa).hits if hit.part == 0)
    following = next(beat for beat in clave_beats if beat > beat_before)
    due = round((following - beat_before) * spb_slow)
    sound = np.asarray(after[:, 0], dtype=np.float64)
    nonzero = np.flatnonzero(np.abs(sound) > 1e-7)
    assert nonzero.size and abs(int(nonzero[0]) - due) <= 2


def test_muting_a_part_mid_play_silences_it_within_one_block(salsa: BeatPattern) -> None:
    renderer = Renderer(RATE, BLOCK)
    session = session_for(salsa)
    everyone = TransportSettings()
    renderer.play(build_snapshot(session, everyone))
    play(renderer, 40)
    beat = renderer.beat
    all_muted = MappingProxyType({i: PartMix(mute=True) for i in range(len(salsa.parts))})
    renderer.update(build_snapshot(session, TransportSettings(mix=all_muted)))
    glide = play(renderer, 1)
    rest = play(renderer, 400)
    assert renderer.beat == pytest.approx(beat + 401 * BLOCK / (RATE * 60 / salsa.bpm))
    assert np.abs(glide).max() > 0  # fades over the block instead of clicking off
    assert not rest.any()


def test_solo_plays_exactly_the_soloed_parts(salsa: BeatPattern) -> None:
    soloed = render_pattern(salsa, solo(2, 7), bars=2, tail=False)
    others = {i: PartMix(mute=True) for i in range(len(salsa.parts)) if i not in (2, 7)}
    muted = render_pattern(
        salsa, TransportSettings(mix=MappingProxyType(others)), bars=2, tail=False
    )
    np.testing.assert_array_equal(soloed, muted)
    assert np.abs(soloed).max() > 0.05
    full = render_pattern(salsa, bars=2, tail=False)
    assert not np.allclose(full, soloed, atol=1e-3)


def test_humanize_moves_hits_by_at_most_its_range_and_repeats_exactly(
    salsa: BeatPattern,
) -> None:
    straight = render_pattern(salsa, solo(0), bars=4, tail=False)
    loose = render_pattern(salsa, solo(0, humanize=1.0), bars=4, tail=False)
    again = render_pattern(salsa, solo(0, humanize=1.0), bars=4, tail=False)
    np.testing.assert_array_equal(loose, again)
    spb = RATE * 60 / salsa.bpm
    reach = round(HUMANIZE_MAX_MS / 1000 * RATE) + 1
    clave = [
        hit.beat + loop * 8 for loop in range(2) for hit in timeline(salsa).hits if hit.part == 0
    ]
    moved = 0
    for beat in clave:
        due = round(beat * spb)
        window = slice(max(0, due - reach), due + reach)
        starts = np.flatnonzero(np.abs(loose[window, 0]) > 1e-7)
        assert starts.size, f"no clave near beat {beat}"
        shift = (
            int(starts[0])
            + window.start
            - int(np.flatnonzero(np.abs(straight[window, 0]) > 1e-7)[0])
            - window.start
        )
        assert abs(shift) <= reach
        moved += shift != 0
    assert moved >= len(clave) // 2
    assert not np.array_equal(straight, loose)


def test_metronome_adds_a_click_on_every_beat(salsa: BeatPattern) -> None:
    silent = {i: PartMix(mute=True) for i in range(len(salsa.parts))}
    clicks = render_pattern(
        salsa,
        TransportSettings(metronome=True, mix=MappingProxyType(silent)),
        bars=2,
        tail=False,
    )
    spb = RATE * 60 / salsa.bpm
    bank = SoundBank(RATE)
    for beat in range(8):
        start = round(beat * spb)
        click = bank.click(beat % 4 == 0)
        np.testing.assert_allclose(
            clicks[start : start + 200, 0] / clicks[start : start + 200, 0].max(),
            click[:200] / click[:200].max(),
            atol=1e-5,
        )
    assert np.abs(clicks[round(0.5 * spb) : round(0.9 * spb)]).max() < 1e-3


def test_limiter_leaves_normal_levels_alone_and_never_lets_a_sample_over_full_scale(
    salsa: BeatPattern,
) -> None:
    normal = render_pattern(salsa, bars=2, tail=False)
    half = render_pattern(salsa, TransportSettings(master_volume=0.5), bars=2, tail=False)
    assert np.abs(normal).max() < LIMITER_CEILING
    np.testing.assert_allclose(half * 2, normal, atol=1e-6)
    loud_mix = MappingProxyType({i: PartMix(volume=2.0) for i in range(len(salsa.parts))})
    loud = render_pattern(
        salsa, TransportSettings(master_volume=2.0, mix=loud_mix), bars=2, tail=False
    )
    assert np.isfinite(loud).all()
    assert np.abs(loud).max() <= LIMITER_CEILING
    assert np.abs(loud).max() > 0.9  # limited, not just quieter


def pitched_pattern(length: int) -> BeatPattern:
    notes = (Note(step=0, pitch=48, velocity=110, length=length),)
    return BeatPattern(
        title="one note",
        flavor="test",
        bpm=120,
        parts=(Part("organ", (Program("a", notes),)),),
        bars=2,
    )


def test_a_pitched_note_ends_at_its_length_with_a_short_release() -> None:
    short = render_pattern(pitched_pattern(length=4), TransportSettings(loop=False), tail=False)
    held = render_pattern(pitched_pattern(length=8), TransportSettings(loop=False), tail=False)
    end = 24000  # one beat at 120 BPM
    release = round(0.005 * RATE)
    np.testing.assert_allclose(short[:end], held[:end], atol=1e-7)
    assert np.abs(short[end - 2000 : end]).max() > 0.05  # sounding up to its end
    ramp = np.linspace(1.0, 0.0, release + 1)[1:, None]
    np.testing.assert_allclose(
        short[end : end + release], held[end : end + release] * ramp, atol=1e-6
    )
    assert not short[end + release :].any()


def test_stop_fades_out_and_then_is_silent(salsa: BeatPattern) -> None:
    renderer = Renderer(RATE, BLOCK)
    renderer.play(build_snapshot(session_for(salsa), TransportSettings()))
    play(renderer, 30)
    assert renderer.playing and renderer.ringing
    renderer.stop()
    fading = play(renderer, 2)
    after = play(renderer, 20)
    assert np.abs(fading).max() > 0
    assert not after.any()
    assert not renderer.playing and not renderer.ringing


def test_play_replaces_the_pattern_from_its_first_beat(salsa: BeatPattern) -> None:
    renderer = Renderer(RATE, BLOCK)
    renderer.play(build_snapshot(session_for(salsa), TransportSettings()))
    play(renderer, 300)
    house = build_pattern("house")
    renderer.play(build_snapshot(session_for(house), TransportSettings()))
    play(renderer, 1)
    assert renderer.bpm == house.bpm
    assert renderer.loops == 0 and renderer.beat == pytest.approx(BLOCK / (RATE * 60 / house.bpm))


def carried(pattern: BeatPattern) -> Session:
    return Session(build_score(timeline(pattern), SoundBank(RATE)), carried=True)


@pytest.mark.parametrize("blocks_before", [1, 137, 375, 700])
def test_an_unchanged_pattern_carried_over_plays_on_without_a_seam(
    salsa: BeatPattern, blocks_before: int
) -> None:
    settings = TransportSettings(humanize=0.4, metronome=True)
    steady = Renderer(RATE, BLOCK)
    steady.play(build_snapshot(session_for(salsa), settings))
    expected = play(steady, 1200)

    edited = Renderer(RATE, BLOCK)
    edited.play(build_snapshot(session_for(salsa), settings))
    before = play(edited, blocks_before)
    edited.play(build_snapshot(carried(salsa), settings))  # the same pattern, built anew
    after = play(edited, 1200 - blocks_before)

    # no hit twice, none lost, notes ringing across the hand-over neither cut nor doubled
    np.testing.assert_allclose(np.concatenate([before, after]), expected, atol=1e-6)
    assert edited.beat == pytest.approx(steady.beat) and edited.loops == steady.loops


def test_an_edit_carried_over_sounds_from_the_next_step_not_from_the_top(
    salsa: BeatPattern,
) -> None:
    clave = 0
    only_clave = solo(clave)
    per_beat = salsa.steps_per_beat
    spb = RATE * 60.0 / salsa.bpm
    part = salsa.parts[clave]
    free = [step for step in range(salsa.total_steps) if step not in {n.step for n in part.notes}]
    early, late = free[0], free[-1]  # two empty steps: the edit arrives between them
    stroke = part.notes[0]
    edited = replace(
        salsa,
        parts=(
            part.with_notes([*part.notes, replace(stroke, step=early), replace(stroke, step=late)]),
            *salsa.parts[1:],
        ),
    )
    loop_blocks = math.ceil(salsa.total_steps / per_beat * spb / BLOCK) - 1  # within the loop
    blocks = math.ceil((early + late) / 2 / per_beat * spb / BLOCK)

    renderer = Renderer(RATE, BLOCK)
    renderer.play(build_snapshot(session_for(salsa), only_clave))
    play(renderer, blocks)
    renderer.play(build_snapshot(carried(edited), only_clave))
    rest = play(renderer, loop_blocks - blocks)

    assert renderer.loops == 0  # still the first loop: nothing restarted
    original = Renderer(RATE, BLOCK)
    original.play(build_snapshot(session_for(salsa), only_clave))
    unedited = play(original, loop_blocks)[blocks * BLOCK :]
    late_at = round(late / per_beat * spb) - blocks * BLOCK
    assert round(early / per_beat * spb) < blocks * BLOCK  # past already: waits for next loop
    # until the new late stroke, exactly the original; then the added stroke sounds
    np.testing.assert_allclose(rest[:late_at], unedited[:late_at], atol=1e-6)
    assert np.abs(rest[late_at : late_at + 400] - unedited[late_at : late_at + 400]).max() > 0.05


def test_a_carried_pattern_starts_from_the_top_when_nothing_plays(salsa: BeatPattern) -> None:
    renderer = Renderer(RATE, BLOCK)
    renderer.play(build_snapshot(carried(salsa), TransportSettings()))
    play(renderer, 1)
    assert renderer.loops == 0 and renderer.beat == pytest.approx(BLOCK / (RATE * 60 / salsa.bpm))


def test_a_full_voice_pool_takes_over_the_oldest_voice(salsa: BeatPattern) -> None:
    renderer = Renderer(RATE, BLOCK, max_voices=3)
    renderer.play(build_snapshot(session_for(salsa), TransportSettings(metronome=True)))
    out = play(renderer, 2000)
    assert np.isfinite(out).all() and np.abs(out).max() > 0.05
    assert np.abs(out).max() <= LIMITER_CEILING


def test_track_preview_plays_the_frames_once_beside_the_pattern() -> None:
    renderer = Renderer(RATE, BLOCK)
    t = np.arange(5000) / RATE
    track = np.stack([0.3 * np.sin(2 * np.pi * 440 * t), 0.2 * np.sin(2 * np.pi * 660 * t)], 1)
    renderer.play_track(track.astype(np.float32))
    out = play(renderer, 50)
    np.testing.assert_allclose(out[:5000], track, atol=1e-6)
    assert not out[5000:].any()
    assert not renderer.track_playing


@pytest.mark.parametrize("block", [128, 4096])
def test_render_creates_no_sample_buffers_and_keeps_no_memory(
    salsa: BeatPattern, block: int
) -> None:
    renderer = Renderer(RATE, block, chunk=block)
    session = session_for(salsa)
    renderer.play(build_snapshot(session, TransportSettings(humanize=0.5, metronome=True)))
    out = np.zeros((block, 2), np.float32)
    louder = build_snapshot(
        session, TransportSettings(humanize=0.5, metronome=True, master_volume=1.5)
    )
    for index in range(3000):  # warm up: every code path and every voice slot used once
        if index == 1500:
            renderer.update(louder)
        renderer.render(out)
    changed = build_snapshot(session, TransportSettings(bpm=150, humanize=0.5, metronome=True))
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        for index in range(6000):
            if index == 3000:
                renderer.update(changed)
            renderer.render(out)
        after, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # numpy reports its sample buffers to tracemalloc. One block of scratch would be block × 2
    # channels × 4 bytes (1 KiB at 128 frames, 32 KiB at 4096); what numpy does allocate for a
    # call on strided views is a bookkeeping iterator of under 2 KiB, freed at once, and the
    # same at every block size, so the peak proves that no sample buffer was made.
    assert peak - after < 4096, (before, after, peak)
    assert after - before < 4096, (before, after, peak)  # nothing kept over 6,000 blocks
    assert np.abs(out).max() > 0
