"""The publishable report body as HTML: title, sections 一–六 and the three tables laid out
as the national format lays them out (merged header cells included).

Every piece of source text is escaped here; nothing from a source reaches the page as markup.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from ..model import formats
from ..model.formats import Format
from ..model.sources import Money, Report, paragraphs


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Money):
        return str(value)
    return str(value)


# ------------------------------------------------------------------ table grids
# Each table is first laid out as rows of Cells (text, spans, and for value cells which report cell
# they show); the HTML below, the notebook's highlighted tables (highlight.py) and the Excel template
# (workbook.py) are all drawn from these grids, so the three can never disagree on the layout.
@dataclass(frozen=True)
class CellKey:
    """A report cell by name, as findings point at it: report.table<N>[row], column `column`."""

    table: str  # 二 / 三 / 四
    row: str  # table 二: the row label; 三: the row key; 四: the group key
    column: str  # the column key


@dataclass(frozen=True)
class CellRef:
    """Which report cell a value cell shows: report.table<N>[row][index]."""

    table: str  # 二 / 三 / 四
    row: str  # table 二: the row label; 三: the row key; 四: the group key
    column: str  # the column key
    index: int  # position in the report's row list
    kind: str = formats.COUNT

    @property
    def key(self) -> CellKey:
        return CellKey(self.table, self.row, self.column)


def cells_named(fmt: Format, table: str, row: str, column: str = "") -> tuple[CellKey, ...]:
    """The cells a place named by the format's own labels covers: table 表三 (or 三), a row label as the
    format prints it (table 三 also group·label, table 四 also 行政诉讼·group), a column label or '' for
    the whole row. What an importer's gap names; () when the labels are not this format's."""
    known = next((t for t in formats.TABLES if str(table or "") in t.names), None)
    table = known.number if known else ""
    if known is formats.TABLE2:
        block = fmt.table2_rows.get(row)
        rows = {row: block.columns} if block else {}
    elif known is formats.TABLE3:
        rows = {r.key: fmt.table3_columns for r in fmt.table3_rows if row in (r.label, fmt.table3_row_label(r.key))}
    elif known is formats.TABLE4:
        rows = {g.key: fmt.table4_columns for g in fmt.table4_groups if row in (g.label, f"{g.parent}·{g.label}")}
    else:
        rows = {}
    return tuple(CellKey(table, key, c.key) for key, columns in rows.items() for c in columns
                 if not column or column in (c.label, c.key))


@dataclass(frozen=True)
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    cls: str = ""
    header: bool = False
    ref: CellRef | None = None  # set on value cells only


# Extra attributes for a value cell (e.g. {"class": "finding", "title": "R10 …"}), or None.
Annotate = Callable[[CellRef], "dict[str, str] | None"]


def _value(table: str, row: str, col, index: int, value) -> Cell:
    return Cell(cell_text(value), colspan=col.span, cls="num", ref=CellRef(table, row, col.key, index, col.kind))


def fee_label(report: Report) -> str:
    """The fee header; a provincial template may add a decimals rule (e.g. 河南: 保留4位小数)."""
    return report.format.fee.variant(report.options.get("fee_decimals"))


def column_label(report: Report, col) -> str:
    """A column's header as this report prints it (the fee header with its provincial variant)."""
    fee = report.format.fee
    return fee_label(report) if fee and col.key == fee.column and col.label == fee.label else col.label


def table2_cells(report: Report) -> list[list[Cell]]:
    rows = []
    for block in report.format.table2:
        rows.append([Cell(block.item, colspan=1 + sum(c.span for c in block.columns), cls="item", header=True)])
        head = [Cell(formats.INFO_CONTENT, header=True)]
        for col in block.columns:
            head.append(Cell(column_label(report, col), colspan=col.span, header=True))
        rows.append(head)
        for row in block.rows:
            values = report.table2.get(row) or [None] * len(block.columns)
            rows.append([Cell(row, cls="label")]
                        + [_value(formats.TABLE2.number, row, col, i, v) for i, (v, col) in enumerate(zip(values, block.columns))])
    return rows


def table3_cells(report: Report) -> list[list[Cell]]:
    fmt = report.format
    cols = fmt.table3_columns
    legal = [c for c in cols if c.role == formats.LEGAL]
    first, total = next(c for c in cols if c.role == formats.APPLICANT), fmt.total_column()
    rows = [
        [Cell(formats.TABLE3_NOTE, rowspan=3, colspan=3, cls="note", header=True),
         Cell(formats.TABLE3_APPLICANTS, colspan=len(cols), header=True)],
        [Cell(first.label, rowspan=2, header=True), Cell(formats.TABLE3_LEGAL, colspan=len(legal), header=True),
         Cell(total.label, rowspan=2, header=True)],
        [Cell(c.label, header=True) for c in legal],
    ]
    results = [r for r in fmt.table3_rows if r.top == formats.TABLE3_RESULTS]
    group_sizes = {}
    for r in results:
        if r.group:
            group_sizes[r.group] = group_sizes.get(r.group, 0) + 1
    seen_top, seen_groups = False, set()
    for row in fmt.table3_rows:
        values = report.table3.get(row.key) or [None] * len(cols)
        cells = []
        if not row.top:
            cells.append(Cell(row.label, colspan=3, cls="label"))
        else:
            if not seen_top:
                cells.append(Cell(formats.TABLE3_RESULTS, rowspan=len(results), cls="label top"))
                seen_top = True
            if row.group:
                if row.group not in seen_groups:
                    cells.append(Cell(row.group, rowspan=group_sizes[row.group], cls="label"))
                    seen_groups.add(row.group)
                cells.append(Cell(row.label, cls="label"))
            else:
                cells.append(Cell(row.label, colspan=2, cls="label"))
        cells += [_value(formats.TABLE3.number, row.key, col, i, v) for i, (v, col) in enumerate(zip(values, cols))]
        rows.append(cells)
    return rows


def table4_cells(report: Report) -> list[list[Cell]]:
    fmt = report.format
    groups, cols = fmt.table4_groups, fmt.table4_columns
    review = [g for g in groups if not g.parent]
    lit = [g for g in groups if g.parent]
    row1 = [Cell(g.label, colspan=len(cols), header=True) for g in review]
    row1.append(Cell(formats.TABLE4_LITIGATION, colspan=len(cols) * len(lit), header=True))
    row2 = [Cell(c.label, rowspan=2, header=True) for _ in review for c in cols]
    row2 += [Cell(g.label, colspan=len(cols), header=True) for g in lit]
    row3 = [Cell(c.label, header=True) for _ in lit for c in cols]
    values = [_value(formats.TABLE4.number, g.key, col, i, v) for g in groups
              for i, (v, col) in enumerate(zip(report.table4.get(g.key) or [None] * len(cols), cols))]
    return [row1, row2, row3, values]


TABLE_CELLS = dict(zip((t.number for t in formats.TABLES), (table2_cells, table3_cells, table4_cells)))


# ------------------------------------------------------------------ HTML
def _attrs(cell: Cell, extra: dict | None) -> str:
    extra = dict(extra or {})
    cls = " ".join(filter(None, [cell.cls, extra.pop("class", "")]))
    parts = [f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "", f' colspan="{cell.colspan}"' if cell.colspan > 1 else "",
             f' class="{escape(cls)}"' if cls else ""]
    parts += [f' {name}="{escape(str(value))}"' for name, value in extra.items()]
    return "".join(parts)


def _is_label(cell: Cell) -> bool:
    return "label" in cell.cls.split()


def _row_html(row: list[Cell], annotate: Annotate | None) -> str:
    # Column headers and row labels are <th> with the scope a screen reader follows (a spanning
    # header covers every column or row it spans); values are <td>.
    tds = []
    for cell in row:
        tag, scope = ("th", ' scope="col"') if cell.header else ("th", ' scope="row"') if _is_label(cell) else ("td", "")
        extra = annotate(cell.ref) if annotate and cell.ref else None
        tds.append(f"<{tag}{scope}{_attrs(cell, extra)}>{escape(cell.text)}</{tag}>")
    return f"<tr>{''.join(tds)}</tr>"


def cells_html(rows: list[list[Cell]], annotate: Annotate | None = None, *, head: int = 0,
               groups: list[int] | None = None) -> str:
    """The rows as a <thead> of the first `head` rows (printed again on every page a table
    continues on) and <tbody> groups of `groups` rows each (the rest in one)."""
    out = [f"<thead>{''.join(_row_html(r, annotate) for r in rows[:head])}</thead>"] if head else []
    body, start = rows[head:], 0
    for size in [*(groups or []), len(body)]:
        if start < len(body):
            out.append(f"<tbody>{''.join(_row_html(r, annotate) for r in body[start:start + size])}</tbody>")
        start += size
    return "".join(out)


def caption_html(report: Report, number: str) -> str:
    """The table's name for a screen reader (the section heading above names it for the eye)."""
    section = next(s for s in report.format.sections if s.number == number)
    name = section.heading.removeprefix(f"{number}、")
    return f'<caption>表{number}　{escape(name)}</caption>'


def table2_html(report: Report, annotate: Annotate | None = None) -> str:
    # One <tbody> per block (its two header rows and its rows), kept on one page.
    blocks = [2 + len(block.rows) for block in report.format.table2]
    return (f'<table class="official t2">{caption_html(report, "二")}'
            f'{cells_html(table2_cells(report), annotate, groups=blocks)}</table>')


def table3_html(report: Report, annotate: Annotate | None = None) -> str:
    # Fixed column widths: 3 label columns, then the 7 number columns sharing the rest.
    cols_html = "<colgroup>" + '<col style="width:4%"><col style="width:9%"><col style="width:17%">' \
        + '<col style="width:10%">' * len(report.format.table3_columns) + "</colgroup>"
    return (f'<table class="official t3">{caption_html(report, "三")}{cols_html}'
            f'{cells_html(table3_cells(report), annotate, head=3)}</table>')


def table4_html(report: Report, annotate: Annotate | None = None) -> str:
    return (f'<table class="official t4">{caption_html(report, "四")}'
            f'{cells_html(table4_cells(report), annotate, head=3)}</table>')


def narrative_html(text: str) -> str:
    return "".join(f"<p>{escape(p)}</p>".replace("\n", "<br>") for p in paragraphs(text))


TABLES = dict(zip((t.number for t in formats.TABLES), (table2_html, table3_html, table4_html)))


def section_html(report: Report, number: str) -> str:
    parts = [f'<h2 class="section">{escape(report.heading(number))}</h2>']
    parts.append(narrative_html(report.sections.get(number, "")))
    if number in TABLES:
        parts.append(TABLES[number](report))
    return f'<section class="s{number}">{"".join(parts)}</section>'


def title_html(report: Report) -> str:
    head = f'<h1 class="title">{escape(report.title)}</h1>'
    if report.preamble:
        head += f'<div class="preamble">{narrative_html(report.preamble)}</div>'
    return head


def report_html(report: Report) -> str:
    """The whole report body (no <html> wrapper): what the notebook shows and the page prints."""
    body = title_html(report) + "".join(section_html(report, s.number) for s in report.format.sections)
    return f'<article class="nianbao-report" lang="zh-CN">{body}</article>'


def version_of(fmt: Format) -> str:
    return f"{fmt.name}（{fmt.basis}）"
