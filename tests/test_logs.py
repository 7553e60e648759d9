"""Logging: one rotating file per installation, its level, a folder that cannot be written, and
worker processes appending to the same file."""

from __future__ import annotations

import json
import logging
import logging.handlers
import multiprocessing
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from museaud import logs
from museaud.cli import main
from museaud.library.worker import init_worker
from museaud.paths import Paths


@pytest.fixture(autouse=True)
def fresh_logging() -> Iterator[None]:
    """Each test configures logging from scratch; the process's set-up is given back after."""
    saved = {name: os.environ.pop(name, None) for name in (logs.FILE_ENV, logs.LEVEL_ENV)}
    root_level = logging.getLogger().level
    logs.reset()
    yield
    logs.reset()
    logging.getLogger().setLevel(root_level)
    for name, value in saved.items():
        os.environ.pop(name, None)
        if value is not None:
            os.environ[name] = value


def _ours() -> list[logging.Handler]:
    return [
        handler
        for handler in logging.getLogger().handlers
        if isinstance(handler, logging.handlers.RotatingFileHandler)
        or type(handler).__name__ == "_Console"
    ]


def test_configure_twice_keeps_one_file_and_one_console(paths: Paths) -> None:
    first = logs.configure(paths)
    second = logs.configure(paths, "WARNING")
    handlers = _ours()
    assert len(handlers) == 2
    (rotating,) = [h for h in handlers if isinstance(h, logging.handlers.RotatingFileHandler)]
    assert Path(rotating.baseFilename) == paths.log_dir / "museaud.log" == second.file
    assert (rotating.maxBytes, rotating.backupCount) == (5 * 1024 * 1024, 5)
    assert first.level == "INFO" and second.level == "WARNING"
    assert logging.getLogger().level == logging.WARNING
    assert os.environ[logs.FILE_ENV] == str(second.file)


def test_the_file_rotates_and_lines_name_the_process(
    paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(logs, "MAX_BYTES", 2000)
    setup = logs.configure(paths, console=False)
    assert setup.file is not None
    for number in range(300):  # about 27 kB: more than the 6 files of 2 kB kept
        logging.getLogger("museaud.test").info("line %d of a long session", number)
    rotated = sorted(path.name for path in paths.log_dir.iterdir())
    assert rotated == [f"museaud.log{tail}" for tail in ("", ".1", ".2", ".3", ".4", ".5")]
    last = setup.file.read_text(encoding="utf-8").splitlines()[-1]
    assert f"INFO MainProcess[{os.getpid()}] museaud.test: line 299 of a long session" in last


def test_level_comes_from_the_preference_or_verbose(
    paths: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["prefs", "--set", "log_level=debug", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["log_level"] == "DEBUG"
    assert logs.current() == logs.LogSetup(paths.log_dir / "museaud.log", "INFO")
    assert main(["prefs"]) == 0  # the next command starts with the saved level
    assert logs.current() == logs.LogSetup(paths.log_dir / "museaud.log", "DEBUG")
    assert main(["prefs", "--set", "log_level=LOUD"]) == 2
    assert "log_level 'LOUD' is not one of" in capsys.readouterr().err

    assert main(["prefs", "--set", "log_level=ERROR"]) == 0
    assert main(["prefs"]) == 0
    assert logging.getLogger().level == logging.ERROR

    capsys.readouterr()
    assert main(["--verbose", "prefs"]) == 0
    setup = logs.current()
    assert setup is not None and setup.level == "DEBUG"
    logging.getLogger("museaud.test").debug("a detail for --verbose")
    assert "museaud: debug: a detail for --verbose" in capsys.readouterr().err
    text = (paths.log_dir / "museaud.log").read_text(encoding="utf-8")
    assert "INFO MainProcess" in text and "museaud.test: a detail for --verbose" in text


def test_a_log_file_that_cannot_be_written_leaves_stderr_with_one_warning(
    paths: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    (paths.log_dir / "museaud.log").mkdir()  # cannot be opened for writing, even by root
    assert main(["prefs"]) == 0
    setup = logs.current()
    assert setup is not None and setup.file is None
    assert setup.problem is not None and str(paths.log_dir / "museaud.log") in setup.problem
    err = capsys.readouterr().err
    assert err.count("cannot write the log file") == 1
    assert logs.FILE_ENV not in os.environ
    logging.getLogger("museaud.test").warning("still said somewhere")
    assert "museaud: warning: still said somewhere" in capsys.readouterr().err


def test_a_worker_process_appends_to_the_same_file_with_its_pid(paths: Paths) -> None:
    setup = logs.configure(paths, "DEBUG", console=False)
    assert setup.file is not None
    logging.getLogger("museaud.test").info("the parent starts a worker")
    worker = multiprocessing.get_context("spawn").Process(
        target=init_worker, args=(os.getpid(), None), name="museaud-analysis"
    )
    worker.start()
    worker.join(timeout=60)
    assert worker.exitcode == 0
    lines = setup.file.read_text(encoding="utf-8").splitlines()
    assert any(f"MainProcess[{os.getpid()}] museaud.test: the parent" in line for line in lines)
    assert any(
        f"DEBUG museaud-analysis[{worker.pid}] museaud.library.worker: analysis worker started"
        in line
        for line in lines
    )
    # no handler in this process was replaced by the worker's set-up
    assert logs.current() == setup


def test_a_worker_without_a_log_file_warns_on_stderr() -> None:
    setup = logs.configure_worker()
    assert setup.file is None and setup.problem == "no log file given"
    assert setup.level == "INFO"


def test_a_log_folder_that_cannot_be_made_is_no_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a parent folder should be")
    paths = Paths(tmp_path / "data", tmp_path / "config", tmp_path / "cache", blocker / "logs")
    setup = logs.configure(paths, console=False)
    assert setup.file is None and setup.level == "INFO"
    assert capsys.readouterr().err.count("messages go to stderr") == 1
