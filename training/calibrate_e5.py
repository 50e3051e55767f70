"""Calibrate the int8 question encoder: write ``data/e5_activation_max.npz``.

    .venv/bin/python -m training.calibrate_e5

Runs the float E5 graph (:mod:`..e5onnx`) over the openings of 400 articles drawn (fixed seed) from
laws.db, as questions, and keeps each channel's largest absolute input to the products that
:data:`..e5onnx.SMOOTHING` rescales before quantisation. No evaluation question is used.
Deterministic; ~10 s.
"""

from __future__ import annotations

import random
import time

import numpy as np

from statute_engine.corpus import iter_laws_db
from statute_engine.e5onnx import _SMOOTHING_FILE, E5Weights
from training import ENGINE_DATA

DATA = ENGINE_DATA  # the shipped artefacts: written into the runtime package
SAMPLE = 400
CHARS = 60  # about a question's length


def main() -> None:
    started = time.perf_counter()
    texts = sorted({r.text[:CHARS] for r in iter_laws_db() if len(r.text) >= 10})
    sample = random.Random(0).sample(texts, SAMPLE)  # noqa: S311 - a reproducible sample, not a secret
    amax = E5Weights().calibrate(sample)
    np.savez_compressed(DATA / _SMOOTHING_FILE, **amax)  # type: ignore[arg-type]
    print(f"wrote {DATA / _SMOOTHING_FILE} ({len(amax)} products) in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
