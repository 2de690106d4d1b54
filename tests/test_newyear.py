"""nianbao new: next year's source drafted from this year's — carried numbers, blanks, draft marks, no overwrite."""
from __future__ import annotations

import json
import shutil

import pytest

from nianbao.analyst import newyear
from nianbao.model import sources
from nianbao.cli import main
from nianbao.errors import UsageError
from nianbao.model.formats import FORMAT_2019, FORMAT_2021

from conftest import FIXTURES, SAMPLE_AGENCY, SAMPLE_YEAR


def test_new_from_the_sample_carries_over_and_is_a_marked_draft(project, capsys):
    assert main(["new", "--agency", SAMPLE_AGENCY, "--year", str(SAMPLE_YEAR + 1)]) == 0
    data = project / "data" / "2022" / f"{SAMPLE_AGENCY}.yaml"
    params = project / "params" / "2022" / f"{SAMPLE_AGENCY}.yaml"
    assert str(data) in capsys.readouterr().out
    sample = sources.load_report(project / "data" / "2021" / f"{SAMPLE_AGENCY}.yaml")
    draft = sources.load_report(data)  # passes schema validation
    assert draft.year == 2022 and draft.format is FORMAT_2021 and draft.agency == sample.agency == "焦作市教育局"
    assert draft.table3["上年结转"] == sample.table3["结转下年"]
    # 现行有效件数 is the starting point (same format); this year's flows are left to fill in.
    assert draft.table2["行政规范性文件"] == [None, None, 23] and draft.table2["规章"] == [None, None, 0]
    assert draft.table2["行政许可"] == [None] and draft.table3["本年新收"] == [None] * 7
    assert all(v == [None] * 5 for v in draft.table4.values())
    # The narrative is kept, behind a visible marker in every section; the draft flag is set.
    assert draft.options == {"draft": True, "fee_decimals": 4}
    for number in ("一", "五", "六"):
        first, *rest = sources.paragraphs(draft.sections[number])
        assert first.startswith(newyear.DRAFT_MARK) and "2022" in first
        assert rest == sources.paragraphs(sample.sections[number])
    assert newyear.is_draft(draft) and newyear.draft_sections(draft) == ["一", "五", "六"]
    assert not newyear.is_draft(sample)
    assert params.read_text(encoding="utf-8").endswith("agency: jiaozuo-jyj\nyear: 2022\n")


def test_check_reports_a_fresh_draft_as_a_draft_not_clean(project, capsys):
    assert main(["new", "--agency", SAMPLE_AGENCY, "--year", str(SAMPLE_YEAR + 1)]) == 0
    data = project / "data" / "2022" / f"{SAMPLE_AGENCY}.yaml"
    capsys.readouterr()
    assert main(["check", str(data), "--json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert result["draft"] is True
    drafts = [f for f in result["findings"] if f["rule"] == "DRAFT"]
    assert result["findings"][:4] == drafts  # listed first: it explains the blanks below
    assert [(f["severity"], f["row"], f["column"]) for f in drafts] == [
        ("error", "一、总体情况", "草稿标记"), ("error", "五、存在的主要问题及改进情况", "草稿标记"),
        ("error", "六、其他需要报告的事项", "草稿标记"), ("error", "源数据", "options.draft")]
    assert drafts[0]["message"] == ("正文一、总体情况·草稿标记：草稿未定稿，应按本年情况改写，并删除草稿标记行，"
                                    "实为仍有草稿标记行“【草稿·待改写】”")
    # Every cell still to fill is a blank finding worded for a draft; the carried 上年结转 row is not.
    blanks = [f for f in result["findings"] if f["actual"] is None and f["expected"] == "数字"]
    assert len(blanks) == 4 + 3 + 1 + 24 * 7 + 15
    assert all(f["message"].endswith("：草稿尚未填写：应填本年数字（确为零写 0，空白不等于 0）") for f in blanks)
    assert not any(c["row"] == "上年结转" for f in blanks for c in f["cells"])
    # The text for people: one line per table for the blanks, then each draft part.
    assert main(["check", str(data)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "焦作市教育局 2022 年（2021 格式）：195 个错误，1 个警告（草稿 / draft）"
    assert "R12  错误  表三：168 格草稿尚未填写（如 一、本年新收政府信息公开申请数量·自然人；确为零写 0，空白不等于 0）" in out
    assert sum(line.startswith("DRAFT") for line in out) == 4 and len(out) < 20


def test_carry_over_is_per_column_and_stops_at_the_2021_format_change(project):
    shutil.copytree(FIXTURES / "data" / "2020", project / "data" / "2020")
    made = newyear.new_year("demo-qu", 2021, root=project)
    last = sources.load_report(project / "data" / "2020" / "demo-qu.yaml")
    assert last.table3["结转下年"] == [2, 0, 0, 0, 0, 0, 2]
    assert made.report.table3["上年结转"] == [2, 0, 0, 0, 0, 0, 2]
    assert made.report.format is FORMAT_2021 and made.previous == project / "data" / "2020" / "demo-qu.yaml"
    # 2020 对外公开总数量 is not 2021 现行有效件数 (different tables): nothing carried into table 二.
    assert all(cell is None for row in made.report.table2.values() for cell in row)
    assert made.report.preamble.startswith(newyear.DRAFT_MARK) and "preamble" in newyear.draft_sections(made.report)


def test_2019_format_carries_its_stock_figures(project):
    """2019→2020, both 试行: 对外公开总数量 (R6) and 上一年项目数量 = 上一年 + 本年增/减 (R7)."""
    text = (FIXTURES / "data" / "2020" / "demo-qu.yaml").read_text(encoding="utf-8").replace("year: 2020", "year: 2019")
    (project / "data" / "2019").mkdir()
    (project / "data" / "2019" / "demo-qu.yaml").write_text(text, encoding="utf-8")
    report = newyear.new_year("demo-qu", 2020, root=project).report
    assert report.format is FORMAT_2019
    assert report.table2["规范性文件"] == [None, None, 40]
    assert report.table2["行政许可"] == [97, None, None]  # 100 + (−3)
    assert report.table2["行政事业性收费"] == [7, None]  # 8 + (−1)
    assert report.table2["政府集中采购"] == [None, None]


def test_without_a_previous_year_a_named_blank_template(project):
    made = newyear.new_year("new-agency", 2023, name="某某县统计局", root=project)
    report = sources.load_report(made.data)
    assert made.previous is None and report.agency == "某某县统计局" and report.format is FORMAT_2021
    assert all(cell is None for table in (report.table2, report.table3, report.table4)
               for row in table.values() for cell in row)
    assert newyear.draft_sections(report) == ["一", "五", "六"]
    assert "收取信息处理费情况在此处报告" in report.sections["六"]  # the 2021 template's own note
    with pytest.raises(UsageError, match="--name"):
        newyear.new_year("other-agency", 2023, root=project)
    assert not (project / "data" / "2023" / "other-agency.yaml").exists()


def test_refuses_to_overwrite_either_file(project, capsys):
    params = project / "params" / "2022" / f"{SAMPLE_AGENCY}.yaml"
    params.parent.mkdir(parents=True)
    params.write_text("# hand-made\n", encoding="utf-8")
    assert main(["new", "--agency", SAMPLE_AGENCY, "--year", "2022"]) == 2
    err = capsys.readouterr().err
    assert "已存在" in err and "already exists" in err and str(params) in err and "Traceback" not in err
    assert params.read_text(encoding="utf-8") == "# hand-made\n"
    assert not (project / "data" / "2022").exists()  # nothing written before refusing


@pytest.mark.parametrize("agency", ["../x", "Upper", "a b"])
def test_rejects_unsafe_agency_ids(project, agency, capsys):
    assert main(["new", "--agency", agency, "--year", "2022", "--name", "x"]) == 2
    assert "机构标识" in capsys.readouterr().err
