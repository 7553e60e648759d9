"""Playing a pattern on a MIDI device (a hardware synth, FluidSynth, a DAW's input) in strict time.

One scheduler thread sends every message at an absolute deadline computed from a single
monotonic anchor: deadline = anchor + (beat - anchor beat) x nanoseconds per beat. Nothing is
ever timed as "sleep the gap to the next note", so lateness never accumulates: a message sent
late does not delay the next one, and minutes of playback stay on the grid. The thread waits
(interruptibly) until just before a deadline, then sleeps precisely to it. A tempo change
re-anchors at the beat playing now, so the position stays continuous.

What a part sounds like comes from schedule.timeline (swing, keys, channels); this module adds
humanize, explicit note-offs, the live mix (mute and solo send nothing; channel volume and pan
as CC7/CC10), the metronome on the drum channel, MIDI clock (24 per quarter note) with
start/stop/song position, and all-notes-off on stop and panic. A port that goes away while
playing (unplugged, the synth quit) stops playback with a message in `state().error`; it never
raises into the app.
"""

from __future__ import annotations

import contextlib
import heapq
import logging
import math
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import mido

from museaud.audio.schedule import (
    HUMANIZE_MAX_MS,
    JITTER_CYCLE,
    Timeline,
    humanized_velocity,
    timeline,
)
from museaud.audio.transport import (
    PlaybackUnavailableError,
    TransportSettings,
    TransportState,
)
from museaud.patterns.instruments import DRUM_CHANNEL
from museaud.patterns.model import BeatPattern

log = logging.getLogger(__name__)

PRECISE_SLEEP_NS = 2_000_000
"""Until this long before a deadline the scheduler waits on its wake-up event (so stop and
update interrupt it); the rest is one precise sleep."""
LOOKAHEAD_NS = 50_000_000
"""Hits are queued this long before they are due (more than humanize can move a hit early)."""
PREROLL_NS = 20_000_000
"""Time from play() to the first beat: room for program changes and early humanized hits."""
PORT_CHECK_S = 0.25
"""How often the port list is checked to notice a device that went away."""
PORT_CHECK_ROOM_NS = 10_000_000
"""The port list is only asked for when the next message is at least this far off."""
CONNECT_SETTLE_S = 0.3
"""Time a new connection is given before the first note: JACK re-orders its graph for a new
client over a few cycles, and messages sent meanwhile can be lost (measured on a busy server)."""
SWITCH_INTERVAL_S = 0.001
"""While playing, Python threads take turns at least this often, so a busy GUI thread holds the
scheduler back by a millisecond at most (the default interval is 5 ms, two JACK periods)."""
DRAIN_S = 0.05
"""Time given to the last messages to leave (JACK sends on its next cycle) before closing."""
METRONOME_KEYS = (76, 77)
"""GM drum keys of the click: hi wood block on the bar's first beat, low wood block on others."""
METRONOME_VELOCITY = (120, 90)
CLICK_BEATS = 0.25
DEFAULT_CHANNEL_VOLUME = 100
"""CC7 for a part at volume 1.0 (GM's power-on value), leaving headroom up to volume 1.27."""

# Event kinds, in the order events due at the same instant are sent.
_NOTE_OFF, _CLOCK, _NOTE_ON, _CLICK, _END = range(5)


def _cc(channel: int, control: int, value: int) -> mido.Message:
    return mido.Message("control_change", channel=channel, control=control, value=value)


def _note_off(channel: int, key: int) -> mido.Message:
    return mido.Message("note_off", channel=channel, note=key, velocity=0)


def find_midi_output(name: str) -> tuple[str, str]:
    """(exact port name, rtmidi API) of the output named `name`, or of the one port whose name
    contains it (case-insensitive); PlaybackUnavailableError lists the ports there are."""
    from museaud.audio.devices import midi_outputs_by_api  # noqa: PLC0415

    found = midi_outputs_by_api()
    everything = [(port, api) for api, ports in found.items() for port in ports]
    exact = [(port, api) for port, api in everything if port == name]
    if exact:
        return exact[0]
    folded = name.casefold()
    partial = [(port, api) for port, api in everything if folded in port.casefold()]
    if len(partial) == 1:
        return partial[0]
    listing = ", ".join(sorted({port for port, _ in everything})) or "none"
    if partial:
        raise PlaybackUnavailableError(
            f"MIDI port name {name!r} matches several ports ({', '.join(p for p, _ in partial)}); "
            "give more of the name"
        )
    raise PlaybackUnavailableError(f"no MIDI output port {name!r}; the ports there are: {listing}")


@dataclass(frozen=True)
class _Anchor:
    """Where the beat clock stands: at `ns` (perf_counter_ns) the position was `beat`."""

    ns: int
    beat: float
    ns_per_beat: float

    def deadline(self, beat: float) -> float:
        return self.ns + (beat - self.beat) * self.ns_per_beat

    def beat_at(self, ns: int) -> float:
        return self.beat + (ns - self.ns) / self.ns_per_beat


@dataclass(frozen=True)
class _Mix:
    """The live mix turned into MIDI: who sounds, velocity scale per part, CC7/CC10 per channel."""

    audible: tuple[bool, ...]
    velocity_scale: tuple[float, ...]
    channel_volume: dict[int, int]
    channel_pan: dict[int, int]


def _mix(line: Timeline, settings: TransportSettings) -> _Mix:
    """A channel held by one part carries its volume and pan as CC7/CC10; on a shared channel
    (the drum channel) volume scales each part's velocities and pan is the parts' average."""
    parts_on: dict[int, list[int]] = {}
    for sound in line.sounds:
        parts_on.setdefault(sound.channel, []).append(sound.index)
    velocity_scale = []
    volume_of: dict[int, float] = {}
    pan_of: dict[int, float] = {}
    for sound in line.sounds:
        mix = settings.part(sound.index)
        volume_of[sound.index] = sound.volume * mix.volume
        pan_of[sound.index] = sound.pan if mix.pan is None else mix.pan
        shared = len(parts_on[sound.channel]) > 1
        velocity_scale.append(volume_of[sound.index] if shared else 1.0)
    channel_volume = {}
    channel_pan = {}
    for channel, parts in parts_on.items():
        volume = volume_of[parts[0]] if len(parts) == 1 else 1.0
        pan = sum(pan_of[part] for part in parts) / len(parts)
        channel_volume[channel] = max(0, min(127, round(DEFAULT_CHANNEL_VOLUME * volume)))
        channel_pan[channel] = max(0, min(127, round(64 + 63.5 * pan)))
    return _Mix(
        audible=tuple(settings.audible(sound.index) for sound in line.sounds),
        velocity_scale=tuple(velocity_scale),
        channel_volume=channel_volume,
        channel_pan=channel_pan,
    )


def _programs(line: Timeline) -> dict[int, int]:
    """The General MIDI program of each pitched channel."""
    return {
        sound.channel: sound.gm_program for sound in line.sounds if sound.gm_program is not None
    }


class _PortGoneError(Exception):
    """The MIDI port refused a message or left the port list."""


class _Performance:
    """One play() of one pattern: the scheduler thread's state, touched by that thread only
    (the player hands it new settings through `pending`, one reference swap)."""

    def __init__(
        self,
        port: Any,
        line: Timeline,
        settings: TransportSettings,
        *,
        clock: bool,
        port_alive: Callable[[], bool],
    ) -> None:
        self.port = port
        self.line = line
        self.settings = settings
        self.clock = clock
        self.port_alive = port_alive
        self.bpm = settings.bpm or line.bpm
        self.mix = _mix(line, settings)
        self.start_ns = time.perf_counter_ns() + PREROLL_NS
        self.anchor = _Anchor(self.start_ns, 0.0, 60e9 / self.bpm)
        self.pending: TransportSettings | None = None
        self.pending_line: Timeline | None = None
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self.finished = threading.Event()
        self.error: str | None = None
        self.ended_by_itself = False
        self.queue: list[list[Any]] = []
        self.seq = 0
        self.next_loop = 0
        self.next_hit = 0
        self.next_pulse = 0
        self.next_click = 0
        self.sounding: dict[tuple[int, int], tuple[int, int]] = {}  # (channel, key) -> token, part
        self.token = 0
        self.end_beat = self._end_beat(settings)
        self.end_queued = False
        self.final_beat = 0.0
        self.thread = threading.Thread(target=self.run, name="museaud-midi", daemon=True)

    # --- time ---------------------------------------------------------------------------

    def _end_beat(self, settings: TransportSettings) -> float:
        if settings.bars is not None:
            return settings.bars * self.line.beats_per_bar
        return math.inf if settings.loop else self.line.beats

    def _deadline(self, beat: float, jitter_ns: float) -> float:
        return max(float(self.start_ns), self.anchor.deadline(beat) + jitter_ns)

    def _push(self, beat: float, jitter_ns: float, kind: int, *payload: int) -> None:
        self.seq += 1
        heapq.heappush(
            self.queue, [self._deadline(beat, jitter_ns), kind, self.seq, beat, jitter_ns, *payload]
        )

    def _fill(self, now: int) -> float:
        """Queue what falls due within the look-ahead; returns when to look again (ns)."""
        horizon = self.anchor.beat_at(now + LOOKAHEAD_NS)
        line = self.line
        humanize_ns = self.settings.humanize * HUMANIZE_MAX_MS * 1e6
        count = len(line.hits)
        while count:
            beat = self.next_loop * line.beats + float(line.onsets[self.next_hit])
            if beat > horizon or beat >= self.end_beat:
                break
            jitter = float(line.jitter_ms[self.next_loop % JITTER_CYCLE, self.next_hit])
            self._push(beat, jitter * humanize_ns, _NOTE_ON, self.next_loop, self.next_hit)
            self.next_hit += 1
            if self.next_hit == count:
                self.next_hit, self.next_loop = 0, self.next_loop + 1
        while self.next_click <= horizon and self.next_click < self.end_beat:
            if self.settings.metronome:
                self._push(float(self.next_click), 0.0, _CLICK, self.next_click)
            self.next_click += 1
        if self.clock:
            per_beat = line.clocks_per_beat()
            while (
                self.next_pulse / per_beat <= horizon and self.next_pulse / per_beat < self.end_beat
            ):
                self._push(self.next_pulse / per_beat, 0.0, _CLOCK, self.next_pulse)
                self.next_pulse += 1
        if not self.end_queued and self.end_beat <= horizon:
            self._push(self.end_beat, 0.0, _END)
            self.end_queued = True
        return self.anchor.deadline(horizon) - LOOKAHEAD_NS / 2

    def _requeue(self) -> None:
        """Recompute every queued deadline after the anchor moved (tempo change)."""
        for entry in self.queue:
            entry[0] = self._deadline(entry[3], entry[4])
        heapq.heapify(self.queue)

    # --- sending ------------------------------------------------------------------------

    def send(self, message: mido.Message) -> None:
        try:
            self.port.send(message)
        except Exception as error:  # rtmidi raises several types when a device is gone
            raise _PortGoneError(str(error) or type(error).__name__) from error

    def _setup(self) -> None:
        """Program per pitched channel, then channel volume and pan."""
        self._send_programs(None)
        self._send_mix(None)
        if self.clock:
            self.send(mido.Message("songpos", pos=0))

    def _send_programs(self, before: Timeline | None) -> None:
        """A program change for each pitched channel (only those that changed since before)."""
        was = _programs(before) if before is not None else {}
        for channel, program in sorted(_programs(self.line).items()):
            if was.get(channel) != program:
                self.send(mido.Message("program_change", channel=channel, program=program))

    def _send_mix(self, before: _Mix | None) -> None:
        for channel, value in sorted(self.mix.channel_volume.items()):
            if before is None or before.channel_volume.get(channel) != value:
                self.send(_cc(channel, 7, value))
        for channel, value in sorted(self.mix.channel_pan.items()):
            if before is None or before.channel_pan.get(channel) != value:
                self.send(_cc(channel, 10, value))

    def _note_on(self, loop: int, index: int) -> None:
        line = self.line
        part = int(line.parts[index])
        if not self.mix.audible[part]:
            return
        channel = line.sounds[part].channel
        key = int(line.keys[index])
        velocity = int(line.velocities[index])
        if self.settings.humanize:
            jitter = float(line.jitter_velocity[loop % JITTER_CYCLE, index])
            velocity = humanized_velocity(velocity, jitter, self.settings.humanize)
        velocity = max(1, min(127, round(velocity * self.mix.velocity_scale[part])))
        if (channel, key) in self.sounding:  # the same key again before its end: restrike
            self.send(_note_off(channel, key))
        self.token += 1
        self.sounding[(channel, key)] = (self.token, part)
        self.send(mido.Message("note_on", channel=channel, note=key, velocity=velocity))
        end = loop * line.beats + float(line.ends[index])
        jitter_ns = float(line.jitter_ms[loop % JITTER_CYCLE, index])
        jitter_ns *= self.settings.humanize * HUMANIZE_MAX_MS * 1e6
        self._push(end, jitter_ns, _NOTE_OFF, channel, key, self.token)

    def _click(self, beat: int) -> None:
        accent = 0 if beat % self.line.beats_per_bar == 0 else 1
        key = METRONOME_KEYS[accent]
        self.send(
            mido.Message(
                "note_on", channel=DRUM_CHANNEL, note=key, velocity=METRONOME_VELOCITY[accent]
            )
        )
        self.token += 1
        self.sounding[(DRUM_CHANNEL, key)] = (self.token, -1)
        self._push(beat + CLICK_BEATS, 0.0, _NOTE_OFF, DRUM_CHANNEL, key, self.token)

    def _dispatch(self, entry: list[Any]) -> None:
        kind = entry[1]
        if kind == _NOTE_ON:
            self._note_on(entry[5], entry[6])
        elif kind == _NOTE_OFF:
            channel, key, token = entry[5], entry[6], entry[7]
            if self.sounding.get((channel, key), (None,))[0] == token:
                del self.sounding[(channel, key)]
                self.send(_note_off(channel, key))
        elif kind == _CLOCK:
            if entry[5] == 0:
                self.send(mido.Message("start"))
            self.send(mido.Message("clock"))
        elif kind == _CLICK:
            self._click(entry[5])
        else:
            self.ended_by_itself = True
            self.stopping.set()

    def end_notes(self, parts: set[int] | None = None) -> None:
        """Note-off for every sounding note (of the given parts only, when given)."""
        for (channel, key), (_, part) in list(self.sounding.items()):
            if parts is None or part in parts:
                del self.sounding[(channel, key)]
                self.send(_note_off(channel, key))

    def _apply(self, settings: TransportSettings, now: int) -> None:
        """New settings from the GUI: tempo re-anchors at the current beat, mutes end notes."""
        bpm = settings.bpm or self.line.bpm
        if bpm != self.bpm:
            at = max(now, self.start_ns)
            self.anchor = _Anchor(at, self.anchor.beat_at(at), 60e9 / bpm)
            self.bpm = bpm
            self._requeue()
        before = self.mix
        self.settings = settings
        self.mix = _mix(self.line, settings)
        self._send_mix(before)
        silenced = {
            index
            for index, audible in enumerate(self.mix.audible)
            if before.audible[index] and not audible
        }
        if silenced:
            self.end_notes(silenced)
        self._move_end(now)

    def _move_end(self, now: int) -> None:
        """Where playback ends, after the settings or the pattern changed."""
        end_beat = self._end_beat(self.settings)
        if end_beat != self.end_beat:
            current = self.anchor.beat_at(now)
            if end_beat <= current:  # already past the new end: finish the loop playing now
                end_beat = math.ceil(current / self.line.beats) * self.line.beats
            self.end_beat = end_beat
            self.queue = [entry for entry in self.queue if entry[1] != _END]
            heapq.heapify(self.queue)
            self.end_queued = False

    def _swap(self, line: Timeline, now: int) -> None:
        """Play line from the beat reached: the old pattern's queued notes are dropped (notes
        sounding keep their note-offs), programs and mix are sent only where they changed."""
        dropped = [entry[3] for entry in self.queue if entry[1] == _NOTE_ON]
        self.queue = [entry for entry in self.queue if entry[1] != _NOTE_ON]
        heapq.heapify(self.queue)
        beat = max(0.0, self.anchor.beat_at(max(now, self.start_ns)))
        if dropped:  # a note humanized late may be due after now though written before it
            beat = min(beat, *dropped)
        before_line, before_mix = self.line, self.mix
        self.line = line
        self.mix = _mix(line, self.settings)
        self.next_loop = int(beat // line.beats)
        onset = beat - self.next_loop * line.beats
        self.next_hit = int(line.onsets.searchsorted(onset))
        if self.next_hit >= len(line.hits):
            self.next_hit, self.next_loop = 0, self.next_loop + 1
        bpm = self.settings.bpm or line.bpm
        if bpm != self.bpm:
            at = max(now, self.start_ns)
            self.anchor = _Anchor(at, self.anchor.beat_at(at), 60e9 / bpm)
            self.bpm = bpm
            self._requeue()
        self._send_programs(before_line)
        self._send_mix(before_mix)
        self._move_end(now)

    # --- the thread -----------------------------------------------------------------------

    def run(self) -> None:
        last_check = time.monotonic()
        try:
            self._setup()
            while not self.stopping.is_set():
                now = time.perf_counter_ns()
                line, self.pending_line = self.pending_line, None
                if line is not None:
                    self._swap(line, now)
                settings, self.pending = self.pending, None
                if settings is not None:
                    self._apply(settings, now)
                refill = self._fill(now)
                due = min(self.queue[0][0], refill) if self.queue else refill
                if due - now > PRECISE_SLEEP_NS:
                    if (
                        due - now > PORT_CHECK_ROOM_NS
                        and time.monotonic() - last_check > PORT_CHECK_S
                    ):
                        last_check = time.monotonic()
                        if not self.port_alive():
                            raise _PortGoneError("it is no longer in the list of MIDI ports")
                    self.wake.wait(min(due - now - PRECISE_SLEEP_NS, 1e8) / 1e9)
                    self.wake.clear()
                    continue
                # the last stretch in one high-resolution sleep (clock_nanosleep, GIL released):
                # a busy-wait would hold the GIL away from the GUI and from MIDI input threads
                time.sleep(max(0.0, due - time.perf_counter_ns()) / 1e9)
                now = time.perf_counter_ns()
                while self.queue and self.queue[0][0] <= now and not self.stopping.is_set():
                    self._dispatch(heapq.heappop(self.queue))
            self._finish()
        except _PortGoneError as error:
            self.error = (
                f"MIDI port {getattr(self.port, 'name', '?')!r} went away while playing "
                f"({error}); playback stopped"
            )
        except Exception as error:  # never let the thread die silently: say what happened
            log.exception("MIDI playback stopped")
            self.error = f"MIDI playback stopped: {type(error).__name__}: {error}"
        finally:
            self.final_beat = min(self.end_beat, self.anchor.beat_at(time.perf_counter_ns()))
            self.finished.set()

    def _finish(self) -> None:
        """Every sounding note ends, the clock stops, the channels are told all notes off."""
        self.end_notes()
        if self.clock:
            self.send(mido.Message("stop"))
        for channel in sorted({sound.channel for sound in self.line.sounds} | {DRUM_CHANNEL}):
            self.send(_cc(channel, 123, 0))

    def position(self) -> tuple[float, int, int]:
        """(beat in loop, bar in loop, loops completed), from the anchor (read atomically)."""
        beat = min(max(0.0, self.anchor.beat_at(time.perf_counter_ns())), self.end_beat)
        if self.finished.is_set():
            beat = self.final_beat
        loops, within = divmod(beat, self.line.beats)
        return within, int(within // self.line.beats_per_bar), int(loops)


class MidiPlayer:
    """Plays patterns on one MIDI output port; implements transport.Playback."""

    def __init__(self, port_name: str, *, clock: bool = False) -> None:
        self.clock = clock
        self.port_name, self.api = find_midi_output(port_name)
        self._port: Any = None
        self._opened_at = 0.0
        self._switch_interval: float | None = None
        self._probe: Any = None
        self._performance: _Performance | None = None
        self._last_error: str | None = None
        self._open()
        self._probe = self._make_probe()

    def _make_probe(self) -> Any:
        """A second rtmidi client of the same API that only lists ports (cheap to ask)."""
        import rtmidi  # noqa: PLC0415 - python-rtmidi, the backend mido uses

        api = getattr(rtmidi, f"API_{self.api}", rtmidi.API_UNSPECIFIED)
        probe = rtmidi.MidiOut(rtapi=api, name="museaud port watch")
        probe.get_ports()
        return probe

    def _open(self) -> None:
        backend = mido.Backend(f"mido.backends.rtmidi/{self.api}", load=True)
        try:
            self._port = backend.open_output(self.port_name)
            self._opened_at = time.monotonic()
        except Exception as error:  # rtmidi: OSError, SystemError when the system refuses
            raise PlaybackUnavailableError(
                f"cannot open MIDI port {self.port_name!r} ({self.api}): {error}"
            ) from error

    def _port_alive(self) -> bool:
        """Whether the port is still listed (a JACK/ALSA port that vanished sends into nothing)."""
        return self._probe is not None and self.port_name in self._probe.get_ports()

    @property
    def output(self) -> str:
        """The output as the transport bar names it."""
        return f"midi: {self.port_name}"

    def play(self, pattern: BeatPattern, settings: TransportSettings) -> None:
        """Start pattern from its first beat, replacing what plays."""
        settings = settings.validated()
        line = timeline(pattern)
        self.stop()
        if self._port is None:
            self.port_name, self.api = find_midi_output(self.port_name)
            self._open()
            if self._probe is None:
                self._probe = self._make_probe()
        self._last_error = None
        settling = CONNECT_SETTLE_S - (time.monotonic() - self._opened_at)
        if settling > 0:
            time.sleep(settling)
        performance = _Performance(
            self._port, line, settings, clock=self.clock, port_alive=self._port_alive
        )
        self._performance = performance
        if self._switch_interval is None:
            self._switch_interval = sys.getswitchinterval()
            sys.setswitchinterval(min(self._switch_interval, SWITCH_INTERVAL_S))
        performance.thread.start()

    def change_pattern(self, pattern: BeatPattern) -> None:
        """Play pattern instead of the one playing, from the beat reached (see Playback);
        from the first beat, with the last settings, when nothing plays."""
        line = timeline(pattern)
        performance = self._performance
        if performance is None or performance.finished.is_set():
            settings = performance.settings if performance is not None else TransportSettings()
            self.play(pattern, settings)
            return
        performance.pending_line = line
        performance.wake.set()

    def update(self, settings: TransportSettings) -> None:
        """New tempo, loop, length, click, feel or mix, applied from the next event."""
        settings = settings.validated()
        performance = self._performance
        if performance is not None:
            performance.pending = settings
            performance.wake.set()

    def stop(self) -> None:
        """Stop at once: sounding notes end, the clock stops, all notes off on our channels."""
        performance = self._performance
        if performance is None:
            return
        performance.stopping.set()
        performance.wake.set()
        if performance.thread.is_alive():
            performance.thread.join()
        self._after(performance)

    def _after(self, performance: _Performance) -> None:
        if performance.error is not None:
            self._last_error = performance.error
            self._drop_port()
        self._performance = None
        if self._switch_interval is not None:
            sys.setswitchinterval(self._switch_interval)
            self._switch_interval = None

    def _drop_port(self) -> None:
        if self._port is not None:
            with contextlib.suppress(Exception):  # a port whose device is gone may fail to close
                self._port.close()
            self._port = None

    def panic(self) -> None:
        """Stop, then silence all 16 channels: note-offs, all notes off, all sound off."""
        self.stop()
        if self._port is None:
            return
        try:
            for message in panic_messages():
                self._port.send(message)
        except Exception as error:  # the port vanished: say so, never raise into the GUI
            self._last_error = f"MIDI port {self.port_name!r} went away ({error})"
            self._drop_port()

    def state(self) -> TransportState:
        """Where playback is now (polled by the transport bar)."""
        performance = self._performance
        if performance is None:
            return TransportState(output=self.output, error=self._last_error)
        beat, bar, loops = performance.position()
        return TransportState(
            output=self.output,
            playing=not performance.finished.is_set(),
            beat=beat,
            bar=bar,
            loops=loops,
            bpm=performance.bpm,
            error=performance.error,
        )

    def wait(self, timeout: float | None = None) -> bool:
        """Block until playback ends by itself or stops; True if it ended."""
        performance = self._performance
        if performance is None:
            return True
        ended = performance.finished.wait(timeout)
        if ended and performance.error is not None:
            self._after(performance)
        return ended

    def close(self) -> None:
        """Stop, end every note and release the port."""
        self.stop()
        if self._port is not None:
            time.sleep(DRAIN_S)  # let the last note-offs leave before the port closes
        self._drop_port()
        if self._probe is not None:
            self._probe.delete()
            self._probe = None

    def __enter__(self) -> MidiPlayer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def panic_messages(channels: Sequence[int] = range(16)) -> list[mido.Message]:
    """What a panic sends on each channel: all notes off (CC123) and all sound off (CC120)."""
    return [_cc(channel, control, 0) for channel in channels for control in (123, 120)]
