"""A JACK server on the dummy driver: real-time audio callbacks with no sound card.

Audio tests use the `jack_server` fixture; it starts `jackd -d dummy` for the session (or reuses a
running one) and fails, saying what to install, if jackd is missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

SAMPLE_RATE = 48000
PERIOD = 128
TAKES = 3
"""How often a timing check on the dummy server may run before its failure counts."""


def takes(check: Callable[[], None]) -> None:
    """Run check, again when it fails, up to TAKES times: the dummy JACK server is not
    real-time, and on a machine starved of CPU it skips cycles (an xrun), losing or delaying
    the audio or MIDI of that cycle. A broken player fails every take; the last failure is
    reported."""
    for attempt in range(TAKES):
        try:
            check()
            return
        except AssertionError:
            if attempt == TAKES - 1:
                raise


@dataclass(frozen=True)
class JackServer:
    """The running JACK server's settings."""

    sample_rate: int
    period: int


def _jack_running() -> bool:
    if shutil.which("jack_lsp") is None:
        return False
    result = subprocess.run(["jack_lsp"], capture_output=True, text=True, timeout=10, check=False)
    return result.returncode == 0 and "JACK server not running" not in result.stderr


def _release_portaudio() -> None:
    """Let PortAudio leave JACK before the server goes, or its exit handler aborts the process."""
    sounddevice = sys.modules.get("sounddevice")
    if sounddevice is not None:
        while sounddevice._initialized > 0:
            sounddevice._terminate()


@pytest.fixture(scope="session")
def jack_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JackServer]:
    """A real-time JACK server on the dummy driver at 48 kHz, 128-frame periods.

    Its messages go to a file, never to a pipe: jackd writes a line for every client and xrun,
    and once an unread pipe is full jackd blocks in write() and every JACK client with it.
    """
    if _jack_running():
        yield JackServer(SAMPLE_RATE, PERIOD)
        return
    jackd = shutil.which("jackd")
    if jackd is None:
        pytest.fail("jackd not found: apt-get install jackd2 (see TESTING.md)", pytrace=False)
    env = dict(os.environ, JACK_NO_AUDIO_RESERVATION="1")
    log_path = tmp_path_factory.mktemp("jack") / "jackd.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [jackd, "-r", "-d", "dummy", "-r", str(SAMPLE_RATE), "-p", str(PERIOD)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
    deadline = time.monotonic() + 15
    while not _jack_running():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            output = log_path.read_text(errors="replace")
            pytest.fail(f"jackd did not start:\n{output}", pytrace=False)
        time.sleep(0.1)
    try:
        yield JackServer(SAMPLE_RATE, PERIOD)
    finally:
        _release_portaudio()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
