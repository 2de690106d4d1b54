"""The register: agencies/<year>.yaml, every reporting body of an office's region, who reports to
whom, and which reports a government's 汇总 sums (30号 二; official-format.md §1, R36).

Hand-edited and committed, so it is loaded as strictly as a source: every problem (an unknown
parent, a cycle, a body listed twice, an id that cannot be an agency id, a 汇总 that sums itself …)
is collected and reported at once, naming the entry and what was expected.

Each body files one report under its own id, except a 县级以上 government, which files two: its
汇总 report (default id: the body's id) and its 办公厅（室）'s 本政府机关 report (default <id>-bgs).
By default a 汇总 sums the 本政府机关 report, the reports of the departments and 乡镇 that report
to the government, and the 汇总 reports of the governments below it; `sums` lists them instead,
and a body marked `outside` (a 垂直管理 system, which reports up its own line) is left out.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path

from .. import paths
from ..errors import SourceError
from ..model.formats import DEPARTMENT, LEVELS, LEVELS_BY_KIND, OFFICE_REPORT, SUMMARY_REPORT, Level
from ..model.sources import _Checker, read_text

FOLDER = "agencies"
TOP_KEYS = ("year", "region", "bodies")
BODY_KEYS = ("id", "name", "kind", "reports_to", "summary", "office", "sums", "outside", "formerly", "change",
             "published")
OFFICE_SUFFIX = "-bgs"  # 办公室 / 办公厅: the default id of a government's 本政府机关 report
KINDS = "、".join(level.kind for level in LEVELS)

# The role of a report in the register.
OWN, SUMMARY, OFFICE = "report", SUMMARY_REPORT, OFFICE_REPORT


class RegisterError(SourceError):
    """A register that does not hold together; every problem listed, nothing written."""

    def __str__(self) -> str:
        head = (f"{self.file}: 登记表有 {len(self.problems)} 处错误 / {len(self.problems)} problem(s) in the "
                "register of reporting bodies")
        return "\n".join([head, *("  - " + p.describe() for p in self.problems)])


@dataclass(frozen=True)
class Body:
    id: str
    name: str
    kind: str
    reports_to: str | None = None  # the government it reports to; None at the top of the region
    summary: str | None = None  # a government's 汇总 report id
    office: str | None = None  # a government's 本政府机关 report id
    sums: tuple[str, ...] | None = None  # report ids its 汇总 sums, when written out (else the default)
    outside: str = ""  # why it is outside its government's 汇总 (垂直管理 …); '' when inside
    formerly: tuple[str, ...] = ()  # last year's ids of the bodies it continues (renamed or merged)
    change: str = ""  # what happened (机构改革: renamed, merged …)
    published: str = ""  # the office's record of when its report was published

    @property
    def level(self) -> Level:
        return LEVELS_BY_KIND[self.kind]

    @property
    def government(self) -> bool:
        return self.level.government


@dataclass(frozen=True)
class Entry:
    """One report the register expects: its id, the body that files it, and its role."""

    id: str
    body: Body
    role: str  # OWN (a department or 乡镇), SUMMARY or OFFICE

    @property
    def deadline(self) -> tuple[int, int]:
        """(month, day) of year Y+1: a 汇总 by its government's level, every other report by a department's."""
        return self.body.level.deadline if self.role == SUMMARY else LEVELS_BY_KIND[DEPARTMENT].deadline


@dataclass
class Register:
    year: int
    path: Path
    region: str
    bodies: dict[str, Body]  # in the file's order
    reports: dict[str, Entry] = field(default_factory=dict)  # report id → entry
    _parts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _own: dict[str, list[Entry]] = field(default_factory=dict)  # government id → the reports it sums by default

    def own(self, government: str) -> list[Entry]:
        """The reports a government's 汇总 sums by default (30号 二（二）), in the register's order."""
        if not self._own:
            for entry in self.reports.values():
                for g in _default_of(entry):
                    self._own.setdefault(g, []).append(entry)
        return self._own.get(government, [])

    def parts(self, report_id: str) -> tuple[str, ...]:
        """The report ids a 汇总 report sums (() for any other report)."""
        return self._parts.get(report_id, ())

    @property
    def summaries(self) -> list[str]:
        return [r for r, e in self.reports.items() if e.role == SUMMARY]

    def left_out(self, report_id: str) -> list[tuple[str, str]]:
        """(report id, reason) of reports of the government's own bodies its 汇总 does not sum."""
        entry = self.reports[report_id]
        summed = set(self.parts(report_id))
        return [(e.id, e.body.outside or "登记表的 sums 未列入 / not listed in the register's sums")
                for e in self.own(entry.body.id) if e.id not in summed and e.id != report_id]

    def order(self) -> list[str]:
        """Every report id, each 汇总 after all of its parts (bottom up)."""
        done: dict[str, None] = {}

        def visit(report_id: str) -> None:
            if report_id in done:
                return
            for part in self.parts(report_id):
                visit(part)
            done[report_id] = None

        for report_id in self.reports:
            visit(report_id)
        return list(done)

    def below(self, report_id: str) -> list[str]:
        """The 汇总 report and every 汇总 under it, bottom up (what rollup --recursive builds)."""
        inside: set[str] = set()

        def collect(r: str) -> None:
            if r in inside:
                return
            inside.add(r)
            for part in self.parts(r):
                collect(part)

        collect(report_id)
        summaries = set(self.summaries)
        return [r for r in self.order() if r in inside and r in summaries]


def _default_of(entry: Entry) -> tuple[str, ...]:
    """The government whose 汇总 sums this report by default (30号 二（二）): a 本政府机关 report its own
    government's; a department's, a 乡镇's and a lower government's 汇总 the government above."""
    if entry.role == OFFICE:
        return (entry.body.id,)
    if entry.body.reports_to is None or entry.role == OWN and entry.body.government:
        return ()
    return (entry.body.reports_to,)


def register_path(root: Path, year: int) -> Path:
    return Path(root) / FOLDER / f"{year}.yaml"


def load_register(root: Path, year) -> Register | None:
    """The year's register under root, or None when the project has none (a project of islands)."""
    path = register_path(root, paths.check_year(year))
    if not path.is_file():
        return None
    stat = path.stat()
    return _load_cached(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _load_cached(path: str, mtime_ns: int, size: int) -> Register:
    return load_register_file(Path(path))


def load_register_file(path: Path) -> Register:
    """Load and check one register file; raise RegisterError listing every problem."""
    from .parts import parse_yaml_fast  # a province's register is ~1 MB: libyaml reads it in a fraction

    path = Path(path)
    data = parse_yaml_fast(read_text(path), str(path))
    return parse_register(data, str(path), _year_of(path))


def _year_of(path: Path) -> int | None:
    return int(path.stem) if path.stem.isdigit() and len(path.stem) == 4 else None


def parse_register(data, file: str, file_year: int | None = None) -> Register:
    check = _Checker()
    data = check.mapping(data, "（文件顶层 / top level）")
    check.keys(data, TOP_KEYS, "", required=("year", "bodies"))
    year = data.get("year")
    if "year" in data and (isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100):
        check.add("year", "四位数字年份", "a four-digit year", year)
        year = None
    elif file_year is not None and year != file_year and "year" in data:
        check.add("year", f"与文件名一致的 {file_year}", f"{file_year}, the year in the file's name", year)
    region = check.text(data.get("region"), "region").strip()
    items = data.get("bodies")
    if "bodies" in data and (not isinstance(items, list) or not items):
        check.add("bodies", "报告主体的列表（每项一个映射，至少一项）", "a list of reporting bodies (one mapping each, at least one)",
                  items)
        items = []
    bodies: dict[str, Body] = {}
    where: dict[str, str] = {}  # body id → how its entry is named in messages
    for index, item in enumerate(items or []):
        body = _body(check, item, f"bodies[{index + 1}]")
        if body is None:
            continue
        label = f"bodies[{index + 1}]（{body.id}）"
        if body.id in bodies:
            check.add(f"{label}.id", f"唯一的标识（{body.id} 已在 {where[body.id]} 列出）",
                      f"a unique id ({body.id} is already listed at {where[body.id]})", body.id)
            continue
        bodies[body.id], where[body.id] = body, label
    if check.problems:
        raise RegisterError(file, check.problems)
    reports = _reports(check, bodies, where)
    _check_tree(check, bodies, where)
    if check.problems:
        raise RegisterError(file, check.problems)
    register = Register(year, Path(file), region, bodies, reports)
    _resolve_parts(check, register, where)
    _check_formerly(check, register, where)
    if check.problems:
        raise RegisterError(file, check.problems)
    return register


def _ident(check: _Checker, value, where: str) -> str | None:
    if not isinstance(value, str) or not paths.AGENCY_ID.match(value):
        check.add(where, "机构标识：小写字母、数字、- 和 _（如 jiaozuo-jyj）",
                  "an agency id: lower-case letters, digits, - and _ (e.g. jiaozuo-jyj)", value)
        return None
    return value


def _body(check: _Checker, item, where: str) -> Body | None:
    before = len(check.problems)
    item = check.mapping(item, where)
    if not item:
        return None
    check.keys(item, BODY_KEYS, where, required=("id", "name", "kind"))
    ident = _ident(check, item["id"], f"{where}.id") if "id" in item else None
    label = f"{where}（{ident}）" if ident else where
    name = check.text(item.get("name"), f"{label}.name").strip()
    if "name" in item and not name:
        check.add(f"{label}.name", "机构名称", "the body's name", item.get("name"))
    kind = item.get("kind")
    if "kind" in item and kind not in LEVELS_BY_KIND:
        check.add(f"{label}.kind", f"其中之一：{KINDS}", f"one of: {KINDS}", kind)
    parent = _ident(check, item["reports_to"], f"{label}.reports_to") if item.get("reports_to") is not None else None
    government = kind in LEVELS_BY_KIND and LEVELS_BY_KIND[kind].government
    summary = office = None
    for key in ("summary", "office"):
        if key in item and not government:
            check.add(f"{label}.{key}", f"只用于县级以上人民政府（{ident} 是{kind}）",
                      f"only for a 县级以上 government ({ident} is a {kind})", item[key])
    if government and ident:
        summary = _ident(check, item["summary"], f"{label}.summary") if "summary" in item else ident
        office = _ident(check, item.get("office", ident + OFFICE_SUFFIX), f"{label}.office")  # the default too
    sums = None
    if "sums" in item:
        if not government:
            check.add(f"{label}.sums", f"只用于县级以上人民政府（{ident} 是{kind}）",
                      f"only for a 县级以上 government ({ident} is a {kind})", item["sums"])
        elif not isinstance(item["sums"], list):
            check.add(f"{label}.sums", "报告标识的列表", "a list of report ids", item["sums"])
        else:
            sums = tuple(x for i, x in enumerate(item["sums"]) if _ident(check, x, f"{label}.sums[{i + 1}]"))
    formerly = item.get("formerly") or []
    if isinstance(formerly, str):
        formerly = [formerly]
    if not isinstance(formerly, list):
        check.add(f"{label}.formerly", "上年的机构标识（一个或列表）", "last year's id(s): one or a list", formerly)
        formerly = []
    formerly = tuple(x for i, x in enumerate(formerly) if _ident(check, x, f"{label}.formerly[{i + 1}]"))
    outside = check.text(item.get("outside"), f"{label}.outside").strip()
    change = check.text(item.get("change"), f"{label}.change").strip()
    published = item.get("published")
    if isinstance(published, dt.date):
        published = published.isoformat()  # YAML reads 2024-01-20 as a date: it is the date meant
    published = check.text(published, f"{label}.published").strip()
    if formerly and not change:
        check.add(f"{label}.change", "写明沿革（更名、合并……）", "what happened (renamed, merged …)")
    if len(check.problems) > before or not ident:
        return None
    return Body(ident, name, kind, parent, summary, office, sums, outside, formerly, change, published)


def _reports(check: _Checker, bodies: dict[str, Body], where: dict[str, str]) -> dict[str, Entry]:
    """Every report id the register expects, each once."""
    reports: dict[str, Entry] = {}
    owner: dict[str, str] = {}
    for body in bodies.values():
        own = [(body.summary, SUMMARY, "summary"), (body.office, OFFICE, "office")] if body.government \
            else [(body.id, OWN, "id")]
        for report_id, role, key in own:
            if report_id != body.id and report_id in bodies:
                check.add(f"{where[body.id]}.{key}", f"未被其他报告主体使用的报告标识（{report_id} 是 {where[report_id]}）",
                          f"a report id no other body uses ({report_id} is {where[report_id]})", report_id)
            elif report_id in reports:
                check.add(f"{where[body.id]}.{key}", f"唯一的报告标识（{report_id} 已是 {owner[report_id]} 的报告）",
                          f"a unique report id ({report_id} is already a report of {owner[report_id]})", report_id)
            else:
                reports[report_id], owner[report_id] = Entry(report_id, body, role), where[body.id]
    return reports


def _check_tree(check: _Checker, bodies: dict[str, Body], where: dict[str, str]) -> None:
    """Parents exist, are governments above the body, and never loop back (a loop said once)."""
    loops: set[frozenset] = set()
    for body in bodies.values():
        label = f"{where[body.id]}.reports_to"
        parent = body.reports_to
        if parent is None:
            if not body.government:
                check.add(label, f"它所报告的人民政府（{body.kind}须有上级政府）",
                          f"the government it reports to (a {body.kind} needs one)")
            continue
        if parent not in bodies:
            check.add(label, "登记表中已列出的人民政府的标识", "the id of a government listed in the register", parent)
            continue
        seen, node = [body.id], parent
        while node is not None and node not in seen:
            seen.append(node)
            node = bodies[node].reports_to if node in bodies else None
        if node == body.id:
            if frozenset(seen) in loops:
                continue
            loops.add(frozenset(seen))
            chain = " → ".join(seen + [body.id])
            check.add(label, f"不构成循环的上级（{chain}）", f"a parent that does not lead back to the body ({chain})", parent)
            continue
        if node is not None:
            continue  # a loop further up: reported at the bodies on it
        up = bodies[parent]
        if not up.government:
            check.add(label, f"县级以上人民政府（{parent} 是{up.kind}）", f"a 县级以上 government ({parent} is a {up.kind})",
                      parent)
        elif body.level.rank >= up.level.rank:
            check.add(label, f"比{body.kind}更高一级的人民政府（{parent} 是{up.kind}）",
                      f"a government above a {body.kind} ({parent} is a {up.kind})", parent)


def _resolve_parts(check: _Checker, register: Register, where: dict[str, str]) -> None:
    """Each 汇总's parts: written out (sums) or the default; none may lead back to the 汇总 itself."""
    for body in register.bodies.values():
        if not body.government:
            continue
        if body.sums is None:
            parts = tuple(e.id for e in register.own(body.id) if not e.body.outside)
        else:
            parts = ()
            for i, part in enumerate(body.sums):
                label = f"{where[body.id]}.sums[{i + 1}]"
                if part == body.summary:
                    check.add(label, f"{body.summary} 以外的报告（汇总不能汇总自身）",
                              f"a report other than {body.summary} (a 汇总 cannot sum itself)", part)
                elif part not in register.reports:
                    check.add(label, "登记表中的报告标识", "a report id in the register", part)
                elif part in parts:
                    check.add(label, "不重复的报告标识", "each report once", part)
                else:
                    parts += (part,)
        register._parts[body.summary] = parts
    for summary in register.summaries:  # a 汇总 reached again through its parts sums itself
        path = _loop(register, summary)
        if path:
            body = register.reports[summary].body
            chain = " → ".join(path)
            check.add(f"{where[body.id]}.sums", f"不含自身的汇总范围（{chain}）",
                      f"parts that do not include the 汇总 itself ({chain})", summary)


def _loop(register: Register, start: str) -> list[str]:
    stack = [(start, [start])]
    seen = set()
    while stack:
        node, path = stack.pop()
        for part in register.parts(node):
            if part == start:
                return path + [part]
            if part not in seen:
                seen.add(part)
                stack.append((part, path + [part]))
    return []


def _check_formerly(check: _Checker, register: Register, where: dict[str, str]) -> None:
    claimed: dict[str, str] = {}
    for body in register.bodies.values():
        for i, old in enumerate(body.formerly):
            label = f"{where[body.id]}.formerly[{i + 1}]"
            if old in register.reports and old != body.id:
                check.add(label, f"本年已不存在的标识（{old} 仍在登记表中）", f"an id that no longer exists ({old} is "
                          "still in the register)", old)
            elif old in claimed:
                check.add(label, f"只由一个报告主体承继（{old} 已由 {claimed[old]} 承继）",
                          f"continued by one body only ({old} is already continued by {claimed[old]})", old)
            else:
                claimed[old] = body.id


__all__ = ["Body", "Entry", "Register", "RegisterError", "load_register", "load_register_file", "register_path"]
