"""The report notebook's audit cells, end to end with a real kernel through `nianbao render`: the
findings and import gaps highlighted in their cells and the year-over-year chart are in the executed
notebook, and nowhere in the publishable page; an error-level finding sets the exit status."""
from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
from types import SimpleNamespace

import nbformat
import pytest

from nianbao.report import notebook as nb
from nianbao import paths
from nianbao.model import sources
from nianbao.cli import main

from conftest import FIXTURES, copy_project
from test_highlight import tables, value_cells


@pytest.fixture(scope="module")
def planted_render(tmp_path_factory):
    """demo-qu 2021 (a planted violation, an import gap) rendered after its 2020 source by
    `nianbao render --no-pdf`, its exit status and what it printed kept."""
    root = copy_project(tmp_path_factory.mktemp("audit") / "project")
    shutil.copytree(FIXTURES / "data" / "2020", root / "data" / "2020")
    shutil.copy(FIXTURES / "data" / "2021" / "demo-qu.yaml", root / "data" / "2021" / "demo-qu.yaml")
    old = os.environ.get("NIANBAO_HOME")
    os.environ["NIANBAO_HOME"] = str(root)
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            status = main(["render", "--agency", "demo-qu", "--year", "2021", "--no-pdf"])
        out_dir = paths.output_dir(root, 2021, "demo-qu")
        report = sources.load_report(root / "data" / "2021" / "demo-qu.yaml")
        executed = nbformat.read(out_dir / "report.ipynb", as_version=4)
        # What this checkout's validate() finds for the same source, computed here, outside the kernel.
        expected = nb.highlighted(report, nb.validate(report, str(root / "data"))).html
    finally:
        if old is None:
            os.environ.pop("NIANBAO_HOME", None)
        else:
            os.environ["NIANBAO_HOME"] = old
    result = SimpleNamespace(out_dir=out_dir, report=report, status=status, printed=printed.getvalue())
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


def test_the_planted_violation_is_marked_in_its_cell_with_its_rule(planted_render):
    """结转下年·自然人 is 3 where 一 + 二 − （七） says 2: R10 marks it (with （七）·自然人, the other
    cell of that sum), R9 marks 结转下年·总计, whose parts no longer add up to it."""
    t3 = tables(audit_html(planted_render[1], "nb.highlighted("))[1]
    natural, *_, total = value_cells(t3, "四、结转下年度继续办理")
    assert natural[0] == "3" and natural[1]["data-rules"] == "R10" and "nb-error" in natural[1]["class"]
    assert natural[1]["title"] == ("R10（error） 表三（七）总计+四、结转下年度继续办理·自然人：应等于 一 + 二 之和 17，实为 18"
                                   " 应为 17 实为 18")
    assert total[0] == "2" and total[1]["data-rules"] == "R9" and "六类申请人之和 3" in total[1]["title"]
    assert value_cells(t3, "（七）总计")[0][1]["data-rules"] == "R10"
    marked = [a for t in tables(audit_html(planted_render[1], "nb.highlighted(")) for r in t for _, a in r
              if "nb-hl" in a.get("class", "")]
    assert len(marked) == 4  # those three and the import gap: nothing else
    html = audit_html(planted_render[1], "nb.highlighted(")
    assert "4 个单元格标出了 3 条发现" in html and "<div class='nb-unlocated'>" not in html


def test_render_writes_everything_then_exits_1_on_an_error_finding(planted_render):
    result = planted_render[0]
    assert result.status == 1
    assert "规则检查：2 个错误，0 个警告（见 validation.json）" in result.printed.splitlines()[-1]
    assert sorted(p.name for p in result.out_dir.iterdir()) == ["manifest.json", "report.html", "report.ipynb", "validation.json"]
    record = json.loads((result.out_dir / "validation.json").read_text(encoding="utf-8"))
    assert [(f["rule"], f["cells"]) for f in record["findings"]] == [
        ("R9", [{"table": "三", "row": "结转下年", "column": "总计"}]),
        ("R10", [{"table": "三", "row": "办理结果总计", "column": "自然人"},
                 {"table": "三", "row": "结转下年", "column": "自然人"}])]


def assert_clean(executed) -> None:
    """No stream output (stderr or stdout), no error, no warning text, no widget state in a notebook."""
    for cell in executed.cells:
        for output in cell.get("outputs", []):
            assert output["output_type"] in ("display_data", "execute_result"), (cell.source, output)
            text = json.dumps(output.get("data", {}), ensure_ascii=False)
            assert "Warning" not in text and "warnings.warn" not in text, cell.source
    everything = json.dumps(executed, ensure_ascii=False)
    assert "application/vnd.jupyter.widget" not in everything and "widgets" not in executed.metadata
    assert executed.metadata.papermill.get("exception") in (None, False)


def test_executed_notebook_with_findings_stays_clean(planted_render):
    assert_clean(planted_render[1])


def test_executed_sample_notebook_stays_clean(rendered_sample):
    assert_clean(nbformat.read(rendered_sample.out_dir / "report.ipynb", as_version=4))


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
