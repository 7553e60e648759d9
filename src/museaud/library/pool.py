"""Worker processes that analyse files, handing outcomes back as they finish.

A `concurrent.futures.ProcessPoolExecutor` in a forkserver (or spawn) context, never plain fork:
the GUI's threads and Qt state must not be copied into workers. At most four files per worker are
in flight, so memory does not grow with the number of files. Cancelling drops the queued files,
ends the workers at once (a worker in the middle of a long file is not waited for) and returns
within the poll interval. A worker that dies (a decoder crash) costs only its own file: the files
that were in flight with it are tried again one at a time to find the one that crashed. Workers
that die before any file ever finished point at the machine, not at a file: that raises
`AnalysisPoolError` and no file is blamed.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess

from museaud.library.worker import FileJob, FileOutcome, init_worker, process_file

POLL_S = 0.1
JOBS_PER_WORKER = 4
CRASH_REASON = "the analyser crashed on this file (its worker process died)"


class AnalysisPoolError(RuntimeError):
    """The worker processes die before finishing any file: the machine, not a file, is at fault."""


def default_workers() -> int:
    """One worker per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


def _context() -> BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        # the forkserver imports the analyser once; each worker forks from it ready to go
        context.set_forkserver_preload(["museaud.library.worker"])
        return context
    return multiprocessing.get_context("spawn")


class AnalysisPool:
    """Runs `process` on files in worker processes; `outcomes` streams the results."""

    def __init__(
        self,
        workers: int,
        cancel: threading.Event,
        *,
        process: Callable[[FileJob], FileOutcome] = process_file,
        worker_log: str | None = None,
    ) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, not {workers}")
        self.workers = workers
        self.cancel = cancel
        self.process = process
        self.worker_log = worker_log
        self.crashes = 0
        self.successes = 0

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=_context(),
            initializer=init_worker,
            initargs=(os.getpid(), self.worker_log),
        )

    def outcomes(self, jobs: Iterable[FileJob]) -> Generator[list[FileOutcome], None, None]:
        """The outcomes of jobs, in lists as they finish (an empty list every poll interval).

        Stops early, without waiting for running files, when `cancel` is set or the consumer
        closes the iterator; jobs not yet handed out are never started.
        """
        pending = iter(jobs)
        executor = self._start()
        in_flight: dict[Future[FileOutcome], FileJob] = {}
        suspects: deque[FileJob] = deque()  # in flight when a worker died: run one at a time
        requeued: deque[FileJob] = deque()  # handed out to a pool that had just broken
        exhausted = False
        finished_cleanly = False
        try:
            while not self.cancel.is_set():
                while True:
                    if suspects:
                        if in_flight:
                            break
                        job = suspects.popleft()
                    elif len(in_flight) >= self.workers * JOBS_PER_WORKER:
                        break
                    elif requeued:
                        job = requeued.popleft()
                    else:
                        next_job = None if exhausted else next(pending, None)
                        if next_job is None:
                            exhausted = True
                            break
                        job = next_job
                    try:
                        in_flight[executor.submit(self.process, job)] = job
                    except BrokenProcessPool:
                        requeued.appendleft(job)
                        if not in_flight:  # nothing left to report the break: restart now
                            self._stop(executor, graceful=False)
                            executor = self._start()
                        break
                if not in_flight:
                    if exhausted and not requeued and not suspects:
                        finished_cleanly = True
                        return
                    continue
                done, _ = wait(in_flight, timeout=POLL_S, return_when=FIRST_COMPLETED)
                finished: list[FileOutcome] = []
                crashed = False
                for future in done:
                    try:
                        finished.append(future.result())
                        self.successes += 1
                    except BrokenProcessPool:
                        crashed = True
                        continue  # stays in flight: handled with the others below
                    except Exception as error:  # e.g. an outcome that would not pickle
                        finished.append(
                            FileOutcome(in_flight[future], error=f"worker failed: {error}")
                        )
                    del in_flight[future]
                if crashed:
                    self.crashes += 1
                    lost = list(in_flight.values())
                    in_flight.clear()
                    self._stop(executor, graceful=False)
                    executor = self._start()
                    if len(lost) == 1:
                        if not self.successes:
                            raise AnalysisPoolError(
                                "the analysis worker processes stop before finishing any file "
                                f"(tried {self.crashes} times); see the worker log"
                            )
                        finished.append(FileOutcome(lost[0], error=CRASH_REASON))
                    else:
                        suspects.extend(lost)
                yield finished
        finally:
            self._stop(executor, graceful=finished_cleanly)

    @staticmethod
    def _stop(executor: ProcessPoolExecutor, *, graceful: bool) -> None:
        """Shut the pool down: after the last file, or at once, ending busy workers."""
        if graceful:
            executor.shutdown(wait=True)
            return
        processes: list[BaseProcess] = list((getattr(executor, "_processes", None) or {}).values())
        executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(timeout=1.0)
