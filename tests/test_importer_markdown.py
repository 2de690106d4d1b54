"""Markdown from PDF converters (marker, MinerU, docling, markitdown): pipe tables cut into pieces,
placeholder or missing header cells, labels split from their numbers, rowspan labels spilled into
first cells. Expected values are read by eye from the sample file (上海 2025), whose stated totals
include 本年新收 1259/36/0/0/0/0/1295 and 结转下年度 290/3/0/0/0/0/293."""
from __future__ import annotations

from nianbao.model import sources
from nianbao.importer import import_notes, read_any

from conftest import SAMPLES

SHANGHAI_MD = SAMPLES / "shanghai-szfbgt-2025.md"
JIAOZUO = SAMPLES / "jiaozuo-jyj-2021.txt"
Z = [0] * 7



SHANGHAI_2025_TABLE3 = {
    "本年新收": [1259, 36, 0, 0, 0, 0, 1295], "上年结转": [170, 15, 0, 0, 4, 0, 189],
    "予以公开": [201, 5, 0, 0, 0, 0, 206], "部分公开": [2, 0, 0, 0, 0, 0, 2],
    "不予公开.1": [4, 0, 0, 0, 0, 0, 4], "不予公开.2": Z, "不予公开.3": [1, 0, 0, 0, 0, 0, 1], "不予公开.4": Z,
    "不予公开.5": [8, 0, 0, 0, 1, 0, 9], "不予公开.6": [1, 0, 0, 0, 0, 0, 1], "不予公开.7": Z,
    "不予公开.8": [5, 0, 0, 0, 0, 0, 5],
    "无法提供.1": [484, 28, 0, 0, 1, 0, 513], "无法提供.2": [47, 1, 0, 0, 0, 0, 48], "无法提供.3": [3, 0, 0, 0, 0, 0, 3],
    "不予处理.1": [61, 1, 0, 0, 0, 0, 62], "不予处理.2": [16, 0, 0, 0, 0, 0, 16], "不予处理.3": [1, 0, 0, 0, 0, 0, 1],
    "不予处理.4": [1, 0, 0, 0, 0, 0, 1], "不予处理.5": Z,
    "其他处理.1": [40, 1, 0, 0, 2, 0, 43], "其他处理.2": Z, "其他处理.3": [264, 12, 0, 0, 0, 0, 276],
    "办理结果总计": [1139, 48, 0, 0, 4, 0, 1191], "结转下年": [290, 3, 0, 0, 0, 0, 293],
}
SHANGHAI_2025_TABLE4 = {"行政复议": [40, 0, 10, 5, 55], "未经复议直接起诉": [2, 0, 4, 6, 12], "复议后起诉": [6, 0, 9, 7, 22]}


def test_a_converters_markdown_reads_every_cell_it_holds():
    report = read_any(SHANGHAI_MD)  # before: every cell a gap (202 findings)
    assert (report.agency, report.year, report.format.version) == ("上海市人民政府办公厅", 2025, "2021")
    assert report.table3 == SHANGHAI_2025_TABLE3 and report.table4 == SHANGHAI_2025_TABLE4
    assert report.table2["行政许可"] == [0] and report.table2["行政处罚"] == [0] and report.table2["行政强制"] == [0]
    assert report.table2["行政事业性收费"] == [sources.Money(sources.Decimal(0))]
    # 规章 and 行政规范性文件 have two numbers for three cells (one went into the text above): gaps, no guess.
    assert report.table2["规章"] == [None] * 3 and report.table2["行政规范性文件"] == [None] * 3
    assert sorted(g["row"] for g in report.gaps) == ["行政规范性文件", "规章"]
    assert all("candidates" not in g for g in report.gaps)  # cells of a pipe table were not run together
    notes = "\n".join(import_notes(report))
    assert "按格式的行序归入此行" in notes and "（五）不予处理·5.要求行政机关确认或重新出具已获取信息：0 0 0 0 0 0 0" in notes
    assert "略去转换器加的表格标题 4 处" in notes and "第五节标题缺失" in notes
    # Wrapped lines are paragraphs again; the page numbers (— 1 —) are gone; 五's words are 五's.
    assert report.preamble.startswith("本年度报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）、《上海市")
    assert "— 1 —" not in report.sections["一"] and "政务公开促落实" in sources.paragraphs(report.sections["一"])[0]
    assert report.sections["五"].startswith("（一）2024 年工作中存在问题的改进情况")
    assert report.sections["六"] == "2025 年度本机关未收取信息公开处理费。"


def as_markdown(text: str, cut_every: int = 0) -> str:
    """A tab-separated report as a converter's Markdown: each run of table rows a pipe table under a
    delimiter row, cut into a new piece (a caption and a placeholder header) every cut_every rows."""
    out, rows = [], 0
    for line in text.split("\n"):
        if "\t" not in line:
            rows = 0
            out.append(line)
            continue
        cells = line.split("\t")
        if cut_every and rows and rows % cut_every == 0:
            out += ["", "## 表三：收到和处理政府信息公开申请情况", "| " + " | ".join(f"数据{i}" for i in range(len(cells))) + " |",
                    "|" + "---|" * len(cells)]
        out.append("| " + " | ".join(cells) + " |")
        if rows == 0 and not cut_every:
            out.append("|" + "---|" * len(cells))
        rows += 1
    return "\n".join(out)


def test_a_tab_separated_report_as_markdown_reads_the_same(tmp_path):
    original = read_any(JIAOZUO)
    for cut in (0, 3, 7):
        path = tmp_path / f"jiaozuo-{cut}.md"
        path.write_text(as_markdown(JIAOZUO.read_text(encoding="utf-8"), cut), encoding="utf-8")
        report = read_any(path)
        assert (report.table2, report.table3, report.table4) == (original.table2, original.table3, original.table4), cut
        assert report.gaps == []


def label_column_markdown(values: dict[str, list], drop_label: int | None = None, drop_row: int | None = None) -> str:
    """Jiaozuo's report with table 三 as a converter may give it: its label column a table of its own,
    the numbers (here 淮安's, which are not all 0) in the next."""
    from nianbao.model.formats import FORMAT_2021

    text = JIAOZUO.read_text(encoding="utf-8")
    head, rest = text.split("三、收到和处理政府信息公开申请情况", 1)
    tail = rest.split("四、政府信息公开行政复议", 1)[1]
    rows = list(FORMAT_2021.table3_rows)
    labels = [f"| {r.label} |" for n, r in enumerate(rows) if n != drop_label]
    numbers = ["| " + " | ".join(map(str, values[r.key])) + " |" for n, r in enumerate(rows) if n != drop_row]
    return "\n".join([head + "三、收到和处理政府信息公开申请情况", "",
                      "| 申请人情况 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |", "|---|" * 1,
                      "", labels[0], "|---|", *labels[1:], "", numbers[0], "|---|---|---|---|---|---|---|", *numbers[1:],
                      "", "四、政府信息公开行政复议" + tail])


def test_a_label_column_printed_as_its_own_table_is_paired_with_the_numbers(tmp_path):
    from test_importer import HUAIAN_TABLE3

    for name, drop_label in (("whole", None), ("last label lost", 24)):
        path = tmp_path / f"{name}.md"
        path.write_text(label_column_markdown(HUAIAN_TABLE3, drop_label=drop_label), encoding="utf-8")
        report = read_any(path)
        assert report.table3 == HUAIAN_TABLE3 and report.gaps == [], name
    # A row of numbers lost: which numbers are whose is not known. Gaps, never a row's numbers for another.
    path = tmp_path / "row lost.md"
    path.write_text(label_column_markdown(HUAIAN_TABLE3, drop_row=3), encoding="utf-8")
    report = read_any(path)
    assert all(v == HUAIAN_TABLE3[k] or v == [None] * 7 for k, v in report.table3.items())
    assert len({g["row"] for g in report.gaps if g["table"] == "表三"}) == 25


def test_markdown_with_html_tables_reads_like_pipe_tables(tmp_path):
    # MinerU writes its tables as HTML inside the Markdown, and its headings with 「## 」.
    import html
    import re

    out, rows = [], []

    def flush():
        if rows:
            out.append("<table>" + "".join("<tr>" + "".join(f"<td>{html.escape(c.strip())}</td>" for c in
                                                            r.strip().strip("|").split("|")) + "</tr>" for r in rows)
                       + "</table>")
            rows.clear()

    for line in SHANGHAI_MD.read_text(encoding="utf-8").split("\n"):
        if line.startswith("|"):
            if not re.match(r"^\|[-|\s]+\|$", line):
                rows.append(line)
            continue
        flush()
        out.append("## " + line if re.match(r"^[一二三四五六]、", line) else line)
    flush()
    path = tmp_path / "mineru.md"
    path.write_text("\n".join(out), encoding="utf-8")
    report = read_any(path)
    assert report.agency == "上海市人民政府办公厅"  # not 「正文」, the converter's word above the title
    assert report.table3 == SHANGHAI_2025_TABLE3 and report.table4 == SHANGHAI_2025_TABLE4
    assert sorted(g["row"] for g in report.gaps) == ["行政规范性文件", "规章"]


def test_a_row_cut_at_a_page_break_is_joined_back(tmp_path):
    from test_importer import HUAIAN_TABLE3

    text = label_column_markdown(HUAIAN_TABLE3)
    # Rebuild as label-and-numbers rows, with 无法提供.1 cut after its second number, a caption between.
    from nianbao.model.formats import FORMAT_2021

    rows = []
    for r in FORMAT_2021.table3_rows:
        cells = [r.label, *map(str, HUAIAN_TABLE3[r.key])]
        if r.key == "无法提供.1":
            rows += ["| " + " | ".join(cells[:3]) + " |", "", "## 表三：收到和处理政府信息公开申请情况",
                     "| " + " | ".join(cells[3:]) + " |", "|---|---|---|---|---|"]
        else:
            rows.append("| " + " | ".join(cells) + " |")
    head, rest = text.split("| 一、本年新收", 1)
    tail = rest.split("\n\n四、", 1)[1]
    path = tmp_path / "cut.md"
    path.write_text(head + "\n".join(rows) + "\n\n四、" + tail, encoding="utf-8")
    report = read_any(path)
    assert report.table3 == HUAIAN_TABLE3 and report.gaps == []
    assert "接回此行" in "\n".join(import_notes(report))


def test_pipe_tables_without_outer_pipes_read_the_same(tmp_path):
    import re

    text = SHANGHAI_MD.read_text(encoding="utf-8")
    bare = "\n".join(re.sub(r"^\|\s?(.*?)\s?\|$", r"\1", line) if line.startswith("|") else line
                     for line in text.split("\n"))
    path = tmp_path / "bare.md"
    path.write_text(bare, encoding="utf-8")
    report = read_any(path)
    assert report.table3 == SHANGHAI_2025_TABLE3 and report.table4 == SHANGHAI_2025_TABLE4
    assert sorted(g["row"] for g in report.gaps) == ["行政规范性文件", "规章"]
