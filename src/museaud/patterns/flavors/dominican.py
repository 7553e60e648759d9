"""The Dominican flavours: merengue and bachata (sixteenth-note grid)."""

from __future__ import annotations

from museaud.patterns.flavors.model import Flavor, FlavorPart
from museaud.patterns.flavors.notation import hits, tune

GUIRA_MERENGUE = hits(
    "guira",
    "Merengue (accent on 2)",
    "L.ss A.ss L.ss A.ss | L.ss A.ss L.ss A.ss",
    "A long scrape then two short ones on every beat, the second beat of each 2/4 bar accented.",
    ("salsanor",),
)
GUIRA_STEADY = hits(
    "guira",
    "Long, short-short",
    "L.ss L.ss L.ss L.ss | L.ss L.ss L.ss L.ss",
    "The constant scrape: an eighth and two sixteenths per beat.",
    ("salsanor",),
)
GUIRA_DOWNBEATS = hits(
    "guira",
    "Long on the beat, short on the &",
    "L.s. L.s. L.s. L.s. | L.s. L.s. L.s. L.s.",
    "A lighter güira for slower songs.",
    ("salsanor",),
)

MERENGUE = Flavor(
    key="merengue",
    name="Merengue",
    description=(
        "The Dominican merengue (merengue derecho): the güira scraping without pause, the "
        "tambora's slap, rim and open tone with its five-stroke repique, the bass on every beat "
        "and the piano's bass-and-chord comp."
    ),
    bpm=150,
    bpm_range=(110, 180),
    steps_per_beat=4,
    clave=None,
    parts=(
        FlavorPart(
            "guira",
            "The güira: the constant scraping pattern with its accents.",
            (GUIRA_MERENGUE, GUIRA_STEADY, GUIRA_DOWNBEATS),
            0.55,
            0.35,
        ),
        FlavorPart(
            "tambora",
            "The tambora: hand on one head, stick on the other head and the rim.",
            (
                hits(
                    "tambora",
                    "Derecho with the repique",
                    "S..R S.O. S..R SOSO | S..R S.O. S..R SOSO",
                    "The derecho (below), every second 2/4 bar ending with the repique "
                    "(quintillo): five sixteenths from 2 to the next 1, hand and stick "
                    "alternating, hand-stick-hand-stick into the hand's slap on 1.",
                ),
                hits(
                    "tambora",
                    "Derecho, repique every fourth 2/4 bar",
                    "S..R S.O. S..R S.O. | S..R S.O. S..R SOSO",
                    "The repique only at the end of the phrase.",
                ),
                hits(
                    "tambora",
                    "Derecho without the repique",
                    "S..R S.O. S..R S.O. | S..R S.O. S..R S.O.",
                    "The bare ostinato: slap on each beat, rim on the a of the first, open tone "
                    "on the & of the second. SalsaNor's 'Basic' tambora has strokes at these "
                    "places with three sounds; which sound is slap, rim or open is museaud's "
                    "reading.",
                    ("salsanor",),
                ),
            ),
            0.85,
            -0.2,
        ),
        FlavorPart(
            "bass",
            "The bass on every beat, root and fifth.",
            (
                tune(
                    "Root and fifth on the beats (I–V7)",
                    4,
                    [
                        ("1:1", "C2", 2),
                        ("1:2", "G1", 2),
                        ("1:3", "C2", 2),
                        ("1:4", "G1", 2),
                        ("2:1", "G1", 2),
                        ("2:2", "D2", 2),
                        ("2:3", "G1", 2),
                        ("2:4", "D2", 2),
                    ],
                    "C | G7, alternating root and fifth.",
                ),
                tune(
                    "Roots on the beats",
                    4,
                    [(f"1:{b}", "C2", 2) for b in range(1, 5)]
                    + [(f"2:{b}", "G1", 2) for b in range(1, 5)],
                    "C | G7, the root on every beat.",
                ),
                tune(
                    "SalsaNor's 1-5-1-5-4-1-4 (I–IV)",
                    4,
                    [
                        ("1:1", "C2", 2),
                        ("1:2", "G2", 2),
                        ("1:3", "C2", 2),
                        ("1:4", "G2", 2),
                        ("2:1", "F2", 2),
                        ("2:2", "C2", 2),
                        ("2:3", "F2", 7),
                    ],
                    "C | F, the IV held from 3 (SalsaNor's merengue bass, for a I–IV comp).",
                    ("salsanor",),
                ),
            ),
            0.9,
        ),
        FlavorPart(
            "piano",
            "Bass note on the beat, chord on the &.",
            (
                tune(
                    "Merengue comp I–V7",
                    4,
                    [
                        ("1:1", "C3", 2),
                        ("1:1&", "E4 G4 C5", 2, 84),
                        ("1:2", "G3", 2),
                        ("1:2&", "E4 G4 C5", 2, 84),
                        ("1:3", "C3", 2),
                        ("1:3&", "E4 G4 C5", 2, 84),
                        ("1:4", "G3", 2),
                        ("1:4&", "E4 G4 C5", 2, 84),
                        ("2:1", "G2", 2),
                        ("2:1&", "B3 D4 F4", 2, 84),
                        ("2:2", "D3", 2),
                        ("2:2&", "B3 D4 F4", 2, 84),
                        ("2:3", "G2", 2),
                        ("2:3&", "B3 D4 F4", 2, 84),
                        ("2:4", "D3", 2),
                        ("2:4&", "B3 D4 F4", 2, 84),
                    ],
                    "The left hand on the beat, the right hand's chord on every &.",
                ),
                tune(
                    "Off-beat chords",
                    4,
                    [(f"1:{b}&", "E4 G4 C5", 2, 84) for b in range(1, 5)]
                    + [(f"2:{b}&", "B3 D4 F4", 2, 84) for b in range(1, 5)],
                    "Only the right hand's chords, C | G7.",
                ),
            ),
            0.5,
            -0.15,
        ),
    ),
    feel="Written in 4/4; each bar is two bars of the merengue's 2/4.",
    sources=("salsanor", "austerlitz"),
)

BACHATA = Flavor(
    key="bachata",
    name="Bachata",
    description=(
        "Dominican bachata (derecho): the bongó's martillo with the hembra on 4, the güira's "
        "long and short scrapes, a syncopated bass and the rhythm guitar's arpeggios."
    ),
    bpm=128,
    bpm_range=(110, 150),
    steps_per_beat=4,
    clave=None,
    parts=(
        FlavorPart(
            "bongo_bachata",
            "The bongó's martillo, the bachata's heartbeat.",
            (
                hits(
                    "bongo_bachata",
                    "Derecho (martillo)",
                    "X.t. X.t. X.t. O.t. | X.t. X.t. X.t. O.t.",
                    "Eighths: finger strokes on the beats, thumb between, the hembra on 4.",
                ),
                hits(
                    "bongo_bachata",
                    "Derecho, open tones on 4 and its &",
                    "X.t. X.t. X.t. O.O. | X.t. X.t. X.t. O.O.",
                    "The hembra answers twice.",
                ),
            ),
            0.7,
            0.3,
        ),
        FlavorPart(
            "guira",
            "The güira's steady scrape.",
            (
                GUIRA_STEADY,
                hits(
                    "guira",
                    "Eighths, accent on the beat",
                    "A.s. A.s. A.s. A.s. | A.s. A.s. A.s. A.s.",
                    "Struck eighths for the calmer parts.",
                ),
            ),
            0.5,
            -0.35,
        ),
        FlavorPart(
            "bass",
            "A syncopated bass under the guitar.",
            (
                tune(
                    "Bachata bass I | IV V",
                    4,
                    [
                        ("1:1", "C2", 6),
                        ("1:2&", "C2", 2),
                        ("1:3", "G2", 6),
                        ("1:4&", "G2", 2),
                        ("2:1", "F2", 6),
                        ("2:2&", "F2", 2),
                        ("2:3", "G2", 6),
                        ("2:4&", "G2", 2),
                    ],
                    "A dotted quarter and an eighth per half bar (1, the & of 2, 3, the & of 4).",
                ),
                tune(
                    "Roots on 1 and 3",
                    4,
                    [("1:1", "C2", 8), ("1:3", "G2", 8), ("2:1", "F2", 8), ("2:3", "G2", 8)],
                    "Half notes.",
                ),
            ),
            0.9,
        ),
        FlavorPart(
            "guitar",
            "The rhythm guitar's arpeggios (the requinto would play over them).",
            (
                tune(
                    "Arpeggio I | IV V",
                    4,
                    [
                        ("1:1", "C4", 2, 88),
                        ("1:1&", "E4", 2, 88),
                        ("1:2", "G4", 2, 88),
                        ("1:2&", "E4", 2, 88),
                        ("1:3", "C5", 2, 88),
                        ("1:3&", "G4", 2, 88),
                        ("1:4", "E4", 2, 88),
                        ("1:4&", "G4", 2, 88),
                        ("2:1", "F4", 2, 88),
                        ("2:1&", "A4", 2, 88),
                        ("2:2", "C5", 2, 88),
                        ("2:2&", "A4", 2, 88),
                        ("2:3", "G4", 2, 88),
                        ("2:3&", "B4", 2, 88),
                        ("2:4", "D5", 2, 88),
                        ("2:4&", "B4", 2, 88),
                    ],
                    "Eighth-note arpeggios, C | F G.",
                ),
                tune(
                    "Chords on the beats",
                    4,
                    [(f"1:{b}", "C4 E4 G4", 4) for b in range(1, 5)]
                    + [(f"2:{b}", "F4 A4 C5", 4) for b in (1, 2)]
                    + [(f"2:{b}", "G4 B4 D5", 4) for b in (3, 4)],
                    "Quarter-note chords.",
                ),
            ),
            0.55,
            -0.2,
        ),
    ),
    feel="Four even beats; the bongó's hembra marks the 4.",
    sources=("pacini",),
)
