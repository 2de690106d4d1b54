"""The three tables with every cell a finding points at highlighted (rule and message on hover),
for the notebook's audit cells. Drawn from the publishable layout (layout.py) through its
annotation hook, so the analyst sees the problem in the very cell the page prints.

A finding is a dict {"rule", "severity", "table", "row", "column", "expected", "actual", "message",
"cells"} (or a rules.Finding). The rules name the cells they speak of by key in "cells" (layout.CellKey:
table 二/三/四, row key, column key), and those are marked as they are: no label matching. Items
without cells — an importer's gaps, findings written elsewhere — name a place only by its Chinese
labels; `locate` turns those labels into cells. What neither places is listed under the tables,
never dropped.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from html import escape

from ..model import formats
from ..report import layout
from ..model.formats import Format
from ..model.sources import Report

SEVERITY_CLASS = {"error": "nb-error", "critical": "nb-error", "warning": "nb-warning", "warn": "nb-warning",
                  "info": "nb-info", "gap": "nb-gap"}
SEVERITY_ORDER = ("nb-error", "nb-warning", "nb-gap", "nb-info")  # the strongest colours a cell

STYLE = """<style>
.nianbao-findings table.official { border-collapse: collapse; margin: 0.4em 0 1em; font-size: 9pt; }
.nianbao-findings table.official th, .nianbao-findings table.official td { border: 1px solid #444;
  padding: 2px 4px; text-align: center; font-weight: normal; }
.nianbao-findings .label { text-align: left; }
.nianbao-findings td.nb-hl { cursor: help; font-weight: bold; }
.nianbao-findings td.nb-error { background: #ffd6d6; outline: 2px solid #c00; outline-offset: -2px; }
.nianbao-findings td.nb-warning { background: #fff1bf; outline: 2px solid #d98c00; outline-offset: -2px; }
.nianbao-findings td.nb-gap, .nianbao-findings td.nb-info { background: #dce9ff; outline: 2px dashed #36c; outline-offset: -2px; }
.nianbao-findings .nb-unlocated { color: #800; }
</style>"""

Target = tuple[str, str, int]  # what locate() finds: (table 二/三/四, row key as in the report, cell index)

_SEPARATORS = re.compile(r"[·・•|｜>›→]+")
_NUMBER_PREFIX = re.compile(r"^(?:\d+[.．、]|（[一二三四五六七八九十]+）|[一二三四五六七八九十]+、)")


def _norm(text) -> str:
    """Labels as people and programs write them: spaces dropped, ASCII punctuation made full-width."""
    text = re.sub(r"\s+", "", str(text or ""))
    text = text.replace("(", "（").replace(")", "）").replace(":", "：").replace(",", "，")
    return re.sub(r'"([^"]*)"', r"“\1”", text)


@lru_cache(maxsize=None)
def _index(fmt: Format, table: str) -> tuple[dict[str, set], dict[str, set]]:
    """Every name a row or a column of the table may go by → the row keys / cell indexes it covers."""
    rows: dict[str, set] = {}
    cols: dict[str, set] = {}

    def add(index, names, targets):
        for name in names:
            if name:
                index.setdefault(_norm(name), set()).update(targets)

    if table == formats.TABLE2.number:
        for block in fmt.table2:
            for row in block.rows:
                add(rows, [row, f"{block.item}·{row}"], {row})
            add(rows, [block.item], set(block.rows))
            for i, col in enumerate(block.columns):  # indexes differ per block: keep (row, index) pairs
                add(cols, [col.key, col.label, col.label.split("（")[0]], {(row, i) for row in block.rows})
    elif table == formats.TABLE3.number:
        for row in fmt.table3_rows:
            add(rows, [row.key, row.label, _NUMBER_PREFIX.sub("", row.label), fmt.table3_row_label(row.key),
                       f"{row.group}{row.label}" if row.group else "", row.label.split("（区分")[0]], {row.key})
            add(rows, [row.group, _NUMBER_PREFIX.sub("", row.group), row.top], {row.key})
        for i, col in enumerate(fmt.table3_columns):
            add(cols, [col.key, col.label], {i})
        keys = [c.key for c in fmt.table3_columns]
        for alias, key in formats.APPLICANT_ALIASES.items():  # the sample's wording
            add(cols, [alias], {keys.index(key)})
        add(cols, [formats.TABLE3_LEGAL], {keys.index(k) for k in fmt.legal_keys})
    else:
        for g in fmt.table4_groups:
            add(rows, [g.key, g.label, f"{g.parent}·{g.label}" if g.parent else ""], {g.key})
            add(rows, [g.parent], {g.key})
        for i, col in enumerate(fmt.table4_columns):
            add(cols, [col.key, col.label], {i})
    return rows, cols


def _lookup(index: dict[str, set], name) -> set | None:
    """The targets a name covers: the whole name, else its last part after a separator."""
    text = _norm(name)
    if text in index:
        return index[text]
    parts = [p for p in _SEPARATORS.split(text) if p]
    for part in reversed(parts):
        if part in index:
            return index[part]
    bare = text.split("（")[0]  # a label with a variant note, e.g. 本年收费金额（单位：万元，保留4位小数）
    return index.get(bare) if bare else None


def table_number(name) -> str:
    """二/三/四 from a table's name as written: 表三, 三、收到和处理…, table3, 3."""
    by_digit = {t.key[-1]: t.number for t in formats.TABLES}  # table2 → 二
    found = re.search(f"[{''.join(t.number for t in formats.TABLES)}{''.join(by_digit)}]", str(name or ""))
    if not found:
        return ""
    return by_digit.get(found.group(), found.group())


def locate(finding: Mapping, fmt: Format) -> list[Target]:
    """The cells a finding points at; [] when it names no cell this format has.
    An empty row means every row of the table, an empty column every column."""
    table = table_number(finding.get("table"))
    if not table:
        return []
    rows_index, cols_index = _index(fmt, table)
    row_name, col_name = finding.get("row"), finding.get("column")
    if not row_name and not col_name:
        return []
    all_rows = set().union(*rows_index.values())
    rows = _lookup(rows_index, row_name) if row_name else all_rows
    cols = _lookup(cols_index, col_name) if col_name else None
    if rows is None or (col_name and cols is None):
        return []
    if table == formats.TABLE2.number:  # columns are (row, index) pairs; without a column, every cell of the rows
        pairs = cols if cols is not None else {(r, i) for r in rows for i in range(len(fmt.table2_rows[r].columns))}
        return sorted((table, r, i) for r, i in pairs if r in rows)
    width = len(fmt.columns(formats.table(table)))
    return sorted((table, r, i) for r in rows for i in (cols if cols is not None else range(width)))


def column_key(fmt: Format, table: str, row: str, index: int) -> str:
    """The key of the index-th column of a row (table 二's blocks differ in their columns)."""
    if table == formats.TABLE2.number:
        return fmt.table2_rows[row].columns[index].key
    return fmt.columns(formats.table(table))[index].key


def cells_of(finding: Mapping, fmt: Format) -> list[layout.CellKey]:
    """The cells a finding points at: the keys it carries, else what its labels name (locate)."""
    keys = [layout.CellKey(**c) if isinstance(c, Mapping) else c for c in finding.get("cells") or ()]
    if keys:
        return keys
    return [layout.CellKey(t, r, column_key(fmt, t, r, i)) for t, r, i in locate(finding, fmt)]


# ------------------------------------------------------------------ findings → HTML
def _field(item, key):
    return item.get(key) if isinstance(item, Mapping) else getattr(item, key, None)


def as_findings(items) -> list[dict]:
    """Findings from a list of dicts or objects, or a DataFrame of them; None → []."""
    if items is None:
        return []
    if hasattr(items, "to_dict") and not isinstance(items, Mapping):
        items = items.to_dict("records")
    keys = ("rule", "severity", "table", "row", "column", "expected", "actual", "message", "cells")
    return [{k: _field(item, k) for k in keys} for item in items]


def describe(finding: Mapping) -> str:
    """One line for the hover text: rule, severity, message, expected vs actual."""
    rule, severity = str(finding.get("rule") or "?"), finding.get("severity")
    parts = [rule + (f"（{severity}）" if severity and severity != rule else "")]
    if finding.get("message"):
        parts.append(str(finding["message"]))
    if finding.get("expected") is not None:
        parts.append(f"应为 {finding['expected']}")
    if finding.get("actual") is not None:
        parts.append(f"实为 {finding['actual']}")
    return " ".join(parts)


def styled_tables(report: Report, findings: Iterable = ()) -> str:
    """HTML of tables 二、三、四 with the cells of `findings` highlighted, the rule and message as each
    cell's title (hover), and a list of the findings no cell could be found for."""
    findings = as_findings(findings)
    drawn = {cell.ref.key for grid in layout.TABLE_CELLS.values() for row in grid(report) for cell in row if cell.ref}
    marks: dict[layout.CellKey, list[dict]] = {}
    unlocated = []
    for finding in findings:
        targets = [key for key in cells_of(finding, report.format) if key in drawn]
        if not targets:
            unlocated.append(finding)
        for target in targets:
            marks.setdefault(target, []).append(finding)

    def annotate(ref: layout.CellRef):
        hits = marks.get(ref.key)
        if not hits:
            return None
        classes = {SEVERITY_CLASS.get(str(f.get("severity") or "").lower(), "nb-error") for f in hits}
        strongest = next(c for c in SEVERITY_ORDER if c in classes)
        return {"class": f"nb-hl {strongest}", "title": "\n".join(describe(f) for f in hits),
                "data-rules": " ".join(sorted({str(f.get('rule') or '?') for f in hits}))}

    parts = [STYLE]
    for number, draw in layout.TABLES.items():
        parts.append(f"<h4>{escape(report.heading(number))}</h4>{draw(report, annotate)}")
    located = len(findings) - len(unlocated)
    summary = f"{len(marks)} 个单元格标出了 {located} 条发现 / {len(marks)} cell(s) marked for {located} finding(s)"
    if not findings:
        summary = "没有指向单元格的发现 / no findings point at a cell"
    parts.append(f"<p class='nb-summary'>{escape(summary)}</p>")
    if unlocated:
        items = "".join(f"<li>{escape(describe(f))}（{escape(str(f.get('table') or ''))} "
                        f"{escape(str(f.get('row') or ''))} {escape(str(f.get('column') or ''))}）</li>" for f in unlocated)
        parts.append(f"<div class='nb-unlocated'><p>未能定位到单元格的发现 / findings not placed on a cell:</p><ul>{items}</ul></div>")
    return f'<div class="nianbao-findings" lang="zh-CN">{"".join(parts)}</div>'
