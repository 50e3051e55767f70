"""Train the triage classifier and write ``statute_engine/data/triage_model.json``.

    .venv/bin/python -m training.train_triage \\
        [--eval ../shared/eval/statute_questions_dev.jsonl]

Examples: STARD questions weakly labelled from their cited articles
(``statute_engine/data/triage_labels.yaml``) plus the hand-written
``training/data/triage_examples.yaml``; see ``training/triage_data.py``.
``bench/triage.py`` reports the cross-validated figures.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from training import ENGINE_DATA
from training.triage_data import fit_triage, load_examples

REPO = Path(__file__).resolve().parents[1]
DATA = ENGINE_DATA  # the shipped artefacts: written into the runtime package
DEFAULT_EVAL = REPO.parent / "shared" / "eval" / "statute_questions_dev.jsonl"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--eval", type=Path, default=DEFAULT_EVAL, help="STARD-style jsonl")
    args = ap.parse_args(argv)
    examples = load_examples(args.eval if args.eval.exists() else None)
    print(f"examples {len(examples)}: {dict(Counter(e.source for e in examples))}")
    model = fit_triage(examples)
    out = DATA / "triage_model.json"
    out.write_text(model.to_json() + "\n", encoding="utf-8")
    print(f"wrote {out} ({out.stat().st_size // 1024} KB, {len(model.vocab)} features)")


if __name__ == "__main__":
    main()
