"""The machine a benchmark ran on, printed with every table so figures can be compared."""

from __future__ import annotations

import os
import platform

from museaud.store.database import sqlite_module


def cpu_model() -> str:
    """The CPU's model name (from /proc/cpuinfo on Linux)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def describe_machine() -> str:
    """CPU model, cores, OS, Python and SQLite versions."""
    sqlite = sqlite_module()
    return (
        f"{cpu_model()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, SQLite {sqlite.sqlite_version} ({sqlite.__name__})"
    )
