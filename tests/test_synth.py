"""Synthetic agencies: loadable source files whose tables keep every arithmetic rule of their
format (and the cross-year carry-overs), a narrative that states the tables' numbers, one planted
violation where asked, and no overwriting of files synth did not write."""
from __future__ import annotations

import re

import pytest

from nianbao import synth
from nianbao.cli import main
from nianbao.errors import UsageError
from nianbao.model.sources import load_report


def arithmetic_breaks(report) -> set[str]:
    """The table rules a report breaks, checked here independently of the rules module."""
    t3, fmt, broken = report.table3, report.format, set()
    if any(sum(v[:6]) != v[6] for v in t3.values()):
        broken.add("R9")
    for c in range(7):
        if t3["本年新收"][c] + t3["上年结转"][c] != t3["办理结果总计"][c] + t3["结转下年"][c]:
            broken.add("R10")
        if t3["办理结果总计"][c] != sum(t3[k][c] for k in fmt.result_keys):
            broken.add("R11")
    if any(sum(v[:4]) != v[4] for v in report.table4.values()):
        broken.add("R16")
    stated = re.search(r"本年新收政府信息公开申请(\d+)件", report.sections["一"])
    if (int(stated.group(1)) if stated else 0) != t3["本年新收"][6]:
        broken.add("R21")
    return broken


@pytest.mark.parametrize("year", [2020, 2021, 2023])
def test_synthetic_reports_load_and_keep_the_rules_across_years(tmp_path, year):
    agencies = synth.synthesize(40, year, seed=year, previous=True)
    synth.write_agencies(agencies, tmp_path, year)
    assert len({a.id for a in agencies}) == 40
    for agency in agencies:
        now = load_report(tmp_path / "data" / str(year) / f"{agency.id}.yaml")
        before = load_report(tmp_path / "data" / str(year - 1) / f"{agency.id}.yaml")
        assert now.agency == agency.name and now.format.version == ("2021" if year >= 2021 else "2019")
        assert arithmetic_breaks(now) == set() and arithmetic_breaks(before) == set()
        assert now.table3["上年结转"] == before.table3["结转下年"]  # R14
        if before.format is now.format and now.format.version == "2021":  # R2
            for row in ("规章", "行政规范性文件"):
                made, gone, valid = now.table2[row]
                assert valid == before.table2[row][2] + made - gone
        params = (tmp_path / "params" / str(year) / f"{agency.id}.yaml").read_text(encoding="utf-8")
        assert f"agency: {agency.id}\nyear: {year}\n" in params


def test_each_planted_violation_breaks_its_rule_only(tmp_path):
    agencies = synth.synthesize(60, 2022, violations=0.5, seed=11)
    planted = [a for a in agencies if a.planted]
    assert len(planted) == 30 and {a.planted for a in planted} == set(synth.VIOLATIONS)
    synth.write_agencies(agencies, tmp_path, 2022)
    for agency in agencies:
        report = load_report(tmp_path / "data" / "2022" / f"{agency.id}.yaml")
        expected = {"R9": {"R9", "R11"}, "R10": {"R10"}, "R11": {"R11"}, "R16": {"R16"}, "R21": {"R21"}}
        assert arithmetic_breaks(report) == expected.get(agency.planted, set()), agency.planted


def test_same_seed_same_agencies():
    first, second = synth.synthesize(5, 2022, seed=7), synth.synthesize(5, 2022, seed=7)
    assert [(a.id, a.reports[2022].table3) for a in first] == [(a.id, a.reports[2022].table3) for a in second]
    assert [a.id for a in synth.synthesize(5, 2022, seed=8)] != [a.id for a in first]


def test_synth_never_overwrites_real_data(tmp_path):
    agencies = synth.synthesize(3, 2022, seed=1)
    real = tmp_path / "data" / "2022" / f"{agencies[1].id}.yaml"
    real.parent.mkdir(parents=True)
    real.write_text("agency: 真实机构\n", encoding="utf-8")
    with pytest.raises(UsageError, match="refusing to overwrite"):
        synth.write_agencies(agencies, tmp_path, 2022)
    assert real.read_text(encoding="utf-8") == "agency: 真实机构\n"
    assert not (tmp_path / "params").exists()


def test_cli_writes_n_agencies_and_names_the_planted_ones(tmp_path, capsys):
    assert main(["synth", "--agencies", "12", "--year", "2022", "--out", str(tmp_path), "--violations", "0.25",
                 "--seed", "3", "--with-previous"]) == 0
    out = capsys.readouterr().out
    assert len(list((tmp_path / "params" / "2022").glob("*.yaml"))) == 12
    assert len(list((tmp_path / "data" / "2021").glob("*.yaml"))) == 12
    assert out.count("planted") == 3
    assert main(["synth", "--agencies", "0", "--year", "2022", "--out", str(tmp_path)]) == 2
