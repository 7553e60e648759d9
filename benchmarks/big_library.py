"""A big museaud library of realistic rows and vectors, for the library benchmarks (no audio).

    .venv/bin/python benchmarks/big_library.py [--tracks 100000] [--seed 0] [--home DIR]

`build_big_library(paths)` makes a real, migrated museaud store (through `App.open`) holding
`tracks` rows with artists, albums and titles spread Zipf-like (a few artists own many tracks,
most own one or two), genres with the tempo and key habits of a DJ library (house at 120-128 in
minor keys, drum & bass at 170-176, hip hop at 85-100 with some half/double-tempo readings...),
years, formats, ratings, favourites, a few hidden, missing, pending and failed tracks, tags and
moods, a few manual BPM/key overrides with reasons, 57-dimensional unit-length feature vectors in
`track_vectors` clustered by genre (so "similar" means something), and beat and waveform blobs
for some tracks. The same (tracks, seed, schema revision) always gives the same library.

The first build is kept under benchmarks/data/big_library/ (ignored by git) and copied on later
calls, so a second run takes a second or two. Import it from another benchmark with
`from big_library import build_big_library` (benchmarks/ is on sys.path for scripts run there).
"""

from __future__ import annotations

import argparse
import math
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import insert, text

from museaud.analysis import ANALYSIS_ALGORITHM, ANALYSIS_VERSION, FEATURE_DIMENSIONS
from museaud.app import App
from museaud.library.records import MIME_TYPES, TRACK_VECTORS
from museaud.paths import Paths
from museaud.store.base import new_id
from museaud.store.migrate import head_revision
from museaud.store.models.library import Track, TrackAnalysis, TrackTag
from museaud.store.vectors import ensure_space

GENERATOR_VERSION = 4
"""Bump when the rows this module makes (or the schema beyond the revision number, like the
text index of revision 0003) change, so cached libraries are made again."""

CACHE_DIR = Path(__file__).resolve().parent / "data" / "big_library"
CHUNK = 5000

# genre: (share, tempo centre, tempo spread, low, high, minor share, half/double reading share)
GENRES: dict[str, tuple[float, float, float, float, float, float, float]] = {
    "house": (0.16, 124.0, 2.5, 115, 130, 0.70, 0.01),
    "techno": (0.11, 132.0, 4.0, 122, 150, 0.80, 0.01),
    "deep house": (0.05, 121.0, 2.0, 115, 126, 0.75, 0.01),
    "tech house": (0.05, 126.0, 1.5, 122, 130, 0.75, 0.01),
    "trance": (0.04, 138.0, 2.5, 128, 145, 0.80, 0.01),
    "drum & bass": (0.06, 174.0, 1.5, 165, 180, 0.80, 0.10),
    "dubstep": (0.03, 140.0, 1.0, 138, 150, 0.85, 0.15),
    "hip hop": (0.11, 92.0, 6.0, 75, 110, 0.65, 0.08),
    "trap": (0.04, 140.0, 5.0, 125, 160, 0.85, 0.30),
    "r&b": (0.05, 88.0, 10.0, 60, 115, 0.55, 0.08),
    "pop": (0.09, 112.0, 12.0, 80, 135, 0.45, 0.03),
    "disco": (0.03, 118.0, 4.0, 105, 130, 0.35, 0.01),
    "funk": (0.02, 105.0, 8.0, 85, 125, 0.45, 0.02),
    "rock": (0.05, 122.0, 18.0, 80, 180, 0.35, 0.05),
    "reggaeton": (0.02, 95.0, 3.0, 88, 102, 0.70, 0.05),
    "afrobeats": (0.02, 108.0, 5.0, 95, 120, 0.55, 0.03),
    "ambient": (0.03, 80.0, 15.0, 50, 120, 0.55, 0.10),
    "jazz": (0.02, 120.0, 35.0, 60, 240, 0.45, 0.10),
    "soul": (0.02, 98.0, 12.0, 65, 130, 0.45, 0.04),
}
FORMATS = {"mp3": 0.60, "flac": 0.20, "wav": 0.08, "m4a": 0.07, "aiff": 0.03, "ogg": 0.02}
TAGS = {
    "vocal": 0.30,
    "instrumental": 0.20,
    "remix": 0.15,
    "extended mix": 0.08,
    "edit": 0.06,
    "acapella": 0.02,
    "live": 0.03,
    "classic": 0.05,
    "peak time": 0.06,
    "warm up": 0.05,
    "closing": 0.02,
    "dub": 0.03,
    "bootleg": 0.02,
    "white label": 0.01,
    "sample source": 0.02,
}
MOODS = {
    "uplifting": 0.12,
    "dark": 0.12,
    "energetic": 0.15,
    "chill": 0.10,
    "melancholic": 0.06,
    "happy": 0.08,
    "dreamy": 0.05,
    "aggressive": 0.05,
    "romantic": 0.03,
    "groovy": 0.10,
    "hypnotic": 0.05,
    "euphoric": 0.04,
}
SYLLABLES = tuple(
    [
        "ka",
        "ri",
        "no",
        "mo",
        "lu",
        "ve",
        "sa",
        "ta",
        "zen",
        "ar",
        "el",
        "io",
        "na",
        "dra",
        "vo",
        "xi",
        "ko",
        "ul",
        "mi",
        "be",
        "to",
        "ra",
        "se",
        "di",
        "an",
        "or",
        "ne",
        "ti",
        "ly",
        "ga",
        "ro",
        "fa",
        "sh",
        "ze",
        "qu",
    ]
)
WORDS = tuple(
    [
        "love",
        "night",
        "light",
        "heart",
        "fire",
        "dream",
        "city",
        "summer",
        "rain",
        "deep",
        "sound",
        "body",
        "soul",
        "time",
        "gold",
        "shadow",
        "river",
        "dance",
        "move",
        "feel",
        "higher",
        "fade",
        "electric",
        "midnight",
        "sun",
        "moon",
        "star",
        "wave",
        "ocean",
        "signal",
        "echo",
        "mirror",
        "paradise",
        "desire",
        "memory",
        "system",
        "machine",
        "rhythm",
        "voice",
        "silence",
        "storm",
        "glass",
        "velvet",
        "neon",
        "dust",
        "sugar",
        "honey",
        "wild",
        "blue",
        "red",
        "black",
        "white",
        "lost",
        "found",
        "forever",
        "tonight",
        "again",
        "alone",
        "together",
        "running",
        "falling",
        "rising",
        "burning",
        "waiting",
        "calling",
        "home",
        "road",
        "sky",
        "island",
        "ghost",
        "angel",
        "devil",
        "tiger",
        "phoenix",
        "garden",
        "temple",
        "desert",
    ]
)
COMMENTS = (
    "Purchased at Beatport",
    "promo copy, not for sale",
    "great for the first hour",
    "vinyl rip 24/96",
    "from the label sampler",
    "remastered 2015",
    "check the breakdown at 3:30",
)


def _cache_file(tracks: int, seed: int) -> Path:
    return CACHE_DIR / f"tracks{tracks}-seed{seed}-v{GENERATOR_VERSION}-{head_revision()}.sqlite"


def _choice(rng: np.random.Generator, table: dict[str, Any], count: int) -> np.ndarray:
    names = list(table)
    weights = np.array(
        [value[0] if isinstance(value, tuple) else value for value in table.values()], float
    )
    return rng.choice(len(names), size=count, p=weights / weights.sum())


def _name(rng: np.random.Generator, low: int, high: int) -> str:
    parts = rng.choice(SYLLABLES, size=int(rng.integers(low, high + 1)))
    return "".join(parts).capitalize()


def _phrase(rng: np.random.Generator, low: int, high: int) -> str:
    return " ".join(rng.choice(WORDS, size=int(rng.integers(low, high + 1)))).title()


def _artists(rng: np.random.Generator, count: int) -> list[str]:
    names: set[str] = set()
    while len(names) < count:
        shape = rng.random()
        if shape < 0.45:
            name = f"{_name(rng, 2, 3)} {_name(rng, 2, 4)}"
        elif shape < 0.75:
            name = _name(rng, 2, 4)
        elif shape < 0.9:
            name = f"The {_phrase(rng, 1, 2)}s"
        else:
            name = f"DJ {_name(rng, 1, 3)}"
        names.add(name)
    return sorted(names)


def _zipf_weights(count: int) -> np.ndarray:
    """Zipf-Mandelbrot shares: the busiest artist has under 1 % of the tracks, most one or two."""
    weights = 1.0 / (np.arange(1, count + 1) + 20.0)
    return weights / weights.sum()


def _chunks(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def _centroids(rng: np.random.Generator) -> np.ndarray:
    """One direction in feature space per genre, related genres nearer one another."""
    base = rng.normal(size=(len(GENRES), FEATURE_DIMENSIONS))
    family = {"house": 0, "deep house": 0, "tech house": 0, "disco": 0, "techno": 0, "trance": 0}
    shared = rng.normal(size=FEATURE_DIMENSIONS)
    for index, genre in enumerate(GENRES):
        if genre in family:
            base[index] += 1.2 * shared
    return base / np.linalg.norm(base, axis=1, keepdims=True)


def _generate(app: App, tracks: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    owner = app.local_user_id
    now = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
    genre_names = list(GENRES)
    genre_of = _choice(rng, GENRES, tracks)
    artist_names = [str(name) for name in rng.permutation(_artists(rng, max(10, tracks // 8)))]
    artist_of = rng.choice(len(artist_names), size=tracks, p=_zipf_weights(len(artist_names)))
    # each artist keeps one genre mostly: their tracks take it 80 % of the time
    artist_genre = _choice(rng, GENRES, len(artist_names))
    keep = rng.random(tracks) < 0.8
    genre_of = np.where(keep, artist_genre[artist_of], genre_of)
    album_names: dict[tuple[int, int], str] = {}
    formats = list(FORMATS)
    format_of = rng.choice(len(formats), size=tracks, p=np.array(list(FORMATS.values())))
    centroids = _centroids(rng)
    vectors = centroids[genre_of] + 0.55 * rng.normal(size=(tracks, FEATURE_DIMENSIONS))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors = vectors.astype(np.float32)
    track_rows: list[dict[str, Any]] = []
    analysis_rows: list[dict[str, Any]] = []
    tag_rows: list[dict[str, Any]] = []
    vector_rows: list[tuple[str, bytes]] = []
    tag_names, tag_p = list(TAGS), np.array(list(TAGS.values()))
    mood_names, mood_p = list(MOODS), np.array(list(MOODS.values()))
    track_counter: dict[tuple[int, int], int] = {}
    for number in range(tracks):
        track_id = new_id()
        genre = genre_names[genre_of[number]]
        _share, centre, spread, low, high, minor_share, odd_tempo = GENRES[genre]
        artist_index = int(artist_of[number])
        artist = artist_names[artist_index]
        album_number = int(rng.integers(0, 1 + int(math.log2(2 + number % 97))))
        album_key = (artist_index, album_number)
        if album_key not in album_names:
            album_names[album_key] = _phrase(rng, 1, 3)
        album = album_names[album_key] if rng.random() > 0.04 else None
        track_number = track_counter.get(album_key, 0) + 1
        track_counter[album_key] = track_number
        title = _phrase(rng, 1, 4)
        if rng.random() < 0.12:
            title += f" ({_name(rng, 2, 3)} Remix)"
        file_format = formats[format_of[number]]
        folder = f"/music/{artist}/{album or 'Singles'}"
        file_name = f"{track_number:02d} {title}.{file_format}"
        year = int(np.clip(2026 - rng.gamma(2.0, 6.0), 1960, 2026))
        added = now - timedelta(days=float(rng.uniform(0, 3650)), seconds=number)
        plays = int(rng.geometric(0.08)) - 1 if rng.random() < 0.6 else 0
        status_roll = rng.random()
        status = "ok"
        if status_roll < 0.01:
            status = "missing"
        elif status_roll < 0.013:
            status = "pending"
        elif status_roll < 0.016:
            status = "error"
        duration = float(
            np.clip(rng.normal(330 if genre in ("techno", "house") else 230, 60), 60, 900)
        )
        track_rows.append(
            {
                "id": track_id,
                "owner_id": owner,
                "path": f"{folder}/{file_name}",
                "folder": folder,
                "file_name": file_name,
                "file_size_bytes": int(duration * (40_000 if file_format == "mp3" else 180_000)),
                "mtime_ns": int(added.timestamp() * 1e9),
                "content_hash": f"{number:032x}",
                "file_format": file_format,
                "mime_type": MIME_TYPES[file_format],
                "duration_s": None if status == "pending" else round(duration, 3),
                "sample_rate": 44100 if file_format == "mp3" else int(rng.choice([44100, 48000])),
                "bit_rate": 320_000 if file_format == "mp3" else None,
                "channels": 2,
                "origin": "library",
                "status": status,
                "error": "cannot decode: truncated file" if status == "error" else None,
                "scanned_at": None if status == "pending" else added,
                "missing_since": now if status == "missing" else None,
                "title": None if status == "pending" else title,
                "artist": None if status == "pending" else artist,
                "album": None if status == "pending" else album,
                "album_artist": artist if album else None,
                "genre": None if status == "pending" or rng.random() < 0.03 else genre,
                "year": None if rng.random() < 0.08 else year,
                "track_number": track_number,
                "disc_number": 1,
                "comment": str(rng.choice(COMMENTS)) if rng.random() < 0.1 else None,
                "tag_bpm": round(centre) if rng.random() < 0.3 else None,
                "rating": None
                if rng.random() < 0.7
                else int(rng.choice(5, p=[0.05, 0.1, 0.3, 0.35, 0.2])) + 1,
                "is_favorite": bool(rng.random() < 0.05),
                "is_hidden": bool(rng.random() < 0.005),
                "play_count": plays,
                "skip_count": int(rng.integers(0, 3)) if plays else 0,
                "last_played_at": now - timedelta(days=float(rng.uniform(0, 400)))
                if plays
                else None,
                "notes": "cue at the second drop" if rng.random() < 0.01 else None,
                "custom_metadata": {},
                "created_at": added,
                "updated_at": added,
            }
        )
        for kind, names, weights in (("tag", tag_names, tag_p), ("mood", mood_names, mood_p)):
            chosen = np.flatnonzero(rng.random(len(names)) < weights)
            for index in chosen:
                tag_rows.append(
                    {
                        "id": new_id(),
                        "owner_id": owner,
                        "track_id": track_id,
                        "kind": kind,
                        "tag": names[index],
                        "created_at": added,
                        "updated_at": added,
                    }
                )
        if status in ("pending", "error"):
            continue
        bpm = float(np.clip(rng.normal(centre, spread), low, high))
        if rng.random() < 0.7:
            bpm = round(bpm)  # most produced music sits on a whole tempo
        if rng.random() < odd_tempo:
            bpm = bpm * 2 if bpm < 100 else bpm / 2  # the analyser heard half or double time
        minor = rng.random() < minor_share
        key_note = int(rng.choice(12, p=_KEY_WEIGHTS))
        override: dict[str, Any] = {}
        roll = rng.random()
        if roll < 0.01:
            override = {
                "manual_override": True,
                "bpm_override": round(bpm / 2 if bpm > 150 else bpm * 2, 2),
                "override_reason": "analysis heard half/double time",
            }
        elif roll < 0.015:
            override = {
                "manual_override": True,
                "key_note_override": (key_note + (3 if minor else 9)) % 12,
                "scale_override": "major" if minor else "minor",
                "override_reason": "relative key by ear",
            }
        if override:
            override.update(override_by_id=owner, overridden_at=added + timedelta(days=1))
        detailed = rng.random() < 0.05
        analysis_rows.append(
            {
                "id": new_id(),
                "owner_id": owner,
                "track_id": track_id,
                "algorithm": ANALYSIS_ALGORITHM,
                "algorithm_version": ANALYSIS_VERSION,
                "analyzed_at": added,
                "bpm": round(bpm, 2),
                "beat_offset_s": round(float(rng.uniform(0, 60 / bpm)), 4),
                "beats": _beats(bpm, duration) if detailed else None,
                "bpm_confidence": round(float(rng.beta(6, 2)), 3),
                "key_note": key_note,
                "scale": "minor" if minor else "major",
                "key_confidence": round(float(rng.beta(5, 2)), 3),
                "loudness_lufs": round(float(np.clip(rng.normal(-9, 3), -40, -3)), 2),
                "peak_dbfs": round(float(np.clip(rng.normal(-0.5, 0.5), -6, 0)), 2),
                "energy": round(float(rng.beta(4, 3)), 3),
                "danceability": round(float(rng.uniform(0.5, 3)), 3),
                "onset_rate": round(float(rng.uniform(1, 8)), 3),
                "waveform": _waveform(rng) if detailed else None,
                "analysis_quality_score": round(float(rng.beta(8, 2)), 3),
                "confidence_threshold": 0.7,
                "manual_override": False,
                **override,
                "created_at": added,
                "updated_at": added,
            }
        )
        vector_rows.append((track_id.hex, vectors[number].tobytes()))
    with app.session() as session:
        for chunk in _chunks(track_rows):
            session.execute(insert(Track), chunk)
        for chunk in _chunks(analysis_rows):
            session.execute(insert(TrackAnalysis), chunk)
        for chunk in _chunks(tag_rows):
            session.execute(insert(TrackTag), chunk)
        connection = session.connection()
        ensure_space(connection, TRACK_VECTORS)
        statement = text(
            f"INSERT INTO {TRACK_VECTORS.table}(entity_id, embedding) VALUES (:id, :embedding)"
        )
        for start in range(0, len(vector_rows), CHUNK):
            session.execute(
                statement,
                [
                    {"id": key, "embedding": blob}
                    for key, blob in vector_rows[start : start + CHUNK]
                ],
            )
    with app.store.engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()


_STARS = [0.05, 0.1, 0.3, 0.35, 0.2]
"""How often a rated track has 1 ... 5 stars."""
# C, C#, D ... B as tonics: DJ libraries lean on A, F, G, D, C and E-flat/B-flat a little
_KEY_WEIGHTS = np.array([10, 7, 9, 6, 8, 9, 7, 9, 7, 10, 7, 7], float)
_KEY_WEIGHTS /= _KEY_WEIGHTS.sum()


def _beats(bpm: float, duration: float) -> bytes:
    return (np.arange(0.0, duration, 60.0 / bpm, dtype=np.float64)).astype("<f4").tobytes()


def _waveform(rng: np.random.Generator) -> bytes:
    """A 2 x 1000 uint8 overview (row 0 minima, row 1 maxima) with a quiet intro and outro."""
    envelope = np.clip(np.sin(np.linspace(0, math.pi, 1000)) * 1.4, 0.15, 1.0)
    peak = envelope * rng.uniform(0.6, 1.0, 1000)
    maxima = np.round(127.5 + 127.5 * peak).astype(np.uint8)
    minima = np.round(127.5 - 127.5 * peak).astype(np.uint8)
    return np.stack([minima, maxima]).tobytes()


def build_big_library(paths: Paths, tracks: int = 100_000, seed: int = 0) -> None:
    """Make the store under paths a library of `tracks` realistic tracks (replacing its file).

    Built once per (tracks, seed, schema revision) into benchmarks/data/big_library/, then copied.
    """
    paths.ensure()
    cached = _cache_file(tracks, seed)
    if not cached.exists():
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=CACHE_DIR) as folder:
            root = Path(folder)
            scratch = Paths(root / "data", root / "config", root / "cache", root / "logs")
            with App.open(scratch) as app:
                _generate(app, tracks, seed)
            with App.open(scratch) as app:  # a clean close checkpoints the WAL into the file
                pass
            scratch.store_file.replace(cached)
    for suffix in ("", "-wal", "-shm"):
        stale = Path(f"{paths.store_file}{suffix}")
        if stale.exists():
            stale.unlink()
    shutil.copyfile(cached, paths.store_file)


def main() -> None:
    """Build (or copy) a big library into a folder and say what it holds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--home", type=Path, help="museaud home to fill (default: a temp dir)")
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="museaud-big-"))
    paths = Paths(home / "data", home / "config", home / "cache", home / "logs")
    start = time.perf_counter()
    build_big_library(paths, args.tracks, args.seed)
    elapsed = time.perf_counter() - start
    with App.open(paths) as app, app.session() as session:
        counts = {
            table: session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in ("tracks", "track_analysis", "track_tags", TRACK_VECTORS.table)
        }
    print(f"library at {paths.store_file} in {elapsed:.1f} s: {counts}", file=sys.stderr)
    print(f"MUSEAUD_HOME={home}")


if __name__ == "__main__":
    main()
