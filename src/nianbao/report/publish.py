"""The publishable files: report.html from the executed notebook (nbconvert, our template),
report.pdf from that HTML (headless Chromium through playwright, A4, real text)."""
from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

from . import pagebreaks, pdfmeta
from . import printfonts
from ..errors import NianbaoError, RenderError

TEMPLATE = "nianbao"
CHROMIUM_ENV = "NIANBAO_CHROMIUM"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# As root with no network: no sandbox, no GPU, no background connections (they fail and stall).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
INSTALL_HINT = ("未找到 Chromium，已只生成 HTML；安装：sudo apt-get install chromium fonts-noto-cjk，"
                f"或设置 {CHROMIUM_ENV}=/path/to/chromium / Chromium not found, wrote HTML only; install it with "
                f"'sudo apt-get install chromium fonts-noto-cjk' or set {CHROMIUM_ENV}")


# Tagged (a screen reader follows headings and table cells) and with an outline of the headings.
# Page numbers come from the page's own CSS (@page margin boxes), so they print from a browser too.
# Chromium puts only <title> into the PDF's information; the page's author and description go in after.
META_JS = """() => { const m = n => (document.querySelector(`meta[name=${n}]`) || {}).content || '';
                     return {author: m('author'), subject: m('description')}; }"""
PDF_OPTIONS = dict(format="A4", print_background=True, prefer_css_page_size=True, tagged=True, outline=True)


class ChromiumMissing(NianbaoError):
    def __init__(self):
        super().__init__(*INSTALL_HINT.split(" / "))


_exporters: dict[str, HTMLExporter] = {}


def html_exporter(templates_dir: Path) -> HTMLExporter:
    """One exporter per process and template dir (building one costs more than using it)."""
    key = str(templates_dir)
    if key not in _exporters:
        _exporters[key] = HTMLExporter(template_name=TEMPLATE, extra_template_basedirs=[key])
    return _exporters[key]


def notebook_to_html(nb: nbformat.NotebookNode, templates_dir: Path, title: str, author: str = "",
                     subject: str = "") -> str:
    resources = {"nianbao": {"title": title, "author": author, "subject": subject}}
    html, _ = html_exporter(templates_dir).from_notebook_node(nb, resources=resources)
    return html


def find_chromium() -> str | None:
    explicit = os.environ.get(CHROMIUM_ENV)
    if explicit:
        return explicit if Path(explicit).is_file() and os.access(explicit, os.X_OK) else None
    return next((p for p in map(shutil.which, CHROMIUM_NAMES) if p), None)


class PdfPrinter:
    """One headless Chromium and one reused tab printing every PDF of this process."""

    def __init__(self, executable: str | None = None):
        self.executable = executable or find_chromium()
        if not self.executable:
            raise ChromiumMissing()
        self._pw = self._browser = self._page = None

    def start(self) -> "PdfPrinter":
        """Launch Chromium now rather than at the first PDF."""
        if self._page is None:
            self._start()
        return self

    def _start(self):
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        self._browser = self._pw.chromium.launch(executable_path=self.executable, args=CHROMIUM_ARGS, headless=True)
        self._page = self._browser.new_page()
        self._page.emulate_media(media="print")

    def print_pdf(self, html_path: Path) -> bytes:
        """The page as an A4 PDF. Printed from a copy that carries subsets of its fonts (see
        printfonts: the same look, a fraction of the cost); from the page itself if none."""
        html_path = Path(html_path).resolve()
        with contextlib.ExitStack() as stack:
            try:
                copy = stack.enter_context(printfonts.print_copy(html_path))
            except (OSError, UnicodeError):
                copy = None
            return self._print(copy or html_path, html_path, fonts=copy is not None)

    def _print(self, page: Path, html_path: Path, *, fonts: bool) -> bytes:
        for attempt in (1, 2):  # a crashed browser is restarted once
            try:
                if self._page is None:
                    self._start()
                self._page.goto(page.as_uri(), wait_until="load")
                if fonts:
                    self._page.evaluate("document.fonts.ready.then(() => true)")
                pagebreaks.split_labels(self._page)
                info = self._page.evaluate(META_JS)
                return pdfmeta.with_info(self._page.pdf(**PDF_OPTIONS), Author=info["author"],
                                         Subject=info["subject"])
            except Exception as error:  # noqa: BLE001 - playwright raises several unrelated types
                self.close()
                if attempt == 2:
                    detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
                    raise RenderError(f"Chromium 打印 PDF 失败（已重启一次仍失败）：{detail}",
                                      f"Chromium failed to print the PDF (also after one restart): {detail}",
                                      file=str(html_path), cause="pdf") from None
        raise AssertionError("unreachable")

    def close(self):
        for thing, method in ((self._browser, "close"), (self._pw, "stop")):
            try:
                if thing is not None:
                    getattr(thing, method)()
            except Exception:  # noqa: BLE001 - closing a dead browser may fail in many ways
                pass
        self._pw = self._browser = self._page = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# ------------------------------------------------------------------ the same PDF from the same page
PDF_DATE = re.compile(rb"/(CreationDate|ModDate)\s*\((D:[^)]*)\)")
PDF_ID = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]*)>\s*<([0-9A-Fa-f]*)>\s*\]")
PUBLISHED = re.compile(r"(\d{4})\s*[年/.-]\s*(\d{1,2})\s*[月/.-]\s*(\d{1,2})")
BEIJING = timezone(timedelta(hours=8))


def pdf_date(year: int, published: str | None = None) -> datetime:
    """The date a report's PDF carries: $SOURCE_DATE_EPOCH when set, else its publication date
    (options.published, e.g. 2022年1月20日), else 31 January of the next year (the legal deadline)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), timezone.utc)
    match = PUBLISHED.search(str(published or ""))
    if match:
        with contextlib.suppress(ValueError):
            return datetime(*map(int, match.groups()), tzinfo=BEIJING)
    return datetime(int(year) + 1, 1, 31, tzinfo=BEIJING)


def reproducible_pdf(data: bytes, when: datetime) -> bytes:
    """Chromium stamps its clock into the Info dictionary (CreationDate, ModDate) and may write a
    random trailer /ID: rewrite them in place, to `when` and to a hash of the rest of the file. Every
    replacement keeps its length (padded with blanks outside the string), so the xref offsets stay valid."""
    offset = when.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign, minutes = ("+" if minutes >= 0 else "-"), abs(minutes)
    stamp = f"D:{when:%Y%m%d%H%M%S}{sign}{minutes // 60:02d}'{minutes % 60:02d}'".encode()

    def date(match: re.Match) -> bytes:
        old = match.group(0)
        new = b"/" + match.group(1) + b" (" + (stamp if len(stamp) <= len(match.group(2)) else stamp[:16]) + b")"
        return new.ljust(len(old)) if len(new) <= len(old) else old

    data = PDF_DATE.sub(date, data)
    hexes = re.compile(rb"<[0-9A-Fa-f]*>")
    blank = PDF_ID.sub(lambda m: hexes.sub(lambda h: b"<" + b"0" * (len(h.group(0)) - 2) + b">", m.group(0)), data)
    digest = hashlib.sha256(blank).hexdigest().upper().encode()

    def ident(match: re.Match) -> bytes:
        return hexes.sub(lambda h: b"<" + (digest * 4)[:len(h.group(0)) - 2] + b">", match.group(0))

    return PDF_ID.sub(ident, blank)
