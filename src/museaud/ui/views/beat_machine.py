"""The beat machine: a step sequencer with Latin and modern flavours."""

from __future__ import annotations

from museaud.accounts.preferences import Preferences
from museaud.ui.views.base import EmptyState, EmptyStateView, set_paragraph


class BeatMachineView(EmptyStateView):
    """Patterns of the beat machine; for now, what it will do and the defaults it will use."""

    view_name = "beat_machine"
    title = "Beat Machine"
    subtitle = "Step sequencer for drums, bass, chords and melody, with style flavours."
    glyph = "beat_machine"

    def empty_state(self) -> EmptyState:
        """No patterns yet: the defaults new patterns will get, and where to change them."""
        return EmptyState(
            headline="Make a groove",
            body=(
                "A step sequencer with salsa and merengue flavours — and cha-cha-chá, son "
                "montuno, bachata, house, hip-hop and more. Program the steps yourself, or let "
                "a flavour generate drums, bass, chords and a melody to start from."
            ),
            features=(
                "Drum, bass, chord and melody generators that know each flavour's feel",
                "Playback through built-in sounds, or to a synth or DAW over MIDI",
                "Export any pattern as a standard MIDI file",
            ),
            how_to_start=_defaults_sentence(Preferences()),
            action_name="preferences",
        )

    def apply_preferences(self, preferences: Preferences) -> None:
        """Show the defaults a new pattern will start from."""
        set_paragraph(self.start_label, _defaults_sentence(preferences))


def _defaults_sentence(preferences: Preferences) -> str:
    return (
        f"New patterns start at {preferences.default_bpm} BPM in "
        f"{preferences.default_key_name} {preferences.default_scale}, "
        f"{preferences.default_flavor} flavour. Set your own defaults in Preferences (Ctrl+,)."
    )
