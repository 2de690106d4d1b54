"""`--assume-row-sums`: choosing the split of run-together cells that the table's own sums allow.

Asked for explicitly, never by default. For each row left as a gap with candidate splits, only the
splits that satisfy the row's own totals are kept (表三 总计 = its six applicant columns, R9; 表四 each
group's 总计, R16–R18); then, in table 三, the combination of rows that also satisfies the column sums
(一 + 二 = （七）总计 + 四, R10; （七）总计 = the results, R11) with the cells already read. A row is
chosen when every combination that satisfies them gives it the same cells. The chosen cells are said
in import_notes as inferred, and the rules they were inferred from are not checkable for those rows:
the check says so instead of counting them as passed (rules.check reads the same note).
"""
from __future__ import annotations

from itertools import product

from ..model import formats
from ..model.formats import Format
from ..model.sources import INFERRED_NOTE
from .digits import MAX_NODES, RunRow, split
from .labels import Notes
from .tables import T3, T4

MAX_COMBINATIONS = 100_000  # combinations of ambiguous rows tried against the column sums
ROW_NODES = 4 * MAX_NODES  # search steps for one row's splits that add up (its total is forced: narrow)
INFER_NODES = 12 * MAX_NODES  # and for all rows together, so the worst report costs about a second
ROW_SUMS_T3 = ("R9", "R10", "R11")  # 总计 of the applicants; 一 + 二 = （七） + 四; （七） = the results
INFERABLE = (T3, T4)


def assume_row_sums(fmt: Format, tables: dict[str, dict[str, list]], gaps: list[dict], runs: list[RunRow],
                    notes: Notes, parse) -> None:
    """Fill in the run-together rows the sums decide (tables and gaps changed in place).
    parse(text, kind, table) -> value turns a chosen cell's text into the source's value."""
    options: dict[int, list[list[str]]] = {}
    budget = INFER_NODES
    for n, row in enumerate(runs):
        if row.table not in INFERABLE or budget <= 0:
            continue
        found = split(row.runs, row.kinds, row.sums, max_nodes=min(ROW_NODES, budget))
        budget -= found.steps
        if found.complete and found.candidates:  # a row whose search was cut short stays a gap
            options[n] = found.candidates
    chosen = _by_columns(fmt, tables, runs, options)
    done: dict[str, list[str]] = {}
    for n in sorted(set(chosen) | {n for n in options if len(runs[n].keys) > 1}):
        row = runs[n]
        found = [chosen[n]] if n in chosen else options[n]
        width = len(found[0]) // len(row.keys)
        number = formats.table(row.table).number
        for k, (name, label) in enumerate(zip(row.keys, row.labels)):
            # Table 四's one row holds three groups: a group is chosen when every split that adds up agrees on it.
            slices = {tuple(cells[k * width:(k + 1) * width]) for cells in found}
            if len(slices) != 1:
                continue
            part = list(slices.pop())
            tables[number][name] = [parse(text, kind, row.table) for text, kind in zip(part, row.kinds[k * width:])]
            gaps[:] = [g for g in gaps if not (g.get("table") == row.table and g.get("row") == label)]
            done.setdefault(row.table, []).append(f"{label} {' '.join(part)}")
    for table, rows in done.items():
        rules = _rules(fmt, table)
        notes.remark(f"{INFERRED_NOTE}{table}：{'；'.join(rows)}。这些行的数字连写，按 {'、'.join(rules)} 成立推定，故这些规则"
                     f"对这些行无法核对，不算通过 / these rows' digits ran together and were split assuming "
                     f"{', '.join(rules)} hold, so those rules are not checkable for these rows (not passed)")


def _rules(fmt: Format, table: str) -> tuple[str, ...]:
    """The rules a table's inferred rows were inferred from: table 三's row and column sums, table 四's
    group totals as the declaration names them."""
    return ROW_SUMS_T3 if table == T3 else tuple(g.rule for g in fmt.table4_groups if g.rule)


def _by_columns(fmt: Format, tables, runs: list[RunRow], options: dict[int, list[list[str]]]) -> dict[int, list[str]]:
    """Rows whose split the row and column sums decide: index → cells."""
    fixed = {n: c[0] for n, c in options.items() if len(c) == 1}
    table3 = [n for n, c in options.items() if len(c) > 1 and runs[n].table == T3]
    # Table 四's rows have no column sums: one left with several splits that add up stays a gap.
    valid: list[dict[int, list[str]]] = []
    total = 1
    for n in table3:
        total *= len(options[n])
    if total > MAX_COMBINATIONS:
        table3 = []
    for combo in product(*(options[n] for n in table3)) if table3 else [()]:
        trial = {**fixed, **dict(zip(table3, combo))}
        if _columns_hold(fmt, tables, runs, trial):
            valid.append(trial)
    if not valid:
        return {}
    out = {}
    for n in valid[0]:
        if all(v.get(n) == valid[0][n] for v in valid):
            out[n] = valid[0][n]
    return out


def _columns_hold(fmt: Format, tables, runs: list[RunRow], trial: dict[int, list[str]]) -> bool:
    """R10 and R11 of table 三, in every column where each cell is known (read, or in the trial)."""
    rows = dict(tables["三"])
    for n, cells in trial.items():
        if runs[n].table == T3:
            rows[runs[n].keys[0]] = [int(c) for c in cells]
    new, carried = fmt.row_key(formats.NEW), fmt.row_key(formats.CARRIED_IN)
    results_total, carried_out = fmt.row_key(formats.RESULTS_TOTAL), fmt.row_key(formats.CARRIED_OUT)
    for c in range(len(fmt.table3_columns)):
        def cell(key):
            row = rows.get(key)
            return row[c] if row and isinstance(row[c], int) else None
        ten = [cell(new), cell(carried), cell(results_total), cell(carried_out)]
        if None not in ten and ten[0] + ten[1] != ten[2] + ten[3]:
            return False
        parts = [cell(k) for k in fmt.result_keys]
        if None not in parts and ten[2] is not None and sum(parts) != ten[2]:
            return False
    return True
