"""The report notebook's audit cells, end to end with a real kernel: the highlighted tables and the
year-over-year chart are in the executed notebook, and nowhere in the publishable page."""
from __future__ import annotations

import os
import shutil

import nbformat
import pytest

from nianbao import notebook as nb
from nianbao import sources
from nianbao.render import render_report

from conftest import FIXTURES, copy_project


@pytest.fixture(scope="module")
def planted_render(tmp_path_factory):
    """demo-qu 2021 (a planted violation, an import gap) rendered after its 2020 source, HTML only."""
    root = copy_project(tmp_path_factory.mktemp("audit") / "project")
    shutil.copytree(FIXTURES / "data" / "2020", root / "data" / "2020")
    shutil.copy(FIXTURES / "data" / "2021" / "demo-qu.yaml", root / "data" / "2021" / "demo-qu.yaml")
    old = os.environ.get("NIANBAO_HOME")
    os.environ["NIANBAO_HOME"] = str(root)
    try:
        result = render_report("demo-qu", 2021, root=root, pdf=False)
        executed = nbformat.read(result.out_dir / "report.ipynb", as_version=4)
        # What this checkout's validate() finds for the same source, computed here, outside the kernel.
        expected = nb.highlighted(result.report, nb.validate(result.report, str(root / "data"))).html
    finally:
        if old is None:
            os.environ.pop("NIANBAO_HOME", None)
        else:
            os.environ["NIANBAO_HOME"] = old
    return result, executed, expected


def audit_html(executed, code: str) -> str:
    cell = next(c for c in executed.cells if code in c.source)
    assert "audit" in cell.metadata.tags
    return "".join(o.get("data", {}).get("text/html", "") for o in cell.outputs)


def test_executed_notebook_highlights_every_finding_and_gap(planted_render):
    _, executed, expected = planted_render
    html = audit_html(executed, "nb.highlighted(")
    assert html == expected  # whatever validate() reports (the rules, once wired in) is marked the same way
    gap = '<td class="num nb-hl nb-gap" title="gap 原表此格字迹模糊，读作 2 / blurred in the original, read as 2 实为 2"'
    assert gap in html  # 表四 行政复议·结果维持, the cell the source lists as a gap
    assert "<td class=\"num\">3</td>" in html  # the planted 结转下年·自然人, shown in its place


def test_executed_notebook_shows_the_years_side_by_side(planted_render):
    html = audit_html(planted_render[1], "nb.year_over_year(")
    assert "<svg" in html and "逐年对比 2020–2021" in html
    assert "<title>2020 本年新收: 13</title>" in html and "<title>2021 本年新收: 19</title>" in html


def test_publishable_page_carries_no_marks_and_no_chart(planted_render):
    result = planted_render[0]
    page = (result.out_dir / "report.html").read_text(encoding="utf-8")
    assert "示例区人民政府办公室2021年政府信息公开工作年度报告" in page and "四、结转下年度继续办理" in page
    for audit_only in ("nianbao-findings", "nb-hl", "nianbao-trend", "<svg", "逐年对比", "原表此格"):
        assert audit_only not in page


def test_highlighted_without_findings_still_shows_the_tables():
    report = sources.load_report(FIXTURES / "data" / "2020" / "demo-qu.yaml")
    for validation in (None, object(), {"findings": []}):
        html = nb.highlighted(report, validation).html
        assert "没有指向单元格的发现" in html and html.count("<table") == 3
