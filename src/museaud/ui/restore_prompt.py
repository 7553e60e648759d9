"""The window shown instead of the library when its file is damaged: restore a backup or rebuild.

Nothing here deletes: restoring moves the damaged file aside (`museaud.sqlite.before-restore-…`)
and rebuilding only rewrites indexes that SQLite can make again from the rows.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from museaud.app import App
from museaud.paths import Paths, default_paths
from museaud.store import backup
from museaud.store.migrate import StoreDamagedError
from museaud.store.repair import rebuild_derived


class RestorePrompt(QDialog):
    """Says which file is damaged and how, and offers the newest good backup or a rebuild."""

    def __init__(self, paths: Paths, problem: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.paths = paths
        self.setWindowTitle("museaud: the library file is damaged")
        self.setObjectName("restorePrompt")
        self.newest = backup.newest_good(paths.backup_dir)
        layout = QVBoxLayout(self)
        heading = QLabel("<b>Your library file is damaged.</b>", self)
        self.detail = QLabel(
            f"{paths.store_file}<br>SQLite says: {problem}<br><br>"
            + (
                f"The newest good backup is from {self.newest.made_at:%A %d %B %Y, %H:%M} UTC. "
                "Restoring it brings back the library as it was then; the damaged file is kept "
                "beside it, never deleted."
                if self.newest
                else f"There is no good backup in {paths.backup_dir}."
            )
            + "<br>Rebuilding makes the indexes, search indexes and vectors again from the rows; "
            "it cannot bring back damaged rows.",
            self,
        )
        self.detail.setWordWrap(True)
        self.status = QLabel("", self)
        self.status.setObjectName("restoreStatus")
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(self)
        self.restore_button = QPushButton(
            f"Restore backup of {self.newest.made_at:%d %b %H:%M}" if self.newest else "Restore",
            self,
        )
        self.restore_button.setEnabled(self.newest is not None)
        self.rebuild_button = QPushButton("Rebuild indexes", self)
        quit_button = QPushButton("Quit", self)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.rebuild_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(quit_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.restore_button.clicked.connect(self.restore)
        self.rebuild_button.clicked.connect(self.rebuild)
        quit_button.clicked.connect(self.reject)
        for widget in (heading, self.detail, self.status, buttons):
            layout.addWidget(widget)
        self.setMinimumWidth(560)

    def restore(self) -> None:
        """Put the newest good backup in place (the damaged file moved aside) and go on."""
        if self.newest is None:
            return
        try:
            backup.restore(self.paths.store_file, self.newest)
        except (backup.BackupError, OSError) as error:
            self.status.setText(f"Restoring failed: {error}")
            return
        self.accept()

    def rebuild(self) -> None:
        """Rebuild the indexes; go on if that made the file whole, else say what is left."""
        left = rebuild_derived(self.paths.store_file)
        if not left:
            self.accept()
            return
        self.status.setText(
            f"Rebuilding did not repair it ({left[0]}). "
            + ("Restore the backup instead." if self.newest else "")
        )


def open_or_offer_restore(argv: list[str]) -> App | None:
    """Open the library for the GUI; when it is damaged, show RestorePrompt first (None: the
    person chose to quit). The file is quick-checked first: damage in data pages does not show
    on opening, only when a page is read."""
    from museaud.ui.gui import application  # noqa: PLC0415 - gui imports this module's callers

    paths = default_paths()
    while True:
        problems = backup.integrity_problems(paths.store_file) if paths.store_file.exists() else []
        if not problems:
            try:
                return App.open(paths)
            except StoreDamagedError as error:
                problems = [error.detail]
        application(argv)
        if RestorePrompt(paths, problems[0]).exec() != QDialog.DialogCode.Accepted:
            return None
