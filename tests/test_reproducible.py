"""Reproducible to the byte: unchanged inputs give the same report.html, report.pdf, validation.json and
report.ipynb, across processes, fork-server and plain kernels, the local pool and Dask; only manifest.json
(its clock readings) may differ. And the lock: manifests record it, audit names a report rendered outside it."""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from nianbao.provenance import envlock
from nianbao.provenance import manifest as provenance
from nianbao.report.publish import pdf_date, reproducible_pdf

from batch_helpers import YEAR, add_agencies, cli
from conftest import ROOT, SAMPLE_AGENCY, SAMPLE_YEAR, copy_project

FOUR = ("report.html", "report.pdf", "validation.json", "report.ipynb")
NIANBAO = str(Path(sys.executable).with_name("nianbao"))


def digests(folder: Path) -> dict[str, str]:
    return {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in FOUR}


def timeless(manifest: dict) -> dict:
    return {k: v for k, v in manifest.items() if k not in provenance.TIMES}


def render_cli(root: Path, **env) -> subprocess.CompletedProcess:
    return subprocess.run([NIANBAO, "render", "--agency", SAMPLE_AGENCY, "--year", str(SAMPLE_YEAR)],
                          cwd=root, capture_output=True, text=True, env={**os.environ, "NIANBAO_HOME": str(root), **env})


def test_two_renders_in_two_processes_are_byte_identical(tmp_path):
    root = copy_project(tmp_path / "project")
    folder = root / "outputs" / str(SAMPLE_YEAR) / SAMPLE_AGENCY
    runs = []
    for _ in range(2):
        done = render_cli(root)
        assert done.returncode == 0, done.stderr
        runs.append((digests(folder), json.loads((folder / "manifest.json").read_text(encoding="utf-8"))))
    (first, m1), (second, m2) = runs
    assert first == second
    # manifest.json alone differs, and only in its clock readings (papermill's per-cell times among them).
    assert timeless(m1) == timeless(m2)
    assert m1["cell_times"]["cells"] and "start_time" in m1["cell_times"]["notebook"]
    notebook = (folder / "report.ipynb").read_text(encoding="utf-8")
    assert "start_time" not in notebook and '"duration"' not in notebook and "iopub" not in notebook
    # The PDF's dates come from the report (no publication date: 31 January of the next year), not the clock.
    pdf = (folder / "report.pdf").read_bytes()
    assert b"/CreationDate (D:20220131000000+08'00')" in pdf and b"/ModDate (D:20220131000000+08'00')" in pdf
    info = subprocess.run(["pdfinfo", str(folder / "report.pdf")], capture_output=True, text=True)
    assert info.returncode == 0 and "Syntax Error" not in info.stderr, info.stderr
    # Rendered inside the locked environment: the lock's hash and no differences recorded.
    assert m1["lock"] == {"file": "requirements.lock", "differences": [],
                          "sha256": hashlib.sha256((ROOT / "requirements.lock").read_bytes()).hexdigest()}


def test_source_date_epoch_sets_the_pdf_dates(tmp_path):
    root = copy_project(tmp_path / "project")
    done = render_cli(root, SOURCE_DATE_EPOCH="1650000000")
    assert done.returncode == 0, done.stderr
    pdf = (root / "outputs" / str(SAMPLE_YEAR) / SAMPLE_AGENCY / "report.pdf").read_bytes()
    assert b"/CreationDate (D:20220415052000+00'00')" in pdf


def test_pdf_rewrite_keeps_offsets_and_makes_the_id_from_the_content():
    body = (b"%PDF-1.4\n1 0 obj\n<</CreationDate (D:20261202175804+00'00')\n/ModDate (D:20261202175804Z)>>\nendobj\n")
    trailer = b"trailer\n<</Size 2 /Info 1 0 R /ID [<0123456789ABCDEF0123456789ABCDEF> <FEDCBA9876543210FEDCBA9876543210>]>>\n"
    xref = len(body)
    pdf = body + b"xref\n0 2\n" + trailer + b"startxref\n" + str(xref).encode() + b"\n%%EOF\n"
    when = datetime(2022, 1, 20, tzinfo=timezone.utc)
    out = reproducible_pdf(pdf, when)
    assert len(out) == len(pdf) and out[xref:xref + 4] == b"xref"
    assert b"/CreationDate (D:20220120000000+00'00')" in out and b"2026" not in out
    assert b"/ModDate (D:20220120000000)" in out  # the shorter old date: cut to fit, never longer
    ids = re.search(rb"/ID \[<([0-9A-F]+)> <([0-9A-F]+)>\]", out).groups()
    assert ids[0] == ids[1] and len(ids[0]) == 32 and ids[0] != b"0123456789ABCDEF0123456789ABCDEF"
    other = pdf.replace(b"FEDCBA98", b"00000000")  # another random id, the same content: the same file
    assert reproducible_pdf(other, when) == out
    assert reproducible_pdf(pdf.replace(b"%PDF-1.4", b"%PDF-1.5"), when) != out


def test_pdf_date_from_the_publication_date_or_the_deadline(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert pdf_date(2021, "2022年1月20日").strftime("%Y-%m-%d %z") == "2022-01-20 +0800"
    assert pdf_date(2021, None).strftime("%Y-%m-%d") == "2022-01-31"
    assert pdf_date(2021, "二〇二二年一月").strftime("%Y-%m-%d") == "2022-01-31"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert pdf_date(2021, "2022年1月20日") == datetime(1970, 1, 1, tzinfo=timezone.utc)


def test_batches_with_fork_plain_kernels_and_dask_give_the_same_bytes(tmp_path):
    runs = {}
    for label, extra in (("fork", ()), ("no-fork", ("--no-fork",)), ("dask", ("--scheduler", "local"))):
        root = copy_project(tmp_path / label)
        agencies = add_agencies(root, 2, trips=False)
        code, out, err = cli(root, "batch", "--year", str(YEAR), "--jobs", "2", "--timeout", "60",
                             "--agencies", ",".join(a.id for a in agencies), *extra)
        assert code == 0, out + err
        runs[label] = {a.id: digests(root / "outputs" / str(YEAR) / a.id) for a in agencies}
    assert runs["fork"] == runs["no-fork"] == runs["dask"]


def test_audit_names_a_report_rendered_outside_the_lock(tmp_path):
    root = copy_project(tmp_path / "project")
    lock = root / "requirements.lock"
    installed = provenance.packages()["pandas"]
    lock.write_text(re.sub(r"(?m)^pandas==\S+", "pandas==0.0.1", lock.read_text()))
    assert render_cli(root).returncode == 0
    code, out, _ = cli(root, "audit", str(root / "outputs" / str(SAMPLE_YEAR)), "--json")
    notes = json.dumps(json.loads(out), ensure_ascii=False)
    assert "rendered outside the locked environment" in notes and f"pandas {installed} (lock 0.0.1)" in notes
    lock.unlink()
    assert render_cli(root).returncode == 0
    code, out, _ = cli(root, "audit", str(root / "outputs" / str(SAMPLE_YEAR)))
    assert "rendered without requirements.lock" in out


def test_lock_differences_name_each_package():
    locked = envlock.pins("pandas==2.2.3 \\\n    --hash=sha256:ab\nPyYAML==6.0.2 ; python_version >= '3.11'\n")
    assert locked == {"pandas": "2.2.3", "pyyaml": "6.0.2"}
    assert envlock.differences(locked, {"pandas": "2.2.3", "PyYAML": "6.0.2", "nianbao": "0.1"}) == []
    assert envlock.differences(locked, {"Pandas": "2.3.0", "extra_pkg": "1"}) == [
        "pandas 2.3.0 (lock 2.2.3)", "pyyaml (not installed)", "extra-pkg 1 (not in the lock)"]
