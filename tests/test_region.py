"""The region through the command line: the register refused when it does not hold together, the
汇总 report rolled up from its parts (checked here against sums computed from the YAML files
directly, not through nianbao's summing), 缺报 and blank cells never turned into numbers, R36 naming
a planted wrong cell and its parts, status with 缺报 and 逾期."""
from __future__ import annotations

import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from nianbao.cli import main

from conftest import ROOT

YEAR = 2022
CITY, COUNTY = "jiaozuo", "jiaozuo-xiuwu"


# ------------------------------------------------------------------ an independent reading of the files
def raw(root: Path, report_id: str) -> dict:
    return yaml.safe_load((root / "data" / str(YEAR) / f"{report_id}.yaml").read_text(encoding="utf-8"))


def register(root: Path) -> dict:
    return yaml.safe_load((root / "agencies" / f"{YEAR}.yaml").read_text(encoding="utf-8"))


def leaves(root: Path) -> list[str]:
    """Every report of the region that is not a 汇总: the 本政府机关 reports and every department's and 乡镇's."""
    bodies = register(root)["bodies"]
    governments = [b["id"] for b in bodies if b["kind"].endswith("级人民政府")]
    return [f"{g}-bgs" for g in governments] + [b["id"] for b in bodies if not b["kind"].endswith("级人民政府")]


def number(cell):
    """A cell as written in the YAML: an int, an amount (digits, maybe quoted, maybe with a unit), or None."""
    if cell is None or isinstance(cell, int):
        return cell
    return Decimal(re.sub(r"[^\d.]", "", str(cell)))


def cell_sum(sources: list[dict]) -> dict:
    """(table, row, index) → the sum over sources, None where any source is blank."""
    out = {}
    for table in ("table2", "table3", "table4"):
        for row in sources[0][table]:
            for i in range(len(sources[0][table][row])):
                values = [number(s[table][row][i]) for s in sources]
                out[table, row, i] = None if None in values else sum(values)
    return out


def cells_of(source: dict) -> dict:
    return {(t, row, i): number(v) for t in ("table2", "table3", "table4") for row, cells in source[t].items()
            for i, v in enumerate(cells)}


def project(root: Path) -> Path:
    """A project without the sample's data (its 焦作市教育局 would be last year's jiaozuo-jyj)."""
    for part in ("notebooks", "templates", "expectations"):
        shutil.copytree(ROOT / part, root / part)
    return root


@pytest.fixture
def region(tmp_path, monkeypatch) -> Path:
    root = project(tmp_path / "region")
    assert main(["synth", "--region", "--year", str(YEAR), "--out", str(root), "--counties", "3",
                 "--departments", "3", "--towns", "2"]) == 0
    monkeypatch.setenv("NIANBAO_HOME", str(root))
    return root


def drop_summaries(root: Path) -> None:
    for body in register(root)["bodies"]:
        if body["kind"].endswith("级人民政府"):
            (root / "data" / str(YEAR) / f"{body['id']}.yaml").unlink()


# ------------------------------------------------------------------ rollup
def test_three_level_rollup_equals_the_sum_of_every_part_and_is_a_draft(region, capsys):
    drop_summaries(region)
    assert main(["rollup", "--year", str(YEAR), "--agency", CITY, "--recursive"]) == 0
    out = capsys.readouterr().out
    city = raw(region, CITY)
    expected = cell_sum([raw(region, r) for r in leaves(region)])  # the city sums every report below it
    assert cells_of(city) == expected
    assert None not in expected.values()
    assert city["options"]["draft"] is True and "【草稿·待改写】" in city["sections"]["一"]
    assert f"本年新收政府信息公开申请{expected['table3', '本年新收', 6]}件" in city["sections"]["一"]
    county_ids = [b["id"] for b in register(region)["bodies"] if b["kind"] == "县级人民政府"]
    assert set(city["rollup"]["parts"]) == {f"{CITY}-bgs", *county_ids} | {
        b["id"] for b in register(region)["bodies"] if b.get("reports_to") == CITY and b["kind"] == "政府部门"}
    assert out.index(f"（{county_ids[0]}）") < out.index(f"（{CITY}）")  # bottom up
    digest = __import__("hashlib").sha256((region / "data" / str(YEAR) / f"{CITY}-bgs.yaml").read_bytes()).hexdigest()
    assert f"{CITY}-bgs  sha256 {digest}" in out and city["rollup"]["parts"][f"{CITY}-bgs"] == digest
    assert (region / "params" / str(YEAR) / f"{CITY}.yaml").is_file()  # batch will render it
    assert main(["check", str(region / "data" / str(YEAR) / f"{CITY}.yaml"), "--json"]) == 1  # a draft
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert {f["rule"] for f in findings if f["severity"] == "error"} == {"DRAFT"}  # R36 agrees with the sum


def test_an_existing_summary_keeps_its_narrative_and_says_which_cells_changed(region, capsys):
    county = raw(region, COUNTY)
    part = region / "data" / str(YEAR) / f"{COUNTY}-jyj.yaml"
    text = part.read_text(encoding="utf-8")
    allowed = int(re.search(r"行政许可: \[(\d+)\]", text).group(1))
    part.write_text(text.replace(f"行政许可: [{allowed}]", f"行政许可: [{allowed + 7}]"), encoding="utf-8")
    assert main(["rollup", "--year", str(YEAR), "--agency", COUNTY]) == 0
    out = capsys.readouterr().out
    after = raw(region, COUNTY)
    before_cell = county["table2"]["行政许可"][0]
    assert f"表二行政许可·本年处理决定数量: {before_cell} → {before_cell + 7}" in out
    assert after["sections"] == county["sections"] and "draft" not in (after.get("options") or {})
    assert after["table2"]["行政许可"] == [before_cell + 7]


def test_a_missing_part_is_named_and_its_numbers_are_not_invented(region, capsys):
    town = f"{COUNTY}-cgz"
    (region / "data" / str(YEAR) / f"{town}.yaml").unlink()
    assert main(["rollup", "--year", str(YEAR), "--agency", COUNTY]) == 0
    out = capsys.readouterr().out
    assert re.search(rf"缺报 missing 1.*{town}", out)
    county = raw(region, COUNTY)
    parts = [p for p in county["rollup"]["parts"]]
    assert town not in parts and county["rollup"]["missing"] == [town]
    assert cells_of(county) == cell_sum([raw(region, p) for p in parts])
    assert main(["status", "--year", str(YEAR), "--json"]) == 0
    rows = {r["id"]: r for r in json.loads(capsys.readouterr().out)["reports"]}
    assert rows[town]["state"] == "缺报" and rows[town]["source"] is False


def test_a_blank_cell_in_a_part_gives_a_blank_named_cell_never_a_number(region, capsys):
    part = region / "data" / str(YEAR) / f"{COUNTY}-czj.yaml"
    text = part.read_text(encoding="utf-8")
    part.write_text(re.sub(r"行政处罚: \[\d+\]", "行政处罚: [~]", text), encoding="utf-8")
    assert main(["rollup", "--year", str(YEAR), "--agency", COUNTY]) == 0
    out = capsys.readouterr().out
    county = raw(region, COUNTY)
    assert county["table2"]["行政处罚"] == [None]
    assert f"空白 blank: 表二行政处罚·本年处理决定数量（空白：{COUNTY}-czj 未填" in out
    assert any(line.startswith("表二行政处罚·本年处理决定数量") and f"{COUNTY}-czj" in line
               for line in county["rollup"]["blank"])
    others = {k: v for k, v in cells_of(county).items() if k != ("table2", "行政处罚", 0)}
    summed = cell_sum([raw(region, p) for p in county["rollup"]["parts"]])
    assert others == {k: v for k, v in summed.items() if k != ("table2", "行政处罚", 0)}


def test_exclude_flawed_leaves_a_draft_out_and_says_why(region, capsys):
    part = region / "data" / str(YEAR) / f"{COUNTY}-mzj.yaml"
    part.write_text(part.read_text(encoding="utf-8").replace("options:\n", "options:\n  draft: true\n"), encoding="utf-8")
    assert main(["rollup", "--year", str(YEAR), "--agency", COUNTY]) == 0
    assert f"{COUNTY}-mzj  sha256" in capsys.readouterr().out  # by default: summed, and listed as a draft
    assert main(["rollup", "--year", str(YEAR), "--agency", COUNTY, "--exclude-flawed"]) == 0
    assert f"未计入 left out: {COUNTY}-mzj（草稿未定稿 / a draft）" in capsys.readouterr().out
    county = raw(region, COUNTY)
    assert county["rollup"]["left_out"] == {f"{COUNTY}-mzj": "草稿未定稿 / a draft"}
    assert cells_of(county) == cell_sum([raw(region, p) for p in county["rollup"]["parts"]])


# ------------------------------------------------------------------ R36 and status
def test_a_planted_wrong_summary_cell_is_an_r36_finding_naming_the_cell_and_its_parts(tmp_path, capsys):
    root = project(tmp_path / "r")
    assert main(["synth", "--region", "--year", str(YEAR), "--out", str(root), "--faults", "disagree,late"]) == 0
    planted = re.search(r"planted disagree: (\S+): (\S+)", capsys.readouterr().out)
    county = planted.group(1)
    source = root / "data" / str(YEAR) / f"{county}.yaml"
    assert main(["check", str(source), "--json"]) == 1
    findings = [f for f in json.loads(capsys.readouterr().out)["findings"] if f["rule"] == "R36"]
    parts = raw(root, county)["rollup"]["parts"]
    expected = sum(raw(root, p)["table2"]["行政许可"][0] for p in parts)
    assert len(findings) == 1
    (finding,) = findings
    assert finding["cells"] == [{"table": "二", "row": "行政许可", "column": "本年处理决定数量"}]
    assert (finding["expected"], finding["actual"]) == (expected, expected + 1)
    assert planted.group(2) == "表二行政许可·本年处理决定数量" and finding["message"].startswith(planted.group(2))
    assert all(p in finding["message"] for p in parts)
    assert main(["check", str(root / "data" / str(YEAR) / f"{CITY}.yaml")]) == 0  # the city sums the county as written


def test_status_lists_missing_and_late_reports_against_their_level_deadline(tmp_path, capsys, monkeypatch):
    root = project(tmp_path / "r")
    assert main(["synth", "--region", "--year", str(YEAR), "--out", str(root), "--faults", "missing,late"]) == 0
    out = capsys.readouterr().out
    missing = re.search(r"planted missing: (\S+)", out).group(1)
    late = re.search(r"planted late: (\S+): (\S+)", out)
    monkeypatch.setenv("NIANBAO_HOME", str(root))
    assert main(["status", "--year", str(YEAR), "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    rows = {r["id"]: r for r in status["reports"]}
    assert rows[missing]["state"] == "缺报" and rows[missing]["late"] is True  # past 1月31日, nothing there
    assert rows[late.group(1)]["published"] == late.group(2) and rows[late.group(1)]["late"] is True
    assert rows[late.group(1)]["deadline"] == f"{YEAR + 1}-01-31"
    assert rows[COUNTY]["deadline"] == f"{YEAR + 1}-02-20" and rows[CITY]["deadline"] == f"{YEAR + 1}-03-10"
    assert {r["id"] for r in status["reports"] if r["late"]} == {missing, late.group(1)}
    assert status["counts"]["缺报"] == 1
    assert main(["status", "--year", str(YEAR)]) == 0
    assert re.search(rf"{missing}\s+缺报.*逾期 late", capsys.readouterr().out)
    assert main(["check", str(root / "data" / str(YEAR) / f"{late.group(1)}.yaml"), "--json"]) == 0  # a warning
    (r38,) = [f for f in json.loads(capsys.readouterr().out)["findings"] if f["rule"] == "R38"]
    assert (r38["expected"], r38["actual"]) == (f"≤ {YEAR + 1}-01-31", late.group(2))


# ------------------------------------------------------------------ a register that does not hold together
BASE = [
    {"id": "city", "name": "某市人民政府", "kind": "地市级人民政府"},
    {"id": "city-jyj", "name": "某市教育局", "kind": "政府部门", "reports_to": "city"},
    {"id": "county", "name": "某县人民政府", "kind": "县级人民政府", "reports_to": "city"},
    {"id": "county-cgz", "name": "某县城关镇人民政府", "kind": "乡镇（街道）", "reports_to": "county"},
]


def _with(index: int, **changes) -> list[dict]:
    bodies = [dict(b) for b in BASE]
    bodies[index].update(changes)
    return bodies


BAD_REGISTERS = {
    "unknown parent": (_with(1, reports_to="nowhere"), "bodies[2]（city-jyj）.reports_to",
                       "登记表中已列出的人民政府的标识", "the id of a government listed in the register", "nowhere"),
    "cycle": (_with(0, reports_to="county"), "bodies[1]（city）.reports_to", "不构成循环的上级（city → county → city）",
              "a parent that does not lead back to the body", "county"),
    "listed twice": (BASE + [dict(BASE[1], name="又一个教育局")], "bodies[5]（city-jyj）.id",
                     "唯一的标识（city-jyj 已在 bodies[2]（city-jyj） 列出）", "a unique id", "city-jyj"),
    "not an agency id": (_with(1, id="City JYJ"), "bodies[2].id", "机构标识：小写字母、数字、- 和 _",
                         "an agency id: lower-case letters", "City JYJ"),
    "sums itself": (_with(2, sums=["county-bgs", "county"]), "bodies[3]（county）.sums[2]",
                    "county 以外的报告（汇总不能汇总自身）", "a report other than county (a 汇总 cannot sum itself)", "county"),
}


@pytest.mark.parametrize("case", list(BAD_REGISTERS))
@pytest.mark.parametrize("command", ["rollup", "status", "batch"])
def test_a_bad_register_is_refused_with_its_message_and_nothing_written(tmp_path, monkeypatch, capsys, case, command):
    bodies, entry, zh, en, found = BAD_REGISTERS[case]
    root = tmp_path / "p"
    (root / "agencies").mkdir(parents=True)
    path = root / "agencies" / f"{YEAR}.yaml"
    path.write_text(yaml.dump({"year": YEAR, "bodies": bodies}, allow_unicode=True), encoding="utf-8")
    for report_id in ("city-jyj", "county-cgz"):
        (root / "params" / str(YEAR)).mkdir(parents=True, exist_ok=True)
        (root / "params" / str(YEAR) / f"{report_id}.yaml").write_text(f"agency: {report_id}\nyear: {YEAR}\n")
    monkeypatch.setenv("NIANBAO_HOME", str(root))
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    args = {"rollup": ["rollup", "--year", str(YEAR), "--agency", "city", "--recursive"],
            "status": ["status", "--year", str(YEAR)], "batch": ["batch", "--year", str(YEAR)]}[command]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert f"{path}: 登记表有 1 处错误 / 1 problem(s) in the register" in err, err
    assert f"{entry}: 应为{zh}" in err and f"expected {en}" in err and found in err
    assert "Traceback" not in err
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


def test_a_renamed_body_is_written_down_and_its_old_id_may_not_stay(tmp_path):
    from nianbao.region.register import RegisterError, parse_register

    bodies = _with(1, formerly=["city-jyty"], change="2022年机构改革：教育局与体育局合并")
    register = parse_register({"year": YEAR, "bodies": bodies}, "agencies/2022.yaml", YEAR)
    assert register.bodies["city-jyj"].formerly == ("city-jyty",)
    with pytest.raises(RegisterError, match=r"bodies\[2\]（city-jyj）.change: 应为写明沿革"):
        parse_register({"year": YEAR, "bodies": _with(1, formerly=["city-jyty"])}, "agencies/2022.yaml", YEAR)
    with pytest.raises(RegisterError, match=r"formerly\[1\]: 应为本年已不存在的标识"):
        parse_register({"year": YEAR, "bodies": _with(1, formerly=["county-cgz"], change="x")}, "a.yaml", YEAR)


def test_rollup_of_a_body_without_a_summary_or_without_a_register_is_refused(region, tmp_path, monkeypatch, capsys):
    before = sorted(p.relative_to(region) for p in region.rglob("*"))
    assert main(["rollup", "--year", str(YEAR), "--agency", f"{COUNTY}-cgz"]) == 2
    err = capsys.readouterr().err
    assert f"{COUNTY}-cgz 是乡镇（街道），没有汇总报告" in err and "has no 汇总 report" in err and CITY in err
    monkeypatch.setenv("NIANBAO_HOME", str(project(tmp_path / "empty")))
    assert main(["rollup", "--year", str(YEAR), "--agency", CITY]) == 2
    assert f"没有 {YEAR} 年的登记表" in capsys.readouterr().err
    assert sorted(p.relative_to(region) for p in region.rglob("*")) == before


def test_money_is_summed_at_its_decimals_and_different_units_are_not_added(region, capsys):
    from nianbao.model.sources import Money, load_report
    from nianbao.region.sums import cells, sum_parts

    parts = [load_report(region / "data" / str(YEAR) / f"{COUNTY}-{d}.yaml") for d in ("jyj", "czj")]
    fee = next(c for c in cells(parts[0].format) if c.kind == "money")
    row = fee.key.row
    parts[0].table2[row], parts[1].table2[row] = [Money(Decimal("1.20"))], [Money(Decimal("0.035"))]
    named = [("a", parts[0]), ("b", parts[1])]
    assert sum_parts(parts[0].format, named).table2[row] == [Money(Decimal("1.235"))]
    assert sum_parts(parts[0].format, named, decimals=4).table2[row] == [Money(Decimal("1.2350"))]
    parts[1].table2[row] = [Money(Decimal("350"), "元")]
    totals = sum_parts(parts[0].format, named)
    assert totals.table2[row] == [None] and "单位不一" in totals.why_blank(fee) and "元：b" in totals.why_blank(fee)
