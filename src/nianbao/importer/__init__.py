"""Reading a report from any file: source YAML, or a published report (plain text copied from a web
page, text from `pdftotext -layout`, an HTML page, a PDF) imported in memory.

    read_any(path) -> Report      cells the importer could not read with confidence are in report.gaps;
                                  what it tolerated (label variants, left-out page furniture) is in report.source
    import_notes(report)          those tolerances as a list (for check's JSON)
    import_file(path, agency_id)  writes data/<year>/<agency_id>.yaml (the `nianbao import` command)
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .. import paths
from ..errors import NianbaoError, UsageError
from ..model.sources import SOURCE_SUFFIXES, UTF16_BOMS, Report, decode_text, dump_report, import_notes, load_report  # noqa: F401

if TYPE_CHECKING:
    from .document import Document

# The reading machinery (build, document, rows, ...) is imported when a published report is read:
# read_any on a source YAML, what every report's kernel does for last year, stays a YAML load.

SAVE_AS = ("请另存为 PDF、网页或文本后再导入", "save it as PDF, HTML or text first")
OCR = ("请先做文字识别（OCR）", "run OCR on it first")
BINARY = ((b"PK\x03\x04", "Word/Excel/WPS 文档（docx、xlsx 等）或压缩包", "an Office document (docx, xlsx, ...) or a zip archive",
           SAVE_AS),
          (b"\xd0\xcf\x11\xe0", "旧版 Word/Excel 文档（doc、xls）", "an old Office document (doc, xls)", SAVE_AS),
          (b"{\\rtf", "RTF 文档", "an RTF document", SAVE_AS),
          (b"\x89PNG", "图片", "an image", OCR), (b"\xff\xd8\xff", "图片", "an image", OCR),
          (b"GIF8", "图片", "an image", OCR), (b"II*\x00", "图片（TIFF）", "an image (TIFF)", OCR),
          (b"MM\x00*", "图片（TIFF）", "an image (TIFF)", OCR),
          (b"\x1f\x8b", "压缩文件（gzip）", "a compressed file (gzip)", SAVE_AS),
          (b"Rar!", "压缩文件（rar）", "a compressed file (rar)", SAVE_AS),
          (b"7z\xbc\xaf", "压缩文件（7z）", "a compressed file (7z)", SAVE_AS))
HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml", ".jsp", ".asp", ".aspx", ".php")
EXPECTED = ("应为已发布的政府信息公开工作年度报告（网页、文本或 PDF）",
            "expected a published annual report on government information disclosure (a web page, text or PDF)")
# Bounds on what is read, so a wrong or hostile file costs seconds and megabytes, not minutes and
# gigabytes: a report's text is 10–100 KB, its web page with the site around it well under 1 MB,
# its PDF a few MB (seals and logos are images). The worst text within them (benchmarks/
# import_worst_case.py) is read in ~20 s and ~150 MB.
MAX_TEXT_BYTES = 4 * 2**20  # a text file, or the text pdftotext gives
MAX_HTML_BYTES = 8 * 2**20  # a web page (scripts, styles and inline images are markup, skipped quickly)
MAX_PDF_BYTES = 40 * 2**20  # a PDF (images make them larger than their text)
HEAD = 8192  # bytes read to tell what a file is


def refuse(path: Path, zh: str, en: str) -> NianbaoError:
    """An input that is not a report: what it is, and what was expected (zh / en)."""
    return NianbaoError(f"{zh}；{EXPECTED[0]}", f"{en}; {EXPECTED[1]}", file=str(path))


def too_large(path: Path, size: int, limit: int, what: tuple[str, str]) -> NianbaoError:
    return refuse(path, f"文件有 {size / 2**20:.1f} MB，超过{what[0]}的导入上限 {limit // 2**20} MB",
                  f"the file is {size / 2**20:.1f} MB, over the {limit // 2**20} MB limit for {what[1]}")


def read_any(path: str | Path, assume_row_sums: bool = False) -> Report:
    """A Report from a source YAML, or from a published report file (imported in memory).
    Cells the importer could not read with confidence are listed in report.gaps; assume_row_sums
    (for a published report) fills in run-together cells the tables' own sums decide, said as inferred."""
    path = Path(path)
    if path.suffix.lower() in SOURCE_SUFFIXES:
        return load_report(path)
    return import_report(path, assume_row_sums)


def read_document(path: Path) -> Document:
    """The file as lines, by its content first (a .txt holding HTML is read as HTML), then its name.
    Only the first bytes are read until the file is known to be text of a sane size."""
    from .document import from_text

    if not path.is_file():
        if path.exists():  # a folder, a pipe, a device: nothing to read a report from
            raise refuse(path, "这不是普通文件（是目录、管道或设备）", "this is not a regular file (a folder, pipe or device)")
        raise NianbaoError("找不到文件", "file not found", file=str(path))
    size = path.stat().st_size
    if size == 0:
        raise refuse(path, "文件是空的", "the file is empty")
    with path.open("rb") as f:
        head = f.read(HEAD)
    for magic, zh, en, (advice_zh, advice_en) in BINARY:
        if head.startswith(magic):
            raise NianbaoError(f"这是{zh}，不能直接导入；{advice_zh}",
                               f"this is {en}, which cannot be imported directly; {advice_en}", file=str(path))
    if head.startswith(b"%PDF") or path.suffix.lower() == ".pdf":
        if size > MAX_PDF_BYTES:
            raise too_large(path, size, MAX_PDF_BYTES, ("PDF", "a PDF"))
        from .cells import is_value
        from .geometry import Geometry, pdf_words
        from .pdf import pdf_text

        doc = from_text(pdf_text(path, MAX_TEXT_BYTES), "PDF，经 pdftotext -layout 提取 / PDF via pdftotext -layout",
                        path.name)
        doc.geometry = Geometry(pdf_words(path), is_value)
        return doc
    if size > MAX_HTML_BYTES:
        raise too_large(path, size, MAX_HTML_BYTES, ("文本或网页", "a text file or web page"))
    raw = path.read_bytes()
    if raw.startswith(UTF16_BOMS):  # Windows' "Unicode" text: look at it as UTF-8 like the rest
        raw = decode_text(raw, str(path)).encode("utf-8")
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise refuse(path, f"这不是文本文件（第 {nul} 字节是二进制的 NUL）", f"this is not a text file (a binary NUL byte "
                     f"at offset {nul})")
    lowered = raw.lower()
    head = lowered[:2048].lstrip()
    markdown = path.suffix.lower() in (".md", ".markdown")  # a converter's Markdown may hold HTML tables
    if not markdown and (path.suffix.lower() in HTML_SUFFIXES or head.startswith((b"<!doctype html", b"<html", b"<?xml"))
                         or b"<table" in lowered or b"<p" in head):
        from .html import html_document

        return html_document(raw, path)
    if not raw.strip():
        raise refuse(path, "文件只有空白", "the file holds only blank space")
    if size > MAX_TEXT_BYTES:
        raise too_large(path, size, MAX_TEXT_BYTES, ("文本", "a text file"))
    text = decode_text(raw, str(path))
    doc = from_text(text, "", path.name)
    doc.kind = doc.kind or ("PDF 版式文本（pdftotext -layout）/ PDF layout text (pdftotext -layout)" if doc.layout
                            else "网页复制的纯文本 / plain text copied from a web page")
    return doc


def import_report(path: str | Path, assume_row_sums: bool = False) -> Report:
    """A published report read into a Report (nothing written)."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":  # the workbook agencies fill in (nianbao template)
        from ..analyst.workbook import read_workbook
        return read_workbook(path)
    from .build import build_report

    report = build_report(read_document(path), str(path), assume_row_sums)
    report.path = str(path)
    return report


def import_file(path: str | Path, agency_id: str, *, root: Path | None = None, force: bool = False,
                assume_row_sums: bool = False) -> tuple[Path, Report]:
    """Import a published report and write it as data/<year>/<agency_id>.yaml (atomically).
    An existing file is kept unless force is true."""
    agency_id = paths.check_agency_id(agency_id)
    path = Path(path)
    if path.suffix.lower() in SOURCE_SUFFIXES:
        raise UsageError(f"{path} 已是源数据（YAML），无需导入", f"{path} is already source data (YAML); nothing to import")
    report = import_report(path, assume_row_sums)
    root = Path(root) if root else paths.project_dir()
    target = paths.source_path(root, report.year, agency_id)
    paths.check_inside(target.parent, root / "data")  # e.g. data/<year> a link to elsewhere
    if (target.exists() or target.is_symlink()) and not force:
        raise UsageError(f"{target} 已存在；确认覆盖请加 --force", f"{target} exists; add --force to overwrite it")
    paths.write_atomic(target, dump_report(report), within=root / "data")
    return target, report
