"""整改清单: every finding of every agency of a year, ready to mail back — outputs/<year>/整改清单.xlsx
(a sheet of per-agency summary rows, a sheet of every finding with an agency filter) and
整改清单.csv (the same finding rows, UTF-8 with a BOM so that Excel reads the Chinese).

One row per finding in the agencies' validation.json files, no more and no fewer: the counts
are those files' counts. Text from the files is written as text, never as a formula (a message
beginning with = stays a message), with control characters shown as escapes.
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from .. import paths
from ..errors import printable
from .collect import STATE_LABELS, Agency, Region, collect_region

XLSX, CSV = "整改清单.xlsx", "整改清单.csv"
SUMMARY_SHEET, FINDINGS_SHEET = "各机构汇总", "整改清单"
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
REVIEW_LABELS = {"confirmed": "已确认", "dismissed": "已排除"}
COLUMNS = ("机构标识", "机构", "规则", "规则内容", "级别", "表", "行", "列", "应为", "实为", "说明",
           "发现编号", "审核状态", "审核理由", "审核人", "审核时间")
SUMMARY_COLUMNS = ("机构标识", "机构", "状态", "错误", "警告", "发现合计", "未排除的错误")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(value) -> object:
    """A cell's value: numbers stay numbers; anything else its text, control characters escaped."""
    if value is None or isinstance(value, bool):
        return "" if value is None else str(value)
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False)
    return printable(str(value))


def finding_row(agency: Agency, finding: dict) -> list:
    from ..rules.catalog import RULES

    rule = str(finding.get("rule") or "")
    review = finding.get("review") if isinstance(finding.get("review"), dict) else {}
    state = str(review.get("state") or "")
    return [_text(v) for v in (
        agency.id, agency.name, rule, RULES[rule].title if rule in RULES else "",
        SEVERITY_LABELS.get(finding.get("severity"), finding.get("severity")), finding.get("table"),
        finding.get("row"), finding.get("column"), finding.get("expected"), finding.get("actual"),
        finding.get("message"), finding.get("id"), REVIEW_LABELS.get(state, state) if review else "未审核",
        review.get("reason"), review.get("by"), review.get("at"))]




def summary_row(agency: Agency) -> list:
    errors = agency.count("error")
    return [_text(v) for v in (agency.id, agency.name, STATE_LABELS.get(agency.state, agency.state), errors,
                               len(agency.findings) - errors, len(agency.findings), len(agency.standing("error")))]


def rows(region: Region) -> list[list]:
    return [finding_row(a, f) for a in region.agencies for f in a.findings]


def _sheet(wb, title: str, header, body, widths) -> None:
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    ws.append(list(header))
    for row in body:
        ws.append(row)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, not a formula
    for cell in ws[1]:
        cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="F2F2F2")
    for index, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(ws.max_row, 1)}"  # filter by agency, rule …


def workbook_bytes(region: Region) -> bytes:
    import datetime as dt

    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    _sheet(wb, SUMMARY_SHEET, SUMMARY_COLUMNS, [summary_row(a) for a in region.agencies], (20, 30, 16, 8, 8, 10, 12))
    _sheet(wb, FINDINGS_SHEET, COLUMNS, rows(region), (20, 30, 8, 40, 6, 8, 24, 12, 10, 10, 60, 18, 10, 30, 12, 20))
    wb.properties.title = f"{region.year}年政府信息公开工作年度报告 整改清单"
    wb.properties.creator = "nianbao"
    when = dt.datetime(region.year + 1, 1, 1)
    wb.properties.created = when
    buffer = io.BytesIO()
    wb.save(buffer)
    return stable_zip(buffer.getvalue(), when)


def stable_zip(raw: bytes, when) -> bytes:
    """The workbook with no clock in it: openpyxl stamps the time of saving into docProps/core.xml
    and every zip entry; both become `when`, so the same findings give the same bytes."""
    import re
    import zipfile

    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, data)
            new.writestr(zipfile.ZipInfo(item.filename, date_time=when.timetuple()[:6]), data,
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _csv_cell(value) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value  # a spreadsheet opening the CSV must not run it
    return value


def csv_text(region: Region) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows(region):
        writer.writerow([_csv_cell(v) for v in row])
    return "\ufeff" + buffer.getvalue()


def export(root: Path | None, year, government: str = "", region: Region | None = None) -> list[Path]:
    """Write outputs/<year>/整改清单.xlsx and .csv; the files written."""
    root = Path(root) if root else paths.project_dir()
    year = paths.check_year(year)
    region = region or collect_region(root, year, government, sources=False)
    out_dir = root / "outputs" / str(year)
    paths.refuse_links(out_dir, root / "outputs")
    made = {XLSX: workbook_bytes(region), CSV: csv_text(region).encode("utf-8")}
    for name, data in made.items():
        paths.write_atomic(out_dir / name, data, within=root / "outputs")
    return [out_dir / name for name in made]
