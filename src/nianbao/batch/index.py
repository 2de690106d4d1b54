"""outputs/<year>/index.html: one row per agency (name, status, findings by severity, links to its
HTML, PDF and executed notebook), readable offline, sortable by clicking a column header. A
newer render that failed beside a kept report (failed.json) shows as failed, with the cause and
the links to the report that was kept.
Every text from a manifest is escaped; the only script is the small sorter inline."""
from __future__ import annotations

import json
from html import escape
from pathlib import Path

from .. import paths
from ..provenance import manifest as provenance

STATUS_ORDER = ("failed", "errors", "warnings", "clean")  # worst first: how the status column sorts
STATUS_LABELS = {"failed": "失败 failed", "errors": "错误 errors", "warnings": "警告 warnings", "clean": "通过 clean"}
LINKS = (("report.html", "HTML"), ("report.pdf", "PDF"), ("report.ipynb", "笔记本 notebook"))

SORTER = """
document.querySelectorAll('th[data-col]').forEach(function (th) {
  th.addEventListener('click', function () {
    var table = th.closest('table'), body = table.tBodies[0], col = +th.dataset.col;
    var asc = th.getAttribute('aria-sort') !== 'ascending';
    table.querySelectorAll('th[aria-sort]').forEach(function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
    function key(row) { var c = row.cells[col]; return c.hasAttribute('data-sort') ? c.getAttribute('data-sort') : c.textContent; }
    var rows = Array.prototype.slice.call(body.rows).sort(function (a, b) {
      var x = key(a), y = key(b), numeric = x !== '' && y !== '' && !isNaN(x) && !isNaN(y);
      var c = numeric ? x - y : x.localeCompare(y, 'zh');
      return asc ? c : -c;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  });
});
"""

STYLE = """
body { font-family: "Noto Sans CJK SC", "Noto Serif CJK SC", sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #bbb; padding: .3em .6em; text-align: left; vertical-align: top; }
th[data-col] { cursor: pointer; background: #f2f2f2; user-select: none; }
th[aria-sort="ascending"]::after { content: " ▲"; } th[aria-sort="descending"]::after { content: " ▼"; }
td.num { text-align: right; } td.status, td.links { white-space: nowrap; }
tr.failed td.status { color: #a00; font-weight: bold; } tr.errors td.status { color: #c40; }
tr.warnings td.status { color: #875; } tr.clean td.status { color: #070; }
.id { color: #666; font-size: .85em; } .cause { font-size: .85em; color: #555; }
"""


def report_status(manifest: dict | None) -> str:
    """clean / warnings / errors / failed, from a report's manifest."""
    if not manifest or manifest.get("status") != "ok":
        return "failed"
    findings = manifest.get("findings") or {}
    if findings.get("error"):
        return "errors"
    if findings.get("warning"):
        return "warnings"
    return "clean"


def read_failure(folder: Path) -> dict | None:
    """The record of a newer render's failure beside a kept report (failed.json), if any."""
    try:
        data = json.loads((Path(folder) / provenance.FAILED).read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def failure_text(error: dict) -> str:
    where = f"第 {error['cell']} 格 cell {error['cell']} · " if error.get("cell") is not None else ""
    what = f"{error.get('ename')}: {error.get('evalue')}" if error.get("ename") else error.get("message", "")
    return f"[{error.get('cause', '?')}] {where}{what}"


def _row(agency: str, manifest: dict | None, failure: dict | None = None) -> str:
    # no report yet (e.g. a batch interrupted before it came to this agency)
    manifest = manifest or {"error": {"cause": "missing", "message": "尚未渲染 / not rendered yet"}}
    kept_status = report_status(manifest)
    status = "failed" if failure else kept_status
    findings = manifest.get("findings") or {}
    known = findings.get("known", False) and kept_status != "failed"  # the counts of the report linked
    outputs = manifest.get("outputs") or {}
    links = " ".join(f'<a href="{escape(agency)}/{name}">{label}</a>' for name, label in LINKS if name in outputs)
    cause = ""
    if failure:
        cause = (f"{failure_text(failure.get('error') or {})} — 保留上一份报告 kept the previous report "
                 f"({STATUS_LABELS[kept_status]}, {manifest.get('finished', '?')})")
    elif status == "failed":
        cause = failure_text(manifest.get("error") or {})
    name = manifest.get("name") or ""
    counts = "".join(f'<td class="num" data-sort="{findings.get(s, 0) if known else -1}">'
                     f'{findings.get(s, 0) if known else "—"}</td>' for s in provenance.SEVERITIES)
    return (f'<tr class="{status}" data-agency="{escape(agency)}">'
            f'<td data-sort="{escape(name or agency)}">{escape(name)} <span class="id">{escape(agency)}</span></td>'
            f'<td class="status" data-sort="{STATUS_ORDER.index(status)}">{STATUS_LABELS[status]}</td>'
            f'{counts}<td class="links">{links}</td><td class="cause">{escape(cause)}</td></tr>')


def index_html(year: int, rows: list[tuple]) -> str:
    """rows: (agency, manifest) or (agency, manifest, failure)."""
    rows = [(row[0], row[1], row[2] if len(row) > 2 else None) for row in rows]
    statuses = ["failed" if f else report_status(m) for _, m, f in rows]
    tally = "，".join(f"{STATUS_LABELS[s]} {statuses.count(s)}" for s in STATUS_ORDER)
    headers = ["机构 agency", "状态 status", "错误 errors", "警告 warnings", "提示 info", "文件 files", "原因 cause"]
    head = "".join(f'<th data-col="{i}">{h}</th>' for i, h in enumerate(headers))
    body = "\n".join(_row(agency, manifest, failure) for agency, manifest, failure in rows)
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="generator" content="nianbao">
<title>{year} 年政府信息公开工作年度报告 · 索引 / index</title>
<style>{STYLE}</style>
</head>
<body>
<h1>{year} 年政府信息公开工作年度报告 · 索引 / index</h1>
<p>共 {len(rows)} 个机构 / agencies：{tally}。点击表头排序 / click a header to sort. 生成于 generated {escape(provenance.now())}</p>
<table id="reports">
<thead><tr>{head}</tr></thead>
<tbody>
{body}
</tbody>
</table>
<script>{SORTER}</script>
</body>
</html>
"""


def write_index(out_dir: Path, year: int, rows: list[tuple]) -> Path:
    path = Path(out_dir) / "index.html"
    paths.write_atomic(path, index_html(year, rows))
    return path
