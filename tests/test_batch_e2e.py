"""The batch end to end, with real kernels, real Chromium and a real Dask LocalCluster: ten
synthetic agencies rendered once per module (three of them made to fail, hang and lose their
kernel through a test-only cell in the project's notebook copy); several tests read that run,
others work on copies of it."""
from __future__ import annotations

import json
import re
import shutil
import subprocess

import nbformat
import pytest

from nianbao.provenance import manifest as provenance
from nianbao.audit.verify import audit_outputs, pick
from nianbao.batch.run import run_batch
from nianbao.report.publish import CHROMIUM_ARGS, find_chromium

from batch_helpers import TRIP_INDEX, TRIPS, YEAR, add_agencies, add_trip_cell, cli, home, out_files
from conftest import copy_project

TIMEOUT = 30  # per report: well above a normal report on two busy cores, the hang's cost


@pytest.fixture(scope="module")
def batch_run(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("batch") / "project")
    add_trip_cell(root)
    agencies = add_agencies(root, 10)
    code, out, err = cli(root, "batch", "--year", str(YEAR), "--jobs", "2", "--timeout", str(TIMEOUT))
    return {"root": root, "agencies": agencies, "code": code, "out": out, "err": err,
            "dir": root / "outputs" / str(YEAR)}


@pytest.fixture
def batch_copy(batch_run, tmp_path):
    """The module's rendered project, copied, for tests that change things."""
    root = tmp_path / "project"
    shutil.copytree(batch_run["root"], root, symlinks=True)
    return root


def manifests(out_dir):
    return {p.name: json.loads((p / "manifest.json").read_text(encoding="utf-8"))
            for p in out_dir.iterdir() if p.is_dir()}


def test_failures_are_isolated_and_reported_with_their_causes(batch_run):
    assert batch_run["code"] == 1
    found = manifests(batch_run["dir"])
    assert len(found) == 10
    good = [a.id for a in batch_run["agencies"] if a.id not in TRIPS]
    for agency in good:
        assert found[agency]["status"] == "ok", found[agency]["error"]
        assert set(found[agency]["outputs"]) == {"report.ipynb", "report.html", "report.pdf", "validation.json"}
    for agency, cause in TRIPS.items():
        error = found[agency]["error"]
        assert found[agency]["status"] == "failed" and error["cause"] == cause
        assert error["cell"] == TRIP_INDEX + 1 and "trip" in error["source"]
    assert found["trip-raise"]["error"]["ename"] == "RuntimeError"
    assert found["trip-raise"]["error"]["evalue"] == "planted failure / 植入的失败"
    assert found["trip-hang"]["error"]["ename"] == "CellTimeoutError"
    assert found["trip-kill"]["error"]["ename"] == "DeadKernelError"
    # A failed report leaves its error (and the executed notebook when there is one), no HTML or PDF.
    assert set(out_files(batch_run["dir"] / "trip-raise")) == {"manifest.json", "report.ipynb"}
    assert set(out_files(batch_run["dir"] / "trip-hang")) == {"manifest.json"}
    # Nothing half-written: no scratch directories or temporary files anywhere under outputs/.
    assert not [p for p in (batch_run["root"] / "outputs").rglob(".*")]
    # The summary names each failure with its cause and cell.
    table = batch_run["out"]
    assert "failed: 3" in table and "clean: 7" in table
    for agency, cause in TRIPS.items():
        assert re.search(rf"{agency}\s+failed\s+\[{cause}\] 第 4 格 / cell 4", table), table


def test_progress_reports_every_agency(batch_run):
    lines = [line for line in batch_run["err"].splitlines() if re.match(r"\[\d+/10\]", line)]
    assert len(lines) == 10 and lines[-1].startswith("[10/10]")
    assert sum("FAILED" in line for line in lines) == 3


def test_manifest_and_notebook_record_the_same_provenance(batch_run):
    root = batch_run["root"]
    agency = next(a for a in batch_run["agencies"] if a.id not in TRIPS)
    folder = batch_run["dir"] / agency.id
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    # Every input is named by its project path with the hash of what is there now.
    roles = {i["role"] for i in manifest["inputs"]}
    assert {"notebook", "parameters", "source", "previous", "template"} <= roles
    for item in manifest["inputs"]:
        assert provenance.sha256_file(root / item["path"]) == item["sha256"], item
    for name, digest in manifest["outputs"].items():
        assert provenance.sha256_file(folder / name) == digest
    assert manifest["parameters"] == {"agency": agency.id, "year": YEAR}
    assert manifest["name"] == agency.name and manifest["environment"]["python"]
    assert manifest["environment"]["packages"]["papermill"] and manifest["environment"]["nianbao"]["source_sha256"]
    assert manifest["started"] <= manifest["finished"] and manifest["findings"]["known"] in (True, False)
    # The executed notebook carries the same record, minus its own hash; its parameters read plainly.
    nb = nbformat.read(str(folder / "report.ipynb"), as_version=4)
    embedded = nb.metadata["nianbao"]["provenance"]
    assert embedded["outputs"] == {k: v for k, v in manifest["outputs"].items() if k != "report.ipynb"}
    # (its clock readings stay in manifest.json: the same inputs give the same notebook bytes)
    assert {k: v for k, v in embedded.items() if k != "outputs"} == \
        {k: v for k, v in manifest.items() if k not in ("outputs", *provenance.TIMES)}
    assert nb.metadata["papermill"]["output_path"] == f"outputs/{YEAR}/{agency.id}/report.ipynb"
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert f"agency = '{agency.id}'" in injected.source
    # The audit cell shows the provenance as a table an auditor can read.
    table = nb.cells[-1].outputs[0]["data"]["text/html"]
    source = next(i for i in manifest["inputs"] if i["role"] == "source")
    assert "来源记录" in table and source["path"] in table and source["sha256"] in table
    # The PDF is a real one, printed by the worker's Chromium.
    text = subprocess.run(["pdftotext", str(folder / "report.pdf"), "-"], capture_output=True, text=True).stdout
    assert agency.name in re.sub(r"\s+", "", text)


def test_index_lists_every_agency_and_sorts_failed_first(batch_run):
    from playwright.sync_api import sync_playwright

    index = batch_run["dir"] / "index.html"
    html = index.read_text(encoding="utf-8")
    assert "http://" not in html and "https://" not in html and "<script src" not in html
    expected = {a.id: ("failed" if a.id in TRIPS else "clean") for a in batch_run["agencies"]}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page()
        page.goto(index.as_uri(), wait_until="load")
        rows = page.eval_on_selector_all("#reports tbody tr", "rows => rows.map(r => [r.dataset.agency, r.className,"
                                         " r.cells[1].textContent, r.querySelectorAll('a').length])")
        assert {agency: cls for agency, cls, _, _ in rows} == expected
        assert all(("失败" in text) == (cls == "failed") for _, cls, text, _ in rows)
        assert all(links == (0 if cls == "failed" and agency != "trip-raise" else 1 if cls == "failed" else 3)
                   for agency, cls, _, links in rows)
        page.click("th[data-col='1']")
        after = page.eval_on_selector_all("#reports tbody tr", "rows => rows.map(r => r.className)")
        assert after[:3] == ["failed"] * 3 and set(after[3:]) == {"clean"}
        page.click("th[data-col='1']")  # a second click reverses
        after = page.eval_on_selector_all("#reports tbody tr", "rows => rows.map(r => r.className)")
        assert after[-3:] == ["failed"] * 3
        browser.close()


def test_second_run_renders_nothing(batch_run):
    with home(batch_run["root"]):
        summary = run_batch(YEAR, root=batch_run["root"], jobs=2, timeout=TIMEOUT)
    assert summary.rendered == 0 and summary.skipped == 10
    assert summary.exit_code == 1  # the three failures stand until their inputs change (or --retry-failed)


def test_a_changed_source_rerenders_that_agency_and_last_years_its_dependent(batch_copy, batch_run):
    one, other = [a.id for a in batch_run["agencies"] if a.id not in TRIPS][:2]
    source = batch_copy / "data" / str(YEAR) / f"{one}.yaml"
    source.write_text(source.read_text(encoding="utf-8").replace("坚持以人民为中心", "坚持人民至上"), encoding="utf-8")
    with home(batch_copy):
        summary = run_batch(YEAR, root=batch_copy, jobs=2, timeout=TIMEOUT, pdf=True)
        assert [e.agency for e in summary.entries if e.rendered] == [one]
        assert "坚持人民至上" in (batch_copy / "outputs" / str(YEAR) / one / "report.html").read_text(encoding="utf-8")
        previous = batch_copy / "data" / str(YEAR - 1) / f"{other}.yaml"
        previous.write_text(previous.read_text(encoding="utf-8") + "# 更正\n", encoding="utf-8")
        summary = run_batch(YEAR, root=batch_copy, jobs=2, timeout=TIMEOUT, pdf=True)
        assert [e.agency for e in summary.entries if e.rendered] == [other]


def test_dask_local_cluster_makes_the_same_reports(batch_run, tmp_path):
    root = copy_project(tmp_path / "project")
    for part in ("notebooks", "data", "params"):
        shutil.rmtree(root / part)
        shutil.copytree(batch_run["root"] / part, root / part)
    chosen = [a.id for a in batch_run["agencies"] if a.id not in TRIPS][:3] + ["trip-raise"]
    code, out, _ = cli(root, "batch", "--year", str(YEAR), "--scheduler", "local", "--jobs", "2",
                       "--timeout", str(TIMEOUT), "--agencies", ",".join(chosen))
    assert code == 1, out
    dask_dir = root / "outputs" / str(YEAR)
    audit = audit_outputs(dask_dir)
    assert {a.agency: a.status for a in audit.agencies if a.agency in chosen} == \
        {a: "failed" if a == "trip-raise" else "verified" for a in chosen}
    from nianbao.audit.verify import compare_outputs

    for agency in chosen:
        pool, dask = out_files(batch_run["dir"] / agency), out_files(dask_dir / agency)
        assert compare_outputs(pool, dask) == [], agency
        if agency != "trip-raise":
            assert pool["report.html"] == dask["report.html"]


def test_audit_finds_tampered_stale_and_missing(batch_copy, batch_run):
    good = [a.id for a in batch_run["agencies"] if a.id not in TRIPS]
    out_dir = batch_copy / "outputs" / str(YEAR)
    code, out, _ = cli(batch_copy, "audit", str(out_dir), "--json")
    clean = json.loads(out)
    assert code == 1 and clean["counts"] == {"verified": 7, "tampered": 0, "stale": 0, "failed": 3, "missing": 0,
                                   "unsigned": 0}
    raised = next(a for a in clean["agencies"] if a["agency"] == "trip-raise")
    assert raised["error_cells"] == [TRIP_INDEX + 1]

    page = out_dir / good[0] / "report.html"
    data = bytearray(page.read_bytes())
    data[len(data) // 2] ^= 0x01  # one byte
    page.write_bytes(bytes(data))
    source = batch_copy / "data" / str(YEAR) / f"{good[1]}.yaml"
    source.write_text(source.read_text(encoding="utf-8").replace("标准化", "标准化、便利化", 1), encoding="utf-8")
    (out_dir / good[2] / "report.pdf").unlink()
    shutil.rmtree(out_dir / good[3])
    code, out, _ = cli(batch_copy, "audit", str(out_dir), "--json")
    found = {a["agency"]: a for a in json.loads(out)["agencies"]}
    assert code == 1
    assert found[good[0]]["status"] == "tampered" and found[good[0]]["tampered"] == ["report.html"]
    assert found[good[1]]["status"] == "stale" and found[good[1]]["stale"] == [f"data/{YEAR}/{good[1]}.yaml"]
    assert found[good[2]]["status"] == "missing" and found[good[2]]["missing"] == ["report.pdf"]
    assert found[good[3]]["status"] == "missing"
    assert [found[a]["status"] for a in good[4:]] == ["verified"] * 3


def test_reexecute_reproduces_untouched_reports_and_names_an_edited_cell(batch_copy, batch_run):
    """Re-executed in plain kernels (--no-fork), the reports the batch made in forked kernels come
    out the same: the gate for import-context differences, on the shipped notebook and real data."""
    out_dir = batch_copy / "outputs" / str(YEAR)
    good = sorted(a.id for a in batch_run["agencies"] if a.id not in TRIPS)
    chosen = pick(good, 3)
    edited = chosen[1]
    notebook = out_dir / edited / "report.ipynb"
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    body = next(i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code" and len(c["outputs"]) > 3)
    html = nb["cells"][body]["outputs"][1]["data"]["text/html"]
    html = "".join(html) if isinstance(html, list) else html
    figure = re.search(r"全年主动公开政府信息(\d+)条", html)
    changed = str(int(figure.group(1)) + 1)
    nb["cells"][body]["outputs"][1]["data"]["text/html"] = html.replace(figure.group(0), f"全年主动公开政府信息{changed}条")
    notebook.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")

    code, out, _ = cli(batch_copy, "audit", str(out_dir), "--json", "--reexecute", "3", "--jobs", "2", "--no-fork")
    result = {a["agency"]: a for a in json.loads(out)["agencies"]}
    assert code == 1
    assert [a for a, r in result.items() if r["reexecuted"]] == chosen
    for agency in chosen:
        if agency != edited:
            assert result[agency]["differences"] == [], result[agency]["differences"]
    differences = result[edited]["differences"]
    assert [(d["cell"], d["what"]) for d in differences] == [(body, "outputs")]
    assert f"全年主动公开政府信息{changed}条" in differences[0]["detail"]
    assert result[edited]["status"] == "tampered"  # its hash no longer matches either
