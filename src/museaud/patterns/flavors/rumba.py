"""Rumba: the guaguancó (eighth-note grid, two bars, written 2-3 and played 3-2 by default)."""

from __future__ import annotations

from museaud.patterns.flavors.afro_cuban import RUMBA_CLAVE, SON_CLAVE
from museaud.patterns.flavors.model import Flavor, FlavorPart
from museaud.patterns.flavors.notation import hits

PALITOS = hits(
    "cata",
    "Palitos (guagua)",
    "x. X. Xx .x | X. xX .x .X",
    "The cáscara figure on the catá: one stick plays the rumba clave (accented), the other the "
    "strokes between (2-side: 1, 2, 3, the & of 3, the & of 4; 3-side: 1, 2, the & of 2, the & "
    "of 3, the & of 4).",
    ("formedia_palito",),
)
PALITOS_ONE_STICK = hits(
    "cata",
    "One stick (cáscara)",
    "X. X. XX .X | X. XX .X .X",
    "The same figure, even, as one hand plays it.",
    ("formedia_palito",),
)
SALIDOR = hits(
    "salidor",
    "Salidor: open tone on 4",
    "HT HT HT O. | HT HT HT O.",
    "The low drum keeps heel and toe going and answers with its open tone on 4 of each bar.",
    ("pertout", "salsanor"),
)
SALIDOR_TWO_TONES = hits(
    "salidor",
    "Salidor: open tones on 4 and its &",
    "HT HT HT OO | HT HT HT O.",
    "A second open tone on the & of 4 leading into the 3-side.",
)
TRES_DOS = hits(
    "tres_dos",
    "Tres dos (segundo)",
    "OT HO HT HT | HT TS HT HT",
    "Open tones on 1 and the & of 2 of the 2-side, heel, toe, toe and the slap on the & of 2 "
    "of the 3-side (SalsaNor's 'Guaguancó' without its tumba), heel and toe between.",
    ("pertout", "salsanor"),
)
TRES_DOS_TONES = hits(
    "tres_dos",
    "Tres dos, tones and slap only",
    "O. .O .. .. | .. .S .. ..",
    "Just the melody: the two open tones and the slap.",
    ("salsanor",),
)
QUINTO = hits(
    "quinto",
    "Quinto, a simple phrase",
    "HT HT HS .O | HT HT HT ..",
    "The lead drum improvises; this starting phrase answers on the 2-side with a slap on the & "
    "of 3 and an open tone on the & of 4.",
)
QUINTO_TIME = hits(
    "quinto",
    "Quinto keeping time",
    "HT HT HT HT | HT HT HT HT",
    "Heel and toe only, waiting to come in.",
)
SHEKERE = hits(
    "shekere",
    "On the beats",
    "X. x. X. x. | X. x. X. x.",
    "The chekeré on the main beats, 1 and 3 accented.",
    ("wikipedia_guaguanco",),
)
SHEKERE_EIGHTHS = hits(
    "shekere",
    "Eighths",
    "Xx xx Xx xx | Xx xx Xx xx",
    "Steady eighths, 1 and 3 accented.",
)

RUMBA = Flavor(
    key="rumba",
    name="Rumba",
    description=(
        "Rumba as the Havana guaguancó: rumba clave in 3-2, the palitos on the catá, three "
        "congas — the salidor (low) and the tres dos (middle) locked in their melody, the "
        "quinto (high) free to improvise, muted at first — and the chekeré on the beats."
    ),
    bpm=110,
    bpm_range=(90, 130),
    steps_per_beat=2,
    clave="3-2",
    parts=(
        FlavorPart(
            "clave",
            "The rumba clave: the key of the rhythm.",
            (RUMBA_CLAVE, SON_CLAVE),
            0.85,
            0.1,
        ),
        FlavorPart(
            "cata",
            "The palitos on the catá (guagua), a bamboo tube or the side of a drum.",
            (PALITOS, PALITOS_ONE_STICK),
            0.6,
            0.3,
        ),
        FlavorPart(
            "salidor",
            "The salidor, lowest drum: the foundation, open tone on 4.",
            (SALIDOR, SALIDOR_TWO_TONES),
            0.85,
            -0.3,
        ),
        FlavorPart(
            "tres_dos",
            "The tres dos (segundo), middle drum: the melody with the salidor.",
            (TRES_DOS, TRES_DOS_TONES),
            0.8,
            0.0,
        ),
        FlavorPart(
            "quinto",
            "The quinto, highest drum: the lead voice, in dialogue with singer and dancers.",
            (QUINTO, QUINTO_TIME),
            0.7,
            0.35,
            enabled=False,
        ),
        FlavorPart(
            "shekere", "The chekeré on the main beats.", (SHEKERE, SHEKERE_EIGHTHS), 0.4, -0.4
        ),
    ),
    feel="Felt in two; the rumba clave's third stroke falls on the & of 4 of the 3-side.",
    sources=("pertout", "formedia_palito", "wikipedia_guaguanco", "salsanor"),
)
