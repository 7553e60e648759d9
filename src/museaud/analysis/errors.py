"""The one error analysis raises: which file, and why it could not be analysed."""

from __future__ import annotations

from pathlib import Path


class AnalysisError(Exception):
    """A file that could not be analysed: `path` and a `reason` a person can act on."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")

    def __reduce__(self) -> tuple[type[AnalysisError], tuple[Path, str]]:
        # keeps path and reason when the error crosses from a worker process
        return (type(self), (self.path, self.reason))
