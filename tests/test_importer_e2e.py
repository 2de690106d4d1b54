"""Import what nianbao itself publishes: the rendered sample's report.html and report.pdf give back
the source they came from; so do 上海 2019 (blank cells) and 淮安 2024 laid out and printed the same
way. Real Chromium, real pdftotext."""
from __future__ import annotations

import pytest

from nianbao.report import layout
from nianbao.model import sources
from nianbao.importer import read_any
from nianbao.report.publish import PdfPrinter

from conftest import FIXTURES, ROOT, SAMPLES


def test_rendered_sample_html_and_pdf_import_back_to_their_source(rendered_sample):
    source = sources.load_report(ROOT / "data" / "2021" / "jiaozuo-jyj.yaml")
    for name in ("report.html", "report.pdf"):
        back = read_any(rendered_sample.out_dir / name)
        assert sources.report_equal(back, source), name
        assert back.gaps == []


def test_the_pdfs_text_saved_as_a_file_is_not_taken_for_hard_wrapped_text(rendered_sample, tmp_path):
    # Its justified Chinese lines are mostly of one length, as a hard wrap's would be; its tables are not cut.
    import subprocess

    text = tmp_path / "report.txt"
    subprocess.run(["pdftotext", "-layout", str(rendered_sample.out_dir / "report.pdf"), str(text)], check=True)
    back = read_any(text)
    source = sources.load_report(ROOT / "data" / "2021" / "jiaozuo-jyj.yaml")
    assert (back.table2, back.table3, back.table4, back.gaps) == (source.table2, source.table3, source.table4, [])
    assert "hard-wrapped" not in back.source


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """上海 2019 and 淮安 2024 imported from the samples, laid out as nianbao lays out a report and
    printed to PDF by one Chromium."""
    out = tmp_path_factory.mktemp("printed")
    css = (ROOT / "templates" / "nianbao" / "report.css").read_text(encoding="utf-8")
    made = {}
    # A5 paper as well: the title wraps, and numbers centred beside a two-line label fall between lines.
    a5 = css.replace("size: A4", "size: A5").replace("margin: 2.4cm 2cm 2.2cm 2cm", "margin: 1.5cm 1.2cm")
    with PdfPrinter() as printer:
        for sample, style in (("shanghai-szfbgt-2019", css), ("huaian-szf-2024", css), ("shanghai-szfbgt-2019-a5", a5)):
            report = read_any(SAMPLES / f"{sample.removesuffix('-a5')}.txt")
            page = out / f"{sample}.html"
            page.write_text(f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>{style}</style></head>'
                            f"<body>{layout.report_html(report)}</body></html>", encoding="utf-8")
            pdf = out / f"{sample}.pdf"
            pdf.write_bytes(printer.print_pdf(page))
            made[sample] = (report, page, pdf)
        site = out / "site-page.pdf"  # a site's own page, printed as it stands (nav, sidebar, its table widths)
        site.write_bytes(printer.print_pdf(FIXTURES / "importer" / "site-page-gbk.html"))
        made["site-page"] = site
    return made


@pytest.mark.parametrize("sample", ["shanghai-szfbgt-2019", "huaian-szf-2024", "shanghai-szfbgt-2019-a5"])
@pytest.mark.parametrize("kind", ["html", "pdf"])
def test_laid_out_and_printed_reports_import_back(printed, sample, kind):
    report, page, pdf = printed[sample]
    back = read_any(page if kind == "html" else pdf)
    report.options.pop("published", None)  # the page does not print the publication date
    assert sources.report_equal(back, report)
    if sample.startswith("shanghai"):  # blank cells placed by where the numbers stand on the page
        assert back.table3["本年新收"] == [821, 35, None, None, 2, 1, 859]
        assert back.table4["行政复议"] == [5, None, None, 2, 7]


def test_a_printed_site_page_reads_its_tables_like_the_page(printed):
    """Another table layout (the site's widths, headers wrapped a character per line, a blank column,
    a 「—」): every cell as the HTML gives it, blanks placed by where the numbers stand."""
    from_pdf, from_html = read_any(printed["site-page"]), read_any(FIXTURES / "importer" / "site-page-gbk.html")
    assert (from_pdf.table2, from_pdf.table3, from_pdf.table4) == (from_html.table2, from_html.table3, from_html.table4)
    assert from_pdf.table3["不予公开.6"] == [0, 0, 0, None, 0, 0, 0]
    assert from_pdf.gaps == from_html.gaps and len(from_pdf.gaps) == 1
