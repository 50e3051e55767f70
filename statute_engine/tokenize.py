"""Chinese tokenisation for indexing and queries: jieba words plus character bigrams.

A private ``jieba.Tokenizer`` instance is used (never the global one) so that the legal vocabulary
added here does not change how other code in the same process segments text.

Two token streams are produced for every text:

* words — jieba's search-engine mode (long words *and* their dictionary sub-words, so 劳动合同法
  yields 劳动, 合同, 劳动合同, 劳动合同法), lower-cased, punctuation dropped;
* bigrams — overlapping pairs of CJK characters, which match even when jieba segments a colloquial
  question differently from the statute text.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from importlib import resources

import jieba

__all__ = ["Analyzer", "analyzer_fingerprint", "get_analyzer"]

jieba.setLogLevel(logging.WARNING)

_TOKEN_RE = re.compile(r"[\u3400-\u9fff\w]+")
_CJK_RUN_RE = re.compile(r"[\u3400-\u9fff]+")
_DIGITS_ONLY = re.compile(r"^[0-9]+$")


def _split(text: str) -> list[str]:
    return text.split()


# Function words and question phrasing that carry no legal meaning. Kept short and general.
QUERY_STOPWORDS: frozenset[str] = frozenset(
    _split(
        """
    的 了 是 在 和 与 或 及 并 等 就 都 也 还 又 很 太 更 最 才 再 吧 吗 呢
    啊 呀 哦 嘛 么 着 过 把 被 给 让 对 向 从 由 为 于 以 之 其 这 那 这个
    那个 这些 那些 这样 那样 这种 那种 哪 哪些 哪个 什么 怎么 怎样 怎么办 如何 为何
    为什么 多少 几 多久 是否 能否 可否 能不能 可不可以 会不会 是不是 有没有 要不要
    该不该 应不应该 可以 能 能够 会 要 应该 应当 需要 必须 请问 想问 问 一下 咨询
    请教 谢谢 您好 你好 我 我们 你 你们 他 他们 她 她们 它 它们 自己 人家 别人 有
    没有 没 不 无 一个 一些 有些 有的 如果 假如 要是 因为 所以 但是 可是 然后 而且
    虽然 但 而 则 即 如 若 该 此 每 各 某 某某 现在 目前 已经 曾经 时候 情况 问题
    方面 相关 有关 关于 规定 法律 上 下 中 内 外 里 后 前 时 个 位 次 件 种 样
    点 些 哪里 办 做 弄 搞 算 属于 构成 处理 进行 怎么样 如何处理 怎么处理 怎么算
    多少钱 哈 嗯 啥 咋 咋办 啥样 么样
        """
    )
)


def _load_lines(name: str) -> list[str]:
    resource = resources.files(__package__).joinpath("data", name)
    if not resource.is_file():
        return []
    lines = resource.read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


def analyzer_fingerprint() -> str:
    """Hash of everything that changes tokenisation (jieba version, user words, thesaurus): an index
    built with another analyzer must be rebuilt."""
    import hashlib

    h = hashlib.sha256(jieba.__version__.encode())
    for name in ("legal_terms.txt", "thesaurus.yaml"):
        res = resources.files(__package__).joinpath("data", name)
        if res.is_file():
            h.update(res.read_bytes())
    return h.hexdigest()[:12]


def _thesaurus_words() -> list[str]:
    """Keys and values of the colloquial→legal thesaurus: they must segment as whole words
    (醉驾判几年 → 醉驾 / 判 / 几年, not 醉 / 驾判 / 几年)."""
    import yaml

    res = resources.files(__package__).joinpath("data", "thesaurus.yaml")
    if not res.is_file():
        return []
    data = yaml.safe_load(res.read_text(encoding="utf-8")) or {}
    words: list[str] = []
    for key, values in data.items():
        words.append(str(key))
        words.extend(str(v) for v in values or ())
    return [w for w in words if len(w) >= 2 and _CJK_RUN_RE.fullmatch(w)]


class Analyzer:
    """jieba-based analyzer with a legal user dictionary. Thread-safe after construction."""

    def __init__(self, extra_words: Iterable[str] = ()) -> None:
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        for word in (*_load_lines("legal_terms.txt"), *_thesaurus_words(), *extra_words):
            self._jieba.add_word(word, freq=None, tag=None)
        self._lock = threading.Lock()  # jieba's cut is re-entrant, but add_word is not

    def add_words(self, words: Iterable[str]) -> None:
        with self._lock:
            for word in words:
                self._jieba.add_word(word)

    def words(self, text: str) -> list[str]:
        """Search-mode word tokens of ``text`` (lower-cased, punctuation removed)."""
        out: list[str] = []
        for tok in self._jieba.cut_for_search(text, HMM=True):
            if _TOKEN_RE.fullmatch(tok):
                out.append(tok.lower())
        return out

    def precise_words(self, text: str) -> list[str]:
        """Precise-mode word tokens (no overlapping sub-words)."""
        return [t.lower() for t in self._jieba.cut(text, HMM=True) if _TOKEN_RE.fullmatch(t)]

    def precise_tokens(self, text: str) -> list[str]:
        """Precise-mode segmentation keeping every character (offsets add up to ``len(text)``)."""
        return list(self._jieba.cut(text, HMM=True))

    def query_words(self, text: str) -> list[str]:
        """Word tokens of a query, without stopwords, pure numbers or lone single characters that
        are stopwords."""
        return [t for t in self.words(text) if t not in QUERY_STOPWORDS and not _DIGITS_ONLY.match(t)]

    @staticmethod
    def bigrams(text: str) -> list[str]:
        """Overlapping CJK character bigrams (a lone character run of length 1 is kept as is)."""
        out: list[str] = []
        for run in _CJK_RUN_RE.findall(text):
            if len(run) == 1:
                out.append(run)
                continue
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
        return out


_analyzer: Analyzer | None = None
_analyzer_lock = threading.Lock()


def get_analyzer() -> Analyzer:
    """The process-wide analyzer (built once, on first use)."""
    global _analyzer
    if _analyzer is None:
        with _analyzer_lock:
            if _analyzer is None:
                _analyzer = Analyzer()
    return _analyzer
