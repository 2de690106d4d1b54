"""nianbao check FILE [--previous FILE] [--json]: the table for people, the JSON for machines, exit codes."""
from __future__ import annotations

import json

from nianbao.report import layout
from nianbao.cli import main
from nianbao.importer import read_any

from conftest import SAMPLES
from rules_helpers import SAMPLE, plain, report_of, source, write_source


def test_sample_prints_its_warnings_and_exits_0(capsys):
    assert main(["check", str(SAMPLE)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "焦作市教育局 2021 年（2021 格式）：0 个错误，2 个警告"
    assert out[1].startswith("R5   警告  表二行政事业性收费·本年收费金额") and out[-1].startswith("注：跨年规则")
    assert out[2].startswith("R26  警告  正文六、其他需要报告的事项·信息处理费")


def test_json_has_the_design_shape_and_an_error_exits_1(tmp_path, capsys):
    data = plain(source(2021))
    data["table3"]["予以公开"] = [6, 1, 0, 0, 0, 0, 7]
    path = write_source(tmp_path, data)
    assert main(["check", str(path), "--json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert {"agency", "year", "format", "findings", "gaps", "import_notes", "draft"} <= set(result)
    assert (result["agency"], result["year"], result["format"], result["gaps"]) == ("示例区人民政府办公室", 2021, "2021", [])
    assert (result["import_notes"], result["draft"]) == ([], False)
    assert result["findings"][0] == {
        "rule": "R11", "severity": "error", "table": "表三", "row": "（七）总计", "column": "自然人", "expected": 11,
        "actual": 10, "message": "表三（七）总计·自然人：应为 （一）至（六）之和 11，实为 10",
        "cells": [{"table": "三", "row": "办理结果总计", "column": "自然人"}]}


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


# ------------------------------------------------------------------ published reports, read in memory
def check_json(capsys, *args) -> tuple[int, dict]:
    status = main(["check", *map(str, args), "--json"])
    return status, json.loads(capsys.readouterr().out)


def test_a_published_pdf_is_checked_end_to_end(capsys):
    status, result = check_json(capsys, SAMPLES / "huaian-szf-2024.pdf")
    # Every error-level rule passes; its 一 is longer than 一千字 and names no 考核 (R33, two warnings).
    assert status == 0 and [(f["rule"], f["severity"]) for f in result["findings"]] == [("R33", "warning")] * 2
    assert result["gaps"] == []
    assert (result["agency"], result["year"], result["format"], result["draft"]) == ("淮安市人民政府", 2024, "2021", False)
    assert set(result) == {"agency", "year", "format", "draft", "findings", "gaps", "import_notes", "source", "previous",
                           "notes"}
    assert any("序号写法不同" in note for note in result["import_notes"])  # 「1、」 for 「1.」, recorded


def test_blank_cells_of_a_published_page_are_r12_findings_each_at_its_cell(capsys):
    status, result = check_json(capsys, SAMPLES / "shanghai-szfbgt-2019.txt")
    report = read_any(SAMPLES / "shanghai-szfbgt-2019.txt")
    blanks = {("三", row, column.key) for row, cells in report.table3.items()
              for column, value in zip(report.format.table3_columns, cells) if value is None}
    r12 = [f for f in result["findings"] if f["rule"] == "R12"]
    assert status == 1 and len(r12) == len(blanks) == 126
    assert {tuple(c.values()) for f in r12 for c in f["cells"]} == blanks
    assert all(f["message"].endswith("应填写数字（空白不等于 0），实为空白") for f in r12)


def test_a_run_together_row_gives_gaps_and_is_not_passed(tmp_path, capsys):
    text = (SAMPLES / "huaian-szf-2024.txt").read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("一、本年新收"))
    page = tmp_path / "huaian.txt"
    page.write_text(text.replace(line, "一、本年新收政府信息公开申请数量230 000023", 1), encoding="utf-8")
    status, result = check_json(capsys, page)
    (gap,) = result["gaps"]
    assert status == 1 and (gap["table"], gap["row"], gap["text"]) == ("表三", "一、本年新收政府信息公开申请数量", "230 000023")
    row = [{"table": "三", "row": "本年新收", "column": c} for c in ("自然人", "商业企业", "科研机构", "社会公益组织",
                                                                   "法律服务机构", "其他", "总计")]
    assert gap["cells"] == row
    # Its cells are not guessed and not zero: each is an R12 finding that says why it is empty.
    assert [f["cells"] for f in result["findings"] if f["severity"] == "error"] == [[cell] for cell in row]
    assert result["findings"][0]["message"] == \
        "表三一、本年新收政府信息公开申请数量·自然人：导入时未能读取，留空待核（原文“230 000023”，见 gaps）"


def test_two_published_years_are_cross_checked(tmp_path, capsys):
    """Two years of a report as published pages (nianbao's own layout): --previous reads a page too."""
    this_year = source(2022)
    this_year["table3"]["上年结转"] = [2, 0, 0, 0, 0, 0, 2]  # last year carried 1 forward
    this_year["table3"]["本年新收"] = [7, 1, 0, 0, 0, 0, 8]  # 一 + 二 = （七） + 四 still holds
    pages = {}
    for data in (source(2021), this_year):
        report = report_of(data)
        pages[report.year] = tmp_path / f"demo-qu-{report.year}.html"
        pages[report.year].write_text(f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"></head><body>'
                                      f"{layout.report_html(report)}</body></html>", encoding="utf-8")
    status, result = check_json(capsys, pages[2022])
    assert status == 0 and "没有 2021 年的源数据" in result["notes"][0]  # nothing beside it: R14 not run
    status, result = check_json(capsys, pages[2022], "--previous", pages[2021])
    assert status == 1 and result["previous"] == str(pages[2021]) and result["notes"] == []
    assert [(f["rule"], f["column"], f["expected"], f["actual"]) for f in result["findings"]] == [
        ("R14", "自然人", 1, 2), ("R14", "总计", 1, 2)]
    assert result["findings"][0]["cells"] == [{"table": "三", "row": "上年结转", "column": "自然人"}]
