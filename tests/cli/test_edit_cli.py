"""`museaud edit` and `museaud track` from the shell: every option, refusals that change
nothing, several tracks in one transaction, short ids."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from sqlalchemy import text
from tests.support.tracks import add_track

from museaud.app import App
from museaud.cli import main
from museaud.cli.common import CommandError
from museaud.cli.edit import parse_creator, parse_instrument, parse_sample
from museaud.library.editing import Creator, Instrument, Sample
from museaud.paths import Paths


@pytest.fixture
def tracks(paths: Paths) -> list[uuid.UUID]:
    """Two tracks in the installation the command opens (the test's MUSEAUD_HOME)."""
    with App.open(paths) as app, app.session() as session:
        return [
            add_track(session, "Deep Night", bpm=124.0, key=(9, "minor")),
            add_track(session, "Sketch", artist="Other Crew"),
        ]


def short(track_id: uuid.UUID) -> str:
    return track_id.hex[-8:]


def shown(capsys: pytest.CaptureFixture[str], track_id: uuid.UUID) -> dict[str, Any]:
    capsys.readouterr()
    assert main(["track", short(track_id), "--json"]) == 0, capsys.readouterr().err
    found: dict[str, Any] = json.loads(capsys.readouterr().out)
    return found


def test_every_edit_option_reaches_the_store(
    tracks: list[uuid.UUID], capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(
        [
            "edit",
            short(tracks[0]),
            "--rating",
            "4",
            "--favorite",
            "--hide",
            "--tag",
            "Vocal",
            "--tag",
            "peak time",
            "--mood",
            "dark",
            "--genre",
            "Techno",
            "--notes",
            "use after the break",
            "--bpm",
            "62",
            "--key",
            "8B",
            "--reason",
            "half time, really C major",
            "--creator",
            "Ann Lee:producer:60%",
            "--creator",
            "Bo:songwriter:40",
            "--instrument",
            "synth:303:primary",
            "--instrument",
            "drums",
            "--sample",
            "Vinyl Vol 2:piano stab:uncleared:asked the label: no reply yet",
            "--json",
        ]
    )
    assert status == 0, capsys.readouterr().err
    [edited] = json.loads(capsys.readouterr().out)
    assert edited["id"] == str(tracks[0]) and "beats" not in edited

    row = shown(capsys, tracks[0])
    assert (row["rating"], row["is_favorite"], row["is_hidden"]) == (4, True, True)
    assert (row["tags"], row["moods"]) == (["peak time", "vocal"], ["dark"])
    assert (row["genre"], row["notes"]) == ("Techno", "use after the break")
    assert (row["bpm"], row["camelot"], row["bpm_source"]) == (62.0, "8B", "override")
    assert row["measured"]["bpm"] == 124.0
    assert row["override"]["reason"] == "half time, really C major"
    assert [(c["name"], c["role"], c["split"]) for c in row["creators"]] == [
        ("Ann Lee", "producer", 60.0),
        ("Bo", "songwriter", 40.0),
    ]
    assert [(i["category"], i["type"], i["primary"]) for i in row["instruments"]] == [
        ("synth", "303", True),
        ("drums", None, False),
    ]
    assert row["samples"] == [
        {
            "pack": "Vinyl Vol 2",
            "description": "piano stab",
            "cleared": False,
            "clearance_notes": "asked the label: no reply yet",
        }
    ]
    assert row["beats"] == [] and row["beat_count"] == 0

    # and back: clear what can be cleared
    assert (
        main(
            [
                "edit",
                str(tracks[0]),
                "--no-rating",
                "--no-favorite",
                "--unhide",
                "--untag",
                "VOCAL",
                "--unmood",
                "dark",
                "--genre",
                "",
                "--notes",
                "",
                "--clear-override",
                "--no-creators",
                "--no-instruments",
                "--no-samples",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out.startswith("edited 1 track\n")
    row = shown(capsys, tracks[0])
    assert (row["rating"], row["is_favorite"], row["is_hidden"]) == (None, False, False)
    assert (row["tags"], row["moods"], row["genre"], row["notes"]) == (
        ["peak time"],
        [],
        None,
        None,
    )
    assert (row["bpm"], row["camelot"], row["override"]) == (124.0, "8A", None)
    assert (row["creators"], row["instruments"], row["samples"]) == ([], [], [])


def test_several_tracks_are_edited_together(
    tracks: list[uuid.UUID], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["edit", *map(short, tracks), "--rating", "2", "--tag", "crate"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "edited 2 tracks"
    assert out[1] == f"  {short(tracks[0])}  Test Band – Deep Night"
    assert out[2] == f"  {short(tracks[1])}  Other Crew – Sketch"
    for track_id in tracks:
        row = shown(capsys, track_id)
        assert (row["rating"], row["tags"]) == (2, ["crate"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--bpm", "128"], "a BPM override needs a reason"),
        (["--key", "H", "--reason", "x"], "'H' is not a key"),
        (["--reason", "x"], "--reason goes with --bpm or --key"),
        (["--rating", "7"], "a rating is 1 to 5 stars (or none), not 7"),
        (
            ["--creator", "Ann:producer:60", "--creator", "Bo:composer:50"],
            "the splits add up to 110 % (Ann 60 %, Bo 50 %)",
        ),
        (["--creator", "Ann:dj:10"], "role 'dj' is not one of producer"),
        (["--creator", "Ann:producer:lots"], "the split 'lots' is not a number of percent"),
        (["--instrument", "a:b:c"], "give CATEGORY[:TYPE][:primary]"),
        (["--sample", "Pack:stab:maybe"], "give PACK:DESCRIPTION:cleared|uncleared[:NOTES]"),
        ([], "nothing to change"),
    ],
)
def test_a_refused_edit_exits_2_says_why_and_changes_nothing(
    tracks: list[uuid.UUID], capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    before = [shown(capsys, track_id) for track_id in tracks]
    # the valid parts of the command (a rating, a tag) are not applied either
    extra = ["--tag", "new"] if args else []
    status = main(["edit", *map(short, tracks), *extra, *args])
    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith("museaud edit: ") and message in err
    assert [shown(capsys, track_id) for track_id in tracks] == before


def test_a_creator_refused_on_the_second_track_undoes_the_first(
    tracks: list[uuid.UUID], capsys: pytest.CaptureFixture[str]
) -> None:
    """Several tracks, one transaction: the catalogue is written per track, and a failure on
    any of them leaves every track as it was."""
    before = [shown(capsys, track_id) for track_id in tracks]
    with App.open() as app, app.session() as session:
        session.execute(
            text(
                "CREATE TRIGGER refuse_sketch BEFORE INSERT ON track_creators "
                f"WHEN new.track_id = '{tracks[1].hex}' "
                "BEGIN SELECT RAISE(ABORT, 'creators of this track are locked'); END"
            )
        )
    status = main(["edit", *map(short, tracks), "--rating", "5", "--creator", "Ann:producer:50"])
    err = capsys.readouterr().err
    assert status == 2 and "creators of this track are locked; nothing was changed" in err
    assert "'Sketch' by Other Crew" in err
    assert [shown(capsys, track_id) for track_id in tracks] == before


def test_an_unknown_or_ambiguous_id_changes_nothing(
    tracks: list[uuid.UUID], capsys: pytest.CaptureFixture[str]
) -> None:
    before = shown(capsys, tracks[0])
    assert main(["edit", short(tracks[0]), "deadbeefdead", "--rating", "5"]) == 1
    assert "no track with id 'deadbeefdead'" in capsys.readouterr().err
    assert main(["edit", short(tracks[0]), "xyz!", "--rating", "5"]) == 2
    assert "is not an id" in capsys.readouterr().err
    assert shown(capsys, tracks[0]) == before
    assert main(["track", "deadbeefdead"]) == 1
    assert "no track with id 'deadbeefdead'" in capsys.readouterr().err


def test_track_prints_everything_about_a_track(
    tracks: list[uuid.UUID], capsys: pytest.CaptureFixture[str]
) -> None:
    main(
        [
            "edit",
            short(tracks[0]),
            "--rating",
            "3",
            "--favorite",
            "--tag",
            "dub",
            "--bpm",
            "62",
            "--reason",
            "half time",
            "--creator",
            "Ann:producer:100",
            "--sample",
            "Pack:vox:cleared",
        ]
    )
    capsys.readouterr()
    assert main(["track", short(tracks[0])]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"{short(tracks[0])}  Test Band – Deep Night"
    facts = {line.split()[0]: " ".join(line.split()[1:]) for line in lines[1:]}
    assert facts["tempo"] == "62.00 BPM (override); analysis said 124.00"
    assert facts["key"] == "A minor (8A, analysis)"
    assert facts["override"].startswith("half time by ")
    assert facts["marks"] == "★★★☆☆, favourite"
    assert facts["tags"] == "dub" and facts["moods"] == "-"
    assert facts["creator"] == "Ann (producer, 100 %)"
    assert facts["sample"] == "Pack: vox (cleared)"


def test_the_option_texts_parse_into_catalogue_rows() -> None:
    assert parse_creator("Ann Lee") == Creator("Ann Lee")
    assert parse_creator("Ann:producer") == Creator("Ann", "producer")
    assert parse_creator("Ann::25") == Creator("Ann", None, 25.0)
    assert parse_creator("DJ A:B:featured:12.5 %") == Creator("DJ A:B", "featured", 12.5)
    assert parse_instrument("synth") == Instrument("synth")
    assert parse_instrument("synth:primary") == Instrument("synth", None, True)
    assert parse_instrument(":Rhodes") == Instrument(None, "Rhodes")
    assert parse_sample("Pack::cleared") == Sample("Pack", None, True)
    assert parse_sample(":crowd noise:Uncleared:ask: who?") == Sample(
        None, "crowd noise", False, "ask: who?"
    )
    for bad in (":", ":primary"):
        with pytest.raises(CommandError, match="give CATEGORY"):
            parse_instrument(bad)
    with pytest.raises(CommandError, match="give NAME:ROLE:SPLIT"):
        parse_creator(":producer:10")
