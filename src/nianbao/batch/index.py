"""outputs/<year>/index.html: one row per agency (name, status, findings by severity, links to its
HTML, PDF and executed notebook), readable offline, sortable by clicking a column header. A
newer render that failed beside a kept report (failed.json) shows as failed, with the cause and
the links to the report that was kept.
Filters by status and by rule (the rules each manifest's findings name) hide the rows that do not
match; without script every row shows. Links to the region overview and the 整改清单 when they exist.
Every text from a manifest is escaped; the only script is the small sorter and filter inline."""
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

# Filters: a row shows when its status and one of its rules match the chosen ones ('' any).
FILTER = """
(function () {
  var status = document.getElementById('filter-status'), rule = document.getElementById('filter-rule');
  if (!status || !rule) { return; }
  var shown = document.getElementById('filter-shown'), rows = document.getElementById('reports').tBodies[0].rows;
  document.getElementById('filters').hidden = false;
  function apply() {
    var s = status.value, r = rule.value, n = 0;
    for (var i = 0; i < rows.length; i++) {
      var row = rows[i], ok = (!s || row.dataset.status === s) &&
        (!r || (' ' + (row.dataset.rules || '') + ' ').indexOf(' ' + r + ' ') >= 0);
      row.hidden = !ok; n += ok ? 1 : 0;
    }
    shown.textContent = n;
  }
  status.addEventListener('change', apply); rule.addEventListener('change', apply);
})();
"""
REGION_LINKS = (("overview.html", "区域概览 overview"), ("overview.pdf", "PDF"), ("整改清单.xlsx", "整改清单 xlsx"),
                ("整改清单.csv", "CSV"))

STYLE = """
body { font-family: "Noto Sans CJK SC", "Noto Serif CJK SC", sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #bbb; padding: .3em .6em; text-align: left; vertical-align: top; }
th[data-col] { cursor: pointer; background: #f2f2f2; user-select: none; }
th[aria-sort="ascending"]::after { content: " ▲"; } th[aria-sort="descending"]::after { content: " ▼"; }
td.num { text-align: right; } td.status, td.links { white-space: nowrap; }
tr.failed td.status { color: #a00; font-weight: bold; } tr.errors td.status { color: #c40; }
tr.warnings td.status { color: #875; } tr.clean td.status { color: #070; }
#filters { margin: .5em 0 1em; } #filters label { margin-right: 1.5em; } tr[hidden] { display: none; }
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
    rules = " ".join(str(r) for r in findings.get("rules") or [] if known)
    return (f'<tr class="{status}" data-agency="{escape(agency)}" data-status="{status}" data-rules="{escape(rules)}">'
            f'<td data-sort="{escape(name or agency)}">{escape(name)} <span class="id">{escape(agency)}</span></td>'
            f'<td class="status" data-sort="{STATUS_ORDER.index(status)}">{STATUS_LABELS[status]}</td>'
            f'{counts}<td class="links">{links}</td><td class="cause">{escape(cause)}</td></tr>')


def _rules_of(manifest: dict | None) -> list[str]:
    findings = (manifest or {}).get("findings") or {}
    return [str(r) for r in findings.get("rules") or []] if findings.get("known") else []


def filters_html(rows: list[tuple], statuses: list[str]) -> str:
    """The status and rule filters (hidden until the script runs: without it they could do nothing)."""
    status_options = "".join(f'<option value="{s}">{STATUS_LABELS[s]} ({statuses.count(s)})</option>'
                             for s in STATUS_ORDER if s in statuses)
    tally: dict[str, int] = {}
    for _, manifest, failure in rows:
        for rule in dict.fromkeys(_rules_of(manifest)):
            tally[rule] = tally.get(rule, 0) + 1
    rule_options = "".join(f'<option value="{escape(r)}">{escape(r)} ({n})</option>'
                           for r, n in sorted(tally.items(), key=lambda item: (len(item[0]), item[0])))
    return (f'<form id="filters" hidden><label>状态 status <select id="filter-status"><option value="">全部 all</option>'
            f'{status_options}</select></label><label>规则 rule <select id="filter-rule"><option value="">全部 all'
            f'</option>{rule_options}</select></label>显示 shown <span id="filter-shown">{len(rows)}</span> / {len(rows)}'
            f'</form>')


def index_html(year: int, rows: list[tuple], region_files: tuple[str, ...] = ()) -> str:
    """rows: (agency, manifest) or (agency, manifest, failure); region_files: which of REGION_LINKS exist."""
    rows = [(row[0], row[1], row[2] if len(row) > 2 else None) for row in rows]
    statuses = ["failed" if f else report_status(m) for _, m, f in rows]
    tally = "，".join(f"{STATUS_LABELS[s]} {statuses.count(s)}" for s in STATUS_ORDER)
    headers = ["机构 agency", "状态 status", "错误 errors", "警告 warnings", "提示 info", "文件 files", "原因 cause"]
    head = "".join(f'<th data-col="{i}">{h}</th>' for i, h in enumerate(headers))
    body = "\n".join(_row(agency, manifest, failure) for agency, manifest, failure in rows)
    links = " · ".join(f'<a href="{name}">{label}</a>' for name, label in REGION_LINKS if name in region_files)
    region = f'<p class="region">{links}</p>' if links else ""
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
{region}{filters_html(rows, statuses)}
<table id="reports">
<thead><tr>{head}</tr></thead>
<tbody>
{body}
</tbody>
</table>
<script>{SORTER}{FILTER}</script>
</body>
</html>
"""


def write_index(out_dir: Path, year: int, rows: list[tuple]) -> Path:
    path = Path(out_dir) / "index.html"
    present = tuple(name for name, _ in REGION_LINKS if (Path(out_dir) / name).is_file())
    paths.write_atomic(path, index_html(year, rows, present))
    return path
