"""Arrangement sections: they tile the track, and the labelling heuristic does what it says."""

from __future__ import annotations

import itertools

import pytest
from tests.support.audio import RenderedCorpus

from museaud.analysis import analyze_file
from museaud.analysis.sections import label_sections

LABELS = {"intro", "verse", "chorus", "bridge", "outro"}


@pytest.mark.parametrize("name", ["d_minor_128", "bb_minor_174", "fsharp_major_90"])
def test_sections_cover_the_track_without_gaps(rendered_corpus: RenderedCorpus, name: str) -> None:
    result = analyze_file(rendered_corpus.wav(name))
    sections = result.sections
    assert sections[0].start_s == 0.0
    assert sections[-1].end_s == pytest.approx(result.analysed_s)
    for before, after in itertools.pairwise(sections):
        assert before.end_s == after.start_s
    assert all(section.end_s > section.start_s for section in sections)
    assert all(section.label in LABELS for section in sections)
    assert all(0.0 <= section.confidence <= 1.0 for section in sections)


def test_a_quiet_intro_and_outro_are_found(rendered_corpus: RenderedCorpus) -> None:
    """The 174 piece opens with 4 bars without kick and snare and ends with 4 without drums."""
    piece = rendered_corpus.piece("bb_minor_174")
    result = analyze_file(rendered_corpus.wav("bb_minor_174"))
    written = piece.section_starts_s()
    assert (written[0][0], written[1][0], written[-1][0]) == ("intro", "verse", "outro")
    assert len(result.sections) >= 3
    assert result.sections[0].label == "intro"
    assert result.sections[1].start_s == pytest.approx(written[1][1], abs=piece.bar_s)
    assert result.sections[-1].label == "outro"
    assert result.sections[-1].start_s == pytest.approx(written[-1][1], abs=piece.bar_s)


def test_labels_follow_the_heuristic() -> None:
    levels = [-30.0, -27.0, -20.0, -14.0, -20.0, -14.0, -18.0, -14.0, -31.0, -60.0]
    groups = [0, 5, 1, 2, 1, 2, 3, 2, 4, 6]
    held_back = [level <= -21.0 for level in levels]
    assert label_sections(levels, groups, held_back) == [
        "intro", "intro", "verse", "chorus", "verse", "chorus", "bridge", "chorus",
        "outro", "outro",
    ]  # fmt: skip


def test_labels_without_repeats_or_quiet_ends() -> None:
    assert label_sections([-20.0], [0], [True]) == ["verse"]
    # ends that do not hold back are no intro/outro; with no repeats the part 1 dB above the
    # others is the chorus
    three, none, first = [0, 1, 2], [False] * 3, [True, False, False]
    assert label_sections([-17.0, -15.0, -17.0], three, none) == ["verse", "chorus", "verse"]
    assert label_sections([-19.0, -15.0, -17.0], three, first) == ["intro", "chorus", "verse"]
    # all equally loud and never repeated: no chorus to name
    assert label_sections([-20.0, -20.0, -20.0], three, none) == ["verse", "verse", "verse"]
