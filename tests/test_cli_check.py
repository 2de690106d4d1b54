"""nianbao check FILE [--previous FILE] [--json]: the table for people, the JSON for machines, exit codes."""
from __future__ import annotations

import json

from nianbao.cli import main

from rules_helpers import SAMPLE, plain, source, write_source


def test_sample_prints_its_warning_and_exits_0(capsys):
    assert main(["check", str(SAMPLE)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "焦作市教育局 2021 年（2021 格式）：0 个错误，1 个警告"
    assert out[1].startswith("R5   警告  表二行政事业性收费·本年收费金额") and out[-1].startswith("注：跨年规则")


def test_json_has_the_design_shape_and_an_error_exits_1(tmp_path, capsys):
    data = plain(source(2021))
    data["table3"]["予以公开"] = [6, 1, 0, 0, 0, 0, 7]
    path = write_source(tmp_path, data)
    assert main(["check", str(path), "--json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert {"agency", "year", "format", "findings", "gaps"} <= set(result)
    assert (result["agency"], result["year"], result["format"], result["gaps"]) == ("示例区人民政府办公室", 2021, "2021", [])
    assert result["findings"][0] == {
        "rule": "R11", "severity": "error", "table": "表三", "row": "（七）总计", "column": "自然人", "expected": 11,
        "actual": 10, "message": "表三（七）总计·自然人：应为 （一）至（六）之和 11，实为 10"}


def test_previous_year_found_beside_the_file_or_given(tmp_path, capsys):
    write_source(tmp_path, source(2021))
    data = source(2022)
    data["table3"]["上年结转"] = [2, 0, 0, 0, 0, 0, 2]
    data["table3"]["本年新收"] = [7, 1, 0, 0, 0, 0, 8]
    this_year = write_source(tmp_path, data)
    assert main(["check", str(this_year), "--json"]) == 1
    assert [f["rule"] for f in json.loads(capsys.readouterr().out)["findings"]] == ["R14", "R14"]
    other = source(2021)
    other["table3"]["结转下年"] = [2, 0, 0, 0, 0, 0, 1]  # agrees with this year's 上年结转 except in 总计
    elsewhere = write_source(tmp_path / "other", other)
    assert main(["check", str(this_year), "--previous", str(elsewhere), "--json"]) == 1
    assert [f["column"] for f in json.loads(capsys.readouterr().out)["findings"]] == ["总计"]


def test_unreadable_input_exits_2_with_a_message(tmp_path, capsys):
    bad = tmp_path / "data" / "2021" / "x.yaml"
    bad.parent.mkdir(parents=True)
    bad.write_text("agency: [", encoding="utf-8")
    assert main(["check", str(bad)]) == 2
    assert "不是有效的 YAML" in capsys.readouterr().err
    assert main(["check", str(tmp_path / "missing.yaml")]) == 2
    assert main(["check", str(SAMPLE), "--previous", str(SAMPLE)]) == 2  # not last year's report
    assert "上一年度报告应为 2020 年" in capsys.readouterr().err
