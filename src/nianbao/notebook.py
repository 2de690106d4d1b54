"""What the report notebook calls: every cell is one line into here (logic stays in the library)."""
from __future__ import annotations

from pathlib import Path

from . import layout, paths
from .sources import Report, load_report


def source_for(agency: str, year, data_dir: str | Path = "") -> Path:
    """The source file for an agency and year; data_dir defaults to the project's data/."""
    year = paths.check_year(year)
    base = Path(data_dir) if data_dir else paths.project_dir() / "data"
    return base / str(year) / f"{paths.check_agency_id(agency)}.yaml"


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
    """Run every consistency rule; the returned object shows the findings (or 全部通过)."""
    return _HTML("<p>规则检查尚未接入 / rules not wired in yet</p>")  # replaced by the rules (issue 3)


def provenance(report: Report, data_dir: str | Path = ""):
    """What an auditor needs to know about this run: parameters, input hashes, versions."""
    from .provenance import provenance_html

    return _HTML(provenance_html(report, data_dir))
