"""What the report notebook calls: every cell is one line into here (logic stays in the library)."""
from __future__ import annotations

from pathlib import Path

from .. import paths
from . import layout
from ..model.sources import Report, load_report


def source_for(agency: str, year, data_dir: str | Path = "") -> Path:
    """The source file for an agency and year; data_dir defaults to the project's data/, and a relative
    one is relative to the project root, as the command line reads it (not to notebooks/)."""
    year = paths.check_year(year)
    return paths.data_dir(paths.project_dir(), data_dir) / str(year) / f"{paths.check_agency_id(agency)}.yaml"


def load(agency: str, year, data_dir: str | Path = "") -> Report:
    return load_report(source_for(agency, year, data_dir))


class _HTML:
    """A display object with only an HTML representation (no IPython import needed here)."""

    def __init__(self, html: str):
        self.html = html

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:  # text/plain stays short: the HTML is the content
        return "<nianbao report section>"


def report_parts(report: Report) -> list[_HTML]:
    """The publishable body in display pieces: the title, then one per section 一–六."""
    parts = [layout.title_html(report)] + [layout.section_html(report, s.number) for s in report.format.sections]
    return [_HTML(f'<article class="nianbao-report" lang="zh-CN">{p}</article>') for p in parts]


def validate(report: Report, data_dir: str | Path = ""):
    """Run every consistency rule (the cross-year ones too when data/<year-1>/ beside the source
    holds last year's report). The result shows the findings, or 全部通过, and carries the record
    that render writes to validation.json."""
    from .. import rules  # imports GX: only here, so the publishable cells stay light

    import dataclasses

    from ..provenance.manifest import relative

    validation = rules.check_source(report)
    # Project-relative file names: the record (validation.json) is the same wherever the project is.
    root = paths.project_dir()
    return dataclasses.replace(validation, source=relative(Path(validation.source), root) if validation.source else "",
                               previous=relative(Path(validation.previous), root) if validation.previous else "")


def provenance(report: Report, data_dir: str | Path = ""):
    """What an auditor needs to know about this run: parameters, input hashes, versions."""
    from ..provenance.manifest import provenance_html

    return _HTML(provenance_html(report, data_dir))


def findings_of(validation) -> list[dict]:
    """The findings a validate() result carries (its .findings, or ["findings"]); [] while it has none."""
    from ..analyst.highlight import as_findings

    if validation is None:
        return []
    items = validation.get("findings") if isinstance(validation, dict) else getattr(validation, "findings", None)
    return as_findings(items)


def gap_findings(report: Report) -> list[dict]:
    """Cells an importer could not read with confidence, shown like findings (severity 'gap')."""
    return [{"rule": "gap", "severity": "gap", "table": g.get("table"), "row": g.get("row"), "column": g.get("column"),
             "expected": None, "actual": g.get("text", g.get("found")),
             "message": g.get("message") or g.get("reason") or "导入时未能确定 / not read with confidence",
             "cells": layout.cells_named(report.format, g.get("table"), g.get("row"), g.get("column") or "")}
            for g in report.gaps if isinstance(g, dict)]


def highlighted(report: Report, validation=None) -> _HTML:
    """Tables 二–四 with every cell a finding (or an import gap) points at highlighted; hover for the rule."""
    from ..analyst.highlight import styled_tables

    return _HTML(styled_tables(report, findings_of(validation) + gap_findings(report)))


def year_over_year(report: Report, agency: str, data_dir: str | Path = "") -> _HTML:
    """申请数量, 办理结果 and 复议/诉讼 across this and every earlier year with a source file."""
    from html import escape

    from ..errors import NianbaoError
    from ..model.formats import FIRST_YEAR
    from ..analyst.trend import trend_html

    reports, notes = [report], []
    for year in range(FIRST_YEAR, report.year):
        path = source_for(agency, year, data_dir)
        if path.is_file():
            try:
                reports.append(load_report(path))
            except NianbaoError as error:  # a broken old year is noted, not fatal to this report
                notes.append(f"<p>{year} 年源数据未计入 / {year} left out: {escape(str(error))}</p>")
    return _HTML(trend_html(reports) + "".join(notes))
