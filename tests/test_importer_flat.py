"""Reports as they are found: flattened page text (the whole report on one line, site navigation around
it, headings mid-line, tables as runs of labels and numbers). Expected values are the hand values of
../shared/samples/README.md (平潭 2021), not the importer's output."""
from __future__ import annotations

from nianbao.model import sources
from nianbao.importer import import_notes, read_any

from conftest import SAMPLES

PINGTAN = SAMPLES / "pingtan-gwh-2021.txt"


def test_a_report_on_one_line_is_read_with_its_sections_and_the_site_left_out():
    report = read_any(PINGTAN)  # before: 「找不到年报的节标题」
    assert (report.agency, report.year, report.format.version) == ("平潭综合实验区", 2021, "2021")
    assert report.title == "平潭综合实验区2021年度政府信息公开工作年度报告"
    assert report.preamble.startswith("根据《中华人民共和国政府信息公开条例》（以下简称《条例》）")
    assert report.preamble.endswith("电话/传真：0591-23165370。")
    assert report.sections["一"].startswith("2021年，我区以习近平新时代") and "本年度全区共收到70件申请" in report.sections["一"]
    assert report.sections["五"].startswith("（一）存在的主要问题:政策解读形式不够丰富")
    assert report.sections["六"] == "2021年，无收取信息处理费情况。"  # 「附件下载」 after it is the site's
    notes = "\n".join(import_notes(report))
    assert "来源：平潭县人民政府" in notes and "附件下载" in notes and "连成 1 行" in notes
    # The cells the format alone decides (one cell per row) are read; none is wrong.
    assert report.table2["行政许可"] == [2293] and report.table2["行政处罚"] == [1282]
    assert report.table2["行政强制"] == [42]
    assert report.table2["行政事业性收费"] == [sources.Money(sources.Decimal("24252.311082"))]


def test_headings_mid_line_are_found_only_at_a_section_number(tmp_path):
    # 「十一、」 and 「第一、」 are not section 一; a heading worded differently is still found.
    text = PINGTAN.read_text(encoding="utf-8").replace("五、存在的主要问题及改进情况", "五、政府信息公开工作存在的主要问题及改进情况")
    text = text.replace("根据《中华人民", "十一、总体情况不是标题。根据《中华人民")
    path = tmp_path / "p.txt"
    path.write_text(text, encoding="utf-8")
    report = read_any(path)
    assert report.preamble.startswith("十一、总体情况不是标题。根据")
    assert report.headings["五"] == "五、政府信息公开工作存在的主要问题及改进情况"
    assert report.sections["五"].startswith("（一）存在的主要问题")
