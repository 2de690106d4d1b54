"""End to end with a real kernel and real Chromium: the sample becomes report.ipynb, .html and .pdf."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from nianbao.model import formats
from nianbao.model import sources
from nianbao.errors import SourceError, UsageError
from nianbao.importer.htmlgrid import html_tables
from nianbao.report.render import render_report

from conftest import FIXTURES, ROOT


def test_render_writes_the_three_files(rendered_sample):
    for name in ("report.ipynb", "report.html", "report.pdf"):
        assert (rendered_sample.out_dir / name).stat().st_size > 0
    assert not rendered_sample.warnings
    # No half-built directories are left beside the report.
    assert [p.name for p in rendered_sample.out_dir.parent.iterdir()] == ["jiaozuo-jyj"]


@pytest.fixture(scope="module")
def page(rendered_sample):
    return (rendered_sample.out_dir / "report.html").read_text(encoding="utf-8")


def grid_value(grid, row_label, *column_labels):
    """The cell at the row whose label cells contain row_label, under a column whose header cells
    include every one of column_labels."""
    header_rows = [r for r in grid if not any(re.fullmatch(r"[\d.]*", c) and c for c in r)]
    columns = [i for i in range(len(grid[0])) if all(any(h[i] == lab for h in header_rows) for lab in column_labels)]
    rows = [r for r in grid if row_label in r[:3] and r not in header_rows]
    assert len(rows) == 1, (row_label, rows)
    assert columns, column_labels
    values = {rows[0][i] for i in columns}
    assert len(values) == 1, values
    return values.pop()


def test_every_table_cell_stands_in_its_place(page, rendered_sample):
    report = sources.load_report(ROOT / "data" / "2021" / "jiaozuo-jyj.yaml")
    t2, t3, t4 = html_tables(page)
    fmt = report.format
    # Table 二: each block's rows under its own header row.
    for block in fmt.table2:
        start = next(i for i, r in enumerate(t2) if r[0] == block.item)
        head = t2[start + 1]
        for row in block.rows:
            line = next(r for r in t2[start + 2:] if r[0] == row)
            for col, value in zip(block.columns, report.table2[row]):
                label = col.label if col.kind != formats.MONEY else head[1]
                assert line[head.index(label)] == sources.Money.__str__(value) if isinstance(value, sources.Money) \
                    else line[head.index(label)] == str(value)
    assert "本年收费金额（单位：万元，保留4位小数）" in t2[-2]
    # Table 三: 25 data rows under the merged header (申请人情况 / 法人或其他组织 / …).
    assert t3[0][0] == formats.TABLE3_NOTE and t3[0][3] == "申请人情况" and t3[1][4] == "法人或其他组织"
    assert len(t3) == 3 + 25
    for row in fmt.table3_rows:
        for col, value in zip(fmt.table3_columns, report.table3[row.key]):
            grid_row = next(r for r in t3[3:] if row.label in r[:3] and (not row.group or r[1] == row.group))
            assert grid_row[3 + [c.key for c in fmt.table3_columns].index(col.key)] == str(value)
    assert sum(1 for r in t3 if r[0] == "三、本年度办理结果") == 22
    # Table 四: 行政复议 / 行政诉讼(未经复议直接起诉, 复议后起诉), 15 values.
    assert t4[0][0] == "行政复议" and t4[0][5] == "行政诉讼" and t4[1][5] == "未经复议直接起诉" and t4[1][10] == "复议后起诉"
    assert t4[2][10] == "结果维持" and t4[3] == ["0"] * 15


def spans(page: str, text: str) -> dict:
    """The rowspan/colspan of the cell holding text (attribute order is nbconvert's business)."""
    tag = re.search(r"<t[hd]([^>]*)>" + re.escape(text) + "<", page).group(1)
    return {k: int(v) for k, v in re.findall(r'(rowspan|colspan)="(\d+)"', tag)}


def test_merged_headers_are_real_spans(page):
    assert spans(page, formats.TABLE3_NOTE) == {"rowspan": 3, "colspan": 3}
    assert spans(page, "申请人情况") == {"colspan": 7}
    assert spans(page, "法人或其他组织") == {"colspan": 5}
    assert spans(page, "三、本年度办理结果") == {"rowspan": 22}
    assert spans(page, "（三）不予公开") == {"rowspan": 8}
    assert spans(page, "行政诉讼") == {"colspan": 10}


def test_narrative_appears_verbatim(page, rendered_sample):
    report = rendered_sample.report
    for number in ("一", "五", "六"):
        for paragraph in sources.paragraphs(report.sections[number]):
            assert f"<p>{paragraph}</p>" in page.replace("&quot;", '"').replace("&#x27;", "'")
    for section in formats.SECTIONS:
        assert f">{section.heading}</h2>" in page


def test_page_is_clean_and_offline(page):
    assert "<script" not in page and "http://" not in page and "https://" not in page
    assert "In&nbsp;[" not in page and "input_area" not in page and "nb.load" not in page
    assert "Noto Serif CJK SC" in page


def test_pdf_has_real_text(rendered_sample):
    text = subprocess.run(["pdftotext", "-layout", str(rendered_sample.out_dir / "report.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    squeezed = re.sub(r"\s+", "", text)
    assert rendered_sample.report.title in squeezed
    for section in formats.SECTIONS:
        assert section.heading in squeezed
    info = subprocess.run(["pdfinfo", str(rendered_sample.out_dir / "report.pdf")], capture_output=True, text=True).stdout
    assert "pts (A4)" in info


def test_render_without_chromium_writes_html_and_says_how(project, monkeypatch):
    monkeypatch.setenv("NIANBAO_CHROMIUM", str(project / "no-such-chromium"))
    result = render_report("jiaozuo-jyj", 2021, root=project)
    assert (result.out_dir / "report.html").is_file() and not (result.out_dir / "report.pdf").exists()
    assert len(result.warnings) == 1 and "apt-get install chromium" in result.warnings[0]


def test_bad_source_writes_nothing(project):
    path = project / "data" / "2021" / "jiaozuo-jyj.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("行政许可: [1]", "行政许可: [-1]"), encoding="utf-8")
    with pytest.raises(SourceError, match=r"table2\.行政许可\[本年处理决定数量\]"):
        render_report("jiaozuo-jyj", 2021, root=project)
    assert list((project / "outputs").iterdir()) == []


def test_unknown_agency_and_unsafe_id_are_refused(project):
    with pytest.raises(UsageError, match="no 2021 source data for nobody"):
        render_report("nobody", 2021, root=project)
    with pytest.raises(UsageError, match="not allowed"):
        render_report("../../etc", 2021, root=project)
    assert list((project / "outputs").iterdir()) == []


def test_params_file_with_unknown_key_is_refused(project):
    (project / "params" / "2021" / "jiaozuo-jyj.yaml").write_text("agency: jiaozuo-jyj\nyear: 2021\ncolour: red\n")
    with pytest.raises(SourceError, match="colour"):
        render_report("jiaozuo-jyj", 2021, root=project)


def test_second_agency_of_the_2019_format_renders(project):
    shutil.copytree(FIXTURES / "data" / "2020", project / "data" / "2020")
    result = render_report("demo-qu", 2020, root=project, pdf=False)
    page = (result.out_dir / "report.html").read_text(encoding="utf-8")
    t2, t3, _ = html_tables(page)
    assert "示例区人民政府办公室2020年政府信息公开工作年度报告" in page
    assert ["行政许可", "100", "-3", "250"] in t2 and ["政府集中采购", "4", "125.5万元", "125.5万元"] in t2
    assert len(t3) == 3 + 23
    assert next(r for r in t3 if r[1] == "（六）其他处理")[3:] == ["0"] * 7


def test_the_nbconvert_command_line_gives_the_sealed_report_its_title(rendered_sample, tmp_path):
    """Another tool converting report.ipynb with our template (no resources from nianbao) still
    titles the page from the notebook's sealed provenance."""
    import sys
    from pathlib import Path

    notebook = shutil.copy(rendered_sample.out_dir / "report.ipynb", tmp_path / "report.ipynb")
    jupyter = Path(sys.executable).with_name("jupyter")
    subprocess.run([str(jupyter), "nbconvert", "--to", "html", "--template", "nianbao",
                    f"--TemplateExporter.extra_template_basedirs={ROOT / 'templates'}", str(notebook)],
                   check=True, capture_output=True)
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert re.search(r"<title>(.*?)</title>", html).group(1) == rendered_sample.report.title
