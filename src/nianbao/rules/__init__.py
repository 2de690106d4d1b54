"""The consistency rules (勾稽关系) of the official format, run as Great Expectations suites.

    from nianbao.rules import check
    validation = check(report, previous)      # previous: last year's Report, or None
    validation.findings                        # [Finding(rule, severity, table, row, column, expected, actual, message)]

Modules: catalog (rule ids, severities, titles), claims (numbers the narrative states),
narrative (the years it names, the overview's length and topics, text repeated from last year),
frames (a report as a pandas frame), custom (three GX expectations), suites (the suites,
generated from formats.py, stored in expectations/), engine (the GX context), findings
(results explained, and the object a notebook shows).
"""
from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from ..errors import NianbaoError, UsageError
from ..model.sources import Report
from .findings import Finding, Validation, rule_order, validation_record


def previous_source(path: str | Path) -> Path | None:
    """data/<year-1>/<same file name>, beside the year folder of path, when it exists."""
    path = Path(path)
    if not path.parent.name.isdigit():
        return None
    candidate = path.parent.parent / str(int(path.parent.name) - 1) / path.name
    return candidate if candidate.is_file() else None


def fee_decimals(report: Report) -> list[int]:
    """The decimals a 2021 fee may show: exactly options.fee_decimals when a provincial template
    sets it (河南: 保留4位小数), else at most 4 (the reference's R5: flag more than 4)."""
    n = report.options.get("fee_decimals")
    return [n] if isinstance(n, int) and not isinstance(n, bool) else list(range(5))


def check(report: Report, previous: Report | None = None, notes: list[str] | None = None) -> Validation:
    """Run every rule on report; the cross-year rules too when previous (last year's report of
    the same agency, same format version) is given. notes: said before the rules' own notes."""
    from ..analyst.newyear import is_draft
    from ..model.sources import INFERRED_NOTE, import_notes
    from . import engine, frames, suites
    from .claims import read_claims
    from .findings import findings_from
    from .deadline import deadline_findings
    from .summed import summed_findings

    if previous is not None and previous.year != report.year - 1:
        raise UsageError(f"上一年度报告应为 {report.year - 1} 年，实为 {previous.year} 年",
                         f"the previous report should be for {report.year - 1}, not {previous.year}", file=previous.path)
    parameters = {suites.FEE_DECIMALS: fee_decimals(report)}
    findings, results, notes = [], [], list(notes or [])
    draft, gaps = is_draft(report), gap_cells(report)
    unread = {cell: str(gap.get("text") or "") for gap, cells in gaps for cell in cells}

    def run(suite_name: str, data: dict) -> None:
        for part in engine.validate(data, suites.load_suite(suite_name), parameters):
            findings.extend(findings_from(part.failures, data[part.frame], parameters, draft, unread))
            results.append(part.record)

    run(suites.suite_name(report.format.version), frames.report_frames(report, read_claims(report), previous))
    if previous is None:
        if not notes:
            notes.append(f"跨年规则（R2、R14、R37 等）未运行：没有 {report.year - 1} 年的源数据")
    elif previous.format.version != report.format.version:
        notes.append(f"跨年表格规则（R2、R14 等）未运行（R37 照常）：{previous.year} 年用 {previous.format.version} 格式，"
                     f"{report.year} 年用 {report.format.version} 格式，格式变更前后不可比")
    else:
        run(suites.CROSS_YEAR, frames.cross_year_frames(report, previous))
    findings.extend(summed_findings(report, notes))  # R36, for a 汇总 report of a register
    findings.extend(deadline_findings(report, notes))  # R38, for a report the register lists
    findings.sort(key=rule_order)
    # Cells the importer inferred by assuming some rules hold: those rules prove nothing for those rows.
    unchecked = [note[len(INFERRED_NOTE):] for note in import_notes(report) if note.startswith(INFERRED_NOTE)]
    return Validation(not_checkable=unchecked, agency=report.agency, year=report.year, format=report.format.version, findings=findings,
                      gaps=[{**gap, "cells": [asdict(c) for c in cells]} for gap, cells in gaps],
                      import_notes=import_notes(report), draft=draft, notes=notes,
                      results=results, source=report.path, previous=previous.path if previous is not None else "")


def read_previous(report: Report, explicit: str | Path | None = None) -> tuple[Report | None, list[str]]:
    """Last year's report: the explicit file (errors propagate: the user named it), else
    data/<year-1>/<same name> beside the report's source when it exists and reads cleanly."""
    from ..importer import read_any

    if explicit:
        return read_any(explicit), []
    path = previous_source(report.path) if report.path else None
    if path is None:
        return None, []
    try:
        return read_any(path), []
    except NianbaoError as error:
        return None, [f"{path} 无法读取，跨年规则未运行：{error.zh}"]


def gap_cells(report: Report) -> list[tuple[dict, tuple]]:
    """Each gap an importer left (a cell, or a whole row, it could not read) with the cells it covers."""
    from ..report.layout import cells_named

    return [(gap, cells_named(report.format, gap.get("table"), gap.get("row"), gap.get("column")))
            for gap in report.gaps if isinstance(gap, dict)]


def check_source(report: Report, previous: str | Path | None = None) -> Validation:
    """check() with last year's report found as read_previous() finds it."""
    last, notes = read_previous(report, previous)
    return check(report, last, notes)


def check_file(path: str | Path, previous: str | Path | None = None) -> Validation:
    """Read a report (a source YAML, or a published report through the importer) and check it."""
    from ..importer import read_any

    return check_source(read_any(path), previous)


__all__ = ["Finding", "Validation", "check", "check_file", "check_source", "previous_source", "validation_record"]
