"""Arrangement sections: where the track changes, and a best guess at what each part is.

Boundaries: the timbre frames are averaged per half bar (per second without a tempo) into
colour (MFCC), harmony (chroma), level and drive (the mean onset envelope: are the drums in?);
a self-similarity matrix of those units is scanned with Foote's checkerboard kernel (4 bars
either side), and the peaks of that novelty curve, at least 2 bars apart and standing a quarter
deviation above its mean, are the boundaries (at most one per 8 s of music).

Labels, the heuristic, in this order:
1. A track with one section calls it a verse.
2. The sections that open the track and hold back, each at least 3 dB quieter than the track's
   typical half bar (the median) or with under 60 % of its typical drive (no kick and snare
   yet), are the intro; the quiet sections that close it are the outro (a fade and a
   reverb tail alike). Each becomes one section.
3. Sections that sound alike (cosine similarity of their mean bar features above 0.6) form a
   group. Of the middle sections, the loudest group that comes back at least twice is the
   chorus; with no repeats, the loudest middle section is, if it is 1 dB above the others.
4. A middle section that occurs once, after the first chorus and before the last middle
   section, is the bridge.
5. Everything else is a verse.
A section's confidence is the novelty peak at its start relative to the strongest one (the first
section starts at 0 with confidence 1).
"""

from __future__ import annotations

import itertools

import numpy as np
import numpy.typing as npt

from museaud.analysis.result import Section
from museaud.analysis.spectra import OnsetEnvelope, TimbreFrames

Float64Array = npt.NDArray[np.float64]

BEATS_PER_UNIT = 2
KERNEL_UNITS = 8  # half-width of the checkerboard: 4 bars
MIN_SECTION_UNITS = 4  # 2 bars
SECONDS_PER_SECTION = 8.0
MAX_UNITS = 600
QUIETER_DB = 3.0
LESS_DRIVE = 0.6
ALIKE = 0.6


def _unit_edges(duration_s: float, bpm: float | None, beat_offset_s: float | None) -> Float64Array:
    """Start times of the analysis units (half bars with a tempo, else 1 s), then the end."""
    if bpm and beat_offset_s is not None and bpm > 0:
        step = BEATS_PER_UNIT * 60.0 / bpm
        while duration_s / step > MAX_UNITS:
            step *= 2
        first = beat_offset_s % step
        inner = np.arange(first, duration_s, step)
    else:
        step = max(1.0, duration_s / MAX_UNITS)
        inner = np.arange(step, duration_s, step)
    inner = inner[(inner > 0.5) & (inner < duration_s - 0.5)]
    return np.concatenate([[0.0], inner, [duration_s]])


def _unit_means(values: npt.NDArray[np.float32], rate: float, edges: Float64Array) -> Float64Array:
    """The mean of each column of `values` (rows at `rate` per second) within each unit."""
    count = len(values)
    starts = np.clip(np.round(edges[:-1] * rate).astype(int), 0, count - 1)
    ends = np.minimum(np.maximum(np.round(edges[1:] * rate).astype(int), starts + 1), count)
    starts = np.minimum(starts, ends - 1)
    columns = values.reshape(count, -1).astype(np.float64)
    sums = np.cumsum(np.vstack([np.zeros((1, columns.shape[1])), columns]), axis=0)
    return np.asarray((sums[ends] - sums[starts]) / (ends - starts)[:, None])


def _unit_features(
    frames: TimbreFrames, envelope: OnsetEnvelope, edges: Float64Array
) -> tuple[Float64Array, Float64Array, Float64Array]:
    """Per unit: z-scored colour/harmony/level/drive features, the level (dB) and the drive."""
    level = _unit_means(frames.level_db, frames.frame_rate, edges)[:, 0]
    onsets = _unit_means(envelope.values, envelope.frame_rate, edges)
    drive = np.log1p(onsets)
    parts = [
        (_unit_means(frames.mfcc[:, 1:], frames.frame_rate, edges), 1.0),
        (_unit_means(frames.chroma, frames.frame_rate, edges), 1.0),
        (level[:, None], 2.0),
        (drive, 2.0),
    ]
    columns = []
    for values, weight in parts:
        # robust scaling: a silent tail must not squash every other change in level
        centre = np.median(values, axis=0)
        spread = 1.4826 * np.median(np.abs(values - centre), axis=0)
        spread = np.where(spread > 1e-9, spread, values.std(axis=0) + 1e-9)
        columns.append(weight * np.clip((values - centre) / spread, -3.0, 3.0))
    return np.hstack(columns), level, onsets[:, 0]


def _novelty(features: Float64Array) -> Float64Array:
    """Foote's novelty: a Gaussian-tapered checkerboard slid along the self-similarity diagonal."""
    norms = np.linalg.norm(features, axis=1, keepdims=True)
    unit = features / np.where(norms > 1e-9, norms, 1.0)
    similarity = unit @ unit.T
    width = KERNEL_UNITS
    offsets = np.arange(-width, width) + 0.5
    taper = np.exp(-0.5 * (offsets / (width * 0.5)) ** 2)
    kernel = np.outer(taper, taper) * np.sign(offsets)[:, None] * np.sign(offsets)[None, :]
    padded = np.pad(similarity, width, mode="edge")
    count = len(features)
    novelty = np.zeros(count)
    for index in range(1, count):
        block = padded[index : index + 2 * width, index : index + 2 * width]
        novelty[index] = float((kernel * block).sum())
    return np.maximum(novelty, 0.0)


def _boundaries(novelty: Float64Array, most: int) -> list[int]:
    """Unit indices where sections start: novelty peaks, strongest first, kept apart."""
    if len(novelty) < 2 * MIN_SECTION_UNITS or most < 1:
        return []
    is_peak = np.zeros(len(novelty), bool)
    is_peak[1:-1] = (novelty[1:-1] >= novelty[:-2]) & (novelty[1:-1] > novelty[2:])
    floor = float(novelty.mean() + 0.25 * novelty.std())
    candidates = [int(i) for i in np.flatnonzero(is_peak & (novelty > floor))]
    chosen: list[int] = []
    for index in sorted(candidates, key=lambda i: -novelty[i]):
        if index < MIN_SECTION_UNITS or index > len(novelty) - MIN_SECTION_UNITS:
            continue
        if all(abs(index - other) >= MIN_SECTION_UNITS for other in chosen):
            chosen.append(index)
        if len(chosen) == most:
            break
    return sorted(chosen)


def _groups(means: Float64Array) -> list[int]:
    """A group number per section: sections alike (cosine above ALIKE) share one."""
    norms = np.linalg.norm(means, axis=1, keepdims=True)
    unit = means / np.where(norms > 1e-9, norms, 1.0)
    groups: list[int] = []
    leaders: list[int] = []
    for index in range(len(means)):
        for group, leader in enumerate(leaders):
            if float(unit[index] @ unit[leader]) > ALIKE:
                groups.append(group)
                break
        else:
            leaders.append(index)
            groups.append(len(leaders) - 1)
    return groups


def label_sections(levels: list[float], groups: list[int], held_back: list[bool]) -> list[str]:
    """Intro/verse/chorus/bridge/outro for each section by the module docstring's heuristic.

    `levels` are the sections' mean levels in dB; `held_back` says which are quieter or
    sparser than the track's typical half bar (candidates for intro and outro).
    """
    count = len(levels)
    if count == 1:
        return ["verse"]
    labels = ["verse"] * count
    quiet = held_back
    first = 0
    while first < count - 1 and quiet[first]:
        labels[first] = "intro"
        first += 1
    last = count - 1
    while last > first and quiet[last]:
        labels[last] = "outro"
        last -= 1
    middle = list(range(first, last + 1))
    repeats = {g for g in (groups[i] for i in middle) if sum(groups[i] == g for i in middle) >= 2}
    chorus_members: list[int] = []
    if repeats:

        def group_level(group: int) -> float:
            return float(np.mean([levels[i] for i in middle if groups[i] == group]))

        chorus = max(repeats, key=group_level)
        chorus_members = [i for i in middle if groups[i] == chorus]
    else:
        loudest_middle = max(middle, key=lambda i: levels[i])
        others = [levels[i] for i in middle if i != loudest_middle]
        if not others or levels[loudest_middle] >= max(others) + 1.0:
            chorus_members = [loudest_middle]
    for index in chorus_members:
        labels[index] = "chorus"
    if chorus_members:
        first_chorus = min(chorus_members)
        for index in middle:
            alone = sum(groups[i] == groups[index] for i in middle) == 1
            if alone and first_chorus < index < middle[-1] and labels[index] == "verse":
                labels[index] = "bridge"
    return labels


def find_sections(
    frames: TimbreFrames,
    envelope: OnsetEnvelope,
    duration_s: float,
    bpm: float | None,
    beat_offset_s: float | None,
) -> tuple[Section, ...]:
    """Sections covering [0, duration_s] without gaps or overlaps, labelled (see module doc)."""
    if duration_s <= 0.0:
        return ()
    edges = _unit_edges(duration_s, bpm, beat_offset_s)
    if len(frames) < 2 or len(edges) < 2 * MIN_SECTION_UNITS + 1:
        return (Section(0.0, duration_s, "verse", 1.0),)
    features, unit_levels, unit_drives = _unit_features(frames, envelope, edges)
    novelty = _novelty(features)
    most = max(0, int(duration_s // SECONDS_PER_SECTION) - 1)
    starts = [0, *_boundaries(novelty, most)]
    bounds = [*starts, len(edges) - 1]
    strongest = float(novelty.max()) if novelty.max() > 0 else 1.0
    spans = list(itertools.pairwise(bounds))
    levels = [float(np.mean(unit_levels[a:b])) for a, b in spans]
    drives = [float(np.mean(unit_drives[a:b])) for a, b in spans]
    typical_drive = float(np.median(unit_drives))
    held_back = [
        level <= float(np.median(unit_levels)) - QUIETER_DB or drive < LESS_DRIVE * typical_drive
        for level, drive in zip(levels, drives, strict=True)
    ]
    means = np.stack([features[a:b].mean(axis=0) for a, b in spans])
    labels = label_sections(levels, _groups(means), held_back)
    sections: list[Section] = []
    for (a, b), label in zip(spans, labels, strict=True):
        if sections and label in ("intro", "outro") and sections[-1].label == label:
            sections[-1] = Section(
                sections[-1].start_s, float(edges[b]), label, sections[-1].confidence
            )
            continue
        confidence = 1.0 if a == 0 else float(min(1.0, novelty[a] / strongest))
        sections.append(Section(float(edges[a]), float(edges[b]), label, confidence))
    return tuple(sections)
