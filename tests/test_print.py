"""The publishable PDF as an office posts it, printed by real Chromium: page numbers, tables that
break well (headers repeated, labels on every page, no half-empty page), tagged with an outline;
and the HTML's table structure for a screen reader, checked by parsing."""
from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from nianbao.model import formats
from nianbao.report import layout
from nianbao.report.publish import PdfPrinter
from nianbao.model.sources import load_report

from conftest import ROOT, SAMPLE_AGENCY, SAMPLE_YEAR

CSS = (ROOT / "templates" / "nianbao" / "report.css").read_text(encoding="utf-8")
TABLE3_HEADERS = ("自然人", "商业企业", "科研机构", "社会公益", "法律服务", "其他", "总计")


def pages_text(pdf: Path) -> list[str]:
    count = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                               text=True).stdout).group(1))
    return [subprocess.run(["pdftotext", "-f", str(i), "-l", str(i), str(pdf), "-"], capture_output=True,
                           text=True).stdout for i in range(1, count + 1)]


def squeeze(text: str) -> str:
    return "".join(text.split())


def page_lines(pdf: Path) -> list[tuple[float, list[tuple[float, str]]]]:
    """Per page: its height and its text lines (lowest y, text), top to bottom, page number left out."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    out = []
    for page in re.findall(r"<page (.*?)</page>", xml, flags=re.S):
        height = float(re.search(r'height="([\d.]+)"', page).group(1))
        lines = []
        for line in re.findall(r"<line (.*?)</line>", page, flags=re.S):
            text = "".join(re.findall(r">([^<]*)</word>", line))
            if not re.fullmatch(r"—\d+—", text):
                lines.append((float(re.search(r'yMax="([\d.]+)"', line).group(1)), text))
        out.append((height, sorted(lines)))
    return out


def assert_results_label_on_every_page(pdf: Path):
    """「三、本年度办理结果」 (one character a line in table 三's first column) on every page that
    shows rows of the results it labels."""
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True).stdout
    shown = 0
    for number, page in enumerate(re.findall(r"<page (.*?)</page>", xml, flags=re.S), 1):
        words = [(float(y), float(x), w) for x, y, w in
                 re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)<', page)]
        text = "".join(w for *_, w in words)
        if "自然人" not in text or not re.search(r"予以公开|不予|无法提供|其他处理|总计", text.replace("总计", "", 1)):
            continue
        left = min(x for _, x, w in words if w.startswith(("一、", "（", "四、", "三")) and "三、收到" not in w)
        column = "".join(w for y, x, w in sorted(words) if abs(x - left) < 6 and len(w) <= 2)
        assert formats.TABLE3_RESULTS in column, f"page {number}: {column}"
        shown += 1
    assert shown >= 2


def assert_pages_well_filled(pdf: Path, headings: list[str]):
    # Table 三's header rows never end a page without its first row under them.
    texts = [squeeze(t) for t in pages_text(pdf)]
    assert "一、本年新收" in next(t for t in texts if "三、收到和处理政府信息公开申请情况" in t)
    pages = page_lines(pdf)
    for number, (height, lines) in enumerate(pages[:-1], 1):
        assert lines[-1][0] > height * 2 / 3 - 60, f"page {number} is more than a third empty"  # 60 pt: the foot margin
        assert lines[-1][1] not in headings, f"page {number} ends with the heading {lines[-1][1]}"


@pytest.fixture(scope="module")
def pdf(rendered_sample) -> Path:
    return rendered_sample.out_dir / "report.pdf"


def test_pdf_is_tagged_with_an_outline_of_the_six_sections_and_its_metadata(pdf, rendered_sample):
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert re.search(r"Tagged:\s+yes", info)
    assert re.search(r"Title:\s+(.*)", info).group(1) == rendered_sample.report.title
    assert re.search(r"Author:\s+(.*)", info).group(1) == "焦作市教育局"
    assert re.search(r"Subject:\s+(.*)", info).group(1) == "2021年政府信息公开工作年度报告"
    assert "Syntax" not in subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stderr
    xml = subprocess.run(["pdftohtml", "-xml", "-i", "-stdout", str(pdf)], capture_output=True, text=True).stdout
    outline = re.findall(r"<item[^>]*>(.*?)</item>", xml.split("<outline>", 1)[1])
    assert [s.heading for s in formats.SECTIONS] == [t for t in outline if t in {s.heading for s in formats.SECTIONS}]
    assert len([t for t in outline if t in {s.heading for s in formats.SECTIONS}]) == 6


def test_pdf_stays_small(pdf):
    assert pdf.stat().st_size < 1.5 * 295_000  # the sample's PDF before tagging (main, 2026-12-02): 294,783 bytes


def test_every_page_carries_its_number(pdf):
    pages = pages_text(pdf)
    assert len(pages) > 1
    for number, text in enumerate(pages, 1):
        assert f"—{number}—" in squeeze(text), f"page {number}"


def test_table3_continues_with_its_headers_and_labels(pdf):
    pages = [squeeze(t) for t in pages_text(pdf)]
    starts = next(i for i, t in enumerate(pages) if "三、收到和处理政府信息公开申请情况" in t)
    continued = pages[starts + 1]
    assert "四、结转下年度继续办理" in continued and "三、收到和处理" not in continued
    for header in TABLE3_HEADERS:
        assert header in continued
    # The rows (三）不予公开 spans are split by the break: its label stands on both pages.
    assert "1.属于国家秘密" in pages[starts] and "8.属于行政查询" in continued
    for page in (pages[starts], continued):
        assert "（三）" in page and "不予公" in page
    assert_results_label_on_every_page(pdf)


def test_no_page_but_the_last_is_a_third_empty_nor_ends_with_a_heading(pdf):
    assert_pages_well_filled(pdf, [s.heading for s in formats.SECTIONS])


def test_a_report_with_three_times_the_narrative_breaks_as_well(tmp_path):
    report = load_report(ROOT / "data" / str(SAMPLE_YEAR) / f"{SAMPLE_AGENCY}.yaml")
    for number in report.sections:
        report.sections[number] = "\n\n".join([report.sections[number]] * 3)
    page = tmp_path / "long.html"
    page.write_text(f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>t</title>'
                    f"<style>{CSS}</style></head><body>{layout.report_html(report)}</body></html>", encoding="utf-8")
    pdf = tmp_path / "long.pdf"
    with PdfPrinter() as printer:
        pdf.write_bytes(printer.print_pdf(page))
    assert len(pages_text(pdf)) > 4
    assert_pages_well_filled(pdf, [s.heading for s in formats.SECTIONS])
    assert_results_label_on_every_page(pdf)
    for number, text in enumerate(pages_text(pdf), 1):
        assert f"—{number}—" in squeeze(text)


class Structure(HTMLParser):
    def __init__(self):
        super().__init__()
        self.lang, self.tables, self.where = None, [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "table":
            self.tables.append({"class": a.get("class", ""), "caption": "", "th": [], "thead": 0})
        elif self.tables and tag in ("caption", "thead", "th"):
            self.where.append(tag)
            if tag == "th":
                self.tables[-1]["th"].append(a.get("scope"))
            elif tag == "thead":
                self.tables[-1]["thead"] += 1

    def handle_endtag(self, tag):
        if self.where and self.where[-1] == tag:
            self.where.pop()

    def handle_data(self, data):
        if self.where and self.where[-1] == "caption":
            self.tables[-1]["caption"] += data


def test_html_tables_have_captions_and_scoped_header_cells(rendered_sample):
    page = (rendered_sample.out_dir / "report.html").read_text(encoding="utf-8")
    parsed = Structure()
    parsed.feed(page)
    assert parsed.lang == "zh-CN"
    tables = [t for t in parsed.tables if "official" in t["class"]]
    assert [t["caption"] for t in tables] == ["表二　主动公开政府信息情况", "表三　收到和处理政府信息公开申请情况",
                                              "表四　政府信息公开行政复议、行政诉讼情况"]
    for table in tables:
        assert table["th"] and all(scope in ("col", "row") for scope in table["th"])
    assert [t["thead"] for t in tables] == [0, 1, 1]  # table 二's blocks each carry their own headers
    # Every label a reader hears is a header: no <td> holds a row or column label.
    grid_cells = re.findall(r"<td[^>]*>([^<]*)</td>", page)
    assert "（三）不予公开" not in grid_cells and "自然人" not in grid_cells


def test_metadata_is_added_only_to_a_pdf_written_as_chromium_writes_one(pdf):
    from nianbao.report.pdfmeta import with_info

    assert with_info(b"not a pdf", Author="x") == b"not a pdf"
    data = with_info(pdf.read_bytes(), Author="某局（办公室）) /Evil", Subject="")
    assert data.startswith(pdf.read_bytes())  # an incremental update: Chromium's bytes kept
    info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True).stdout.decode()
    assert re.search(r"Author:\s+(.*)", info).group(1) == "某局（办公室）) /Evil"
    assert re.search(r"Subject:\s+(.*)", info).group(1) == "2021年政府信息公开工作年度报告"  # the earlier update's kept
