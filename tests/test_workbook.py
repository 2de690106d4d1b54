"""The Excel template: official layout, locked labels, number-only inputs; filled in and read back
through `nianbao import`, with every mistyped cell named by its address."""
from __future__ import annotations

import hashlib

import pytest
from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell

from nianbao.model import sources
from nianbao.analyst import workbook
from nianbao.cli import main
from nianbao.errors import NianbaoError, SourceError
from nianbao.importer import read_any

from conftest import FIXTURES, ROOT, SAMPLE_AGENCY

SAMPLE = ROOT / "data" / "2021" / f"{SAMPLE_AGENCY}.yaml"
DEMO_2020 = FIXTURES / "data" / "2020" / "demo-qu.yaml"


# ------------------------------------------------------------------ filling a sheet as a person would
def label_grid(ws) -> dict[tuple[int, int], str]:
    """Every position's text, a merged cell's text repeated over its whole range."""
    grid = {(c.row, c.column): str(c.value) for row in ws.iter_rows() for c in row if c.value is not None}
    for merged in ws.merged_cells.ranges:
        text = ws.cell(merged.min_row, merged.min_col).value
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                grid[(r, c)] = str(text)
    return grid


def input_cell(ws, row_labels, col_labels) -> str:
    """The one unlocked input cell whose row shows every row label and whose column shows every
    column label above it (found by reading the sheet, not through nianbao's own layout code)."""
    grid = label_grid(ws)
    row_texts: dict[int, set] = {}
    for (r, _), text in grid.items():
        row_texts.setdefault(r, set()).add(text)
    found = [c.coordinate for row in ws.iter_rows() for c in row
             if not isinstance(c, MergedCell) and not c.protection.locked
             and set(row_labels) <= row_texts.get(c.row, set())
             and set(col_labels) <= {grid.get((k, c.column)) for k in range(1, c.row)}]
    assert len(found) == 1, (ws.title, row_labels, col_labels, found)
    return found[0]


def fill(wb, report: sources.Report) -> None:
    fmt = report.format
    text = wb["文字"]
    text[input_cell(text, ["机构名称"], [])] = report.agency
    for s in fmt.sections:
        if s.narrative_required:
            text[input_cell(text, [s.heading], [])] = "\n".join(sources.paragraphs(report.sections[s.number]))
    t2 = wb["表二"]
    for block in fmt.table2:
        for row in block.rows:
            for col, value in zip(block.columns, report.table2[row]):
                value = (str(value) if value.unit else value.amount) if isinstance(value, sources.Money) else value
                t2[input_cell(t2, [row], [block.item, col.label])] = value
    t3 = wb["表三"]
    for row in fmt.table3_rows:
        for col, value in zip(fmt.table3_columns, report.table3[row.key]):
            t3[input_cell(t3, [row.label] + ([row.group] if row.group else []), [col.label])] = value
    t4 = wb["表四"]
    for g in fmt.table4_groups:
        for col, value in zip(fmt.table4_columns, report.table4[g.key]):
            t4[input_cell(t4, [], [g.label, col.label])] = value


def tables_equal(a: sources.Report, b: sources.Report) -> bool:
    return (a.agency, a.year, a.table2, a.table3, a.table4) == (b.agency, b.year, b.table2, b.table3, b.table4)


@pytest.fixture(scope="module")
def filled_bytes(tmp_path_factory) -> bytes:
    """The 2021 template written by `nianbao template`, filled with the sample's numbers and text."""
    path = tmp_path_factory.mktemp("workbook") / "sample-filled.xlsx"
    assert main(["template", "--year", "2021", "--out", str(path)]) == 0
    wb = load_workbook(path)
    fill(wb, sources.load_report(SAMPLE))
    wb.save(path)
    return path.read_bytes()


@pytest.fixture
def filled(project, filled_bytes):
    path = project / "sample-filled.xlsx"
    path.write_bytes(filled_bytes)
    return path


# ------------------------------------------------------------------ tests
def test_template_is_laid_out_like_the_official_tables(tmp_path):
    wb = load_workbook(workbook.write_template(tmp_path / "t.xlsx", 2021))
    assert wb.sheetnames == ["文字", "表二", "表三", "表四"]
    t3 = wb["表三"]
    merged = {str(m): t3.cell(m.min_row, m.min_col).value for m in t3.merged_cells.ranges}
    assert merged["A2:C4"].startswith("（本列数据的勾稽关系为") and merged["D2:J2"] == "申请人情况"
    assert merged["E3:I3"] == "法人或其他组织" and merged["D3:D4"] == "自然人" and merged["J3:J4"] == "总计"
    assert merged["A7:A28"] == "三、本年度办理结果" and merged["B25:B27"] == "（六）其他处理"
    t4 = wb["表四"]
    assert {str(m) for m in t4.merged_cells.ranges} >= {"A2:E2", "F2:O2", "F3:J3", "K3:O3", "A3:A4"}
    assert wb["表二"]["B14"].value == "本年收费金额（单位：万元）"
    for ws in wb.worksheets:  # labels locked, sheets protected
        assert ws.protection.sheet
    assert t3["C9"].value == "1.属于国家秘密" and t3["C9"].protection.locked
    assert not t3["D9"].protection.locked and not wb["文字"]["B2"].protection.locked
    assert wb["文字"]["B3"].value == 2021 and wb["文字"]["B3"].protection.locked


def validation_of(ws, address: str):
    found = [dv for dv in ws.data_validations.dataValidation if address in dv.sqref]
    assert len(found) == 1, address
    return found[0]


def test_inputs_accept_numbers_only(tmp_path):
    wb = load_workbook(workbook.write_template(tmp_path / "t.xlsx", 2021))
    count = validation_of(wb["表三"], "D7")
    assert (count.type, count.formula1, count.showErrorMessage) == ("whole", "0", True)
    fee = validation_of(wb["表二"], "B15")
    assert (fee.type, fee.operator, fee.formula1) == ("decimal", "greaterThanOrEqual", "0")
    wb19 = load_workbook(workbook.write_template(tmp_path / "t19.xlsx", 2020))
    delta = validation_of(wb19["表二"], input_cell(wb19["表二"], ["行政许可"], ["本年增/减"]))
    assert delta.type == "whole" and int(delta.formula1) < 0  # 本年增/减 may be negative
    assert validation_of(wb19["表二"], input_cell(wb19["表二"], ["行政许可"], ["上一年项目数量"])).formula1 == "0"


def test_filled_template_imports_to_the_sample(project, filled, capsys):
    assert main(["import", str(filled), "--agency-id", "jiaozuo-copy"]) == 0
    written = project / "data" / "2021" / "jiaozuo-copy.yaml"
    assert str(written) in capsys.readouterr().out
    imported, sample = sources.load_report(written), sources.load_report(SAMPLE)
    assert tables_equal(imported, sample)
    assert imported.sections == sample.sections
    assert imported.source == f"workbook sample-filled.xlsx sha256:{hashlib.sha256(filled.read_bytes()).hexdigest()}"
    # Importing again never replaces the source it wrote.
    assert main(["import", str(filled), "--agency-id", "jiaozuo-copy"]) == 2
    assert "已存在" in capsys.readouterr().err


def test_2019_format_round_trips_negative_deltas_and_money_units(tmp_path):
    demo = sources.load_report(DEMO_2020)
    path = workbook.write_template(tmp_path / "demo.xlsx", 2020)
    wb = load_workbook(path)
    fill(wb, demo)
    wb.save(path)
    back = read_any(path)
    assert tables_equal(back, demo)
    assert back.table2["行政许可"] == [100, -3, 250] and str(back.table2["政府集中采购"][1]) == "125.5万元"


def test_a_template_prefilled_from_a_new_draft(project):
    assert main(["new", "--agency", SAMPLE_AGENCY, "--year", "2022"]) == 0
    path = project / "jiaozuo-2022.xlsx"
    assert main(["template", "--year", "2022", "--out", str(path), "--agency", SAMPLE_AGENCY]) == 0
    wb = load_workbook(path)
    assert wb["表三"]["D6"].value == 0 and wb["表三"]["D5"].value is None  # 上年结转 filled, 本年新收 to fill
    assert wb["表二"]["D5"].value == 23 and wb["表二"]["B5"].value is None  # 现行有效件数 as the starting point
    assert wb["表二"]["B14"].value == "本年收费金额（单位：万元，保留4位小数）"
    back = workbook.read_workbook(path)
    assert back.options == {"fee_decimals": 4} and back.table3["上年结转"] == [0] * 7
    assert back.sections["一"].startswith("【草稿")


def test_twelve_jian_is_rejected_with_the_cell_address(project, filled, capsys):
    wb = load_workbook(filled)
    address = input_cell(wb["表三"], ["（一）予以公开"], ["自然人"])
    assert address == "D7"
    wb["表三"][address] = "12件"
    wb.save(filled)
    assert main(["import", str(filled), "--agency-id", "jiaozuo-copy"]) == 2
    err = capsys.readouterr().err
    assert "表三!D7" in err and "'12件'" in err and "非负整数" in err and "Traceback" not in err
    assert not (project / "data" / "2021" / "jiaozuo-copy.yaml").exists()


MISTYPED = [  # (sheet, row labels, column labels, value, words of the message)
    ("表二", ["行政事业性收费"], ["本年收费金额（单位：万元）"], "约3万", ["表二!B15", "非负金额"]),
    ("表三", ["四、结转下年度继续办理"], ["总计"], -1, ["表三!J29", "非负整数"]),
    ("表三", ["（二）部分公开（区分处理的，只计这一情形，不计其他情形）"], ["科研机构"], 1.5, ["表三!F8", "1.5"]),
    ("表四", [], ["复议后起诉", "尚未审结"], "=1+1", ["表四!N5", "公式"]),
    ("文字", ["机构名称"], [], None, ["文字!B2", "机构名称"]),
]


@pytest.mark.parametrize("sheet, rows, cols, value, words", MISTYPED, ids=[m[-1][0] for m in MISTYPED])
def test_each_mistyped_cell_is_named(filled, sheet, rows, cols, value, words):
    wb = load_workbook(filled)
    wb[sheet][input_cell(wb[sheet], rows, cols)] = value
    wb.save(filled)
    with pytest.raises(SourceError) as error:
        workbook.read_workbook(filled)
    assert len(error.value.problems) == 1
    for word in words:
        assert word in str(error.value)


def test_plain_whole_numbers_typed_as_text_or_float_are_read(filled):
    wb = load_workbook(filled)
    wb["表三"]["D5"], wb["表三"]["J5"] = " 12 ", 12.0
    wb.save(filled)
    report = workbook.read_workbook(filled)
    assert report.table3["本年新收"][0] == 12 and report.table3["本年新收"][6] == 12


def test_a_changed_layout_or_a_foreign_file_is_refused(filled, tmp_path):
    wb = load_workbook(filled)
    wb["表三"]["C9"], wb["文字"]["A6"] = "1.国家秘密", "五、存在的问题"
    wb.save(filled)
    with pytest.raises(SourceError) as error:
        workbook.read_workbook(filled)
    assert [p.field for p in error.value.problems] == ["文字!A6", "表三!C9"]
    assert "五、存在的主要问题及改进情况" in str(error.value) and "1.属于国家秘密" in str(error.value)
    del wb["表四"]
    wb.save(filled)
    with pytest.raises(SourceError, match="表四"):
        workbook.read_workbook(filled)
    junk = tmp_path / "junk.xlsx"
    junk.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(NianbaoError, match="不是有效的 Excel"):
        read_any(junk)


def test_template_never_overwrites(tmp_path, capsys):
    out = tmp_path / "t.xlsx"
    out.write_bytes(b"agency's filled-in copy")
    assert main(["template", "--year", "2021", "--out", str(out)]) == 2
    assert out.read_bytes() == b"agency's filled-in copy" and "已存在" in capsys.readouterr().err
    assert main(["template", "--year", "2021", "--out", str(tmp_path / "t.xls")]) == 2
