"""Hydrogen songs: every demo song Debian ships imports, with the facts its XML states, and bad
files are refused with the file and the problem named."""

from __future__ import annotations

from pathlib import Path

import pytest

from museaud.patterns.hydrogen import H2SongError, drum_key_for_name, import_h2song
from museaud.patterns.model import Note

DEMO_SONGS = Path("/usr/share/hydrogen/data/demo_songs")


@pytest.fixture(scope="module")
def demo_songs() -> list[Path]:
    """The demo songs of Debian's hydrogen-data package (a missing package fails, never skips)."""
    songs = sorted(DEMO_SONGS.glob("*.h2song"))
    if not songs:
        pytest.fail(
            f"no Hydrogen demo songs in {DEMO_SONGS}: install them with "
            "`sudo apt-get install hydrogen-data` (scripts/install-system-deps does)"
        )
    return songs


def test_every_demo_song_gives_valid_patterns(demo_songs: list[Path]) -> None:
    assert len(demo_songs) >= 5
    for song in demo_songs:
        patterns = import_h2song(song)
        assert patterns, song.name
        for pattern in patterns:
            assert pattern.validated() is pattern
            assert pattern.flavor == "Hydrogen"
            assert " – " in pattern.title
            assert pattern.kind == "beat"
            assert any(part.notes for part in pattern.parts), pattern.title
            assert pattern.metadata["source"] == "hydrogen"


def test_gm_kit_demo_1_is_read_as_its_xml_says(demo_songs: list[Path]) -> None:
    # Facts read from GM_kit_demo1.h2song: <bpm>115</bpm>, 11 patterns, all with notes; 'main 1-1'
    # has 18 notes: Kick (id 0, midiOutNote 36) at 0, 72, 96, 168; Stick (id 1, 37) at 48, 132;
    # Hat Closed (id 6, 42) 12 times. 48 ticks per quarter, so a 16th is 12 ticks.
    patterns = import_h2song(DEMO_SONGS / "GM_kit_demo1.h2song")
    assert len(patterns) == 11
    first = patterns[0]
    assert first.title == "GM kit demo #1 – main 1-1"
    assert first.bpm == 115.0
    assert (first.time_signature, first.bars, first.steps_per_beat) == ("4/4", 1, 4)
    assert sum(len(part.notes) for part in first.parts) == 18
    assert first.part("kick").notes == tuple(Note(step, 36, 102) for step in (0, 6, 8, 14))
    assert first.part("snare").notes == (Note(4, 37, 102), Note(11, 37, 102))  # side stick
    assert len(first.part("closed_hat").notes) == 12
    assert {n.pitch for n in first.part("closed_hat").notes} == {42}
    assert [pattern.title.split(" – ")[1] for pattern in patterns][-1] == "end"


def test_the_tr808_kit_is_mapped_by_name_not_by_its_numbered_notes(
    demo_songs: list[Path],
) -> None:
    # The TR-808 kit numbers its MIDI out notes 36, 37, 38 … in list order: its Clave sends 50
    # (the GM high tom) and its Cowbell 51, so the names decide.
    patterns = import_h2song(DEMO_SONGS / "TR808kit-demo.h2song")
    first = patterns[0]
    assert {n.pitch for n in first.part("clave").notes} == {75}
    assert {n.pitch for n in first.part("cowbell").notes} == {56}
    assert "tom_high" not in [part.instrument for part in first.parts]
    # Pattern 1 has notes 3 ticks off the 16th grid (positions 63, 87 …): a finer grid keeps them
    assert first.steps_per_beat == 12
    assert patterns[1].steps_per_beat == 4


def song_xml(patterns: str, *, bpm: str = "<bpm>100</bpm>", instruments: str = "") -> str:
    instruments = (
        instruments
        or """
      <instrument><id>0</id><name>Kick</name><volume>1</volume><isMuted>false</isMuted>
        <pan_L>1</pan_L><pan_R>1</pan_R></instrument>
      <instrument><id>1</id><name>Conga Low</name><volume>0.8</volume><isMuted>false</isMuted>
        <pan_L>1</pan_L><pan_R>0.5</pan_R></instrument>
      <instrument><id>2</id><name>Weird noise</name><volume>1</volume><isMuted>true</isMuted>
        <pan_L>1</pan_L><pan_R>1</pan_R></instrument>"""
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
    <song><version>0.9.3</version>{bpm}<name>Old song</name><swing_factor>0.2</swing_factor>
      <instrumentList>{instruments}</instrumentList>
      <patternList>{patterns}</patternList>
    </song>"""


def hit(position: int, instrument: int, velocity: float = 0.8, length: int = -1) -> str:
    return (
        f"<note><position>{position}</position><velocity>{velocity}</velocity>"
        f"<pan_L>0.5</pan_L><pan_R>0.5</pan_R><pitch>0</pitch><length>{length}</length>"
        f"<instrument>{instrument}</instrument></note>"
    )


def test_an_old_0_9_song_with_sequence_lists_and_left_right_pan(tmp_path: Path) -> None:
    patterns = f"""
      <pattern><name>groove</name><size>192</size><sequenceList><sequence><noteList>
        {hit(0, 0)}{hit(96, 0, 1.0)}{hit(36, 1, 0.5, 24)}{hit(132, 2)}
      </noteList></sequence></sequenceList></pattern>
      <pattern><name>silence</name><size>192</size><noteList/></pattern>
      <pattern><name>waltz</name><size>144</size><noteList>{hit(0, 0)}{hit(48, 1)}</noteList>
      </pattern>"""
    path = tmp_path / "old.h2song"
    path.write_text(song_xml(patterns))
    groove, waltz = import_h2song(path)  # the empty pattern is skipped
    assert groove.title == "Old song – groove"
    assert (groove.steps_per_beat, groove.swing) == (4, 0.2)
    assert groove.part("kick").notes == (Note(0, 36, 102), Note(8, 36, 127))
    conga = groove.part("conga")
    assert conga.notes == (Note(3, 64, 64, 2),)  # low conga, two 16ths long
    assert (conga.volume, conga.pan) == (0.8, -0.5)  # left gain 1, right 0.5
    # an unknown name and no MIDI out note: the note Hydrogen sends, 36 + its position (38)
    muted = groove.part("snare")
    assert (muted.enabled, muted.notes) == (False, (Note(11, 38, 102),))
    assert (waltz.time_signature, waltz.bars, waltz.total_steps) == ("3/4", 1, 12)


def test_triplet_positions_choose_a_triplet_grid(tmp_path: Path) -> None:
    triplets = "".join(hit(position, 0) for position in range(0, 192, 16))  # 8th-note triplets
    sextuplets = "".join(hit(position, 1) for position in range(0, 96, 8))
    path = tmp_path / "triplets.h2song"
    path.write_text(
        song_xml(
            f"<pattern><name>shuffle</name><size>192</size><noteList>{triplets}</noteList>"
            f"</pattern><pattern><name>roll</name><size>192</size><noteList>{sextuplets}"
            "</noteList></pattern>"
        )
    )
    shuffle, roll = import_h2song(path)
    assert shuffle.steps_per_beat == 3
    assert [n.step for n in shuffle.part("kick").notes] == list(range(12))
    assert roll.steps_per_beat == 6


def test_a_pattern_in_eighths_counts_eighth_note_beats(tmp_path: Path) -> None:
    path = tmp_path / "six.h2song"
    path.write_text(
        song_xml(
            "<pattern><name>six</name><size>144</size><denominator>8</denominator>"
            f"<noteList>{hit(0, 0)}{hit(72, 0)}</noteList></pattern>"
        )
    )
    (six,) = import_h2song(path)
    assert (six.time_signature, six.bars, six.bpm) == ("6/8", 1, 200.0)  # 100 quarters a minute
    assert [n.step for n in six.part("kick").notes] == [0, 12]


@pytest.mark.parametrize(
    ("name", "key", "instrument"),
    [
        ("Kick Long", 36, "kick"),
        ("Stick", 37, "snare"),
        ("Hat Semi-Open", 46, "open_hat"),
        ("Pedal Hat", 44, "pedal_hat"),
        ("Closed HH", 42, "closed_hat"),
        ("Pedal HH", 44, "pedal_hat"),
        ("Snare Jazz", 38, "snare"),
        ("Tom Hi", 50, "tom_high"),
        ("Floor Tom", 43, "tom_low"),
        ("Ride 2", 59, "kit"),
        ("Shaker", 70, "shaker"),
        ("Clave", 75, "clave"),
    ],
)
def test_instrument_names_say_which_drum(name: str, key: int, instrument: str) -> None:
    assert drum_key_for_name(name) == (key, instrument)


def test_an_unknown_name_leaves_the_choice_to_the_midi_note() -> None:
    assert drum_key_for_name("Bell") is None


def refused(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "bad.h2song"
    path.write_text(text)
    with pytest.raises(H2SongError) as caught:
        import_h2song(path)
    assert str(path) in str(caught.value)
    assert reason in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_bad_files_are_refused_naming_the_file_and_the_problem(tmp_path: Path) -> None:
    refused(tmp_path, "this is not XML at all", "not XML")
    refused(tmp_path, "<song><bpm>120", "not XML")
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        "<song><bpm>120</bpm><name>&lol3;</name></song>"
    )
    refused(tmp_path, bomb, "DOCTYPE or entities")
    refused(
        tmp_path,
        song_xml(f"<pattern><noteList>{hit(0, 0)}</noteList></pattern>", bpm=""),
        "has no <bpm>",
    )
    refused(tmp_path, song_xml("", bpm="<bpm>fast</bpm>"), "not a number")
    refused(tmp_path, song_xml("<pattern><name>empty</name></pattern>"), "no pattern")
    refused(tmp_path, "<drumkit_info><name>kit</name></drumkit_info>", "not a Hydrogen song")
    refused(tmp_path, "", "empty")
