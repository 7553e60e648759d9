"""Transport settings: what is allowed, and which parts sound under mute and solo."""

from __future__ import annotations

from types import MappingProxyType

import pytest

from museaud.audio.transport import PartMix, TransportError, TransportSettings
from museaud.patterns.flavors import build_pattern


def test_mute_and_solo_decide_which_parts_sound() -> None:
    plain = TransportSettings()
    assert all(plain.audible(index) for index in range(4))
    muted = TransportSettings(mix=MappingProxyType({1: PartMix(mute=True)}))
    assert [muted.audible(index) for index in range(3)] == [True, False, True]
    soloed = TransportSettings(
        mix=MappingProxyType({0: PartMix(solo=True), 2: PartMix(solo=True, mute=True)})
    )
    assert [soloed.audible(index) for index in range(3)] == [True, False, False]
    assert soloed.part(5) == PartMix()


def test_tempo_is_the_patterns_unless_overridden() -> None:
    pattern = build_pattern("salsa")
    assert TransportSettings().tempo(pattern) == pattern.bpm
    assert TransportSettings(bpm=101.5).tempo(pattern) == 101.5


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (TransportSettings(bpm=30), "tempo 30 BPM is outside 80-250"),
        (TransportSettings(bars=0), "bars must be at least 1"),
        (TransportSettings(humanize=1.5), "humanize 1.5 is outside 0-1"),
        (TransportSettings(master_volume=-0.1), "master volume -0.1 is outside 0-2"),
        (
            TransportSettings(mix=MappingProxyType({3: PartMix(volume=2.5)})),
            "part 3: volume 2.5 is outside 0-2",
        ),
        (
            TransportSettings(mix=MappingProxyType({1: PartMix(pan=-1.2)})),
            r"part 1: pan -1.2 is outside -1..1",
        ),
    ],
)
def test_settings_out_of_range_are_refused_naming_the_setting(
    settings: TransportSettings, message: str
) -> None:
    with pytest.raises(TransportError, match=message):
        settings.validated()
