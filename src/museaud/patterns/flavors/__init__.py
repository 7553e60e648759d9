"""Flavours: the beat machine's styles, each with its instruments and their programs.

A flavour (salsa, merengue, house …) names its tempo, metre, grid resolution and clave, and for each
instrument several programs (variations, as on the SalsaNor machine). Percussion programs are
written in the grid notation that `grid()` prints and docs/rhythms.md shows, so the code, the tests
and the document read the same way. Pitched parts (bass, piano, tres, guitar) are written in C and
sound in the pattern's key.

- model: what a flavour, its parts and programs are;
- notation: grid letters, counted positions, programs read from and printed as grids;
- sources: the references the rhythms are written after;
- afro_cuban, rumba, dominican, brazilian, drum_kits: the rhythms themselves;
- catalogue: every flavour by key, and lookup by any spelling;
- building: patterns built from a flavour, and the clave turned around;
- markdown: docs/rhythms.md (`python -m museaud.patterns.flavors --markdown`).
"""

from museaud.patterns.flavors.building import build_pattern, with_clave
from museaud.patterns.flavors.catalogue import FLAVORS, flavor
from museaud.patterns.flavors.markdown import rhythms_markdown
from museaud.patterns.flavors.model import Flavor
from museaud.patterns.flavors.notation import NOTATION, count_position, grid, stroke_letter

__all__ = [
    "FLAVORS",
    "NOTATION",
    "Flavor",
    "build_pattern",
    "count_position",
    "flavor",
    "grid",
    "rhythms_markdown",
    "stroke_letter",
    "with_clave",
]
