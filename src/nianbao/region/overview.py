"""The region at a glance: what notebooks/region_overview.ipynb shows (each cell one call here), and
how `nianbao overview` and batch run it into outputs/<year>/overview.{ipynb,html,pdf}.

Each part is computed from the sources and the validation.json files (collect), nothing typed by
hand: completeness with names, the rule × agency matrix, the region's 汇总 figures with two charts,
the ratios with their spread and outliers, the year-over-year jumps. Every text from a file is
escaped; the page is plain offline HTML, readable without its one small sorting script.
"""
from __future__ import annotations

import shutil
import tempfile
from html import escape
from pathlib import Path

from .. import paths
from ..errors import UsageError
from ..model import formats
from . import ratios as figures
from .collect import STATE_LABELS, Agency, Region, collect_region

NOTEBOOK = Path("notebooks") / "region_overview.ipynb"
FILES = ("overview.ipynb", "overview.html", "overview.pdf")

STYLE = """
.nianbao-overview { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif;
  font-size: 10.5pt; line-height: 1.5; color: #222; }
.nianbao-overview h1 { font-size: 17pt; margin: .2em 0 .6em; }
.nianbao-overview h2 { font-size: 13pt; margin: 1.4em 0 .5em; break-after: avoid; }
.nianbao-overview table { border-collapse: collapse; width: 100%; margin: .4em 0 1em; font-size: 9.5pt; }
.nianbao-overview th, .nianbao-overview td { border: 1px solid #bbb; padding: 2px 5px; text-align: left;
  vertical-align: top; }
.nianbao-overview thead { display: table-header-group; } .nianbao-overview thead th { white-space: nowrap; }
.nianbao-overview tr { break-inside: avoid; }
.nianbao-overview th[data-col] { cursor: pointer; background: #f2f2f2; }
.nianbao-overview th[aria-sort="ascending"]::after { content: " ▲"; }
.nianbao-overview th[aria-sort="descending"]::after { content: " ▼"; }
.nianbao-overview td.num { text-align: right; white-space: nowrap; }
.nianbao-overview td.error { background: #f8d7d3; } .nianbao-overview td.warning { background: #fbefc9; }
.nianbao-overview td.outlier { background: #f8d7d3; font-weight: bold; }
.nianbao-overview .id { color: #666; font-size: .85em; }
.nianbao-overview .note { color: #555; font-size: .9em; }
.nianbao-overview svg.chart { max-width: 100%; height: auto; display: block; margin: .5em 0 1em; break-inside: avoid; }
.nianbao-overview svg.chart text { font-family: "Noto Sans CJK SC", "Source Han Sans SC", sans-serif; }
@media print { .nianbao-overview th[data-col] { background: none; } }
"""


class _HTML:
    """A display object with only an HTML representation (no IPython import needed here)."""

    def __init__(self, html: str):
        self.html = html

    def _repr_html_(self) -> str:
        return f'<section class="nianbao-overview" lang="zh-CN">{self.html}</section>'

    def __repr__(self) -> str:
        return "<nianbao overview part>"


def _who(agency: Agency) -> str:
    return f'{escape(agency.name or agency.id)} <span class="id">{escape(agency.id)}</span>'


def _names(agencies: list[Agency]) -> str:
    return "、".join(_who(a) for a in agencies) or "—"


def load(year, government: str = "", root: str | Path = "") -> Region:
    return collect_region(Path(root) if root else None, year, government)


def page_title(root: Path, year: int, government: str = "") -> str:
    """The overview's title, from the register alone (no need to read every report for it)."""
    try:
        from .register import load_register
    except ImportError:
        register = None
    else:
        register = load_register(root, year)
    return title(Region(year, government, register=register))


def title(region: Region) -> str:
    register = region.register
    place = ""
    if register is not None:
        body = getattr(register, "bodies", {}).get(region.government) if region.government else None
        place = body.name if body is not None else getattr(register, "region", "") or ""
    place = place or region.government
    return f"{place}{region.year}年政府信息公开工作年度报告 · 区域概览"


def header(region: Region) -> _HTML:
    counts = "，".join(f"{STATE_LABELS[s]} {len(region.by_state(s))}" for s in STATE_LABELS if region.by_state(s))
    notes = "".join(f'<p class="note">{escape(n)}</p>' for n in region.notes)
    basis = ("登记表 agencies/{0}.yaml 与参数文件 / the register and the parameter files".format(region.year)
             if region.register is not None else
             f"参数文件 params/{region.year}/（无登记表：缺报、逾期无从判断）/ the parameter files (no register: "
             "missing and late reports cannot be known)")
    return _HTML(f"<style>{STYLE}</style><h1>{escape(title(region))}</h1>"
                 f"<p>共 {len(region.agencies)} 个机构 / agencies：{counts or '—'}。依据 / from: {escape(basis)}。</p>{notes}")


# ------------------------------------------------------------------ completeness
def completeness(region: Region) -> _HTML:
    """Registered / source present / draft / rendered / clean / failed / 缺报 / 逾期, with names."""
    everyone = region.agencies
    rows = []
    if region.register is not None:
        registered = [a for a in everyone if a.registered]
        rows.append(("登记 registered", registered, [a for a in everyone if not a.registered], "未登记 not registered"))
    rows += [
        ("有源数据 source present", [a for a in everyone if a.source], [a for a in everyone if not a.source],
         "无 without"),
        ("草稿 draft", region.by_state("draft"), None, ""),
        ("已渲染 rendered", [a for a in everyone if a.rendered], [a for a in everyone if not a.rendered],
         "未渲染 not rendered"),
        ("通过 clean", region.by_state("clean"), None, ""),
        ("有错误 errors", region.by_state("errors"), None, ""),
        ("有警告 warnings", region.by_state("warnings"), None, ""),
        ("失败 failed", region.by_state("failed"), None, ""),
        ("源数据无法读取 unreadable", region.by_state("unreadable"), None, ""),
    ]
    if region.register is not None:
        rows += [("缺报 missing", region.by_state("缺报"), None, ""),
                 ("逾期 late", [a for a in everyone if a.late], None, "")]
    body = []
    for label, members, others, other_label in rows:
        if others is not None:  # the large groups: name who is not in them
            names = f"{escape(other_label)}：{_names(others)}" if others else "全部 all"
        else:
            names = _names(members)
        body.append(f'<tr><th scope="row">{label}</th><td class="num">{len(members)}</td><td>{names}</td></tr>')
    return _HTML(f'<h2 id="completeness">一、报送情况 completeness</h2><table class="completeness">'
                 f'<thead><tr><th>情况</th><th>机构数</th><th>机构</th></tr></thead><tbody>{"".join(body)}</tbody></table>')


# ------------------------------------------------------------------ matrix
def rule_ids(region: Region) -> list[str]:
    """The rules found anywhere, in the catalog's order (a rule it does not list after, by id)."""
    from ..rules.catalog import RULES

    found = {f.get("rule") for a in region.agencies for f in a.findings if f.get("rule")}
    order = list(RULES)
    return sorted(found, key=lambda r: (order.index(r) if r in order else len(order), str(r)))


def _cell(agency: Agency, rule: str) -> tuple[int, int]:
    errors = sum(1 for f in agency.findings if f.get("rule") == rule and f.get("severity") == "error")
    warnings = sum(1 for f in agency.findings if f.get("rule") == rule and f.get("severity") != "error")
    return errors, warnings


def matrix(region: Region) -> _HTML:
    """Which rules fail where: one row per agency with findings, one column per rule; a cell says
    错 N / 警 N. Click a header to sort by agency, by a rule or by the totals."""
    from ..batch.index import SORTER
    from ..rules.catalog import RULES

    rules = rule_ids(region)
    flagged = [a for a in region.agencies if a.findings]
    if not rules:
        return _HTML('<h2 id="matrix-heading">二、规则 × 机构 rules × agencies</h2>'
                     '<p>没有任何发现 / no findings in any validation.json。</p><table id="matrix"></table>')
    head = ['<th data-col="0" scope="col">机构 agency</th>', '<th data-col="1" scope="col">错误 errors</th>',
            '<th data-col="2" scope="col">警告 warnings</th>']
    head += [f'<th data-col="{i + 3}" scope="col" title="{escape(RULES[r].title) if r in RULES else ""}" '
             f'data-rule="{escape(r)}">{escape(r)}</th>' for i, r in enumerate(rules)]
    body = []
    for agency in flagged:
        cells = []
        for rule in rules:
            errors, warnings = _cell(agency, rule)
            text = " ".join(t for t in (f"错 {errors}" if errors else "", f"警 {warnings}" if warnings else "") if t)
            kind = "error" if errors else "warning" if warnings else ""
            cells.append(f'<td class="num {kind}" data-sort="{errors * 1000 + warnings}">{text}</td>')
        errors, warnings = agency.count("error"), len(agency.findings) - agency.count("error")
        body.append(f'<tr data-agency="{escape(agency.id)}"><th scope="row" data-sort="{escape(agency.name or agency.id)}">'
                    f'{_who(agency)}</th><td class="num" data-sort="{errors}">{errors}</td>'
                    f'<td class="num" data-sort="{warnings}">{warnings}</td>{"".join(cells)}</tr>')
    legend = "；".join(f"{escape(r)} {escape(RULES[r].title)}" for r in rules if r in RULES)
    rest = len(region.agencies) - len(flagged)
    by_rule = []
    for rule in rules:
        where = [(a, *_cell(a, rule)) for a in flagged if any(_cell(a, rule))]
        by_rule.append(f'<tr><th scope="row" data-sort="{escape(rule)}">{escape(rule)}</th>'
                       f'<td>{escape(RULES[rule].title) if rule in RULES else ""}</td>'
                       f'<td class="num" data-sort="{len(where)}">{len(where)}</td>'
                       f'<td class="num" data-sort="{sum(e for _, e, _ in where)}">{sum(e for _, e, _ in where)}</td>'
                       f'<td class="num" data-sort="{sum(w for *_, w in where)}">{sum(w for *_, w in where)}</td>'
                       f'<td>{_names([a for a, *_ in where])}</td></tr>')
    return _HTML(
        f'<h2 id="matrix-heading">二、规则 × 机构 rules × agencies</h2>'
        f'<p class="note">每格：错 = 错误数，警 = 警告数；点击表头按机构、按规则或按合计排序 / each cell counts errors (错) and '
        f'warnings (警); click a header to sort. 其余 {rest} 个机构无发现 / {rest} other agencies have none.</p>'
        f'<table id="matrix" class="sortable"><thead><tr>{"".join(head)}</tr></thead><tbody>{"".join(body)}</tbody></table>'
        f'<p class="note">{legend}</p>'
        f'<h3>按规则 by rule</h3><table id="by-rule" class="sortable"><thead><tr><th data-col="0">规则 rule</th>'
        f'<th data-col="1">内容</th><th data-col="2">机构数 agencies</th><th data-col="3">错误 errors</th>'
        f'<th data-col="4">警告 warnings</th><th data-col="5">机构 agencies</th></tr></thead>'
        f'<tbody>{"".join(by_rule)}</tbody></table><script>{SORTER}</script>')


# ------------------------------------------------------------------ 汇总 figures and charts
def _short(label: str) -> str:
    """A label without its trailing note in brackets (（二）部分公开（区分处理的……）→ （二）部分公开)."""
    import re

    short = re.sub(r"（[^（）]*）$", "", label)
    return short if len(short) >= 2 else label


def summary_source(region: Region) -> tuple[str, list]:
    """(what the figures are, the reports they come from): the government's 汇总 report when the
    register names one and its source is there; else every agency's report, summed."""
    register = region.register
    if register is not None:
        tops = [b for b in getattr(register, "bodies", {}).values()
                if (b.id == region.government) or (not region.government and not b.reports_to)]
        for body in tops:
            summary = next((a for a in region.agencies if a.id == getattr(body, "summary", None)), None)
            if summary is not None and summary.report is not None:
                return f"{summary.name}（汇总报告 {summary.id}）", [summary.report]
    reports = [a.report for a in region.agencies if a.report is not None and a.report.format is region.format
               and a.role != "汇总"]
    return f"各机构报告合计（{len(reports)} 份）/ the sum of {len(reports)} agencies' reports", reports


def _add(values) -> float:
    return sum(v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool))


def region_totals(fmt: formats.Format, reports: list) -> tuple[dict[str, float], dict[str, list[float]]]:
    """Table 三's 总计 per row and table 四's cells per group, summed over reports (blank as 0)."""
    total3 = next(i for i, c in enumerate(fmt.table3_columns) if c.role == formats.TOTAL)
    t3 = {r.key: _add((rep.table3.get(r.key) or [None] * (total3 + 1))[total3] for rep in reports)
          for r in fmt.table3_rows}
    width = len(fmt.table4_columns)
    t4 = {g.key: [_add((rep.table4.get(g.key) or [None] * width)[i] for rep in reports) for i in range(width)]
          for g in fmt.table4_groups}
    return t3, t4


def totals(region: Region) -> _HTML:
    """The region's 汇总 figures (tables 三 and 四) with a chart of application outcomes and one of
    复议/诉讼 results."""
    from . import charts

    fmt = region.format
    what, reports = summary_source(region)
    t3, t4 = region_totals(fmt, reports)
    rows3 = "".join(f'<tr><th scope="row">{escape(fmt.table3_row_label(r.key))}</th><td class="num">{t3[r.key]:g}</td></tr>'
                    for r in fmt.table3_rows)
    columns = fmt.table4_columns
    head4 = "".join(f'<th scope="col">{escape(c.label)}</th>' for c in columns)
    rows4 = "".join(f'<tr><th scope="row">{escape(g.parent + "·" if g.parent else "")}{escape(g.label)}</th>'
                    + "".join(f'<td class="num">{v:g}</td>' for v in t4[g.key]) + "</tr>" for g in fmt.table4_groups)
    categories = fmt.result_categories
    outcome_labels = [_short(fmt.table3_row(keys[0]).group or fmt.table3_row(keys[0]).label) for keys in categories.values()]
    outcome_values = [sum(t3[k] for k in keys) for keys in categories.values()]
    outcome_svg = charts.bar_chart("申请办理结果 application outcomes", outcome_labels, outcome_values)
    parts = [i for i, c in enumerate(columns) if c.role != formats.TOTAL]
    appeals_svg = charts.stacked_chart(
        "行政复议、行政诉讼结果 review and litigation results",
        [f"{g.parent}·{g.label}" if g.parent else g.label for g in fmt.table4_groups],
        [columns[i].label for i in parts], [[t4[g.key][i] for i in parts] for g in fmt.table4_groups])
    return _HTML(
        f'<h2 id="totals">三、区域汇总 the region\'s figures</h2><p class="note">来源 / from: {escape(what)}</p>'
        f'<div id="charts">{outcome_svg}{appeals_svg}</div>'
        f'<table class="t3sum"><thead><tr><th>表三 行</th><th>总计</th></tr></thead><tbody>{rows3}</tbody></table>'
        f'<table class="t4sum"><thead><tr><th>表四</th>{head4}</tr></thead><tbody>{rows4}</tbody></table>')


# ------------------------------------------------------------------ ratios and jumps
def _pct(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def agency_ratios(region: Region) -> dict[str, dict[str, float | None]]:
    return {a.id: figures.ratios(a.report) for a in region.agencies if a.report is not None}


def ratios(region: Region) -> _HTML:
    """Per-agency ratios, their P25/P50/P75 over the region, and the agencies outside P5–P95
    (flagged only with ≥ 30 agencies; R39)."""
    from ..batch.index import SORTER

    values = agency_ratios(region)
    spread = figures.spreads(values)
    fmt = region.format
    rows = "".join(
        f'<tr><th scope="row">{escape(r.label)}</th><td>{escape(figures.formula(fmt, r.key))}</td>'
        f'<td class="num">{spread[r.key].n}</td>'
        + "".join(f'<td class="num">{_pct(getattr(spread[r.key], p))}</td>' for p in ("p5", "p25", "p50", "p75", "p95"))
        + "</tr>" for r in figures.RATIOS)
    compared = any(s.compared for s in spread.values())
    note = ("标记 ▲ 高于 P95、▼ 低于 P5 / ▲ above P95, ▼ below P5" if compared else
            f"机构少于 {figures.MIN_PEERS} 个，不标记离群值（R39）/ fewer than {figures.MIN_PEERS} agencies: no outliers flagged")
    by_id = {a.id: a for a in region.agencies}
    body, flagged = [], 0
    for agency_id, value in values.items():
        cells = []
        for r in figures.RATIOS:
            side = spread[r.key].outside(value[r.key])
            flagged += bool(side)
            mark = {"high": " ▲", "low": " ▼"}.get(side, "")
            sort = -1 if value[r.key] is None else round(value[r.key], 6)
            cells.append(f'<td class="num{" outlier" if side else ""}" data-sort="{sort}">{_pct(value[r.key])}{mark}</td>')
        agency = by_id[agency_id]
        repeat = figures.repetition(agency.report, agency.previous)
        cells.append(f'<td class="num" data-sort="{-1 if repeat is None else repeat}">'
                     f'{"—" if repeat is None else f"{repeat:.1f}%"}</td>')
        body.append(f'<tr data-agency="{escape(agency_id)}"><th scope="row" data-sort="{escape(agency.name)}">'
                    f'{_who(agency)}</th>{"".join(cells)}</tr>')
    head = "".join(f'<th data-col="{i + 1}">{escape(r.label)}</th>' for i, r in enumerate(figures.RATIOS))
    head += f'<th data-col="{len(figures.RATIOS) + 1}">正文重复率 R37</th>'
    return _HTML(
        f'<h2 id="ratios-heading">四、比率 ratios (R39)</h2>'
        f'<table id="spread"><thead><tr><th>比率</th><th>算法</th><th>机构数</th><th>P5</th><th>P25</th><th>P50</th>'
        f'<th>P75</th><th>P95</th></tr></thead><tbody>{rows}</tbody></table>'
        f'<p class="note">{note}；离群 {flagged} 处 / {flagged} outlying value(s)。正文重复率：与上年同一部分重复的'
        f'最高比例（R37，有上年源数据时）/ R37: the largest share of a section repeated from last year.</p>'
        f'<table id="ratios" class="sortable"><thead><tr><th data-col="0">机构 agency</th>{head}</tr></thead>'
        f'<tbody>{"".join(body)}</tbody></table><script>{SORTER}</script>')


def jumps(region: Region) -> _HTML:
    """R39's year-over-year jumps per agency (where last year's source exists)."""
    rows, compared = [], 0
    for agency in region.agencies:
        if agency.report is None or agency.previous is None:
            continue
        compared += 1
        for jump in figures.jumps(agency.report, agency.previous):
            rows.append(f'<tr data-agency="{escape(agency.id)}"><th scope="row">{_who(agency)}</th>'
                        f'<td>{escape(jump.figure)}</td><td class="num">{jump.last:g}</td>'
                        f'<td class="num">{jump.this:g}</td><td>{escape(jump.kind)}</td></tr>')
    rule = (f"超过上年 {figures.JUMP_UP:g} 倍或不足 {figures.JUMP_DOWN:g} 倍，或 0 与非零之间变化；"
            f"两年中至少一年不少于 {figures.LARGE_BASE} 件 / over {figures.JUMP_UP:g}× or under "
            f"{figures.JUMP_DOWN:g}× of last year, or 0 ↔ non-zero, where a year has ≥ {figures.LARGE_BASE}")
    table = (f'<table id="jumps"><thead><tr><th>机构 agency</th><th>项目 figure</th><th>上年 last year</th>'
             f'<th>本年 this year</th><th>变化 change</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
             if rows else '<p>没有跳变 / no jumps。</p>')
    return _HTML(f'<h2 id="jumps-heading">五、与上年相比的跳变 year-over-year jumps (R39)</h2>'
                 f'<p class="note">{escape(rule)}。有上年源数据的机构 {compared} 个 / {compared} agencies with last '
                 f'year\'s source.</p>{table}')


# ------------------------------------------------------------------ running it
def overview_params(year: int, government: str = "") -> dict:
    return {"year": year, "government": government}


def build_overview(root: Path | None, year, *, government: str = "", pdf: bool = True, printer=None) -> list[Path]:
    """Execute the overview notebook and write outputs/<year>/overview.{ipynb,html,pdf}; the files written.
    Each is written whole (built in a scratch folder, then put in place); a failure leaves the old ones."""
    import nbformat

    from ..report.execute import execute_report, take_times
    from ..report.publish import ChromiumMissing, PdfPrinter, notebook_to_html, pdf_date, reproducible_pdf

    root = Path(root) if root else paths.project_dir()
    year = paths.check_year(year)
    if government:
        paths.check_agency_id(government)
    out_dir = root / "outputs" / str(year)
    paths.refuse_links(out_dir, root / "outputs")
    if not (root / NOTEBOOK).is_file():
        raise UsageError(f"找不到区域概览笔记本 {root / NOTEBOOK}", f"the overview notebook {root / NOTEBOOK} is missing")
    scratch = Path(tempfile.mkdtemp(prefix="nianbao-overview-"))
    try:
        nb = execute_report(root / NOTEBOOK, scratch / FILES[0], overview_params(year, government),
                            cwd=root / "notebooks")
        take_times(nb)  # no clock readings: the same inputs give the same bytes (as a report's notebook)
        papermill = nb.metadata.get("papermill")
        if papermill is not None:  # the project's paths, not the scratch ones of the run
            papermill["input_path"], papermill["output_path"] = str(NOTEBOOK), f"outputs/{year}/{FILES[0]}"
        nbformat.write(nb, str(scratch / FILES[0]))
        html = notebook_to_html(nb, (root / "templates").resolve(), page_title(root, year, government), "",
                                f"{year}年政府信息公开工作年度报告区域概览")
        (scratch / FILES[1]).write_text(html, encoding="utf-8")
        made = {FILES[0]: (scratch / FILES[0]).read_bytes(), FILES[1]: html.encode("utf-8")}
        if pdf:
            try:
                own = printer is None
                printer = printer or PdfPrinter()
                try:
                    made[FILES[2]] = reproducible_pdf(printer.print_pdf(scratch / FILES[1]), pdf_date(year))
                finally:
                    if own:
                        printer.close()
            except ChromiumMissing:
                pass  # HTML only, as render does without Chromium
        if FILES[2] not in made:  # no PDF this time: an older one would not match the page
            (out_dir / FILES[2]).unlink(missing_ok=True)
        written = []
        for name, data in made.items():
            paths.write_atomic(out_dir / name, data, within=root / "outputs")
            written.append(out_dir / name)
        return written
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
