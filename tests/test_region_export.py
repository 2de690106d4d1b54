"""整改清单 and the overview's parts on a region built in memory: review states carried, hostile text
kept inert (escaped in HTML, text not formula in the workbook and the CSV)."""
from __future__ import annotations

import csv
import io

import openpyxl

from nianbao.region import export, overview
from nianbao.region.collect import Agency, Region

EVIL = '<script>alert("x")</script>'
FORMULA = '=HYPERLINK("http://x","点击")'


def finding(rule="R9", severity="error", message="表三…", **extra):
    return {"rule": rule, "severity": severity, "table": "表三", "row": "（一）予以公开", "column": "总计",
            "expected": 3, "actual": 4, "message": message, **extra}


def region() -> Region:
    manifest = {"status": "ok", "findings": {"known": True, "error": 1, "warning": 0, "info": 0}}
    reviewed = finding(id="R9-3f2a01", review={"state": "dismissed", "reason": "已更正原件", "by": "张三",
                                                "at": "2023-01-05T10:00:00+08:00"})
    a = Agency("a-1", EVIL, params=True, source=True, manifest=manifest,
               validation={"findings": [reviewed, finding("R16", message=FORMULA)]})
    b = Agency("b-2", "乙局", params=True, source=True, manifest=dict(manifest, findings={"known": True, "error": 0}),
               validation={"findings": []})
    return Region(2022, "", [a, b])


def test_every_finding_is_a_row_with_its_review_state():
    wb = openpyxl.load_workbook(io.BytesIO(export.workbook_bytes(region())))
    rows = list(wb[export.FINDINGS_SHEET].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert len(body) == 2
    first = dict(zip(header, body[0]))
    assert (first["发现编号"], first["审核状态"], first["审核理由"], first["审核人"]) == \
        ("R9-3f2a01", "已排除", "已更正原件", "张三")
    assert dict(zip(header, body[1]))["审核状态"] == "未审核"
    summary = {r[0]: r for r in list(wb[export.SUMMARY_SHEET].iter_rows(values_only=True))[1:]}
    assert summary["a-1"][-2:] == (2, 1)  # two findings; one error not dismissed
    assert summary["b-2"][-2:] == (0, 0)


def test_text_that_looks_like_a_formula_stays_text():
    raw = export.workbook_bytes(region())
    wb = openpyxl.load_workbook(io.BytesIO(raw))
    cell = next(c for row in wb[export.FINDINGS_SHEET].iter_rows() for c in row if c.value == FORMULA)
    assert cell.data_type == "s"
    rows = list(csv.reader(io.StringIO(export.csv_text(region()).lstrip("\ufeff"))))
    assert "'" + FORMULA in rows[2] and FORMULA not in rows[2]


def test_the_overview_parts_escape_every_name():
    r = region()
    for part in (overview.header, overview.completeness, overview.matrix, overview.ratios, overview.jumps):
        html = part(r)._repr_html_()
        assert EVIL not in html, part.__name__
    assert "&lt;script&gt;" in overview.matrix(r)._repr_html_()
