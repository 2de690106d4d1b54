"""Highlighted tables: a finding's cell is marked where the table prints it, with the rule on hover;
findings that name no cell are listed, and the publishable layout itself carries no marks."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from nianbao.analyst import highlight
from nianbao.report import layout
from nianbao.model import sources
from nianbao.model.formats import FORMAT_2019, FORMAT_2021

from conftest import FIXTURES

PLANTED = FIXTURES / "data" / "2021" / "demo-qu.yaml"  # 结转下年·自然人 is 3 where the arithmetic says 2


class _Cells(HTMLParser):
    """Tables as rows of (text, attributes) per cell, spans not expanded."""

    def __init__(self):
        super().__init__()
        self.tables, self._cell = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = ["", dict(attrs)]
            self.tables[-1][-1].append(self._cell)

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[0] += data

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self._cell = None


def tables(html: str):
    parser = _Cells()
    parser.feed(html)
    return parser.tables


def value_cells(table, row_label: str):
    """The value cells (class num) of the row that shows row_label."""
    row = next(r for r in table if any(text == row_label for text, _ in r))
    return [(text, attrs) for text, attrs in row if "num" in attrs.get("class", "").split()]


def marked(html: str) -> list[tuple[str, dict]]:
    return [(text, attrs) for t in tables(html) for r in t for text, attrs in r if "nb-hl" in attrs.get("class", "")]


@pytest.fixture(scope="module")
def planted():
    return sources.load_report(PLANTED)


def test_a_finding_marks_its_cell_with_rule_and_message(planted):
    finding = {"rule": "R10", "severity": "error", "table": "表三", "row": "四、结转下年度继续办理", "column": "自然人",
               "expected": 2, "actual": 3, "message": "第一项加第二项之和应等于第三项加第四项之和"}
    html = highlight.styled_tables(planted, [finding])
    t2, t3, t4 = tables(html)
    cells = value_cells(t3, "四、结转下年度继续办理")
    text, attrs = cells[0]
    assert text == "3" and attrs["class"].split() == ["num", "nb-hl", "nb-error"]
    assert attrs["title"] == "R10（error） 第一项加第二项之和应等于第三项加第四项之和 应为 2 实为 3"
    assert attrs["data-rules"] == "R10"
    assert all("nb-hl" not in a.get("class", "") for _, a in cells[1:])
    assert len(marked(html)) == 1 and "1 个单元格标出了 1 条发现" in html


def test_findings_share_a_cell_and_the_strongest_colours_it(planted):
    findings = [
        {"rule": "R9", "severity": "warning", "table": "三、收到和处理政府信息公开申请情况", "row": "结转下年", "column": None,
         "expected": 3, "actual": 2, "message": "总计应等于各类申请人之和"},
        {"rule": "R10", "severity": "error", "table": "table3", "row": "四、结转下年度继续办理", "column": "自然人"},
    ]
    t3 = tables(highlight.styled_tables(planted, findings))[1]
    cells = value_cells(t3, "四、结转下年度继续办理")
    assert all("nb-hl" in a["class"] for _, a in cells)  # an empty column means the whole row
    assert "nb-error" in cells[0][1]["class"] and cells[0][1]["data-rules"] == "R10 R9"
    assert cells[0][1]["title"].splitlines() == ["R9（warning） 总计应等于各类申请人之和 应为 3 实为 2", "R10（error）"]
    assert "nb-warning" in cells[6][1]["class"]


def test_a_finding_with_no_such_cell_is_listed_not_dropped(planted):
    html = highlight.styled_tables(planted, [
        {"rule": "R21", "severity": "error", "table": "表三", "row": "（八）不存在的行", "column": "总计", "message": "<b>x</b>"},
        {"rule": "R27", "severity": "error", "table": None, "row": None, "column": None, "message": "章节标题不符"},
    ])
    assert marked(html) == []
    listed = html[html.index("nb-unlocated"):]
    assert "R21" in listed and "R27" in listed and "章节标题不符" in listed
    assert "&lt;b&gt;x&lt;/b&gt;" in listed and "<b>x</b>" not in html  # messages are escaped


def test_marks_are_added_to_the_publishable_layout_not_a_copy_of_it(planted):
    """Remove the marks and each table is exactly what the report page prints."""
    findings = [{"rule": "R10", "severity": "error", "table": t, "row": r, "column": c} for t, r, c in (
        ("表二", "行政规范性文件", "现行有效件数"), ("表三", "（三）不予公开", "总计"), ("表四", "行政诉讼", "尚未审结"))]
    html = highlight.styled_tables(planted, findings)
    plain = re.sub(r' (title|data-rules)="[^"]*"', "", html).replace(" nb-hl nb-error", "")
    for draw in layout.TABLES.values():
        assert draw(planted) in plain
    assert len(marked(html)) == 1 + 8 + 2
    assert "nb-hl" not in layout.report_html(planted) and "title=" not in layout.report_html(planted)


LOCATE = [  # (format, finding's table, row, column) → cells (row key, index)
    (FORMAT_2021, "表三", "（三）不予公开·1.属于国家秘密", "自然人", [("不予公开.1", 0)]),
    (FORMAT_2021, "三、收到和处理政府信息公开申请情况", "不予公开·1.属于国家秘密", "社会组织", [("不予公开.1", 3)]),
    (FORMAT_2021, "表三", "二、上年结转政府信息公开申请数量", "总计", [("上年结转", 6)]),
    (FORMAT_2021, "表3", "其他处理.3", "其他", [("其他处理.3", 5)]),
    (FORMAT_2021, "表三", "（二）部分公开", "总计", [("部分公开", 6)]),
    (FORMAT_2021, "表三", "（六）其他处理", "总计", [("其他处理.1", 6), ("其他处理.2", 6), ("其他处理.3", 6)]),
    (FORMAT_2019, "表三", "（六）其他处理", "总计", [("其他处理", 6)]),
    (FORMAT_2021, "表三", "（七）总计", "法人或其他组织", [("办理结果总计", i) for i in range(1, 6)]),
    (FORMAT_2021, "表二", "行政事业性收费", "本年收费金额（单位：万元，保留4位小数）", [("行政事业性收费", 0)]),
    (FORMAT_2021, "表二", "第二十条第（六）项", "本年处理决定数量", [("行政处罚", 0), ("行政强制", 0)]),
    (FORMAT_2019, "表二", "行政许可", "本年增/减", [("行政许可", 1)]),
    (FORMAT_2021, "表四", "行政诉讼·复议后起诉", "总计", [("复议后起诉", 4)]),
    (FORMAT_2021, "表四", "行政复议", "结果纠正", [("行政复议", 1)]),
    (FORMAT_2021, "表三", "不存在的行", "总计", []),
    (FORMAT_2021, "表三", "本年新收", "不存在的列", []),
    (FORMAT_2021, "表五", "本年新收", "总计", []),
]


@pytest.mark.parametrize("fmt, table, row, column, cells", LOCATE, ids=[f"{x[1]}-{x[2]}-{x[3]}" for x in LOCATE])
def test_locate_matches_labels_as_written(fmt, table, row, column, cells):
    number = highlight.table_number(table)
    found = highlight.locate({"table": table, "row": row, "column": column}, fmt)
    assert found == sorted((number, r, i) for r, i in cells)


def test_a_finding_with_cells_is_placed_by_its_keys_not_its_labels(planted):
    """The rules' findings carry their cells by key: the Chinese labels are for people only."""
    finding = {"rule": "R10", "severity": "error", "table": "表三", "row": "（七）总计+四、结转下年度继续办理", "column": "自然人",
               "cells": [{"table": "三", "row": "办理结果总计", "column": "自然人"},
                         layout.CellKey("三", "结转下年", "自然人")]}
    t3 = tables(highlight.styled_tables(planted, [finding]))[1]
    assert value_cells(t3, "（七）总计")[0][1]["data-rules"] == "R10"
    assert value_cells(t3, "四、结转下年度继续办理")[0][1]["data-rules"] == "R10"
    html = highlight.styled_tables(planted, [finding])
    assert len(marked(html)) == 2 and "<div class='nb-unlocated'>" not in html
    # A key this format does not draw (a 2019 row on a 2021 report) places nothing: listed, not lost.
    stray = {**finding, "cells": [{"table": "三", "row": "其他处理", "column": "总计"}]}
    html = highlight.styled_tables(planted, [stray])
    assert marked(html) == [] and "<div class='nb-unlocated'>" in html


@pytest.mark.parametrize("table, row, column, cells", [
    ("表三", "（三）不予公开·1.属于国家秘密", "法律服务机构", [("三", "不予公开.1", "法律服务机构")]),
    ("表三", "一、本年新收政府信息公开申请数量", "", [("三", "本年新收", c.key) for c in FORMAT_2021.table3_columns]),
    ("表二", "行政事业性收费", "本年收费金额（单位：万元）", [("二", "行政事业性收费", "本年收费金额")]),
    ("表四", "未经复议直接起诉", "总计", [("四", "未经复议直接起诉", "总计")]),
    ("表四", "行政诉讼·复议后起诉", "", [("四", "复议后起诉", c.key) for c in FORMAT_2021.table4_columns]),
    ("表三", "社会组织", "", []),  # not the format's own label: no cell (highlight then tries locate)
])
def test_an_importer_gap_names_its_cells_by_the_formats_own_labels(table, row, column, cells):
    assert [(c.table, c.row, c.column) for c in layout.cells_named(FORMAT_2021, table, row, column)] == cells
