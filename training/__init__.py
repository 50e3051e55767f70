"""Training and calibration of the statute engine's learned parts, and the evaluation helpers the
benchmarks share (``bench/statutes.py``, ``bench/triage.py``). Not part of the runtime package: run
from the repository root, e.g. ``.venv/bin/python -m training.train_search --cv``.

The artefacts a script produces are written into the runtime package (:data:`ENGINE_DATA`); data
used only here (the hand-written triage examples) stays in :data:`TRAINING_DATA`."""

from __future__ import annotations

from pathlib import Path

import statute_engine

#: where the shipped artefacts live (read by the engine at run time)
ENGINE_DATA = Path(statute_engine.__file__).resolve().parent / "data"
#: data read only by training and the benchmarks
TRAINING_DATA = Path(__file__).resolve().parent / "data"
