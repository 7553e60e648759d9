"""Device discovery on a real JACK server, and when nothing is there."""

from __future__ import annotations

import numpy as np
import pytest
from tests.support.jack import JackServer

from museaud.audio import devices
from museaud.audio.devices import list_audio_outputs


@pytest.mark.jack
def test_jack_dummy_server_is_listed_and_really_runs_callbacks(jack_server: JackServer) -> None:
    found = list_audio_outputs(rescan=True)
    assert found.available, found.problem
    jack = [d for d in found.devices if "JACK" in d.host_api]
    assert jack, [d.host_api for d in found.devices]
    import sounddevice

    calls = []

    def callback(outdata: np.ndarray, frames: int, time: object, status: object) -> None:
        outdata.fill(0)
        calls.append(frames)

    with sounddevice.OutputStream(
        device=jack[0].index,
        channels=2,
        samplerate=jack_server.sample_rate,
        blocksize=jack_server.period,
        callback=callback,
    ):
        sounddevice.sleep(500)
    # 0.5 s at 48 kHz in 128-frame periods is 187 callbacks; allow start-up slack
    assert 120 <= len(calls) <= 200 and set(calls) == {jack_server.period}


def test_missing_portaudio_is_a_message_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_portaudio(name: str, *args: object, **kwargs: object) -> object:
        if name == "sounddevice":
            raise OSError("PortAudio library not found")
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_portaudio)
    found = devices.list_audio_outputs()
    assert not found.available
    assert "install libportaudio2" in found.summary()


@pytest.mark.jack
def test_listing_with_release_leaves_no_jack_client_behind(jack_server: JackServer) -> None:
    """The GUI lists devices but plays in another process: an idle JACK client left in the GUI
    process would make the server wait for a busy interpreter in every cycle."""
    import sounddevice

    found = list_audio_outputs(release=True)
    assert found.available, found.problem
    assert sounddevice._initialized == 0
    again = list_audio_outputs(release=True)  # PortAudio starts again for the next listing
    assert [d.name for d in again.devices] == [d.name for d in found.devices]
    assert sounddevice._initialized == 0
    kept = list_audio_outputs()
    assert kept.available and sounddevice._initialized > 0
