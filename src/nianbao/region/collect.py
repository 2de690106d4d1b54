"""What the overview and the 整改清单 read: for every agency of a year, its source (present, draft,
loaded), its rendered report (manifest, failure beside it) and the findings its validation.json holds.

The agencies are those with a parameter file, and those the register lists (agencies/<year>.yaml,
when the region package can read one): a registered body without a source is 缺报, and the
register's status says who published after the deadline (逾期). Without a register the list is
the parameter files alone, and 缺报 / 逾期 are not known. Nothing here is typed by hand: every
figure comes from these files.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .. import paths
from ..errors import NianbaoError, UsageError
from ..model.formats import format_for_year
from ..model.sources import Report, load_report
from ..provenance import manifest as provenance

# Completeness, in the order the overview lists it (worst first); 缺报/逾期 need the register.
STATES = ("缺报", "failed", "draft", "errors", "warnings", "clean", "unrendered", "unreadable")
STATE_LABELS = {"缺报": "缺报 missing", "failed": "失败 failed", "draft": "草稿 draft", "errors": "有错误 errors",
                "warnings": "有警告 warnings", "clean": "通过 clean", "unrendered": "未渲染 not rendered",
                "unreadable": "源数据无法读取 unreadable"}


@dataclass
class Agency:
    id: str
    name: str = ""
    registered: bool | None = None  # None: no register
    params: bool = False  # a parameter file for the year
    source: bool = False  # data/<year>/<id>.yaml exists
    report: Report | None = None  # the source, loaded (None: absent or unreadable)
    previous: Report | None = None  # last year's source, when there is one
    source_error: str = ""
    manifest: dict | None = None
    failure: dict | None = None  # failed.json beside a kept report
    validation: dict | None = None
    late: bool | None = None  # 逾期 (register status); None: unknown
    kind: str = ""  # the register's kind of body, or ''
    role: str = ""  # the register's report role (report / 汇总 / 本政府机关), or ''

    @property
    def findings(self) -> list[dict]:
        items = (self.validation or {}).get("findings") or []
        return [f for f in items if isinstance(f, dict)]

    @property
    def rendered(self) -> bool:
        return bool(self.manifest) and self.manifest.get("status") == "ok"

    @property
    def draft(self) -> bool:
        """A source not finished yet (nianbao new's draft, the DRAFT rule). A report the review gate
        marks draft for its unreviewed errors shows as errors: those are what to act on."""
        return bool((self.validation or {}).get("draft") or (self.report is not None and self.report.options.get("draft")))

    def standing(self, severity: str) -> list[dict]:
        """The findings of a severity the office has not dismissed (review.state)."""
        return [f for f in self.findings if f.get("severity") == severity
                and not (isinstance(f.get("review"), dict) and f["review"].get("state") == "dismissed")]

    @property
    def state(self) -> str:
        from ..batch.index import report_status

        if self.registered and not self.source:
            return "缺报"
        if self.failure or (self.manifest and self.manifest.get("status") != "ok"):
            return "failed"
        if self.source and self.source_error:
            return "unreadable"
        if self.draft:
            return "draft"
        if not self.rendered:
            return "unrendered"
        if self.validation is None:
            return report_status(self.manifest)
        return "errors" if self.standing("error") else "warnings" if self.standing("warning") else "clean"

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.get("severity") == severity)


@dataclass
class Region:
    year: int
    government: str  # the government whose region it is ('' all of it)
    agencies: list[Agency] = field(default_factory=list)
    register: object | None = None  # region.register.Register, when there is one
    notes: list[str] = field(default_factory=list)  # what could not be read, said on the page

    def by_state(self, state: str) -> list[Agency]:
        return [a for a in self.agencies if a.state == state]

    @property
    def format(self):
        return format_for_year(self.year)


def _read_json(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError, ValueError, UnicodeError):
        return None
    return data if isinstance(data, dict) else None


def _load(path: Path) -> tuple[Report | None, str]:
    """The source (None and why, when it cannot be read). Through the region's libyaml loader when
    that is there (a thousand sources: seconds, not a minute), else the strict loader."""
    try:
        raw = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None, ""
    try:
        try:
            from .parts import load_fast
        except ImportError:
            load_fast = _load_fast
        return load_fast(path, raw), ""
    except NianbaoError as error:
        return None, str(error).splitlines()[0]


def _load_fast(path: Path, raw: bytes) -> Report:
    """libyaml's parser and the source schema; anything it does not take goes the strict way (whose
    message is the one to show). The overview reads sources render has checked already."""
    import yaml

    from ..model.sources import decode_text, parse_report

    if not hasattr(yaml, "CSafeLoader"):
        return load_report(path)
    try:
        return parse_report(yaml.load(decode_text(raw, str(path)), Loader=yaml.CSafeLoader), str(path))  # noqa: S506
    except (yaml.YAMLError, ValueError, NianbaoError):
        return load_report(path)


def register_of(root: Path, year: int):
    """The year's register and its status, when the region package is there and a register exists."""
    try:
        from .register import load_register
        from .status import region_status
    except ImportError:
        return None, None
    register = load_register(root, year)  # a bad register is the user's to fix: its error goes up (exit 2)
    if register is None:
        return None, None
    return register, region_status(root, year)


def _under(register, government: str) -> set[str] | None:
    """The register's reports that go (directly or not) to government; None: all of them."""
    if not government or register is None:
        return None
    reports = getattr(register, "reports", {})
    inside = set()
    for report_id, entry in reports.items():
        body, seen = getattr(entry, "body", None), set()
        while body is not None and body.id not in seen:
            seen.add(body.id)
            if body.id == government or report_id == government:
                inside.add(report_id)
                break
            parent = getattr(body, "reports_to", "") or ""
            body = getattr(register, "bodies", {}).get(parent) if parent else None
    return inside


def collect_region(root: Path | None, year, government: str = "", *, sources: bool = True) -> Region:
    """Every agency of the year with what is known of it (see the module docstring). sources=False:
    whether each source exists, not what it holds (the 整改清单 needs no tables)."""
    from ..batch.index import read_failure
    from ..report.params import load_params

    root = Path(root) if root else paths.project_dir()
    year = paths.check_year(year)
    register, status = register_of(root, year)
    if government:
        paths.check_agency_id(government)
        if register is not None and government not in register.bodies:
            raise UsageError(f"登记表 {register.path} 中没有政府 {government}",
                             f"the register {register.path} lists no government {government}")
    region = Region(year, government, register=register)
    folder = root / "params" / str(year)
    with_params = sorted(p.stem for p in folder.glob("*.yaml") if p.is_file()) if folder.is_dir() else []
    registered = {r.id: r for r in status.reports} if status is not None else {}
    chosen = _under(register, government)
    ids = sorted(set(with_params) | set(registered))
    if chosen is not None:
        ids = [i for i in ids if i in chosen]
    for agency_id in ids:
        agency = Agency(agency_id, registered=(agency_id in registered) if status is not None else None,
                        params=agency_id in with_params)
        if agency_id in registered:
            row = registered[agency_id]
            agency.name, agency.late, agency.kind, agency.role = row.name, row.late, row.kind, row.role
        params = {}
        try:
            # only data_dir matters here: a file that does not name it is not parsed (a thousand: seconds)
            if b"data_dir" in paths.params_path(root, year, paths.check_agency_id(agency_id)).read_bytes():
                params = load_params(root, year, agency_id)
        except (FileNotFoundError, NotADirectoryError):
            pass
        except NianbaoError as error:
            region.notes.append(f"{agency_id}: {str(error).splitlines()[0]}")
        data = paths.data_dir(root, params.get("data_dir"))
        source = data / str(year) / f"{agency_id}.yaml"
        agency.source = source.is_file()
        if sources:
            agency.report, agency.source_error = _load(source)
            agency.previous, _ = _load(data / str(year - 1) / f"{agency_id}.yaml") if agency.report else (None, "")
        out = paths.output_dir(root, year, agency_id)
        agency.manifest = provenance.read_manifest(out)
        agency.failure = read_failure(out) if agency.manifest else None
        if agency.rendered:
            agency.validation = _read_json(out / provenance.VALIDATION)
        agency.name = (agency.name or (agency.report.agency if agency.report else "")
                       or (agency.manifest or {}).get("name") or "")
        region.agencies.append(agency)
    return region
