"""A report as pandas frames for GX: a few views stacked in each frame.

A frame is one GX batch. Each frame stacks views (tidy tables of their own): a row belongs to
one view (`view`) and leaves the other views' columns empty. Expectations on a view's wide
columns skip rows where those columns are missing; expectations on shared columns select
their rows with a row condition on `check`. Row conditions cost GX a pandas query over every
column of the batch, so the row-conditioned views (cells, claims, structure) form the narrow
frame `cells`, and the wide views (t2, t3, t3T, t4), which need no conditions, the frame `lines`.

Views of a report (the format-version suite):
- cells:     one row per table cell (表二/三/四): value, printed text, decimals, unit.
- t2:        table 二 rows, columns  t2.<column key>
- t3:        table 三 rows, columns  t3.<column key>            (row-wise: R9)
- t3T:       table 三 columns, columns t3T.<row key>           (column-wise: R10, R11, R13)
- t4:        table 四 groups (行政复议, 未经复议直接起诉, 复议后起诉), columns t4.<column key>
- claims:    numbers the narrative states and the table cells they speak of (claims.py)
- structure: headings, rows, the format version, the statements 六 owes (信息处理费), the years the
             report names (R30), the topics of 一 (R33) and the marks of an unfinished draft, each expected
             against found text; and measures against their limits (`limit` ≥ `measured`): the length of
             一 (R33), the share of （六）其他处理 (R35), each section's share repeated from last year's (R37)
Views of two years (the cross-year suite, frame `years`): x3 (表三 carry-over), x2 (表二 this
year and last).

`check` selects rows for an expectation; `rule` names the rule a failing row breaks when one
expectation serves several rules (every count cell is a non-negative integer: R1, R4, R12, R19).
Every row carries the Chinese labels (table, row, column) a finding names; a view whose rows
are table rows leaves `column` empty for the expectation's meta to fill, and vice versa.
`ref` names the same cells by key, for machines (the notebook highlights them): "三|结转下年|自然人",
several joined by ";"; a part left empty is named by the expectation (findings.cells_of).
"""
from __future__ import annotations

import math
from decimal import Decimal

import pandas as pd

from ..model import formats
from ..report import layout
from ..analyst import newyear
from ..model.formats import MONEY, Format
from ..model.sources import Money, Report
from . import claims as claims_module
from .claims import Claim

VIEW, LINE, ID, CHECK, RULE = "view", "line", "id", "check", "rule"
TABLE, ROW, COLUMN = "table", "row", "column"  # where a finding points, in Chinese
REF = "ref"  # the same place by key: table number|row key|column key (layout.CellKey), ';' between cells
VALUE, TEXT, DECIMALS, UNIT = "value", "text", "decimals", "unit"  # cells
STATED, FOUND, SECTION, QUOTE = "stated", "found", "section", "quote"  # claims
TOLERANCE, BASIS = "tolerance", "basis"  # R24: how far a stated percentage may be off, and what it is of
EXPECTED, ACTUAL = "expected", "actual"  # structure
LIMIT, MEASURED = "limit", "measured"  # structure measures (R33, R35, R37)
COMMON = (VIEW, LINE, ID, CHECK, RULE, TABLE, ROW, COLUMN, REF)
CELL_COLUMNS = (VALUE, TEXT, DECIMALS, UNIT)
CLAIM_COLUMNS = (STATED, FOUND, SECTION, QUOTE, TOLERANCE, BASIS)
STRUCTURE_COLUMNS = (EXPECTED, ACTUAL, LIMIT, MEASURED)

A_NUMBER = "数字"  # what a blank cell should hold: the `expected` of every blank-cell finding
CELLS, LINES, YEARS = "cells", "lines", "years"  # the frames; an expectation's meta names its frame
TEXT_BODY = "正文"
WHOLE_ROW = "（整行）"
WHOLE_REPORT = "全文"
PREVIOUS = "上年"


def table_name(section: str) -> str:
    """表二 / 表三 / 表四: a table is named after the section that holds it."""
    return formats.table(section).name


T2, T3, T4 = (t.name for t in formats.TABLES)


def ref(table: str, row: str = "", column: str = "") -> str:
    """One cell by key (table 表三 or 三); an empty row or column is left for the expectation to name."""
    return f"{formats.table(table).number}|{row}|{column}"


def refs(table: str, rows, columns) -> str:
    """Every cell of rows × columns, as one `ref` value."""
    return ";".join(ref(table, r, c) for r in rows for c in columns)


def t2(key: str) -> str:
    return f"t2.{key}"


def t3(column_key: str) -> str:
    return f"t3.{column_key}"


def t3T(row_key: str) -> str:  # noqa: N802 - the transposed view
    return f"t3T.{row_key}"


def t4(column: str) -> str:
    return f"t4.{column}"


def x2(key: str, previous: bool = False) -> str:
    return f"x2.{PREVIOUS}.{key}" if previous else f"x2.{key}"


# The cross-year carry-over of table 三 (R14), by the rows' keys (the same in every version so far).
_FIRST = formats.versions()[0]
X3_THIS, X3_PREVIOUS = f"x3.{_FIRST.row_key(formats.CARRIED_IN)}", f"x3.{PREVIOUS}.{_FIRST.row_key(formats.CARRIED_OUT)}"


def table2_columns(fmt: Format) -> list[str]:
    return list(dict.fromkeys(c.key for b in fmt.table2 for c in b.columns))


def group_label(fmt: Format, key: str) -> str:
    group = next(g for g in fmt.table4_groups if g.key == key)
    return f"{group.parent}·{group.label}" if group.parent else group.label


def column_label(report: Report, column) -> str:
    return layout.column_label(report, column)


# ------------------------------------------------------------------ values
def number(cell) -> float:
    """A cell as a float for GX; NaN when blank or not a number (the text column keeps what it was)."""
    if isinstance(cell, bool):
        return math.nan
    if isinstance(cell, Money):
        return float(cell.amount)
    if isinstance(cell, (int, float, Decimal)):
        return float(cell)
    return math.nan


def decimals(cell) -> float:
    if isinstance(cell, Money):
        exponent = cell.amount.as_tuple().exponent
        return float(max(0, -exponent)) if isinstance(exponent, int) else math.nan
    return 0.0 if isinstance(cell, int) and not isinstance(cell, bool) else math.nan


def _cells(row: list | None, n: int) -> list:
    """A row's n cells; a missing or short row (R28 reports it) is padded with blanks."""
    return ((list(row) if isinstance(row, list) else []) + [None] * n)[:n]


# ------------------------------------------------------------------ the report frame
class _Frame:
    def __init__(self, columns: list[str]):
        self.columns = list(COMMON) + columns
        self.rows: list[dict] = []

    def add(self, view: str, line: str, *, check=None, rule=None, table=None, row=None, column=None, ref=None,
            **values) -> None:
        self.rows.append({VIEW: view, LINE: line, ID: f"{view}|{line}", CHECK: check, RULE: rule, TABLE: table,
                          ROW: row, COLUMN: column, REF: ref, **values})

    def frame(self) -> pd.DataFrame:
        df = pd.DataFrame(self.rows, columns=self.columns)
        text = set(COMMON) | {TEXT, UNIT, SECTION, QUOTE, BASIS, EXPECTED, ACTUAL}
        for name in df.columns:
            df[name] = df[name].astype(object) if name in text else df[name].astype(float)
        return df


def line_columns(fmt: Format) -> list[str]:
    """The wide columns of the `lines` frame of this format version."""
    return ([t2(k) for k in table2_columns(fmt)] + [t3(c.key) for c in fmt.table3_columns]
            + [t3T(r.key) for r in fmt.table3_rows] + [t4(c.key) for c in fmt.table4_columns])


def cell_rules(fmt: Format) -> dict:
    """Block item (表二) or table name (表三, 表四) → the rule that checks its cells' types."""
    return {**{b.item: b.type_rule for b in fmt.table2}, T3: fmt.table3_rule, T4: fmt.table4_rule}


def cell_check(kind: str, rule: str) -> str:
    """The `check` of a cell: its kind; money cells also name their rule (R5 and R8 differ on units)."""
    return f"{kind}:{rule}" if kind == MONEY else kind


def cell_checks(fmt: Format) -> list[str]:
    rules = cell_rules(fmt)
    kinds = [(c.kind, rules[b.item]) for b in fmt.table2 for c in b.columns]
    kinds += [(c.kind, rules[T3]) for c in fmt.table3_columns] + [(c.kind, rules[T4]) for c in fmt.table4_columns]
    return list(dict.fromkeys(cell_check(k, r) for k, r in kinds))


# A claim's kind → (the `check` that selects it for an expectation, the rule it answers to).
CLAIM_CHECKS = {"R20": ("claim", "R20"), "R21": ("claim", "R21"), "R23": ("claim", "R23"), "R25": ("claim", "R25"),
                "R22=": ("claim:warning", "R22"), "R23q": ("claim:warning", "R23"), "R22<=": ("claim:at-most", "R22"),
                "R24": ("claim:percent", "R24"), "R32": ("claim:warning", "R32"), "R32<=": ("claim:within-table", "R32")}


def report_frames(report: Report, claims: list[Claim] | None = None,
                  previous: Report | None = None) -> dict[str, pd.DataFrame]:
    """{'cells': …, 'lines': …}: every view of one report; previous (last year's, of any format
    version: the six sections are the same) for the texts repeated from it (R37)."""
    fmt = report.format
    c = _Frame(list(CELL_COLUMNS + CLAIM_COLUMNS + STRUCTURE_COLUMNS))
    _add_cells(c, report)
    for i, claim in enumerate(claims if claims is not None else claims_module.read_claims(report), 1):
        _add_claim(c, report, f"c{i}", claim)
    _add_structure(c, report)
    _add_narrative(c, report, previous)
    f = _Frame(line_columns(fmt))
    for block in fmt.table2:
        for label in block.rows:
            cells = _cells(report.table2.get(label), len(block.columns))
            f.add("t2", label, table=T2, row=label, ref=ref(T2, label),
                  **{t2(c.key): number(v) for c, v in zip(block.columns, cells)})
    col_keys = [c.key for c in fmt.table3_columns]
    for row in fmt.table3_rows:
        cells = _cells(report.table3.get(row.key), len(col_keys))
        f.add("t3", row.key, table=T3, row=fmt.table3_row_label(row.key), ref=ref(T3, row.key),
              **{t3(k): number(v) for k, v in zip(col_keys, cells)})
    for i, column in enumerate(fmt.table3_columns):
        f.add("t3T", column.key, table=T3, column=column.label, ref=ref(T3, column=column.key),
              **{t3T(r.key): number(_cells(report.table3.get(r.key), len(col_keys))[i]) for r in fmt.table3_rows})
    for group in fmt.table4_groups:
        rule = group.rule
        cells = _cells(report.table4.get(group.key), len(fmt.table4_columns))
        f.add("t4", group.key, rule=rule, table=T4, row=group_label(fmt, group.key), ref=ref(T4, group.key),
              **{t4(c.key): number(v) for c, v in zip(fmt.table4_columns, cells)})
    return {CELLS: c.frame(), LINES: f.frame()}


def _add_cells(f: _Frame, report: Report) -> None:
    fmt = report.format
    rules = cell_rules(fmt)
    tables = [(T2, block, label, label, block.columns, report.table2.get(label))
              for block in fmt.table2 for label in block.rows]
    tables += [(T3, None, r.key, fmt.table3_row_label(r.key), fmt.table3_columns, report.table3.get(r.key))
               for r in fmt.table3_rows]
    tables += [(T4, None, g.key, group_label(fmt, g.key), fmt.table4_columns, report.table4.get(g.key))
               for g in fmt.table4_groups]
    for table, block, key, row_label, columns, cells in tables:
        if cells is None:  # a missing row is one R28 finding, not a blank in every cell
            continue
        rule = rules[block.item] if block is not None else rules[table]
        for column, cell in zip(columns, _cells(cells, len(columns))):
            values = {VALUE: number(cell), DECIMALS: decimals(cell),
                      TEXT: None if cell is None else layout.cell_text(cell),
                      UNIT: None if cell is None else cell.unit if isinstance(cell, Money) else ""}
            f.add("cells", f"{table}|{row_label}|{column.key}", check=cell_check(column.kind, rule), rule=rule,
                  table=table, row=row_label, column=column_label(report, column), ref=ref(table, key, column.key),
                  **values)


def _expand_rows(fmt: Format, keys: tuple[str, ...]) -> list[str]:
    """Row keys with '不予公开.*' (the group) and '其他处理*' (the 2019 row or the 2021 group) spelt out."""
    out = []
    for key in keys:
        out += [k for k in fmt.table3_keys if k.startswith(key.rstrip("*"))] if key.endswith("*") else [key]
    return out


def _sum(values) -> float:
    values = [number(v) for v in values]
    return math.nan if not values or any(math.isnan(v) for v in values) else sum(values)


def _claim_target(report: Report, claim: Claim) -> tuple[float, str, str, str, str]:
    """(the table's value, table, row label, column label, ref) of the cells a claim speaks of."""
    fmt = report.format
    if claim.table == claims_module.T3:
        rows = _expand_rows(fmt, claim.rows)
        index = {c.key: i for i, c in enumerate(fmt.table3_columns)}
        values = [_cells(report.table3.get(r), len(index))[index[c]] if r in fmt.table3_keys else None for r in rows for c in claim.columns]
        groups = {fmt.table3_row(r).group for r in rows}
        row_label = groups.pop() if len(rows) > 1 and len(groups) == 1 and "" not in groups \
            else "+".join(fmt.table3_row_label(r) for r in rows)
        col_label = "+".join(c.label for c in fmt.table3_columns if c.key in claim.columns)
        return _sum(values), T3, row_label, col_label, refs(T3, [r for r in rows if r in fmt.table3_keys], claim.columns)
    if claim.table == claims_module.T4:
        index = {c.key: i for i, c in enumerate(fmt.table4_columns)}
        values = [_cells(report.table4.get(g), len(index))[index[c]] for g in claim.rows for c in claim.columns]
        row_label = formats.TABLE4_LITIGATION if len(claim.rows) > 1 else group_label(fmt, claim.rows[0])
        return (_sum(values), T4, row_label, "+".join(c.label for c in fmt.table4_columns if c.key in claim.columns),
                refs(T4, claim.rows, claim.columns))
    if claim.table == claims_module.T2:
        row = claim.rows[0]
        block = fmt.table2_rows[row]
        index = [c.key for c in block.columns].index(claim.columns[0])
        column = block.columns[index]
        return (_sum([_cells(report.table2.get(row), len(block.columns))[index]]), T2, row, column_label(report, column),
                ref(T2, row, column.key))
    heading = report.heading(claim.section)
    return float(sum(claim.parts)), TEXT_BODY, heading, "列举", ""


def _add_claim(f: _Frame, report: Report, line: str, claim: Claim) -> None:
    found, table, row, column, cells = _claim_target(report, claim)
    check, rule = CLAIM_CHECKS[claim.check]
    extra = {}
    if claim.check == "R24":
        found, extra = _percentage(report, claim)
    f.add("claims", line, check=check, rule=rule, table=table, row=row, column=column, ref=cells,
          **{STATED: float(claim.stated), FOUND: found, SECTION: report.heading(claim.section), QUOTE: claim.quote,
             **extra})


def _percentage(report: Report, claim: Claim) -> tuple[float, dict]:
    """R24: count ÷ base as a percentage (both as the text states them; the base from the table when the
    text names it without a number), and how far the stated one may be off: its own rounding + 0.01 point."""
    fmt = report.format
    total = fmt.total_column().key
    label = "+".join(fmt.table3_row_label(r) for r in claim.base)
    if len(claim.parts) > 1:
        base, said = float(claim.parts[1]), f"正文所述{label} {claim.parts[1]}"
    else:
        width = len(fmt.table3_columns)
        index = [c.key for c in fmt.table3_columns].index(total)
        base = _sum([_cells(report.table3.get(r), width)[index] for r in claim.base])
        said = f"表中{label} {plain_number(base)}"
    found = round(100 * claim.parts[0] / base, 3) if base and not math.isnan(base) else math.nan
    return found, {TOLERANCE: 0.5 * 10 ** -claim.decimals + 0.01, BASIS: f"{claim.parts[0]} ÷ {said}"}


def plain_number(value: float) -> str:
    return "空白" if math.isnan(value) else f"{value:g}"


def _add_structure(f: _Frame, report: Report) -> None:
    fmt = report.format
    for section in fmt.sections:
        found = " ".join((report.heading(section.number) or "").split())
        if section.narrative_required and not (report.sections.get(section.number) or "").strip():
            found = f"{found}（缺正文）"
        f.add("structure", f"heading.{section.number}", check="structure", rule="R27", table=TEXT_BODY,
              row=section.heading, column="标题", **{EXPECTED: section.heading, ACTUAL: found})
    declared = [(T2, label, fmt.table2_rows[label].columns, report.table2) for label in fmt.table2_rows]
    declared += [(T3, r.key, fmt.table3_columns, report.table3) for r in fmt.table3_rows]
    declared += [(T4, g.key, fmt.table4_columns, report.table4) for g in fmt.table4_groups]
    labels = {T2: lambda k: k, T3: lambda k: fmt.table3_row_label(k) if k in fmt.table3_keys else k,
              T4: lambda k: group_label(fmt, k) if k in [g.key for g in fmt.table4_groups] else k}
    for table, key, columns, rows in declared:
        cells = rows.get(key)
        found = f"{len(cells)} 个单元格" if isinstance(cells, list) else "缺此行"
        f.add("structure", f"row.{table}.{key}", check="structure", rule="R28", table=table, row=labels[table](key),
              column=WHOLE_ROW, ref=refs(table, [key], [c.key for c in columns]),
              **{EXPECTED: f"{len(columns)} 个单元格", ACTUAL: found})
    for table, rows, keys in ((T2, report.table2, fmt.table2_rows), (T3, report.table3, fmt.table3_keys),
                              (T4, report.table4, [g.key for g in fmt.table4_groups])):
        for key in rows:
            if key not in keys:
                f.add("structure", f"row.{table}.{key}", check="structure", rule="R28", table=table, row=str(key),
                      column=WHOLE_ROW, **{EXPECTED: "无此行", ACTUAL: "多出此行"})
    due = formats.FORMATS[formats.version_for_year(report.year)]
    # 2019: 60号 only encouraged the unified format ("确实存在现实困难的，可参照统一格式发布").
    check = "structure:warning" if due.encouraged_only and report.year == due.first_year else "structure"
    f.add("structure", "version", check=check, rule="R29", table=WHOLE_REPORT, row="格式版本", column="",
          **{EXPECTED: layout.version_of(due), ACTUAL: layout.version_of(fmt)})
    _add_draft(f, report)
    if fmt.fee_section:
        _add_fees(f, report)


def _add_narrative(f: _Frame, report: Report, previous: Report | None) -> None:
    """What the texts show beyond their numbers (narrative.py): R30 years, R33 一's topics and length,
    R35 the share of （六）其他处理, R37 each section's share repeated from last year's."""
    from . import narrative

    fmt = report.format
    marked = newyear.draft_sections(report)  # last year's text kept as a draft: DRAFT says so, once
    for i, said in enumerate(narrative.stated_years(report)):
        f.add("structure", f"year.{i}", check="structure", rule="R30", table=TEXT_BODY if said.what != "标题" else WHOLE_REPORT,
              row=said.what, column="年度", **{EXPECTED: f"{report.year}年", ACTUAL: f"{said.year}年", QUOTE: said.quote})
    for section in fmt.sections:
        text = report.sections.get(section.number, "")
        heading = report.heading(section.number)
        if section.topics and text.strip():
            wanted, missing = narrative.topics(report, section)
            expected = "涵盖" + "、".join(wanted)
            f.add("structure", f"topics.{section.number}", check="structure:warning", rule="R33", table=TEXT_BODY,
                  row=heading, column="内容", **{EXPECTED: expected,
                                                ACTUAL: "未写到" + "、".join(missing) if missing else expected})
        if section.max_chars:
            f.add("structure", f"length.{section.number}", check="measure:warning", rule="R33", table=TEXT_BODY,
                  row=heading, column="篇幅", **{LIMIT: float(section.max_chars),
                                               MEASURED: float(narrative.length(text))})
        last = previous.sections.get(section.number, "") if previous is not None else ""
        repeat = narrative.repeated(text, last, fmt) if last and section.number not in marked else None
        if repeat is not None:
            f.add("structure", f"repeat.{section.number}", check="measure:warning", rule="R37", table=TEXT_BODY,
                  row=heading, column=f"与{previous.year}年重复",
                  **{LIMIT: narrative.option(report, "repeat_share", narrative.REPEAT_SHARE), MEASURED: repeat.share,
                     QUOTE: repeat.passage})
    _add_rare_results(f, report)


def _add_rare_results(f: _Frame, report: Report) -> None:
    """R35: （六）其他处理 as a share of （七）总计 (60号 一（三）: 极少数特殊情况; 偏高 is followed up)."""
    from . import narrative

    fmt = report.format
    rows = fmt.result_categories.get(fmt.rare_result, ())
    if not rows:
        return
    total = fmt.total_column()
    width, index = len(fmt.table3_columns), [c.key for c in fmt.table3_columns].index(total.key)
    done_row = fmt.row_key(formats.RESULTS_TOTAL)
    other = _sum([_cells(report.table3.get(r), width)[index] for r in rows])
    done = _sum([_cells(report.table3.get(done_row), width)[index]])
    if math.isnan(other) or math.isnan(done) or done < narrative.MIN_RESULTS:
        return
    first = fmt.table3_row(rows[0])
    label = first.group or first.label
    detail = f"{label} {other:g} 件 / {fmt.table3_row_label(done_row)} {done:g} 件"
    if fmt.catch_all_row and fmt.catch_all_row in rows:
        rest = _sum([_cells(report.table3.get(fmt.catch_all_row), width)[index]])
        if not math.isnan(rest):
            detail += f"，其中{fmt.table3_row(fmt.catch_all_row).label} {rest:g} 件"
    f.add("structure", "rare-results", check="measure:warning", rule="R35", table=T3, row=label, column=total.label,
          ref=refs(T3, list(rows) + [done_row], [total.key]),
          **{LIMIT: narrative.option(report, "other_share", narrative.OTHER_SHARE),
             MEASURED: round(100 * other / done, 1), QUOTE: detail})


DRAFT_DONE = "按本年情况改写，并删除草稿标记行"


def _add_draft(f: _Frame, report: Report) -> None:
    """A source `nianbao new` started: each text part still carrying the marker, and the flag."""
    marked = newyear.draft_sections(report)
    parts = [("preamble", "前言")] if report.preamble else []
    parts += [(s.number, report.heading(s.number)) for s in report.format.sections if s.number in report.sections]
    for part, label in parts:
        actual = f"仍有草稿标记行“{newyear.DRAFT_MARK}”" if part in marked else DRAFT_DONE
        f.add("structure", f"draft.{part}", check="structure", rule="DRAFT", table=TEXT_BODY, row=label, column="草稿标记",
              **{EXPECTED: DRAFT_DONE, ACTUAL: actual})
    flag = report.options.get("draft")
    f.add("structure", "draft.options", check="structure", rule="DRAFT", table=WHOLE_REPORT, row="源数据",
          column="options.draft", **{EXPECTED: "定稿（删去 options.draft）",
                                     ACTUAL: "草稿（options.draft: true）" if flag else "定稿（删去 options.draft）"})


def _add_fees(f: _Frame, report: Report) -> None:
    """2021 section 六 and 信息处理费 (30号: "收取信息处理费情况在此处报告"): R26 that it is reported,
    R15 that it fits table 三 — fee notices that went unpaid (（六）2), fees with no application answered."""
    fmt = report.format
    statement = claims_module.fee_statement(report)
    six = report.heading(fmt.fee_section)
    total = fmt.total_column()
    width = len(fmt.table3_columns)
    said = "报告信息处理费收取情况（收取金额或未收取）"
    f.add("structure", "fee.R26", check="structure:warning", rule="R26", table=TEXT_BODY, row=six, column="信息处理费",
          **{EXPECTED: said, ACTUAL: said if statement else "未提及信息处理费"})
    if fmt.has_row(formats.UNPAID_FEE):
        unpaid_row = fmt.row_key(formats.UNPAID_FEE)
        unpaid = number(_cells(report.table3.get(unpaid_row), width)[-1])
        expected = f"在“{six}”报告收费情况（表中 {unpaid:g} 件逾期未缴费，即发出过收费通知）" if unpaid > 0 else ""
        f.add("structure", "fee.R15.unpaid", check="structure:warning", rule="R15", table=T3,
              row=fmt.table3_row_label(unpaid_row), column=total.label, ref=ref(T3, unpaid_row, total.key),
              **{EXPECTED: expected, ACTUAL: f"“{six}”未提及收费" if expected and not statement else expected})
    results_total = fmt.row_key(formats.RESULTS_TOTAL)
    done = number(_cells(report.table3.get(results_total), width)[-1])
    charged = statement.charged if statement else ""
    expected = f"大于 0（“{six}”称收取信息处理费 {charged}）" if charged and done == 0 else ""
    f.add("structure", "fee.R15.charged", check="structure:warning", rule="R15", table=T3,
          row=fmt.table3_row_label(results_total), column=total.label,
          ref=ref(T3, results_total, total.key), **{EXPECTED: expected, ACTUAL: "0" if expected else ""})


# ------------------------------------------------------------------ two years
def cross_year_columns() -> list[str]:
    keys = list(dict.fromkeys(k for fmt in formats.FORMATS.values() for k in table2_columns(fmt)))
    return [X3_THIS, X3_PREVIOUS] + [x2(k) for k in keys] + [x2(k, previous=True) for k in keys]


def cross_year_frames(report: Report, previous: Report) -> dict[str, pd.DataFrame]:
    """This year's report beside last year's (same format version, checked by the caller)."""
    fmt = report.format
    carried_in, carried_out = fmt.row_key(formats.CARRIED_IN), fmt.row_key(formats.CARRIED_OUT)
    width = len(fmt.table3_columns)
    f = _Frame(cross_year_columns())
    for i, column in enumerate(fmt.table3_columns):
        f.add("x3", column.key, table=T3, row=fmt.table3_row_label(carried_in), column=column.label,
              ref=ref(T3, carried_in, column.key),
              **{X3_THIS: number(_cells(report.table3.get(carried_in), width)[i]),
                 X3_PREVIOUS: number(_cells(previous.table3.get(carried_out), width)[i])})
    for block in fmt.table2:
        for label in block.rows:
            now = _cells(report.table2.get(label), len(block.columns))
            before = _cells(previous.table2.get(label), len(block.columns))
            values = {x2(c.key): number(v) for c, v in zip(block.columns, now)}
            values.update({x2(c.key, previous=True): number(v) for c, v in zip(block.columns, before)})
            f.add("x2", label, table=T2, row=label, ref=ref(T2, label), **values)
    return {YEARS: f.frame()}
