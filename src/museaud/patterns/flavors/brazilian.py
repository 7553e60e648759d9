"""Bossa nova (eighths, written 2-3, played 3-2 by default)."""

from __future__ import annotations

from museaud.patterns.flavors.model import Flavor, FlavorPart
from museaud.patterns.flavors.notation import hits, tune

BOSSA_NOVA = Flavor(
    key="bossa-nova",
    name="Bossa nova",
    description=(
        "Brazilian bossa nova on the drum set: the cross-stick plays the bossa clave over the "
        "surdo-like bass drum (1, the & of 2, 3, the & of 4), straight eighths on the hi-hat, and "
        "a nylon guitar's batida over a ii–V–I."
    ),
    bpm=130,
    bpm_range=(100, 160),
    steps_per_beat=2,
    clave="3-2",
    parts=(
        FlavorPart(
            "snare",
            "The cross-stick (rim click) on the bossa clave.",
            (
                hits(
                    "snare",
                    "Cross-stick on the bossa clave",
                    ".. r. .r .. | r. .r .. r.",
                    "Son clave with the last stroke of the 2-side an eighth later (3-2: 1, the & "
                    "of 2, 4 | 2, the & of 3).",
                    ("fonseca",),
                ),
                hits(
                    "snare",
                    "Cross-stick on the son clave",
                    ".. r. r. .. | r. .r .. r.",
                    "The Cuban clave for a harder feel.",
                ),
            ),
            0.65,
            0.1,
        ),
        FlavorPart(
            "kick",
            "The bass drum imitates the surdo.",
            (
                hits(
                    "kick",
                    "Bossa bass drum (1, & of 2, 3, & of 4)",
                    "x. .x x. .x | x. .x x. .x",
                    "A dotted quarter and an eighth, twice a bar.",
                    ("fonseca",),
                ),
                hits(
                    "kick",
                    "Half notes",
                    "x. .. x. .. | x. .. x. ..",
                    "Just 1 and 3.",
                    ("fonseca",),
                ),
            ),
            0.7,
        ),
        FlavorPart(
            "closed_hat",
            "Straight eighths, the shaker's job on the kit.",
            (
                hits(
                    "closed_hat",
                    "Eighths",
                    "xx xx xx xx | xx xx xx xx",
                    "Even eighths.",
                    ("fonseca",),
                ),
                hits(
                    "closed_hat",
                    "Quarter notes",
                    "x. x. x. x. | x. x. x. x.",
                    "A sparser hi-hat.",
                    ("fonseca",),
                ),
            ),
            0.4,
            0.3,
        ),
        FlavorPart(
            "pedal_hat",
            "The hi-hat foot.",
            (
                hits(
                    "pedal_hat",
                    "Foot on 2 and 4",
                    ".. x. .. x. | .. x. .. x.",
                    "The foot on 2 and 4.",
                    ("fonseca",),
                ),
                hits(
                    "pedal_hat",
                    "Foot on every beat",
                    "x. x. x. x. | x. x. x. x.",
                    "The foot on every beat.",
                    ("fonseca",),
                ),
            ),
            0.35,
            0.3,
        ),
        FlavorPart(
            "bass",
            "Root and fifth with the bass drum's rhythm.",
            (
                tune(
                    "Root and fifth (Cmaj7 | Dm7 G7)",
                    2,
                    [
                        ("1:1", "C2", 3),
                        ("1:2&", "G1", 1),
                        ("1:3", "G1", 3),
                        ("1:4&", "G1", 1),
                        ("2:1", "D2", 3),
                        ("2:2&", "A1", 1),
                        ("2:3", "G1", 3),
                        ("2:4&", "D2", 1),
                    ],
                    "Follows the bass drum: 1, the & of 2, 3, the & of 4.",
                ),
                tune(
                    "Half notes",
                    2,
                    [("1:1", "C2", 4), ("1:3", "G1", 4), ("2:1", "D2", 4), ("2:3", "G1", 4)],
                    "Root and fifth on 1 and 3.",
                ),
            ),
            0.85,
        ),
        FlavorPart(
            "guitar",
            "The nylon guitar's batida: thumb on the bass, fingers on the clave.",
            (
                tune(
                    "Batida",
                    2,
                    [
                        ("1:1", "C3", 2),
                        ("1:2", "G3 B3 E4", 1, 84),
                        ("1:3", "G2", 2),
                        ("1:3&", "G3 B3 E4", 1, 84),
                        ("2:1", "D3", 2),
                        ("2:1", "A3 C4 F4", 1, 84),
                        ("2:2&", "A3 C4 F4", 1, 84),
                        ("2:3", "G2", 2),
                        ("2:4", "F3 B3 D4", 1, 84),
                    ],
                    "The thumb on 1 and 3, chords on the bossa clave's strokes.",
                ),
                tune(
                    "Chords on the beats",
                    2,
                    [(f"1:{b}", "G3 B3 E4", 2) for b in range(1, 5)]
                    + [(f"2:{b}", "A3 C4 F4", 2) for b in (1, 2)]
                    + [(f"2:{b}", "F3 B3 D4", 2) for b in (3, 4)],
                    "Quarter-note chords, Cmaj7 | Dm7 G7.",
                ),
            ),
            0.6,
            -0.25,
        ),
    ),
    feel="Written in 4/4 eighths (two bars of the 2/4 sixteenths Brazilians write).",
    sources=("fonseca",),
)
