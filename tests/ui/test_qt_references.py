"""Guards against a Qt binding that loses references to True and None (PySide6 6.12.0 did on
every Signal.emit and processEvents call, which aborts Python after a few thousand calls)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication, QObject, Signal
from pytestqt.qtbot import QtBot


class _Emitter(QObject):
    toggled = Signal(bool)


def test_signals_and_event_processing_keep_their_references(qtbot: QtBot) -> None:
    emitter = _Emitter()
    received: list[int] = []
    emitter.toggled.connect(lambda on: received.append(int(on)))
    true_refs, none_refs = sys.getrefcount(True), sys.getrefcount(None)
    for _ in range(200):
        emitter.toggled.emit(True)
        QCoreApplication.processEvents()
    assert sum(received) == 200
    assert sys.getrefcount(True) - true_refs >= 0
    assert sys.getrefcount(None) - none_refs >= 0
