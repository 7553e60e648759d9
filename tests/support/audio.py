"""Audio with known answers: MIDI composed at a known tempo and key, rendered by FluidSynth.

A `Piece` says what to play (tempo, key, groove, instruments, length); `write_midi` composes it
(drums, bass, chords and a lead, arranged intro/verse/chorus/outro), `render_wav` plays it through
FluidSynth with the General MIDI soundfont and `encode` makes mp3/ogg/flac/... copies with ffmpeg.
Tests take the session fixture `rendered_corpus`, which renders each piece once per session; the
benchmark uses the same functions to build its own corpus.
"""

from __future__ import annotations

import math
import random
import shutil
import subprocess
import wave
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import mido
import numpy as np
import pytest

SOUNDFONT = Path("/usr/share/sounds/sf2/FluidR3_GM.sf2")
SAMPLE_RATE = 44100
TICKS_PER_BEAT = 480
STEPS_PER_BAR = 16  # sixteenth notes in a 4/4 bar
DRUM_CHANNEL = 9
NOTE_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
SCALE_STEPS = {"major": (0, 2, 4, 5, 7, 9, 11), "minor": (0, 2, 3, 5, 7, 8, 10)}
# Chord roots as scale degrees (0 = tonic), each starting on the tonic to make the key clear.
PROGRESSIONS = {
    "major": ((0, 3, 4, 0), (0, 5, 3, 4), (0, 3, 0, 4), (0, 4, 5, 3)),
    "minor": ((0, 3, 4, 0), (0, 5, 3, 4), (0, 6, 5, 4), (0, 3, 6, 4)),
}
# General MIDI drum keys
KICK, SNARE, CLAP, RIM, CRASH = 36, 38, 39, 37, 49
CLOSED_HAT, OPEN_HAT, RIDE, SHAKER = 42, 46, 51, 70

# Encoders for the copies: extension -> ffmpeg codec arguments.
ENCODINGS: dict[str, tuple[str, ...]] = {
    "mp3": ("-codec:a", "libmp3lame", "-q:a", "4"),
    "ogg": ("-codec:a", "libvorbis", "-q:a", "4"),
    "oga": ("-codec:a", "libvorbis", "-q:a", "4"),
    "opus": ("-codec:a", "libopus", "-b:a", "96k"),
    "flac": ("-codec:a", "flac"),
    "m4a": ("-codec:a", "aac", "-b:a", "160k"),
    "aiff": ("-codec:a", "pcm_s16be"),
}


@dataclass(frozen=True)
class Groove:
    """A one-bar drum pattern on sixteenth-note steps, with where the bass plays and the swing."""

    drums: dict[int, tuple[int, ...]]
    bass_steps: tuple[int, ...]
    chord_style: str = "pad"  # pad (held), stabs (on chord_steps), arp (eighth-note arpeggio)
    chord_steps: tuple[int, ...] = ()
    swing: float = 0.0  # delay of the off-beat eighth notes, as a fraction of a sixteenth
    bars_per_chord: int = 1


GROOVES: dict[str, Groove] = {
    "four_on_floor": Groove(
        drums={KICK: (0, 4, 8, 12), CLAP: (4, 12), OPEN_HAT: (2, 6, 10, 14), CLOSED_HAT: (0, 8)},
        bass_steps=(2, 6, 10, 14),
        chord_style="stabs",
        chord_steps=(0, 3, 6, 10),
    ),
    "backbeat": Groove(
        drums={KICK: (0, 8, 10), SNARE: (4, 12), CLOSED_HAT: (0, 2, 4, 6, 8, 10, 12, 14)},
        bass_steps=(0, 3, 8, 10),
    ),
    "boom_bap": Groove(
        drums={KICK: (0, 7, 10), SNARE: (4, 12), CLOSED_HAT: (0, 2, 4, 6, 8, 10, 12, 14)},
        bass_steps=(0, 7, 10),
        chord_style="stabs",
        chord_steps=(0, 6, 8),
        swing=0.35,
    ),
    "two_step": Groove(
        drums={KICK: (0, 10), SNARE: (4, 12), RIDE: tuple(range(0, 16, 2)), SHAKER: (1, 5, 9, 13)},
        bass_steps=(0, 10),
        bars_per_chord=2,
    ),
    "half_time": Groove(
        drums={KICK: (0, 3, 11), SNARE: (8,), CLOSED_HAT: tuple(range(16))},
        bass_steps=(0, 3, 11),
        bars_per_chord=2,
    ),
    "dembow": Groove(
        drums={KICK: (0, 4, 8, 12), SNARE: (3, 6, 11, 14), CLOSED_HAT: (0, 2, 4, 6, 8, 10, 12, 14)},
        bass_steps=(0, 4, 8, 12),
        chord_style="stabs",
        chord_steps=(0, 6, 8, 14),
    ),
    "shuffle": Groove(
        drums={KICK: (0, 8), SNARE: (4, 12), RIDE: tuple(range(0, 16, 2)), RIM: (14,)},
        bass_steps=(0, 4, 8, 12),
        chord_style="arp",
        swing=0.6,
    ),
    "breakbeat": Groove(
        drums={KICK: (0, 2, 10), SNARE: (4, 7, 12, 15), CLOSED_HAT: tuple(range(0, 16, 2))},
        bass_steps=(0, 2, 10),
    ),
    "arpeggio": Groove(drums={}, bass_steps=(0, 8), chord_style="arp"),
}


@dataclass(frozen=True)
class Piece:
    """A composition with known answers: tempo, key and scale, groove, sounds and length."""

    name: str
    tempo_bpm: float
    key_note: int
    scale: str
    groove: str = "backbeat"
    duration_s: float = 60.0
    chord_program: int = 0  # General MIDI programs
    bass_program: int = 33
    lead_program: int = 80
    seed: int = 0
    sections: tuple[tuple[str, int], ...] = field(default=(), compare=False)

    @property
    def key_name(self) -> str:
        """The key as musicians write it, e.g. 'D minor'."""
        return f"{NOTE_NAMES[self.key_note]} {self.scale}"

    @property
    def bar_s(self) -> float:
        """Seconds in one 4/4 bar."""
        return 240.0 / self.tempo_bpm

    def arrangement(self) -> list[tuple[str, int]]:
        """The sections in order with their length in bars: intro, verse/chorus ..., outro."""
        if self.sections:
            return list(self.sections)
        bars = max(8, round(self.duration_s / self.bar_s))
        edge = max(2, bars // 8)
        block = 8 if self.tempo_bpm >= 110 else 4
        middle = bars - 2 * edge
        blocks = [block] * (middle // block)
        if middle % block:
            if blocks and middle % block < block // 2:
                blocks[-1] += middle % block
            else:
                blocks.append(middle % block)
        labels = ("verse", "chorus")
        return [
            ("intro", edge),
            *((labels[index % 2], length) for index, length in enumerate(blocks)),
            ("outro", edge),
        ]

    def section_starts_s(self) -> list[tuple[str, float]]:
        """Where each section starts, in seconds."""
        starts, bar = [], 0
        for label, bars in self.arrangement():
            starts.append((label, bar * self.bar_s))
            bar += bars
        return starts


def _scale_pitch(piece: Piece, degree: int, octave: int) -> int:
    steps = SCALE_STEPS[piece.scale]
    return 12 * (octave + 1) + piece.key_note + steps[degree % 7] + 12 * (degree // 7)


def _chord_tones(piece: Piece, degree: int) -> list[int]:
    """Pitch classes of the triad on a scale degree; minor keys use a major V (leading tone)."""
    tones = [(_scale_pitch(piece, degree + offset, 4)) % 12 for offset in (0, 2, 4)]
    if piece.scale == "minor" and degree % 7 == 4:
        tones[1] = (tones[1] + 1) % 12
    return tones


def _voice(pitch_classes: list[int], low: int) -> list[int]:
    """Each pitch class placed in the octave at or above `low`."""
    return [low + (pc - low) % 12 for pc in pitch_classes]


class _Score:
    """Notes collected at absolute ticks, written out as one MIDI track."""

    def __init__(self, piece: Piece) -> None:
        self.piece = piece
        self.events: list[tuple[int, int, mido.Message]] = []
        self.rng = random.Random(piece.seed * 7919 + piece.key_note * 31 + int(piece.tempo_bpm))

    def step_tick(self, bar: int, step: float, swing: float) -> int:
        sixteenth = TICKS_PER_BEAT / 4
        delay = swing * sixteenth if int(step) % 4 == 2 and step == int(step) else 0.0
        return round((bar * STEPS_PER_BAR + step) * sixteenth + delay)

    def note(self, channel: int, pitch: int, start: int, length: int, velocity: int) -> None:
        jitter = self.rng.randint(-4, 4)
        velocity = max(1, min(127, velocity + self.rng.randint(-8, 8)))
        on = max(0, start + jitter)
        self.events.append(
            (on, 1, mido.Message("note_on", channel=channel, note=pitch, velocity=velocity))
        )
        self.events.append(
            (
                on + max(1, length),
                0,
                mido.Message("note_off", channel=channel, note=pitch, velocity=0),
            )
        )

    def midi_file(self, end_tick: int) -> mido.MidiFile:
        piece = self.piece
        track = mido.MidiTrack()
        track.append(mido.MetaMessage("set_tempo", tempo=round(60_000_000 / piece.tempo_bpm)))
        track.append(mido.MetaMessage("time_signature", numerator=4, denominator=4))
        track.append(mido.MetaMessage("key_signature", key=_key_signature(piece)))
        for channel, program in (
            (0, piece.chord_program),
            (1, piece.bass_program),
            (2, piece.lead_program),
        ):
            track.append(mido.Message("program_change", channel=channel, program=program))
        now = 0
        for tick, _, message in sorted(self.events, key=lambda event: (event[0], event[1])):
            track.append(message.copy(time=tick - now))
            now = tick
        track.append(mido.MetaMessage("end_of_track", time=max(0, end_tick - now)))
        midi = mido.MidiFile(type=0, ticks_per_beat=TICKS_PER_BEAT)
        midi.tracks.append(track)
        return midi


def _key_signature(piece: Piece) -> str:
    """The key as MIDI spells it: flats for the major keys that have no sharp signature."""
    name = NOTE_NAMES[piece.key_note]
    if piece.scale == "minor":
        return f"{name}m"
    return {"G#": "Ab", "D#": "Eb", "A#": "Bb"}.get(name, name)


def compose(piece: Piece) -> mido.MidiFile:
    """The piece as a MIDI file: drums (channel 10), chords (1), bass (2) and a lead (3)."""
    groove = GROOVES[piece.groove]
    score = _Score(piece)
    progression = PROGRESSIONS[piece.scale][piece.seed % len(PROGRESSIONS[piece.scale])]
    sixteenth = TICKS_PER_BEAT // 4
    bar = 0
    for label, bars in piece.arrangement():
        loud = {"intro": 0.7, "verse": 0.85, "chorus": 1.0, "outro": 0.65}.get(label, 0.85)
        for bar_in_section in range(bars):
            degree = progression[(bar // groove.bars_per_chord) % len(progression)]
            tones = _chord_tones(piece, degree)
            bar_tick = score.step_tick(bar, 0, 0)
            # drums: the intro keeps only the hats, the outro has none
            for drum, steps in groove.drums.items():
                if label == "outro" or (label == "intro" and drum in (KICK, SNARE, CLAP)):
                    continue
                for step in steps:
                    accent = 110 if step % 4 == 0 else 90
                    if drum in (CLOSED_HAT, RIDE, SHAKER, OPEN_HAT):
                        accent -= 25
                    tick = score.step_tick(bar, step, groove.swing)
                    score.note(DRUM_CHANNEL, drum, tick, sixteenth, round(accent * loud))
            if label == "chorus" and bar_in_section == 0:
                score.note(DRUM_CHANNEL, CRASH, bar_tick, sixteenth * 4, 100)
            # chords
            voiced = _voice(tones, 55)
            if groove.chord_style == "pad" or label in ("intro", "outro"):
                for pitch in voiced:
                    score.note(0, pitch, bar_tick, STEPS_PER_BAR * sixteenth - 10, round(80 * loud))
            elif groove.chord_style == "stabs":
                for step in groove.chord_steps:
                    tick = score.step_tick(bar, step, groove.swing)
                    for pitch in voiced:
                        score.note(0, pitch, tick, sixteenth * 2, round(95 * loud))
            else:  # arpeggio on eighth notes, up the chord and an octave
                pattern = [*voiced, voiced[0] + 12, *reversed(voiced[1:])][:8]
                pattern += pattern[: 8 - len(pattern)]
                for index, pitch in enumerate(pattern):
                    tick = score.step_tick(bar, index * 2, groove.swing)
                    score.note(0, pitch, tick, sixteenth * 2, round(90 * loud))
            # bass on the root (a fifth now and then), not in the intro
            if label != "intro":
                root = _voice([tones[0]], 36)[0]
                steps = list(groove.bass_steps)
                for index, step in enumerate(steps):
                    following = steps[index + 1] if index + 1 < len(steps) else STEPS_PER_BAR
                    pitch = (
                        root + 7 if index == len(steps) - 1 and score.rng.random() < 0.3 else root
                    )
                    tick = score.step_tick(bar, step, groove.swing)
                    score.note(
                        1, pitch, tick, (following - step) * sixteenth - 20, round(100 * loud)
                    )
            # lead melody in the chorus: chord tones on strong beats, scale steps between
            if label == "chorus":
                degree_now = degree + 7
                for step in range(0, STEPS_PER_BAR, 2):
                    if score.rng.random() < 0.25:
                        continue
                    if step % 4 == 0:
                        degree_now = degree + 7 + score.rng.choice((0, 2, 4))
                    else:
                        degree_now += score.rng.choice((-1, 1))
                    pitch = _scale_pitch(piece, degree_now, 4)
                    if piece.scale == "minor" and degree_now % 7 == 6 and degree % 7 == 4:
                        pitch += 1
                    tick = score.step_tick(bar, step, groove.swing)
                    score.note(2, pitch, tick, sixteenth * 2 - 10, 90)
            bar += 1
    return score.midi_file(score.step_tick(bar, 0, 0) + TICKS_PER_BEAT * 4)


def write_midi(piece: Piece, path: Path) -> Path:
    """Compose the piece and save it as a standard MIDI file."""
    compose(piece).save(str(path))
    return path


def render_wav(midi_path: Path, wav_path: Path) -> Path:
    """Render a MIDI file to a 44.1 kHz stereo wav with FluidSynth and the GM soundfont."""
    fluidsynth = shutil.which("fluidsynth")
    if fluidsynth is None or not SOUNDFONT.exists():
        raise RuntimeError(
            "fluidsynth and the GM soundfont are needed: "
            "apt-get install fluidsynth fluid-soundfont-gm"
        )
    subprocess.run(
        [
            fluidsynth,
            "-ni",
            "-q",
            "-F",
            str(wav_path),
            "-r",
            str(SAMPLE_RATE),
            str(SOUNDFONT),
            str(midi_path),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return wav_path


def render_piece(piece: Piece, folder: Path) -> Path:
    """The piece rendered as `folder/NAME.wav` (rendered once, reused after)."""
    wav_path = folder / f"{piece.name}.wav"
    if not wav_path.exists():
        midi_path = write_midi(piece, folder / f"{piece.name}.mid")
        partial = folder / f"{piece.name}.part.wav"
        render_wav(midi_path, partial)
        partial.replace(wav_path)
    return wav_path


def encode(source: Path, extension: str, target: Path | None = None) -> Path:
    """A copy of `source` encoded with ffmpeg as mp3, ogg, oga, opus, flac, m4a or aiff."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise RuntimeError("ffmpeg is needed for encoded copies: apt-get install ffmpeg")
    target = target or source.with_suffix(f".{extension}")
    if not target.exists():
        partial = target.with_name(f"{target.stem}.part{target.suffix}")
        subprocess.run(
            [
                ffmpeg,
                "-nostdin",
                "-loglevel",
                "error",
                "-y",
                "-i",
                str(source),
                *ENCODINGS[extension],
                "-f",
                _container(extension),
                str(partial),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        partial.replace(target)
    return target


def _container(extension: str) -> str:
    return {"oga": "ogg", "m4a": "ipod", "opus": "ogg"}.get(extension, extension)


def write_sine(
    path: Path,
    *,
    level_dbfs: float,
    frequency_hz: float = 997.0,
    duration_s: float = 10.0,
    channels: int = 2,
    sample_rate: int = SAMPLE_RATE,
) -> Path:
    """A 24-bit wav of a sine whose peak is `level_dbfs` in every channel."""
    count = round(duration_s * sample_rate)
    amplitude = 10.0 ** (level_dbfs / 20.0)
    samples = amplitude * np.sin(2.0 * math.pi * frequency_hz * np.arange(count) / sample_rate)
    write_wav(path, np.repeat(samples[:, None], channels, axis=1), sample_rate)
    return path


def write_wav(path: Path, samples: np.ndarray, sample_rate: int = SAMPLE_RATE) -> Path:
    """Write float samples in [-1, 1] (frames x channels, or mono) as a 24-bit PCM wav."""
    frames = samples if samples.ndim == 2 else samples[:, None]
    scaled = np.clip(np.round(frames * (2**23 - 1)), -(2**23), 2**23 - 1).astype("<i4")
    packed = scaled.view(np.uint8).reshape(-1, 4)[:, :3].tobytes()
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(frames.shape[1])
        handle.setsampwidth(3)
        handle.setframerate(sample_rate)
        handle.writeframes(packed)
    return path


# Tempo ranges where each groove is at home (the benchmark picks tempi inside them).
GROOVE_TEMPI: dict[str, tuple[float, float]] = {
    "four_on_floor": (118, 132),
    "backbeat": (72, 160),
    "boom_bap": (80, 98),
    "two_step": (164, 180),
    "half_time": (130, 150),
    "dembow": (88, 102),
    "shuffle": (100, 130),
    "breakbeat": (126, 140),
    "arpeggio": (70, 92),
}
CHORD_PROGRAMS = (0, 4, 48, 89, 16, 24, 5, 81)  # piano, e-piano, strings, pad, organ, guitar ...
BASS_PROGRAMS = (33, 38, 32, 39, 34)
LEAD_PROGRAMS = (80, 73, 56, 11, 65, 81, 71)


def corpus_pieces(count: int = 48, *, seconds: tuple[float, float] = (60.0, 90.0)) -> list[Piece]:
    """A varied corpus: every one of the 24 keys, grooves at home tempi from 70 to 180 BPM."""
    rng = random.Random(20240601)
    grooves = list(GROOVE_TEMPI)
    pieces = []
    for index in range(count):
        key_note, scale = (index * 7) % 12, ("major", "minor")[(index // 12) % 2]
        groove = grooves[index % len(grooves)]
        low, high = GROOVE_TEMPI[groove]
        spread = (index // len(grooves) * 0.618034 + 0.1) % 1.0  # golden-ratio steps fill the range
        tempo = round((low + (high - low) * spread) * 2) / 2
        pieces.append(
            Piece(
                name=f"{index:02d}_{groove}_{tempo:g}_{NOTE_NAMES[key_note].replace('#', 's')}"
                f"_{scale}",
                tempo_bpm=tempo,
                key_note=key_note,
                scale=scale,
                groove=groove,
                duration_s=round(rng.uniform(*seconds)),
                chord_program=CHORD_PROGRAMS[index % len(CHORD_PROGRAMS)],
                bass_program=BASS_PROGRAMS[index % len(BASS_PROGRAMS)],
                lead_program=LEAD_PROGRAMS[index % len(LEAD_PROGRAMS)],
                seed=index,
            )
        )
    return pieces


# The pieces the tests use: clear grooves at three tempi, and three clear keys.
TEST_PIECES: dict[str, Piece] = {
    piece.name: piece
    for piece in (
        Piece(
            "fsharp_major_90",
            90,
            6,
            "major",
            "boom_bap",
            48,
            chord_program=4,
            bass_program=33,
            lead_program=73,
            seed=1,
        ),
        Piece(
            "d_minor_128",
            128,
            2,
            "minor",
            "four_on_floor",
            45,
            chord_program=89,
            bass_program=38,
            lead_program=81,
            seed=2,
        ),
        Piece(
            "bb_minor_174",
            174,
            10,
            "minor",
            "two_step",
            45,
            chord_program=48,
            bass_program=39,
            lead_program=80,
            seed=3,
        ),
        Piece(
            "c_major_110",
            110,
            0,
            "major",
            "backbeat",
            40,
            chord_program=0,
            bass_program=33,
            lead_program=56,
            seed=4,
        ),
    )
}


class RenderedCorpus:
    """Pieces rendered on first use into one folder for the whole test session."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.pieces = dict(TEST_PIECES)

    def wav(self, name: str) -> Path:
        """The rendered wav of a test piece (see TEST_PIECES)."""
        return render_piece(self.pieces[name], self.folder)

    def copy(self, name: str, extension: str) -> Path:
        """An encoded copy (mp3, ogg, oga, opus, flac, m4a, aiff) of a test piece."""
        return encode(self.wav(name), extension)

    def piece(self, name: str) -> Piece:
        """The piece's known answers."""
        return self.pieces[name]


@pytest.fixture(scope="session")
def rendered_corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RenderedCorpus]:
    """The test pieces, rendered with FluidSynth once per session (encoded copies on request)."""
    yield RenderedCorpus(tmp_path_factory.mktemp("corpus"))
