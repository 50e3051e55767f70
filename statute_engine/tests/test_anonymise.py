from __future__ import annotations

import re

from statute_engine.anonymise import anonymise

CASE = (
    "申请人王小明，男，1985年3月出生，身份证号11010519850301123X，手机138 0013 8000，"
    "住北京市朝阳区建国路88号3栋2单元501室。被申请人李华诉称王小明拖欠其借款五万元。"
    "王小明的座机是010-65123456，邮箱wangxm@example.com，银行卡号6222 0212 3456 7890 123。"
    "另一当事人王大力系王小明之弟，户籍地广东省深圳市南山区粤海街道高新南一道6号。"
    "本案因高空抛物引发，王法难容；张某已赔偿。"
)


def test_planted_personal_data_is_gone() -> None:
    out, findings = anonymise(CASE)
    for secret in (
        "11010519850301123X",
        "138 0013 8000",
        "010-65123456",
        "wangxm@example.com",
        "6222 0212 3456 7890 123",
        "建国路88号",
        "501室",
        "粤海街道",
        "高新南一道",
        "王小明",
        "李华",
        "王大力",
    ):
        assert secret not in out, secret
    assert not re.search(r"\d{11,}", out.replace(" ", ""))
    types = {f.type for f in findings}
    assert {"id_card", "phone", "landline", "email", "bank_card", "address", "name"} <= types


def test_district_level_kept_and_legal_terms_intact() -> None:
    out, _ = anonymise(CASE)
    assert "北京市朝阳区" in out
    assert "广东省深圳市南山区" in out
    assert "高空抛物" in out
    assert "王法难容" in out
    assert "张某已赔偿" in out


def test_names_replaced_consistently() -> None:
    out, findings = anonymise(CASE)
    by_original = {}
    for f in findings:
        if f.type == "name":
            by_original.setdefault(f.original, set()).add(f.replacement)
    assert all(len(v) == 1 for v in by_original.values())
    assert by_original["王小明"] != by_original["王大力"]  # two 王: 王某甲 / 王某乙
    assert by_original["李华"] == {"李某"}
    assert out.count(next(iter(by_original["王小明"]))) >= 3


def test_findings_point_at_the_original_text() -> None:
    _, findings = anonymise(CASE)
    for f in findings:
        assert CASE[f.start : f.end] == f.original


def test_phone_formats() -> None:
    for phone in ("13800138000", "138-0013-8000", "+86 13800138000", "（0571）87654321"):
        out, _ = anonymise(f"联系电话{phone}，请回电")
        assert not re.search(r"\d{7}", out.replace("-", "").replace(" ", "")), out


def test_ordinary_text_untouched() -> None:
    text = "根据《民法典》第一千二百五十四条，禁止从建筑物中抛掷物品。高度警惕，依法维权。"
    out, findings = anonymise(text)
    assert out == text and findings == []


def test_already_anonymous_names_are_left_alone() -> None:
    out, findings = anonymise("原告张某某与被告李某离婚纠纷一案")
    assert out == "原告张某某与被告李某离婚纠纷一案"
    assert not findings
