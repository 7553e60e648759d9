"""Each flavour plays the rhythms a musician expects, in both clave directions and every key.

The expected grids are written out here by hand, independently of the code that builds them:
one character per step, a space between beats, '|' between bars (see docs/rhythms.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from museaud.patterns.flavors import (
    FLAVORS,
    NOTATION,
    build_pattern,
    flavor,
    grid,
    rhythms_markdown,
    with_clave,
)
from museaud.patterns.instruments import INSTRUMENTS
from museaud.patterns.model import BeatPattern, Note, PatternError

ROOT = Path(__file__).resolve().parents[2]


def line(pattern: BeatPattern, instrument: str, program: int = 0) -> str:
    return grid(pattern.part(instrument), pattern, program=program)


def program_index(pattern: BeatPattern, instrument: str, name: str) -> int:
    names = [p.name for p in pattern.part(instrument).programs]
    return names.index(name)


# --- the documented rhythms, exactly ------------------------------------------------------------

SALSA_2_3 = {
    # son clave 2-3: bar 1 beats 2 and 3; bar 2 beat 1, the & of 2, beat 4
    "clave": ".. x. x. .. | x. .x .. x.",
    # bongo bell: mouth on 1 and 3, neck between, no neck on the & of 2 on the 2-side
    "cowbell": "M. N. M. NN | M. NN M. NN",
    # tumbao: heel-toe, slap on 2, heel-toe, open tones on 4 and the & of 4
    "conga": "HT ST HT OO | HT ST HT OO",
    # martillo: macho finger strokes on 1 and 3, an open macho tone on 2, thumb between,
    # hembra on 4
    "bongo": "Xt At Xt Ot | Xt At Xt Ot",
    # cáscara 2-3: 1 2 3 3& 4& | 1 2 2& 3& 4&
    "timbales": "C. C. cC .c | C. cC .C .c",
    # güiro: long on 1 and 3, short-short after
    "guiro": "L. SS L. SS | L. SS L. SS",
    "maracas": "xX xX xX xX | xX xX xX xX",
    # anticipated bass: the & of 2 and beat 4, nothing on 1
    "bass": ".. .x .. x. | .. .x .. x.",
    # montuno: on the beat on the 2-side, off the beat on the 3-side
    "piano": "x. xx .x .x | .x .x .x .x",
}


@pytest.mark.parametrize(("instrument", "expected"), SALSA_2_3.items())
def test_salsa_parts_are_the_documented_rhythms(instrument: str, expected: str) -> None:
    assert line(build_pattern("salsa"), instrument) == expected


def test_salsa_other_programs_are_the_documented_rhythms() -> None:
    salsa = build_pattern("salsa")
    expected = {
        ("clave", "Rumba clave"): ".. x. x. .. | x. .x .. .x",
        ("conga", "Tumbao marking the clave"): "HT ST HT OO | HT ST HT O.",
        ("conga", "Tumbao on two drums"): "HT ST HT OO | HT ST HT LL",
        # the bombo: the tumba on the & of 2 and on 3 of the 3-side
        ("conga", "Tumbao with the bombo on the tumba"): "HT ST HT OO | HT SL LT OO",
        ("cowbell", "Bongo bell, both bars alike"): "M. NN M. NN | M. NN M. NN",
        # mambo bell 2-3: 1 2 3 3& 4 4& | 1& 2 2& 3 4 4&, two mouth then two neck strokes
        ("timbales", "Mambo bell (contra campana)"): "M. M. NN MM | .N NM M. NN",
        ("timbales", "Cáscara with the hembra on 4"): "C. C. cC Lc | C. cC .C Lc",
    }
    for (instrument, name), grid_text in expected.items():
        assert line(salsa, instrument, program_index(salsa, instrument, name)) == grid_text


def test_salsa_bass_and_piano_play_the_progression_in_c() -> None:
    salsa = build_pattern("salsa")
    bass = [(n.step, n.pitch) for n in salsa.part("bass").notes]
    # F on the & of 2, G on 4, F on the & of 2, C on 4: roots of the chords to come
    assert bass == [(3, 41), (6, 43), (11, 41), (14, 36)]
    piano = salsa.part("piano").notes
    by_step: dict[int, list[int]] = {}
    for note in piano:
        by_step.setdefault(note.step, []).append(note.pitch)
    assert by_step == {
        0: [60, 72],  # C in octaves
        2: [64, 67],  # E G
        3: [65, 77],  # F in octaves, anticipating IV
        5: [69, 72],  # A C
        7: [67, 79],  # G in octaves, anticipating V
        9: [71, 74],  # B D
        11: [65, 77],  # F, anticipating IV
        13: [69, 72],  # A C
        15: [60, 72],  # C, anticipating I
    }


def test_three_two_is_two_three_rotated_by_a_bar() -> None:
    two_three = build_pattern("salsa", clave="2-3")
    three_two = build_pattern("salsa", clave="3-2")
    assert three_two.clave == "3-2"
    assert line(three_two, "clave") == "x. .x .. x. | .. x. x. .."
    assert line(three_two, "cowbell") == "M. NN M. NN | M. N. M. NN"
    assert line(three_two, "timbales") == "C. cC .C .c | C. C. cC .c"
    assert line(three_two, "piano") == ".x .x .x .x | x. xx .x .x"
    bar = two_three.steps_per_bar
    for before, after in zip(two_three.parts, three_two.parts, strict=True):
        for program_before, program_after in zip(before.programs, after.programs, strict=True):
            moved = {(n.step + bar) % two_three.total_steps for n in program_before.notes}
            if before.follows_clave:
                assert {n.step for n in program_after.notes} == moved
            else:
                assert program_after == program_before


def test_three_two_montuno_keeps_the_chords_in_order_with_i_on_the_three_side() -> None:
    # the bars trade rhythms, the chords keep their order: 3-2 starts on I, not on V
    three_two = build_pattern("salsa", clave="3-2")
    by_step: dict[int, list[int]] = {}
    for note in three_two.part("piano").notes:
        by_step.setdefault(note.step, []).append(note.pitch)
    assert by_step == {
        1: [60, 72],  # C in octaves, on the 3-side's rhythm
        3: [64, 67],  # E G
        5: [65, 77],  # F, anticipating IV
        7: [69, 72],  # A C
        8: [67, 79],  # G in octaves on the 2-side's 1
        10: [71, 74],  # B D
        11: [65, 77],  # F
        13: [69, 72],  # A C
        15: [60, 72],  # C, anticipating I
    }
    tres = build_pattern("son montuno", clave="3-2").part("tres").notes
    assert sorted(n.pitch for n in tres if n.step == min(m.step for m in tres)) == [64, 72]
    # the bass's rhythm is the same in both bars, so its line is the same in both directions
    assert three_two.part("bass").notes == build_pattern("salsa").part("bass").notes


def test_parts_that_are_the_same_in_both_bars_do_not_follow_the_clave() -> None:
    salsa = build_pattern("salsa")
    follows = {part.instrument: part.follows_clave for part in salsa.parts}
    assert follows == {
        "clave": True,
        "cowbell": True,
        "conga": True,  # its clave-marking variations differ between the bars
        "bongo": False,
        "timbales": True,
        "guiro": False,
        "maracas": False,
        "bass": True,  # moves with the montuno's harmony
        "piano": True,
    }
    assert line(build_pattern("salsa", clave="3-2"), "bongo") == SALSA_2_3["bongo"]


def test_turning_the_clave_twice_gives_the_pattern_back() -> None:
    salsa = build_pattern("salsa", bars=4)
    assert with_clave(with_clave(salsa, "3-2"), "2-3") == salsa
    assert with_clave(salsa, "2-3") is salsa


def test_son_montuno_mambo_and_cha_cha() -> None:
    son = build_pattern("son montuno")
    assert line(son, "clave") == ".. x. x. .. | x. .x .. x."
    assert line(son, "bongo") == "Xt At Xt Ot | Xt At Xt Ot"
    assert line(son, "maracas") == "X. xx X. xx | X. xx X. xx"
    assert line(son, "tres") == "x. xx .x xx | .x .x .x .x"
    assert not son.part("cowbell").enabled

    mambo = build_pattern("Mambo")
    assert line(mambo, "timbales") == "M. M. NN MM | .N NM M. NN"
    assert line(mambo, "cowbell") == "M. N. M. NN | M. NN M. NN"

    chacha = build_pattern("cha-cha-chá")
    assert chacha.clave is None
    assert line(chacha, "timbale_bell") == "M. N. M. N. | M. N. M. N."  # bell on the beats
    # long on 1 and 3, short on 2, the & of 2, 4 and the & of 4 (MMA chacha.mma)
    assert line(chacha, "guiro") == "L. SS L. SS | L. SS L. SS"
    assert line(chacha, "conga") == "HT ST HT OO | HT ST HT OO"
    assert line(chacha, "timbales") == ".. .D .. LL | .. .D .. LL"  # the cha-cha on 4 and 4&
    assert line(chacha, "bass") == "x. .. x. xx | x. .. x. xx"


def test_merengue_guira_and_tambora() -> None:
    merengue = build_pattern("merengue")
    assert merengue.steps_per_beat == 4
    assert merengue.clave is None
    # güira: long scrape then two short ones on every beat, beat 2 of each 2/4 bar accented
    assert line(merengue, "guira") == "L.ss A.ss L.ss A.ss | L.ss A.ss L.ss A.ss"
    # tambora: slap, rim, slap, open; the repique runs five strokes from 4 into the next 1,
    # hand and stick alternating (S O S O, then the hand's S on 1)
    assert line(merengue, "tambora") == "S..R S.O. S..R SOSO | S..R S.O. S..R SOSO"
    tambora = INSTRUMENTS["tambora"]
    first_beats = merengue.part("tambora").notes[:4]
    assert [n.pitch for n in first_beats] == [
        tambora.stroke("slap"),
        tambora.stroke("rim"),
        tambora.stroke("slap"),
        tambora.stroke("open"),
    ]
    repique = [n.pitch for n in merengue.part("tambora").notes if 12 <= n.step < 16]
    assert repique == [tambora.stroke(s) for s in ("slap", "open", "slap", "open")]
    assert line(merengue, "bass") == "x... x... x... x... | x... x... x... x..."


def test_merengue_cites_salsanor_only_where_it_shows_the_notes() -> None:
    merengue = flavor("merengue")
    bass = {p.name: p for p in merengue.part("bass").programs}
    salsanor = [p for p in bass.values() if "salsanor" in p.sources]
    assert [p.name for p in salsanor] == ["SalsaNor's 1-5-1-5-4-1-4 (I–IV)"]
    # C G C G | F C F on the beats, the last F held
    assert [(n.step, n.pitch) for n in salsanor[0].notes] == [
        (0, 36),
        (4, 43),
        (8, 36),
        (12, 43),
        (16, 41),
        (20, 36),
        (24, 41),
    ]
    assert all("salsanor" not in p.sources for p in merengue.part("piano").programs)
    tambora = {p.name: p.sources for p in merengue.part("tambora").programs}
    assert "salsanor" not in tambora["Derecho with the repique"]
    cited = {p.name for p in flavor("reggaeton").part("kick").programs if p.sources}
    assert "Every beat, pickup into the next bar" not in cited
    bell = flavor("cha-cha-chá").part("timbale_bell").programs[0]
    assert bell.name == "Quarter notes, mouth on 1 and 3" and not bell.sources
    bombo = flavor("salsa").part("conga").programs[3]
    assert bombo.sources == ("salsanor",)
    document = (ROOT / "docs" / "rhythms.md").read_text(encoding="utf-8")
    assert "note for note" not in document


def test_rumba_guaguanco() -> None:
    rumba = build_pattern("rumba")
    assert rumba.clave == "3-2"
    assert 100 <= rumba.bpm <= 120
    # 3-2 rumba clave: 1, the & of 2, the & of 4 | 2, 3
    assert line(rumba, "clave") == "x. .x .. .x | .. x. x. .."
    # palitos: the cáscara figure, the clave's strokes accented
    assert line(rumba, "cata") == "X. xX .x .X | x. X. Xx .x"
    assert line(rumba, "salidor") == "HT HT HT O. | HT HT HT O."
    # tres dos: the slap on the & of 2 of the 3-side, open tones on 1 and the & of 2 of the 2-side
    assert line(rumba, "tres_dos") == "HT TS HT HT | OT HO HT HT"
    assert line(rumba, "quinto") == "HT HT HT .. | HT HT HS .O"
    assert not rumba.part("quinto").enabled
    assert line(rumba, "shekere") == "X. x. X. x. | X. x. X. x."
    clave_steps = {n.step for n in rumba.part("clave").notes}
    accented = {n.step for n in rumba.part("cata").notes if n.pitch == 76}
    assert accented == clave_steps  # one stick plays the clave
    assert line(build_pattern("rumba", clave="2-3"), "clave") == ".. x. x. .. | x. .x .. .x"


def test_bachata_and_bossa_nova() -> None:
    bachata = build_pattern("bachata")
    assert line(bachata, "bongo_bachata") == "X.t. X.t. X.t. O.t. | X.t. X.t. X.t. O.t."
    assert line(bachata, "guira") == "L.ss L.ss L.ss L.ss | L.ss L.ss L.ss L.ss"

    bossa = build_pattern("bossa nova")
    assert bossa.clave == "3-2"
    # bossa clave 3-2: 1, the & of 2, 4 | 2, the & of 3
    assert line(bossa, "snare") == "r. .r .. r. | .. r. .r .."
    assert line(bossa, "kick") == "x. .x x. .x | x. .x x. .x"
    assert line(build_pattern("bossa nova", clave="2-3"), "snare") == ".. r. .r .. | r. .r .. r."
    # the stroke that moves (3 to the & of 3) is on the 2-side
    about = flavor("bossa nova").part("snare").programs[0].about
    assert "last stroke of the 2-side" in about and "3-side" not in about


KITS = {
    "house": {
        "kick": "x... x... x... x... | x... x... x... x...",
        "clap": ".... x... .... x... | .... x... .... x...",
        "open_hat": "..x. ..x. ..x. ..x. | ..x. ..x. ..x. ..x.",
    },
    "hip-hop": {
        "kick": "x... ...x ..x. .... | x.x. .... ..x. ....",
        "snare": ".... X... .... X... | .... X... .... X...",
        "closed_hat": "X.x. X.x. X.x. X.x. | X.x. X.x. X.x. X.x.",
    },
    "rock": {
        "kick": "x... .... x... .... | x... .... x... ....",
        "snare": ".... X... .... X... | .... X... .... X...",
        "closed_hat": "X.x. X.x. X.x. X.x. | X.x. X.x. X.x. X.x.",
    },
    "funk": {
        "kick": "x.x. ...x ..x. .... | x... ..x. ..x. ...x",
        "snare": "...g X..g .g.. X..g | ...g X..g .g.. X..g",
        "closed_hat": "XxXx XxXx XxXx XxXx | XxXx XxXx XxXx XxXx",
    },
    "reggaeton": {
        # dembow: boom-ch-boom-chick, the kick on every beat, the snare on 1a, 2&, 3a, 4&
        "kick": "x... x... x... x... | x... x... x... x...",
        "snare": "...X ..X. ...X ..X. | ...X ..X. ...X ..X.",
    },
}


@pytest.mark.parametrize(
    ("kit", "instrument"), [(k, i) for k, parts in KITS.items() for i in parts]
)
def test_kits_are_the_documented_rhythms(kit: str, instrument: str) -> None:
    assert line(build_pattern(kit), instrument) == KITS[kit][instrument]


def test_dembow_snare_is_the_tresillo_over_the_kick() -> None:
    reggaeton = build_pattern("reggaeton")
    kick = {n.step for n in reggaeton.part("kick").notes}
    snare = {n.step for n in reggaeton.part("snare").notes}
    assert kick == set(range(0, 32, 4))
    assert snare == {s + half for half in range(0, 32, 8) for s in (3, 6)}
    assert not kick & snare


# --- every flavour is complete, valid and in range ---------------------------------------------


def test_the_issue_flavours_are_all_there() -> None:
    names = {f.name for f in FLAVORS.values()}
    required = {"Salsa", "Merengue", "Cha-cha-chá", "Son montuno", "Bachata", "Rumba"}
    required |= {"House", "Hip-hop", "Rock", "Funk", "Reggaeton"}
    assert required <= names


@pytest.mark.parametrize("key", list(FLAVORS))
def test_every_flavour_builds_valid_patterns_at_its_tempos(key: str) -> None:
    style = FLAVORS[key]
    low, high = style.bpm_range
    assert low <= style.bpm <= high
    for bpm in (None, low, high):
        pattern = build_pattern(key, bpm=bpm)
        assert pattern.validated() is pattern
        assert pattern.bpm == (style.bpm if bpm is None else bpm)
        assert [p.instrument for p in pattern.parts] == list(style.instruments)
        assert all(p.active_program == 0 for p in pattern.parts)
        assert all(0 < p.volume <= 1.0 for p in pattern.parts)
        assert pattern.clave == style.clave


@pytest.mark.parametrize("key", list(FLAVORS))
def test_every_instrument_exists_and_has_programs(key: str) -> None:
    for part in FLAVORS[key].parts:
        assert part.instrument in INSTRUMENTS
        assert len(part.programs) >= 2
        assert all(program.notes for program in part.programs)
        assert len({program.name for program in part.programs}) == len(part.programs)


@pytest.mark.parametrize("key", list(FLAVORS))
def test_percussion_notes_are_named_strokes(key: str) -> None:
    pattern = build_pattern(key)
    for part in pattern.parts:
        spec = INSTRUMENTS[part.instrument]
        if not spec.is_percussion:
            continue
        letters = {stroke.letter for stroke in NOTATION[part.instrument]}
        for index in range(len(part.programs)):
            text = grid(part, pattern, program=index)
            assert set(text) - {" ", "|", "."} <= letters


@pytest.mark.parametrize("key", list(FLAVORS))
def test_pitched_parts_stay_in_range_in_all_twelve_keys(key: str) -> None:
    for key_note in range(12):
        pattern = build_pattern(key, key_note=key_note)
        for part in pattern.parts:
            spec = INSTRUMENTS[part.instrument]
            if spec.is_percussion:
                continue
            for program in part.programs:
                sounding = [n.pitch + key_note + part.pitch_offset for n in program.notes]
                assert sounding, program.name
                assert spec.low_pitch <= min(sounding), (part.instrument, program.name, key_note)
                assert max(sounding) <= spec.high_pitch, (part.instrument, program.name, key_note)


# --- names, lengths and refusals -----------------------------------------------------------------


def test_flavour_names_in_any_spelling() -> None:
    assert flavor("SALSA") is flavor("salsa") is FLAVORS["salsa"]
    assert flavor("cha-cha-cha") is flavor("Cha-cha-chá") is flavor("chachacha")
    assert flavor("son_montuno") is flavor("Son Montuno")
    assert flavor("HipHop") is FLAVORS["hip-hop"]
    with pytest.raises(KeyError, match=r"unknown flavour 'polka'.*Salsa.*Reggaeton"):
        flavor("polka")


def test_longer_patterns_repeat_the_phrase() -> None:
    salsa = build_pattern("salsa", bars=4)
    assert salsa.bars == 4
    assert line(salsa, "clave") == ".. x. x. .. | x. .x .. x. | .. x. x. .. | x. .x .. x."
    house = build_pattern("house", bars=1)
    assert line(house, "clap") == ".... x... .... x..."


def test_builds_refuse_what_does_not_fit() -> None:
    with pytest.raises(PatternError, match="whole number of 2-bar clave phrases"):
        build_pattern("salsa", bars=3)
    with pytest.raises(PatternError, match="not played in clave"):
        build_pattern("merengue", clave="2-3")
    with pytest.raises(PatternError, match="is not 2-3 or 3-2"):
        build_pattern("salsa", clave="3-3")
    with pytest.raises(PatternError, match="300 bpm"):
        build_pattern("salsa", bpm=300)
    with pytest.raises(PatternError, match="key note 12"):
        build_pattern("salsa", key_note=12)
    with pytest.raises(PatternError, match="not in clave"):
        with_clave(build_pattern("rock"), "3-2")


def test_strokes_a_listener_tells_apart_have_keys_of_their_own() -> None:
    salsa = build_pattern("salsa")
    conga = INSTRUMENTS["conga"]
    heel, tip, slap = salsa.part("conga").notes[:3]
    # the tumbao's heel, toe and slap are three strokes, not one key at three velocities
    assert (heel.pitch, tip.pitch, slap.pitch) == (
        conga.stroke("heel"),
        conga.stroke("tip"),
        conga.stroke("slap"),
    )
    assert len({heel.pitch, tip.pitch, slap.pitch, conga.stroke("open")}) == 4
    # the cáscara is a stick on the shell, not the macho's head
    timbales = INSTRUMENTS["timbales"]
    assert timbales.stroke("cascara") not in (timbales.stroke("high"), timbales.stroke("low"))
    assert {n.pitch for n in salsa.part("timbales").notes} == {timbales.stroke("cascara")}
    # the mambo bell and the bongo bell are two bells: the Mambo's interlocking bells are heard
    mambo = build_pattern("mambo")
    bongo_bell = {n.pitch for n in mambo.part("cowbell").notes}
    mambo_bell = {n.pitch for n in mambo.part("timbales").notes}
    assert bongo_bell == {56}  # GM cowbell
    assert mambo_bell == {67, 68}  # GM agogos: neck high, mouth low
    assert not bongo_bell & mambo_bell
    assert INSTRUMENTS["timbale_bell"].stroke("mouth") == timbales.stroke("bell_mouth")


def test_strokes_sharing_a_key_read_back_by_velocity() -> None:
    salsa = build_pattern("salsa")
    bongo = salsa.part("bongo")
    finger, _, open_tone = bongo.notes[:3]
    assert finger.pitch == open_tone.pitch == INSTRUMENTS["bongo"].stroke("high_open")
    assert open_tone.velocity > finger.velocity
    key = INSTRUMENTS["bongo"].stroke("finger")
    assert grid(bongo.with_notes([Note(0, key, 125)]), salsa).startswith("A.")
    assert grid(bongo.with_notes([Note(0, key, 98)]), salsa).startswith("X.")
    assert grid(bongo.with_notes([Note(0, key, 40)]), salsa).startswith("t.")


def test_the_document_is_generated_from_the_code() -> None:
    document = (ROOT / "docs" / "rhythms.md").read_text(encoding="utf-8")
    assert document == rhythms_markdown(), (
        "docs/rhythms.md is stale: python -m museaud.patterns.flavors --markdown > docs/rhythms.md"
    )
    assert "M. N. M. NN | M. NN M. NN" in document
    assert "x. .x .. x. | .. x. x. ..   (3-2)" in document
