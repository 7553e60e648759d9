"""The analysis pool: a crashing file fails alone, a broken machine is said plainly, cancel ends
busy workers instead of waiting for them."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from tests.support.workers import always_crash, crash_on_crash, write_pid_and_sleep

from museaud.library.pool import CRASH_REASON, AnalysisPool, AnalysisPoolError
from museaud.library.worker import FileJob, FileOutcome


def _jobs(*names: str, folder: str = "/music") -> list[FileJob]:
    return [
        FileJob(f"{number:032x}", f"{folder}/{name}", False, 7200.0, 1200.0)
        for number, name in enumerate(names)
    ]


def _collect(pool: AnalysisPool, jobs: list[FileJob]) -> dict[str, FileOutcome]:
    return {Path(o.job.path).name: o for batch in pool.outcomes(jobs) for o in batch}


def test_a_file_that_kills_its_worker_fails_alone_and_the_rest_go_on() -> None:
    names = ("a.wav", "b.wav", "crash.wav", "c.wav", "d.wav", "e.wav", "f.wav")
    pool = AnalysisPool(2, threading.Event(), process=crash_on_crash)

    outcomes = _collect(pool, _jobs(*names))

    assert set(outcomes) == set(names)  # every file once, none lost with the crash
    assert outcomes["crash.wav"].error == CRASH_REASON
    assert all(outcomes[name].error is None for name in names if name != "crash.wav")
    assert pool.crashes >= 1


def test_workers_that_never_finish_a_file_blame_the_machine_not_the_files() -> None:
    pool = AnalysisPool(2, threading.Event(), process=always_crash)

    with pytest.raises(AnalysisPoolError, match="before finishing any file"):
        _collect(pool, _jobs("a.wav", "b.wav", "c.wav"))


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_cancel_ends_busy_workers_and_starts_no_queued_file(tmp_path: Path) -> None:
    cancel = threading.Event()
    pool = AnalysisPool(1, cancel, process=write_pid_and_sleep)
    jobs = _jobs("first", "second", "third", folder=str(tmp_path))
    outcomes: list[FileOutcome] = []

    for batch in pool.outcomes(jobs):
        outcomes.extend(batch)
        if (tmp_path / "first").exists():
            cancel.set()

    assert outcomes == []
    pid = int((tmp_path / "first").read_text())
    assert not _alive(pid)  # ended, not left to finish its ten minutes
    assert not (tmp_path / "second").exists() and not (tmp_path / "third").exists()
