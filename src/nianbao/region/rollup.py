"""nianbao rollup: a government's 汇总 report built from its parts (30号 二（二）, R36).

The tables of data/<year>/<汇总>.yaml become the cell-by-cell sum of the parts the register lists
(sums.py). A new file gets a draft narrative that states the totals and is marked as a draft the
way `nianbao new` marks one; an existing file keeps its narrative and options, and the cells that
changed are listed. Either way the file records, under `rollup`, every part summed with its
sha256, the parts that are 缺报 (no source: nothing of theirs is invented), those left out and
why, and the cells left blank because a part left them blank.

Parts that are drafts or break error-level rules are summed and listed (the office decides);
exclude_flawed leaves them out instead. Error-level findings are known from a part's rendered
report when its source has not changed since; with exclude_flawed, unknown ones are checked.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .. import paths
from ..analyst.newyear import DRAFT_MARK, params_text
from ..errors import NianbaoError, UsageError
from ..model import formats
from ..model.sources import Report, dump_report, load_report
from .parts import Part, PartReader, load_fast
from .register import SUMMARY, Register, load_register, register_path
from .sums import Totals, cells, shown, sum_parts, value

FEE_DECIMALS = "fee_decimals"


@dataclass
class Rollup:
    """What one 汇总 report's rollup did."""

    report_id: str
    name: str
    path: Path
    created: bool = False
    summed: list[tuple[str, str]] = field(default_factory=list)  # (part id, sha256)
    missing: list[str] = field(default_factory=list)  # 缺报: listed parts without a source
    left_out: list[tuple[str, str]] = field(default_factory=list)  # (part id, why)
    drafts: list[str] = field(default_factory=list)  # summed, though still drafts
    flawed: list[tuple[str, int]] = field(default_factory=list)  # summed, with this many error-level findings
    unchecked: list[str] = field(default_factory=list)  # summed, findings unknown (not rendered since it changed)
    blank: list[tuple[str, str]] = field(default_factory=list)  # (cell, why its sum is blank)
    changed: list[tuple[str, str, str]] = field(default_factory=list)  # (cell, before, after)
    totals: Totals | None = None

    def record(self) -> dict:
        """What the 汇总 source keeps under `rollup`."""
        out: dict = {"parts": dict(self.summed)}
        if self.missing:
            out["missing"] = list(self.missing)
        if self.left_out:
            out["left_out"] = dict(self.left_out)
        if self.blank:
            out["blank"] = [f"{label}：{why}" for label, why in self.blank]
        return out


def government_summary(register: Register, agency: str) -> str:
    """The 汇总 report id for GOV given as a government's id or as its 汇总 report's id."""
    entry = register.reports.get(agency)
    if entry is not None and entry.role == SUMMARY:
        return agency
    body = register.bodies.get(agency)
    if body is not None and body.government:
        return body.summary
    governments = [e.body.id for e in register.reports.values() if e.role == SUMMARY]
    known = "、".join(governments[:10]) + (f" 等 {len(governments)} 个" if len(governments) > 10 else "")
    what = f"是{body.kind}，没有汇总报告" if body else "不在登记表中"
    raise UsageError(f"{agency} {what}（{register.path}）；有汇总报告的人民政府：{known}",
                     f"{agency} {'has no 汇总 report (it is a ' + body.kind + ')' if body else 'is not in the register'} "
                     f"({register.path}); governments with a 汇总 report: {known}")


def require_register(root: Path, year: int) -> Register:
    register = load_register(root, year)
    if register is None:
        path = register_path(root, year)
        raise UsageError(f"没有 {year} 年的登记表 {path}（列出本地区各报告主体及其上级，见 README）",
                         f"no register for {year}: {path} does not exist (it lists the region's reporting bodies; "
                         "see the README)")
    return register


def rollup(root: Path | None, year, agency: str, *, recursive: bool = False, exclude_flawed: bool = False,
           cache: bool = True) -> list[Rollup]:
    """Build GOV's 汇总 report (with recursive, every 汇总 under it first, bottom up); see the module."""
    root = Path(root) if root else paths.project_dir()
    year = paths.check_year(year)
    register = require_register(root, year)
    top = government_summary(register, agency)
    targets = register.below(top) if recursive else [top]
    existing = {}
    for report_id in targets:  # every file it will change must load before anything is written
        path = paths.source_path(root, year, report_id)
        paths.check_inside(path.parent, root / "data")
        if path.exists() or path.is_symlink():
            existing[report_id] = load_fast(path, path.read_bytes()) if path.is_file() else load_report(path)
    reader = PartReader(root, year, cache=cache)
    reader.prefetch({p for report_id in targets for p in register.parts(report_id) if p not in targets})
    results = []
    for report_id in targets:
        result = _rollup_one(root, year, register, report_id, existing.get(report_id), reader, exclude_flawed)
        results.append(result)
    reader.save()
    return results


def _rollup_one(root, year, register, report_id, existing: Report | None, reader, exclude_flawed) -> Rollup:
    body = register.reports[report_id].body
    path = paths.source_path(root, year, report_id)
    result = Rollup(report_id, existing.agency if existing else body.name, path, created=existing is None)
    fmt = formats.format_for_year(year)
    included: list[Part] = []
    for part_id in register.parts(report_id):
        part = reader.read(part_id)
        if not part.present:
            result.missing.append(part_id)
            continue
        if not part.readable:
            result.left_out.append((part_id, f"无法读取 / unreadable: {part.error.splitlines()[0]}"))
            continue
        errors = known_errors(root, year, part)
        if errors is None and exclude_flawed:
            errors = checked_errors(part)
        if exclude_flawed and (part.draft or errors):
            why = "草稿未定稿 / a draft" if part.draft else f"有 {errors} 个错误级问题 / {errors} error-level finding(s)"
            result.left_out.append((part_id, why))
            continue
        included.append(part)
        result.summed.append((part_id, part.sha256))
        if part.draft:
            result.drafts.append(part_id)
        if errors:
            result.flawed.append((part_id, errors))
        elif errors is None:
            result.unchecked.append(part_id)
    result.left_out += [(i, why) for i, why in register.left_out(report_id) if i not in dict(result.left_out)]
    decimals = _decimals(existing, included)
    totals = result.totals = sum_parts(fmt, included, decimals)
    result.blank = [(c.label, totals.why_blank(c)) for c in cells(fmt) if totals.why_blank(c)]
    report = _updated(existing, totals, result) if existing else summary_report(body.name, year, fmt, totals, result,
                                                                                 decimals=decimals)
    report.rollup = result.record()
    text = dump_report(report)  # loads by construction (tests/test_region.py reads every file it writes back)
    if existing is None:
        paths.write_new(path, text, within=root / "data")
    elif path.read_bytes() != text.encode("utf-8"):  # unchanged: the file (and its mtime) stays as it was
        paths.write_atomic(path, text, within=root / "data")
    params = paths.params_path(root, year, report_id)
    if not params.exists() and not params.is_symlink():  # batch renders what has parameters
        paths.write_new(params, params_text(report_id, year), within=root / "params")
    return result


def _decimals(existing: Report | None, parts: list[Part]) -> int | None:
    """The fee decimals the 汇总 declares, else the one all its parts declare (a provincial template)."""
    if existing is not None:
        return existing.options.get(FEE_DECIMALS)
    declared = {p.options.get(FEE_DECIMALS) for p in parts}
    return declared.pop() if len(declared) == 1 else None


def _updated(existing: Report, totals: Totals, result: Rollup) -> Report:
    for cell in cells(existing.format):
        before, after = value(existing, cell), value(totals, cell)
        if before != after:
            result.changed.append((cell.label, shown(before), shown(after)))
    existing.table2, existing.table3, existing.table4 = totals.table2, totals.table3, totals.table4
    return existing


# ------------------------------------------------------------------ the draft narrative
def _total(totals: Totals, table: str, row: str):
    fmt = totals.format
    columns = fmt.table3_columns if table == "三" else fmt.table4_columns
    index = len(columns) - 1  # the 总计 column closes both tables (formats: the applicant columns come first)
    cells_ = (totals.table3 if table == "三" else totals.table4).get(row) or []
    return cells_[index] if index < len(cells_) else None


def _count(n) -> str:
    return "（空白，待核）" if n is None else f"{n}"


def summary_report(name: str, year: int, fmt, totals: Totals, result: Rollup, *, draft: bool = True,
                   decimals: int | None = None) -> Report:
    """A 汇总 report whose narrative states its totals; a draft (marked as `nianbao new` marks one)
    unless draft=False (synthetic regions)."""
    top = [r.key for r in fmt.table3_rows if not r.top]  # 一、本年新收, 二、上年结转, 四、结转下年度继续办理
    done = [r.key for r in fmt.table3_rows if r.top][-1]  # （七）总计 closes the results
    new, carried_in, carried_out = (_total(totals, "三", k) for k in (top[0], top[1], top[-1]))
    reviews = [_total(totals, "四", g.key) for g in fmt.table4_groups if not g.parent]
    suits = [_total(totals, "四", g.key) for g in fmt.table4_groups if g.parent]
    mark = f"{DRAFT_MARK}以下为 nianbao rollup 据各单位报告汇总的数据，请核对并撰写本部分，写好后删除本行。"
    parts = f"本报告汇总{name}所属{len(result.summed)}个单位（含本政府机关）{year}年度政府信息公开工作年度报告的数据。"
    if result.missing:
        parts += f"{len(result.missing)}个单位缺报（{'、'.join(result.missing)}），其数据未计入。"
    apply = (f"本年新收政府信息公开申请{_count(new)}件，上年结转{_count(carried_in)}件；"
             f"办结{_count(_total(totals, '三', done))}件，结转下年度继续办理{_count(carried_out)}件。")
    review_total = None if None in reviews else sum(reviews)
    suit_total = None if None in suits else sum(suits)
    cases = f"全年因政府信息公开被申请行政复议{_count(review_total)}件，被提起行政诉讼{_count(suit_total)}件。"
    one = [parts, f"（二）依申请公开。{apply}", f"（五）监督保障。{cases}"]
    texts = {"五": "（文字描述）", "六": "（文字描述）"} if draft else \
        {"五": "存在的主要问题：各单位工作进展不够均衡。\n\n改进情况：加强对各单位的业务指导。",
         "六": "本年度未收取信息处理费。无其他需要报告的事项。"}
    sections = {"一": "\n\n".join([mark, *one] if draft else one)}
    for s in fmt.sections:
        if s.narrative_required and s.number not in sections:
            text = texts.get(s.number, "（文字描述）")
            sections[s.number] = f"{mark}\n\n{text}" if draft else text
    options: dict = {"draft": True} if draft else {}
    if decimals is not None:
        options[FEE_DECIMALS] = decimals
    return Report(agency=name, year=year, format=fmt, sections=sections, table2=totals.table2, table3=totals.table3,
                  table4=totals.table4, options=options,
                  source=f"汇总：nianbao rollup 据 {len(result.summed)} 份报告生成 / rolled up by nianbao rollup from "
                         f"{len(result.summed)} reports")


# ------------------------------------------------------------------ findings of the parts
def known_errors(root: Path, year: int, part: Part) -> int | None:
    """Error-level findings of a part's rendered report, when it was rendered from this very source."""
    from ..provenance.manifest import read_manifest

    manifest = read_manifest(paths.output_dir(root, year, part.id))
    if not manifest or manifest.get("status") != "ok":
        return None
    source = next((i for i in manifest.get("inputs") or [] if isinstance(i, dict) and i.get("role") == "source"), {})
    findings = manifest.get("findings") or {}
    if source.get("sha256") != part.sha256 or not findings.get("known"):
        return None
    return int(findings.get("error") or 0)


def checked_errors(part: Part) -> int:
    """Run every rule on a part (slow: only when asked to leave flawed parts out)."""
    from ..rules import check_source

    try:
        return len(check_source(load_report(part.path)).errors)
    except NianbaoError:
        return 1


# ------------------------------------------------------------------ what the command prints
def format_rollup(results: list[Rollup]) -> str:
    lines = []
    for r in results:
        verb = "新建 created (草稿 draft)" if r.created else "已更新 updated"
        lines.append(f"{r.name}（{r.report_id}）汇总 / 汇总 report: {r.path} {verb}")
        lines.append(f"  汇总 summed {len(r.summed)}:")
        lines += [f"    {ident}  sha256 {digest}" + ("  （草稿 draft）" if ident in r.drafts else "")
                  + (f"  （{dict(r.flawed)[ident]} 个错误 error(s)）" if ident in dict(r.flawed) else "")
                  for ident, digest in r.summed]
        if r.missing:
            lines.append(f"  缺报 missing {len(r.missing)}（无源数据，未计入 / no source, not counted）: {'、'.join(r.missing)}")
        for ident, why in r.left_out:
            lines.append(f"  未计入 left out: {ident}（{why}）")
        if r.unchecked:
            lines.append(f"  未核对 findings unknown {len(r.unchecked)}（未按当前源数据渲染 / not rendered from the current "
                         f"source）: {'、'.join(r.unchecked[:20])}{' …' if len(r.unchecked) > 20 else ''}")
        for label, why in r.blank:
            lines.append(f"  空白 blank: {label}（{why}）")
        if not r.created:
            if r.changed:
                lines.append(f"  变更 changed {len(r.changed)}:")
                lines += [f"    {label}: {before} → {after}" for label, before, after in r.changed]
            else:
                lines.append("  表格未变 / no cell changed")
    return "\n".join(lines)


def results_json(results: list[Rollup]) -> str:
    return json.dumps([{"report": r.report_id, "name": r.name, "path": str(r.path), "created": r.created,
                        "summed": dict(r.summed), "missing": r.missing, "left_out": dict(r.left_out),
                        "drafts": r.drafts, "flawed": dict(r.flawed), "unchecked": r.unchecked,
                        "blank": dict(r.blank), "changed": [list(c) for c in r.changed]} for r in results],
                      ensure_ascii=False, indent=2)
