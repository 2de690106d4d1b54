"""Batch knows the tree (real kernels, no PDF): parts are planned before the 汇总 that sums them,
a 汇总's parts are inputs of its manifest, and a changed part makes the 汇总 stale in audit and in
the next batch plan, which says to run rollup again; the re-rendered 汇总 then carries R36."""
from __future__ import annotations

import json
import re
import shutil

from nianbao.batch.run import plan_batch
from nianbao.cli import main

from conftest import ROOT

YEAR = 2022
COUNTY = "jiaozuo-xiuwu"
PARTS = [f"{COUNTY}-bgs", f"{COUNTY}-jyj"]


def test_a_changed_part_makes_its_summary_stale_until_rollup(tmp_path, monkeypatch, capsys):
    root = tmp_path / "p"
    for part in ("notebooks", "templates", "expectations"):
        shutil.copytree(ROOT / part, root / part)
    assert main(["synth", "--region", "--year", str(YEAR), "--out", str(root), "--counties", "1", "--departments", "1",
                 "--towns", "0"]) == 0
    monkeypatch.setenv("NIANBAO_HOME", str(root))
    plan = plan_batch(root, YEAR)
    order = [e.agency for e in plan.entries]
    assert all(order.index(p) < order.index(COUNTY) < order.index("jiaozuo") for p in PARTS)
    assert main(["batch", "--year", str(YEAR), "--agencies", ",".join([*PARTS, COUNTY]), "--no-pdf", "--jobs", "2"]) == 0
    capsys.readouterr()
    manifest = json.loads((root / "outputs" / str(YEAR) / COUNTY / "manifest.json").read_text(encoding="utf-8"))
    county_inputs = [(i["role"], i["path"]) for i in manifest["inputs"]]
    assert ("register", f"agencies/{YEAR}.yaml") in county_inputs
    assert {p for r, p in county_inputs if r == "part"} == {f"data/{YEAR}/{p}.yaml" for p in PARTS}

    part = root / "data" / str(YEAR) / f"{PARTS[1]}.yaml"
    text = part.read_text(encoding="utf-8")
    allowed = int(re.search(r"行政许可: \[(\d+)\]", text).group(1))
    part.write_text(text.replace(f"行政许可: [{allowed}]", f"行政许可: [{allowed + 3}]"), encoding="utf-8")

    assert main(["audit", str(root / "outputs" / str(YEAR)), "--json"]) == 1
    audits = {a["agency"]: a for a in json.loads(capsys.readouterr().out)["agencies"]}
    assert audits[COUNTY]["stale"] == [f"data/{YEAR}/{PARTS[1]}.yaml"] and audits[PARTS[0]]["stale"] == []

    plan = plan_batch(root, YEAR, agencies=[*PARTS, COUNTY], pdf=False)
    todo = {e.agency for e in plan.entries if e.job is not None}
    assert todo == {PARTS[1], COUNTY}
    assert any(COUNTY in note and PARTS[1] in note and "rollup" in note for note in plan.notes)

    assert main(["batch", "--year", str(YEAR), "--agencies", ",".join([*PARTS, COUNTY]), "--no-pdf", "--jobs", "2"]) == 1
    out = capsys.readouterr().out
    assert f"汇总 {COUNTY} 的组成报告在上次 rollup 之后有变：{PARTS[1]}" in out
    validation = json.loads((root / "outputs" / str(YEAR) / COUNTY / "validation.json").read_text(encoding="utf-8"))
    (r36,) = [f for f in validation["findings"] if f["rule"] == "R36"]
    assert r36["cells"] == [{"table": "二", "row": "行政许可", "column": "本年处理决定数量"}]
    assert r36["actual"] + 3 == r36["expected"] and PARTS[1] in r36["message"]

    assert main(["rollup", "--year", str(YEAR), "--agency", COUNTY]) == 0
    assert f"表二行政许可·本年处理决定数量: {r36['actual']} → {r36['expected']}" in capsys.readouterr().out
    assert not plan_batch(root, YEAR, agencies=[*PARTS, COUNTY], pdf=False).notes
