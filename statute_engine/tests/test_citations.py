from __future__ import annotations

from statute_engine.citations import (
    EXISTS,
    LAW_NOT_IN_CORPUS,
    NOT_FOUND,
    RecordsLookup,
    check_citations,
    extract_citations,
    laws_db_lookup,
    resolve_law_name,
)
from statute_engine.corpus import ArticleRecord

CIVIL = "中华人民共和国民法典"


def test_chinese_and_arabic_numerals() -> None:
    cits = check_citations("依据《民法典》第一千二百五十四条，另见《民法典》第1254条。")
    assert [c.article.key for c in cits] == ["1254", "1254"]
    assert all(c.law_name == CIVIL and c.verdict == EXISTS for c in cits)
    assert cits[0].raw == "《民法典》第一千二百五十四条"
    text = "依据《民法典》第一千二百五十四条"
    assert text[cits[0].span[0] : cits[0].span[1]] == cits[0].raw


def test_inserted_article_zhi_yi() -> None:
    (cit,) = check_citations("《刑法》第一百三十三条之一规定了危险驾驶罪")
    assert cit.article.key == "133-1"
    assert cit.law_name == "中华人民共和国刑法"
    assert cit.verdict == EXISTS
    assert cit.in_force is True
    (missing,) = check_citations("《公司法》第十条之一")
    assert missing.verdict == NOT_FOUND


def test_several_articles_after_one_law_and_paragraphs() -> None:
    cits = check_citations(
        "《民法典》第五条、第六条和第1165条第一款，以及《劳动合同法》第三十条第一款第（二）项"
    )
    assert [(c.law_name, c.article.key) for c in cits] == [
        (CIVIL, "5"),
        (CIVIL, "6"),
        (CIVIL, "1165"),
        ("中华人民共和国劳动合同法", "30"),
    ]
    assert cits[2].paragraph == 1
    assert (cits[3].paragraph, cits[3].item) == (1, 2)
    assert all(c.verdict == EXISTS for c in cits)


def test_range() -> None:
    (cit,) = check_citations("参见《民法典》第一千零七十六条至第一千零七十八条")
    assert (cit.article.key, cit.end_article.key if cit.end_article else None) == ("1076", "1078")
    assert cit.verdict == EXISTS
    (bad,) = check_citations("《民法典》第一千二百五十条至第一千二百七十条")
    assert bad.verdict == NOT_FOUND
    assert bad.max_article == 1260


def test_nonexistent_article_reports_max() -> None:
    (cit,) = check_citations("《民法典》第一千三百条")
    assert cit.verdict == NOT_FOUND
    assert cit.max_article == 1260
    assert "1260" in cit.message


def test_law_not_in_corpus() -> None:
    (cit,) = check_citations("《物业管理条例》第十条")
    assert cit.verdict == LAW_NOT_IN_CORPUS
    assert cit.law_name is None
    (old,) = check_citations("《合同法》第五十二条")
    assert old.verdict == LAW_NOT_IN_CORPUS  # not mistaken for 劳动合同法
    assert "民法典" in old.message


def test_abbreviations() -> None:
    names = laws_db_lookup().law_names()
    assert resolve_law_name("民法典", names) == CIVIL
    assert resolve_law_name("劳动合同法", names) == "中华人民共和国劳动合同法"
    assert resolve_law_name("民诉法", names) == "中华人民共和国民事诉讼法"
    assert resolve_law_name("中华人民共和国刑法", names) == "中华人民共和国刑法"
    assert resolve_law_name("香港特别行政区基本法", names) == "中华人民共和国香港特别行政区基本法"
    assert resolve_law_name("合同法", names) is None


def test_edition_note_and_bare_name() -> None:
    (cit,) = check_citations("《民事诉讼法》（2021年修正）第一百二十二条")
    assert cit.article.key == "122" and cit.verdict == EXISTS
    (bare,) = check_citations("民法典第1084条规定了离婚后子女的抚养")
    assert bare.law_name == CIVIL and bare.article.key == "1084"


def test_repealed_law_is_flagged() -> None:
    (cit,) = check_citations("《环境保护法》第十条")
    assert cit.verdict == EXISTS
    assert cit.in_force is False
    assert "已废止" in cit.message


def test_custom_lookup_backend() -> None:
    rec = ArticleRecord(1, "x", "中华人民共和国测试法", None, "现行有效", None, None, "第一条", 1, "文本")
    lookup = RecordsLookup([rec])
    (ok,) = check_citations("《测试法》第一条", lookup)
    assert ok.verdict == EXISTS
    (no,) = check_citations("《测试法》第二条", lookup)
    assert no.verdict == NOT_FOUND and no.max_article == 1


def test_no_citation() -> None:
    assert extract_citations("根据民法典的规定，应当赔偿。", ["中华人民共和国民法典"]) == []
    assert check_citations("") == []


def test_a_revision_not_yet_in_force_is_flagged() -> None:
    import datetime

    from statute_engine.citations import RecordsLookup
    from statute_engine.corpus import iter_laws_db

    laws = ["中华人民共和国商标法", "中华人民共和国医疗保障法"]
    lookup = RecordsLookup(iter_laws_db(law_names=laws, as_of=datetime.date(2026, 12, 1)))
    both, only_new, new_law = check_citations("《商标法》第七十三条、第八十条，《医疗保障法》第一条", lookup)
    assert both.in_force is True and "修订文本已公布、尚未施行" in both.message
    assert only_new.verdict == EXISTS and only_new.in_force is False
    assert "仅见于已公布、尚未施行的文本" in only_new.message
    assert only_new.note == "仅见于已公布、尚未施行的文本，现行文本中没有此条。"  # the caveat alone
    assert both.note == "该法的修订文本已公布、尚未施行，施行后条文序号可能变化。"
    assert new_law.in_force is False and "该法已公布、尚未施行" in new_law.message
    later = RecordsLookup(iter_laws_db(law_names=laws, as_of=datetime.date(2027, 1, 1)))
    assert all(c.in_force for c in check_citations("《商标法》第八十条，《医疗保障法》第一条", later))
