"""Property-based: random consistent reports pass every rule; changing any one table cell that a
rule constrains is caught by at least one error-level rule.

Cells no rule ties to anything else (行政许可/处罚/强制 decisions, the fee, the 2019 项目数量 of
（五）（六）（八）（九）) are left out of the second property: no table or narrative fact pins them.
"""
from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.model import formats
from nianbao.rules import check
from nianbao.model.sources import Money, Report

SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
counts = st.integers(min_value=0, max_value=40)


def _with_total(parts: list[int]) -> list[int]:
    return parts + [sum(parts)]


@st.composite
def consistent_reports(draw) -> Report:
    version = draw(st.sampled_from(sorted(formats.FORMATS)))
    fmt = formats.FORMATS[version]
    year = 2022 if version == "2021" else 2020
    n = len(formats.APPLICANT_KEYS)
    table3 = {key: _with_total([draw(counts) for _ in range(n)]) for key in fmt.result_keys}
    results = [sum(table3[k][i] for k in fmt.result_keys) for i in range(n)]
    carried_out = [draw(counts) for _ in range(n)]
    carried_in = [draw(st.integers(0, results[i] + carried_out[i])) for i in range(n)]
    new = [results[i] + carried_out[i] - carried_in[i] for i in range(n)]
    table3.update({"本年新收": _with_total(new), "上年结转": _with_total(carried_in),
                   "办理结果总计": _with_total(results), "结转下年": _with_total(carried_out)})
    table4 = {g.key: _with_total([draw(counts) for _ in range(4)]) for g in fmt.table4_groups}

    table2, stated = {}, []
    first = fmt.table2[0]
    for row in first.rows:
        issued, second = draw(counts), draw(counts)
        if version == "2021":  # 制发, 废止, 现行有效 ≥ 制发 − 废止
            cells = [issued, second, draw(st.integers(max(0, issued - second), max(0, issued - second) + 60))]
            stated.append(f"制发{row}{cells[0]}件，废止{row}{cells[1]}件，现行有效{row}{cells[2]}件")
        else:  # 新制作, 新公开 ≤ 对外公开总数量
            cells = [issued, second, second + draw(counts)]
            stated.append(f"制发{row}{cells[0]}件，公开{row}{cells[1]}件，现行有效{row}{cells[2]}件")
        table2[row] = cells
    for block in fmt.table2[1:]:
        for row in block.rows:
            cells = []
            for column in block.columns:
                if column.kind == formats.DELTA:
                    cells.append(draw(st.integers(-cells[0], 20)))
                elif column.kind == formats.MONEY:
                    amount = Decimal(draw(st.integers(0, 10**8))).scaleb(-draw(st.integers(0, 4)))
                    cells.append(Money(amount, "" if version == "2021" else "万元"))
                else:
                    cells.append(draw(counts))
            table2[row] = cells

    review, litigation = table4["行政复议"][-1], table4["未经复议直接起诉"][-1] + table4["复议后起诉"][-1]
    narrative = ("做好主动公开、依申请公开、政府信息管理、平台建设和监督保障工作，开展工作考核、社会评议和责任追究。\n\n"  # R33
                 f"{'；'.join(stated)}。\n\n全年共收到政府信息公开申请{sum(new)}件，办结{sum(results)}件。"
                 f"全年被申请行政复议{review}件，提起行政诉讼{litigation}件。")
    return Report(agency="随机区人民政府", year=year, format=fmt,
                  sections={"一": narrative, "五": "无。", "六": "本年度未收取信息处理费。"}, table2=table2, table3=table3, table4=table4,
                  options={"other_share": 100})  # random results: （六）其他处理 may be any share of them (R35)


def constrained_cells(report: Report) -> list[tuple[str, str, int]]:
    """(table attribute, row, index) of every cell some rule ties to other facts."""
    cells = [("table3", key, i) for key in report.table3 for i in range(7)]
    cells += [("table4", key, i) for key in report.table4 for i in range(5)]
    cells += [("table2", row, i) for row in report.format.table2[0].rows for i in range(3)]
    return cells


@SETTINGS
@given(consistent_reports())
def test_random_consistent_reports_pass(report):
    validation = check(report)
    assert validation.findings == [], validation


@SETTINGS
@given(consistent_reports(), st.data())
def test_any_single_cell_change_is_caught_by_an_error_rule(report, data):
    table, row, index = data.draw(st.sampled_from(constrained_cells(report)))
    cells = getattr(report, table)[row]
    old = cells[index]
    new = data.draw(st.integers(0, old + 50).filter(lambda v: v != old))
    cells[index] = new
    errors = check(report).errors
    assert errors, f"{table} {row}[{index}] {old} → {new} was not caught"
