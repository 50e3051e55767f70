"""Triage: from a citizen's free-text description to a legal domain, a service and an institution.

* **Domain** — a multinomial logistic regression over jieba words and CJK character bigrams
  (L2-normalised binary bag of features), shipped as ``data/triage_model.json``; scores are the
  softmax probabilities over :data:`DOMAINS` (they sum to 1). Trained by
  ``training/train_triage.py`` on weak labels derived from the STARD questions' cited articles
  (``data/triage_labels.yaml``) plus hand-written examples (``training/data/triage_examples.yaml``).
* **Service type / institution** — transparent rules on the domain and cue words (公证, 鉴定,
  举报/投诉, 写诉状, economic hardship → 法律援助 …), with the external department where obvious
  (12315 市场监管 for consumer complaints, 12333 人社 for wage arrears …).
* **Statutes** — the top articles from :class:`~.search.StatuteSearcher`, when one is given.
"""

from __future__ import annotations

import json
import math
import re
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import yaml

from .numerals import CN_NUMERAL_CHARS, parse_article_no
from .search import Hit, StatuteSearcher
from .tokenize import Analyzer, get_analyzer

__all__ = [
    "DOMAINS",
    "INSTITUTIONS",
    "SERVICE_TYPES",
    "LabelMap",
    "TriageModel",
    "TriageResult",
    "Triager",
    "text_features",
    "triage",
]

DOMAINS: tuple[str, ...] = (
    "婚姻家庭",
    "继承",
    "劳动纠纷",
    "债权债务",
    "合同纠纷",
    "房产纠纷",
    "物业纠纷",
    "拆迁安置",
    "土地纠纷",
    "交通事故",
    "人身损害",
    "医疗纠纷",
    "消费权益",
    "侵权",
    "刑事辩护",
    "行政诉讼",
    "公司法",
    "知识产权",
    "建设工程",
    "抵押担保",
    "涉外法律",
    "海事海商",
    "综合咨询",
)
SERVICE_TYPES: tuple[str, ...] = (
    "法律咨询",
    "法律援助",
    "人民调解",
    "公证",
    "司法鉴定",
    "律师服务",
    "代写文书",
    "投诉举报",
    "外部门事项",
)
INSTITUTIONS: tuple[str, ...] = (
    "judicial_office",  # 司法所
    "legal_aid_center",  # 法律援助中心
    "mediation_committee",  # 人民调解委员会
    "notary_office",  # 公证处
    "appraisal_institution",  # 司法鉴定机构
    "law_firm",  # 律师事务所
    "external_department",  # 其他部门
)


_GOLD_RE = re.compile(rf"^(.+?)(第[0-9{CN_NUMERAL_CHARS}]+条(?:之[{CN_NUMERAL_CHARS}]+)?)$")


def text_features(text: str, analyzer: Analyzer | None = None) -> list[str]:
    """Distinct features of a text: jieba words and ``~``-prefixed CJK bigrams."""
    an = analyzer or get_analyzer()
    low = text.lower()
    feats = set(an.query_words(low))
    feats.update("~" + b for b in an.bigrams(low) if len(b) == 2)
    return sorted(feats)


class LabelMap:
    """(law name, article number) → domain, from ``data/triage_labels.yaml``."""

    def __init__(self, data: dict | None = None) -> None:
        if data is None:
            raw = resources.files(__package__).joinpath("data", "triage_labels.yaml")
            data = yaml.safe_load(raw.read_text(encoding="utf-8"))
        self.civil_code = [(int(a), int(b), str(d)) for a, b, d in data["civil_code"]]
        self.laws = [(str(k), str(d)) for k, d in data["laws"]]
        unknown = {d for _, _, d in self.civil_code} | {d for _, d in self.laws}
        unknown.difference_update(DOMAINS)
        if unknown:
            raise ValueError(f"the label table names unknown domains: {'、'.join(sorted(unknown))}")

    def domain(self, law_name: str, article: int | None) -> str | None:
        if law_name.endswith("民法典") and article is not None:
            for a, b, d in self.civil_code:
                if a <= article <= b:
                    return d
        for key, d in self.laws:
            if key in law_name:
                return d
        return None

    def domain_of_gold(self, gold: str) -> str | None:
        m = _GOLD_RE.match(gold.strip())
        if not m:
            return self.domain(gold, None)
        art = parse_article_no(m.group(2))
        return self.domain(m.group(1), art.number if art else None)

    def label(self, golds: Sequence[str]) -> str | None:
        doms = [d for d in (self.domain_of_gold(g) for g in golds) if d]
        if not doms:
            return None
        counts = Counter(doms)
        top = max(counts.values())
        return next(d for d in doms if counts[d] == top)


class TriageModel:
    """Linear softmax classifier over sparse binary features (L2-normalised)."""

    def __init__(
        self, vocab: Sequence[str], classes: Sequence[str], weights: np.ndarray, bias: np.ndarray
    ) -> None:
        self.vocab = {t: i for i, t in enumerate(vocab)}
        self.classes = tuple(classes)
        self.weights = np.asarray(weights, dtype=np.float64)
        self.bias = np.asarray(bias, dtype=np.float64)

    def proba(self, features: Iterable[str]) -> np.ndarray:
        idx = [self.vocab[f] for f in features if f in self.vocab]
        z = self.bias.copy()
        if idx:
            z += self.weights[idx].sum(axis=0) / math.sqrt(len(idx))
        z -= z.max()
        p = np.exp(z)
        return p / p.sum()

    def to_json(self) -> str:
        vocab = sorted(self.vocab, key=self.vocab.__getitem__)
        return json.dumps(
            {
                "classes": list(self.classes),
                "vocab": vocab,
                "bias": np.round(self.bias, 4).tolist(),
                "weights": np.round(self.weights, 4).tolist(),
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> TriageModel:
        data = json.loads(text)
        return cls(data["vocab"], data["classes"], np.asarray(data["weights"]), np.asarray(data["bias"]))

    @classmethod
    def load(cls, path: str | Path | None = None) -> TriageModel:
        if path is None:
            raw = (
                resources.files(__package__).joinpath("data", "triage_model.json").read_text(encoding="utf-8")
            )
        else:
            raw = Path(path).read_text(encoding="utf-8")
        return cls.from_json(raw)


@dataclass(frozen=True)
class TriageResult:
    domain: str
    scores: dict[str, float]  # every domain → probability (sums to 1)
    service_type: str
    institution_type: str
    external_department: str | None = None  # e.g. "12315 市场监督管理部门"
    statutes: list[Hit] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)  # why this service was suggested (Chinese)


# ------------------------------------------------------------------------------ routing rules
_HARDSHIP = (
    "困难",
    "低保",
    "没钱请律师",
    "请不起律师",
    "残疾",
    "农民工",
    "特困",
    "孤寡",
    "五保",
    "经济条件差",
)
_NOTARY = ("公证",)
_APPRAISAL = ("鉴定", "伤残等级", "伤残评定", "亲子关系", "笔迹")
_DOCUMENT = ("起诉状", "写诉状", "代写", "写一份", "文书", "答辩状", "申请书怎么写", "状子")
_COMPLAINT = ("投诉", "举报", "反映")
_EXTERNAL: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("食品", "商家", "网购", "超市", "假货", "退货", "消费", "价格", "虚假宣传", "办卡"),
        "12315 市场监督管理部门",
    ),
    (("工资", "社保", "劳动合同", "加班", "欠薪", "讨薪"), "12333 人力资源和社会保障部门（劳动保障监察）"),
    (("污染", "排污", "噪音", "噪声", "废气", "污水"), "12369 生态环境部门"),
    (("医院", "医生", "诊所", "医疗"), "12320 卫生健康部门"),
    (("交警", "车祸", "交通事故", "违章"), "122 公安交通管理部门"),
    (("税", "发票"), "12366 税务部门"),
    (("报警", "被打", "抢劫", "诈骗", "被骗", "盗窃", "失窃"), "110 公安机关"),
    (("房屋质量", "开发商", "物业", "拆迁", "征收", "违建"), "12345 政务服务便民热线（住房和城乡建设部门）"),
)
_MEDIATION_DOMAINS = {
    "婚姻家庭",
    "继承",
    "物业纠纷",
    "房产纠纷",
    "土地纠纷",
    "人身损害",
    "医疗纠纷",
    "交通事故",
    "债权债务",
}
_LAWYER_DOMAINS = {"刑事辩护", "行政诉讼", "公司法", "知识产权", "建设工程", "涉外法律", "海事海商"}


def _has(text: str, words: Iterable[str]) -> str | None:
    for w in words:
        if w in text:
            return w
    return None


def route(text: str, domain: str) -> tuple[str, str, str | None, list[str]]:
    """(service type, institution type, external department, reasons) for a text and its domain."""
    reasons: list[str] = []
    if w := _has(text, _DOCUMENT):
        reasons.append(f"提到“{w}”，需要代写法律文书")
        return "代写文书", "legal_aid_center", None, reasons
    if w := _has(text, _NOTARY):
        reasons.append(f"提到“{w}”")
        return "公证", "notary_office", None, reasons
    if w := _has(text, _APPRAISAL):
        reasons.append(f"提到“{w}”，可能需要司法鉴定")
        return "司法鉴定", "appraisal_institution", None, reasons
    if w := _has(text, _COMPLAINT):
        for cues, dept in _EXTERNAL:
            if c := _has(text, cues):
                reasons.append(f"提到“{w}”和“{c}”，可向主管部门投诉举报")
                return "投诉举报", "external_department", dept, reasons
    if domain == "消费权益":
        reasons.append("消费纠纷可先向市场监管部门投诉（12315），也可申请人民调解")
        return "投诉举报", "external_department", "12315 市场监督管理部门", reasons
    if w := _has(text, _HARDSHIP):
        reasons.append(f"提到“{w}”，可能符合法律援助条件")
        return "法律援助", "legal_aid_center", None, reasons
    if domain == "劳动纠纷" and _has(text, ("拖欠", "欠薪", "讨薪", "不发工资", "不给工资")):
        reasons.append("拖欠劳动报酬：可向劳动保障监察投诉（12333），或申请劳动仲裁、法律援助")
        return "法律援助", "legal_aid_center", "12333 人力资源和社会保障部门（劳动保障监察）", reasons
    if domain == "刑事辩护":
        reasons.append("刑事案件需要律师辩护；经济困难的可申请法律援助")
        return "律师服务", "law_firm", None, reasons
    if domain in _LAWYER_DOMAINS:
        reasons.append(f"{domain}类事项专业性强，建议委托律师")
        return "律师服务", "law_firm", None, reasons
    if domain in _MEDIATION_DOMAINS and _has(
        text, ("邻居", "协商", "调解", "家人", "亲戚", "村里", "物业", "赔偿")
    ):
        reasons.append(f"{domain}纠纷可先申请人民调解")
        return "人民调解", "mediation_committee", None, reasons
    reasons.append("一般法律问题，司法所提供法律咨询")
    return "法律咨询", "judicial_office", None, reasons


#: Weight of the statute-search evidence in the domain scores (when a searcher is available);
#: chosen by cross-validation in bench/triage.py.
SEARCH_BLEND = 0.2


def search_distribution(hits: Sequence[Hit], label_map: LabelMap) -> dict[str, float]:
    """Domain distribution implied by ranked statute hits (weight 1/rank, normalised)."""
    acc: dict[str, float] = {}
    for rank, h in enumerate(hits, 1):
        dom = label_map.domain(h.law_name, h.article_no)
        if dom:
            acc[dom] = acc.get(dom, 0.0) + 1.0 / rank
    total = sum(acc.values())
    return {d: v / total for d, v in acc.items()} if total else {}


class Triager:
    """Loads the triage model once; :meth:`triage` is thread-safe."""

    def __init__(
        self,
        searcher: StatuteSearcher | None = None,
        model: TriageModel | None = None,
        analyzer: Analyzer | None = None,
        search_blend: float = SEARCH_BLEND,
    ) -> None:
        self.model = model or TriageModel.load()
        self.searcher = searcher
        self.search_blend = search_blend
        self.label_map = LabelMap()
        self._an = analyzer or get_analyzer()

    def scores(self, text: str, hits: Sequence[Hit] = ()) -> dict[str, float]:
        """Domain → probability: the classifier, blended with the domains of ``hits`` if any."""
        p = self.model.proba(text_features(text, self._an))
        by_class = dict(zip(self.model.classes, p.tolist(), strict=True))
        dist = search_distribution(hits, self.label_map) if hits else {}
        a = self.search_blend if dist else 0.0
        return {d: round((1 - a) * by_class.get(d, 0.0) + a * dist.get(d, 0.0), 4) for d in DOMAINS}

    def triage(self, text: str, k: int = 5) -> TriageResult:
        statutes = (
            self.searcher.search(text, k=max(k, 5)) if self.searcher is not None and text.strip() else []
        )
        if text.strip():
            scores = self.scores(text, statutes)
        else:
            scores = {d: (1.0 if d == "综合咨询" else 0.0) for d in DOMAINS}
        domain = max(scores, key=scores.__getitem__)
        service, institution, dept, reasons = route(text, domain)
        statutes = statutes[:k]
        return TriageResult(
            domain=domain,
            scores=scores,
            service_type=service,
            institution_type=institution,
            external_department=dept,
            statutes=statutes,
            reasons=reasons,
        )


_default: Triager | None = None
_default_lock = threading.Lock()


def triage(text: str, searcher: StatuteSearcher | None = None, k: int = 5) -> TriageResult:
    """Triage ``text`` with the shipped model (loaded once); statutes only if ``searcher`` is given."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Triager()
    if searcher is not None and _default.searcher is not searcher:
        return Triager(searcher=searcher, model=_default.model).triage(text, k=k)
    return _default.triage(text, k=k)
