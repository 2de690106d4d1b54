"""R38: a report published after the deadline of its reporter's level (条例第四十九条, 30号 二).

It runs where R36 does (a source beside a register that lists it): the register says the level,
the source's options.published (an imported page's PubDate) or the register's record says when.
A date that cannot be read is a note, not a finding; `nianbao status` shows the same for every body.
"""
from __future__ import annotations

import datetime as dt

from ..errors import NianbaoError
from ..model.sources import Report
from .catalog import WARNING
from .findings import Finding
from .summed import project_of

RULE = "R38"


def deadline_findings(report: Report, notes: list[str]) -> list[Finding]:
    from ..region.register import OFFICE, load_register
    from ..region.status import parse_date

    where = project_of(report)
    if where is None:
        return []
    root, _, report_id = where
    try:
        register = load_register(root, report.year)
    except NianbaoError:
        return []  # R36 says so
    entry = register.reports.get(report_id) if register else None
    if entry is None:
        return []
    written = str(report.options.get("published") or (entry.body.published if entry.role != OFFICE else ""))
    if not written:
        return []
    when = parse_date(written)
    month, day = entry.deadline
    deadline = dt.date(report.year + 1, month, day)
    if when is None:
        notes.append(f"R38 未运行：发布日期「{written}」无法识别 / R38 did not run: the publication date is not a date")
        return []
    if when <= deadline:
        return []
    return [Finding(RULE, WARNING, "", "", "", f"≤ {deadline.isoformat()}", when.isoformat(),
                    f"逾期发布：{when.isoformat()} 发布，{entry.body.kind}的时限为 {deadline.isoformat()}（条例第四十九条）"
                    f" / published {when.isoformat()}, after the {deadline.isoformat()} deadline of its level")]
