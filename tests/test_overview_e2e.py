"""The region overview and the 整改清单 end to end, through the command line: a synthetic region with
planted violations (`nianbao synth --violations`), rendered by `nianbao batch` (which builds the
overview after the reports, with a real kernel and real Chromium), then `nianbao export`. The page
is read back in headless Chromium; the workbook with openpyxl; every expected count is taken from
the validation.json and source files themselves, not from nianbao's code."""
from __future__ import annotations

import csv
import json
import re
import subprocess

import openpyxl
import pytest
import yaml

from nianbao.report.publish import CHROMIUM_ARGS, find_chromium

from batch_helpers import cli
from conftest import copy_project

YEAR = 2022
AGENCIES = 10
PLANTED = re.compile(r"planted (R\d+): (\S+) ")


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("overview") / "project")
    code, out, err = cli(root, "synth", "--agencies", str(AGENCIES), "--year", str(YEAR), "--out", str(root),
                         "--violations", "0.5", "--with-previous", "--seed", "3")
    assert code == 0, err
    planted = [(rule, agency) for rule, agency in PLANTED.findall(out)]
    assert {rule for rule, _ in planted} == {"R9", "R10", "R11", "R16", "R21"}
    code, out, err = cli(root, "batch", "--year", str(YEAR), "--jobs", "2")
    assert code == 1, (out, err)  # the planted errors
    code, out, err = cli(root, "export", "--year", str(YEAR))
    assert code == 0, err
    return {"root": root, "dir": root / "outputs" / str(YEAR), "planted": planted}


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    chromium = find_chromium()
    assert chromium, "Chromium is needed (make install)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def validations(out_dir):
    return {p.name: json.loads((p / "validation.json").read_text(encoding="utf-8"))
            for p in sorted(out_dir.iterdir()) if (p / "validation.json").is_file()}


def matrix(page) -> dict[str, dict[str, str]]:
    """agency id → rule → the cell's text, as the page shows it."""
    return page.evaluate("""() => {
        const rules = [...document.querySelectorAll('#matrix thead th')].map(th => th.dataset.rule || '');
        const out = {};
        for (const row of document.querySelectorAll('#matrix tbody tr')) {
            const cells = {};
            [...row.children].forEach((cell, i) => { if (rules[i]) cells[rules[i]] = cell.textContent.trim(); });
            out[row.dataset.agency] = cells;
        }
        return out; }""")


def test_batch_writes_the_overview_beside_the_index_which_links_to_it(region):
    for name in ("overview.ipynb", "overview.html", "overview.pdf", "整改清单.xlsx", "整改清单.csv"):
        assert (region["dir"] / name).is_file(), name
    index = (region["dir"] / "index.html").read_text(encoding="utf-8")
    assert 'href="overview.html"' in index
    page = (region["dir"] / "overview.html").read_text(encoding="utf-8")
    assert not re.search(r"<(link|img)\b|<script[^>]+src=|https?://(?!www\.w3\.org/)", page)  # offline, no raster
    nb = json.loads((region["dir"] / "overview.ipynb").read_text(encoding="utf-8"))
    assert nb["metadata"]["papermill"]["parameters"] == {"year": YEAR, "government": ""}
    committed = json.loads((region["root"] / "notebooks" / "region_overview.ipynb").read_text(encoding="utf-8"))
    assert all(not c.get("outputs") for c in committed["cells"] if c["cell_type"] == "code")  # committed thin


def test_every_planted_violation_is_in_the_matrix_and_in_the_xlsx(region, browser):
    page = browser.new_page()
    page.goto((region["dir"] / "overview.html").as_uri(), wait_until="load")
    shown = matrix(page)
    page.close()
    rows = list(openpyxl.load_workbook(region["dir"] / "整改清单.xlsx")["整改清单"].iter_rows(values_only=True))
    header = rows[0]
    listed = {(r[header.index("机构标识")], r[header.index("规则")]) for r in rows[1:]}
    for rule, agency in region["planted"]:
        assert "错" in shown[agency][rule], (agency, rule, shown.get(agency))
        assert (agency, rule) in listed
    # and nothing the files do not hold: each cell's counts are the agency's findings of that rule
    for agency, record in validations(region["dir"]).items():
        for rule in {f["rule"] for f in record["findings"]}:
            errors = sum(1 for f in record["findings"] if f["rule"] == rule and f["severity"] == "error")
            assert (f"错 {errors}" in shown[agency][rule]) == bool(errors)


def test_the_xlsx_and_csv_hold_exactly_the_findings_of_the_validation_files(region):
    records = validations(region["dir"])
    assert len(records) == AGENCIES
    expected = sum(len(r["findings"]) for r in records.values())
    assert expected >= len(region["planted"])
    wb = openpyxl.load_workbook(region["dir"] / "整改清单.xlsx")
    findings = list(wb["整改清单"].iter_rows(values_only=True))
    assert len(findings) - 1 == expected
    assert wb["整改清单"].auto_filter.ref  # filter by agency (and rule, severity …)
    header = findings[0]
    assert {"机构", "规则", "级别", "表", "行", "列", "应为", "实为", "说明", "审核状态"} <= set(header)
    by_agency = {}
    for row in findings[1:]:
        by_agency[row[0]] = by_agency.get(row[0], 0) + 1
    summary = list(wb["各机构汇总"].iter_rows(values_only=True))
    totals = {row[0]: row[summary[0].index("发现合计")] for row in summary[1:]}
    assert totals == {agency: len(r["findings"]) for agency, r in records.items()}
    assert {a: n for a, n in totals.items() if n} == by_agency
    with open(region["dir"] / "整改清单.csv", encoding="utf-8-sig", newline="") as handle:
        assert len(list(csv.reader(handle))) - 1 == expected
    # a finding's table/row/column are the Chinese names validation.json gives
    first = next(f for r in records.values() for f in r["findings"])
    row = findings[1 + [f for r in records.values() for f in r["findings"]].index(first)]
    assert (row[header.index("表")], row[header.index("行")], row[header.index("说明")]) == \
        (first["table"], first["row"], first["message"])


def hand_ratios(source) -> dict[str, float | None]:
    """The five ratios computed by hand from a source YAML (the 总计 column is the last cell)."""
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    t3, t4 = data["table3"], data["table4"]
    total = t3["办理结果总计"][-1]
    withheld = sum(cells[-1] for key, cells in t3.items() if key.startswith("不予公开."))
    suits = t4["未经复议直接起诉"][-1] + t4["复议后起诉"][-1]

    def share(a, b):
        return None if not b else a / b
    return {"实质公开率": share(t3["予以公开"][-1] + t3["部分公开"][-1], total),
            "不予公开率": share(withheld, total),
            "复议纠错率": share(t4["行政复议"][1], t4["行政复议"][-1]),
            "诉讼纠错率": share(t4["未经复议直接起诉"][1] + t4["复议后起诉"][1], suits),
            "结转率": share(t3["结转下年"][-1], t3["本年新收"][-1] + t3["上年结转"][-1])}


def test_the_ratios_of_two_agencies_equal_a_hand_computation(region, browser):
    page = browser.new_page()
    page.goto((region["dir"] / "overview.html").as_uri(), wait_until="load")
    heads = page.eval_on_selector_all("#ratios thead th", "ths => ths.map(th => th.textContent.trim())")
    table = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('#ratios tbody tr')].map(
        row => [row.dataset.agency, [...row.children].map(c => c.textContent.trim())]))""")
    page.close()
    sources = sorted((region["root"] / "data" / str(YEAR)).glob("*.yaml"))
    chosen = [s for s in sources if hand_ratios(s)["复议纠错率"] is not None][:1] + \
             [s for s in sources if hand_ratios(s)["诉讼纠错率"] is not None][-1:]
    assert len({s.stem for s in chosen}) == 2, "two agencies with a review and a lawsuit each"
    for source in chosen:
        expected = hand_ratios(source)
        shown = dict(zip(heads, table[source.stem]))
        for name, value in expected.items():
            assert shown[name].split()[0] == ("—" if value is None else f"{value * 100:.1f}%"), (source.stem, name)


def test_the_page_in_chromium_shows_the_matrix_the_charts_and_the_completeness_list(region, browser):
    page = browser.new_page()
    page.goto((region["dir"] / "overview.html").as_uri(), wait_until="load")
    flagged = [a for a, r in validations(region["dir"]).items() if r["findings"]]
    assert page.locator("#matrix tbody tr").count() == len(flagged) >= len({a for _, a in region["planted"]})
    charts = page.locator("#charts svg")
    assert charts.count() == 2 and page.locator("#charts svg image").count() == 0  # vector, no raster inside
    texts = page.eval_on_selector_all("#charts svg text", "ts => ts.map(t => t.textContent)")
    assert any(re.search(r"[\u4e00-\u9fff]", t) for t in texts) and "行政复议" in texts
    assert page.locator("#charts svg").first.bounding_box()["width"] > 200  # drawn, not empty
    completeness = page.locator("table.completeness").inner_text()
    names = {yaml.safe_load(s.read_text(encoding="utf-8"))["agency"]
             for s in (region["root"] / "data" / str(YEAR)).glob("*.yaml")}
    assert "有错误 errors" in completeness and all(name in completeness for name in names)
    page.close()
    # the PDF has the charts' Chinese text as text (vector, not pixels)
    text = subprocess.run(["pdftotext", str(region["dir"] / "overview.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "区域概览" in text and "申请办理结果" in text and "规则 × 机构" in text


def test_the_index_filters_by_status_and_by_rule(region, browser):
    manifests = {p.name: json.loads((p / "manifest.json").read_text(encoding="utf-8"))
                 for p in region["dir"].iterdir() if (p / "manifest.json").is_file()}
    with_errors = sum(1 for m in manifests.values() if m["findings"]["error"])
    with_r16 = sum(1 for p in region["dir"].iterdir() if (p / "validation.json").is_file()
                   and any(f["rule"] == "R16" for f in json.loads((p / "validation.json").read_text())["findings"]))
    page = browser.new_page()
    page.goto((region["dir"] / "index.html").as_uri(), wait_until="load")
    visible = "#reports tbody tr:visible"
    assert page.locator(visible).count() == AGENCIES
    page.select_option("#filter-status", "errors")
    assert page.locator(visible).count() == with_errors > 0
    page.select_option("#filter-rule", "R16")
    assert page.locator(visible).count() == with_r16 > 0
    page.select_option("#filter-status", "clean")
    assert page.locator(visible).count() == 0 and page.locator("#filter-shown").inner_text() == "0"
    page.select_option("#filter-status", "")
    page.select_option("#filter-rule", "")
    assert page.locator(visible).count() == AGENCIES
    page.close()


def test_overview_and_export_run_alone_and_refuse_bad_input(region):
    before = {n: (region["dir"] / n).read_bytes() for n in ("overview.ipynb", "overview.html", "整改清单.xlsx")}
    code, out, err = cli(region["root"], "overview", "--year", str(YEAR), "--no-pdf")
    assert code == 0, err
    assert not (region["dir"] / "overview.pdf").exists()  # no PDF this time: none left from before
    assert cli(region["root"], "export", "--year", str(YEAR))[0] == 0
    after = {n: (region["dir"] / n).read_bytes() for n in before}
    assert after == before  # the same inputs, the same bytes (no clock in the notebook or the workbook)
    code, _, err = cli(region["root"], "overview", "--year", "twenty")
    assert code == 2 and "Traceback" not in err
    code, _, err = cli(region["root"], "export", "--year", str(YEAR), "--government", "../x")
    assert code == 2 and "Traceback" not in err
