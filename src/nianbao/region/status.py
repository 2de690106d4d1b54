"""nianbao status: every report the register expects, and where it stands — 缺报 (no source),
unreadable, draft, not yet rendered, rendered (failed / errors / warnings / clean), whether its
rendered report is older than its source, when it was published and whether that was past the
deadline of its level (R38, 逾期).

The publication date is the source's options.published (an imported page's PubDate lands there),
else the register's `published` (the office's own record). A date is read in the common written
forms (2024-01-20, 2024年1月20日, 2024/1/20); text that is not a date is shown and not judged.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .. import paths
from ..provenance.manifest import read_manifest
from .parts import Part, PartReader
from .register import OFFICE, OWN, SUMMARY, Register
from .rollup import require_register

DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
MISSING, UNREADABLE, DRAFT, PRESENT = "缺报", "unreadable", "draft", "present"
STATES = (MISSING, UNREADABLE, "failed", DRAFT, "errors", PRESENT, "warnings", "clean")  # worst first


@dataclass
class ReportStatus:
    id: str
    name: str
    kind: str  # the body's kind (政府部门 …)
    role: str  # report (a department's or 乡镇's) / 汇总 / 本政府机关
    reports_to: str  # the government its report goes to ('' at the top)
    state: str  # one of STATES
    source: bool  # a source file exists
    draft: bool = False
    rendered: str = ""  # the rendered report's status: failed / errors / warnings / clean ('' not rendered)
    outdated: bool = False  # rendered from another source than the one there now
    published: str = ""  # as written
    deadline: str = ""  # ISO date of year Y+1
    late: bool | None = None  # 逾期; None: unknown (no date, or not a date)
    rollup_stale: list[str] = field(default_factory=list)  # a 汇总: parts changed since its rollup
    note: str = ""


@dataclass
class RegionStatus:
    year: int
    register: Register
    reports: list[ReportStatus]
    today: dt.date

    def count(self, state: str) -> int:
        return sum(1 for r in self.reports if r.state == state)

    @property
    def late(self) -> list[ReportStatus]:
        return [r for r in self.reports if r.late]

    def to_json(self) -> dict:
        return {"year": self.year, "register": str(self.register.path), "today": self.today.isoformat(),
                "counts": {s: self.count(s) for s in STATES}, "late": len(self.late),
                "reports": [asdict(r) for r in self.reports]}


def parse_date(text: str) -> dt.date | None:
    found = DATE.search(text or "")
    if not found:
        return None
    try:
        return dt.date(*(int(g) for g in found.groups()))
    except ValueError:
        return None


def _rendered(root: Path, year: int, report_id: str, sha256: str | None) -> tuple[str, bool]:
    from ..batch.index import report_status

    manifest = read_manifest(paths.output_dir(root, year, report_id))
    if manifest is None:
        return "", False
    source = next((i for i in manifest.get("inputs") or [] if isinstance(i, dict) and i.get("role") == "source"), {})
    return report_status(manifest), source.get("sha256") != sha256


def region_status(root: Path | None, year, *, today: dt.date | None = None, reader: PartReader | None = None) -> RegionStatus:
    """Where every report of the register stands (see the module docstring)."""
    root = Path(root) if root else paths.project_dir()
    year = paths.check_year(year)
    register = require_register(root, year)
    today = today or dt.date.today()
    reader = reader or PartReader(root, year)
    reader.prefetch(register.order())
    parts = reader.read_all(register.order())
    rows = []
    for report_id, part in parts.items():
        entry = register.reports[report_id]
        body = entry.body
        month, day = entry.deadline
        deadline = dt.date(year + 1, month, day)
        row = ReportStatus(report_id, part.name or body.name, body.kind, entry.role if entry.role != OWN else "report",
                           body.reports_to or "", PRESENT, part.present, deadline=deadline.isoformat())
        # the register's record is of the body's own report (a government's: its 汇总)
        row.published = part.published or (body.published if entry.role != OFFICE else "")
        when = parse_date(row.published)
        if when is not None:
            row.late = when > deadline
        elif not part.present:
            row.late = True if today > deadline else None  # a report that does not exist by its deadline
        if not part.present:
            row.state = MISSING
        elif not part.readable:
            row.state, row.note = UNREADABLE, part.error.splitlines()[0] if part.error else ""
        else:
            row.draft = part.draft
            row.rendered, row.outdated = _rendered(root, year, report_id, part.sha256)
            row.state = DRAFT if part.draft else (row.rendered if row.rendered and not row.outdated else PRESENT)
            if entry.role == SUMMARY:
                row.rollup_stale = stale_parts(register, report_id, part, parts)
        rows.append(row)
    reader.save()
    return RegionStatus(year, register, rows, today)


def stale_parts(register: Register, report_id: str, summary: Part, parts: dict[str, Part]) -> list[str]:
    """The parts of a 汇总 whose sources differ from those its last rollup summed: changed, gone, or
    come in since it was 缺报. [] when the 汇总 records no rollup (made by hand: nothing to compare)."""
    record = summary.rollup or {}
    recorded, left_out = record.get("parts") or {}, record.get("left_out") or {}
    if not recorded and not record.get("missing"):
        return []
    return [part_id for part_id in register.parts(report_id)
            if part_id not in left_out and recorded.get(part_id) != parts[part_id].sha256
            and (part_id in recorded or parts[part_id].present)]


def format_status(status: RegionStatus) -> str:
    counts = "  ".join(f"{s}: {status.count(s)}" for s in STATES if status.count(s))
    lines = [f"{status.year} 年报告情况 / status for {status.year}（{status.register.path}）：{len(status.reports)} 份报告 "
             f"reports；{counts}；逾期 late: {len(status.late)}", ""]
    width = max((len(r.id) for r in status.reports), default=10)
    lines.append(f"{'报告 report':<{width}}  {'状态 state':<10} {'发布 published':<14} {'时限 due':<10}  名称 name")
    for r in status.reports:
        late = "  逾期 late" if r.late else ""
        extra = ""
        if r.outdated:
            extra += "  渲染后源数据已变 / source changed since rendering"
        if r.rollup_stale:
            extra += f"  组成已变，请重新 rollup / parts changed since rollup: {'、'.join(r.rollup_stale)}"
        if r.note:
            extra += f"  {r.note}"
        role = f"（{r.role}）" if r.role != "report" else ""
        lines.append(f"{r.id:<{width}}  {r.state:<10} {r.published or '—':<14} {r.deadline:<10}  {r.name}{role}"
                     f"{late}{extra}")
    return "\n".join(lines)


def status_json(status: RegionStatus) -> str:
    return json.dumps(status.to_json(), ensure_ascii=False, indent=2)
