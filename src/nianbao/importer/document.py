"""A published report as lines, whatever it came from.

Three shapes of text reach the importer:
- *plain*: one line per paragraph, as copied from a web page; table rows come as tab-separated cells;
- *layout*: `pdftotext -layout` output, lines wrapped at the page width, table columns aligned by
  spaces, page numbers and form feeds between pages;
- HTML, flattened by importer.html into plain lines and table rows (cells from the span-expanded grid).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model.sources import CONTROL

# A page number printed alone on its line: -3-, — 3 —, 第3页, 第 3 页 共 6 页, 3/6.
PAGE_NUMBER = re.compile(r"^\s*(?:[-—－–]\s*\d{1,4}\s*[-—－–]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
                         r"|\d{1,4}\s*/\s*\d{1,4})\s*$")
BARE_NUMBER = re.compile(r"^\s*\d{1,3}\s*$")
COLUMN_GAP = re.compile(r"\S {2,}\S")


@dataclass
class Line:
    text: str  # as printed; in plain documents one paragraph (it may hold line breaks from <br>)
    cells: list[str] | None = None  # a table row: its cells (tab-separated text, an HTML grid row)
    page: int = 1
    path: tuple = ()  # HTML: ids of the enclosing elements, to find the article among the site's parts
    soft: bool = False  # HTML: follows a <br> in the same block without a new indent (same paragraph)

    def __post_init__(self):
        # Control characters (a stray \x07, a form feed inside a copied table) are not text and would
        # make the report's source refuse to load: they are dropped where every line is made.
        self.text = CONTROL.sub("", self.text)
        if self.cells is not None:
            self.cells = [CONTROL.sub("", c) for c in self.cells]

    @property
    def blank(self) -> bool:
        return not self.text.strip() and not any(c.strip() for c in self.cells or ())


@dataclass
class Document:
    lines: list[Line]
    layout: bool  # pdftotext -layout text: wrapped lines, columns aligned by spaces
    kind: str  # what the file was, for report.source
    name: str = ""
    head_title: str = ""  # HTML <title>, a last resort for the report title
    geometry: object = None  # PDF word boxes (importer.geometry.Geometry) to place numbers beside blank cells
    notes: list[str] = field(default_factory=list)
    cut_off: bool = False  # HTML without its closing </html>: a page saved or downloaded half-way
    published: str = ""  # the publication date the page's metadata gives (YYYY-MM-DD)


def is_layout(text: str) -> bool:
    """Text from pdftotext -layout rather than copied from a web page: no tabs, and either page breaks
    or several lines whose words stand in columns separated by runs of spaces."""
    if "\t" in text:
        return False
    if "\f" in text:
        return True
    lines = [line for line in text.splitlines() if line.strip()]
    columned = sum(1 for line in lines if COLUMN_GAP.search(line.strip()))
    indented = sum(1 for line in lines if re.match(r"^ {2,}\S", line))
    return columned >= 3 or indented >= max(3, len(lines) // 5)


def from_text(text: str, kind: str, name: str = "") -> Document:
    from .flat import is_flat, unflatten, unwrap
    from .markdown import is_markdown, markdown_document

    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    if is_markdown(text):
        return markdown_document(text, kind or "PDF 转换器生成的 Markdown / Markdown from a PDF converter", name)
    notes = []
    text, wrapped = unwrap(text) if not kind else (text, False)  # what pdftotext gave just now is not wrapped
    if wrapped:
        notes.append("文本按固定宽度折行，折断的行已接回 / the text was hard-wrapped at a fixed width; cut lines "
                     "were joined again")
    if is_layout(text):
        if not any(is_flat(line) for line in re.split(r"[\n\f]", text)):
            return Document(layout_lines(text), True, kind, name, notes=notes)
        text = text.replace("\f", "\n")  # PDF text with each page on one line: its columns are gone too
    text, flat = unflatten(text)
    if flat and not kind:
        kind = "连成一行的网页文本 / flattened page text (the report on one line)"
    if flat:
        notes.append(f"整篇报告连成 {flat} 行（网页“复制文本”或存档），已按节标题和表格行标签切开 / the report came "
                     f"flattened on {flat} line(s) (a page's copied text or an archive); cut at its section headings "
                     "and table row labels")
    lines = []
    for raw in text.split("\n"):
        raw = raw.rstrip("\n")
        if "\t" in raw:
            lines.append(Line(raw, raw.split("\t")))
        else:
            lines.append(Line(raw))
    return Document(lines, False, kind, name, notes=notes)


def layout_lines(text: str) -> list[Line]:
    """Lines of pdftotext -layout output with page numbers dropped and each line's page known."""
    out: list[Line] = []
    pages = text.split("\f")
    for number, page in enumerate(pages, 1):
        raw = page.split("\n")
        filled = [i for i, line in enumerate(raw) if line.strip()]
        for i, line in enumerate(raw):
            if PAGE_NUMBER.match(line):
                continue
            # A bare number as the first or last thing on a page is its page number.
            if filled and i in (filled[0], filled[-1]) and BARE_NUMBER.match(line) and len(pages) > 1:
                continue
            out.append(Line(line.rstrip(), None, number))
    while out and out[-1].blank:
        out.pop()
    return out
