"""Every flavour by key, and a flavour found by any spelling of its name."""

from __future__ import annotations

import unicodedata

from museaud.patterns.flavors.afro_cuban import CHACHA, MAMBO, SALSA, SON_MONTUNO
from museaud.patterns.flavors.brazilian import BOSSA_NOVA
from museaud.patterns.flavors.dominican import BACHATA, MERENGUE
from museaud.patterns.flavors.drum_kits import FUNK, HIP_HOP, HOUSE, REGGAETON, ROCK
from museaud.patterns.flavors.model import Flavor
from museaud.patterns.flavors.rumba import RUMBA

FLAVORS: dict[str, Flavor] = {
    flavor.key: flavor
    for flavor in (
        SALSA,
        SON_MONTUNO,
        MAMBO,
        CHACHA,
        RUMBA,
        MERENGUE,
        BACHATA,
        BOSSA_NOVA,
        HOUSE,
        HIP_HOP,
        ROCK,
        FUNK,
        REGGAETON,
    )
}
"""Every flavour by key (lower case, hyphenated: 'salsa', 'cha-cha-cha', 'hip-hop')."""


def _folded(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.casefold() if ch.isalnum())


_BY_FOLDED = {_folded(key): f for key, f in FLAVORS.items()} | {
    _folded(f.name): f for f in FLAVORS.values()
}


def flavor(name: str) -> Flavor:
    """The flavour of a name, in any case and with or without accents, spaces or hyphens
    ('Salsa', 'cha-cha-chá', 'son_montuno'); KeyError lists the flavours there are."""
    found = _BY_FOLDED.get(_folded(name))
    if found is None:
        known = ", ".join(f.name for f in FLAVORS.values())
        raise KeyError(f"unknown flavour {name!r}; known: {known}")
    return found
