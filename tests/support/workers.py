"""Stand-ins for the analysis done in worker processes, to test the pool's own behaviour.

They live in an importable module because the pool's workers import them by name.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from museaud.library.worker import FileJob, FileOutcome


def crash_on_crash(job: FileJob) -> FileOutcome:
    """Ends its process at once for a file named 'crash…' (as a decoder segfault would)."""
    if Path(job.path).name.startswith("crash"):
        os._exit(3)
    return FileOutcome(job, size=len(job.path))


def always_crash(job: FileJob) -> FileOutcome:
    """A worker that cannot work at all (a broken installation)."""
    os._exit(3)


def write_pid_and_sleep(job: FileJob) -> FileOutcome:
    """Notes its pid in the file named by the job's path, then takes far too long."""
    Path(job.path).write_text(str(os.getpid()), encoding="utf-8")
    time.sleep(600)
    return FileOutcome(job)
