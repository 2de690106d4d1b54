"""Reading numbers from real narrative wording (the three published samples), and declining to
read what is not about this report's tables."""
from __future__ import annotations

import pytest

from nianbao.model import formats
from nianbao.model import sources
from nianbao.rules.claims import normalize, read_claims

from rules_helpers import RULES_DATA, SAMPLE

LIT = ("未经复议直接起诉", "复议后起诉")


def summary(report) -> list[tuple]:
    return [(c.check, c.stated, c.rows, c.columns) if c.table else (c.check, c.stated, c.parts) for c in read_claims(report)]


def test_huaian_2024_pdf_wording():
    report = sources.load_report(RULES_DATA / "2024" / "huaian-szf.yaml")
    assert summary(report) == [
        ("R25", 1, ("规章",), ("本年制发件数",)),  # 全年新增公开市政府规章 1 件（政策性文件 11 件 is something else）
        ("R21", 3119, ("本年新收",), ("总计",)),
        ("R21", 34, ("上年结转",), ("总计",)),
        ("R21", 103, ("结转下年",), ("总计",)),
        ("R21", 3050, ("办理结果总计",), ("总计",)),
        ("R23", 351, ("行政复议",), ("总计",)),
        ("R23", 72, ("行政复议",), ("结果维持",)),
        ("R23", 64, ("行政复议",), ("结果纠正",)),
        ("R23", 178, ("行政复议",), ("其他结果",)),
        ("R23", 37, ("行政复议",), ("尚未审结",)),
        ("R22=", 351, (72, 64, 178, 37)),
        ("R23", 46, LIT, ("总计",)),
        ("R23", 25, LIT, ("结果维持",)),
        ("R23", 5, LIT, ("结果纠正",)),
        ("R23", 9, LIT, ("其他结果",)),
        ("R23", 7, LIT, ("尚未审结",)),
        ("R22=", 46, (25, 5, 9, 7)),
    ]


def test_shanghai_2019_web_wording():
    report = sources.load_report(RULES_DATA / "2019" / "shanghai-szfbgt.yaml")
    claims = summary(report)
    assert claims == [
        ("R25", 13, ("规章",), ("本年新公开数量",)),  # 主动公开规章13件
        ("R25", 60, ("规范性文件",), ("本年新公开数量",)),  # ，行政规范性文件60件 (部门规范性文件45件 is not read)
        ("R21", 859, ("本年新收",), ("总计",)),
        ("R21", 18, ("上年结转",), ("总计",)),
        ("R21", 72, ("结转下年",), ("总计",)),
        ("R21", 805, ("办理结果总计",), ("总计",)),
        ("R21", 258, ("予以公开", "部分公开"), ("总计",)),
        ("R24", 33.9, ("予以公开", "部分公开"), ("总计",)),  # 占33.9%: of the 答复 805 stated before (258/805 is 32.05%)
        ("R21", 35, ("不予公开.*",), ("总计",)),
        ("R24", 4.34, ("不予公开.*",), ("总计",)),
        ("R21", 265, ("无法提供.*",), ("总计",)),
        ("R24", 32.9, ("无法提供.*",), ("总计",)),
        ("R21", 158, ("不予处理.*",), ("总计",)),
        ("R24", 19.6, ("不予处理.*",), ("总计",)),
        ("R21", 0, ("其他处理*",), ("总计",)),
        ("R23", 7, ("行政复议",), ("总计",)),
        ("R23", 9, LIT, ("总计",)),
        ("R23q", 0, ("行政复议",), ("结果纠正", "其他结果", "尚未审结")),  # 均获维持
        ("R23q", 0, LIT, ("结果纠正", "其他结果", "尚未审结")),
    ]


def test_jiaozuo_2021_web_wording():
    assert summary(sources.load_report(SAMPLE)) == [
        ("R22=", 602, (5, 224, 373)),  # 共发布…602条。其中，概况类信息5条、…
        ("R22=", 34, (3, 31)),  # 刊发34篇。其中，国家级媒体3篇、省级媒体31篇
        ("R20", 0, ("本年新收",), ("总计",)),  # 全年未收到政府信息公开申请
    ]


def claims_in(text: str, year: int = 2021) -> list[tuple]:
    report = sources.Report(agency="某局", year=year, format=formats.format_for_year(year), sections={"一": text})
    return summary(report)


@pytest.mark.parametrize("text, expected", [
    ("全市各级行政机关共收到政府信息公开申请5000件。", []),  # other bodies
    ("共受理网民留言378件，答复378件。", []),  # not applications
    ("受理政府信息公开申请约300件。", []),  # approximate
    ("受理政府信息公开申请较上年增加12件。", []),  # a change, not a count
    ("未来将继续做好行政复议应诉工作。", []),  # 未来 is not a negation
    ("行政复议均未被纠错。", [("R23q", 0, ("行政复议",), ("结果纠正",))]),  # an outcome claim, not a count of 0
    ("全年制定规章2件，清理规范性文件120件。", [("R25", 2, ("规章",), ("本年制发件数",))]),  # 清理 names no column
    ("刊登政府规章、规范性文件等112件，部门规范性文件45件。", []),  # not this table's rows
    ("主动公开各类政府信息5500余条，其中政策文件200条、动态信息5000条。", []),  # approximate total
    ("全年办结13件（含上年结转1件，另有1件结转下年度）。其中予以公开6件、无法提供7件。", [  # no 申请: not table 三
        ("R22=", 13, (6, 7))]),
    ("受理政府信息公开申请13件（含上年结转1件）。", [  # says it counts 一 + 二
        ("R21", 13, ("本年新收", "上年结转"), ("总计",)), ("R21", 1, ("上年结转",), ("总计",))]),
])
def test_what_is_read_and_what_is_left_alone(text, expected):
    assert claims_in(text) == expected


def test_no_cases_and_qualitative_claims():
    assert claims_in("本年度未发生因政府信息公开引起的行政复议和行政诉讼。") == [
        ("R23", 0, ("行政复议",), ("总计",)), ("R23", 0, LIT, ("总计",))]
    assert claims_in("被申请行政复议3件，均已审结。") == [
        ("R23", 3, ("行政复议",), ("总计",)), ("R23q", 0, ("行政复议",), ("尚未审结",))]


def test_pdf_line_wraps_full_width_digits_and_separators_are_normalised():
    assert normalize("受理政府信息公开申请 3,119 件，答\n复 ３０５０ 件") == "受理政府信息公开申请3119件，答复3050件"
    assert claims_in("全市共受理政府信息公开申请 3,119 件，答\n复 ３０５０ 件。") == [
        ("R21", 3119, ("本年新收",), ("总计",)), ("R21", 3050, ("办理结果总计",), ("总计",))]
