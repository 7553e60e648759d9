"""docs/rhythms.md, generated from the flavours so the document cannot disagree with the code.

`python -m museaud.patterns.flavors --markdown > docs/rhythms.md` writes it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from museaud.music.keys import spell_pitch
from museaud.patterns.flavors.building import build_pattern, with_clave
from museaud.patterns.flavors.catalogue import FLAVORS
from museaud.patterns.flavors.model import WRITTEN_CLAVE, Flavor
from museaud.patterns.flavors.notation import NOTATION, count_position, grid, stroke_key
from museaud.patterns.flavors.sources import SOURCES
from museaud.patterns.instruments import GM_DRUM_KEYS, INSTRUMENTS
from museaud.patterns.model import Note

_GM_NAMES = {key: name.replace("_", " ").title() for name, key in GM_DRUM_KEYS.items()}
_NO_GM = "none (museaud's own key)"


def _cite(keys: Sequence[str]) -> str:
    return "; ".join(SOURCES[key].short for key in keys)


def rhythms_markdown() -> str:
    """docs/rhythms.md: every flavour's programs as grids, the notation, the GM mapping and the
    sources, all generated from the code so the document cannot disagree with it."""
    out: list[str] = [
        "# Rhythms of the beat machine",
        "",
        "Generated from `src/museaud/patterns/flavors/` by "
        "`python -m museaud.patterns.flavors --markdown > docs/rhythms.md`; do not edit by "
        "hand (a test compares this file with the code).",
        "",
        "## Reading the grids",
        "",
        "- One character per step, a space between beats, `|` between bars. Eighth-note grids "
        "have two characters a beat (`1 &`), sixteenth-note grids four (`1 e & a`).",
        "- `.` is a rest; a letter is a stroke of that instrument (table below). Pitched parts "
        "show `x` where notes start and list the notes under the grid as bar:beat positions.",
        "- Pitched parts are written in C and sound in the pattern's key (pitch + key note + "
        "the part's pitch offset).",
        "- Clave-based flavours are written in 2-3. Their 3-2 version is the same music started "
        "one bar later: museaud rotates exactly the parts whose two bars differ (marked *follows "
        "the clave*) and leaves the others, which are the same in both directions.",
        "- The tempo range is where the style lives; the machine plays any 80-250 bpm.",
        "",
        "## Strokes and General MIDI",
        "",
        "Percussion plays on MIDI channel 10. Strokes a listener must tell apart have keys of "
        "their own: the timbalero's bells (mambo bell, cha-cha bell) play the GM agogos, apart "
        "from the bongo bell on the GM cowbell; the cáscara plays the high wood block (a stick "
        "on the shell), apart from the timbal's head; the hand drums' heel and toe, which GM "
        "lacks, take keys 88 and 89 above the GM2 kit (a GM synthesiser leaves them silent). "
        "Where one GM sound serves two strokes (the bongo bell's mouth and neck, the bongó's "
        "finger stroke and open tone) they differ by velocity and a note reads back as the "
        "stroke with the nearest velocity; the tambora, güira and chekeré, which GM lacks, "
        "borrow toms and the cabasa.",
        "",
        "| Instrument | Letter | Stroke | GM key | GM sound | Velocity |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for instrument_id, strokes in NOTATION.items():
        for stroke in strokes:
            key = stroke_key(instrument_id, stroke)
            out.append(
                f"| {INSTRUMENTS[instrument_id].name} | `{stroke.letter}` | {stroke.meaning} | "
                f"{key} | {_GM_NAMES.get(key, _NO_GM)} | {stroke.velocity} |"
            )
    out += ["", "## Sources", ""]
    out += [f"- **{source.short}**: {source.full}." for source in SOURCES.values()]
    for style in FLAVORS.values():
        out += _flavor_markdown(style)
    return "\n".join(out) + "\n"


def _flavor_markdown(style: Flavor) -> list[str]:
    resolution = {2: "eighth notes", 4: "sixteenth notes"}.get(
        style.steps_per_beat, f"{style.steps_per_beat} steps a beat"
    )
    clave = (
        f"{style.clave} by default (written 2-3; 3-2 is one bar later)"
        if style.clave
        else "none (not clave-based)"
    )
    pattern = build_pattern(style.key, clave=WRITTEN_CLAVE if style.clave else None)
    out = [
        "",
        f"## {style.name}",
        "",
        style.description,
        "",
        f"- Tempo: {style.bpm} bpm (range {style.bpm_range[0]}-{style.bpm_range[1]})",
        f"- Metre: {style.time_signature}, {style.bars} bars of {resolution}. {style.feel}",
        f"- Clave: {clave}",
        f"- References: {_cite(style.sources)}",
    ]
    for fp, part in zip(style.parts, pattern.parts, strict=True):
        spec = INSTRUMENTS[fp.instrument]
        flags = [f"volume {fp.volume:g}"]
        if part.follows_clave:
            flags.append("follows the clave")
        if not fp.enabled:
            flags.append("muted at first")
        out += ["", f"### {spec.name} (`{fp.instrument}`)", "", f"{fp.role} ({', '.join(flags)})"]
        for index, program in enumerate(fp.programs):
            cited = f"[{_cite(program.sources)}]" if program.sources else "[museaud's reduction]"
            out += [
                "",
                f"{index + 1}. **{program.name}** — {program.about} {cited}",
                "",
                "   ```",
                f"   {grid(part, pattern, program=index)}",
            ]
            if style.clave and part.follows_clave and fp.instrument in ("clave", "snare"):
                turned = with_clave(pattern, "3-2").part(fp.instrument)
                out.append(f"   {grid(turned, pattern, program=index)}   (3-2)")
            out.append("   ```")
            if not spec.is_percussion:
                out.append("")
                out.append("   " + _notes_line(program.notes, style.steps_per_beat))
    return out


def _notes_line(notes: tuple[Note, ...], steps_per_beat: int) -> str:
    by_step: dict[int, list[Note]] = {}
    for note in notes:
        by_step.setdefault(note.step, []).append(note)
    return ", ".join(
        f"{count_position(step, steps_per_beat)} "
        + "+".join(spell_pitch(n.pitch, octave=True) for n in sorted(group, key=lambda n: n.pitch))
        for step, group in sorted(by_step.items())
    )


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m museaud.patterns.flavors --markdown`: print docs/rhythms.md."""
    parser = argparse.ArgumentParser(prog="python -m museaud.patterns.flavors")
    parser.add_argument("--markdown", action="store_true", help="print docs/rhythms.md")
    args = parser.parse_args(argv)
    if not args.markdown:
        parser.print_help()
        return 2
    sys.stdout.write(rhythms_markdown())
    return 0
