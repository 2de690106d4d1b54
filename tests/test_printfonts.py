"""PDFs printed with subsets of the page's fonts look exactly like those printed with the whole
installed fonts: the same pixels on every page, the same text. Real Chromium, real fonts."""
from __future__ import annotations

import contextlib
import subprocess
from pathlib import Path

import pytest

from nianbao.report import printfonts
from nianbao.report.publish import PdfPrinter


def gray_pages(pdf: Path, dpi: int = 110) -> list[bytes]:
    """Each page rendered by poppler as raw 8-bit gray pixels."""
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", str(pdf), str(pdf.with_suffix(""))], check=True)
    pages = []
    for path in sorted(pdf.parent.glob(f"{pdf.stem}-*.pgm")):
        data = path.read_bytes()
        width, height = (int(n) for n in data.split(maxsplit=3)[1:3])
        pages.append(data[-width * height:])
    return pages


def text_of(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def printed(rendered_sample, tmp_path_factory):
    """The sample's report.html printed twice: with the installed fonts, and with subsets."""
    html = rendered_sample.out_dir / "report.html"
    folder = tmp_path_factory.mktemp("print")
    with PdfPrinter() as printer:
        subsetting = printfonts.print_copy
        printfonts.print_copy = lambda path: contextlib.nullcontext()
        try:
            (folder / "whole.pdf").write_bytes(printer.print_pdf(html))
        finally:
            printfonts.print_copy = subsetting
        (folder / "subset.pdf").write_bytes(printer.print_pdf(html))
    assert sorted(p.name for p in html.parent.iterdir() if p.name.startswith(".")) == []  # the print copy and fonts are gone
    return folder / "whole.pdf", folder / "subset.pdf"


def test_the_fonts_the_report_names_are_subset():
    css = (Path(__file__).resolve().parents[1] / "templates" / "nianbao" / "report.css").read_text(encoding="utf-8")
    assert printfonts.families_in(css) == ["Noto Serif CJK SC", "Noto Sans CJK SC"]
    assert {f.weight for f in printfonts.installed_faces("Noto Serif CJK SC")} == {400, 700}


def test_subset_fonts_print_the_same_pages(printed):
    whole, subset = printed
    assert text_of(subset) == text_of(whole)
    assert "焦作市教育局" in text_of(subset)
    pages = gray_pages(whole)
    assert len(pages) >= 3 and gray_pages(subset) == pages  # pixel for pixel, vertical headers included
    assert subset.stat().st_size < 0.75 * whole.stat().st_size  # what made the whole fonts slow: their bulk
    fonts = subprocess.run(["pdffonts", str(subset)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(row.split()[-3] == "yes" for row in rows)  # every font maps back to Unicode
