"""Every rule family caught on a fixture with one planted violation: exact rule, cell and values,
and nothing else. Real GX, one context for the whole session (nianbao.rules.engine keeps it)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from nianbao.model import formats
from nianbao.model import sources
from nianbao.rules import check, check_file
from nianbao.model.sources import Money

from rules_helpers import RULES_DATA, SAMPLE, found, plain, report_of, source, write_source

E, W = "error", "warning"
T3_LABEL = formats.FORMAT_2021.table3_row_label
R10_ROW = "（七）总计+四、结转下年度继续办理"


@pytest.fixture(scope="module")
def base() -> dict:
    """The consistent 2021 fixture with a narrative that states no number."""
    return plain(source(2021))


def run(data: dict) -> list[tuple]:
    return found(check(report_of(data)))


def with_cells(data: dict, table: str, row: str, values: list) -> dict:
    data = {**data, table: {**data[table], row: values}}
    return data


# ------------------------------------------------------------------ clean reports
def test_sample_passes_every_error_rule_and_299_is_only_a_warning():
    validation = check(sources.load_report(SAMPLE))
    assert validation.errors == []
    assert found(validation) == [
        ("R5", W, "表二", "行政事业性收费", "本年收费金额（单位：万元，保留4位小数）", "4 位小数", "299"),
        # 六 says 「2021年全年无其他需要报告的事项。」: nothing of 信息处理费 (R26, a warning: catalog.py says why)
        ("R26", W, "正文", "六、其他需要报告的事项", "信息处理费", "报告信息处理费收取情况（收取金额或未收取）", "未提及信息处理费")]
    assert validation.findings[0].message == \
        "表二行政事业性收费·本年收费金额（单位：万元，保留4位小数）：应保留 4 位小数，实为 299"


def test_consistent_fixtures_pass_with_their_narratives():
    assert found(check(report_of(source(2021)))) == []
    assert found(check(report_of(source(2022)), report_of(source(2021)))) == []
    assert found(check(report_of(source(2020)))) == []


def test_a_real_report_with_a_rich_narrative_passes_every_rule():
    # 淮安市人民政府 2024, transcribed from the published PDF: 15 narrative claims, all true. Its 一 is
    # longer than 30号's 一千字 and, for a 人民政府, says nothing of 考核、评议、责任追究: two R33 warnings.
    validation = check_file(RULES_DATA / "2024" / "huaian-szf.yaml")
    assert validation.errors == []
    assert found(validation) == [
        ("R33", W, "正文", "一、总体情况", "内容", "涵盖主动公开、依申请公开、政府信息管理、政府信息公开平台建设、监督保障、"
         "工作考核、社会评议、责任追究", "未写到工作考核、社会评议、责任追究"),
        ("R33", W, "正文", "一、总体情况", "篇幅", "≤ 1000", 1290)]


def test_a_real_report_with_blank_cells_gets_blanks_reported_never_zero():
    # 上海市人民政府办公厅 2019 leaves many cells empty and renames heading 五.
    report = sources.load_report(RULES_DATA / "2019" / "shanghai-szfbgt.yaml")
    validation = check(report)
    blanks3 = sum(v is None for row in report.table3.values() for v in row)
    blanks4 = sum(v is None for row in report.table4.values() for v in row)
    rules = [f.rule for f in validation.findings]
    assert rules.count("R12") == blanks3 == 126 and rules.count("R19") == blanks4 == 9
    assert set(rules) == {"R12", "R19", "R24", "R27"}
    assert all(f.actual is None and f.message.endswith("实为空白") for f in validation.findings if f.rule in ("R12", "R19"))
    # 「予以公开及部分公开258件，占33.9%」 after 「答复……805件」: 258 ÷ 805 is 32.05 % (the other three shares agree).
    assert [f for f in found(validation) if f[0] == "R24"] == [
        ("R24", E, "表三", "（一）予以公开+（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "总计", 33.9, 32.05)]
    assert ("R27", E, "正文", "五、存在的主要问题及改进情况", "标题", "五、存在的主要问题及改进情况",
            "五、政府信息公开工作存在的主要问题及改进情况") in found(validation)


# ------------------------------------------------------------------ table 二
def test_r1_blank_count(base):
    assert run(with_cells(base, "table2", "规章", [None, 0, 0])) == [
        ("R1", E, "表二", "规章", "本年制发件数", "数字", None)]


def test_r3_in_force_below_issued_minus_repealed(base):
    assert run(with_cells(base, "table2", "规章", [2, 0, 1])) == [("R3", E, "表二", "规章", "现行有效件数", "≥ 2", 1)]


def test_r4_blank_and_fractional_decisions(base):
    assert run(with_cells(base, "table2", "行政处罚", [None])) == [("R4", E, "表二", "行政处罚", "本年处理决定数量", "数字", None)]
    report = report_of(base)
    report.table2["行政处罚"] = [2.5]  # an importer could produce it; the loader would refuse it
    assert found(check(report)) == [("R4", E, "表二", "行政处罚", "本年处理决定数量", "整数", 2.5)]


def test_r5_negative_fee_is_an_error_extra_decimals_and_yuan_are_warnings(base):
    report = report_of(base)
    report.table2["行政事业性收费"] = [Money(Decimal("-1"))]
    fee = "本年收费金额（单位：万元）"
    assert found(check(report)) == [("R5", E, "表二", "行政事业性收费", fee, "≥ 0", -1)]
    assert run(with_cells(base, "table2", "行政事业性收费", [1.23456])) == [
        ("R5", W, "表二", "行政事业性收费", fee, "至多 4 位小数", "1.23456")]
    assert run(with_cells(base, "table2", "行政事业性收费", ["3940元"])) == [
        ("R5", W, "表二", "行政事业性收费", fee, "万元", "3940元")]


def test_r6_r7_r8_of_the_2019_format():
    data = plain(source(2020))
    assert run(with_cells(data, "table2", "规范性文件", [5, 50, 40])) == [
        ("R6", E, "表二", "规范性文件", "对外公开总数量", "≥ 50", 40)]
    assert run(with_cells(data, "table2", "行政许可", [1, -3, 250])) == [
        ("R7", E, "表二", "行政许可", "上一年项目数量+本年增/减", "≥ 0", -2)]
    assert run(with_cells(data, "table2", "政府集中采购", [4, 125.5])) == [
        ("R8", E, "表二", "政府集中采购", "采购总金额", "带单位的金额", "125.5")]


# ------------------------------------------------------------------ table 三
def test_r9_row_totals(base):
    data = with_cells(base, "table3", "予以公开", [6, 1, 0, 0, 0, 0, 6])
    data = with_cells(data, "table3", "部分公开", [0, 0, 0, 0, 0, 0, 1])  # column 自然人 still adds up
    assert run(data) == [("R9", E, "表三", "（一）予以公开", "总计", 7, 6),
                         ("R9", E, "表三", T3_LABEL("部分公开"), "总计", 0, 1)]


def test_r10_printed_relation(base):
    data = with_cells(base, "table3", "本年新收", [11, 2, 0, 1, 0, 0, 14])
    assert run(data) == [("R10", E, "表三", R10_ROW, "自然人", 12, 11), ("R10", E, "表三", R10_ROW, "总计", 15, 14)]


def test_r11_fails_while_r10_holds(base):
    # 一 + 二 = （七） + 四 still holds; the result rows no longer add up to （七）总计.
    data = with_cells(base, "table3", "予以公开", [6, 1, 0, 0, 0, 0, 7])
    validation = check(report_of(data))
    assert found(validation) == [("R11", E, "表三", "（七）总计", "自然人", 11, 10),
                                 ("R11", E, "表三", "（七）总计", "总计", 14, 13)]
    assert validation.findings[0].message == "表三（七）总计·自然人：应为 （一）至（六）之和 11，实为 10"


def test_r12_blank_cell_is_reported_not_taken_as_zero(base):
    data = with_cells(base, "table3", "不予公开.3", [0, 0, None, 0, 0, 0, 0])
    assert run(data) == [("R12", E, "表三", "（三）不予公开·3.危及“三安全一稳定”", "科研机构", "数字", None)]


def test_r13_carried_over_more_than_received(base):
    data = with_cells(base, "table3", "结转下年", [20, 0, 0, 0, 0, 0, 20])
    assert run(data) == [("R10", E, "表三", R10_ROW, "自然人", 11, 30), ("R10", E, "表三", R10_ROW, "总计", 14, 33),
                         ("R13", E, "表三", "四、结转下年度继续办理", "自然人", "≤ 11", 20),
                         ("R13", E, "表三", "四、结转下年度继续办理", "总计", "≤ 14", 20)]


# ------------------------------------------------------------------ table 四
@pytest.mark.parametrize("group, cells, rule, row, expected, actual", [
    ("行政复议", [2, 0, 0, 0, 1], "R16", "行政复议", 2, 1),
    ("未经复议直接起诉", [0, 0, 0, 1, 2], "R17", "行政诉讼·未经复议直接起诉", 1, 2),
    ("复议后起诉", [0, 1, 0, 0, 0], "R18", "行政诉讼·复议后起诉", 1, 0),
])
def test_r16_r17_r18_group_totals(base, group, cells, rule, row, expected, actual):
    assert run(with_cells(base, "table4", group, cells)) == [(rule, E, "表四", row, "总计", expected, actual)]


def test_r19_blank_cell(base):
    assert run(with_cells(base, "table4", "复议后起诉", [0, 0, None, 0, 0])) == [
        ("R19", E, "表四", "行政诉讼·复议后起诉", "其他结果", "数字", None)]


# ------------------------------------------------------------------ narrative ↔ table
def with_text(old: str, new: str) -> dict:
    data = source(2021)
    assert old in data["sections"]["一"]
    data["sections"]["一"] = data["sections"]["一"].replace(old, new)
    return data


NEW_ROW = T3_LABEL("本年新收")


def test_r20_no_applications_claimed_but_table_has_some():
    data = with_text("全年共收到政府信息公开申请13件，办结13件（含上年结转申请1件，另有1件结转下年度办理）。"
                     "其中予以公开6件，部分公开1件，不予公开1件，无法提供4件，不予处理1件，其他处理0件。",
                     "全年未收到政府信息公开申请。")
    validation = check(report_of(data))
    assert found(validation) == [("R20", E, "表三", NEW_ROW, "总计", 0, 13)]
    assert "全年未收到政府信息公开申请" in validation.findings[0].message


def test_r21_count_in_text_differs_from_table():
    validation = check(report_of(with_text("收到政府信息公开申请13件", "收到政府信息公开申请14件")))
    assert found(validation) == [("R21", E, "表三", NEW_ROW, "总计", 14, 13)]
    assert validation.findings[0].message == ("表三一、本年新收政府信息公开申请数量·总计：正文“一、总体情况”称"
                                              "“全年共收到政府信息公开申请14件”（14），表中为 13")


def test_r22_enumeration_parts_do_not_add_up_is_a_warning():
    assert found(check(report_of(with_text("工作动态1000条", "工作动态900条")))) == [
        ("R22", W, "正文", "一、总体情况", "列举", 1200, 1100)]


def test_r23_counts_are_errors_qualitative_claims_warnings():
    assert found(check(report_of(with_text("被申请行政复议1件", "被申请行政复议2件")))) == [
        ("R23", E, "表四", "行政复议", "总计", 2, 1)]
    data = with_text("全年被申请行政复议1件，结果维持；提起行政诉讼1件，尚未审结。", "全年被申请行政复议1件、提起行政诉讼1件，均已审结。")
    assert found(check(report_of(data))) == [("R23", W, "表四", "行政诉讼", "尚未审结", 0, 1)]


def test_r25_document_count_in_text_differs_from_table_two():
    assert found(check(report_of(with_text("制发行政规范性文件5件", "制发行政规范性文件6件")))) == [
        ("R25", E, "表二", "行政规范性文件", "本年制发件数", 6, 5)]


# ------------------------------------------------------------------ structure and version
def test_r27_heading_differs_from_the_template(base):
    data = {**base, "headings": {"五": "五、存在的问题及整改情况"}}
    assert run(data) == [("R27", E, "正文", "五、存在的主要问题及改进情况", "标题", "五、存在的主要问题及改进情况",
                          "五、存在的问题及整改情况")]


def test_r28_missing_row_is_one_finding(base):
    report = report_of(base)
    del report.table3["其他处理.3"]
    assert found(check(report)) == [("R28", E, "表三", "（六）其他处理·3.其他", "（整行）", "7 个单元格", "缺此行")]


def test_r29_format_version_by_year(base):
    old_tables = as_year(report_of(plain(source(2020))), 2021)  # a 2021 report on the 2019 试行 tables
    (rule,) = found(check(old_tables))
    assert rule[:5] == ("R29", E, "全文", "格式版本", "") and "2021〕30号" in rule[5] and "2019〕60号" in rule[6]
    early = as_year(report_of(base), 2019)  # 2019 reports were only encouraged to use the unified format
    assert [f[:2] for f in found(check(early))] == [("R29", W)]


def as_year(report, year: int):
    """The report with another year, its title and statistical period too (else R30 would say so)."""
    report.year, report.preamble = year, ""
    report.title = formats.report_title(report.agency, year)
    return report


# ------------------------------------------------------------------ two years
def test_r14_carried_over_differs_from_last_years_carried_forward(tmp_path):
    last = write_source(tmp_path, source(2021))
    data = plain(source(2022))
    data = with_cells(data, "table3", "上年结转", [2, 0, 0, 0, 0, 0, 2])
    data = with_cells(data, "table3", "本年新收", [7, 1, 0, 0, 0, 0, 8])  # 一 + 二 = （七） + 四 still holds
    validation = check_file(write_source(tmp_path, data))
    carried = T3_LABEL("上年结转")
    assert found(validation) == [("R14", E, "表三", carried, "自然人", 1, 2), ("R14", E, "表三", carried, "总计", 1, 2)]
    assert validation.previous == str(last)


def test_r2_in_force_not_carried_from_last_year_is_a_warning(tmp_path):
    write_source(tmp_path, source(2021))
    data = with_cells(source(2022), "table2", "行政规范性文件", [3, 1, 43])
    assert found(check_file(write_source(tmp_path, data))) == [
        ("R2", W, "表二", "行政规范性文件", "现行有效件数", 42, 43)]


def test_no_cross_year_rules_across_the_2021_format_change(tmp_path):
    # 2020's 结转下年 is 2 and 2021's 上年结转 is 1, but the formats differ: not compared.
    write_source(tmp_path, source(2020))
    validation = check_file(write_source(tmp_path, source(2021)))
    assert found(validation) == [] and len(validation.results) == 2  # the 2021 suite's two frames only
    assert "格式变更前后不可比" in validation.notes[0]


def test_unreadable_previous_year_is_a_note_not_a_crash(tmp_path):
    broken = tmp_path / "data" / "2021" / "demo-qu.yaml"
    broken.parent.mkdir(parents=True)
    broken.write_text("agency: [", encoding="utf-8")
    validation = check_file(write_source(tmp_path, source(2022)))
    assert found(validation) == [] and "无法读取" in validation.notes[0]


def test_2019_format_cross_year_rules_r6_r7_are_warnings():
    this_year = report_of(plain(source(2020)))
    last = report_of(plain(source(2020)))
    last.year = 2019
    last.table3["结转下年"] = [1, 0, 0, 0, 0, 0, 1]  # = 2020's 上年结转
    last.table2.update({"规范性文件": [5, 5, 35], "行政许可": [90, 9, 240], "其他对外管理服务事项": [20, 0, 30],
                        "行政处罚": [12, 0, 50], "行政强制": [3, 0, 4], "行政事业性收费": [9, -1]})
    assert found(check(this_year, last)) == [("R7", W, "表二", "行政许可", "上一年项目数量", 99, 100)]
    last.table2["规范性文件"] = [5, 5, 36]
    assert ("R6", W, "表二", "规范性文件", "对外公开总数量", 41, 40) in found(check(this_year, last))


# ------------------------------------------------------------------ 信息处理费 in section 六 (R26, R15)
def with_six(data: dict, text: str) -> dict:
    return {**data, "sections": {**data["sections"], "六": text}}


def test_r26_section_six_says_nothing_of_the_information_fee_is_a_warning(base):
    assert run(with_six(base, "无。")) == [
        ("R26", W, "正文", "六、其他需要报告的事项", "信息处理费", "报告信息处理费收取情况（收取金额或未收取）", "未提及信息处理费")]
    for said in ("本年度未收取信息处理费。", "全年收取政府信息公开信息处理费 3940 元。", "本机关未向申请人收费。",
                 "依申请公开的信息均免费提供。"):
        assert run(with_six(base, said)) == [], said
    assert run(with_six(base, "无。行政事业性收费项目已全部公开。"))[0][0] == "R26"  # table 二's fees are another thing
    assert run(with_six(plain(source(2020)), "无。")) == []  # 2019 试行 reports predate 109号: no R26


def test_r15_unpaid_fee_notices_and_fees_without_answered_applications(base):
    unpaid = with_cells(base, "table3", "其他处理.2", [1, 0, 0, 0, 0, 0, 1])
    unpaid = with_cells(unpaid, "table3", "其他处理.1", [0, 0, 0, 0, 0, 0, 0])  # (七) still adds up
    unpaid = with_cells(unpaid, "table3", "予以公开", [4, 1, 0, 0, 0, 0, 5])
    unpaid = with_cells(unpaid, "table3", "不予处理.2", [1, 0, 0, 0, 0, 0, 1])
    assert run(unpaid) == []  # 六: 「本年度未收取信息处理费。」 — the fee situation is reported
    validation = check(report_of(with_six(unpaid, "无。")))
    assert [f[:5] for f in found(validation)] == [
        ("R15", W, "表三", T3_LABEL("其他处理.2"), "总计"), ("R26", W, "正文", "六、其他需要报告的事项", "信息处理费")]
    assert validation.findings[0].message == (
        f"表三{T3_LABEL('其他处理.2')}·总计：应在“六、其他需要报告的事项”报告收费情况（表中 1 件逾期未缴费，即发出过"
        "收费通知），实为“六、其他需要报告的事项”未提及收费")
    zero = {k: [0] * 7 for k in base["table3"]}
    nothing_answered = with_six({**base, "table3": zero}, "全年收取信息处理费 120 元。")
    assert run(nothing_answered) == [
        ("R15", W, "表三", "（七）总计", "总计", "大于 0（“六、其他需要报告的事项”称收取信息处理费 120元）", "0")]


# ------------------------------------------------------------------ findings name their cells by key
def cells(validation) -> list[tuple]:
    return [tuple((c.table, c.row, c.column) for c in f.cells) for f in validation.findings]


def test_each_finding_names_the_cells_it_speaks_of(base, tmp_path):
    # A cell rule, a row total, the printed relation (its two total cells), a group total, a table-二 stock.
    assert cells(check(report_of(with_cells(base, "table3", "不予公开.3", [0, 0, None, 0, 0, 0, 0])))) == [
        (("三", "不予公开.3", "科研机构"),)]
    data = with_cells(base, "table3", "结转下年", [2, 0, 0, 0, 0, 0, 1])
    assert cells(check(report_of(data))) == [(("三", "结转下年", "总计"),),
                                              (("三", "办理结果总计", "自然人"), ("三", "结转下年", "自然人"))]
    assert cells(check(report_of(with_cells(base, "table4", "复议后起诉", [0, 1, 0, 0, 0])))) == [
        (("四", "复议后起诉", "总计"),)]
    assert cells(check(report_of(with_cells(base, "table2", "规章", [2, 0, 1])))) == [(("二", "规章", "现行有效件数"),)]
    assert cells(check(report_of(with_cells(plain(source(2020)), "table2", "行政许可", [1, -3, 250])))) == [
        (("二", "行政许可", "上一年项目数量"), ("二", "行政许可", "本年增减"))]
    # A narrative claim points at the table cells it contradicts; the text against itself at none.
    assert cells(check(report_of(with_text("被申请行政复议1件", "被申请行政复议2件")))) == [(("四", "行政复议", "总计"),)]
    assert cells(check(report_of(with_text("工作动态1000条", "工作动态900条")))) == [()]
    # A missing row: every cell of it; a heading: none.
    report = report_of(base)
    del report.table4["行政复议"]
    assert cells(check(report)) == [tuple(("四", "行政复议", c.key) for c in formats.TABLE4_COLUMNS)]
    assert cells(check(report_of({**base, "headings": {"五": "五、存在的问题"}}))) == [()]
    # Across years: this year's cell, never last year's.
    write_source(tmp_path, source(2021))
    data = with_cells(source(2022), "table2", "行政规范性文件", [3, 1, 43])
    assert cells(check_file(write_source(tmp_path, data))) == [(("二", "行政规范性文件", "现行有效件数"),)]
