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
        "The SalsaNor / Salsa Beat Machine's machine files (urish/beat-machine, "
        "public/assets/machines/salsa.xml and merengue.xml): the beat-machine reductions this "
        "machine descends from. Cited where a grid has the onsets of one of their programs; "
        "their files name no strokes beyond a sample number, so which stroke plays is "
        "museaud's reading unless the text says otherwise",
    ),
    "timbales_notebook": Source(
        "timbales notebook",
        "A working timbalero's transcriptions of the basic timbales patterns (cáscara, paila "
        "with hembra, mambo bell, cha-cha-chá bell and hembra), published as LilyPond notebooks "
        "in the GitHub repository mikea/timbales; used to check the timbales grids",
    ),
    "mma_chacha": Source(
        "MMA chacha.mma",
        "Bob van der Poel's MMA (Musical MIDI Accompaniment) standard library, "
        "lib/stdlib/chacha.mma, developed from Victor López's \"Latin Rhythms: Mystery "
        'Unraveled": its long güiro on 1 and 3, short güiro on 2, 4 and their &',
    ),
    "pertout": Source(
        "Pertout, Guaguancó",
        'Alex Pertout, "Guaguancó: Afro-Cuban Rumba" (lesson, alexpertout.com): the Havana '
        "style in 3-2 rumba clave with tumbadora, segundo, quinto, claves and catá; the "
        "tumbadora comes in with an open tone on beat 4, the segundo with open tones on the "
        "2-side",
    ),
    "formedia_palito": Source(
        "formedia, palito",
        "formedia.ca Afro-Cuban rhythms, stick patterns: the palito on the gua-gua with 3-2 "
        "rumba clave, the right hand on the clave and the left hand the rest; the cáscara is "
        "the same pattern with one hand",
    ),
    "wikipedia_guaguanco": Source(
        "Wikipedia, Guaguancó",
        'The English Wikipedia article "Guaguancó", percussion section: three congas (tumba, '
        "tres dos, quinto), claves, the guagua (catá), maraca or chekeré on the main beats",
    ),
    "wikipedia_conga": Source(
        "Wikipedia, Conga",
        'The English Wikipedia article "Conga", section on the tumbao (the basic '
        "tumbao and its clave-aligned variant with one open tone on the ponche)",
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
