"""Anonymiser for the typical-case library: remove personal data from case texts.

``anonymise(text) -> (text, findings)`` replaces, in this order of precedence:

* e-mail addresses;
* ID-card numbers (18 digits, last may be X; also the old 15-digit form);
* bank-card-like numbers (16–19 digits, possibly in groups of four);
* mobile phones (1[3-9] + 9 digits, optional +86, spaces or hyphens between groups);
* landlines (area code 0xx(x) + 7–8 digits, optional extension; bare 7–8 digits only after
  电话/座机/联系方式);
* detailed addresses: everything below the district/county level is masked (北京市朝阳区建国路88号
  → 北京市朝阳区××), also street-level addresses without an administrative prefix after 住/住址/地址;
* personal names: a common surname + 1–2 given characters in a name context (after 当事人, 申请人,
  原告, 被告 … or before ，男/，女 or 先生/女士), replaced consistently — the same person always gets
  the same 张某 (two people with the same surname: 张某甲, 张某乙). Names already written 张某/张某某
  are left alone, and candidates that are ordinary words (高空, 王法, 高度 …) are not touched.

Recall is favoured over precision for numbers; for names precision matters (legal terms must stay
intact). Every replacement is reported as a :class:`Finding` with its span in the *original* text so a
reviewer can check it.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

__all__ = ["Finding", "anonymise"]

ID_CARD = "id_card"
PHONE = "phone"
LANDLINE = "landline"
BANK_CARD = "bank_card"
EMAIL = "email"
ADDRESS = "address"
NAME = "name"

_MASKS = {
    ID_CARD: "[身份证号]",
    PHONE: "[手机号]",
    LANDLINE: "[电话]",
    BANK_CARD: "[银行卡号]",
    EMAIL: "[邮箱]",
}
_ADDRESS_MASK = "××"


@dataclass(frozen=True)
class Finding:
    """One replacement: its type, the original text and span (in the input), and the replacement."""

    type: str
    start: int
    end: int
    original: str
    replacement: str


# ------------------------------------------------------------------------------------ numbers
_D = r"[0-9０-９]"
_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_ID18_RE = re.compile(
    rf"(?<![0-9０-９A-Za-z]){_D}{{6}}\s?{_D}{{8}}\s?{_D}{{3}}[0-9０-９Xx×](?![0-9０-９A-Za-z])"
)
_ID15_RE = re.compile(rf"(?<![0-9０-９A-Za-z]){_D}{{15}}(?![0-9０-９A-Za-z])")
_BANK_RE = re.compile(
    rf"(?<![0-9０-９])(?:{_D}{{4}}[ \-－]){{3}}{_D}{{4}}(?:[ \-－]?{_D}{{1,3}})?(?![0-9０-９])"
    rf"|(?<![0-9０-９]){_D}{{16,19}}(?![0-9０-９])"
)
_MOBILE_RE = re.compile(
    rf"(?<![0-9０-９])(?:(?:\+|＋)?86[ \-－]?)?"
    rf"1[3-9３-９]{_D}[ \-－]?{_D}{{4}}[ \-－]?{_D}{{4}}(?![0-9０-９])"
)
_LANDLINE_RE = re.compile(
    rf"(?<![0-9０-９])(?:[（(]0{_D}{{2,3}}[）)]\s?|0{_D}{{2,3}}[ \-－]?){_D}{{7,8}}"
    rf"(?:\s?(?:转|-|－|ext\.?)\s?{_D}{{1,5}})?(?![0-9０-９])"
)
_BARE_LANDLINE_RE = re.compile(
    rf"(?:电话|座机|联系方式|联系电话|号码|tel|Tel|TEL)[:：\s是为]*(?P<num>{_D}{{7,8}})(?![0-9０-９])"
)


# ------------------------------------------------------------------------------------ addresses
def _split_words(text: str) -> list[str]:
    return text.split()


_PLACE = r"[\u4e00-\u9fa5]"
_PROVINCE = rf"{_PLACE}{{2,7}}?(?:省|自治区)|北京市|天津市|上海市|重庆市|香港特别行政区|澳门特别行政区"
_CITY = rf"{_PLACE}{{2,7}}?(?:市|自治州|地区|盟)"
_NOT_DISTRICT = "小社园景校厂营片街城矿军"
_COUNTY = rf"{_PLACE}{{1,7}}?(?<![{_NOT_DISTRICT}])(?:区|县|自治县|旗|自治旗|市)"
_ADMIN_RE = re.compile(rf"(?:{_PROVINCE})?(?:{_CITY})?(?:{_COUNTY})|(?:{_PROVINCE})(?:{_CITY})?|{_CITY}")
_NUMERAL = r"[0-9０-９一二三四五六七八九十百千零〇两A-Za-z\-－#]"
_STREET_SUFFIX = "|".join(
    _split_words(
        "街道 镇 乡 村委会 村 社区 居委会 大道 道 路 街 巷 弄 胡同 里"
        " 小区 花园 家园 公寓 苑 园 大厦 广场 新村 庄 屯 组 队"
    )
)
_UNIT = rf"{_NUMERAL}+(?:号院|号楼|号|栋|幢|座|单元|层|楼|室|户|组|队|弄|排)"
_STREET_UNIT = rf"[\u4e00-\u9fa5A-Za-z0-9０-９]{{1,10}}?(?:{_STREET_SUFFIX})"
_DETAIL_RE = re.compile(rf"(?:(?:{_STREET_UNIT})|(?:{_UNIT}))+")
_UNITS_ONLY_RE = re.compile(rf"(?:{_UNIT}){{2,}}|{_NUMERAL}+(?:号院|号楼|号|栋|幢|单元|室)(?:{_UNIT})*")
_ADDRESS_CUE_RE = re.compile(
    r"(?:住址|地址|住所地|住所|户籍地|户籍所在地|现住|家住|居住于|居住在|住在|位于|经常居住地|住)[:：\s]*"
)
# Detail masks may not swallow these (they start the next clause).
_DETAIL_STOP_RE = re.compile(
    r"(?:的|与|和|因|向|被|在|于|将|把|称|诉|，|。|；|、|\s|工作|上班|打工|务工|经营|居住|生活|发生|出生)"
)


# ------------------------------------------------------------------------------------ names
def _split(text: str) -> list[str]:
    return text.split()


_SURNAMES_2 = _split(
    """
    欧阳 太史 端木 上官 司马 东方 独孤 南宫 万俟 闻人 夏侯 诸葛 尉迟 公羊 赫连 澹台
    皇甫 宗政 濮阳 公冶 太叔 申屠 公孙 慕容 仲孙 钟离 长孙 宇文 司徒 鲜于 司空 闾丘
    子车 亓官 司寇 巫马 公西 颛孙 壤驷 公良 漆雕 乐正 宰父 谷梁 拓跋 夹谷 轩辕 令狐
    段干 百里 呼延 东郭 南门 羊舌 微生 公户 公玉 公仪 梁丘 公仲 公上 公门 公山 公坚
    左丘 公伯 西门 公祖 第五 公乘 贯丘 公皙 南荣 东里 东宫 仲长 子书 子桑 即墨 达奚
    褚师
    """
)
_SURNAMES_1 = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜"
    "崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊"
    "葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆"
    "蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿"
    "桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗"
    "燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来"
    "扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但"
    "尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
)
# Characters that cannot be the second given character (they start the next word): 王明诉称 → 王明.
_NOT_GIVEN = set(
    "诉称与和及于在因向将把被的是系等说认为提要请已曾也都就对从自所由以到给让叫跟同并而且或即其该此这那个们"
    "男女年月日岁出生住现身份证号电话手机经务工作上班打了过着去来到说问答签订借欠还付收交还拖辞称述请求主张辩"
    "不没未无有应当可能会愿拒后前时中内外里上下"
)
_ROLE_WORDS = (
    "当事人|申请人|被申请人|原告|被告|上诉人|被上诉人|第三人|申请执行人|被执行人|委托代理人|诉讼代理人|代理人|"
    "法定代理人|法定代表人|负责人|证人|被害人|受害人|犯罪嫌疑人|被告人|罪犯|死者|被继承人|继承人|债权人|债务人|"
    "出借人|借款人|担保人|保证人|出租人|承租人|买受人|出卖人|劳动者|职工|员工|雇员|雇主|老板|丈夫|妻子|前妻|前夫|"
    "配偶|儿子|女儿|长子|次子|长女|次女|之子|之女|父亲|母亲|爷爷|奶奶|外公|外婆|哥哥|姐姐|弟弟|妹妹|同事|邻居|"
    "朋友|同学|男友|女友|未婚妻|未婚夫|求助人|来访人|咨询人|投诉人|举报人|受援人|调解员|律师|法官|书记员|经办人|"
    "村民|业主|司机|驾驶人|患者|病人|学生|孩子|小孩|监护人|户主|联系人|签收人|收件人|寄件人"
)
_ROLE_RE = re.compile(
    rf"(?:{_ROLE_WORDS})(?:[一二三四五六七八九甲乙丙丁]|[（(][^）)]{{1,8}}[）)])?[：:\s，,]*"
)
_HONORIFIC_RE = re.compile(r"(?:先生|女士|小姐|同志|师傅|老师|医生|大夫|律师|法官|阿姨|大爷|大妈)")
_GENDER_AFTER_RE = re.compile(r"[，,（(]\s*(?:男|女)\b|[，,（(]\s*(?:男|女)[，,）)]")

_word_tags: dict[str, str] | None = None
_tags_lock = threading.Lock()


def _dictionary_tags() -> dict[str, str]:
    """jieba's dictionary part-of-speech tags (word → tag), loaded once."""
    global _word_tags
    if _word_tags is None:
        with _tags_lock:
            if _word_tags is None:
                import jieba.posseg

                jieba.posseg.dt.tokenizer.check_initialized()
                _word_tags = dict(jieba.posseg.dt.word_tag_tab)
    return _word_tags


def _is_ordinary_word(candidate: str) -> bool:
    """True if ``candidate`` (or its two-character head) is a dictionary word that is not a name,
    e.g. 高空, 王法, 高度, 金额, 安全 — such strings are left alone."""
    tags = _dictionary_tags()
    for w in (candidate, candidate[:2], candidate[:3]):
        tag = tags.get(w)
        if tag is not None and not tag.startswith("nr") and len(w) >= 2:
            return True
    return False


def _starts_word(text: str, i: int) -> bool:
    """True if a dictionary word (not a name) starts at ``i``: in 张丽离婚, 离婚 is a word, so the
    name is 张丽, not 张丽离."""
    tags = _dictionary_tags()
    for n in (2, 3):
        w = text[i : i + n]
        if len(w) == n and w in tags and not tags[w].startswith("nr") and _freq(w) >= 50:
            return True
    return False


def _freq(word: str) -> int:
    import jieba

    return int(jieba.dt.FREQ.get(word, 0) or 0)


def _surname_at(text: str, i: int) -> str | None:
    two = text[i : i + 2]
    if two in _SURNAMES_2:
        return two
    ch = text[i : i + 1]
    return ch if ch in _SURNAMES_1 else None


def _name_at(text: str, i: int) -> tuple[str, str] | None:
    """(surname, full name) of a personal name starting at ``i``, or None."""
    surname = _surname_at(text, i)
    if surname is None:
        return None
    j = i + len(surname)
    given = ""
    for k in range(2):
        ch = text[j + k : j + k + 1]
        if not ch or not ("\u4e00" <= ch <= "\u9fa5"):
            break
        if k == 1 and (ch in _NOT_GIVEN or _starts_word(text, j + 1)):
            break
        if k == 0 and ch in "某×X*＊":
            return None  # already anonymous: 张某, 张某某, 张×
        given += ch
    if not given:
        return None
    full = surname + given
    if _is_ordinary_word(full):
        if len(given) == 2 and not _is_ordinary_word(full[:-1]):
            return surname, full[:-1]
        return None
    return surname, full


# ------------------------------------------------------------------------------------ helpers
@dataclass
class _Span:
    type: str
    start: int
    end: int
    replacement: str = ""
    key: str = ""  # for names: the full name (consistency)
    surname: str = ""


def _add(spans: list[_Span], span: _Span) -> None:
    for s in spans:
        if span.start < s.end and s.start < span.end:
            return  # earlier detectors take precedence
    spans.append(span)


def _find_numbers(text: str, spans: list[_Span]) -> None:
    for m in _EMAIL_RE.finditer(text):
        _add(spans, _Span(EMAIL, m.start(), m.end()))
    for m in _ID18_RE.finditer(text):
        _add(spans, _Span(ID_CARD, m.start(), m.end()))
    for m in _BANK_RE.finditer(text):
        _add(spans, _Span(BANK_CARD, m.start(), m.end()))
    for m in _MOBILE_RE.finditer(text):
        _add(spans, _Span(PHONE, m.start(), m.end()))
    for m in _ID15_RE.finditer(text):
        _add(spans, _Span(ID_CARD, m.start(), m.end()))
    for m in _LANDLINE_RE.finditer(text):
        _add(spans, _Span(LANDLINE, m.start(), m.end()))
    for m in _BARE_LANDLINE_RE.finditer(text):
        _add(spans, _Span(LANDLINE, m.start("num"), m.end("num")))


def _trim_detail(text: str, start: int, end: int) -> int:
    """Cut a detail match at the first clause-starting word (的, 与, ，…)."""
    m = _DETAIL_STOP_RE.search(text, start, end)
    return m.start() if m else end


def _find_addresses(text: str, spans: list[_Span]) -> None:
    covered: list[tuple[int, int]] = []
    for m in _ADMIN_RE.finditer(text):
        d = _DETAIL_RE.match(text, m.end())
        if not d:
            continue
        end = _trim_detail(text, d.start(), d.end())
        if end - d.start() >= 2:
            _add(spans, _Span(ADDRESS, d.start(), end, _ADDRESS_MASK))
            covered.append((m.start(), end))
    for cue in _ADDRESS_CUE_RE.finditer(text):
        pos = cue.end()
        if any(a <= pos < b for a, b in covered):
            continue
        admin = _ADMIN_RE.match(text, pos)
        if admin:
            continue  # handled above
        d = _DETAIL_RE.match(text, pos)
        if not d:
            continue
        end = _trim_detail(text, d.start(), d.end())
        if end - d.start() >= 3 and re.search(rf"{_STREET_SUFFIX}|号|室|栋|幢|单元", text[d.start() : end]):
            _add(spans, _Span(ADDRESS, d.start(), end, _ADDRESS_MASK))
    for m in _UNITS_ONLY_RE.finditer(text):
        if re.fullmatch(r"[0-9０-９]+号", m.group(0)):
            continue  # 第5号, 12号 alone: too ambiguous (documents, dates)
        _add(spans, _Span(ADDRESS, m.start(), m.end(), _ADDRESS_MASK))


def _find_names(text: str, spans: list[_Span]) -> None:
    found: list[_Span] = []

    def take(i: int) -> int | None:
        hit = _name_at(text, i)
        if hit is None:
            return None
        surname, full = hit
        found.append(_Span(NAME, i, i + len(full), key=full, surname=surname))
        return i + len(full)

    for m in _ROLE_RE.finditer(text):
        pos = m.end()
        nxt = take(pos)
        while nxt is not None:  # lists: 原告王小明、李华
            sep = re.match(r"[、和与及]", text[nxt : nxt + 1])
            if not sep:
                break
            nxt = take(nxt + 1)
    for i in range(len(text)):
        if _surname_at(text, i) is None:
            continue
        hit = _name_at(text, i)
        if hit is None:
            continue
        end = i + len(hit[1])
        cued = _HONORIFIC_RE.match(text, end) or _GENDER_AFTER_RE.match(text, end)
        starts_clause = i == 0 or not ("\u4e00" <= text[i - 1] <= "\u9fa5")
        if cued and (starts_clause or _ROLE_RE.search(text[max(0, i - 8) : i])):
            found.append(_Span(NAME, i, end, key=hit[1], surname=hit[0]))
    # Every other occurrence of a detected full name (2+ given-name chars or 3+ chars in total).
    names = {s.key: s.surname for s in found}
    for full, surname in names.items():
        if len(full) < 2:
            continue
        for m in re.finditer(re.escape(full), text):
            found.append(_Span(NAME, m.start(), m.end(), key=full, surname=surname))
    found.sort(key=lambda s: (s.start, -(s.end - s.start)))
    for s in found:
        _add(spans, s)


def _assign_names(spans: list[_Span]) -> None:
    """张某 for a surname used by one person; 张某甲, 张某乙 … when several share it."""
    order: dict[str, list[str]] = {}
    for s in sorted((s for s in spans if s.type == NAME), key=lambda s: s.start):
        people = order.setdefault(s.surname, [])
        if s.key not in people:
            people.append(s.key)
    labels = "甲乙丙丁戊己庚辛壬癸"
    mapping: dict[str, str] = {}
    for surname, people in order.items():
        if len(people) == 1:
            mapping[people[0]] = surname + "某"
        else:
            for n, person in enumerate(people):
                suffix = labels[n] if n < len(labels) else str(n + 1)
                mapping[person] = surname + "某" + suffix
    for s in spans:
        if s.type == NAME:
            s.replacement = mapping[s.key]


def anonymise(text: str) -> tuple[str, list[Finding]]:
    """Remove personal data from ``text``; return the new text and what was replaced.

    Findings are in text order; their ``start``/``end`` refer to the input ``text``.
    """
    spans: list[_Span] = []
    _find_numbers(text, spans)
    _find_addresses(text, spans)
    _find_names(text, spans)
    _assign_names(spans)
    spans.sort(key=lambda s: s.start)
    out: list[str] = []
    findings: list[Finding] = []
    pos = 0
    for s in spans:
        repl = s.replacement or _MASKS.get(s.type, "××")
        out.append(text[pos : s.start])
        out.append(repl)
        findings.append(Finding(s.type, s.start, s.end, text[s.start : s.end], repl))
        pos = s.end
    out.append(text[pos:])
    return "".join(out), findings
