"""Order for mixing: put a set's tracks where neighbours mix, and rate every transition.

A transition is rated on three things, each green, amber or red:
- key, by the Camelot wheel: green for the same key, one step round the wheel (+1, -1) and the
  relative major/minor; amber for a diagonal step (+1/-1 with the letter changed), two steps
  (+2 energy boost, -2) and seven (+7, a semitone up; -7, a semitone down); red for a clash.
- tempo change in percent, half and double time aware (70 -> 140 BPM is 0 %): green up to
  3 %, amber up to 6 % (a pitch fader's range), red beyond.
- energy step (analysis energy, 0-1): green up to 0.10, amber up to 0.20, red beyond.
A missing tempo, key or energy rates amber.

The order is searched for: every transition has a cost (key, tempo, energy step), every
position a target energy on the chosen arc (warm-up, build, peak, release, flat) scaled to
the tracks' own energies, and an artist heard again within `artist_gap` tracks costs more than
any clash. Greedy orders from every first track start the search; the best few are improved
by moving tracks and runs of tracks (or-opt), reversing runs (2-opt) and swapping pairs,
each step taking the best move of all, then kicked (a random run reversed) and improved again.
Everything is deterministic per seed; no clock is read.
"""

from __future__ import annotations

import functools
import itertools
import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from sqlalchemy import select
from sqlalchemy.orm import Session

from museaud.library.tracks import track_rows_by_id
from museaud.music.keys import CAMELOT_KEYS, Key, camelot_order
from museaud.music.pitch import pitch_class
from museaud.playlists.errors import PlaylistError
from museaud.playlists.service import get_playlist, move_entry
from museaud.store.models.playlists import PlaylistEntry

Grade = Literal["green", "amber", "red"]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

ARCS = ("warm-up", "build", "peak", "release", "flat")
GREEN_TEMPO_PCT, AMBER_TEMPO_PCT = 3.0, 6.0
GREEN_ENERGY_STEP, AMBER_ENERGY_STEP = 0.10, 0.20

# what each key relation costs a transition; a 6 % tempo change costs 1, like a clash
_KEY_COSTS: dict[str, float] = {
    "same key": 0.0,
    "+1": 0.1,
    "-1": 0.1,
    "relative": 0.1,
    "diagonal +1": 0.5,
    "diagonal -1": 0.5,
    "+2": 0.6,
    "-2": 0.6,
    "+7": 0.7,
    "-7": 0.7,
    "no key": 0.5,
    "clash": 1.0,
}
_ENERGY_STEP_WEIGHT = 1.0
_ARC_WEIGHT = 2.0  # per position, times |energy - target|
_ARTIST_PENALTY = 25.0  # per pair by one artist within the gap: more than moves can gain
_UNKNOWN_TEMPO_COST = 0.5
_GREEDY_STARTS_KEPT = 3
_KICKS = 6
_MOST_ROUNDS = 200  # improving moves per search; a local optimum usually comes far sooner
_WINDOW = 30  # a longer set is searched this many positions at a time, windows half overlapping
_MOST_PASSES = 4  # over all the windows of a long set
_MOST_GREEDY_STARTS = 24  # openers tried (a seeded choice) for the greedy orders
_REPLACEMENT_ROUNDS = 60  # swaps of a chosen track for a better one from the crate
_OPENERS = 4  # tracks near the arc's opening energy that choose_set chains from


@dataclass(frozen=True)
class SetTrack:
    """One track of a set as the ordering sees it: the tempo, key and energy to trust."""

    track_id: uuid.UUID
    title: str
    artist: str | None = None
    bpm: float | None = None
    key: Key | None = None
    energy: float | None = None
    entry_id: uuid.UUID | None = None  # the playlist entry it came from, if any


@dataclass(frozen=True)
class Transition:
    """How one track mixes into the next."""

    outgoing: SetTrack
    incoming: SetTrack
    key_relation: str  # "same key", "+1", "relative", "diagonal +1", "+2", "clash", "no key" ...
    key_grade: Grade
    tempo_change_pct: float | None  # signed, after half/double time
    tempo_grade: Grade
    energy_step: float | None
    energy_grade: Grade

    @property
    def grade(self) -> Grade:
        """The worst of the three grades."""
        grades = (self.key_grade, self.tempo_grade, self.energy_grade)
        return "red" if "red" in grades else "amber" if "amber" in grades else "green"


@dataclass(frozen=True)
class SetSummary:
    """How well a whole order mixes."""

    transitions: int
    compatible_share: float  # transitions in the same key, +1/-1 or relative
    within_tempo_share: float  # transitions changing tempo by at most 6 %
    largest_tempo_jump_pct: float | None
    arc_deviation: float | None  # mean |energy - the arc's target| over the tracks
    artist_repeats: int  # pairs of tracks by one artist within the gap


@dataclass(frozen=True)
class SetOrder:
    """Tracks in mixing order, with each transition rated and the set's totals."""

    tracks: tuple[SetTrack, ...]
    order: tuple[int, ...]  # where each track stood in the sequence given
    transitions: tuple[Transition, ...]
    summary: SetSummary
    cost: float  # what the search minimised: lower mixes better


# --- rating one transition ----------------------------------------------------------------


def _wheel(key: Key) -> tuple[int, str]:
    code = key.camelot
    return int(code[:-1]), code[-1]


def key_relation(outgoing: Key | None, incoming: Key | None) -> tuple[str, Grade]:
    """The step between two keys on the Camelot wheel, named as DJs do, and its grade."""
    if outgoing is None or incoming is None:
        return "no key", "amber"
    (number_a, letter_a), (number_b, letter_b) = _wheel(outgoing), _wheel(incoming)
    step = (number_b - number_a + 5) % 12 - 5  # -5 … 6
    if letter_a == letter_b:
        named = {0: "same key", 1: "+1", -1: "-1", 2: "+2", -2: "-2", -5: "+7", 5: "-7"}
        name = named.get(step, "clash")
    else:
        name = {0: "relative", 1: "diagonal +1", -1: "diagonal -1"}.get(step, "clash")
    cost = _KEY_COSTS[name]
    return name, "green" if cost <= 0.1 else "amber" if cost < 1.0 else "red"


def tempo_change_pct(outgoing_bpm: float, incoming_bpm: float) -> float:
    """Percent the incoming track's tempo differs, at the same, half or double time."""
    octaves = math.log2(incoming_bpm / outgoing_bpm)
    return float(2.0 ** (octaves - round(octaves)) - 1.0) * 100.0


def _grade(size: float | None, green: float, amber: float) -> Grade:
    if size is None:
        return "amber"
    return "green" if size <= green else "amber" if size <= amber else "red"


def rate_transition(outgoing: SetTrack, incoming: SetTrack) -> Transition:
    """One transition's key relation, tempo change and energy step, each graded."""
    relation, key_grade = key_relation(outgoing.key, incoming.key)
    tempo = None
    if outgoing.bpm and incoming.bpm:
        tempo = tempo_change_pct(outgoing.bpm, incoming.bpm)
    step = None
    if outgoing.energy is not None and incoming.energy is not None:
        step = incoming.energy - outgoing.energy
    return Transition(
        outgoing=outgoing,
        incoming=incoming,
        key_relation=relation,
        key_grade=key_grade,
        tempo_change_pct=tempo,
        tempo_grade=_grade(None if tempo is None else abs(tempo), GREEN_TEMPO_PCT, AMBER_TEMPO_PCT),
        energy_step=step,
        energy_grade=_grade(
            None if step is None else abs(step), GREEN_ENERGY_STEP, AMBER_ENERGY_STEP
        ),
    )


def mixing_cost(outgoing: SetTrack, incoming: SetTrack) -> float:
    """What the search counts for one transition: key, tempo and energy step (0 mixes
    perfectly; a clash or a 6 % tempo change costs 1 each)."""
    pair = _Material.of([outgoing, incoming])
    return float(pair.edge_costs(np.array(0), np.array(1)))


def transitions(tracks: Sequence[SetTrack]) -> list[Transition]:
    """Every transition of the tracks in the order given."""
    return [rate_transition(a, b) for a, b in itertools.pairwise(tracks)]


# --- the arc --------------------------------------------------------------------------------


def _arc_shape(arc: str, count: int) -> FloatArray:
    """Where each position's energy should sit between the quietest and most intense, 0-1."""
    if arc not in ARCS:
        raise ValueError(f"unknown energy arc {arc!r}; arcs: {', '.join(ARCS)}")
    t = np.linspace(0.0, 1.0, count) if count > 1 else np.zeros(count)
    if arc == "warm-up":  # stays low, then rises
        return t**2
    if arc == "build":
        return t
    if arc == "peak":  # up to the peak three quarters in, then down to the middle
        return np.where(t <= 0.75, t / 0.75, 1.0 - (t - 0.75) / 0.25 * 0.5)
    if arc == "release":
        return 1.0 - t
    return np.full(count, 0.5)


def energy_targets(
    arc: str, count: int, energies: Sequence[float], spread: tuple[float, float] = (0.0, 1.0)
) -> FloatArray:
    """The arc's target energy at each of count positions, scaled to these energies: the
    shape's 0-1 is read as a quantile of them (within spread), so a build over a set's own
    tracks is met exactly by playing them quietest first."""
    shape = _arc_shape(arc, count)
    if len(energies) == 0:
        return np.full(count, np.nan)
    low, high = spread
    return np.quantile(np.asarray(energies, dtype=np.float64), low + (high - low) * shape)


def _artist_repeats(artists: Sequence[str | None], gap: int) -> int:
    names = [None if artist is None else artist.strip().casefold() or None for artist in artists]
    return sum(
        1
        for distance in range(1, gap)
        for a, b in zip(names, names[distance:], strict=False)
        if a is not None and a == b
    )


def set_summary(
    tracks: Sequence[SetTrack], *, arc: str = "build", artist_gap: int = 3
) -> SetSummary:
    """The totals of an order: compatible share, tempo, arc deviation and artist repeats."""
    rated = transitions(tracks)
    jumps = [abs(t.tempo_change_pct) for t in rated if t.tempo_change_pct is not None]
    known = [(position, t.energy) for position, t in enumerate(tracks) if t.energy is not None]
    deviation = None
    if known:
        targets = energy_targets(arc, len(tracks), [energy for _, energy in known])
        deviation = float(np.mean([abs(energy - targets[p]) for p, energy in known]))
    share = (lambda hits: hits / len(rated)) if rated else (lambda hits: 1.0)
    return SetSummary(
        transitions=len(rated),
        compatible_share=share(sum(t.key_grade == "green" for t in rated)),
        within_tempo_share=share(sum(jump <= AMBER_TEMPO_PCT for jump in jumps)),
        largest_tempo_jump_pct=max(jumps) if jumps else None,
        arc_deviation=deviation,
        artist_repeats=_artist_repeats([t.artist for t in tracks], artist_gap),
    )


# --- costs, vectorised ----------------------------------------------------------------------

_NO_KEY = 24


@functools.cache
def _key_cost_table() -> FloatArray:
    """Cost of every key relation, by Camelot order (1A=0, 1B=1 … 12B=23; 24 = no key)."""
    keys: list[Key | None] = [*CAMELOT_KEYS, None]
    return np.array([[_KEY_COSTS[key_relation(a, b)[0]] for b in keys] for a in keys])


@functools.cache
def _key_index(key: Key | None) -> int:
    return _NO_KEY if key is None else camelot_order(key)


def _tempo_cost(outgoing_bpm: FloatArray, incoming_bpm: FloatArray) -> FloatArray:
    """(change / 6 %)² up to 6 %, then steeper; half/double aware and symmetric."""
    with np.errstate(invalid="ignore", divide="ignore"):
        octaves = np.log2(incoming_bpm / outgoing_bpm)
        change = (np.exp2(np.abs(octaves - np.round(octaves))) - 1.0) * 100.0
    cost = np.where(
        change <= AMBER_TEMPO_PCT,
        (change / AMBER_TEMPO_PCT) ** 2,
        np.minimum(4.0, 1.0 + (change - AMBER_TEMPO_PCT) / 3.0),
    )
    return np.where(np.isnan(change), _UNKNOWN_TEMPO_COST, cost)


@dataclass(frozen=True)
class _Material:
    """Tracks as arrays: key index, tempo, energy (nan when unknown) and artist number."""

    keys: IntArray
    bpms: FloatArray
    energies: FloatArray
    artists: IntArray  # -1: no artist, never a repeat

    @classmethod
    def of(cls, tracks: Sequence[SetTrack]) -> _Material:
        numbers: dict[str, int] = {}
        artists = []
        for track in tracks:
            name = (track.artist or "").strip().casefold()
            artists.append(numbers.setdefault(name, len(numbers)) if name else -1)
        return cls(
            keys=np.array([_key_index(t.key) for t in tracks], dtype=np.int64),
            bpms=np.array([t.bpm or np.nan for t in tracks], dtype=np.float64),
            energies=np.array(
                [np.nan if t.energy is None else t.energy for t in tracks], dtype=np.float64
            ),
            artists=np.array(artists, dtype=np.int64),
        )

    def edge_costs(self, outgoing: IntArray, incoming: IntArray) -> FloatArray:
        """Transition costs between tracks (indices, broadcast against each other)."""
        key = _key_cost_table()[self.keys[outgoing], self.keys[incoming]]
        tempo = _tempo_cost(self.bpms[outgoing], self.bpms[incoming])
        step = np.abs(self.energies[incoming] - self.energies[outgoing])
        return key + tempo + _ENERGY_STEP_WEIGHT * np.nan_to_num(step, nan=0.0)

    def place_costs(self, tracks: IntArray, targets: FloatArray) -> FloatArray:
        """What playing these tracks at positions with these target energies costs."""
        gaps = np.abs(self.energies[tracks][:, None] - targets[None, :])
        return _ARC_WEIGHT * np.nan_to_num(gaps, nan=0.0)


@dataclass(frozen=True)
class _SetProblem:
    """One set to order: transition and place costs of its tracks, and the artist gap."""

    edges: FloatArray  # [from, to]
    places: FloatArray  # [track, position]
    artists: IntArray
    artist_gap: int
    repeated_artists: bool  # some artist has two tracks here: repeats must be counted

    @classmethod
    def of(
        cls, material: _Material, chosen: IntArray, targets: FloatArray, artist_gap: int
    ) -> _SetProblem:
        artists = material.artists[chosen]
        known = artists[artists >= 0]
        return cls(
            edges=material.edge_costs(chosen[:, None], chosen[None, :]),
            places=material.place_costs(chosen, targets),
            artists=artists,
            artist_gap=artist_gap,
            repeated_artists=len(np.unique(known)) < len(known),
        )

    def costs(self, orders: IntArray) -> FloatArray:
        """The cost of each order (rows of track indices)."""
        count = orders.shape[1]
        total: FloatArray = self.edges.take(orders[:, :-1] * count + orders[:, 1:]).sum(axis=1)
        total += self.places.take(orders * count + np.arange(count)).sum(axis=1)
        if self.artist_gap > 1 and self.repeated_artists:
            artists = self.artists.take(orders)
            for distance in range(1, self.artist_gap):
                later = artists[:, distance:]
                repeats = (later == artists[:, :-distance]) & (later >= 0)
                total += _ARTIST_PENALTY * np.count_nonzero(repeats, axis=1)
        return total

    def cost(self, order: IntArray) -> float:
        return float(self.costs(order[None, :])[0])

    def greedy(self, first: int, last: int | None) -> IntArray:
        """Always the cheapest next track from first; last (a track) kept for the end."""
        count = len(self.artists)
        order = [first]
        left = np.ones(count, dtype=bool)
        left[first] = False
        if last is not None:
            left[last] = False
        for position in range(1, count - (last is not None)):
            score = self.edges[order[-1]] + self.places[:, position]
            for previous in order[-(self.artist_gap - 1) :] if self.artist_gap > 1 else ():
                if self.artists[previous] >= 0:
                    score = score + _ARTIST_PENALTY * (self.artists == self.artists[previous])
            chosen = int(np.argmin(np.where(left, score, np.inf)))
            order.append(chosen)
            left[chosen] = False
        if last is not None:
            order.append(last)
        return np.array(order, dtype=np.int64)

    def improve(self, order: IntArray, movable: tuple[int, int]) -> tuple[IntArray, float]:
        """Local search over the movable positions, a window at a time (one window when the
        set is short), passing over a long set again while that helps."""
        low, high = movable
        starts = list(range(low, max(low, high - _WINDOW + 1) + 1, _WINDOW // 2))
        if starts[-1] + _WINDOW - 1 < high:
            starts.append(high - _WINDOW + 1)
        cost = self.cost(order)
        for _ in range(_MOST_PASSES):
            for start in starts:
                order = self._improve_range(order, start, min(high, start + _WINDOW - 1))
            before, cost = cost, self.cost(order)
            if len(starts) == 1 or cost >= before - 1e-9:
                break
        return order, cost

    def _improve_range(self, order: IntArray, start: int, stop: int) -> IntArray:
        """order with positions start…stop improved: searched as a small set of their own with
        the tracks either side fixed (for the transitions in and out and artist repeats)."""
        context = max(1, self.artist_gap - 1)
        first, last = max(0, start - context), min(len(order) - 1, stop + context)
        part = order[first : last + 1]
        window = _SetProblem(
            edges=self.edges[np.ix_(part, part)],
            places=self.places[part, first : last + 1],
            artists=self.artists[part],
            artist_gap=self.artist_gap,
            repeated_artists=self.repeated_artists,
        )
        local, _ = window._improve_all(np.arange(len(part)), (start - first, stop - first))
        improved = order.copy()
        improved[first : last + 1] = part[local]
        return improved

    def _improve_all(self, order: IntArray, movable: tuple[int, int]) -> tuple[IntArray, float]:
        """The best move of all, again and again, until none helps (or the round budget)."""
        moves = _moves(len(order), *movable)
        cost = self.cost(order)
        for _ in range(_MOST_ROUNDS):
            if len(moves) == 0:
                break
            candidates = order[moves]
            costs = self.costs(candidates)
            best = int(np.argmin(costs))
            if costs[best] >= cost - 1e-9:
                break
            order, cost = candidates[best], float(costs[best])
        return order, cost

    def search(
        self, starts: Sequence[IntArray], movable: tuple[int, int], seed: int
    ) -> tuple[IntArray, float]:
        """Improve each start, then kick the best found and improve again, keeping the best."""
        best, best_cost = starts[0], math.inf
        for opening in starts:
            order, cost = self.improve(opening, movable)
            if cost < best_cost - 1e-9:
                best, best_cost = order, cost
        low, high = movable
        rng = np.random.default_rng(seed)
        kicks = _KICKS * max(1, (high - low + 1) // _WINDOW) if high - low >= 3 else 0
        for _ in range(kicks):  # reverse a short run, then search the window around it
            i = int(rng.integers(low, high - 1))
            j = int(rng.integers(i + 2, min(high, i + _WINDOW // 3) + 1))
            kicked = best.copy()
            kicked[i : j + 1] = kicked[i : j + 1][::-1]
            start = max(low, min(i - (_WINDOW - (j - i + 1)) // 2, high - _WINDOW + 1))
            order = self._improve_range(kicked, start, min(high, start + _WINDOW - 1))
            cost = self.cost(order)
            if cost < best_cost - 1e-9:
                best, best_cost = order, cost
        return best, best_cost


@functools.lru_cache(maxsize=64)
def _moves(count: int, low: int, high: int) -> IntArray:
    """Every reorder of positions low…high worth trying, as rows of positions: reverse a run,
    swap two tracks, move a run of 1-3 tracks elsewhere."""
    identity = np.arange(count)
    rows: list[IntArray] = []
    for i in range(low, high + 1):
        for j in range(i + 1, high + 1):
            reversed_run = identity.copy()
            reversed_run[i : j + 1] = identity[i : j + 1][::-1]
            rows.append(reversed_run)
            if j > i + 1:
                swapped = identity.copy()
                swapped[i], swapped[j] = j, i
                rows.append(swapped)
        for length in (1, 2, 3):
            run = list(range(i, i + length))
            if run[-1] > high:
                break
            rest = [p for p in range(low, high + 1) if p not in run]
            for place in range(len(rest) + 1):
                if place != i - low:
                    moved = rest[:place] + run + rest[place:]
                    rows.append(np.concatenate([identity[:low], moved, identity[high + 1 :]]))
    if not rows:
        return np.zeros((0, count), dtype=np.int64)
    return np.unique(np.array(rows, dtype=np.int64), axis=0)


def _check_keep(keep: int | None, count: int, name: str) -> None:
    if keep is not None and not 0 <= keep < count:
        raise ValueError(
            f"{name} must be a position in the tracks given (0-{count - 1}), not {keep}"
        )


def _set_order(
    tracks: Sequence[SetTrack], order: Sequence[int], cost: float, arc: str, artist_gap: int
) -> SetOrder:
    ordered = tuple(tracks[i] for i in order)
    return SetOrder(
        tracks=ordered,
        order=tuple(int(i) for i in order),
        transitions=tuple(transitions(ordered)),
        summary=set_summary(ordered, arc=arc, artist_gap=artist_gap),
        cost=cost,
    )


def _problem(tracks: Sequence[SetTrack], arc: str, artist_gap: int) -> _SetProblem:
    material = _Material.of(tracks)
    known = material.energies[~np.isnan(material.energies)]
    targets = energy_targets(arc, len(tracks), known.tolist())
    return _SetProblem.of(material, np.arange(len(tracks)), targets, artist_gap)


def greedy_order(
    tracks: Sequence[SetTrack], *, arc: str = "build", first: int = 0, artist_gap: int = 3
) -> SetOrder:
    """The order a DJ gets by always taking the best-mixing next track, from tracks[first]."""
    _check_keep(first, len(tracks), "first")
    problem = _problem(tracks, arc, artist_gap)
    order = problem.greedy(first, None)
    return _set_order(tracks, order.tolist(), problem.cost(order), arc, artist_gap)


def order_for_mixing(
    tracks: Sequence[SetTrack],
    *,
    arc: str = "build",
    keep_first: int | None = None,
    keep_last: int | None = None,
    artist_gap: int = 3,
    seed: int = 0,
) -> SetOrder:
    """The tracks reordered so that neighbours mix and the energy follows the arc.

    keep_first and keep_last are positions in tracks that must open and close the set; no
    artist is heard twice within artist_gap tracks when the tracks allow it. Every track
    given is kept, repeats of one track included.
    """
    count = len(tracks)
    _check_keep(keep_first, count, "keep_first")
    _check_keep(keep_last, count, "keep_last")
    if keep_first is not None and keep_first == keep_last and count > 1:
        raise ValueError("the first and the last track must be different entries")
    _arc_shape(arc, 0)  # refuse an unknown arc even for a tiny set
    if count < 2:
        return _set_order(tracks, range(count), 0.0, arc, artist_gap)
    problem = _problem(tracks, arc, artist_gap)
    firsts = [keep_first] if keep_first is not None else [i for i in range(count) if i != keep_last]
    if len(firsts) > _MOST_GREEDY_STARTS:
        chosen = np.random.default_rng(seed).choice(len(firsts), _MOST_GREEDY_STARTS, replace=False)
        firsts = [firsts[i] for i in sorted(chosen.tolist())]
    greedy = [problem.greedy(first, keep_last) for first in firsts]
    greedy_costs = problem.costs(np.array(greedy))
    starts = [greedy[i] for i in np.argsort(greedy_costs, kind="stable")[:_GREEDY_STARTS_KEPT]]
    movable = (int(keep_first is not None), count - 1 - int(keep_last is not None))
    order, cost = problem.search(starts, movable, seed)
    return _set_order(tracks, order.tolist(), cost, arc, artist_gap)


def choose_set(
    candidates: Sequence[SetTrack],
    n: int = 30,
    *,
    arc: str = "build",
    first: int | None = None,
    artist_gap: int = 3,
    seed: int = 0,
) -> SetOrder:
    """Pick n tracks from the candidates (a crate, up to some 10,000) and order them to mix.

    The arc is scaled to the candidates' energies (their 5th to 95th percentile). first, a
    position in candidates, opens the set when given. SetOrder.order points into candidates.
    """
    count = len(candidates)
    _check_keep(first, count, "first")
    _arc_shape(arc, 0)
    n = min(n, len({t.track_id for t in candidates}))
    if n < 1:
        return _set_order(candidates, [], 0.0, arc, artist_gap)
    crate = _Crate.of(candidates, n, arc, artist_gap)
    if first is not None:
        openers = [first]
    else:  # a few of the tracks nearest the arc's opening energy
        fitting = np.argsort(crate.places[:, 0], kind="stable")[: max(1, min(count, 40))]
        openers = (
            np.random.default_rng(seed)
            .choice(fitting, size=min(_OPENERS, len(fitting)), replace=False)
            .tolist()
        )
    chains = [crate.chain(int(opener)) for opener in openers]
    chain_costs = [crate.problem(chain).cost(np.arange(n)) for chain in chains]
    chosen = chains[int(np.argmin(chain_costs))]
    order, cost = crate.refine(chosen, first is not None, seed)
    return _set_order(candidates, order.tolist(), cost, arc, artist_gap)


class _Crate:
    """The candidates of choose_set, with the costs of placing each at every position of the
    set and the transition costs from the tracks tried so far (remembered: costs are
    symmetric, so one row serves both directions)."""

    def __init__(
        self, material: _Material, tracks: IntArray, targets: FloatArray, artist_gap: int
    ) -> None:
        self.material, self.targets, self.artist_gap = material, targets, artist_gap
        self.tracks = tracks  # one number per track: a crate may hold a track twice
        self.everyone = np.arange(len(material.keys))
        self.places = material.place_costs(self.everyone, targets)  # [candidate, position]
        self._rows: dict[int, FloatArray] = {}

    @classmethod
    def of(cls, candidates: Sequence[SetTrack], n: int, arc: str, artist_gap: int) -> _Crate:
        material = _Material.of(candidates)
        numbers: dict[uuid.UUID, int] = {}
        tracks = [numbers.setdefault(t.track_id, len(numbers)) for t in candidates]
        known = material.energies[~np.isnan(material.energies)]
        targets = energy_targets(arc, n, known.tolist(), (0.05, 0.95))
        return cls(material, np.array(tracks, dtype=np.int64), targets, artist_gap)

    def edges(self, track: int) -> FloatArray:
        """Transition costs between this track and every candidate."""
        row = self._rows.get(track)
        if row is None:
            row = self._rows[track] = self.material.edge_costs(np.array(track), self.everyone)
        return row

    def repeats(self, near: Sequence[int]) -> FloatArray:
        """Penalty for playing each candidate within the artist gap of these tracks."""
        artists = self.material.artists
        costs = np.zeros(len(self.everyone))
        for track in near:
            if artists[track] >= 0:
                costs += _ARTIST_PENALTY * (artists == artists[track])
        return costs

    def problem(self, chosen: IntArray) -> _SetProblem:
        return _SetProblem.of(self.material, chosen, self.targets, self.artist_gap)

    def chain(self, opener: int) -> IntArray:
        """Greedy: from opener, always the cheapest next track of all the candidates."""
        chain = [opener]
        left = self.tracks != self.tracks[opener]
        for position in range(1, len(self.targets)):
            score = self.edges(chain[-1]) + self.places[:, position]
            score = score + self.repeats(
                chain[-(self.artist_gap - 1) :] if self.artist_gap > 1 else []
            )
            chosen = int(np.argmin(np.where(left, score, np.inf)))
            chain.append(chosen)
            left &= self.tracks != self.tracks[chosen]
        return np.array(chain, dtype=np.int64)

    def refine(self, chosen: IntArray, keep_first: bool, seed: int) -> tuple[IntArray, float]:
        """Reorder the chosen tracks and swap in better candidates from outside while that
        helps, then search the final order harder."""
        count = len(chosen)
        movable = (int(keep_first), count - 1)
        order = chosen
        for _ in range(_REPLACEMENT_ROUNDS):
            local, _cost = self.problem(order).improve(np.arange(count), movable)
            order = order[local]
            replaced = self.replacement(order, keep_first)
            if replaced is None:
                break
            order = replaced
        local, cost = self.problem(order).search([np.arange(count)], movable, seed)
        return order[local], cost

    def replacement(self, order: IntArray, keep_first: bool) -> IntArray | None:
        """The set with one track swapped for the outside candidate that lowers its cost
        most, or None when no swap helps."""
        count = len(order)
        outside = ~np.isin(self.tracks, self.tracks[order])
        if not outside.any():
            return None
        gap = max(self.artist_gap, 1)
        best_gain, best_set = 1e-9, None
        for position in range(int(keep_first), count):
            # what each candidate would add at this position: its place, its two
            # transitions and its artist repeats; the track there now is among them
            cost = self.places[:, position].copy()
            if position > 0:
                cost += self.edges(int(order[position - 1]))
            if position < count - 1:
                cost += self.edges(int(order[position + 1]))
            near = np.concatenate(
                [order[max(0, position - gap + 1) : position], order[position + 1 : position + gap]]
            )
            cost += self.repeats(near.tolist())
            candidate = int(np.argmin(np.where(outside, cost, np.inf)))
            gain = cost[order[position]] - cost[candidate]
            if gain > best_gain:
                best_gain, best_set = gain, order.copy()
                best_set[position] = candidate
        return best_set


# --- the store ------------------------------------------------------------------------------


def set_track_of(row: dict[str, object], entry_id: uuid.UUID | None = None) -> SetTrack:
    """A SetTrack from a `library.tracks` row (effective tempo and key: override, else analysis)."""
    key = None
    if row["key"] is not None and row["scale"] is not None:
        key = Key(pitch_class(str(row["key"])), str(row["scale"]))
    bpm, energy = row["bpm"], row["energy"]
    return SetTrack(
        track_id=uuid.UUID(str(row["id"])),
        title=str(row["title"] or row["path"]),
        artist=None if row["artist"] is None else str(row["artist"]),
        bpm=float(bpm) if isinstance(bpm, int | float) else None,
        key=key,
        energy=float(energy) if isinstance(energy, int | float) else None,
        entry_id=entry_id,
    )


def set_tracks(
    session: Session, track_ids: Sequence[uuid.UUID], entry_ids: Sequence[uuid.UUID | None] = ()
) -> list[SetTrack]:
    """These tracks (repeats kept, unknown ids left out) as the ordering sees them."""
    found = track_rows_by_id(session, list(dict.fromkeys(track_ids)))
    rows = {uuid.UUID(row["id"]): row for row in found}
    entries = list(entry_ids) or [None] * len(track_ids)
    return [
        set_track_of(rows[track_id], entry)
        for track_id, entry in zip(track_ids, entries, strict=True)
        if track_id in rows
    ]


def playlist_set(session: Session, playlist_id: uuid.UUID) -> list[SetTrack]:
    """A playlist's entries in their order, as the ordering sees them."""
    get_playlist(session, playlist_id)
    entries = session.execute(
        select(PlaylistEntry.id, PlaylistEntry.track_id)
        .where(PlaylistEntry.playlist_id == playlist_id)
        .order_by(PlaylistEntry.position_key, PlaylistEntry.id)
    ).all()
    return set_tracks(session, [track for _, track in entries], [entry for entry, _ in entries])


def order_playlist(
    session: Session,
    playlist_id: uuid.UUID,
    *,
    arc: str = "build",
    keep_first: int | None = None,
    keep_last: int | None = None,
    artist_gap: int = 3,
    seed: int = 0,
) -> SetOrder:
    """The playlist's entries ordered for mixing (see order_for_mixing; keep_first and
    keep_last are positions in its current order). Nothing is written."""
    return order_for_mixing(
        playlist_set(session, playlist_id),
        arc=arc,
        keep_first=keep_first,
        keep_last=keep_last,
        artist_gap=artist_gap,
        seed=seed,
    )


def apply_order(session: Session, playlist_id: uuid.UUID, order: SetOrder) -> int:
    """Put the playlist's entries in this order (from order_playlist); returns how many moved.

    Only entries out of place are moved, one position key written for each."""
    wanted = [t.entry_id for t in order.tracks]
    current = [t.entry_id for t in playlist_set(session, playlist_id)]
    if None in wanted or sorted(map(str, wanted)) != sorted(map(str, current)):
        raise PlaylistError("the order is not of this playlist's entries as they are now")
    moved = 0
    for place, entry in enumerate(wanted):
        if current[place] != entry:
            assert entry is not None
            move_entry(session, playlist_id, entry, place)
            current.remove(entry)
            current.insert(place, entry)
            moved += 1
    return moved
