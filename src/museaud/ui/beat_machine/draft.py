"""The pattern being edited: its content, its id in the store (None until saved), whether it has
unsaved changes, and the undo history of its edits.

Every edit replaces the whole immutable BeatPattern, so an undo step is just the pattern before
and after. Consecutive edits of one knob (a velocity under the wheel, the bpm spin) merge into
one undo step.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from museaud.patterns.model import BeatPattern

_MERGE_IDS: dict[str, int] = {}


def _merge_id(key: str) -> int:
    """A stable small number per merge key (QUndoCommand.id() must be an int)."""
    return _MERGE_IDS.setdefault(key, len(_MERGE_IDS) + 1)


class PatternEdit(QUndoCommand):
    """One undoable edit: the pattern before and after."""

    def __init__(
        self, draft: PatternDraft, before: BeatPattern, after: BeatPattern, label: str, merge: str
    ) -> None:
        super().__init__(label)
        self.draft = draft
        self.before = before
        self.after = after
        self.merge_key = merge

    def redo(self) -> None:
        """Show the pattern after the edit."""
        self.draft._show(self.after)

    def undo(self) -> None:
        """Show the pattern before the edit."""
        self.draft._show(self.before)

    def id(self) -> int:
        """Edits with the same merge key merge; -1 (never) without one."""
        return _merge_id(self.merge_key) if self.merge_key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt override
        """Fold a following edit of the same knob into this one."""
        if not isinstance(other, PatternEdit) or other.merge_key != self.merge_key:
            return False
        self.after = other.after
        self.setObsolete(self.after == self.before)
        return True


class PatternDraft(QObject):
    """The pattern on the bench, with undo and a dirty flag (unsaved changes)."""

    changed = Signal()
    """The pattern's content changed (an edit, an undo, another pattern loaded)."""
    state_changed = Signal()
    """The id, origin or dirty flag changed."""

    def __init__(self, pattern: BeatPattern, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pattern = pattern
        self.pattern_id: uuid.UUID | None = None
        self.origin: str | None = None
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._clean_changed)

    @property
    def pattern(self) -> BeatPattern:
        """The pattern as it stands now."""
        return self._pattern

    @property
    def is_dirty(self) -> bool:
        """True when there are edits not yet saved."""
        return not self.undo_stack.isClean()

    @property
    def is_new(self) -> bool:
        """True while the pattern has never been saved."""
        return self.pattern_id is None

    def edit(self, pattern: BeatPattern, label: str, merge: str = "") -> None:
        """Make pattern the current one as an undoable edit (nothing happens if it is the same)."""
        if pattern == self._pattern:
            return
        self.undo_stack.push(PatternEdit(self, self._pattern, pattern, label, merge))

    def load(
        self, pattern: BeatPattern, pattern_id: uuid.UUID | None = None, origin: str | None = None
    ) -> None:
        """Start on another pattern (stored under pattern_id, or new): no history, nothing dirty."""
        self.undo_stack.clear()
        self.pattern_id = pattern_id
        self.origin = origin
        self._show(pattern)
        self.state_changed.emit()

    def mark_saved(self, pattern_id: uuid.UUID, origin: str | None = None) -> None:
        """Record that the current pattern is stored under pattern_id."""
        self.pattern_id = pattern_id
        if origin is not None:
            self.origin = origin
        self.undo_stack.setClean()
        self.state_changed.emit()

    def forget_id(self) -> None:
        """The stored pattern went away: what is on the bench is a new, unsaved pattern."""
        self.pattern_id = None
        self.origin = None
        self.undo_stack.resetClean()
        self.state_changed.emit()

    def _clean_changed(self, _clean: bool) -> None:
        self.state_changed.emit()

    def _show(self, pattern: BeatPattern) -> None:
        self._pattern = pattern
        self.changed.emit()
