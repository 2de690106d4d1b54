"""Reading a report from any file: source YAML now; published reports (text, HTML, PDF) by the importer."""
from __future__ import annotations

from pathlib import Path

from ..errors import NianbaoError
from ..sources import Report, load_report

SOURCE_SUFFIXES = (".yaml", ".yml")


def read_any(path: str | Path) -> Report:
    """A Report from a source YAML, or from a published report file (imported in memory).
    Cells the importer could not read with confidence are listed in report.gaps."""
    path = Path(path)
    if path.suffix.lower() in SOURCE_SUFFIXES:
        return load_report(path)
    if path.suffix.lower() == ".xlsx":  # the template agencies fill in (nianbao template)
        from ..workbook import read_workbook
        return read_workbook(path)
    raise NianbaoError(f"无法读取此类文件：{path.suffix or '（无扩展名）'}", f"cannot read this kind of file: {path.suffix or '(no suffix)'}",
                       file=str(path))
