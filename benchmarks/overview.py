"""The region overview at scale (by hand, not in CI):

    PYTHONPATH=src python benchmarks/overview.py [--agencies 1000] [--checked 25]

N synthetic agencies (`nianbao synth`, 10 % with a planted violation, last year's data too) with
their outputs as a finished batch leaves them: the rules are run for real on `--checked` of them
(GX, in this process), and every other agency gets the validation record of one of those, under
its own name, with a manifest sealed over it (rendering 1,000 reports for a benchmark of the page
that reads them would take an hour). Then timed, each the real thing:

  collect    reading every source (this year and last), manifest and validation.json
  overview   `nianbao overview --year Y`: the notebook in a fresh kernel, HTML, PDF (target < 30 s)
  export     `nianbao export --year Y`: 整改清单.xlsx and .csv
  index      index.html for N agencies, opened in headless Chromium until `load` (target < 2 s),
             and one filter applied
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT_PARTS = ("notebooks", "templates", "expectations")
YEAR = 2022
BIN = Path(sys.executable).parent


def make_project(base: Path, n: int, checked: int) -> Path:
    from nianbao import paths, rules, synth
    from nianbao.model.sources import load_report
    from nianbao.provenance import manifest as provenance

    root = base / "project"
    for part in PROJECT_PARTS:
        shutil.copytree(ROOT / part, root / part)
    os.environ["NIANBAO_HOME"] = str(root)  # the rules read this project's suites
    agencies = synth.synthesize(n, YEAR, violations=0.1, seed=7, previous=True)
    synth.write_agencies(agencies, root, YEAR)
    planted = [a for a in agencies if a.planted]
    sample = planted[:checked // 2] + [a for a in agencies if not a.planted][:checked - len(planted[:checked // 2])]
    records = []
    for agency in sample:
        report = load_report(root / "data" / str(YEAR) / f"{agency.id}.yaml")
        records.append(rules.check_source(report).to_dict(gx=False))
    for i, agency in enumerate(agencies):
        folder = paths.output_dir(root, YEAR, agency.id)
        folder.mkdir(parents=True)
        record = dict(records[i % len(records)], agency=agency.name)
        (folder / provenance.VALIDATION).write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        (folder / "report.html").write_text("<p>benchmark</p>", encoding="utf-8")
        manifest = provenance.build_manifest(
            agency=agency.id, year=YEAR, name=agency.name, title=agency.name, status="ok", parameters={},
            inputs=[], outputs={"report.html": "x", provenance.VALIDATION: "x"}, started=provenance.now(),
            finished=provenance.now(), cache_key=None, findings=provenance.findings_summary(folder))
        (folder / provenance.MANIFEST).write_bytes(provenance.manifest_bytes(manifest))
    return root


def timed(fn) -> tuple[float, object]:
    t0 = time.perf_counter()
    value = fn()
    return time.perf_counter() - t0, value


def nianbao(root: Path, *args: str) -> None:
    env = {"NIANBAO_HOME": str(root), "PATH": f"{BIN}:/usr/bin:/bin", "NIANBAO_KEY": "/dev/null/no-key.pem"}
    subprocess.run([str(BIN / "nianbao"), *args], check=True, env=env, cwd=root, stdout=subprocess.DEVNULL)


def open_index(index: Path) -> tuple[float, float, int]:
    from playwright.sync_api import sync_playwright

    from nianbao.report.publish import CHROMIUM_ARGS, find_chromium

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page()
        page.goto("about:blank")
        t0 = time.perf_counter()
        page.goto(index.as_uri(), wait_until="load")
        loaded = time.perf_counter() - t0
        t0 = time.perf_counter()
        page.select_option("#filter-status", "errors")
        shown = int(page.inner_text("#filter-shown"))
        filtered = time.perf_counter() - t0
        browser.close()
    return loaded, filtered, shown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=1000)
    parser.add_argument("--checked", type=int, default=25)
    parser.add_argument("--keep", type=Path, help="build the project in DIR (kept), or reuse the one there")
    args = parser.parse_args()
    from nianbao.batch.run import index_rows
    from nianbao.region.collect import collect_region

    with tempfile.TemporaryDirectory(prefix="nianbao-bench-overview-") as tmp:
        base = args.keep or Path(tmp)
        if (base / "project").is_dir():
            t_setup, root = 0.0, base / "project"
        else:
            t_setup, root = timed(lambda: make_project(base, args.agencies, args.checked))
        t_collect, region = timed(lambda: collect_region(root, YEAR))
        findings = sum(len(a.findings) for a in region.agencies)
        t_overview_html, _ = timed(lambda: nianbao(root, "overview", "--year", str(YEAR), "--no-pdf"))
        t_overview, _ = timed(lambda: nianbao(root, "overview", "--year", str(YEAR)))
        t_export, _ = timed(lambda: nianbao(root, "export", "--year", str(YEAR)))
        out = root / "outputs" / str(YEAR)
        t_index, index = timed(lambda: index_rows(root, YEAR, []))
        loaded, filtered, shown = open_index(index)
        sizes = {name: (out / name).stat().st_size for name in ("overview.html", "overview.pdf", "整改清单.xlsx",
                                                                 "index.html") if (out / name).exists()}
    n = args.agencies
    print(f"region overview benchmark: {n} agencies, {findings} findings ({args.checked} checked for real), "
          f"setup {t_setup:.1f}s")
    print(f"{'step':<34}{'seconds':>9}  target")
    for step, seconds, target in (
            ("collect (sources ×2, validation)", t_collect, ""),
            ("nianbao overview (ipynb+html+pdf)", t_overview, "< 30 s"),
            ("nianbao overview --no-pdf", t_overview_html, ""),
            ("nianbao export (xlsx+csv)", t_export, ""),
            ("index.html written", t_index, ""),
            ("index.html opened in Chromium", loaded, "< 2 s"),
            (f"index filter applied ({shown} shown)", filtered, "")):
        print(f"{step:<34}{seconds:>9.2f}  {target}")
    print("sizes: " + ", ".join(f"{k} {v / 1024:.0f} KB" for k, v in sizes.items()))


if __name__ == "__main__":
    main()
