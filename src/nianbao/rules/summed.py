"""R36: a 汇总 report's every table cell equals the sum of the same cell over its parts.

Not a GX suite: it reads more than one source. It runs wherever a report's source sits in a
project with a register (<data>/<year>/<id>.yaml beside agencies/<year>.yaml) and the register
names that id as a government's 汇总 report — so in check, render and the notebook alike.

Which parts: those the register lists, less those the 汇总's rollup record left out on purpose.
A listed part without a source is 缺报 (a warning naming it; the cells are compared with the sum
of the parts that reported). A part that cannot be read stops the comparison (the sum is not
known). A cell left blank in a part has no sum: it is not compared (a blank is not 0).
"""
from __future__ import annotations

from pathlib import Path

from ..errors import NianbaoError
from ..model.sources import Report
from .catalog import ERROR, WARNING
from .findings import Finding

RULE = "R36"
SHOWN_PARTS = 12  # parts named in one finding; the rest counted


def project_of(report: Report) -> tuple[Path, Path, str] | None:
    """(project root, data folder, report id) of a source at <data>/<year>/<id>.yaml, else None."""
    if not report.path or not report.path.endswith((".yaml", ".yml")):
        return None
    path = Path(report.path)
    if path.parent.name != str(report.year):
        return None
    data = path.parent.parent
    return data.parent, data, path.stem


def summed_findings(report: Report, notes: list[str]) -> list[Finding]:
    """R36's findings for report (none unless it is a 汇总 report of a register); adds to notes what
    could not be compared and why."""
    from ..region.parts import PartReader
    from ..region.register import SUMMARY, load_register
    from ..region.sums import cells, same_value, shown, sum_parts, value

    where = project_of(report)
    if where is None:
        return []
    root, data, report_id = where
    try:
        register = load_register(root, report.year)
    except NianbaoError as error:
        notes.append(f"R36 未运行：登记表无法读取（{error.zh}）/ R36 did not run: the register is unreadable")
        return []
    entry = register.reports.get(report_id) if register else None
    if entry is None or entry.role != SUMMARY:
        return []
    record = report.rollup or {}
    left_out = set(record.get("left_out") or {})
    wanted = [p for p in register.parts(report_id) if p not in left_out]
    reader = PartReader(root, report.year, data_dir=data, cache=False)
    parts = [reader.read(p) for p in wanted]
    findings: list[Finding] = []
    missing = [p.id for p in parts if not p.present]
    if missing:
        findings.append(Finding(RULE, WARNING, "", "", "", None, None,
                                f"缺报：{'、'.join(missing)} 没有源数据，汇总未计入 / missing: no source, not in the sum"))
    unreadable = [p for p in parts if p.present and not p.readable]
    other = [p for p in parts if p.readable and p.format.version != report.format.version]
    if unreadable or other:
        why = [f"{p.id} 无法读取" for p in unreadable] + [f"{p.id} 为 {p.format.version} 格式" for p in other]
        notes.append(f"R36 逐格核对未运行：{'；'.join(why)} / R36 not compared: a part is unreadable or in another format")
        return findings
    present = [p for p in parts if p.present]
    if left_out:
        notes.append(f"R36：按汇总记录不计入 {'、'.join(sorted(left_out))} / left out as the rollup recorded")
    if not present:
        return findings
    totals = sum_parts(report.format, present)
    unsummed = 0
    for cell in cells(report.format):
        summed, reported = value(totals, cell), value(report, cell)
        if summed is None:
            unsummed += 1
            continue
        if same_value(reported, summed):
            continue
        contributors = [(p.id, value(p, cell)) for p in present if _nonzero(value(p, cell))]
        named = "、".join(f"{i} {v}" for i, v in contributors[:SHOWN_PARTS])
        more = f" 等 {len(contributors)} 份" if len(contributors) > SHOWN_PARTS else ""
        parts_text = f"（{named}{more}）" if contributors else "（各组成报告均为 0）"
        gap = f"；缺报 {'、'.join(missing)} 未计入" if missing else ""
        findings.append(Finding(
            RULE, ERROR, cell.table, cell.row, cell.column, summed, reported,
            f"{cell.label}：应为 {len(present)} 份组成报告之和 {shown(summed)}，实为 {shown(reported)}"
            f"{parts_text}{gap}", (cell.key,)))
    if unsummed:
        notes.append(f"R36：{unsummed} 个单元格在组成报告中有空白，未核对（空白不等于 0）/ {unsummed} cell(s) blank in a "
                     "part: not compared")
    return findings


def _nonzero(value) -> bool:
    return bool(getattr(value, "amount", value))
