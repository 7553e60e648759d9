"""The references the flavours' rhythms are written after, cited in docs/rhythms.md."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    """A reference a rhythm is written after."""

    short: str
    full: str


SOURCES: dict[str, Source] = {
    "uribe": Source(
        "Uribe 1996",
        'Ed Uribe, "The Essence of Afro-Cuban Percussion and Drum Set" (Warner Bros., 1996)',
    ),
    "mauleon": Source(
        "Mauleón 1993",
        'Rebeca Mauleón, "Salsa Guidebook for Piano and Ensemble" (Sher Music, 1993)',
    ),
    "changuito": Source(
        "Quintana 1998",
        'José Luis "Changuito" Quintana with Chuck Silverman, "Changuito: A Master\'s Approach '
        'to Timbales" (Warner Bros., 1998)',
    ),
    "salsanor": Source(
        "SalsaNor machine",
        "The SalsaNor / Salsa Beat Machine's machine files (salsa.xml, merengue.xml): the "
        "beat-machine reductions this machine descends from, checked note for note against "
        "every grid cited with them",
    ),
    "timbales_notebook": Source(
        "timbales notebook",
        "A working timbalero's transcriptions of the basic timbales patterns (cáscara, paila "
        "with hembra, mambo bell, cha-cha-chá bell and hembra), published as LilyPond notebooks "
        "in the GitHub repository mikea/timbales; used to check the timbales grids",
    ),
    "wikipedia_conga": Source(
        "Wikipedia, Conga",
        'The English Wikipedia article "Conga", section on the tumbao (the clave-aligned '
        "variant with one open tone on the ponche, and the bombo on the tumba)",
    ),
    "austerlitz": Source(
        "Austerlitz 1997",
        'Paul Austerlitz, "Merengue: Dominican Music and Dominican Identity" (Temple '
        "University Press, 1997): background on the instruments and their roles",
    ),
    "pacini": Source(
        "Pacini Hernández 1995",
        'Deborah Pacini Hernández, "Bachata: A Social History of a Dominican Popular Music" '
        "(Temple University Press, 1995): background on the bachata ensemble",
    ),
    "fonseca": Source(
        "Fonseca & Weiner 1991",
        'Duduka da Fonseca and Bob Weiner, "Brazilian Rhythms for Drumset" (Manhattan Music, 1991)',
    ),
    "marshall": Source(
        "Marshall 2008",
        'Wayne Marshall, "Dem Bow, Dembow, Dembo: Translation and Transnation in Reggaeton", '
        "Lied und populäre Kultur 53 (2008); the Dem Bow riddim (Steely & Clevie, 1990)",
    ),
    "drum_machine": Source(
        "drum-machine practice",
        "The standard drum-machine programming of the genre (TR-808/909 grids), as found in "
        "any producer's method: these are the textbook skeletons, not a particular record",
    ),
}
