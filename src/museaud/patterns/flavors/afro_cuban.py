"""The Afro-Cuban flavours: salsa, son montuno, mambo and cha-cha-chá (eighth-note grid,
two bars; the clave-based ones written 2-3)."""

from __future__ import annotations

from museaud.patterns.flavors.model import Flavor, FlavorPart
from museaud.patterns.flavors.notation import hits, tune

SON_CLAVE = hits(
    "clave",
    "Son clave",
    ".. x. x. .. | x. .x .. x.",
    "2-3: the 2-side strokes on beats 2 and 3, the 3-side on 1, the & of 2 and 4.",
    ("uribe", "mauleon", "salsanor"),
)
RUMBA_CLAVE = hits(
    "clave",
    "Rumba clave",
    ".. x. x. .. | x. .x .. .x",
    "As son clave with the last stroke of the 3-side moved to the & of 4.",
    ("uribe", "salsanor"),
)
BONGO_BELL = hits(
    "cowbell",
    "Bongo bell (montuno)",
    "M. N. M. NN | M. NN M. NN",
    "The bongocero's bell in the montuno: mouth on 1 and 3, neck around it; the neck stroke on "
    "the & of 2 is left out on the 2-side, so the bell states the clave (eleven strokes).",
    ("uribe", "salsanor"),
)
BONGO_BELL_BASIC = hits(
    "cowbell",
    "Bongo bell, both bars alike",
    "M. NN M. NN | M. NN M. NN",
    "The same bell without the clave-side gap (twelve strokes).",
    ("uribe",),
)
BELL_QUARTERS = hits(
    "cowbell",
    "Quarter notes",
    "M. N. M. N. | M. N. M. N.",
    "The pulse alone, mouth on 1 and 3 — a practice and build-up part.",
    ("salsanor",),
)
TUMBAO = hits(
    "conga",
    "Tumbao",
    "HT ST HT OO | HT ST HT OO",
    "Heel-toe, slap on 2, heel-toe, open tones on 4 and the & of 4.",
    ("uribe", "wikipedia_conga", "salsanor"),
)
TUMBAO_CLAVE = hits(
    "conga",
    "Tumbao marking the clave",
    "HT ST HT OO | HT ST HT O.",
    "Two open tones before the 3-side, a single one with its third stroke (the ponche).",
    ("wikipedia_conga",),
)
TUMBAO_TWO_DRUMS = hits(
    "conga",
    "Tumbao on two drums",
    "HT ST HT OO | HT ST HT LL",
    "The 3-side's open tones move to the tumba.",
    ("salsanor",),
)
TUMBAO_BOMBO = hits(
    "conga",
    "Tumbao with the bombo on the tumba",
    "HT ST HT OO | HT SL LT OO",
    "On the 3-side the tumba sounds the bombo on the & of 2 and again on 3 (SalsaNor's "
    "'Tumbao 2 Congas 1').",
    ("salsanor",),
)
MARTILLO = hits(
    "bongo",
    "Martillo",
    "Xt At Xt Ot | Xt At Xt Ot",
    "Eighths on the macho: finger strokes on 1 and 3, an open macho tone on 2, the thumb "
    "between, the hembra's open tone on 4 (SalsaNor's 'Martillo' has its own sound on 2).",
    ("uribe", "salsanor"),
)
MARTILLO_OPEN = hits(
    "bongo",
    "Martillo, open tones on 4 and the & of 4",
    "Xt At Xt OO | Xt At Xt OO",
    "The hembra answers twice, as the congas do.",
)
CASCARA = hits(
    "timbales",
    "Cáscara (paila)",
    "C. C. cC .c | C. cC .C .c",
    "Sticks on the shell for verses: 1, 2, 3, the & of 3 and the & of 4 on the 2-side; 1, 2, "
    "the & of 2, the & of 3 and the & of 4 on the 3-side.",
    ("uribe", "changuito", "timbales_notebook", "salsanor"),
)
CASCARA_HEMBRA = hits(
    "timbales",
    "Cáscara with the hembra on 4",
    "C. C. cC Lc | C. cC .C Lc",
    "The other hand adds the hembra's open tone on 4.",
    ("timbales_notebook",),
)
MAMBO_BELL = hits(
    "timbales",
    "Mambo bell (contra campana)",
    "M. M. NN MM | .N NM M. NN",
    "The timbalero's bell for the montuno and mambo sections, two mouth strokes then two neck "
    "strokes around the cycle; it interlocks with the bongo bell.",
    ("changuito", "timbales_notebook", "salsanor"),
)
GUIRO_SON = hits(
    "guiro",
    "Long, short-short",
    "L. SS L. SS | L. SS L. SS",
    "A long scrape on 1 and 3, two short strokes after each (one cell per half bar).",
    ("uribe", "salsanor"),
)
GUIRO_EIGHTHS = hits(
    "guiro",
    "Long on the beat, short on the &",
    "LS LS LS LS | LS LS LS LS",
    "A busier güiro for the montuno.",
)
MARACAS_EIGHTHS = hits(
    "maracas",
    "Eighths, upbeats accented",
    "xX xX xX xX | xX xX xX xX",
    "Steady eighths, the upbeats accented by the leading hand.",
    ("uribe", "salsanor"),
)
MARACAS_SON = hits(
    "maracas",
    "Son (long, short-short)",
    "X. xx X. xx | X. xx X. xx",
    "The güiro's cell on the maracas.",
    ("salsanor",),
)

_MONTUNO_SOURCES = ("mauleon", "salsanor")
BASS_TUMBAO = tune(
    "Tumbao I–IV–V–IV (anticipated)",
    2,
    [("1:2&", "F2", 3), ("1:4", "G2", 5), ("2:2&", "F2", 3), ("2:4", "C2", 2)],
    "No note on 1: the & of 2 and beat 4 each play the root of the chord that comes next "
    "(C | F, G | F).",
    _MONTUNO_SOURCES,
)
BASS_FIVE_ONE = tune(
    "Tumbao on one chord (5–8–5–1)",
    2,
    [("1:2&", "G2", 3), ("1:4", "C3", 5), ("2:2&", "G2", 3), ("2:4", "C2", 2)],
    "Fifth on the & of 2, root on 4, over a single chord.",
    _MONTUNO_SOURCES,
)
BASS_DOWNBEAT = tune(
    "Tumbao with the downbeat (1–5–1–5–8)",
    2,
    [("1:1", "C2", 3), ("1:2&", "G2", 3), ("1:4", "C2", 5), ("2:2&", "G2", 3), ("2:4", "C3", 2)],
    "Root on the 1 of the 2-side bar, then the anticipated tumbao.",
    ("salsanor",),
)
MONTUNO = tune(
    "Montuno I–IV–V–IV",
    2,
    [
        ("1:1", "C4 C5", 1, 100),
        ("1:2", "E4 G4", 1, 84),
        ("1:2&", "F4 F5", 1, 100),
        ("1:3&", "A4 C5", 1, 84),
        ("1:4&", "G4 G5", 1, 100),
        ("2:1&", "B4 D5", 1, 84),
        ("2:2&", "F4 F5", 1, 100),
        ("2:3&", "A4 C5", 1, 84),
        ("2:4&", "C4 C5", 1, 100),
    ],
    "The guajeo in octaves with the chord's third and fifth between: on the beat on the 2-side, "
    "off the beat on the 3-side, each chord anticipated by an eighth. In 3-2 the bars trade "
    "rhythms and the chords keep their order, so I still comes first.",
    _MONTUNO_SOURCES,
)
MONTUNO_MINOR = tune(
    "Montuno i–iv–V–iv (minor)",
    2,
    [
        ("1:1", "C4 C5", 1, 100),
        ("1:2", "Eb4 G4", 1, 84),
        ("1:2&", "F4 F5", 1, 100),
        ("1:3&", "Ab4 C5", 1, 84),
        ("1:4&", "G4 G5", 1, 100),
        ("2:1&", "B4 D5", 1, 84),
        ("2:2&", "F4 F5", 1, 100),
        ("2:3&", "Ab4 C5", 1, 84),
        ("2:4&", "C4 C5", 1, 100),
    ],
    "The same guajeo in C minor (the V keeps its major third).",
    _MONTUNO_SOURCES,
)
TRES_GUAJEO = tune(
    "Guajeo I–IV–V–IV",
    2,
    [
        ("1:1", "E4 C5", 1, 100),
        ("1:2", "G4", 1, 86),
        ("1:2&", "F4 A4", 1, 100),
        ("1:3&", "C5", 1, 86),
        ("1:4", "A4", 1, 86),
        ("1:4&", "G4 B4", 1, 100),
        ("2:1&", "D5", 1, 86),
        ("2:2&", "F4 A4", 1, 100),
        ("2:3&", "C5", 1, 86),
        ("2:4&", "E4 C5", 1, 100),
    ],
    "The tres's ostinato over the bass's progression: double stops anticipating each chord, "
    "single notes between; on the beat on the 2-side, off the beat on the 3-side.",
    ("mauleon",),
)
TRES_GUAJEO_DOMINANT = tune(
    "Guajeo I–V7–V7–I",
    2,
    [
        ("1:1", "E4 C5", 1, 100),
        ("1:2", "G4", 1, 86),
        ("1:2&", "F4 B4", 1, 100),
        ("1:3&", "D5", 1, 86),
        ("1:4", "B4", 1, 86),
        ("1:4&", "F4 B4", 1, 100),
        ("2:1&", "D5", 1, 86),
        ("2:2&", "E4 C5", 1, 100),
        ("2:3&", "G4", 1, 86),
        ("2:4&", "E4 C5", 1, 100),
    ],
    "The same ostinato over tonic and dominant.",
    ("mauleon",),
)

_PERC_ROLES = {
    "clave": "The key of the rhythm: everything else is placed against it.",
    "cowbell": "The bongocero's hand bell (campana), played in the montuno.",
    "conga": "The tumbadora's tumbao, the groove's steady engine.",
    "bongo": "The bongó's martillo, in verses; the bongocero takes the bell in the montuno.",
    "timbales": "Cáscara on the shell for verses, the mambo bell for the montuno and mambo.",
    "guiro": "The scraper's long and short strokes.",
    "maracas": "Steady shaking, the son's pulse.",
}


def _salsa_parts(bongo_on: bool, maracas_on: bool) -> tuple[FlavorPart, ...]:
    return (
        FlavorPart("clave", _PERC_ROLES["clave"], (SON_CLAVE, RUMBA_CLAVE), 0.85, 0.1),
        FlavorPart(
            "cowbell",
            _PERC_ROLES["cowbell"],
            (BONGO_BELL, BONGO_BELL_BASIC, BELL_QUARTERS),
            0.6,
            0.25,
        ),
        FlavorPart(
            "conga",
            _PERC_ROLES["conga"],
            (TUMBAO, TUMBAO_CLAVE, TUMBAO_TWO_DRUMS, TUMBAO_BOMBO),
            0.85,
            -0.3,
        ),
        FlavorPart("bongo", _PERC_ROLES["bongo"], (MARTILLO, MARTILLO_OPEN), 0.6, 0.35, bongo_on),
        FlavorPart(
            "timbales",
            _PERC_ROLES["timbales"],
            (CASCARA, CASCARA_HEMBRA, MAMBO_BELL),
            0.6,
            0.2,
        ),
        FlavorPart("guiro", _PERC_ROLES["guiro"], (GUIRO_SON, GUIRO_EIGHTHS), 0.45, -0.4),
        FlavorPart(
            "maracas", _PERC_ROLES["maracas"], (MARACAS_EIGHTHS, MARACAS_SON), 0.4, 0.4, maracas_on
        ),
        FlavorPart(
            "bass",
            "The anticipated tumbao: it plays the coming chord before it arrives.",
            (BASS_TUMBAO, BASS_FIVE_ONE, BASS_DOWNBEAT),
            0.95,
        ),
        FlavorPart(
            "piano",
            "The montuno (guajeo), locked to the clave.",
            (MONTUNO, MONTUNO_MINOR),
            0.6,
            -0.15,
        ),
    )


SALSA = Flavor(
    key="salsa",
    name="Salsa",
    description=(
        "Son-based dance music from New York and the Caribbean, felt in cut time. The default "
        "is a montuno section: clave, bongo bell, conga tumbao, cáscara, güiro, anticipated bass "
        "and a piano montuno. The bongó's martillo and the maracas are there but start muted "
        "(the bongocero has taken the bell; maracas belong to the son)."
    ),
    bpm=180,
    bpm_range=(150, 240),
    steps_per_beat=2,
    clave="2-3",
    parts=_salsa_parts(bongo_on=False, maracas_on=False),
    feel="Cut time: two strong pulses a bar (1 and 3).",
    sources=("uribe", "mauleon", "changuito", "salsanor"),
)

SON_MONTUNO = Flavor(
    key="son-montuno",
    name="Son montuno",
    description=(
        "The Cuban son of Arsenio Rodríguez's conjuntos: clave, bongó martillo, maracas and "
        "güiro, conga tumbao, a tres guajeo and the anticipated bass. The bongo bell waits, "
        "muted, for the montuno."
    ),
    bpm=160,
    bpm_range=(120, 210),
    steps_per_beat=2,
    clave="2-3",
    parts=(
        FlavorPart("clave", _PERC_ROLES["clave"], (SON_CLAVE, RUMBA_CLAVE), 0.85, 0.1),
        FlavorPart("bongo", _PERC_ROLES["bongo"], (MARTILLO, MARTILLO_OPEN), 0.7, 0.3),
        FlavorPart(
            "cowbell",
            _PERC_ROLES["cowbell"],
            (BONGO_BELL, BONGO_BELL_BASIC, BELL_QUARTERS),
            0.55,
            0.3,
            enabled=False,
        ),
        FlavorPart("maracas", _PERC_ROLES["maracas"], (MARACAS_SON, MARACAS_EIGHTHS), 0.45, 0.4),
        FlavorPart("guiro", _PERC_ROLES["guiro"], (GUIRO_SON, GUIRO_EIGHTHS), 0.35, -0.4),
        FlavorPart(
            "conga",
            _PERC_ROLES["conga"],
            (TUMBAO, TUMBAO_CLAVE, TUMBAO_TWO_DRUMS, TUMBAO_BOMBO),
            0.8,
            -0.3,
        ),
        FlavorPart(
            "tres",
            "The tres guajeo: the son's harmonic and rhythmic ostinato.",
            (TRES_GUAJEO, TRES_GUAJEO_DOMINANT),
            0.65,
            -0.2,
        ),
        FlavorPart(
            "bass",
            "The anticipated bass of the son (bajo anticipado).",
            (BASS_TUMBAO, BASS_FIVE_ONE, BASS_DOWNBEAT),
            0.95,
        ),
    ),
    feel="Cut time, as salsa; a little slower and lighter.",
    sources=("uribe", "mauleon", "salsanor"),
)

MAMBO = Flavor(
    key="mambo",
    name="Mambo",
    description=(
        "The big-band mambo and the mambo section of a salsa: the timbalero on the mambo bell "
        "against the bongo bell, congas on two drums, the anticipated bass and the montuno."
    ),
    bpm=200,
    bpm_range=(170, 250),
    steps_per_beat=2,
    clave="2-3",
    parts=(
        FlavorPart("clave", _PERC_ROLES["clave"], (SON_CLAVE, RUMBA_CLAVE), 0.8, 0.1),
        FlavorPart(
            "timbales",
            _PERC_ROLES["timbales"],
            (MAMBO_BELL, CASCARA, CASCARA_HEMBRA),
            0.6,
            0.2,
        ),
        FlavorPart(
            "cowbell",
            _PERC_ROLES["cowbell"],
            (BONGO_BELL, BONGO_BELL_BASIC, BELL_QUARTERS),
            0.55,
            0.3,
        ),
        FlavorPart(
            "conga",
            _PERC_ROLES["conga"],
            (TUMBAO_TWO_DRUMS, TUMBAO, TUMBAO_CLAVE, TUMBAO_BOMBO),
            0.85,
            -0.3,
        ),
        FlavorPart(
            "bass",
            "The anticipated tumbao.",
            (BASS_TUMBAO, BASS_FIVE_ONE, BASS_DOWNBEAT),
            0.95,
        ),
        FlavorPart("piano", "The montuno under the horns.", (MONTUNO, MONTUNO_MINOR), 0.6, -0.15),
    ),
    feel="Cut time, fast.",
    sources=("uribe", "changuito", "mauleon", "salsanor"),
)

# --- cha-cha-chá (eighths, not rotated: its parts repeat every bar) ------------------------------

CHACHA = Flavor(
    key="cha-cha-cha",
    name="Cha-cha-chá",
    description=(
        "Enrique Jorrín's dance from the danzón orchestras: the cha-cha bell on every beat, the "
        "güiro's long strokes with the 'cha-cha' on 4 and its &, the conga tumbao and the "
        "timbales' hembra marking the same figure, landing on the 'chá' of the next 1."
    ),
    bpm=120,
    bpm_range=(100, 140),
    steps_per_beat=2,
    clave=None,
    parts=(
        FlavorPart(
            "timbale_bell",
            "The cha-cha bell, mounted on the timbales: quarter notes.",
            (
                hits(
                    "timbale_bell",
                    "Quarter notes, mouth on 1 and 3",
                    "M. N. M. N. | M. N. M. N.",
                    "The cha-cha bell on every beat; the mouth and neck are museaud's choice.",
                ),
                hits(
                    "timbale_bell",
                    "Quarter notes on the mouth",
                    "M. M. M. M. | M. M. M. M.",
                    "Every beat on the mouth, as many timbaleros play it.",
                    ("timbales_notebook",),
                ),
            ),
            0.6,
            0.2,
        ),
        FlavorPart(
            "guiro",
            "The cha-cha-chá güiro.",
            (
                hits(
                    "guiro",
                    "Cha-cha-chá (long on 1 and 3, short on 2, 4 and their &)",
                    "L. SS L. SS | L. SS L. SS",
                    "A long stroke on 1 and 3, two short ones after each: the 'cha-cha' of 4 and "
                    "its & lands on the 'chá' of the next 1.",
                    ("mma_chacha",),
                ),
                GUIRO_EIGHTHS,
            ),
            0.5,
            -0.4,
        ),
        FlavorPart(
            "conga",
            _PERC_ROLES["conga"],
            (
                TUMBAO,
                hits(
                    "conga",
                    "Tumbao with the tumba on 1",
                    "LT ST HT OO | LT ST HT OO",
                    "The tumba sounds the 'chá' each bar.",
                ),
            ),
            0.8,
            -0.3,
        ),
        FlavorPart(
            "timbales",
            "The hembra of the timbales marks the cha-cha figure.",
            (
                hits(
                    "timbales",
                    "Hembra: the cha-cha on 4 and its &",
                    ".. .D .. LL | .. .D .. LL",
                    "A muffled stroke on the & of 2, open tones on 4 and its &.",
                    ("timbales_notebook",),
                ),
                hits(
                    "timbales",
                    "Hembra on 2 (muffled) and 4 (open)",
                    ".. D. .. L. | .. D. .. L.",
                    "The danzón way of marking 2 and 4.",
                    ("timbales_notebook",),
                ),
            ),
            0.55,
            0.2,
        ),
        FlavorPart(
            "bass",
            "Roots on 1, the cha-cha in the bass.",
            (
                tune(
                    "Cha-cha bass I–V7",
                    2,
                    [
                        ("1:1", "C2", 4),
                        ("1:3", "G2", 2),
                        ("1:4", "G2", 1),
                        ("1:4&", "G2", 1),
                        ("2:1", "G2", 4),
                        ("2:3", "D2", 2),
                        ("2:4", "D2", 1),
                        ("2:4&", "D2", 1),
                    ],
                    "Root on 1, fifth on 3, the cha-cha on 4 and its & (C | G7).",
                ),
                tune(
                    "Roots and fifths on 1 and 3",
                    2,
                    [("1:1", "C2", 4), ("1:3", "G2", 4), ("2:1", "G2", 4), ("2:3", "D2", 4)],
                    "Half notes, for slow cha-chas.",
                ),
            ),
            0.9,
        ),
        FlavorPart(
            "piano",
            "Chords that play the cha-cha with the bass.",
            (
                tune(
                    "Cha-cha comp I–V7",
                    2,
                    [
                        ("1:1", "C4 E4 G4", 2),
                        ("1:2&", "C4 E4 G4", 1),
                        ("1:4", "C4 E4 G4", 1),
                        ("1:4&", "C4 E4 G4", 1),
                        ("2:1", "B3 D4 F4 G4", 2),
                        ("2:2&", "B3 D4 F4 G4", 1),
                        ("2:4", "B3 D4 F4 G4", 1),
                        ("2:4&", "B3 D4 F4 G4", 1),
                    ],
                    "Chord on 1, the & of 2, and the cha-cha on 4 and its &.",
                ),
                tune(
                    "Chords on the beats",
                    2,
                    [(f"1:{b}", "C4 E4 G4", 2) for b in range(1, 5)]
                    + [(f"2:{b}", "B3 D4 F4 G4", 2) for b in range(1, 5)],
                    "Quarter-note chords, C | G7.",
                ),
            ),
            0.55,
            -0.15,
        ),
    ),
    feel="Four even beats; the cha-cha-chá lands on 4, its & and the next 1.",
    sources=("uribe", "changuito", "mma_chacha"),
)
