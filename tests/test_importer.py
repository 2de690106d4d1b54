"""Importing published reports: the shared samples cell for cell, the tolerances real reports need
(each recorded), and gaps instead of guesses. Expected cells are transcribed by eye from the sample
files (淮安 from the PDF and its pdftotext text), not from the importer's output."""
from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.model import sources
from nianbao.cli import main
from nianbao.errors import NianbaoError
from nianbao.model.formats import FORMAT_2019, FORMAT_2021
from nianbao.importer import import_file, import_notes, read_any
from nianbao.importer.labels import NUMBERING, SPACING, TYPO, WIDTH, classify
from nianbao.importer.pdf import ScannedPdf

from conftest import FIXTURES, ROOT, SAMPLES

HERE = FIXTURES / "importer"
JIAOZUO, HUAIAN, SHANGHAI = (SAMPLES / "jiaozuo-jyj-2021.txt", SAMPLES / "huaian-szf-2024.txt",
                             SAMPLES / "shanghai-szfbgt-2019.txt")
HUAIAN_PDF = SAMPLES / "huaian-szf-2024.pdf"
Z = [0] * 7

HUAIAN_TABLE2 = {"规章": [1, 0, 11], "行政规范性文件": [8, 26, 66], "行政许可": [447228], "行政处罚": [3985758],
                 "行政强制": [88283], "行政事业性收费": [sources.Money(sources.Decimal("96171.6"))]}
HUAIAN_TABLE3 = {
    "本年新收": [3001, 53, 0, 0, 61, 4, 3119], "上年结转": [34, 0, 0, 0, 0, 0, 34],
    "予以公开": [1288, 21, 0, 0, 50, 3, 1362], "部分公开": [447, 7, 0, 0, 0, 0, 454],
    "不予公开.1": [2, 0, 0, 0, 0, 0, 2], "不予公开.2": [30, 1, 0, 0, 0, 0, 31], "不予公开.3": [5, 0, 0, 0, 0, 0, 5],
    "不予公开.4": [6, 0, 0, 0, 0, 0, 6], "不予公开.5": [7, 1, 0, 0, 0, 0, 8], "不予公开.6": [12, 0, 0, 0, 0, 0, 12],
    "不予公开.7": [9, 0, 0, 0, 0, 0, 9], "不予公开.8": [105, 0, 0, 0, 0, 0, 105],
    "无法提供.1": [746, 12, 0, 0, 10, 1, 769], "无法提供.2": [11, 0, 0, 0, 0, 0, 11], "无法提供.3": [1, 0, 0, 0, 0, 0, 1],
    "不予处理.1": [56, 6, 0, 0, 0, 0, 62], "不予处理.2": [25, 0, 0, 0, 0, 0, 25], "不予处理.3": Z, "不予处理.4": Z,
    "不予处理.5": [1, 0, 0, 0, 0, 0, 1], "其他处理.1": [67, 3, 0, 0, 1, 0, 71], "其他处理.2": [6, 0, 0, 0, 0, 0, 6],
    "其他处理.3": [108, 2, 0, 0, 0, 0, 110], "办理结果总计": [2932, 53, 0, 0, 61, 4, 3050],
    "结转下年": [103, 0, 0, 0, 0, 0, 103],
}
HUAIAN_TABLE4 = {"行政复议": [72, 64, 178, 37, 351], "未经复议直接起诉": [13, 4, 8, 1, 26], "复议后起诉": [12, 1, 1, 6, 20]}

N = None
SHANGHAI_TABLE2 = {"规章": [13, 13, 524], "规范性文件": [60, 60, 368], "行政许可": [0, 0, 0], "其他对外管理服务事项": [0, 0, 0],
                   "行政处罚": [0, 0, 0], "行政强制": [0, 0, 0], "行政事业性收费": [0, 0],
                   "政府集中采购": [6, sources.Money(sources.Decimal(251000), "元")]}
BLANK = [N] * 7
SHANGHAI_TABLE3 = {
    "本年新收": [821, 35, N, N, 2, 1, 859], "上年结转": [18, N, N, N, N, N, 18], "予以公开": [258, 12, N, N, 1, 1, N],
    "部分公开": [3, N, N, N, N, N, N], "不予公开.1": [14, N, N, N, N, N, N], "不予公开.2": BLANK, "不予公开.3": BLANK,
    "不予公开.4": BLANK, "不予公开.5": [5, N, N, N, N, N, N], "不予公开.6": [3, 1, N, N, N, N, N], "不予公开.7": BLANK,
    "不予公开.8": [10, 2, N, N, N, N, N], "无法提供.1": [252, 12, N, N, 1, N, N], "无法提供.2": [44, 3, N, N, N, N, N],
    "无法提供.3": [25, N, N, N, N, N, N], "不予处理.1": [148, 1, N, N, N, N, N], "不予处理.2": [5, 4, N, N, N, N, N],
    "不予处理.3": BLANK, "不予处理.4": BLANK, "不予处理.5": BLANK, "其他处理": BLANK,
    "办理结果总计": [767, 35, N, N, 2, 1, 805], "结转下年": [72, N, N, N, N, N, 72],
}
SHANGHAI_TABLE4 = {"行政复议": [5, N, N, 2, 7], "未经复议直接起诉": [8, N, N, 1, 9], "复议后起诉": [N] * 5}


def edited(tmp_path: Path, sample: Path, *changes: tuple[str, str], name: str = "") -> Path:
    text = sample.read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    out = tmp_path / (name or sample.name)
    out.write_text(text, encoding="utf-8")
    return out


def gaps_of(report, table=None):
    return [g for g in report.gaps if table is None or g["table"] == table]


# ------------------------------------------------------------------ the shared samples
def test_jiaozuo_web_text_equals_the_hand_transcription():
    imported = read_any(JIAOZUO)
    transcribed = sources.load_report(ROOT / "data" / "2021" / "jiaozuo-jyj.yaml")
    assert sources.report_equal(imported, transcribed)
    # Paragraph for paragraph, as printed (half-width 「(一) 」 kept in the text).
    assert sources.paragraphs(imported.sections["一"]) == sources.paragraphs(transcribed.sections["一"])
    assert sources.paragraphs(imported.sections["一"])[1].startswith("(一) 主动公开全面落实。")
    assert imported.options == {"fee_decimals": 4} and imported.gaps == []
    # 社会组织 is read as 社会公益组织, and that is said (in the source file, and as a list for check's JSON).
    assert "「社会组织」→「社会公益组织」" in imported.source
    assert any("「社会组织」→「社会公益组织」" in note for note in import_notes(imported))
    assert import_notes(transcribed) == []


def test_huaian_pdf_text_every_cell():
    report = read_any(HUAIAN)
    assert (report.agency, report.year, report.format) == ("淮安市人民政府", 2024, FORMAT_2021)
    assert report.title == "淮安市人民政府2024年政府信息公开工作年度报告"
    assert report.table2 == HUAIAN_TABLE2 and report.table3 == HUAIAN_TABLE3 and report.table4 == HUAIAN_TABLE4
    assert report.gaps == []
    assert str(report.table2["行政事业性收费"][0]) == "96171.6"  # as printed, not a float
    assert report.preamble.startswith("本报告由淮安市人民政府办公室根据《中华人民共和国政府信息公开条例》（国令第 711 号）")
    # Wrapped lines are joined into paragraphs; page numbers (-1-, -2-) are gone.
    one = sources.paragraphs(report.sections["一"])
    assert len(one) == 6 and one[1].startswith("（一）主动公开情况。") and "-1-" not in report.sections["一"]
    assert "“建设‘四最’一流营商环境高质量推进产业发展”" in one[1]  # joined across a page break
    assert sources.paragraphs(report.sections["五"])[1].startswith("针对存在问题，下一步")
    assert report.sections["六"] == "2024 年，市政府严格落实《政府信息公开信息处理费管理办法》，全年收取政府信息公开信息处理费 3940 元。"
    assert "二" not in report.sections and "三" not in report.sections
    assert "1、申请人无正当理由逾期不补" in report.source and NUMBERING.split(" / ")[0] in report.source


def test_huaian_pdf_reads_the_same_as_its_text():
    from_pdf = read_any(HUAIAN_PDF)
    assert sources.report_equal(from_pdf, read_any(HUAIAN))
    assert "pdftotext" in from_pdf.source


def test_shanghai_2019_blank_cells_stay_blank():
    report = read_any(SHANGHAI)
    assert (report.agency, report.year, report.format) == ("上海市人民政府办公厅", 2019, FORMAT_2019)
    assert report.title == "2019年上海市人民政府办公厅政府信息公开工作年度报告"
    assert report.table2 == SHANGHAI_TABLE2 and report.table3 == SHANGHAI_TABLE3 and report.table4 == SHANGHAI_TABLE4
    assert report.gaps == []  # a blank is not a gap: it is what was printed (rule R12 flags it)
    assert report.options == {"published": "2020-01-31"} and "发布日期" not in report.source
    assert report.headings == {"五": "五、政府信息公开工作存在的主要问题及改进情况"}
    assert report.heading("五") == "五、政府信息公开工作存在的主要问题及改进情况"
    assert report.preamble.startswith("本年度报告根据《中华人民共和国政府信息公开条例》")
    five = sources.paragraphs(report.sections["五"])
    assert [five[0], five[2]] == ["（一）主要问题", "（二）改进措施"] and five[1].startswith("一是新《条例》实施后")
    assert report.sections["六"] == "无。"


def test_an_imported_report_writes_and_loads_back(tmp_path):
    for sample in (JIAOZUO, HUAIAN, SHANGHAI):
        report = read_any(sample)
        path = tmp_path / str(report.year) / "x.yaml"
        path.parent.mkdir(exist_ok=True)
        path.write_text(sources.dump_report(report), encoding="utf-8")
        again = sources.load_report(path)
        assert sources.report_equal(report, again) and again.source == report.source


def test_a_fee_keeps_its_printed_decimals_through_the_source_file(tmp_path):
    report = read_any(edited(tmp_path, JIAOZUO, ("行政事业性收费\t299", "行政事业性收费\t299.0000")))
    assert str(report.table2["行政事业性收费"][0]) == "299.0000"
    path = tmp_path / "2021" / "x.yaml"
    path.parent.mkdir()
    path.write_text(sources.dump_report(report), encoding="utf-8")
    assert str(sources.load_report(path).table2["行政事业性收费"][0]) == "299.0000"  # not 299.0


# ------------------------------------------------------------------ tolerances, each recorded
def test_variants_real_reports_print_are_read_and_recorded():
    report = read_any(HERE / "variants-2022.txt")
    assert (report.agency, report.year) == ("示例县交通运输局", 2022)
    assert report.title == "示例县交通运输局2022年度政府信息公开工作年度报告"
    assert report.table2["行政规范性文件"] == [3, 1, 12]  # printed 规范性文件, a full-width ３
    assert report.table3["本年新收"] == [20, 5, 0, 1, 2, 0, 28]
    assert report.table3["不予公开.4"] == [1, 0, 0, 0, 0, 0, 1]  # full-width digits
    assert report.table3["无法提供.1"] == [4, 1, 0, 1, 1, 0, 7]  # 1、 numbering
    assert report.table3["办理结果总计"] == [21, 4, 0, 1, 2, 0, 28] and report.table3["结转下年"] == [1, 1, 0, 0, 0, 0, 2]
    assert report.table4 == {"行政复议": [1, 0, 0, 1, 2], "未经复议直接起诉": [0, 1, 0, 0, 1], "复议后起诉": [0] * 5}
    assert report.gaps == []
    assert report.headings == {"六": "六、其它需要报告的事项"}  # a typo in a heading is still section 六
    assert report.sections["六"] == "本年度未收取信息处理费。"  # 打印本页/关闭窗口 left out
    assert report.sections["四"] == "注：行政复议、行政诉讼数量含上年度结转数量。"
    for said in ("「规范性文件」→「行政规范性文件」", "「社会组织」→「社会公益组织」", "「1、属于国家秘密」→「1.属于国家秘密」",
                 "「(一)予以公开」→「（一）予以公开」", "「六、其它需要报告的事项」", "全角数字", "打印本页"):
        assert said in report.source, said


def test_one_cell_per_line_copy_reads_like_tab_separated(tmp_path):
    """Some browsers copy a table as one cell per line: runs of numbers become a row again."""
    lines = []
    for line in (HERE / "variants-2022.txt").read_text(encoding="utf-8").splitlines():
        lines += [c for c in line.split("\t") if c.strip()] if "\t" in line else [line]
    path = tmp_path / "per-cell.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    assert "\t" not in path.read_text(encoding="utf-8")
    assert sources.report_equal(read_any(path), read_any(HERE / "variants-2022.txt"))


@pytest.mark.parametrize("title, agency, year, said", [
    ("焦作市教育局关于2021年政府信息公开工作年度报告", "焦作市教育局", 2021, ""),
    ("焦作市教育局2021年度政府信息公开工作年度报告（全文）", "焦作市教育局", 2021, ""),
    ("焦作市教育局政府信息公开工作年度报告", "焦作市教育局", 2021, "names no year"),
])
def test_title_variants(tmp_path, title, agency, year, said):
    report = read_any(edited(tmp_path, JIAOZUO, ("焦作市教育局2021年政府信息公开工作年度报告", title)))
    assert (report.agency, report.year, report.title) == (agency, year, title)
    assert said in report.source


def test_label_typo_and_abbreviated_label_are_read_and_said(tmp_path):
    path = edited(tmp_path, JIAOZUO, ("2.没有现成信息需要另行制作\t0\t0", "2.没有现存信息需要另行制作\t5\t0"),
                  ("(二) 部分公开（区分处理的，只计这一情形，不计其他情形）", "(二) 部分公开"))
    report = read_any(path)
    assert report.table3["无法提供.2"] == [5, 0, 0, 0, 0, 0, 0] and report.gaps == []
    assert TYPO.split(" / ")[0] in report.source and "「2.没有现存信息需要另行制作」" in report.source
    assert "省略了括注" in report.source


def test_classify_names_each_difference():
    assert classify("（一）予以公开", "（一）予以公开") == []
    assert classify("(一) 予以公开", "（一）予以公开") == [SPACING, WIDTH]
    assert classify("1、属于国家秘密", "1.属于国家秘密") == [NUMBERING]
    assert classify("第二十条\n第（一）项", "第二十条第（一）项") == [SPACING]


# ------------------------------------------------------------------ gaps, never guesses
def test_a_run_together_row_is_a_gap_not_a_number(tmp_path):
    line = next(x for x in HUAIAN.read_text(encoding="utf-8").splitlines() if x.startswith("一、本年新收"))
    report = read_any(edited(tmp_path, HUAIAN, (line, "一、本年新收政府信息公开申请数量230 000023")))
    assert report.table3["本年新收"] == [None] * 7
    gap = next(g for g in report.gaps if g["row"] == "一、本年新收政府信息公开申请数量")
    assert gap["table"] == "表三" and gap["column"] == "" and "230" in gap["text"] and "run" in gap["reason"]
    assert len(report.gaps) == 1
    expected = dict(HUAIAN_TABLE3, 本年新收=[None] * 7)
    assert report.table3 == expected  # every other row still read


def test_slash_dash_cut_and_missing_rows_are_gaps(tmp_path):
    path = edited(tmp_path, JIAOZUO,
                  ("行政规范性文件\t23\t0\t23", "行政规范性文件\t/\t—\t23"),
                  ("\t2.重复申请\t0\t0\t0\t0\t0\t0\t0", "\t2.重复申请\t0\t0\t0"),  # cut: cells lost
                  ("\t7.属于行政执法案卷\t0\t0\t0\t0\t0\t0\t0\n", ""),  # a row not there at all
                  ("二、上年结转政府信息公开申请数量\t0\t0", "二、上年结转政府信息公开申请数量\t007\t0"))
    report = read_any(path)
    assert report.table2["行政规范性文件"] == [None, None, 23]
    assert report.table3["不予处理.2"] == [None] * 7 and report.table3["不予公开.7"] == [None] * 7
    assert report.table3["上年结转"] == [None, 0, 0, 0, 0, 0, 0]
    where = {(g["table"], g["row"], g["column"]): g for g in report.gaps}
    assert set(where) == {("表二", "行政规范性文件", "本年制发件数"), ("表二", "行政规范性文件", "本年废止件数"),
                          ("表三", "（五）不予处理·2.重复申请", ""), ("表三", "（三）不予公开·7.属于行政执法案卷", ""),
                          ("表三", "二、上年结转政府信息公开申请数量", "自然人")}
    assert where[("表二", "行政规范性文件", "本年制发件数")]["text"] == "/"
    assert "0 还是空白" in where[("表二", "行政规范性文件", "本年废止件数")]["reason"]
    assert "not in the table" in where[("表三", "（三）不予公开·7.属于行政执法案卷", "")]["reason"]
    assert report.table3["不予公开.8"] == Z  # the rows after a missing one are still found


def test_blank_cells_in_pdf_text_are_placed_by_their_columns(tmp_path):
    """pdftotext text has no empty cells, only spaces: numbers are placed under the columns the full
    rows on the same page show, keeping the blanks blank."""
    line = next(x for x in HUAIAN.read_text(encoding="utf-8").splitlines() if x.startswith("二、上年结转"))
    head, tail = line[:line.index("34") + 2], line[line.index("34") + 2:]
    blanked = head + tail[:-4].replace("0", " ") + tail[-4:]  # same width: the zeros become spaces
    assert len(blanked) == len(line)
    report = read_any(edited(tmp_path, HUAIAN, (line, blanked)))
    assert report.table3["上年结转"] == [34, None, None, None, None, None, 34] and report.gaps == []


def test_a_2021_report_printing_the_2019_tables_is_not_read_by_position(tmp_path):
    report = read_any(edited(tmp_path, SHANGHAI, ("2019年上海市", "2021年上海市")))
    assert report.format is FORMAT_2021
    assert all(v == [None] * len(v) for v in report.table2.values())  # 本年新制作数量 ≠ 本年制发件数
    reasons = {g["row"]: g["reason"] for g in report.gaps if g["table"] == "表二"}
    assert set(reasons) == set(FORMAT_2021.table2_rows) and "本年新制作数量" in reasons["规章"]
    assert report.table3["本年新收"] == [821, 35, None, None, 2, 1, 859]  # table 三 is the same in both
    assert {g["row"] for g in report.gaps if g["table"] == "表三"} == {
        FORMAT_2021.table3_row_label(k) for k in ("其他处理.1", "其他处理.2", "其他处理.3")}
    assert "R29" in report.source


# ------------------------------------------------------------------ HTML pages
def test_a_site_page_with_spans_styles_and_navigation():
    report = read_any(HERE / "site-page-gbk.html")
    assert (report.agency, report.year, report.format) == ("示例市生态环境局", 2023, FORMAT_2021)
    assert report.title == "示例市生态环境局2023年政府信息公开工作年度报告"  # not the sidebar's 2022 link
    assert report.options == {"published": "2024-01-25"}
    assert report.preamble == "本报告根据《中华人民共和国政府信息公开条例》编制。报告所列数据的统计期限自2023年1月1日起至2023年12月31日止。"
    assert sources.paragraphs(report.sections["一"])[1] == "（一）主动公开。全年主动公开政府信息486条，\n其中环评审批信息212条。"
    assert report.sections["六"] == "本年度未收取信息处理费。"  # no 打印本页, no footer
    assert report.table2 == {"规章": [0, 0, 0], "行政规范性文件": [5, 2, 40], "行政许可": [128], "行政处罚": [96],
                             "行政强制": [3], "行政事业性收费": [sources.Money(sources.Decimal(0))]}
    assert report.table3["本年新收"] == [45, 8, 1, 0, 3, 2, 59] and report.table3["结转下年"] == [5, 2, 0, 0, 1, 1, 9]
    assert report.table3["不予公开.3"] == [1, 0, 0, 0, 0, 0, 1] and report.table3["其他处理.1"] == [1, 0, 0, 0, 0, 0, 1]
    assert report.table3["不予公开.6"] == [0, 0, 0, None, 0, 0, 0]  # a blank cell stays blank
    assert report.table3["不予公开.8"] == [0, 0, 0, None, None, 0, 0]
    assert report.table3["办理结果总计"] == [43, 7, 1, 0, 2, 1, 54]
    assert report.table4 == {"行政复议": [2, 1, 0, 0, 3], "未经复议直接起诉": [1, 0, 0, 1, 2], "复议后起诉": [0, 0, 1, 0, 1]}
    assert report.gaps == [{"table": "表三", "row": "（三）不予公开·8.属于行政查询事项", "column": "法律服务机构",
                            "text": "—", "reason": report.gaps[0]["reason"]}]


def test_a_page_without_its_own_title_heading_does_not_take_the_sidebars(tmp_path):
    """No <h1>: the sidebar's link to last year's report is the only title in the body; the year of
    the statistical period decides, and the page's <title> gives the title."""
    page = (HERE / "site-page-gbk.html").read_bytes().decode("gb18030")
    page = page.replace('<h1 style="text-align:center;font-size:22px">示例市生态环境局2023年政府信息公开工作年度报告</h1>', "")
    path = tmp_path / "no-h1.html"
    path.write_bytes(page.encode("gb18030"))
    report = read_any(path)
    assert (report.agency, report.year, report.title) == ("示例市生态环境局", 2023, "示例市生态环境局2023年政府信息公开工作年度报告")
    assert report.table3 == read_any(HERE / "site-page-gbk.html").table3


@pytest.mark.parametrize("declared", ["utf-8", "gb2312"])  # a page served as UTF-8 may still declare gb2312
def test_the_same_page_in_utf8_reads_the_same(tmp_path, declared):
    page = (HERE / "site-page-gbk.html").read_bytes().decode("gb18030").replace("charset=gb2312", f"charset={declared}")
    path = tmp_path / "page.htm"
    path.write_bytes(page.encode("utf-8"))
    assert sources.report_equal(read_any(path), read_any(HERE / "site-page-gbk.html"))


def test_an_old_style_page_of_br_lines_and_plain_tables(tmp_path):
    """Old CMS pages: the whole article in one block, paragraphs as <br>　　…, headings among them,
    tables without spans, HTML source line breaks that are only whitespace."""
    parts, rows = [], []
    for line in JIAOZUO.read_text(encoding="utf-8").splitlines():
        if "\t" in line:
            rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in line.split("\t")) + "</tr>\n")
            continue
        if rows:
            parts.append("<table border=1>\n" + "".join(rows) + "</table>")
            rows = []
        if line.strip():
            parts.append(("" if line[:2] in ("一、", "二、", "三、", "四、", "五、", "六、") else "&nbsp;&nbsp;") + line + "<br>\n")
    page = ("<html><head><meta charset=utf-8><title>x</title></head><body><div id=nav>首页 | 政务公开</div>\n"
            "<div class=con>" + "".join(parts[1:]) + "</div><div>版权所有</div></body></html>")
    page = page.replace("焦作市教育局以习近平", "焦作市教育局以\n习近平")  # a source line break is a space
    path = tmp_path / "old.html"
    path.write_text(f"<center><b>{JIAOZUO.read_text(encoding='utf-8').split(chr(10))[2]}</b></center>" + page,
                    encoding="utf-8")
    report = read_any(path)
    expected = sources.load_report(ROOT / "data" / "2021" / "jiaozuo-jyj.yaml")
    assert report.table2 == expected.table2 and report.table3 == expected.table3 and report.table4 == expected.table4
    assert report.sections["一"] == expected.sections["一"].replace("教育局以习近平", "教育局以 习近平")
    assert report.sections["五"] == expected.sections["五"] and report.sections["六"] == expected.sections["六"]


# ------------------------------------------------------------------ bad input: one clear message
def blank_pdf() -> bytes:
    """A one-page PDF holding only a grey rectangle: what a scan looks like to a text extractor."""
    stream = b"0.5 g 100 100 400 600 re f"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


def test_a_scanned_pdf_is_a_clear_error(tmp_path, capsys, project):
    path = tmp_path / "scan.pdf"
    path.write_bytes(blank_pdf())
    with pytest.raises(ScannedPdf) as error:
        read_any(path)
    assert "没有文字层" in str(error.value) and "OCR" in str(error.value) and str(path) in str(error.value)
    assert main(["import", str(path), "--agency-id", "scan"]) == 2
    assert "no text layer" in capsys.readouterr().err


def test_other_unreadable_input_is_a_clear_error(tmp_path):
    prose = tmp_path / "notice.txt"
    prose.write_text("关于做好2023年政务公开工作的通知\n\n各单位：请按要求做好工作。\n", encoding="utf-8")
    with pytest.raises(NianbaoError, match="节标题"):
        read_any(prose)
    with pytest.raises(NianbaoError, match="file not found"):
        read_any(tmp_path / "missing.pdf")
    docx = tmp_path / "report.docx"
    docx.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    with pytest.raises(NianbaoError, match="save it as PDF"):
        read_any(docx)
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\nnot really\n")
    with pytest.raises(NianbaoError, match="PDF"):
        read_any(broken)


# ------------------------------------------------------------------ the command
def test_import_command_writes_the_source_once(project, capsys):
    target = project / "data" / "2024" / "huaian-szf.yaml"
    assert main(["import", str(HUAIAN_PDF), "--agency-id", "huaian-szf"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == str(target)
    written = sources.load_report(target)
    assert written.table3 == HUAIAN_TABLE3 and written.agency == "淮安市人民政府"
    target.write_text("# edited by hand\n" + target.read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["import", str(HUAIAN_PDF), "--agency-id", "huaian-szf"]) == 2
    assert "--force" in capsys.readouterr().err and target.read_text(encoding="utf-8").startswith("# edited")
    assert main(["import", str(HUAIAN_PDF), "--agency-id", "huaian-szf", "--force"]) == 0
    assert not target.read_text(encoding="utf-8").startswith("# edited")
    assert [p.name for p in target.parent.iterdir()] == ["huaian-szf.yaml"]  # no temp files left


def test_import_command_lists_gaps_and_refuses_bad_ids(project, tmp_path, capsys):
    path = edited(tmp_path, JIAOZUO, ("行政规范性文件\t23\t0\t23", "行政规范性文件\t/\t0\t23"))
    assert main(["import", str(path), "--agency-id", "jiaozuo-jyj-copy"]) == 0
    out = capsys.readouterr().out
    assert "1 cell(s) not read" in out and "表二·行政规范性文件·本年制发件数" in out
    assert sources.load_report(project / "data" / "2021" / "jiaozuo-jyj-copy.yaml").gaps[0]["text"] == "/"
    for bad in ("../evil", "Jiaozuo", ""):
        assert main(["import", str(JIAOZUO), "--agency-id", bad]) == 2
    assert "agency id" in capsys.readouterr().err
    with pytest.raises(NianbaoError, match="already source data"):
        import_file(ROOT / "data" / "2021" / "jiaozuo-jyj.yaml", "x", root=project)
    assert not (project / "data" / "2021" / "x.yaml").exists()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / "data" / "2024").symlink_to(elsewhere)  # nothing is written outside data/
    assert main(["import", str(HUAIAN), "--agency-id", "huaian-szf"]) == 2
    err = capsys.readouterr().err
    assert "is outside" in err and "is a link to" in err and not list(elsewhere.iterdir())
