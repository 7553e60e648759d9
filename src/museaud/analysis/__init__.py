"""Audio analysis: a file in, an `AnalysisResult` out (tempo and beat grid, key, loudness, …).

Pure and process-safe: it imports nothing of the store, so the import pipeline runs
`analyze_file` in worker processes and writes the results itself. Essentia loads on first use.
Give those workers `WORKER_ENVIRONMENT`: put it in os.environ before starting a "spawn" or
"forkserver" pool, so each worker has it when numpy loads. With one process per core, BLAS
thread pools inside each worker only spin, costing about 15 % more CPU for nothing.
"""

from __future__ import annotations

from museaud.analysis.analyzer import DEFAULT_MAX_DURATION_S, analyze_file
from museaud.analysis.errors import AnalysisError
from museaud.analysis.features import FEATURE_DIMENSIONS
from museaud.analysis.fingerprint import fingerprint_similarity
from museaud.analysis.result import ANALYSIS_ALGORITHM, ANALYSIS_VERSION, AnalysisResult, Section

WORKER_ENVIRONMENT = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

__all__ = [
    "ANALYSIS_ALGORITHM",
    "ANALYSIS_VERSION",
    "DEFAULT_MAX_DURATION_S",
    "FEATURE_DIMENSIONS",
    "WORKER_ENVIRONMENT",
    "AnalysisError",
    "AnalysisResult",
    "Section",
    "analyze_file",
    "fingerprint_similarity",
]
