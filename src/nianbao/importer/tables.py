"""The three statistical tables of a published report, read by their labels from nianbao.model.formats.

Table 二 by its items' rows (with a check that the columns are this format version's), table 三 by
its 25 (2019: 23) rows of seven applicant columns, table 四 as the template's one row of fifteen or
one row per group. Nothing is guessed: a row whose numbers cannot be told apart, a cell holding
「/」 or 「—」, a row that is not there, each becomes a gap (and the cell stays None). Blank cells stay
blank.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import formats
from ..model.formats import COUNT, Format
from .cells import parse_cell
from .digits import RUN_TOGETHER, RunRow, candidates_shown, runs_of, shown, unrun
from .labels import Notes, header_labels, key, variants
from .rows import CONTINUED, ORPHAN, Cells, Matcher, Placer, Region, RowSpec, Token, join_broken_rows, place_orphans, seen_text, fit, row_values

T2, T3, T4 = (t.name for t in formats.TABLES)
MAX_UNRECOGNISED = 30  # unrecognised rows said one by one; more are counted (a table has ~30 rows)


def gap(table: str, row: str, column: str, text: str, reason: str) -> dict:
    return {"table": table, "row": row, "column": column, "text": text, "reason": reason}


# ------------------------------------------------------------------ the three tables
@dataclass
class TableResult:
    cells: dict[str, list]
    gaps: list[dict]
    options: dict = field(default_factory=dict)
    first: int | None = None  # first and last lines of the region the table occupies
    last: int | None = None
    runs: list[RunRow] = field(default_factory=list)  # rows of run-together cells left as gaps


def read_rows(region: Region, specs: list[RowSpec], kinds: dict[str, list[str]], table: str, fmt: Format,
              notes: Notes, spans: dict[str, tuple[int, ...]] | None = None, columns: dict[str, list[str]] | None = None,
              money_unit: str = "", placer_labels: list[str] | None = None) -> TableResult:
    headers = header_labels(fmt)
    matcher = Matcher(region, headers)
    matches = matcher.find_all(specs)
    values = row_values(region, matches, specs, matcher)
    orphans = place_orphans(region, matches, values, specs, matcher) if not region.layout else []
    for name in join_broken_rows(region, values, specs, matcher) if not region.layout else []:
        notes.tolerate(table, CONTINUED, f"{next(s.full for s in specs if s.name == name)}：{values[name].seen}")
    placer = None
    if region.layout and placer_labels:
        placer = Placer(region, placer_labels)
        for name, cells in values.items():
            if cells.tokens and cells.line is not None:
                placer.learn(cells.line, cells.tokens)
    result = TableResult({}, [])
    used_lines = []
    for spec in specs:
        cols = (columns or {}).get(spec.name) or [""] * spec.size
        match = matches.get(spec.name)
        if spec.name in orphans:
            notes.tolerate(table, ORPHAN, f"{spec.full}：{values[spec.name].seen}")
        if match is None and spec.name not in orphans:
            result.cells[spec.name] = [None] * spec.size
            result.gaps.append(gap(table, spec.full, "", "", "表中找不到此行 / the row is not in the table"))
            continue
        elif match is not None:
            notes.label(table, match.printed, spec.label, match.tolerances)
            used_lines += match.lines(region)
        cells = fit(values[spec.name], spec.size, (spans or {}).get(spec.name, (1,) * spec.size), region.layout,
                    placer if placer_labels and spec.size == len(placer_labels) else None)
        line = values[spec.name].line if spec.name in values else None
        if cells.tokens is None and _runs_possible(region, line):
            texts = [t.text for t in values[spec.name].tokens or ()]
            sums = row_sums(fmt, table, spec.size)
            taken, splits, why = unrun(texts, kinds[spec.name], sums)
            if taken:
                notes.tolerate(table, RUN_TOGETHER, f"「{' '.join(texts)}」→ {shown(taken)}")
                cells = Cells([Token(-1, t) for t in taken], cells.seen, line=cells.line)
            elif splits:
                result.cells[spec.name] = [None] * spec.size
                result.gaps.append({**gap(table, spec.full, "", cells.seen, why), "candidates": candidates_shown(splits)})
                result.runs.append(RunRow(table, [spec.name], [spec.full], runs_of(texts),
                                          kinds[spec.name], sums, splits))
                continue
        if cells.tokens is None:
            result.cells[spec.name] = [None] * spec.size
            result.gaps.append(gap(table, spec.full, "", cells.seen, cells.problem))
            continue
        row = []
        for token, kind, column in zip(cells.tokens, kinds[spec.name], cols):
            value, reason = parse_cell(token.text, kind, notes, table, money_unit)
            if reason:
                result.gaps.append(gap(table, spec.full, column, token.text, reason))
            row.append(value)
        result.cells[spec.name] = row
    _note_header_variants(region, headers, table, notes)  # after the rows: their examples come first
    unclaimed = set(region.unclaimed)
    used_lines += [i for i in region.values if region.has_values(i) and i not in unclaimed]
    if used_lines:
        result.first, result.last = min(used_lines), max(used_lines)
    for i in region.unclaimed[:MAX_UNRECOGNISED]:
        labels = " ".join(c.text for _, c in region.on_line(i))
        notes.remark(f"{table}：未识别的一行，未读取 / unrecognised row, not read: {labels} {seen_text(region, [i])}".rstrip())
    if len(region.unclaimed) > MAX_UNRECOGNISED:
        more = len(region.unclaimed) - MAX_UNRECOGNISED
        notes.remark(f"{table}：另有 {more} 行未识别，未读取 / {more} more unrecognised row(s), not read")
    return result


def _note_header_variants(region: Region, headers: list[str], table: str, notes: Notes) -> None:
    """Header and group labels are not read for values, but how they were printed is said too."""
    by_key = {key(h): h for h in headers}
    for chunk in region.chunks:
        official = by_key.get(chunk.key)
        if official and official != chunk.text and official not in (s.heading for s in formats.SECTIONS):
            notes.label(table, chunk.text, official)


def read_table2(region: Region, fmt: Format, notes: Notes) -> TableResult:
    specs, kinds, spans, columns = [], {}, {}, {}
    for block in fmt.table2:
        for row in block.rows:
            specs.append(RowSpec(row, row, row, len(block.columns)))
            kinds[row] = [c.kind for c in block.columns]
            spans[row] = tuple(c.span for c in block.columns)
            columns[row] = [c.label for c in block.columns]
    text = region.text()
    options, money_unit = {}, ""
    fee = re.search(re.escape(fmt.fee.label.split("（")[0]) + r"[^\n\t]*", text) if fmt.fee else None
    if fee:
        decimals = fmt.fee.decimals(fee.group(0))
        if decimals is not None:
            options["fee_decimals"] = decimals
            notes.tolerate(T2, "收费金额表头含省级补充（保留小数位数）/ the fee header carries a provincial rule on decimals",
                           fee.group(0).strip())
        unit = re.search(r"单位\s*[:：]\s*(亿元|万元|元)", fee.group(0))
        if unit and unit.group(1) != fmt.fee.unit:
            money_unit = unit.group(1)
            notes.tolerate(T2, "收费金额单位不是万元，金额按原单位记录 / the fee is not in 万元; kept with its unit",
                           fee.group(0).strip())
    result = read_rows(region, specs, kinds, T2, fmt, notes, spans, columns, money_unit)
    result.options = options
    for block, printed in _foreign_columns(region, fmt):
        shown = "、".join(printed)
        reason = (f"此项的列是另一版格式的（{shown}），与本年度格式的列含义不同，不按位置读取 / the columns of this "
                  f"item are another format version's ({shown}), which mean something else; not read by position")
        result.gaps = [g for g in result.gaps if g["row"] not in block.rows]
        for row in block.rows:
            result.cells[row] = [None] * len(block.columns)
            result.gaps.append(gap(T2, row, "", "", reason))
    return result


def _foreign_columns(region: Region, fmt: Format) -> list[tuple]:
    """Items of table 二 whose column headers are another version's (a 2021 report printing the 2019
    table): (block, the foreign labels seen)."""
    lines = [key(line.text if line.cells is None else "".join(line.cells)) for line in region.lines]
    starts = []
    for block in fmt.table2:
        at = next((i for i, k in enumerate(lines) if key(block.item) in k), None)
        starts.append(at)
    out = []
    for n, block in enumerate(fmt.table2):
        if starts[n] is None:
            continue
        end = next((s for s in starts[n + 1:] if s is not None), len(lines))
        text = "".join(lines[starts[n]:end])
        if all(key(c.label)[:4] in text for c in block.columns):
            continue
        foreign = [c.label for other in formats.FORMATS.values() if other is not fmt
                   for b in other.table2 if b.item == block.item for c in b.columns
                   if key(c.label)[:4] in text and c.label not in {x.label for x in block.columns}]
        if foreign:
            out.append((block, foreign))
    return out


def read_table3(region: Region, fmt: Format, notes: Notes) -> TableResult:
    specs = [RowSpec(r.key, r.label, fmt.table3_row_label(r.key), len(fmt.table3_columns)) for r in fmt.table3_rows]
    labels = [c.label for c in fmt.table3_columns]
    kinds = {s.name: [COUNT] * s.size for s in specs}
    result = read_rows(region, specs, kinds, T3, fmt, notes, columns={s.name: labels for s in specs},
                       placer_labels=labels)
    _check_columns(region, fmt, notes, result)
    return result


def _check_columns(region: Region, fmt: Format, notes: Notes, result: TableResult) -> None:
    """Applicant columns are read in the template's order; say which header labels were printed otherwise."""
    head = [c for c in region.chunks if result.first is None or c.line < result.first]
    joined = "".join(c.key for c in head)
    for column in fmt.table3_columns:
        alts = variants(column.label)
        if key(column.label)[:3] in joined:
            continue
        other = next(((k, why) for k, why in alts[1:] if k in joined), None)
        if other:
            printed = next((c.text for c in head if other[0] in c.key), other[0])
            notes.label(T3, printed, column.label, [other[1]])
        elif head:
            notes.remark(f"{T3}：表头中未见列「{column.label}」，按模板列序读取 / column {column.label} not seen in the "
                         "header; read in the template's column order")


def read_table4(region: Region, fmt: Format, notes: Notes) -> TableResult:
    groups, columns = fmt.table4_groups, fmt.table4_columns
    size = len(groups) * len(columns)
    result = TableResult({}, [])
    filled = [i for i in region.values if region.has_values(i)]
    if len(filled) > 1:  # numbers in sentences (the next section's, when its heading is lost) are not the table's
        noise = Matcher(region, [c.label for c in columns] + [g.label for g in groups] + [formats.TABLE4_LITIGATION,
                                                                                         formats.TABLE4_REVIEW])
        table_lines = [i for i in filled if all(noise.is_noise(c.key) for _, c in region.on_line(i))]
        filled = table_lines or filled
    tokens = None
    seen = seen_text(region, filled) if filled else ""
    problem = "表中找不到数字行 / no row of numbers in the table"
    if filled:
        # The template's layout: one row of 15 numbers under the three-level header.
        row = max(filled, key=lambda i: sum(1 for t in region.values[i] if t.text.strip()))
        placer = Placer(region, [c.label for _ in groups for c in columns])
        placer.learn(row, region.values[row])
        cells = fit(Cells(region.values[row], seen_text(region, [row]), line=row), size, (1,) * size, region.layout,
                    placer)
        if cells.tokens is not None and len(filled) == 1:
            tokens = cells.tokens
            result.first = result.last = row
        else:
            problem = cells.problem or "数字分在几行 / numbers on several lines"
            # A transposed layout: one row per group (行政复议, 未经复议直接起诉, 复议后起诉) of five.
            specs = [RowSpec(g.key, g.label, g.label, len(columns)) for g in groups]
            noise = [c.label for c in columns] + [formats.TABLE4_LITIGATION] + [s.heading for s in fmt.sections]
            matcher = Matcher(region, noise)
            matches = matcher.find_all(specs)
            if len(matches) == len(groups):
                values = row_values(region, matches, specs, matcher)
                rows = [fit(values[s.name], s.size, (1,) * s.size, region.layout, None) for s in specs]
                # Group labels with no number beside any of them are the template's header, not rows.
                if all(r.tokens is not None for r in rows) and any(t.text.strip() for r in rows for t in r.tokens):
                    tokens = [t for r in rows for t in r.tokens]
                    lines = [i for m in matches.values() for i in m.lines(region)]
                    result.first, result.last = min(lines), max(lines)
    if tokens is None and len(filled) == 1 and _runs_possible(region, filled[0]):  # one row, its digits run together
        texts = [t.text for t in region.values[filled[0]]]
        sums = row_sums(fmt, T4, size)
        taken, splits, why = unrun(texts, [COUNT] * size, sums)
        if taken:
            notes.tolerate(T4, RUN_TOGETHER, f"「{' '.join(texts)}」→ {shown(taken)}")
            tokens = [Token(-1, t) for t in taken]
            result.first = result.last = filled[0]
        elif splits:
            width = len(columns)
            for n, g in enumerate(groups):
                result.cells[g.key] = [None] * width
                result.gaps.append({**gap(T4, g.label, "", seen, why),
                                    "candidates": candidates_shown(splits, n * width, width)})
            result.runs.append(RunRow(T4, [g.key for g in groups], [g.label for g in groups],
                                      runs_of(texts), [COUNT] * size, sums, splits))
            return result
    if tokens is None:
        for g in groups:
            result.cells[g.key] = [None] * len(columns)
            result.gaps.append(gap(T4, g.label, "", seen, problem))
        return result
    for n, g in enumerate(groups):
        row = []
        for c, token in enumerate(tokens[n * len(columns):(n + 1) * len(columns)]):
            value, reason = parse_cell(token.text, COUNT, notes, T4)
            if reason:
                result.gaps.append(gap(T4, g.label, columns[c].label, token.text, reason))
            row.append(value)
        result.cells[g.key] = row
    return result


def row_sums(fmt: Format, table: str, size: int) -> list[tuple[list[int], int]]:
    """A row's own totals as cell indexes (parts, total): table 三's 总计 of its applicant columns (R9),
    table 四's 总计 of each group (R16–R18); table 二's rows have none."""
    if table == T2:
        return []
    columns = fmt.columns(formats.table(table))
    width = len(columns)
    total = columns.index(fmt.total_column(formats.table(table)))
    parts = [i for i, c in enumerate(columns) if c.role != formats.TOTAL]
    return [([start + i for i in parts], start + total) for start in range(0, size, width)]


def _runs_possible(region: Region, line: int | None) -> bool:
    """Digits may have run together only in words: PDF text shows blank cells as space, and a row of
    cells (tabs, an HTML or Markdown table) short of cells lost some rather than glued them."""
    return not region.layout and line is not None and region.lines[line].cells is None
