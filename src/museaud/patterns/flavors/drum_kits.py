"""The drum-kit flavours: house, hip-hop, rock, funk and reggaeton (sixteenth-note grid)."""

from __future__ import annotations

from museaud.patterns.flavors.model import Flavor, FlavorPart
from museaud.patterns.flavors.notation import hits

FOUR_ON_THE_FLOOR = hits(
    "kick",
    "Four on the floor",
    "x... x... x... x... | x... x... x... x...",
    "The kick on every beat.",
    ("drum_machine",),
)
SNARE_BACKBEAT = hits(
    "snare",
    "Backbeat (2 and 4)",
    ".... X... .... X... | .... X... .... X...",
    "The snare on 2 and 4.",
    ("drum_machine",),
)
HATS_EIGHTHS = hits(
    "closed_hat",
    "Eighths",
    "X.x. X.x. X.x. X.x. | X.x. X.x. X.x. X.x.",
    "Eighths, the beats accented.",
    ("drum_machine",),
)
HATS_SIXTEENTHS = hits(
    "closed_hat",
    "Sixteenths, eighths accented",
    "XxXx XxXx XxXx XxXx | XxXx XxXx XxXx XxXx",
    "Sixteenths with the eighths accented.",
    ("drum_machine",),
)
KICK_ONE_AND_THREE_AND = hits(
    "kick",
    "1 and the & of 3",
    "x... .... ..x. .... | x... .... ..x. ....",
    "A sparse kick.",
    ("drum_machine",),
)

HOUSE = Flavor(
    key="house",
    name="House",
    description=(
        "Chicago and New York house: four on the floor, claps on 2 and 4, the open hi-hat on "
        "every off-beat over running sixteenths."
    ),
    bpm=124,
    bpm_range=(115, 135),
    steps_per_beat=4,
    clave=None,
    parts=(
        FlavorPart(
            "kick",
            "Four on the floor.",
            (
                FOUR_ON_THE_FLOOR,
                hits(
                    "kick",
                    "Four on the floor, pickup into the next bar",
                    "x... x... x... x... | x... x... x... x.x.",
                    "An extra kick on the & of 4 closing the phrase.",
                    ("drum_machine",),
                ),
            ),
            1.0,
        ),
        FlavorPart(
            "clap",
            "Claps on 2 and 4.",
            (
                hits(
                    "clap",
                    "2 and 4",
                    ".... x... .... x... | .... x... .... x...",
                    "The clap on the backbeat.",
                    ("drum_machine",),
                ),
                hits(
                    "clap",
                    "2 and 4, extra clap closing the phrase",
                    ".... x... .... x... | .... x... .... x..x",
                    "A clap on the a of 4 in the second bar.",
                    ("drum_machine",),
                ),
            ),
            0.75,
        ),
        FlavorPart(
            "closed_hat",
            "Running hi-hats.",
            (
                hits(
                    "closed_hat",
                    "Sixteenths",
                    "xxxx xxxx xxxx xxxx | xxxx xxxx xxxx xxxx",
                    "Even sixteenths.",
                    ("drum_machine",),
                ),
                HATS_EIGHTHS,
            ),
            0.4,
            0.25,
        ),
        FlavorPart(
            "open_hat",
            "The open hi-hat on the off-beat.",
            (
                hits(
                    "open_hat",
                    "Off-beats",
                    "..x. ..x. ..x. ..x. | ..x. ..x. ..x. ..x.",
                    "The open hat on every &.",
                    ("drum_machine",),
                ),
                hits(
                    "open_hat",
                    "Off-beats, doubled at the end",
                    "..x. ..x. ..x. ..x. | ..x. ..x. ..x. ..xx",
                    "An extra open hat on the a of 4 closing the phrase.",
                    ("drum_machine",),
                ),
            ),
            0.55,
            -0.25,
        ),
    ),
    feel="Straight sixteenths, every beat equal.",
    sources=("drum_machine",),
)

HIP_HOP = Flavor(
    key="hip-hop",
    name="Hip-hop",
    description=(
        "Boom bap: the kick's 'boom' on 1 with a pickup before the second half, the snare's "
        "'bap' on 2 and 4, eighth-note hi-hats."
    ),
    bpm=90,
    bpm_range=(80, 100),
    steps_per_beat=4,
    clave=None,
    parts=(
        FlavorPart(
            "kick",
            "The boom.",
            (
                hits(
                    "kick",
                    "Boom bap",
                    "x... ...x ..x. .... | x.x. .... ..x. ....",
                    "1, the a of 2 and the & of 3; then 1, its & and the & of 3.",
                    ("drum_machine",),
                ),
                KICK_ONE_AND_THREE_AND,
            ),
            1.0,
        ),
        FlavorPart(
            "snare",
            "The bap.",
            (
                SNARE_BACKBEAT,
                hits(
                    "snare",
                    "Backbeat with ghost notes",
                    ".... X... .... X..g | .... X... ...g X...",
                    "Ghost notes on the a of 4, then on the a of 3 before the last backbeat.",
                    ("drum_machine",),
                ),
            ),
            0.9,
        ),
        FlavorPart("closed_hat", "The hi-hat.", (HATS_EIGHTHS, HATS_SIXTEENTHS), 0.45, 0.2),
    ),
    feel="Straight as written; producers often add a light sixteenth swing.",
    sources=("drum_machine",),
)

ROCK = Flavor(
    key="rock",
    name="Rock",
    description="The rock backbeat: kick on 1 and 3, snare on 2 and 4, eighths on the hi-hat.",
    bpm=120,
    bpm_range=(90, 160),
    steps_per_beat=4,
    clave=None,
    parts=(
        FlavorPart(
            "kick",
            "Kick on 1 and 3.",
            (
                hits(
                    "kick",
                    "1 and 3",
                    "x... .... x... .... | x... .... x... ....",
                    "The kick on 1 and 3.",
                    ("drum_machine",),
                ),
                hits(
                    "kick",
                    "1, 3 and the & of 3",
                    "x... .... x.x. .... | x... .... x.x. ....",
                    "A push on the & of 3.",
                    ("drum_machine",),
                ),
            ),
            1.0,
        ),
        FlavorPart(
            "snare",
            "The backbeat.",
            (
                SNARE_BACKBEAT,
                hits(
                    "snare",
                    "Backbeat with a fill into the one",
                    ".... X... .... X... | .... X... xxxx xxxx",
                    "Sixteenths on 3 and 4 of the second bar.",
                    ("drum_machine",),
                ),
            ),
            0.9,
        ),
        FlavorPart(
            "closed_hat",
            "Eighths on the hi-hat.",
            (
                HATS_EIGHTHS,
                hits(
                    "closed_hat",
                    "Quarter notes",
                    "X... X... X... X... | X... X... X... X...",
                    "A half-time feel on the hi-hat.",
                    ("drum_machine",),
                ),
            ),
            0.5,
            0.25,
        ),
        FlavorPart(
            "crash",
            "The crash marks the phrase.",
            (
                hits(
                    "crash",
                    "Crash on the one",
                    "x... .... .... .... | .... .... .... ....",
                    "Once per phrase.",
                    ("drum_machine",),
                ),
                hits(
                    "crash",
                    "Crash on every bar",
                    "x... .... .... .... | x... .... .... ....",
                    "On each bar's 1.",
                    ("drum_machine",),
                ),
            ),
            0.45,
            -0.3,
        ),
    ),
    feel="Straight eighths.",
    sources=("drum_machine",),
)

FUNK = Flavor(
    key="funk",
    name="Funk",
    description=(
        "Funk: a syncopated kick, the backbeat surrounded by ghost notes, sixteenth hi-hats."
    ),
    bpm=100,
    bpm_range=(85, 120),
    steps_per_beat=4,
    clave=None,
    parts=(
        FlavorPart(
            "kick",
            "A syncopated kick.",
            (
                hits(
                    "kick",
                    "Syncopated",
                    "x.x. ...x ..x. .... | x... ..x. ..x. ...x",
                    "1, its &, the a of 2, the & of 3; then 1, the & of 2, the & of 3 and the "
                    "a of 4 into the next 1.",
                    ("drum_machine",),
                ),
                KICK_ONE_AND_THREE_AND,
            ),
            1.0,
        ),
        FlavorPart(
            "snare",
            "Backbeat and ghost notes.",
            (
                hits(
                    "snare",
                    "Backbeat with ghost notes",
                    "...g X..g .g.. X..g | ...g X..g .g.. X..g",
                    "Ghost notes on the a of 1, the a of 2, the e of 3 and the a of 4.",
                    ("drum_machine",),
                ),
                SNARE_BACKBEAT,
            ),
            0.9,
        ),
        FlavorPart("closed_hat", "Sixteenth hi-hats.", (HATS_SIXTEENTHS, HATS_EIGHTHS), 0.45, 0.25),
    ),
    feel="Straight sixteenths.",
    sources=("drum_machine",),
)

REGGAETON = Flavor(
    key="reggaeton",
    name="Reggaeton",
    description=(
        "The dembow: the kick on every beat and the snare on the a of 1 and the & of 2 in each "
        "half bar — boom-ch-boom-chick."
    ),
    bpm=95,
    bpm_range=(84, 104),
    steps_per_beat=4,
    clave=None,
    parts=(
        FlavorPart(
            "kick",
            "The kick on every beat.",
            (
                FOUR_ON_THE_FLOOR,
                hits(
                    "kick",
                    "Every beat, pickup into the next bar",
                    "x... x... x... x... | x... x... x... x..x",
                    "An extra kick on the a of 4 closing the phrase.",
                ),
            ),
            1.0,
        ),
        FlavorPart(
            "snare",
            "The dembow snare.",
            (
                hits(
                    "snare",
                    "Dembow",
                    "...X ..X. ...X ..X. | ...X ..X. ...X ..X.",
                    "3+3+2 over each half bar: the a of 1, the & of 2, the a of 3, the & of 4.",
                    ("marshall",),
                ),
                hits(
                    "snare",
                    "Dembow with a roll into the one",
                    "...X ..X. ...X ..X. | ...X ..X. ...X .XXX",
                    "Sixteenths on the last beat.",
                    ("marshall",),
                ),
            ),
            0.9,
        ),
        FlavorPart("closed_hat", "The hi-hat.", (HATS_EIGHTHS, HATS_SIXTEENTHS), 0.4, 0.25),
    ),
    feel="Straight sixteenths.",
    sources=("marshall",),
)
