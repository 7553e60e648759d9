"""Pattern files people bring and take away: MIDI (type 0/1) and Hydrogen songs in, MIDI out.

The CLI and the Beat Machine window both come through here, so a file reads the same either way.
"""

from __future__ import annotations

from pathlib import Path

from museaud.patterns.hydrogen import H2SongError, import_h2song
from museaud.patterns.midifile import MidiFileError, import_midi
from museaud.patterns.model import BeatPattern

READABLE_SUFFIXES = (".mid", ".midi", ".kar", ".h2song")
PatternFileError = (MidiFileError, H2SongError)
"""What reading a pattern file may raise: each says the file and the reason."""


def read_pattern_file(path: Path) -> list[BeatPattern]:
    """The patterns in a MIDI file or a Hydrogen song (by its name's ending)."""
    if path.suffix.lower() == ".h2song":
        return import_h2song(path)
    return import_midi(path)
