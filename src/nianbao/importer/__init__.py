"""Reading a report from any file: source YAML, or a published report (plain text copied from a web
page, text from `pdftotext -layout`, an HTML page, a PDF) imported in memory.

    read_any(path) -> Report      cells the importer could not read with confidence are in report.gaps;
                                  what it tolerated (label variants, left-out page furniture) is in report.source
    import_notes(report)          those tolerances as a list (for check's JSON)
    import_file(path, agency_id)  writes data/<year>/<agency_id>.yaml (the `nianbao import` command)
"""
from __future__ import annotations

from pathlib import Path

from .. import paths
from ..errors import NianbaoError, UsageError
from ..sources import Report, dump_report, load_report, read_text
from .build import SOURCE_HEAD, build_report
from .document import Document, from_text

SOURCE_SUFFIXES = (".yaml", ".yml")
SAVE_AS = ("请另存为 PDF、网页或文本后再导入", "save it as PDF, HTML or text first")
OCR = ("请先做文字识别（OCR）", "run OCR on it first")
BINARY = ((b"PK\x03\x04", "Word/Excel/WPS 文档（docx、xlsx 等）", "an Office document (docx, xlsx, ...)", SAVE_AS),
          (b"\xd0\xcf\x11\xe0", "旧版 Word/Excel 文档（doc、xls）", "an old Office document (doc, xls)", SAVE_AS),
          (b"\x89PNG", "图片", "an image", OCR), (b"\xff\xd8\xff", "图片", "an image", OCR))
HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml", ".jsp", ".asp", ".aspx", ".php")


def read_any(path: str | Path) -> Report:
    """A Report from a source YAML, or from a published report file (imported in memory).
    Cells the importer could not read with confidence are listed in report.gaps."""
    path = Path(path)
    if path.suffix.lower() in SOURCE_SUFFIXES:
        return load_report(path)
    return import_report(path)


def import_notes(report: Report) -> list[str]:
    """What the importer tolerated or left out for this report (label variants, page furniture), one
    line each, as recorded in report.source; empty for a hand-written source. For check's JSON."""
    if not report.source.startswith(SOURCE_HEAD):
        return []
    return [line[2:] for line in report.source.splitlines() if line.startswith("- ")]


def read_document(path: Path) -> Document:
    """The file as lines, by its content first (a .txt holding HTML is read as HTML), then its name."""
    if not path.is_file():
        raise NianbaoError("找不到文件", "file not found", file=str(path))
    raw = path.read_bytes()
    head = raw[:2048].lstrip().lower()
    for magic, zh, en, (advice_zh, advice_en) in BINARY:
        if raw.startswith(magic):
            raise NianbaoError(f"这是{zh}，不能直接导入；{advice_zh}",
                               f"this is {en}, which cannot be imported directly; {advice_en}", file=str(path))
    if raw.startswith(b"%PDF") or path.suffix.lower() == ".pdf":
        from .cells import is_value
        from .geometry import Geometry, pdf_words
        from .pdf import pdf_text

        doc = from_text(pdf_text(path), "PDF，经 pdftotext -layout 提取 / PDF via pdftotext -layout", path.name)
        doc.geometry = Geometry(pdf_words(path), is_value)
        return doc
    if path.suffix.lower() in HTML_SUFFIXES or head.startswith((b"<!doctype html", b"<html", b"<?xml")) \
            or b"<table" in raw.lower() or b"<p" in head:
        from .html import html_document

        return html_document(raw, path)
    if not raw.strip():
        raise NianbaoError("文件是空的", "the file is empty", file=str(path))
    text = read_text(path)
    doc = from_text(text, "", path.name)
    doc.kind = ("PDF 版式文本（pdftotext -layout）/ PDF layout text (pdftotext -layout)" if doc.layout
                else "网页复制的纯文本 / plain text copied from a web page")
    return doc


def import_report(path: str | Path) -> Report:
    """A published report read into a Report (nothing written)."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":  # the workbook agencies fill in (nianbao template)
        from ..workbook import read_workbook
        return read_workbook(path)
    report = build_report(read_document(path), str(path))
    report.path = str(path)
    return report


def import_file(path: str | Path, agency_id: str, *, root: Path | None = None, force: bool = False) -> tuple[Path, Report]:
    """Import a published report and write it as data/<year>/<agency_id>.yaml (atomically).
    An existing file is kept unless force is true."""
    agency_id = paths.check_agency_id(agency_id)
    path = Path(path)
    if path.suffix.lower() in SOURCE_SUFFIXES:
        raise UsageError(f"{path} 已是源数据（YAML），无需导入", f"{path} is already source data (YAML); nothing to import")
    report = import_report(path)
    root = Path(root) if root else paths.project_dir()
    target = paths.source_path(root, report.year, agency_id)
    paths.check_inside(target.parent, root / "data")  # e.g. data/<year> a link to elsewhere
    if (target.exists() or target.is_symlink()) and not force:
        raise UsageError(f"{target} 已存在；确认覆盖请加 --force", f"{target} exists; add --force to overwrite it")
    paths.write_atomic(target, dump_report(report), within=root / "data")
    return target, report
