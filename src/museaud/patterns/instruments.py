"""The instruments the beat machine knows, with their strokes mapped to General MIDI.

Percussion plays on MIDI channel 10 (index 9) with one GM drum key per stroke (a conga's open tone,
slap and mute are three keys). Pitched instruments (bass, piano, …) have a GM program and play
their notes transposed to the pattern's key. Where GM has no sound of its own (güira, tambora
strokes), the nearest GM sound is used and the table says which.

Strokes a listener must tell apart get keys of their own, so the built-in voices and a recorded
kit can give each its sound: the timbalero's bells (mambo bell, cha-cha bell) play the GM agogos,
mouth on the low one and neck on the high one, apart from the bongocero's cowbell (56); the cáscara
plays the high wood block (76), a stick on the shell, apart from the timbal's head (65). GM has no
conga heel or toe (fingertips): they take the keys above the GM2 kit, MUSEAUD_HEEL and MUSEAUD_TIP,
which a GM synthesiser leaves silent (the strokes are felt more than heard).
"""

from __future__ import annotations

from dataclasses import dataclass, field

DRUM_CHANNEL = 9

MUSEAUD_HEEL = 88
"""The hand drums' heel (palm) stroke: no GM sound, the first key above the GM2 kit."""
MUSEAUD_TIP = 89
"""The hand drums' toe (fingertips) stroke: no GM sound."""


@dataclass(frozen=True)
class Instrument:
    """An instrument: name, family, how it maps to MIDI, and its strokes or default octave."""

    id: str
    name: str
    family: str  # percussion, drums, bass, keys, guitar, brass, strings, lead, pad
    strokes: dict[str, int] = field(default_factory=dict)
    gm_program: int | None = None
    low_pitch: int = 0
    high_pitch: int = 127

    @property
    def is_percussion(self) -> bool:
        """True when the instrument plays drum keys on channel 10."""
        return self.gm_program is None

    @property
    def default_stroke(self) -> int:
        """The drum key of the first stroke (percussion only)."""
        if not self.strokes:
            raise ValueError(f"{self.id} has no strokes: it is a pitched instrument")
        return next(iter(self.strokes.values()))

    def stroke(self, name: str) -> int:
        """The drum key of a named stroke; KeyError lists the strokes there are."""
        try:
            return self.strokes[name]
        except KeyError:
            raise KeyError(
                f"{self.id} has no stroke {name!r} ({', '.join(self.strokes)})"
            ) from None


def _percussion(id: str, name: str, family: str = "percussion", **strokes: int) -> Instrument:
    return Instrument(id=id, name=name, family=family, strokes=strokes)


def _pitched(id: str, name: str, family: str, program: int, *, low: int, high: int) -> Instrument:
    return Instrument(
        id=id, name=name, family=family, gm_program=program, low_pitch=low, high_pitch=high
    )


GM_DRUM_KEYS: dict[str, int] = {
    # General MIDI level 1 percussion map (channel 10), in key order
    "acoustic_bass_drum": 35,
    "bass_drum": 36,
    "side_stick": 37,
    "acoustic_snare": 38,
    "hand_clap": 39,
    "electric_snare": 40,
    "low_floor_tom": 41,
    "closed_hi_hat": 42,
    "high_floor_tom": 43,
    "pedal_hi_hat": 44,
    "low_tom": 45,
    "open_hi_hat": 46,
    "low_mid_tom": 47,
    "hi_mid_tom": 48,
    "crash_cymbal": 49,
    "high_tom": 50,
    "ride_cymbal": 51,
    "chinese_cymbal": 52,
    "ride_bell": 53,
    "tambourine": 54,
    "splash_cymbal": 55,
    "cowbell": 56,
    "crash_cymbal_2": 57,
    "vibraslap": 58,
    "ride_cymbal_2": 59,
    "hi_bongo": 60,
    "low_bongo": 61,
    "mute_hi_conga": 62,
    "open_hi_conga": 63,
    "low_conga": 64,
    "high_timbale": 65,
    "low_timbale": 66,
    "high_agogo": 67,
    "low_agogo": 68,
    "cabasa": 69,
    "maracas": 70,
    "short_whistle": 71,
    "long_whistle": 72,
    "short_guiro": 73,
    "long_guiro": 74,
    "claves": 75,
    "hi_wood_block": 76,
    "low_wood_block": 77,
    "mute_cuica": 78,
    "open_cuica": 79,
    "mute_triangle": 80,
    "open_triangle": 81,
    # General MIDI level 2 additions below and above the GM1 range
    "high_q": 27,
    "slap": 28,
    "scratch_push": 29,
    "scratch_pull": 30,
    "sticks": 31,
    "square_click": 32,
    "metronome_click": 33,
    "metronome_bell": 34,
    "shaker": 82,
    "jingle_bell": 83,
    "belltree": 84,
    "castanets": 85,
    "mute_surdo": 86,
    "open_surdo": 87,
}
"""Every General MIDI drum key by its GM name: the strokes of the generic `kit` instrument, which
takes the drum notes of imported files that no named instrument plays."""


INSTRUMENTS: dict[str, Instrument] = {
    instrument.id: instrument
    for instrument in (
        # Afro-Cuban and Dominican percussion
        _percussion("clave", "Clave", hit=75),
        _percussion("cowbell", "Campana (bongo bell)", mouth=56, neck=56),
        # the timbalero's bell: GM's agogos, so it is heard apart from the bongo bell (56)
        _percussion("timbale_bell", "Timbale bell (mambo bell)", bell=68, mouth=68, neck=67),
        _percussion(
            "bongo",
            "Bongó",
            high=60,
            low=61,
            high_slap=60,
            low_open=61,
            finger=60,
            thumb=60,
            high_open=60,
        ),
        _percussion(
            "conga",
            "Congas (tumbadora)",
            open=63,
            slap=62,
            mute=62,
            low_open=64,
            heel=MUSEAUD_HEEL,
            tip=MUSEAUD_TIP,
        ),
        # the three drums of the rumba, lowest to highest
        _percussion(
            "salidor",
            "Salidor (tumba)",
            open=64,
            slap=62,
            muted=62,
            heel=MUSEAUD_HEEL,
            tip=MUSEAUD_TIP,
        ),
        _percussion(
            "tres_dos",
            "Tres dos (segundo)",
            open=63,
            slap=62,
            muted=62,
            heel=MUSEAUD_HEEL,
            tip=MUSEAUD_TIP,
        ),
        _percussion(
            "quinto",
            "Quinto",
            open=63,
            slap=62,
            muted=62,
            heel=MUSEAUD_HEEL,
            tip=MUSEAUD_TIP,
        ),
        _percussion("cata", "Catá (guagua, palitos)", hit=76, low=77),
        _percussion("shekere", "Chekeré (GM cabasa)", hit=69),
        _percussion(
            "timbales",
            "Timbales",
            cascara=76,  # a stick on the shell: GM's high wood block, not the head (65)
            high=65,
            low=66,
            rimshot=37,
            low_muted=66,
            bell_mouth=68,
            bell_neck=67,
        ),
        _percussion("guiro", "Güiro", short=73, long=74),
        _percussion("maracas", "Maracas", hit=70),
        _percussion("guira", "Güira (GM cabasa/maracas)", scrape=69, hit=70),
        _percussion("tambora", "Tambora (GM toms)", open=48, slap=45, rim=37, muted=47),
        _percussion("bongo_bachata", "Bongó (bachata)", high=60, low=61, thumb=60),
        _percussion("shaker", "Shaker", hit=70),
        _percussion("tambourine", "Tambourine", hit=54),
        # drum kit
        _percussion("kick", "Kick", "drums", hit=36),
        _percussion("snare", "Snare", "drums", hit=38, rim=37, ghost=38),
        _percussion("clap", "Clap", "drums", hit=39),
        _percussion("closed_hat", "Closed hi-hat", "drums", hit=42),
        _percussion("open_hat", "Open hi-hat", "drums", hit=46),
        _percussion("pedal_hat", "Pedal hi-hat", "drums", hit=44),
        _percussion("ride", "Ride", "drums", hit=51, bell=53),
        _percussion("crash", "Crash", "drums", hit=49),
        _percussion("tom_high", "High tom", "drums", hit=50),
        _percussion("tom_mid", "Mid tom", "drums", hit=47),
        _percussion("tom_low", "Floor tom", "drums", hit=43),
        _percussion("kit", "Drum kit (General MIDI)", "drums", **GM_DRUM_KEYS),
        # pitched
        _pitched("bass", "Bass (tumbao)", "bass", 32, low=28, high=60),
        _pitched("electric_bass", "Electric bass", "bass", 33, low=28, high=60),
        _pitched("synth_bass", "Synth bass", "bass", 38, low=24, high=60),
        _pitched("piano", "Piano (montuno)", "keys", 0, low=36, high=96),
        _pitched("electric_piano", "Electric piano", "keys", 4, low=36, high=96),
        _pitched("organ", "Organ", "keys", 16, low=36, high=96),
        _pitched("guitar", "Guitar (requinto)", "guitar", 24, low=40, high=88),
        _pitched("tres", "Tres (Cuban guitar)", "guitar", 25, low=48, high=88),
        _pitched("trumpet", "Trumpet", "brass", 56, low=52, high=84),
        _pitched("strings", "Strings", "strings", 48, low=36, high=96),
        _pitched("lead", "Lead synth", "lead", 80, low=48, high=96),
        _pitched("pad", "Pad", "pad", 88, low=36, high=96),
    )
}


def instrument(id: str) -> Instrument:
    """The instrument with this id; KeyError lists the ids there are."""
    try:
        return INSTRUMENTS[id]
    except KeyError:
        raise KeyError(f"unknown instrument {id!r}; known: {', '.join(INSTRUMENTS)}") from None
