"""A synthetic region for tests and benchmarks (`nianbao synth --region`): one city (地市级) with
its departments and 本政府机关 report, several counties each with departments, a 本政府机关
report and 乡镇, a register listing them all, and every 汇总 report rolled up from its parts.

The parts are synth.py's agencies under the region's ids and names; the 汇总 reports are their
sums (sums.py) with a finished narrative. Optional planted faults, each named in the result:
a missing part (listed in the register, no source: the county's 汇总 says 缺报), a 汇总 cell
that disagrees with its parts (R36), a publication date after its level's deadline (R38).
"""
from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .. import paths, synth
from ..errors import UsageError
from ..model import formats
from ..model.formats import COUNT, LEVELS_BY_KIND
from ..model.sources import Report, dump_report
from .register import FOLDER, OFFICE_SUFFIX
from .sums import cells, sum_parts, value

FAULTS = ("missing", "disagree", "late")
COUNTIES = (("修武县", "xiuwu"), ("武陟县", "wuzhi"), ("温县", "wenxian"), ("博爱县", "boai"), ("沁阳市", "qinyang"),
            ("孟州市", "mengzhou"), ("解放区", "jiefang"), ("山阳区", "shanyang"), ("中站区", "zhongzhan"),
            ("马村区", "macun"))
TOWNS = (("城关镇", "cgz"), ("周庄镇", "zzz"), ("郇封镇", "xfz"), ("七贤镇", "qxz"), ("云台山镇", "ytsz"),
         ("西村乡", "xcx"), ("王屯乡", "wtx"), ("岸上乡", "asx"), ("五里源乡", "wlyx"), ("方庄镇", "fzz"))
DEPARTMENTS = tuple(d for d in synth.DEPARTMENTS if not d[0].endswith("人民政府办公室"))
CITY, COUNTY, TOWN = "地市级人民政府", "县级人民政府", "乡镇（街道）"


@dataclass
class Region:
    year: int
    register: dict  # the register as written to agencies/<year>.yaml
    parts: dict[str, Report] = field(default_factory=dict)  # report id → a department's, 乡镇's or office's report
    summaries: dict[str, Report] = field(default_factory=dict)  # 汇总 report id → its report, in rollup order
    planted: dict[str, str] = field(default_factory=dict)  # fault → what it touched (report id, cell)
    agencies: list = field(default_factory=list, repr=False)  # synth.Agency per part, last year's reports too


def _name(index: int, names, suffix: str = "") -> tuple[str, str]:
    """The index-th (name, id) of names, numbered once the list is used up."""
    name, ident = names[index % len(names)]
    round_ = index // len(names)
    return (f"{name}{round_ + 1}" if round_ else name), (f"{ident}{round_ + 1}" if round_ else ident) + suffix


def synthesize_region(year: int, *, counties: int = 3, departments: int = 4, towns: int = 3, seed: int = 0,
                      faults: tuple[str, ...] = (), previous: bool = False) -> Region:
    year = paths.check_year(year)
    if counties < 1 or departments < 1 or towns < 0:
        raise UsageError("至少 1 个县、每级至少 1 个部门", "at least one county and one department per level")
    unknown = [f for f in faults if f not in FAULTS]
    if unknown:
        raise UsageError(f"未知的植入问题：{'、'.join(unknown)}（可选 {'、'.join(FAULTS)}）",
                         f"unknown fault(s): {', '.join(unknown)} (known: {', '.join(FAULTS)})")
    rng = random.Random(seed)
    city, city_name = "jiaozuo", "焦作市"
    bodies = [{"id": city, "name": f"{city_name}人民政府", "kind": CITY}]
    wanted: list[tuple[str, str, str]] = []  # (report id, name, the body's register entry)

    def department(parent: str, place: str, index: int) -> None:
        name, ident = _name(index, DEPARTMENTS)
        bodies.append({"id": f"{parent}-{ident}", "name": f"{place}{name}", "kind": formats.DEPARTMENT,
                       "reports_to": parent})
        wanted.append((f"{parent}-{ident}", f"{place}{name}", parent))

    wanted.append((city + OFFICE_SUFFIX, f"{city_name}人民政府办公室", city))
    for d in range(departments):
        department(city, city_name, d)
    for c in range(counties):
        county_name, county_id = _name(c, COUNTIES)
        county = f"{city}-{county_id}"
        bodies.append({"id": county, "name": f"{county_name}人民政府", "kind": COUNTY, "reports_to": city})
        wanted.append((county + OFFICE_SUFFIX, f"{county_name}人民政府办公室", county))
        for d in range(departments):
            department(county, county_name, d)
        for t in range(towns):
            town_name, town_id = _name(t, TOWNS)
            ident = f"{county}-{town_id}"
            bodies.append({"id": ident, "name": f"{county_name}{town_name}人民政府", "kind": TOWN, "reports_to": county})
            wanted.append((ident, f"{county_name}{town_name}人民政府", county))
    region = Region(year, {"year": year, "region": f"{city_name}（nianbao synth --region, seed {seed}）",
                           "bodies": bodies})
    agencies = synth.synthesize(len(wanted), year, seed=seed, previous=previous)
    for (ident, name, _), agency in zip(wanted, agencies):
        for report in agency.reports.values():
            _rename(report, name)
        agency.id, agency.name = ident, name
        region.parts[ident] = agency.reports[year]
    region.agencies = agencies
    for report_id in wanted:
        _published(region.parts[report_id[0]], year, formats.DEPARTMENT, rng)
    if "missing" in faults:  # a 乡镇 (or a department) of the last county sends nothing
        victim = next(i for i, _, parent in reversed(wanted) if parent != city)
        region.planted["missing"] = victim
    if "late" in faults:
        victim = next(i for i, _, parent in wanted if parent != city and i != region.planted.get("missing"))
        region.parts[victim].options["published"] = f"{year + 1}-02-{rng.randint(10, 28):02d}"
        region.planted["late"] = f"{victim}: {region.parts[victim].options['published']}"
    _summaries(region, city, bodies, rng, "disagree" in faults)
    return region


def _rename(report: Report, name: str) -> None:
    old = report.agency
    report.sections = {n: text.replace(old, name) for n, text in report.sections.items()}
    report.agency, report.title = name, formats.report_title(name, report.year)


def _published(report: Report, year: int, kind: str, rng: random.Random) -> None:
    month, day = LEVELS_BY_KIND[kind].deadline
    report.options["published"] = f"{year + 1}-{month:02d}-{rng.randint(max(1, day - 20), day):02d}"


def _summaries(region: Region, city: str, bodies: list[dict], rng: random.Random, disagree: bool) -> None:
    """Every 汇总 report, bottom up: the counties', then the city's."""
    from .register import parse_register
    from .rollup import Rollup, summary_report

    register = parse_register(region.register, f"{FOLDER}/{region.year}.yaml", region.year)
    fmt = formats.format_for_year(region.year)
    summaries = set(register.summaries)
    for report_id in register.order():
        if report_id not in summaries:
            continue
        body = register.reports[report_id].body
        result = Rollup(report_id, body.name, Path())
        present = []
        for part in register.parts(report_id):
            if part == region.planted.get("missing"):
                result.missing.append(part)
                continue
            report = region.parts.get(part) or region.summaries[part]
            present.append((part, report))
            result.summed.append((part, hashlib.sha256(dump_report(report).encode()).hexdigest()))
        totals = sum_parts(fmt, present)
        report = summary_report(body.name, region.year, fmt, totals, result, draft=False)
        _published(report, region.year, body.kind, rng)
        report.rollup = result.record()
        report.source = f"{synth.MARK} (region)"
        if disagree and body.reports_to is not None and "disagree" not in region.planted:
            cell = next(c for c in cells(fmt) if c.key.table == "二" and c.kind == COUNT
                        and len(fmt.table2_rows[c.key.row].columns) == 1)
            report.table2[cell.key.row][cell.index] = value(report, cell) + 1
            region.planted["disagree"] = f"{report_id}: {cell.label}"
        region.summaries[report_id] = report


def write_region(region: Region, out: Path, *, force: bool = False) -> list[Path]:
    """agencies/<year>.yaml, data/ and params/ for every report but the missing one (its absence is
    what the register and status show). Like synth.write_agencies: existing files only with force,
    never a file synth did not write, nothing unless all can be."""
    out = Path(out)
    register = out / FOLDER / f"{region.year}.yaml"
    text = (f"# 登记表 / register of reporting bodies ({synth.MARK} --region)\n"
            + yaml.dump(region.register, allow_unicode=True, sort_keys=False, width=10**6))
    if register.exists() and (not force or synth.MARK not in register.read_text(encoding="utf-8", errors="replace")):
        raise UsageError(f"{register} 已存在，不覆盖（synth 写出的可加 --force）",
                         f"{register} already exists; not overwriting it (--force replaces one synth wrote)")
    agencies = [a for a in region.agencies if a.id != region.planted.get("missing")]
    agencies += [synth.Agency(report_id, report.agency, {region.year: report})
                 for report_id, report in region.summaries.items()]
    written = synth.write_agencies(agencies, out, region.year, force=force)
    paths.write_atomic(register, text, fsync=False)
    return [register, *written]
