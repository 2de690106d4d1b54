"""Year over year for one agency: 申请数量, the 办理结果 mix, 复议/诉讼 counts across the years whose
sources exist, as a small inline SVG chart (offline, no plotting library) and a table of the numbers.

Shown by an audit cell of the notebook: it helps the analyst, it is not part of the published report.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from ..model import formats
from ..model.sources import Report

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, sans-serif"
PALETTE = ("#2f6db5", "#7fb3e6", "#d9822b", "#b0413e", "#8a6fb8", "#7f7f7f", "#4d9a5b")
TOTAL = -1  # the 总计 column of tables 三 and 四 (declared last in every version)
STYLE = ("<style>.nianbao-trend table.nb-trend-numbers { border-collapse: collapse; font-size: 9pt; margin-top: 0.5em; }"
         " .nianbao-trend table.nb-trend-numbers th, .nianbao-trend table.nb-trend-numbers td"
         " { border: 1px solid #bbb; padding: 1px 6px; text-align: right; }"
         " .nianbao-trend table.nb-trend-numbers td:first-child { text-align: left; }</style>")


@dataclass
class YearFigures:
    year: int
    applications: int | None  # 表三 一、本年新收 总计
    results: dict[str, int | None] = field(default_factory=dict)  # 办理结果 category → 总计
    review: int | None = None  # 表四 行政复议 总计
    litigation: int | None = None  # 表四 未经复议直接起诉 + 复议后起诉 总计


def _total(cells) -> int | None:
    return cells[TOTAL] if cells else None


def _sum(values) -> int | None:
    values = list(values)
    return None if not values or any(v is None for v in values) else sum(values)


def figures(report: Report) -> YearFigures:
    """The result groups (予以公开 … 其他处理) are the declaration's categories, the same six in both
    formats (the sub-rows 不予公开.1 … sum into their group; 2019 has one 其他处理 row, 2021 three)."""
    fmt = report.format
    results = {category: _sum(_total(report.table3.get(k)) for k in keys)
               for category, keys in fmt.result_categories.items()}
    lit = [_total(report.table4.get(g.key)) for g in fmt.table4_groups if g.parent == formats.TABLE4_LITIGATION]
    review = [_total(report.table4.get(g.key)) for g in fmt.table4_groups if not g.parent]
    return YearFigures(report.year, _total(report.table3.get(fmt.row_key(formats.NEW))), results, _sum(review), _sum(lit))


def _new_name() -> str:
    """一、本年新收 by its short name (its key), for the chart's legend."""
    return formats.latest().row_key(formats.NEW)


# ------------------------------------------------------------------ SVG
def _text(x, y, text, size=11, anchor="middle", weight="normal", fill="#222") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" font-weight="{weight}" '
            f'fill="{fill}" font-family="{FONT}">{escape(str(text))}</text>')


def _bars(title: str, years: list[int], series: list[tuple[str, list]], x0: float, w: float, h: float) -> str:
    """Grouped bars: one group per year, one bar per series; None draws no bar and a dash."""
    top, bottom = 30, h - 40
    peak = max([v for _, values in series for v in values if v is not None] + [1])
    group = w / max(len(years), 1)
    bar = min(28, group * 0.7 / len(series))
    out = [_text(x0 + w / 2, 16, title, 12, weight="bold"),
           f'<line x1="{x0:.1f}" y1="{bottom}" x2="{x0 + w:.1f}" y2="{bottom}" stroke="#999"/>']
    for i, year in enumerate(years):
        gx = x0 + group * i + (group - bar * len(series)) / 2
        for j, (_, values) in enumerate(series):
            v = values[i]
            x = gx + j * bar
            if v is None:
                out.append(_text(x + bar / 2, bottom - 4, "—", 10, fill="#888"))
                continue
            height = (bottom - top) * v / peak
            out.append(f'<rect x="{x:.1f}" y="{bottom - height:.1f}" width="{bar - 2:.1f}" height="{height:.1f}" '
                       f'fill="{PALETTE[j % len(PALETTE)]}"><title>{year} {escape(series[j][0])}: {v}</title></rect>')
            out.append(_text(x + bar / 2 - 1, bottom - height - 3, v, 9))
        out.append(_text(x0 + group * i + group / 2, bottom + 14, year, 10))
    if len(series) > 1:
        out += _legend([name for name, _ in series], x0, bottom + 28)
    return "".join(out)


def _legend(names: list[str], x0: float, y: float, per_row: int = 3) -> list[str]:
    """Colour keys, three to a row (the colours follow the series' order)."""
    out = []
    for j, name in enumerate(names):
        x, yy = x0 + (j % per_row) * 78, y + (j // per_row) * 13
        out.append(f'<rect x="{x:.1f}" y="{yy - 8:.1f}" width="9" height="9" fill="{PALETTE[j % len(PALETTE)]}"/>')
        out.append(_text(x + 12, yy, name, 9, anchor="start"))
    return out


def _mix(years: list[YearFigures], x0: float, w: float, h: float) -> str:
    """办理结果: one 100 % stacked bar per year (shares of the known categories)."""
    top, bottom = 30, h - 52
    categories = list(dict.fromkeys(k for y in years for k in y.results))
    group = w / max(len(years), 1)
    bar = min(34, group * 0.6)
    out = [_text(x0 + w / 2, 16, "办理结果构成", 12, weight="bold")]
    for i, y in enumerate(years):
        x = x0 + group * i + (group - bar) / 2
        known = {k: v for k, v in y.results.items() if v is not None}
        total = sum(known.values())
        out.append(_text(x + bar / 2, bottom + 14, y.year, 10))
        if not total:
            out.append(f'<rect x="{x:.1f}" y="{top}" width="{bar:.1f}" height="{bottom - top}" fill="none" stroke="#bbb"/>')
            out.append(_text(x + bar / 2, (top + bottom) / 2, "无" if known else "—", 10, fill="#888"))
            continue
        level = bottom
        for j, k in enumerate(categories):
            v = known.get(k, 0)
            if not v:
                continue
            height = (bottom - top) * v / total
            level -= height
            out.append(f'<rect x="{x:.1f}" y="{level:.1f}" width="{bar:.1f}" height="{height:.1f}" '
                       f'fill="{PALETTE[j % len(PALETTE)]}"><title>{y.year} {escape(k)}: {v}（{v / total:.0%}）</title></rect>')
    out += _legend(categories, x0, bottom + 28)
    return "".join(out)


def chart_svg(years: list[YearFigures]) -> str:
    panel, h = 250, 210
    labels = [y.year for y in years]
    parts = [
        _bars(f"申请数量（{_new_name()}）", labels, [(_new_name(), [y.applications for y in years])], 10, panel - 20, h),
        _mix(years, panel + 10, panel - 20, h),
        _bars(f"{formats.TABLE4_REVIEW}、{formats.TABLE4_LITIGATION}", labels,
              [(formats.TABLE4_REVIEW, [y.review for y in years]), (formats.TABLE4_LITIGATION, [y.litigation for y in years])],
              2 * panel + 10, panel - 20, h),
    ]
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{3 * panel}" height="{h}" viewBox="0 0 {3 * panel} {h}" '
            f'role="img" aria-label="逐年对比 / year over year">{"".join(parts)}</svg>')


def numbers_html(years: list[YearFigures]) -> str:
    def cell(v):
        return "—" if v is None else str(v)

    categories = list(dict.fromkeys(k for y in years for k in y.results))
    rows = [(f"申请数量（{_new_name()}·总计）", [y.applications for y in years])]
    rows += [(f"办理结果·{k}", [y.results.get(k) for y in years]) for k in categories]
    rows += [("行政复议（总计）", [y.review for y in years]), ("行政诉讼（两类总计之和）", [y.litigation for y in years])]
    head = "".join(f"<th>{y.year}</th>" for y in years)
    body = "".join(f"<tr><td>{escape(name)}</td>{''.join(f'<td>{cell(v)}</td>' for v in values)}</tr>" for name, values in rows)
    return f'<table class="nb-trend-numbers"><tr><th></th>{head}</tr>{body}</table>'


def trend_html(reports: list[Report]) -> str:
    """The chart and its numbers for the reports given (one per year, any order)."""
    years = [figures(r) for r in sorted(reports, key=lambda r: r.year)]
    if len(years) < 2:
        only = years[0].year if years else "—"
        return (f'<div class="nianbao-trend"><p>只有 {only} 年的源数据，没有可对比的往年 / '
                f'only {only} has source data: no earlier year to compare</p></div>')
    span = f"{years[0].year}–{years[-1].year}"
    return (f'<div class="nianbao-trend" lang="zh-CN">{STYLE}<h4>逐年对比 {span} / year over year</h4>'
            f"{chart_svg(years)}{numbers_html(years)}</div>")
