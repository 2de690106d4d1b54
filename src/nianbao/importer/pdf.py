"""Text from a PDF with poppler's `pdftotext -layout`.

Why poppler rather than a Python library: `-layout` keeps each table row on one line with its
columns in place, which is what the table reader needs (pypdf and pdfminer give text in drawing
order, where a wrapped label and its row's numbers come apart); it handles the CID fonts Chinese
PDFs use; it is a Debian package nianbao already installs (poppler-utils), so no new dependency;
and the shared sample text was made with it, so the PDF and its text read the same way.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from ..errors import NianbaoError

TIMEOUT = 120  # seconds; a real report is read in well under one
MIN_CHARS_PER_PAGE = 20  # fewer letters than this on average: the pages are images
MAX_PAGES = 100  # a report runs to 5–40 pages; text is read from the first MAX_PAGES + 1 only
MEMORY = 2**30  # bytes of address space for pdftotext: a hostile PDF cannot exhaust the machine


class ScannedPdf(NianbaoError):
    """A PDF whose pages are pictures (no text layer): it needs OCR before it can be imported."""


def _limit_memory() -> None:  # runs in the pdftotext child, before exec
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def run_pdftotext(path: Path, *options: str) -> subprocess.CompletedProcess | None:
    """pdftotext on the first MAX_PAGES + 1 pages, bounded in time and memory; None if not installed."""
    exe = shutil.which("pdftotext")
    if not exe:
        return None
    try:
        return subprocess.run([exe, *options, "-l", str(MAX_PAGES + 1), "-enc", "UTF-8", str(path), "-"],
                              capture_output=True, timeout=TIMEOUT, check=False, preexec_fn=_limit_memory)
    except subprocess.TimeoutExpired:
        raise NianbaoError(f"pdftotext 超过 {TIMEOUT} 秒未完成", f"pdftotext took longer than {TIMEOUT} s",
                           file=str(path)) from None


def pdf_text(path: Path, max_bytes: int = 8 * 2**20) -> str:
    done = run_pdftotext(path, "-layout")
    if done is None:
        raise NianbaoError("未找到 pdftotext，无法读取 PDF；安装：sudo apt-get install poppler-utils",
                           "pdftotext not found, cannot read PDF; install it with 'sudo apt-get install poppler-utils'",
                           file=str(path))
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = detail[-1] if detail else f"exit status {done.returncode}"
        raise NianbaoError(f"PDF 无法读取（损坏或加密？）：{detail}", f"cannot read the PDF (damaged or encrypted?): {detail}",
                           file=str(path))
    pages = max(1, done.stdout.count(b"\f"))
    if pages > MAX_PAGES or len(done.stdout) > max_bytes:
        raise NianbaoError(f"PDF 超过 {MAX_PAGES} 页或文字超过 {max_bytes // 2**20} MB，不像一份年报（年报通常 5–40 页）",
                           f"the PDF has more than {MAX_PAGES} pages or {max_bytes // 2**20} MB of text: not one annual "
                           "report (they run to 5–40 pages)", file=str(path))
    text = done.stdout.decode("utf-8", "replace")
    letters = len(re.findall(r"[\u4e00-\u9fffA-Za-z0-9]", text))
    if letters < MIN_CHARS_PER_PAGE * pages:
        raise ScannedPdf("PDF 没有文字层（可能是扫描件或图片），无法读取文字；请先做文字识别（OCR）再导入",
                         "the PDF has no text layer (a scan or images), so there is no text to read; run OCR on it "
                         "first, then import the result", file=str(path))
    return text
