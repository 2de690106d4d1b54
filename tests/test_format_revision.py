"""The next format revision is one declaration: a made-up version "2099", declared here only, and
every part of nianbao works with it, no code changed outside formats.py.

2099 differs from 2021 as a revision would: one table-三 result row added under （五）不予处理, one
table-二 block removed (第二十条第（六）项: 行政处罚, 行政强制), one column label changed (表二
本年废止件数 → 本年废止和失效件数)."""
from __future__ import annotations

from dataclasses import replace

import pytest

from nianbao import rules, synth
from nianbao.model import formats
from nianbao.report import layout
from nianbao.analyst import newyear
from nianbao.model import sources
from nianbao.analyst import workbook
from nianbao.errors import SourceError
from nianbao.model.formats import RESULT, TABLE3_RESULTS, Row
from nianbao.importer import read_any
from nianbao.rules import suites

NEW_KEY = "不予处理.6"
NEW_LABEL = "6.要求提供已主动公开的统计数据"
NEW_GROUP = "（五）不予处理"
REMOVED = "第二十条第（六）项"
RELABELLED = "本年废止和失效件数"


def declare_2099() -> formats.Format:
    base = formats.FORMAT_2021
    rows = list(base.table3_rows)
    after = max(i for i, r in enumerate(rows) if r.group == NEW_GROUP)
    rows.insert(after + 1, Row(NEW_KEY, NEW_LABEL, NEW_GROUP, TABLE3_RESULTS, RESULT, "不予处理"))
    table2 = tuple(
        replace(b, columns=tuple(replace(c, label=RELABELLED) if c.key == "本年废止件数" else c for c in b.columns))
        for b in base.table2 if b.item != REMOVED)
    return replace(base, version="2099", name="中华人民共和国政府信息公开工作年度报告格式（2099 试拟）",
                   basis="国办公开办函〔2099〕1号", table2=table2, table3_rows=tuple(rows), first_year=2099)


@pytest.fixture
def f2099(tmp_path, monkeypatch):
    """2099 registered for one test; its suite generated into a project of the test's own."""
    with formats.registered(declare_2099()) as fmt:
        monkeypatch.setenv("NIANBAO_HOME", str(tmp_path))
        suites.write_suites(suites.expectations_dir(tmp_path))
        yield fmt


def a_report(year: int = 2099, seed: int = 1) -> sources.Report:
    agency = next(a for a in synth.synthesize(12, year, seed=seed) if a.reports[year].table3["本年新收"][-1] > 3)
    return agency.reports[year]


def errors(validation) -> list:
    return [f for f in validation.findings if f.severity == "error"]


def test_the_registry_decides_the_version_by_year(f2099):
    assert formats.format_for_year(2099) is f2099
    assert formats.format_for_year(2098).version == "2021" and formats.format_for_year(2020).version == "2019"
    assert f2099.result_categories["不予处理"][-1] == NEW_KEY and len(f2099.table2) == 3


def test_2099_is_gone_after_the_test():
    assert "2099" not in formats.FORMATS and formats.format_for_year(2099).version == "2021"


def test_a_source_loads_and_a_misspelt_key_is_refused(f2099, tmp_path):
    text = sources.dump_report(a_report())
    assert f"{NEW_KEY}:" in text and "行政处罚" not in text
    path = tmp_path / "a.yaml"
    path.write_text(text, encoding="utf-8")
    loaded = sources.load_report(path)
    assert loaded.format is f2099 and NEW_KEY in loaded.table3
    path.write_text(text.replace(f"{NEW_KEY}:", "不予处理.7:"), encoding="utf-8")
    with pytest.raises(SourceError) as refused:
        sources.load_report(path)
    assert "不予处理.7" in str(refused.value) and NEW_KEY in str(refused.value)
    path.write_text(text.replace("  行政许可:", "  行政处罚: [1]\n  行政许可:"), encoding="utf-8")
    with pytest.raises(SourceError, match="行政处罚"):  # the removed block's rows are not this version's
        sources.load_report(path)


def test_its_suite_generates_and_catches_a_violation_in_the_new_row(f2099):
    suite = suites.build_suite(f2099)
    assert suite.name == "format-2099"
    report = a_report()
    assert errors(rules.check(report)) == []
    report.table3[NEW_KEY][0] += 1  # 自然人 one more, the row's 总计 not: R9; （七）总计 no longer adds up: R11
    found = {(f.rule, f.row) for f in errors(rules.check(report))}
    assert ("R9", f"{NEW_GROUP}·{NEW_LABEL}") in found and any(rule == "R11" for rule, _ in found)


def test_the_html_lays_the_new_row_out_with_its_rowspans(f2099):
    report = a_report()
    grid = layout.table3_cells(report)
    texts = {c.text: c for row in grid for c in row}
    results = [r for r in f2099.table3_rows if r.top]
    assert texts[NEW_GROUP].rowspan == 6 and texts[formats.TABLE3_RESULTS].rowspan == len(results)
    new_row = next(row for row in grid if any(c.text == NEW_LABEL for c in row))
    assert [c.ref.row for c in new_row if c.ref] == [NEW_KEY] * 7
    t2 = layout.table2_cells(report)
    assert RELABELLED in {c.text for row in t2 for c in row} and REMOVED not in {c.text for row in t2 for c in row}
    assert 'rowspan="6"' in layout.report_html(report).split(NEW_GROUP)[0][-40:]


def test_the_workbook_template_has_it_and_reads_back(f2099, tmp_path):
    report = a_report()
    wb = workbook.template_workbook(2099, report)
    sheet = wb["表三"]
    labels = {cell.value for row in sheet.iter_rows() for cell in row}
    assert NEW_LABEL in labels and RELABELLED in {c.value for row in wb["表二"].iter_rows() for c in row}
    path = tmp_path / "filled.xlsx"
    path.write_bytes(workbook.workbook_bytes(wb))
    back = workbook.read_workbook(path)
    assert back.format is f2099 and back.table3 == report.table3 and back.table2 == report.table2


def test_the_importer_reads_a_text_of_it(f2099, tmp_path):
    report = a_report()
    page = tmp_path / "report.html"
    page.write_text(f"<html><head><meta charset='utf-8'></head><body>{layout.report_html(report)}</body></html>",
                    encoding="utf-8")
    imported = read_any(page)
    assert imported.format is f2099 and imported.gaps == []
    assert imported.table3 == report.table3 and imported.table2 == report.table2 and imported.table4 == report.table4


def test_synth_makes_agencies_for_it(f2099):
    agencies = synth.synthesize(6, 2099, seed=4, previous=True)
    for agency in agencies:
        now, before = agency.reports[2099], agency.reports[2098]
        assert now.format is f2099 and before.format.version == "2021"
        assert set(now.table2) == set(f2099.table2_rows) and NEW_KEY in now.table3
        assert errors(rules.check(now)) == []


def test_new_carries_its_stock_figures(f2099):
    previous = synth.synthesize(1, 2099, seed=6)[0].reports[2099]
    draft = newyear.next_year_report(previous, 2100)
    assert draft.format is f2099
    for row in ("规章", "行政规范性文件"):
        assert draft.table2[row] == [None, None, previous.table2[row][2]]  # 现行有效件数 carried (R2)
    carried_out = previous.table3["结转下年"]
    assert draft.table3["上年结转"] == carried_out and draft.table3[NEW_KEY] == [None] * 7
    assert errors(rules.check(sources.parse_report(sources.parse_yaml(sources.dump_report(draft), "d.yaml"), "d.yaml"),
                              previous)) != []  # a draft: blanks and the draft marks are errors
