"""The rules inside a real render (the shared rendered sample): the executed notebook shows the
findings and keeps the record, validation.json holds it, the publishable page does not."""
from __future__ import annotations

import json

import nbformat

from nianbao.rules.findings import MIME


def audit_outputs(nb) -> list:
    return [o for c in nb.cells if "audit" in c.metadata.get("tags", []) for o in c.get("outputs", [])]


def test_validation_json_holds_findings_and_gx_results(rendered_sample):
    record = json.loads((rendered_sample.out_dir / "validation.json").read_text(encoding="utf-8"))
    assert (record["agency"], record["year"], record["format"]) == ("焦作市教育局", 2021, "2021")
    assert [(f["rule"], f["severity"]) for f in record["findings"]] == [("R5", "warning"), ("R26", "warning")]
    assert [r["suite_name"] for r in record["gx"]] == ["format-2021:cells", "format-2021:lines"]
    assert sum(len(r["results"]) for r in record["gx"]) == 20
    assert (record["gx"][0]["success"], record["gx"][1]["success"]) == (False, True)  # R5 fails, as a warning


def test_executed_notebook_shows_the_findings_without_widgets_or_noise(rendered_sample):
    nb = nbformat.read(rendered_sample.out_dir / "report.ipynb", as_version=4)
    outputs = audit_outputs(nb)
    shown = next(o for o in outputs if MIME in o.get("data", {}))
    assert "规则检查：0 个错误，2 个警告" in shown["data"]["text/html"]
    assert shown["data"][MIME]["findings"][0]["rule"] == "R5"
    everything = json.dumps(nb, ensure_ascii=False)
    assert "application/vnd.jupyter.widget" not in everything and "widgets" not in nb.metadata
    assert [o for o in outputs if o["output_type"] == "stream"] == []


def test_findings_never_reach_the_publishable_page(rendered_sample):
    page = (rendered_sample.out_dir / "report.html").read_text(encoding="utf-8")
    record = json.loads((rendered_sample.out_dir / "validation.json").read_text(encoding="utf-8"))
    for finding in record["findings"]:
        assert finding["message"] not in page
    assert "规则检查" not in page and "nianbao-findings" not in page and "跨年规则" not in page
