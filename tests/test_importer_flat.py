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


# ------------------------------------------------------------------ run-together cells
Z = [0] * 7
# The README's hand values (read assuming R9–R11 hold).
PINGTAN_TABLE3 = {
    "本年新收": [64, 0, 0, 2, 0, 4, 70], "上年结转": Z, "予以公开": [27, 0, 0, 2, 0, 1, 30], "部分公开": [5, 0, 0, 0, 0, 0, 5],
    **{f"不予公开.{i}": Z for i in range(1, 9)}, "不予公开.5": [1, 0, 0, 0, 0, 0, 1], "不予公开.7": [6, 0, 0, 0, 0, 0, 6],
    "不予公开.8": [1, 0, 0, 0, 0, 0, 1], "无法提供.1": [22, 0, 0, 0, 0, 3, 25], "无法提供.2": Z, "无法提供.3": Z,
    **{f"不予处理.{i}": Z for i in range(1, 6)}, "其他处理.1": Z, "其他处理.2": Z, "其他处理.3": [1, 0, 0, 0, 0, 0, 1],
    "办理结果总计": [63, 0, 0, 2, 0, 4, 69], "结转下年": [1, 0, 0, 0, 0, 0, 1],
}
PINGTAN_TABLE4 = {"行政复议": [1, 0, 2, 0, 3], "未经复议直接起诉": [12, 0, 0, 0, 12], "复议后起诉": [0] * 5}
AMBIGUOUS = {"本年新收", "予以公开", "无法提供.1", "办理结果总计"}  # more than one split without the sums


def test_run_together_cells_are_split_only_where_the_format_decides():
    report = read_any(PINGTAN)
    for name, hand in PINGTAN_TABLE3.items():
        assert report.table3[name] == ([None] * 7 if name in AMBIGUOUS else hand), name
    assert report.table2["规章"] == [0, 0, 0] and report.table2["行政规范性文件"] == [None] * 3
    assert report.table4 == {k: [None] * 5 for k in PINGTAN_TABLE4}
    gaps = {(g["table"], g["row"]): g for g in report.gaps}
    assert len(gaps) == len(report.gaps) == 1 + len(AMBIGUOUS) + 3  # one gap per row, never per guessed cell
    first = gaps[("表三", "一、本年新收政府信息公开申请数量")]
    assert first["text"] == "640020470" and "12 种分法" in first["reason"]
    assert len(first["candidates"]) == 8  # listed (the first eight of twelve), none chosen
    assert "69 3 665" in gaps[("表二", "行政规范性文件")]["candidates"]  # the next year's 现行有效 665 fits
    assert "1 0 2 0 3" in gaps[("表四", "行政复议")]["candidates"]
    assert "「500000 5」→ 5 0 0 0 0 0 5" in report.source  # a surviving space decides 部分公开


def test_assume_row_sums_reads_the_hand_values_and_marks_them_inferred(project, capsys):
    from nianbao.cli import main

    assert main(["import", str(PINGTAN), "--agency-id", "pingtan-gwh", "--assume-row-sums"]) == 0
    written = sources.load_report(project / "data" / "2021" / "pingtan-gwh.yaml")
    assert written.table3 == PINGTAN_TABLE3 and written.table4 == PINGTAN_TABLE4
    assert [g["row"] for g in written.gaps] == ["行政规范性文件"]  # table 二 has no sums to decide it
    inferred = [n for n in import_notes(written) if n.startswith(sources.INFERRED_NOTE)]
    assert len(inferred) == 2 and "一、本年新收政府信息公开申请数量 64 0 0 2 0 4 70" in inferred[0]
    assert "（三）" not in inferred[0]  # rows the format decided are not said to be inferred
    assert "R9、R10、R11" in inferred[0] and "R16、R17、R18" in inferred[1]
    capsys.readouterr()
    assert main(["check", str(project / "data" / "2021" / "pingtan-gwh.yaml")]) == 1  # 表二's gap, the fee's decimals
    out = capsys.readouterr().out
    assert "推定的行有规则无法核对" in out.splitlines()[0] and "全部通过" not in out
    assert "无法核对 / not checkable: 表三：一、本年新收" in out


def test_a_split_is_taken_only_when_it_is_the_one_the_format_allows():
    from nianbao.importer.digits import split, unrun

    count = ["count"] * 7
    sums = [(list(range(6)), 6)]
    assert split(["0000000"], count).candidates == [["0"] * 7]  # no leading zero: each 0 its own cell
    assert split(["10", "0"], ["count"] * 3).candidates == [["1", "0", "0"]]  # 「10」 must give two cells
    assert split(["24252.311082"], ["money"]).candidates == [["24252.311082"]]  # a decimal point: one amount
    assert split(["1.5"], ["count", "count"]).candidates == []  # a count has none
    assert split(["1,259", "0"], ["count"] * 2).candidates == [["1,259", "0"]]  # separators keep a number whole
    taken, splits, why = unrun(["2581211"], count, sums)  # seven digits, seven cells, but 2+5+8+1+2+1 ≠ 1
    assert taken is None and splits.candidates == [list("2581211")] and "与本行总计不合" in why
    taken, splits, _ = unrun(["1000001"], count, sums)
    assert taken == list("1000001")


def test_the_search_for_splits_is_bounded():
    import time

    from nianbao.importer.digits import split, unrun

    start = time.perf_counter()
    found = split(["123456789012345678901234567890"], ["count"] * 15)
    taken, splits, why = unrun(["123456789012345678901234567890"], ["count"] * 15, [])
    assert time.perf_counter() - start < 2
    assert not found.complete and taken is None and "种以上分法" in why and len(splits.candidates) == 400


# ------------------------------------------------------------------ a web page's own metadata
def test_a_pages_metadata_gives_its_publication_date_and_title(tmp_path):
    import html

    jiaozuo = SAMPLES / "jiaozuo-jyj-2021.txt"
    body = []
    for line in jiaozuo.read_text(encoding="utf-8").split("\n"):
        if "\t" in line:
            body.append("<table><tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in line.split("\t")) + "</tr></table>")
        elif line.strip():
            body.append(f"<p>{html.escape(line)}</p>")
    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
            '<meta name="PubDate" content="2022-1-20 10:00"><meta name="ArticleTitle" content="焦作市教育局2021年政府信息公开工作年度报告">'
            '<meta name="ContentSource" content="焦作市教育局"><title>焦作市人民政府门户网站</title></head><body>'
            + "".join(body[1:]) + "</body></html>")  # the title only in the page's metadata
    path = tmp_path / "page.html"
    path.write_bytes(page.encode("gb18030"))
    report = read_any(path)
    assert (report.agency, report.year) == ("焦作市教育局", 2021)
    assert report.options["published"] == "2022-01-20"
    assert report.table3 == read_any(jiaozuo).table3
    notes = "\n".join(import_notes(report))
    assert "网页元数据" in notes and "发布日期 2022-1-20 10:00" in notes and "来源 焦作市教育局" in notes


def test_a_crawlers_header_above_the_title_gives_the_date():
    assert read_any(PINGTAN).options["published"] == "2022-02-08"  # 「发布时间: 2022-02-08 16:34」


def test_a_web_page_whose_article_is_one_block_reads_like_the_flattened_text(tmp_path):
    import html

    flat = PINGTAN.read_text(encoding="utf-8").split("\n")[5]
    path = tmp_path / "page.html"
    path.write_text(f'<html><head><title>平潭</title></head><body><div class="nav">当前位置：首页</div>'
                    f'<div id="zoom"><p>{html.escape(flat)}</p></div></body></html>', encoding="utf-8")
    page, text = read_any(path), read_any(PINGTAN)
    assert (page.table2, page.table3, page.table4) == (text.table2, text.table3, text.table4)
    assert page.sections == text.sections and page.gaps == text.gaps
    assert "网页正文连成一段" in "\n".join(import_notes(page))


# ------------------------------------------------------------------ the class, not the file
def flattened(report, sep: str = "") -> str:
    """A report as a CMS's copy text gives it: the site's links, everything on one line, each table row
    its label then its numbers joined by sep ('' runs the cells together, as on the 平潭 page)."""
    from nianbao.model.formats import FORMAT_2021 as F

    parts = [f"当前位置：首页 > 政务公开 > 年报 {report.title} 来源：某某 发布时间：2025-01-20 【字体：大 中 小】 ",
             report.preamble.replace("\n", "")]
    for section in F.sections:
        parts.append(section.heading)
        if section.number == "二":
            for block in F.table2:
                parts.append(block.item + "信息内容" + "".join(c.label for c in block.columns))
                parts += [row + sep.join(str(v) for v in report.table2[row]) for row in block.rows]
        elif section.number == "三":
            parts.append(F.table3_rows[0].label[:0] + "申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他")
            group = ""
            for row in F.table3_rows:
                if row.group and row.group != group:
                    parts.append(row.group)
                    group = row.group
                parts.append(row.label + sep.join(str(v) for v in report.table3[row.key]))
        elif section.number == "四":
            parts.append("行政复议行政诉讼" + "".join(c.label for c in F.table4_columns) * 3)
            parts.append(sep.join(str(v) for g in F.table4_groups for v in report.table4[g.key]))
        else:
            parts.append(report.sections.get(section.number, "").replace("\n", ""))
    return "".join(parts) + " 附件下载 打印本页 关闭窗口"


def cells_compared(a, b) -> tuple[int, int]:
    right = gaps = 0
    for t in ("table2", "table3", "table4"):
        for row, cells in getattr(a, t).items():
            for x, y in zip(cells, getattr(b, t)[row]):
                assert y in (x, None), (t, row, x, y)  # never a different number
                right, gaps = right + (x == y), gaps + (x != y)
    return right, gaps


def test_another_report_flattened_like_pingtan_reads_right_or_gaps(tmp_path):
    from test_importer import HUAIAN

    huaian = read_any(HUAIAN)  # other numbers than 平潭's: multi-digit counts in every column
    for sep in (" ", ""):
        path = tmp_path / f"flat{len(sep)}.txt"
        path.write_text(flattened(huaian, sep), encoding="utf-8")
        report = read_any(path)
        assert (report.agency, report.year, report.options) == ("淮安市人民政府", 2024, {"published": "2025-01-20"})
        assert report.sections["六"] == huaian.sections["六"]  # the site's links after it left out
        right, gaps = cells_compared(huaian, report)
        assert (right, gaps) == ((200, 0) if sep else (74, 126))
        inferred = read_any(path, assume_row_sums=True)
        right, gaps = cells_compared(huaian, inferred)
        assert right == 200 if sep else (right, gaps) == (189, 11)  # 表二 has no sums; 复议后起诉 two splits


def test_a_report_on_a_few_lines_one_a_section_reads_the_same(tmp_path):
    lines = PINGTAN.read_text(encoding="utf-8").split("\n")
    for heading in ("一、总体情况", "二、主动公开", "三、收到和处理", "四、政府信息公开行政复议", "五、存在的", "六、其他需要"):
        lines[5] = lines[5].replace(heading, "\n" + heading, 1)
    path = tmp_path / "few.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    a, b = read_any(path), read_any(PINGTAN)
    assert (a.table2, a.table3, a.table4, a.sections, a.preamble) == (b.table2, b.table3, b.table4, b.sections, b.preamble)


def test_a_preamble_listing_the_sections_is_not_taken_for_their_headings(tmp_path):
    said = ("本报告包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、因政府信息公开申请行政复议、提起行政诉讼的情况、"
            "政府信息公开工作存在的主要问题及改进情况和其他需要报告的事项等六个部分。")
    listed = ("本报告包括：一、总体情况；二、主动公开政府信息情况；三、收到和处理政府信息公开申请情况；四、政府信息公开行政复议、行政诉讼情况；"
              "五、存在的主要问题及改进情况；六、其他需要报告的事项。")
    path = tmp_path / "listed.txt"
    path.write_text(PINGTAN.read_text(encoding="utf-8").replace(said, listed), encoding="utf-8")
    a, b = read_any(path), read_any(PINGTAN)
    assert (a.table2, a.table3, a.table4, a.sections) == (b.table2, b.table3, b.table4, b.sections)
    assert listed in a.preamble


def test_full_width_digits_run_together_read_and_add_up_the_same(tmp_path):
    text = PINGTAN.read_text(encoding="utf-8")
    start, end = text.index("二、主动公开政府信息情况"), text.index("五、存在的主要问题")
    wide = text[start:end].translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    path = tmp_path / "wide.txt"
    path.write_text(text[:start] + wide + text[end:], encoding="utf-8")
    for assume in (False, True):
        a, b = read_any(path, assume_row_sums=assume), read_any(PINGTAN, assume_row_sums=assume)
        assert (a.table2, a.table3, a.table4, len(a.gaps)) == (b.table2, b.table3, b.table4, len(b.gaps)), assume
