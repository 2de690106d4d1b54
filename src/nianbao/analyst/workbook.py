"""The Excel workbook agencies fill in, and reading it back into a Report.

The sheets 表二/表三/表四 are drawn from the same cell grids as the publishable tables
(layout.TABLE_CELLS), so merged headers sit exactly where the national format puts them. Label
cells are locked (sheet protection, no password: it guards against slips, not people); input cells
accept numbers only (data validation). Excel lets pasted text through validation, so reading back
checks every cell again with the source schema (sources.parse_report) and names each problem by
its cell address, e.g. 表三!D7.
"""
from __future__ import annotations

import hashlib
import io
import math
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .. import paths
from ..model import formats
from ..report import layout
from ..errors import NianbaoError, Problem, SourceError
from ..model.formats import COUNT, DELTA, MONEY, Format
from ..model.sources import MAX_COUNT, Money, Report, parse_report

NARRATIVE_SHEET = "文字"
TABLE_SHEETS = {t.number: t.name for t in formats.TABLES}  # a sheet per table, named 表二 …
TABLE_KEYS = {t.number: t.key for t in formats.TABLES}  # the source's top-level keys
TABLE_TOP = 2  # row 1 holds the section heading; each table starts on row 2
YEAR_ROW = 3  # 文字!B3 holds the report year, which decides the format of everything else
PREAMBLE_LABEL = "前言（可选：编制依据、统计期限、联系方式）"
SECTION_HEIGHTS = {"一": 320, "五": 200, "六": 120}  # points; 一 runs to ~1000 characters (30号)

LABEL_FILL, INPUT_FILL = "F2F2F2", "FFFFFF"
INSTRUCTIONS = ("填写说明：只在白色单元格填写。表格填阿拉伯数字，不带单位、不带千分位；没有的填 0，不要留空。"
                "文字部分每段占一行（单元格内换行：Alt+Enter）。灰色单元格已锁定。")


@dataclass(frozen=True)
class Placed:
    """A layout cell at its place in a sheet (1-based row and column)."""

    cell: layout.Cell
    row: int
    col: int

    @property
    def address(self) -> str:
        from openpyxl.utils import get_column_letter

        return f"{get_column_letter(self.col)}{self.row}"


def place(rows: list[list[layout.Cell]], top: int = TABLE_TOP) -> list[Placed]:
    """Put each cell at the first free column of its row, skipping positions that a rowspan above
    already covers (the HTML table model)."""
    taken: set[tuple[int, int]] = set()
    placed = []
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            taken.update((r + dr, c + dc) for dr in range(cell.rowspan) for dc in range(cell.colspan))
            placed.append(Placed(cell, top + r, c + 1))
            c += cell.colspan
    return placed


def blank_report(year: int) -> Report:
    return Report(agency="", year=year, format=formats.format_for_year(year))


def table_cells(report: Report) -> dict[str, list[Placed]]:
    return {number: place(build(report)) for number, build in layout.TABLE_CELLS.items()}


def field_name(ref: layout.CellRef, fmt: Format) -> str:
    """The field sources.parse_report names for a cell, e.g. table3.予以公开[自然人]."""
    table = formats.table(ref.table)
    columns = fmt.table2_rows[ref.row].columns if table is formats.TABLE2 else fmt.columns(table)
    return f"{table.key}.{ref.row}[{columns[ref.index].label}]"


def unit_printed(label: str) -> bool:
    """A header that prints the unit (a declared fee header, with or without its variant); 2019
    采购总金额 prints none, so its cells carry one."""
    return any(f.fee and f.fee.pattern.fullmatch(label) for f in formats.FORMATS.values())


# ------------------------------------------------------------------ writing
def _styles():
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

    thin = Side(style="thin", color="000000")
    return {
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "left": Alignment(horizontal="left", vertical="center", wrap_text=True),
        "vertical": Alignment(horizontal="center", vertical="center", text_rotation=255, wrap_text=True),
        "text": Alignment(horizontal="left", vertical="top", wrap_text=True),
        "label": PatternFill("solid", fgColor=LABEL_FILL),
        "input": PatternFill("solid", fgColor=INPUT_FILL),
        "heading": Font(bold=True, size=12),
        "unlocked": Protection(locked=False),
    }


def _validations(ws):
    """One data validation per kind of input cell, with the same wording as the schema's errors."""
    from openpyxl.worksheet.datavalidation import DataValidation

    def dv(kind_type, operator, f1, f2, title, text):
        v = DataValidation(type=kind_type, operator=operator, formula1=f1, formula2=f2, allow_blank=True,
                           showErrorMessage=True, showInputMessage=True, errorTitle=title, error=text,
                           promptTitle=title, prompt=text)
        ws.add_data_validation(v)
        return v

    return {
        COUNT: dv("whole", "between", "0", str(MAX_COUNT), "非负整数", "请填不带单位的非负整数，没有的填 0。"),
        DELTA: dv("whole", "between", str(-MAX_COUNT), str(MAX_COUNT), "整数（可为负）", "本年增/减：请填整数，减少用负数，如 -3。"),
        MONEY: dv("decimal", "greaterThanOrEqual", "0", None, "非负金额", "请填数字（单位见表头），没有的填 0。"),
        "money-unit": dv(None, None, None, None, "金额（带单位）", "表头未印单位：请写数字和单位，如 125.5万元。"),
    }


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _write_table(ws, placed: list[Placed], heading: str, widths: list[float], st) -> None:
    from openpyxl.utils import get_column_letter

    ncols = max(p.col + p.cell.colspan - 1 for p in placed)
    ws.cell(row=1, column=1, value=heading).font = st["heading"]
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    dvs = _validations(ws)
    lines: dict[int, int] = {}
    for p in placed:
        cell = ws.cell(row=p.row, column=p.col)
        is_input = p.cell.ref is not None
        if not is_input:
            cell.value = p.cell.text
            vertical = "top" in p.cell.cls.split()
            cell.alignment = st["vertical"] if vertical else st["left" if "label" in p.cell.cls else "center"]
            width = sum(widths[p.col - 1 + i] for i in range(p.cell.colspan))
            if p.cell.rowspan == 1 and not vertical:
                lines[p.row] = max(lines.get(p.row, 1), math.ceil(_width(p.cell.text) / max(width - 1, 1)))
        else:
            cell.alignment = st["center"]
            cell.protection = st["unlocked"]
            kind = p.cell.ref.kind
            if kind == MONEY and not unit_printed(_header_above(placed, p)):
                kind = "money-unit"
            dvs[kind].add(cell.coordinate)
            cell.number_format = "0" if kind in (COUNT, DELTA) else "General"
        for dr in range(p.cell.rowspan):
            for dc in range(p.cell.colspan):
                c = ws.cell(row=p.row + dr, column=p.col + dc)
                c.border = st["border"]
                c.fill = st["input"] if is_input else st["label"]
                if is_input and (dr or dc):
                    c.protection = st["unlocked"]
        if p.cell.rowspan > 1 or p.cell.colspan > 1:
            ws.merge_cells(start_row=p.row, start_column=p.col, end_row=p.row + p.cell.rowspan - 1,
                           end_column=p.col + p.cell.colspan - 1)
    for row, n in lines.items():
        ws.row_dimensions[row].height = 15 * n + 3
    last = max(p.row + p.cell.rowspan - 1 for p in placed) + 2
    ws.cell(row=last, column=1, value=INSTRUCTIONS).alignment = st["text"]
    ws.merge_cells(start_row=last, start_column=1, end_row=last, end_column=ncols)
    ws.row_dimensions[last].height = 48
    _protect(ws)


def _header_above(placed: list[Placed], value: Placed) -> str:
    """The header printed over a value cell (table 二: its block's header row)."""
    above = [p for p in placed if p.cell.header and p.col == value.col and p.row < value.row]
    return above[-1].cell.text if above else ""


def table_widths(fmt: Format, number: str) -> list[int]:
    """Column widths of a table's sheet: table 二 a label and its widest block, table 三 three label
    columns and a number column each, table 四 a number column for each group's columns."""
    table = formats.table(number)
    if table is formats.TABLE2:
        return [26] + [16] * max(sum(c.span for c in b.columns) for b in fmt.table2)
    if table is formats.TABLE3:
        return [5, 13, 30] + [9] * len(fmt.table3_columns)
    return [8] * (len(fmt.table4_groups) * len(fmt.table4_columns))


@dataclass(frozen=True)
class TextRow:
    """One row of the 文字 sheet: the label in column A, the value in column B."""

    row: int
    label: str
    field: str  # the source field it fills: agency, year, format, sections.一 …, preamble
    editable: bool = True
    height: float | None = None


def text_rows(fmt: Format) -> list[TextRow]:
    rows = [TextRow(YEAR_ROW - 1, "机构名称", "agency"), TextRow(YEAR_ROW, "报告年度", "year", False),
            TextRow(YEAR_ROW + 1, "适用格式", "format", False)]
    rows += [TextRow(YEAR_ROW + 2 + i, s.heading, f"sections.{s.number}", True, SECTION_HEIGHTS.get(s.number, 160))
             for i, s in enumerate(_text_sections(fmt))]
    rows.append(TextRow(rows[-1].row + 1, PREAMBLE_LABEL, "preamble", True, 60))
    return rows


def _text_value(report: Report, field: str):
    if field.startswith("sections."):
        return report.sections.get(field.split(".")[1], "")
    return {"agency": report.agency, "year": report.year, "format": layout.version_of(report.format),
            "preamble": report.preamble}[field]


def _write_narrative(ws, report: Report, st) -> None:
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 100
    ws.cell(row=1, column=1, value=f"{formats.TITLE_SUFFIX}（{report.year}年）填报表").font = st["heading"]
    ws.merge_cells("A1:B1")
    rows = text_rows(report.format)
    for t in rows:
        _text_row(ws, t.row, t.label, _text_value(report, t.field), t.editable, st)
        if t.height:
            ws.row_dimensions[t.row].height = t.height
    last = rows[-1].row + 2
    ws.cell(row=last, column=1, value=INSTRUCTIONS).alignment = st["text"]
    ws.merge_cells(start_row=last, start_column=1, end_row=last, end_column=2)
    ws.row_dimensions[last].height = 36
    _protect(ws)


def _protect(ws) -> None:
    """Lock every cell not marked unlocked; resizing rows and columns stays allowed (long text).
    Printed on A4, one page wide (landscape for the wide tables)."""
    ws.protection.sheet = True
    ws.protection.formatRows = False
    ws.protection.formatColumns = False
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if ws.title in (formats.TABLE3.name, formats.TABLE4.name) else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0


def _text_row(ws, row: int, label: str, value, editable: bool, st) -> None:
    head, cell = ws.cell(row=row, column=1, value=label), ws.cell(row=row, column=2, value=value)
    head.alignment, head.fill, head.border = st["left"], st["label"], st["border"]
    cell.alignment, cell.border = st["text"], st["border"]
    cell.fill = st["input"] if editable else st["label"]
    if editable:
        cell.protection = st["unlocked"]
        cell.number_format = "@"  # text: a name like 0371 or a leading = stays as typed


def _report_rows(report: Report, number: str) -> dict[str, list]:
    return getattr(report, TABLE_KEYS[number])


def _text_sections(fmt: Format):
    return [s for s in fmt.sections if s.narrative_required]


def template_workbook(year: int, report: Report | None = None):
    """An openpyxl Workbook for `year`; prefilled with `report`'s values and text when given."""
    from openpyxl import Workbook

    report = report or blank_report(year)
    fmt = report.format
    st = _styles()
    wb = Workbook()
    narrative = wb.active
    narrative.title = NARRATIVE_SHEET
    _write_narrative(narrative, report, st)
    for number, placed in table_cells(report).items():
        ws = wb.create_sheet(TABLE_SHEETS[number])
        heading = next(s.heading for s in fmt.sections if s.number == number)
        _write_table(ws, placed, heading, table_widths(fmt, number), st)
        for p in placed:
            if p.cell.ref is not None:
                value = _report_rows(report, number).get(p.cell.ref.row, {})
                value = value[p.cell.ref.index] if value else None
                if isinstance(value, Money):  # a bare amount stays a number; one with its unit stays text
                    value = str(value) if value.unit else value.amount
                if value is not None:
                    ws[p.address] = value
    wb.properties.title = f"{formats.TITLE_SUFFIX} {year} 填报表"
    wb.properties.creator = "nianbao"
    wb.properties.keywords = f"nianbao format={fmt.version} year={year}"
    return wb


def workbook_bytes(wb) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def write_template(path: str | Path, year, report: Report | None = None) -> Path:
    """Write the template to a new .xlsx file (never over an existing one)."""
    path = Path(path)
    year = paths.check_year(year)
    if path.suffix.lower() != ".xlsx":
        raise NianbaoError("输出文件应以 .xlsx 结尾", "the output file must end in .xlsx", file=str(path))
    try:
        formats.format_for_year(year)
    except ValueError as error:
        zh, _, en = str(error).partition(" / ")
        raise NianbaoError(zh, en or zh, file=str(path)) from None
    paths.write_new(path, workbook_bytes(template_workbook(year, report)))
    return path


# ------------------------------------------------------------------ reading
# The fee header and its provincial variant (保留N位小数) are the declaration's (formats.FeeHeader).


MAX_WORKBOOK_BYTES = 8 * 2**20  # the template filled in is ~30 KB
MAX_UNPACKED_BYTES = 64 * 2**20  # an .xlsx is a zip: refuse one that would unpack to gigabytes (a zip bomb)


def _open(raw: bytes, file: str):
    from openpyxl import load_workbook

    try:
        unpacked = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(raw)).infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise NianbaoError(f"不是有效的 Excel 工作簿（.xlsx）：{error}", f"not a valid Excel workbook (.xlsx): {error}",
                           file=file) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise NianbaoError(f"工作簿解压后有 {unpacked / 2**20:.0f} MB，超过上限 {MAX_UNPACKED_BYTES // 2**20} MB，"
                           "不是填好的 nianbao 模板", f"the workbook unpacks to {unpacked / 2**20:.0f} MB, over the "
                           f"{MAX_UNPACKED_BYTES // 2**20} MB limit: not a filled-in nianbao template", file=file)
    try:
        return load_workbook(io.BytesIO(raw), data_only=True), load_workbook(io.BytesIO(raw))
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as error:
        raise NianbaoError(f"不是有效的 Excel 工作簿（.xlsx）：{error}", f"not a valid Excel workbook (.xlsx): {error}",
                           file=file) from None


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _number(value, formula, kind: str, address: str, problems: list[Problem]):
    """A cell's value as the schema expects it; text that is plainly a whole number becomes one
    (a cell formatted as text), anything else is passed on for the schema to reject by name."""
    if isinstance(formula, str) and formula.startswith("=") and value is None:
        problems.append(Problem(address, "数值（公式没有计算结果：请在 Excel 中打开并保存，或直接填数字）",
                                "a value (the formula has no computed result: open and save in Excel, or type the number)",
                                formula))
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if kind in (COUNT, DELTA) and re.fullmatch(r"-?\d+", text):
            return int(text)
        return text
    if isinstance(value, float) and kind in (COUNT, DELTA) and value.is_integer():
        return int(value)  # Excel stores every number as a float
    return value


def read_workbook(path: str | Path) -> Report:
    """Read a filled-in template; raise SourceError naming the cell of every problem."""
    path = Path(path)
    file = str(path)
    if not path.is_file():
        raise NianbaoError("找不到工作簿文件", "workbook file not found", file=file)
    if path.stat().st_size > MAX_WORKBOOK_BYTES:
        raise NianbaoError(f"工作簿有 {path.stat().st_size / 2**20:.1f} MB，超过上限 {MAX_WORKBOOK_BYTES // 2**20} MB，"
                           "不是填好的 nianbao 模板", f"the workbook is {path.stat().st_size / 2**20:.1f} MB, over the "
                           f"{MAX_WORKBOOK_BYTES // 2**20} MB limit: not a filled-in nianbao template", file=file)
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    values, formulas = _open(raw, file)
    missing = [name for name in (NARRATIVE_SHEET, *TABLE_SHEETS.values()) if name not in values.sheetnames]
    if missing:
        raise SourceError(file, [Problem(f"工作表 {name} / sheet {name}", "存在（不是 nianbao template 生成的工作簿？）",
                                         "to be present (not a workbook made by nianbao template?)") for name in missing])
    text_ws = values[NARRATIVE_SHEET]
    year_at = f"{NARRATIVE_SHEET}!B{YEAR_ROW}"
    year = text_ws[f"B{YEAR_ROW}"].value
    if isinstance(year, float) and year.is_integer():
        year = int(year)
    if isinstance(year, str) and year.strip().isdigit():
        year = int(year.strip())
    if isinstance(year, bool) or not isinstance(year, int) or year < formats.FIRST_YEAR:
        raise SourceError(file, [Problem(year_at, "2019 年或以后的四位年份", "a four-digit year, 2019 or later", _text(year))])
    fmt = formats.format_for_year(year)
    problems: list[Problem] = []  # a label changed: the layout moved, values may be misread
    cell_problems: list[Problem] = []  # a cell that cannot become a value (an uncomputed formula)
    options: dict = {}
    data: dict = {"year": year, "format": fmt.version, "sections": {}, "table2": {}, "table3": {}, "table4": {},
                  "source": f"workbook {path.name} sha256:{digest}"}
    where: dict[str, str] = {}  # source field → cell address, to name cells in the schema's messages
    for t in text_rows(fmt):
        found = _text(text_ws[f"A{t.row}"].value)
        if found != t.label:
            problems.append(_label_problem(f"{NARRATIVE_SHEET}!A{t.row}", t.label, found))
        if not t.editable:
            continue
        where[t.field] = f"{NARRATIVE_SHEET}!B{t.row}"
        value = text_ws[f"B{t.row}"].value
        if t.field == "agency":
            data["agency"] = _text(value)
        elif t.field.startswith("sections."):
            data["sections"][t.field.split(".")[1]] = _paragraphs(value)
        else:
            data[t.field] = _paragraphs(value)

    for number, placed in table_cells(blank_report(year)).items():
        sheet = TABLE_SHEETS[number]
        ws, ws_formulas = values[sheet], formulas[sheet]
        for p in placed:
            address = f"{sheet}!{p.address}"
            if p.cell.ref is None:  # a label: the sheet must still be laid out as the template was
                found = _text(ws[p.address].value)
                fee = fmt.fee.pattern.fullmatch(found) if fmt.fee and p.cell.text == fmt.fee.label else None
                if fee and fee.group(1):
                    options["fee_decimals"] = int(fee.group(1))
                elif found != p.cell.text:
                    problems.append(_label_problem(address, p.cell.text, found))
                continue
            ref = p.cell.ref
            where[field_name(ref, fmt)] = address
            value = _number(ws[p.address].value, ws_formulas[p.address].value, ref.kind, address, cell_problems)
            width = sum(1 for q in placed if q.cell.ref and q.cell.ref.row == ref.row)
            data[TABLE_KEYS[number]].setdefault(ref.row, [None] * width)[ref.index] = value
    if options:
        data["options"] = options
    if problems:
        raise SourceError(file, problems)
    try:
        report = parse_report(data, file)
    except SourceError as error:
        cell_problems += [_at_cell(p, where) for p in error.problems]
    if cell_problems:
        raise SourceError(file, cell_problems)
    report.path = file
    return report


def _label_problem(address: str, label: str, found: str) -> Problem:
    return Problem(address, f"表头/标签「{label}」（请勿改动表格结构）", f"the label {label!r} (do not change the table's layout)",
                   found or "（空 / empty）")


def _at_cell(problem: Problem, where: dict[str, str]) -> Problem:
    address = where.get(problem.field)
    if not address:
        return problem
    return Problem(f"{address}（{problem.field}）", problem.expected_zh, problem.expected_en, problem.found)


def _paragraphs(value) -> str:
    """A text cell: every line is a paragraph (people type one paragraph per line in a cell)."""
    text = _text(value).replace("\r\n", "\n").replace("\r", "\n")
    return "\n\n".join(line.strip() for line in text.split("\n") if line.strip())
