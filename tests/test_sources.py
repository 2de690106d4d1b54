"""Loading source YAML: the sample loads; each kind of bad input gives one clear message."""
from __future__ import annotations

import re

import pytest

from nianbao.model import sources
from nianbao.errors import NianbaoError, SourceError
from nianbao.model.formats import FORMAT_2019, FORMAT_2021

from conftest import FIXTURES, ROOT

SAMPLE = ROOT / "data" / "2021" / "jiaozuo-jyj.yaml"


def test_sample_loads_with_every_cell():
    report = sources.load_report(SAMPLE)
    assert report.agency == "焦作市教育局" and report.year == 2021 and report.format is FORMAT_2021
    assert report.title == "焦作市教育局2021年政府信息公开工作年度报告"
    assert report.table2["行政规范性文件"] == [23, 0, 23]
    assert report.table2["行政许可"] == [1]
    assert float(report.table2["行政事业性收费"][0]) == 299
    assert len(report.table3) == 25 and all(v == [0] * 7 for v in report.table3.values())
    assert sources.paragraphs(report.sections["一"])[2] == "(二) 依申请公开规范有序。全年未收到政府信息公开申请。"


def test_2019_fixture_keeps_negative_delta_and_money_unit():
    report = sources.load_report(FIXTURES / "data" / "2020" / "demo-qu.yaml")
    assert report.format is FORMAT_2019
    assert report.table2["行政许可"] == [100, -3, 250]
    assert str(report.table2["政府集中采购"][1]) == "125.5万元"


def test_dump_then_load_round_trips():
    report = sources.load_report(SAMPLE)
    again = sources.parse_report(sources.parse_yaml(sources.dump_report(report), "x"), "x")
    assert sources.report_equal(report, again)


def edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


BAD = [  # (name, edit of the sample's text, field named, words of the expectation)
    ("missing row", lambda t: re.sub(r"\n  不予公开\.3: .*", "", t), "table3.不予公开.3", "缺少"),
    ("misspelt key", lambda t: edit(t, "  行政许可:", "  行政许和:"), "table2.行政许和", "行政许可"),
    ("text where a number belongs", lambda t: edit(t, "行政规范性文件: [23, 0, 23]", "行政规范性文件: [二十三, 0, 23]"),
     "table2.行政规范性文件[本年制发件数]", "非负整数"),
    ("negative count", lambda t: edit(t, "  上年结转: [0,", "  上年结转: [-2,"), "table3.上年结转[自然人]", "非负整数"),
    ("wrong number of cells", lambda t: edit(t, "  复议后起诉: [0, 0, 0, 0, 0]", "  复议后起诉: [0, 0, 0, 0]"),
     "table4.复议后起诉", "5 个单元格"),
    ("unit in a count", lambda t: edit(t, "行政许可: [1]", "行政许可: [1件]"), "table2.行政许可[本年处理决定数量]", "非负整数"),
    ("wrong format for the year", lambda t: edit(t, "format: '2021'", "format: '2019'"), "format", "2021"),
    ("missing section", lambda t: re.sub(r"\n  六: .*", "", t), "sections.六", "缺少"),
    ("narrative not text", lambda t: edit(t, "  六: 2021年全年无其他需要报告的事项。", "  六: [1, 2]"), "sections.六", "文字"),
]


@pytest.mark.parametrize("name,change,field,expected", BAD, ids=[b[0] for b in BAD])
def test_bad_source_names_file_field_and_expectation(tmp_path, name, change, field, expected):
    path = tmp_path / "2021" / "x.yaml"
    path.parent.mkdir()
    path.write_text(change(SAMPLE.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(SourceError) as info:
        sources.load_report(path)
    message = str(info.value)
    assert str(path) in message
    assert len(info.value.problems) == 1, message
    assert info.value.problems[0].field == field, message
    assert expected in message and "expected" in message


def test_year_must_match_folder(tmp_path):
    path = tmp_path / "2022" / "x.yaml"
    path.parent.mkdir()
    path.write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(SourceError, match="2022"):
        sources.load_report(path)


def test_duplicate_key_and_broken_yaml_name_the_line(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text(SAMPLE.read_text(encoding="utf-8") + "year: 2021\n", encoding="utf-8")
    with pytest.raises(NianbaoError, match=r"line \d+.*duplicate key 'year'"):
        sources.load_report(path)
    path.write_text("agency: [unclosed\n", encoding="utf-8")
    with pytest.raises(NianbaoError, match="not valid YAML"):
        sources.load_report(path)


def test_blank_cell_loads_as_missing_not_zero(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text(edit(SAMPLE.read_text(encoding="utf-8"), "  上年结转: [0,", "  上年结转: [~,"), encoding="utf-8")
    assert sources.load_report(path).table3["上年结转"][0] is None


def test_gbk_file_is_read(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_bytes(SAMPLE.read_text(encoding="utf-8").encode("gb18030"))
    assert sources.load_report(path).agency == "焦作市教育局"
