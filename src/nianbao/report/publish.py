"""The publishable files: report.html from the executed notebook (nbconvert, our template),
report.pdf from that HTML (headless Chromium through playwright, A4, real text)."""
from __future__ import annotations

import contextlib
import os
import shutil
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
