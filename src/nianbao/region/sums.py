"""The cell-by-cell sum of a 汇总 report's parts (R36), for rollup and for the rule alike.

Every cell of tables 二, 三 and 四 comes from the format declaration. A blank cell in a part is
not 0: the sum of that cell is blank, and the parts left blank there are named. Money keeps its
decimals (Decimal addition keeps the most a part wrote; a declared fee_decimals rounds to it);
amounts written in different units are not added up either: that cell is blank and says why.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from ..model.formats import MONEY, Format
from ..model.sources import Money
from ..report.layout import CellKey

TABLE_KEYS = {"二": "table2", "三": "table3", "四": "table4"}  # CellKey.table → the Report's / Part's attribute


@dataclass(frozen=True)
class Cell:
    """One table cell as the declaration lays it out."""

    key: CellKey
    index: int  # position in its row's list
    kind: str
    table: str  # 表三: as findings name the table
    row: str  # the row's label as findings name it (table 三: group·label)
    column: str  # the column's label

    @property
    def label(self) -> str:
        """How people name the cell: 表三一、本年新收政府信息公开申请数量·自然人 (as findings do)."""
        return f"{self.table}{self.row}·{self.column}"


@functools.cache
def cells(fmt: Format) -> tuple[Cell, ...]:
    """Every cell of tables 二, 三 and 四, in table order."""
    out = []
    for block in fmt.table2:
        for row in block.rows:
            out += [Cell(CellKey("二", row, c.key), i, c.kind, "表二", row, c.label) for i, c in enumerate(block.columns)]
    for row in fmt.table3_rows:
        out += [Cell(CellKey("三", row.key, c.key), i, c.kind, "表三", fmt.table3_row_label(row.key), c.label)
                for i, c in enumerate(fmt.table3_columns)]
    for group in fmt.table4_groups:
        name = f"{group.parent}·{group.label}" if group.parent else group.label
        out += [Cell(CellKey("四", group.key, c.key), i, c.kind, "表四", name, c.label)
                for i, c in enumerate(fmt.table4_columns)]
    return tuple(out)


def value(source, cell: Cell):
    """A cell's value in a Report or a Part (None when blank or its row is absent)."""
    row = getattr(source, TABLE_KEYS[cell.key.table]).get(cell.key.row) or ()
    return row[cell.index] if cell.index < len(row) else None


@dataclass
class Totals:
    """The summed tables, laid out like a Report's, and the cells that could not be summed."""

    format: Format
    table2: dict = field(default_factory=dict)
    table3: dict = field(default_factory=dict)
    table4: dict = field(default_factory=dict)
    blank: dict[CellKey, list[str]] = field(default_factory=dict)  # blank in these parts → blank sum
    units: dict[CellKey, dict[str, list[str]]] = field(default_factory=dict)  # amounts in different units

    def why_blank(self, cell: Cell) -> str:
        if cell.key in self.blank:
            return f"空白：{'、'.join(self.blank[cell.key])} 未填 / blank in {', '.join(self.blank[cell.key])}"
        if cell.key in self.units:
            shown = "；".join(f"{u or '未写单位'}：{'、'.join(ids)}" for u, ids in self.units[cell.key].items())
            return f"单位不一，未相加（{shown}）/ amounts in different units, not added"
        return ""


def blank_tables(fmt: Format) -> dict[str, dict]:
    tables = {name: {} for name in TABLE_KEYS.values()}
    for cell in cells(fmt):
        row = tables[TABLE_KEYS[cell.key.table]].setdefault(cell.key.row, [])
        row.append(None)
    return tables


def sum_parts(fmt: Format, parts, decimals: int | None = None) -> Totals:
    """The cell-by-cell sum of parts (Reports or Parts of format fmt, with .id or given as (id, part))."""
    named = [(p if isinstance(p, tuple) else (p.id, p)) for p in parts]
    totals = Totals(fmt, **blank_tables(fmt))
    by_row: dict[tuple[str, str], list[Cell]] = {}
    for cell in cells(fmt):
        by_row.setdefault((cell.key.table, cell.key.row), []).append(cell)
    for (table, row), row_cells in by_row.items():
        attr = TABLE_KEYS[table]
        width = len(row_cells)
        rows = [_padded(getattr(part, attr).get(row), width) for _, part in named]
        out = getattr(totals, attr)[row]
        for cell, column in zip(row_cells, zip(*rows) if rows else [()] * width):
            if None in column:
                totals.blank[cell.key] = [ident for (ident, _), v in zip(named, column) if v is None]
            elif cell.kind == MONEY:
                out[cell.index] = _sum_money(cell, list(zip([i for i, _ in named], column)), totals, decimals)
            else:
                out[cell.index] = sum(column)
    return totals


def _padded(row, width: int) -> list:
    row = list(row or ())
    return row + [None] * (width - len(row)) if len(row) < width else row


def _sum_money(cell: Cell, values, totals: Totals, decimals: int | None):
    by_unit: dict[str, list[str]] = {}
    for ident, v in values:
        by_unit.setdefault(v.unit if isinstance(v, Money) else "", []).append(ident)
    if len(by_unit) > 1:
        totals.units[cell.key] = by_unit
        return None
    amount = sum((v.amount if isinstance(v, Money) else Decimal(v) for _, v in values), Decimal(0))
    if decimals is not None:
        amount = amount.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return Money(amount, next(iter(by_unit), ""))


def same_value(reported, summed) -> bool:
    """A report's cell equals the sum: counts exactly; money at the decimals the report printed."""
    if isinstance(reported, Money) or isinstance(summed, Money):
        if not (isinstance(reported, Money) and isinstance(summed, Money)) or reported.unit != summed.unit:
            return False
        places = reported.amount.as_tuple().exponent
        return summed.amount.quantize(Decimal(1).scaleb(places), rounding=ROUND_HALF_UP) == reported.amount
    return reported == summed


def shown(value) -> str:
    return "空白" if value is None else str(value)


__all__ = ["Cell", "Totals", "cells", "same_value", "sum_parts", "value"]
