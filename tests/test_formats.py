import pytest

from nianbao.model import formats


def test_year_selects_version():
    assert formats.version_for_year(2019) == "2019"
    assert formats.version_for_year(2020) == "2019"
    assert formats.version_for_year(2021) == "2021"
    assert formats.version_for_year(2025) == "2021"
    with pytest.raises(ValueError):
        formats.version_for_year(2018)


def test_table3_row_counts_match_the_templates():
    # 60号 template: 23 data rows, 三、本年度办理结果 spans 20; 30号: 25 rows, spans 22.
    assert len(formats.FORMAT_2019.table3_rows) == 23
    assert len(formats.FORMAT_2021.table3_rows) == 25
    assert len([r for r in formats.FORMAT_2019.table3_rows if r.top]) == 20
    assert len([r for r in formats.FORMAT_2021.table3_rows if r.top]) == 22


def test_table3_columns_nest_legal_persons():
    labels = [c.label for c in formats.TABLE3_COLUMNS]
    assert labels == ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    assert formats.LEGAL_KEYS == ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")


def test_table2_differences_between_versions():
    rows_2019 = formats.FORMAT_2019.table2_rows
    rows_2021 = formats.FORMAT_2021.table2_rows
    assert "规范性文件" in rows_2019 and "行政规范性文件" in rows_2021
    assert "其他对外管理服务事项" in rows_2019 and "其他对外管理服务事项" not in rows_2021
    assert "政府集中采购" in rows_2019 and "政府集中采购" not in rows_2021
    assert [c.label for c in rows_2021["行政事业性收费"].columns] == ["本年收费金额（单位：万元）"]
    assert [c.kind for c in rows_2019["行政许可"].columns] == [formats.COUNT, formats.DELTA, formats.COUNT]


def test_table4_has_three_groups_of_five():
    fmt = formats.FORMAT_2021
    assert [g.label for g in fmt.table4_groups] == ["行政复议", "未经复议直接起诉", "复议后起诉"]
    assert [c.label for c in fmt.table4_columns] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


def test_sections_are_the_six_template_headings():
    assert [s.heading for s in formats.SECTIONS] == [
        "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
