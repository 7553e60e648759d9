"""What every generator shares: the request, the styles it may name, the seeded randomness and
the step grid the styles' rhythms are written on.

A generator is a pure function of its request: the same request (seed included) gives the same
pattern, because every random draw comes from a `random.Random` seeded from the request's seed
and a stream name, never from global state.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

from museaud.music.scales import SCALE_INTERVALS
from museaud.patterns.model import MAX_BARS, Note

ENGINES = ("drums", "bass", "chords", "melody")
GENERATION_STEPS_PER_BEAT = (2, 3, 4, 6, 8, 12)
"""Grids a generator writes on; one step per beat cannot hold the off-beats the styles need."""
SEED_MAX = 2**63 - 1
STEERED_PARAMETERS = ("complexity", "density", "swing", "humanize")
"""The request's knobs that feedback learns preferences for and steering nudges."""


class GenerationError(ValueError):
    """A generation request that cannot be honoured; the message names the field and the range."""


@dataclass(frozen=True)
class Style:
    """A style a generator can play: its family, defaults, harmony and instruments.

    Progressions are roman numerals (see museaud.music.chords), one chord per `chord_beats`
    beats, cycled over the bars; `jazz` ones replace them at high complexity. `syncopation` is
    the share of off-beat weight typical of the style's lines (0 = all on the beat) and
    `drum_density` the drum hits per step its drums play: base + a x density + b x complexity
    (fitted over seeds, densities and complexities); both are yardsticks of
    museaud.patterns.quality.
    """

    name: str
    title: str
    family: str  # "latin" (flavour percussion from museaud.patterns.flavors) or "kit"
    default_scale: str
    default_bpm: float
    major: tuple[str, ...]
    minor: tuple[str, ...]
    chord_rhythm: str
    bass_idiom: str
    chord_instrument: str
    bass_instrument: str
    melody_instrument: str
    syncopation: float
    drum_density: tuple[float, float, float] = (0.6, 0.6, 0.3)
    chord_beats: int = 4
    jazz_major: str | None = None
    jazz_minor: str | None = None
    always_sevenths: bool = False
    flavor: str | None = None
    protected: tuple[str, ...] = ("clave",)


STYLES: dict[str, Style] = {
    s.name: s
    for s in (
        Style(
            name="salsa", title="Salsa", family="latin", flavor="salsa", default_scale="major",
            default_bpm=180, major=("I IV V IV",), minor=("i iv V iv",), chord_beats=2,
            jazz_major="ii7 V7 Imaj7 vi7", jazz_minor="iiø7 V7 i7 i7", chord_rhythm="montuno",
            bass_idiom="tumbao", chord_instrument="piano", bass_instrument="bass",
            melody_instrument="trumpet", syncopation=0.55,
            drum_density=(0.62, 2.45, 0.34),
        ),
        Style(
            name="son_montuno", title="Son montuno", family="latin", flavor="son_montuno",
            default_scale="major", default_bpm=110, major=("I IV V IV", "I V V I"),
            minor=("i iv V iv",), chord_beats=2, jazz_major="ii7 V7 Imaj7 Imaj7",
            jazz_minor="iiø7 V7 i7 i7", chord_rhythm="montuno", bass_idiom="tumbao",
            chord_instrument="piano", bass_instrument="bass", melody_instrument="trumpet",
            syncopation=0.5,
            drum_density=(0.73, 2.03, 0.34),
        ),
        Style(
            name="mambo", title="Mambo", family="latin", flavor="mambo", default_scale="major",
            default_bpm=200, major=("I IV V IV",), minor=("i iv V iv",), chord_beats=2,
            jazz_major="ii7 V7 Imaj7 vi7", jazz_minor="iiø7 V7 i7 i7", chord_rhythm="montuno",
            bass_idiom="tumbao", chord_instrument="piano", bass_instrument="bass",
            melody_instrument="trumpet", syncopation=0.55,
            drum_density=(0.93, 0.61, 0.21),
        ),
        Style(
            name="bossa_nova", title="Bossa nova", family="latin", flavor="bossa-nova",
            default_scale="major", default_bpm=130, major=("Imaj7 vi7 ii7 V7",),
            minor=("i7 iv7 V7 i7",), jazz_major="iii7 vi7 ii7 V7", always_sevenths=True,
            chord_rhythm="bossa", bass_idiom="bossa", chord_instrument="guitar",
            bass_instrument="bass", melody_instrument="strings", syncopation=0.45,
            protected=("snare",), drum_density=(0.62, 0.58, 0.02),
        ),
        Style(
            name="cha_cha_cha", title="Cha-cha-chá", family="latin", flavor="cha_cha_cha",
            default_scale="major", default_bpm=120, major=("I V V I", "I IV V I"),
            minor=("i V V i",), jazz_major="ii7 V7 Imaj7 vi7", jazz_minor="iiø7 V7 i7 i7",
            chord_rhythm="guajeo", bass_idiom="cha_cha", chord_instrument="piano",
            bass_instrument="bass", melody_instrument="strings", syncopation=0.35,
            drum_density=(0.71, 0.72, 0.23),
        ),
        Style(
            name="merengue", title="Merengue", family="latin", flavor="merengue",
            default_scale="major", default_bpm=150, major=("I V V I", "I IV V I"),
            minor=("i V V i",), chord_rhythm="offbeats", bass_idiom="merengue",
            chord_instrument="piano", bass_instrument="bass", melody_instrument="trumpet",
            syncopation=0.4,
            drum_density=(0.96, 0.51, 0.13),
        ),
        Style(
            name="bachata", title="Bachata", family="latin", flavor="bachata",
            default_scale="major", default_bpm=128, major=("I IV V",), minor=("i iv V",),
            chord_rhythm="arpeggio", bass_idiom="bachata", chord_instrument="guitar",
            bass_instrument="electric_bass", melody_instrument="guitar", syncopation=0.3,
            drum_density=(0.99, 0.3, 0.07),
        ),
        Style(
            name="house", title="House", family="kit", default_scale="minor", default_bpm=124,
            major=("vi IV I V", "I V vi IV"), minor=("i VI III VII", "i iv VI VII"),
            jazz_major="ii7 V7 Imaj7 vi7", jazz_minor="i7 iv7 i7 VImaj7", chord_rhythm="stabs",
            bass_idiom="offbeat", chord_instrument="organ", bass_instrument="synth_bass",
            melody_instrument="lead", syncopation=0.45,
            drum_density=(0.54, 0.45, 0.76),
        ),
        Style(
            name="techno", title="Techno", family="kit", default_scale="minor", default_bpm=130,
            major=("I I IV IV",), minor=("i i VII VII", "i i iv iv"), chord_rhythm="stabs",
            bass_idiom="rolling", chord_instrument="pad", bass_instrument="synth_bass",
            melody_instrument="lead", syncopation=0.5,
            drum_density=(0.43, 0.55, 0.62),
        ),
        Style(
            name="hip_hop", title="Hip-hop", family="kit", default_scale="minor", default_bpm=90,
            major=("IV V iii vi",), minor=("i VI", "i iv VI V"), jazz_major="IVmaj7 V7 iii7 vi7",
            jazz_minor="i7 iv7 VImaj7 V7", chord_rhythm="pads", bass_idiom="kick_follow",
            chord_instrument="electric_piano", bass_instrument="synth_bass",
            melody_instrument="electric_piano", syncopation=0.4,
            drum_density=(0.56, 0.47, 0.57),
        ),
        Style(
            name="trap", title="Trap", family="kit", default_scale="minor", default_bpm=140,
            major=("I vi IV V",), minor=("i VI", "i iv VI V"), chord_rhythm="pads",
            bass_idiom="kick_follow", chord_instrument="pad", bass_instrument="synth_bass",
            melody_instrument="lead", syncopation=0.45,
            drum_density=(0.66, 0.76, 0.16),
        ),
        Style(
            name="rock", title="Rock", family="kit", default_scale="major", default_bpm=120,
            major=("I IV V IV", "I V vi IV"), minor=("i VI VII i", "i VII VI VII"),
            chord_rhythm="eighths", bass_idiom="eighths", chord_instrument="guitar",
            bass_instrument="electric_bass", melody_instrument="guitar", syncopation=0.2,
            drum_density=(0.63, 0.81, 0.13),
        ),
        Style(
            name="pop", title="Pop", family="kit", default_scale="major", default_bpm=110,
            major=("vi IV I V", "I V vi IV"), minor=("i VI III VII",),
            jazz_major="ii7 V7 Imaj7 vi7", chord_rhythm="pads", bass_idiom="eighths",
            chord_instrument="piano", bass_instrument="electric_bass", melody_instrument="lead",
            syncopation=0.3,
            drum_density=(0.52, 0.56, 0.47),
        ),
        Style(
            name="funk", title="Funk", family="kit", default_scale="dorian", default_bpm=105,
            major=("I7 IV7", "I7"), minor=("i7 IV7", "i7", "i7 iv7"), chord_rhythm="chank",
            bass_idiom="funk", chord_instrument="electric_piano", bass_instrument="electric_bass",
            melody_instrument="trumpet", syncopation=0.55,
            always_sevenths=True,
            drum_density=(0.65, 0.77, 0.34),
        ),
        Style(
            name="reggaeton", title="Reggaeton", family="kit", default_scale="minor",
            default_bpm=95, major=("vi IV I V",), minor=("i VI III VII",), chord_rhythm="dembow",
            bass_idiom="tresillo", chord_instrument="pad", bass_instrument="synth_bass",
            melody_instrument="lead", syncopation=0.5,
            drum_density=(0.49, 0.54, 0.17),
        ),
        Style(
            name="drum_and_bass", title="Drum and bass", family="kit", default_scale="minor",
            default_bpm=174, major=("I vi IV V",), minor=("i VI", "i iv VI VII"),
            chord_rhythm="pads", bass_idiom="sub", chord_instrument="pad",
            bass_instrument="synth_bass", melody_instrument="lead", syncopation=0.45,
            drum_density=(0.56, 0.8, 0.55),
        ),
    )
}  # fmt: skip

STYLE_ALIASES = {
    "son": "son_montuno",
    "chachacha": "cha_cha_cha",
    "cha_cha": "cha_cha_cha",
    "hiphop": "hip_hop",
    "boom_bap": "hip_hop",
    "dnb": "drum_and_bass",
    "drum_n_bass": "drum_and_bass",
    "d_b": "drum_and_bass",
    "bossa": "bossa_nova",
    "bossanova": "bossa_nova",
}


def style_key(name: str) -> str:
    """A style or flavour name folded to its key: 'Cha-cha-chá' -> 'cha_cha_cha'."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    key = "_".join(plain.lower().replace("-", " ").replace("&", " and ").split())
    return STYLE_ALIASES.get(key, key)


@lru_cache(maxsize=256)
def find_style(name: str) -> Style:
    """The style of that name (any spelling: 'Hip-hop', 'cha-cha-chá'); GenerationError lists
    the styles there are."""
    try:
        return STYLES[style_key(name)]
    except KeyError:
        raise GenerationError(f"unknown style {name!r}; known: {', '.join(STYLES)}") from None


@dataclass(frozen=True)
class Taste:
    """What a user's feedback taught about one engine, as generation reads it: the preference
    vector in feature space (liked minus disliked), the knob values they liked, and how sure we
    are (0 = nothing learnt, 1 = many consistent verdicts)."""

    vector: tuple[float, ...] | None = None
    targets: tuple[tuple[str, float], ...] = ()
    confidence: float = 0.0
    samples: int = 0

    def target(self, parameter: str) -> float | None:
        """The preferred value of one knob (complexity, density, swing, humanize), if learnt."""
        return dict(self.targets).get(parameter)


@dataclass(frozen=True)
class GenerationRequest:
    """Everything a generator needs, checked on creation (GenerationError names the bad field).

    style is a style or beat-machine flavour name (salsa, bachata, house, hip-hop …); scale and
    bpm default to the style's own. complexity adds fills, extensions and leaps; density adds
    notes; swing (0-0.75) is kept for the player, which delays the off-beats; humanize varies
    velocities here and its timing share is left to the player (notes stay on the grid).
    """

    engine: str
    style: str
    key_note: int = 0
    scale: str | None = None
    bpm: float | None = None
    bars: int = 4
    complexity: float = 0.5
    density: float = 0.5
    swing: float = 0.0
    humanize: float = 0.3
    seed: int = 0
    steps_per_beat: int = 4
    clave: str | None = None
    taste: Taste | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise GenerationError(f"unknown engine {self.engine!r}; known: {', '.join(ENGINES)}")
        find_style(self.style)
        if isinstance(self.key_note, bool) or not isinstance(self.key_note, int):
            raise GenerationError(f"key note {self.key_note!r} is not an integer 0-11")
        if not 0 <= self.key_note <= 11:
            raise GenerationError(
                f"key note {self.key_note} is not a pitch class 0-11 (C=0 … B=11)"
            )
        if self.scale is not None and self.scale not in SCALE_INTERVALS:
            raise GenerationError(
                f"unknown scale {self.scale!r}; known: {', '.join(SCALE_INTERVALS)}"
            )
        if self.bpm is not None and not 20 <= self.bpm <= 400:
            raise GenerationError(f"{self.bpm:g} bpm is outside 20-400 bpm")
        if not isinstance(self.bars, int) or not 1 <= self.bars <= MAX_BARS:
            raise GenerationError(f"{self.bars} bars is outside 1-{MAX_BARS}")
        for name in ("complexity", "density", "humanize"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise GenerationError(f"{name} {value} is outside 0-1")
        if not 0.0 <= self.swing <= 0.75:
            raise GenerationError(f"swing {self.swing} is outside 0-0.75")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise GenerationError(f"seed {self.seed!r} is not an integer")
        if not 0 <= self.seed <= SEED_MAX:
            raise GenerationError(f"seed {self.seed} is outside 0-{SEED_MAX}")
        if self.steps_per_beat not in GENERATION_STEPS_PER_BEAT:
            raise GenerationError(
                f"{self.steps_per_beat} steps per beat is not one of {GENERATION_STEPS_PER_BEAT}"
            )
        if self.clave is not None and self.clave not in ("2-3", "3-2"):
            raise GenerationError(f"clave {self.clave!r} is not 2-3 or 3-2")

    @property
    def style_info(self) -> Style:
        """The requested style."""
        return find_style(self.style)

    @property
    def scale_name(self) -> str:
        """The requested scale, or the style's own."""
        return self.scale or self.style_info.default_scale

    @property
    def tempo_bpm(self) -> float:
        """The requested tempo, or the style's own."""
        return self.bpm if self.bpm is not None else self.style_info.default_bpm

    @property
    def steps_per_bar(self) -> int:
        """Steps in one 4/4 bar."""
        return 4 * self.steps_per_beat

    @property
    def total_steps(self) -> int:
        """Steps in the whole pattern."""
        return self.bars * self.steps_per_bar

    def parameters(self) -> dict[str, Any]:
        """The request as JSON-ready generation parameters (the taste is not a parameter)."""
        values = asdict(self)
        values.pop("taste")
        values["style"] = self.style_info.name
        values["scale"] = self.scale_name
        values["bpm"] = self.tempo_bpm
        return values

    def rng(self, stream: str) -> random.Random:
        """A random source for one stream of decisions (harmony, rhythm, velocity …): the same
        seed and stream always draw the same numbers, and streams do not disturb each other."""
        return random.Random(f"{self.seed}/{stream}")


def humanized(velocity: float, rng: random.Random, humanize: float) -> int:
    """A velocity varied by up to about ±12 × humanize (triangular), kept within 1-127."""
    draw = rng.random
    varied = (
        round(velocity + (draw() - draw()) * 12.0 * humanize) if humanize > 0 else round(velocity)
    )
    return 1 if varied < 1 else 127 if varied > 127 else varied


def note_order(note: Note) -> tuple[int, int, int, int]:
    """The order notes are kept in (step, pitch, velocity, length), as a fast sort key."""
    return (note.step, note.pitch, note.velocity, note.length)


def monophonic(notes: list[Note], total_steps: int) -> list[Note]:
    """One note per step (the first written wins), each cut to end where the next one starts."""
    by_step: dict[int, Note] = {}
    for note in notes:
        if 0 <= note.step < total_steps and note.step not in by_step:
            by_step[note.step] = note
    ordered = sorted(by_step.values(), key=note_order)
    line = []
    for index, note in enumerate(ordered):
        end = ordered[index + 1].step if index + 1 < len(ordered) else total_steps
        length = max(1, min(note.length, end - note.step))
        line.append(
            note if length == note.length else Note(note.step, note.pitch, note.velocity, length)
        )
    return line


def untangled(notes: list[Note] | tuple[Note, ...]) -> list[Note]:
    """The notes sorted with no two on one pitch overlapping (MIDI cannot hold that): a note
    is cut where the next on its pitch starts, and of two on one step the louder is kept."""
    result: list[Note] = []
    last: dict[int, int] = {}
    for note in sorted(notes, key=note_order):
        index = last.get(note.pitch)
        if index is not None:
            before = result[index]
            if before.step == note.step:
                if note.velocity > before.velocity:
                    result[index] = Note(before.step, before.pitch, note.velocity, before.length)
                continue
            if before.step + before.length > note.step:
                result[index] = Note(
                    before.step, before.pitch, before.velocity, note.step - before.step
                )
        last[note.pitch] = len(result)
        result.append(note)
    return result


def base_metadata(request: GenerationRequest, algorithm: str) -> dict[str, Any]:
    """The metadata every generated pattern carries: engine, style, knobs and the algorithm."""
    return {
        "engine": request.engine,
        "style": request.style_info.name,
        "algorithm": algorithm,
        "seed": request.seed,
        "complexity": request.complexity,
        "density": request.density,
        "humanize": request.humanize,
        "timing_humanize": request.humanize,
    }
