"""The publishable report body as HTML: title, sections 一–六 and the three tables laid out
as the national format lays them out (merged header cells included).

Every piece of source text is escaped here; nothing from a source reaches the page as markup.
"""
from __future__ import annotations

from html import escape

from . import formats
from .formats import Format
from .sources import Money, Report, paragraphs


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Money):
        return str(value)
    return str(value)


def _td(text: str, *, rowspan: int = 1, colspan: int = 1, cls: str = "", header=False) -> str:
    tag = "th" if header else "td"
    attrs = "".join([f' rowspan="{rowspan}"' if rowspan > 1 else "", f' colspan="{colspan}"' if colspan > 1 else "",
                     f' class="{cls}"' if cls else ""])
    return f"<{tag}{attrs}>{escape(text)}</{tag}>"


def _num(value, colspan: int = 1) -> str:
    return _td(cell_text(value), colspan=colspan, cls="num")


def fee_label(report: Report) -> str:
    """2021 fee header; a provincial template may add a decimals rule (e.g. 河南: 保留4位小数)."""
    decimals = report.options.get("fee_decimals")
    if decimals is None:
        return formats.FEE_LABEL_2021
    return formats.FEE_LABEL_2021.replace("）", f"，保留{decimals}位小数）")


def table2_html(report: Report) -> str:
    fmt = report.format
    rows = []
    for block in fmt.table2:
        rows.append(f"<tr>{_td(block.item, colspan=4, cls='item', header=True)}</tr>")
        head = [_td(formats.INFO_CONTENT, header=True)]
        for col in block.columns:
            label = fee_label(report) if col.label == formats.FEE_LABEL_2021 else col.label
            head.append(_td(label, colspan=col.span, header=True))
        rows.append(f"<tr>{''.join(head)}</tr>")
        for row in block.rows:
            cells = report.table2.get(row) or [None] * len(block.columns)
            tds = [_td(row, cls="label")] + [_num(v, col.span) for v, col in zip(cells, block.columns)]
            rows.append(f"<tr>{''.join(tds)}</tr>")
    return f'<table class="official t2">{"".join(rows)}</table>'


def table3_html(report: Report) -> str:
    fmt = report.format
    cols = fmt.table3_columns
    legal = [c for c in cols if c.key in formats.LEGAL_KEYS]
    head = [
        "<tr>" + _td(formats.TABLE3_NOTE, rowspan=3, colspan=3, cls="note", header=True)
        + _td(formats.TABLE3_APPLICANTS, colspan=7, header=True) + "</tr>",
        "<tr>" + _td(cols[0].label, rowspan=2, header=True) + _td(formats.TABLE3_LEGAL, colspan=len(legal), header=True)
        + _td(cols[-1].label, rowspan=2, header=True) + "</tr>",
        "<tr>" + "".join(_td(c.label, header=True) for c in legal) + "</tr>",
    ]
    results = [r for r in fmt.table3_rows if r.top == formats.TABLE3_RESULTS]
    group_sizes = {}
    for r in results:
        if r.group:
            group_sizes[r.group] = group_sizes.get(r.group, 0) + 1
    body, seen_top, seen_groups = [], False, set()
    for row in fmt.table3_rows:
        values = report.table3.get(row.key) or [None] * 7
        tds = []
        if not row.top:
            tds.append(_td(row.label, colspan=3, cls="label"))
        else:
            if not seen_top:
                tds.append(_td(formats.TABLE3_RESULTS, rowspan=len(results), cls="label top"))
                seen_top = True
            if row.group:
                if row.group not in seen_groups:
                    tds.append(_td(row.group, rowspan=group_sizes[row.group], cls="label"))
                    seen_groups.add(row.group)
                tds.append(_td(row.label, cls="label"))
            else:
                tds.append(_td(row.label, colspan=2, cls="label"))
        tds += [_num(v) for v in values]
        body.append(f"<tr>{''.join(tds)}</tr>")
    # Fixed column widths: 3 label columns, then the 7 number columns sharing the rest.
    cols_html = "<colgroup>" + '<col style="width:4%"><col style="width:9%"><col style="width:17%">' \
        + '<col style="width:10%">' * 7 + "</colgroup>"
    return f'<table class="official t3">{cols_html}{"".join(head + body)}</table>'


def table4_html(report: Report) -> str:
    fmt = report.format
    groups, cols = fmt.table4_groups, fmt.table4_columns
    review = [g for g in groups if not g.parent]
    lit = [g for g in groups if g.parent]
    row1 = "".join(_td(g.label, colspan=len(cols), header=True) for g in review)
    row1 += _td(formats.TABLE4_LITIGATION, colspan=len(cols) * len(lit), header=True)
    row2 = "".join(_td(c.label, rowspan=2, header=True) for _ in review for c in cols)
    row2 += "".join(_td(g.label, colspan=len(cols), header=True) for g in lit)
    row3 = "".join(_td(c.label, header=True) for _ in lit for c in cols)
    values = "".join(_num(v) for g in groups for v in (report.table4.get(g.key) or [None] * len(cols)))
    return (f'<table class="official t4"><tr>{row1}</tr><tr>{row2}</tr><tr>{row3}</tr>'
            f'<tr>{values}</tr></table>')


def narrative_html(text: str) -> str:
    return "".join(f"<p>{escape(p)}</p>".replace("\n", "<br>") for p in paragraphs(text))


TABLES = {"二": table2_html, "三": table3_html, "四": table4_html}


def section_html(report: Report, number: str) -> str:
    parts = [f'<h2 class="section">{escape(report.heading(number))}</h2>']
    parts.append(narrative_html(report.sections.get(number, "")))
    if number in TABLES:
        parts.append(TABLES[number](report))
    return f'<section class="s{number}">{"".join(parts)}</section>'


def title_html(report: Report) -> str:
    head = f'<h1 class="title">{escape(report.title)}</h1>'
    if report.preamble:
        head += f'<div class="preamble">{narrative_html(report.preamble)}</div>'
    return head


def report_html(report: Report) -> str:
    """The whole report body (no <html> wrapper): what the notebook shows and the page prints."""
    body = title_html(report) + "".join(section_html(report, s.number) for s in report.format.sections)
    return f'<article class="nianbao-report" lang="zh-CN">{body}</article>'


def version_of(fmt: Format) -> str:
    return f"{fmt.name}（{fmt.basis}）"
