"""Hostile input, second round (issue 12, items 3–8 and 10): wrong numbers read silently, paths read in
two places, tracebacks instead of messages, escape sequences reaching the terminal, hand edits
overwritten. Each case goes through the command line: one clear message in Chinese and English naming
the file and field, exit status 2, nothing written (or, for a good input, the same file read everywhere)."""
from __future__ import annotations

import json
import os
import re

import pytest

from nianbao.cli import main

from batch_helpers import cli
from conftest import ROOT, SAMPLES
from hostile_helpers import tree

SAMPLE = ROOT / "data" / "2021" / "jiaozuo-jyj.yaml"
SAMPLE_TEXT = SAMPLE.read_text(encoding="utf-8")
CELL = "行政规范性文件: [23, 0, 23]"
CELL_FIELD = "table2.行政规范性文件[本年制发件数]"
RENDER = ["render", "--agency", "jiaozuo-jyj", "--year", "2021", "--no-pdf"]


def with_cell(value: str) -> str:
    return SAMPLE_TEXT.replace(CELL, f"行政规范性文件: [{value}, 0, 23]")


def clear_message(err: str, *words: str) -> None:
    assert "Traceback" not in err and re.search(r"[\u4e00-\u9fff]", err), err
    for word in words:
        assert word in err, (word, err)


def params_file(project, text: str):
    path = project / "params" / "2021" / "jiaozuo-jyj.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- 3. YAML 1.1 numbers
YAML11_FORMS = ["010", "0x17", "1_0_3", "1:20", "0b1", "0o17", "+0x17", "23_"]


@pytest.mark.parametrize("form", YAML11_FORMS)
def test_yaml11_number_forms_are_refused_naming_the_cell(project, capsys, form):
    """YAML 1.1 read 010 as 8, 0x17 as 23, 1_0_3 as 103, 1:20 as 80, 0b1 as 1: published, unseen."""
    path = project / "data" / "2021" / "jiaozuo-jyj.yaml"
    path.write_text(with_cell(form), encoding="utf-8")
    assert main(["check", str(path)]) == 2
    clear_message(capsys.readouterr().err, str(path), CELL_FIELD, f"'{form}'", "whole number", "not read as numbers")
    assert main(RENDER) == 2
    clear_message(capsys.readouterr().err, CELL_FIELD)
    assert list((project / "outputs").iterdir()) == []


@pytest.mark.parametrize("form", ["!!int 0x17", "!!int 1_0", "!!float 1_0.5"])
def test_explicitly_tagged_yaml11_numbers_are_refused_too(project, capsys, form):
    path = project / "data" / "2021" / "jiaozuo-jyj.yaml"
    path.write_text(with_cell(form), encoding="utf-8")
    assert main(["check", str(path)]) == 2
    clear_message(capsys.readouterr().err, str(path), "line", "decimal")


def test_yaml11_numbers_are_refused_in_parameters_and_last_years_source(project, tmp_path, capsys):
    params = params_file(project, "agency: jiaozuo-jyj\nyear: 0x7E5\n")  # 2021 in YAML 1.1
    assert main(RENDER) == 2
    clear_message(capsys.readouterr().err, str(params), "year", "0x7E5")
    current, previous = tmp_path / "2022" / "jiaozuo-jyj.yaml", tmp_path / "2021" / "jiaozuo-jyj.yaml"
    for path, text in ((current, SAMPLE_TEXT.replace("year: 2021", "year: 2022").replace("2021年", "2022年")), (previous, with_cell("0b1"))):
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
    assert main(["check", str(current), "--previous", str(previous)]) == 2
    clear_message(capsys.readouterr().err, str(previous), CELL_FIELD, "'0b1'")
    assert main(["check", str(current)]) == 0  # found beside it: noted, and the cross-year rules not run on 1
    assert f"{previous} 无法读取，跨年规则未运行" in capsys.readouterr().out


def test_plain_decimal_numbers_still_read(project, capsys):
    path = project / "data" / "2021" / "jiaozuo-jyj.yaml"
    path.write_text(with_cell("+23").replace("行政事业性收费: [299]", "行政事业性收费: [299.0]"), encoding="utf-8")
    assert main(["check", str(path)]) == 0, capsys.readouterr().err


# ---------------------------------------------------------------- 4. a relative data_dir
def test_relative_data_dir_is_read_from_the_project_root_by_the_cli_and_the_kernel(project, monkeypatch, capsys):
    """Before: the command line checked and hashed <cwd>/alt, the kernel (run in notebooks/) rendered
    notebooks/alt; the manifest named a file the page did not come from."""
    for folder, name in (("alt", "甲市教育局"), ("notebooks/alt", "乙市冒名局")):
        path = project / folder / "2021" / "jiaozuo-jyj.yaml"
        path.parent.mkdir(parents=True)
        path.write_text(SAMPLE_TEXT.replace("agency: 焦作市教育局", f"agency: {name}"), encoding="utf-8")
    params_file(project, "agency: jiaozuo-jyj\nyear: 2021\ndata_dir: alt\n")
    for cwd in (project, project / "notebooks"):
        monkeypatch.chdir(cwd)
        assert main(RENDER) == 0, capsys.readouterr().err
        out = project / "outputs" / "2021" / "jiaozuo-jyj"
        html = (out / "report.html").read_text(encoding="utf-8")
        assert "甲市教育局" in html and "乙市冒名局" not in html
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        source = next(i for i in manifest["inputs"] if i["role"] == "source")
        assert source["path"] == "alt/2021/jiaozuo-jyj.yaml"
        assert manifest["parameters"]["data_dir"] == "alt"  # as written: the same manifest on any machine


def test_relative_data_dir_is_read_from_the_project_root_by_a_batch_worker(project, monkeypatch):
    """A worker runs in a throwaway copy of the project: the same relative data_dir names its copy."""
    path = project / "alt" / "2021" / "jiaozuo-jyj.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(SAMPLE_TEXT.replace("agency: 焦作市教育局", "agency: 甲市教育局"), encoding="utf-8")
    params_file(project, "agency: jiaozuo-jyj\nyear: 2021\ndata_dir: alt\n")
    monkeypatch.chdir(project.parent)
    code, out, err = cli(project, "batch", "--year", "2021", "--no-pdf", "--jobs", "1")
    assert code == 0, out + err
    folder = project / "outputs" / "2021" / "jiaozuo-jyj"
    assert "甲市教育局" in (folder / "report.html").read_text(encoding="utf-8")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert any(i["role"] == "source" and i["path"] == "alt/2021/jiaozuo-jyj.yaml" for i in manifest["inputs"])


# ---------------------------------------------------------------- 5. integers past Python's digit limit
HUGE = "9" * 5000


def test_an_integer_of_5000_digits_is_a_message_in_a_source_and_in_parameters(project, capsys):
    path = project / "data" / "2021" / "jiaozuo-jyj.yaml"
    path.write_text(with_cell(HUGE), encoding="utf-8")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    clear_message(err, str(path), "5000 digits", "line")
    assert len(err) < 2000
    path.write_text(SAMPLE_TEXT, encoding="utf-8")
    params = params_file(project, f"agency: jiaozuo-jyj\nyear: 2021\ndata_dir: {HUGE}\n")
    assert main(RENDER) == 2
    clear_message(capsys.readouterr().err, str(params), "5000 digits")


def test_an_integer_of_5000_digits_in_a_published_report_is_a_cell_not_read(tmp_path, capsys):
    published = tmp_path / "huge.txt"
    published.write_text((SAMPLES / "jiaozuo-jyj-2021.txt").read_text(encoding="utf-8").replace("\t23\t", f"\t{HUGE}\t", 1),
                         encoding="utf-8")
    assert main(["check", str(published)]) in (0, 1)
    out, err = capsys.readouterr()
    assert "too large for a count" in out and "Traceback" not in err, err[-2000:]


def test_an_integer_of_5000_digits_fails_that_batch_report_as_input_not_internal(project):
    (project / "data" / "2021" / "jiaozuo-jyj.yaml").write_text(with_cell(HUGE), encoding="utf-8")
    code, out, _ = cli(project, "batch", "--year", "2021", "--no-pdf", "--jobs", "1")
    assert code == 1 and "internal" not in out, out
    manifest = json.loads((project / "outputs" / "2021" / "jiaozuo-jyj" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["error"]["cause"] == "input" and "5000 digits" in manifest["error"]["message"]


# ---------------------------------------------------------------- 6. a data_dir that is not text
@pytest.mark.parametrize("value", ["5", "[/etc]", "!!binary aGVsbG8=", "{a: 1}", "true"])
def test_data_dir_not_text_is_a_message_naming_the_parameter_file(project, capsys, value):
    params = params_file(project, f"agency: jiaozuo-jyj\nyear: 2021\ndata_dir: {value}\n")
    assert main(RENDER) == 2
    clear_message(capsys.readouterr().err, str(params), "data_dir", "text")
    assert list((project / "outputs").iterdir()) == []


# ---------------------------------------------------------------- 7. a year that is not a whole number
@pytest.mark.parametrize("value", ["2021.0", "'2021'", "2.021e+3"])
def test_a_params_year_not_a_whole_number_is_refused_by_the_params_check(project, capsys, value):
    """Before: 2021.0 == 2021 passed the check and the notebook failed in cell 3, blaming itself."""
    params = params_file(project, f"agency: jiaozuo-jyj\nyear: {value}\n")
    assert main(RENDER) == 2
    err = capsys.readouterr().err
    clear_message(err, str(params), "year", "whole number")
    assert "cell" not in err and list((project / "outputs").iterdir()) == []


# ---------------------------------------------------------------- 8. escape sequences to the terminal
@pytest.mark.parametrize("field,text,where", [
    ("source", 'source: "导入\\e]0;pwned\\a"\n', "source"),
    ("source", 'source: "x\\e[2J"\n', "source"),
    ("gaps", 'gaps: [{table: 表二, row: 行政规范性文件, text: "\\e[31m红"}]\n', "gaps[0].text"),
    ("title", 'title: "年报\\x9b2J"\n', "title"),
], ids=["title", "clear", "gaps", "c1-csi"])
def test_control_characters_in_any_field_are_refused(project, capsys, field, text, where):
    path = project / "data" / "2021" / "jiaozuo-jyj.yaml"
    path.write_text(SAMPLE_TEXT + text, encoding="utf-8")
    assert main(["check", str(path)]) == 2
    out, err = capsys.readouterr()
    clear_message(err, str(path), where, "without control characters")
    assert not re.search(r"[\x1b\x07\x9b]", out + err)


def test_control_characters_in_parameters_are_refused(project, capsys):
    params = params_file(project, 'agency: jiaozuo-jyj\nyear: 2021\ndata_dir: "da\\e]0;x\\ata"\n')
    assert main(RENDER) == 2
    err = capsys.readouterr().err
    clear_message(err, str(params), "data_dir", "without control characters")
    assert "\x1b" not in err


NASTY_NAME = "焦作\x1b]0;pwned\x07\n- 伪造的一行 forged line\x1b[2J.txt"


def test_a_published_files_name_is_stored_and_shown_inert(project, tmp_path, capsys):
    published = tmp_path / NASTY_NAME
    published.write_bytes((SAMPLES / "jiaozuo-jyj-2021.txt").read_bytes())
    assert main(["check", str(published)]) in (0, 1)
    out, err = capsys.readouterr()
    assert not re.search(r"[\x1b\x07]", out + err) and "forged line" not in out, out
    assert main(["import", str(published), "--agency-id", "jiaozuo-new"]) == 0
    capsys.readouterr()
    written = project / "data" / "2021" / "jiaozuo-new.yaml"
    assert main(["check", str(written)]) in (0, 1)
    out, err = capsys.readouterr()
    assert not re.search(r"[\x1b\x07]", out + err) and "forged line" not in out, out
    assert "焦作\\u001b]0;pwned\\u0007\\n- 伪造的一行" in written.read_text(encoding="utf-8").replace("\\\\", "\\")


def test_a_file_name_in_a_message_is_shown_inert(project, tmp_path, capsys):
    assert main(["check", str(tmp_path / "a\x1b[2J\nforged line.yaml")]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and len(err.strip().splitlines()) == 1, err


def test_everything_a_command_prints_is_inert_even_from_an_edited_manifest(project, capsys):
    """The screen is guarded in one place (the command line's output), not field by field."""
    folder = project / "outputs" / "2021" / "jiaozuo-jyj"
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({
        "schema": 1, "agency": "jiaozuo-jyj", "year": 2021, "name": "x", "status": "failed", "outputs": {},
        "inputs": [], "error": {"cause": "input", "message": "\x1b]0;pwned\x07\x1b[2J\x9b2Jforged"}}), encoding="utf-8")
    main(["audit", str(folder.parent)])
    out, err = capsys.readouterr()
    assert "forged" in out and not re.search(r"[\x1b\x07]", out + err), out
    main(["audit", "--json", str(folder.parent)])  # C1 controls pass json.dumps raw: escaped, still JSON
    out = capsys.readouterr().out
    assert not re.search(r"[\x1b\x07\x9b]", out) and "forged" in json.dumps(json.loads(out), ensure_ascii=False)


def test_a_parameter_files_name_is_shown_inert_by_batch(project):
    """The batch's per-report lines go to stderr, outside the command line's guard: guarded too."""
    name = "x\x1b]0;pwned\x07\x1b[2J"
    (project / "params" / "2021" / f"{name}.yaml").write_text("agency: x\nyear: 2021\n", encoding="utf-8")
    code, out, err = cli(project, "batch", "--year", "2021", "--no-pdf", "--agencies", name)
    assert code == 1 and "not allowed" in out + err
    assert not re.search(r"[\x1b\x07]", out + err), out + err


# ---------------------------------------------------------------- 10. synth --out over hand edits
def test_synth_does_not_overwrite_its_own_files_without_force(tmp_path, capsys):
    argv = ["synth", "--agencies", "3", "--year", "2022", "--out", str(tmp_path), "--seed", "4"]
    assert main(argv) == 0
    edited = next((tmp_path / "data" / "2022").glob("*.yaml"))
    edited.write_text(edited.read_text(encoding="utf-8").replace("table3:", "# checked by hand\ntable3:"),
                      encoding="utf-8")
    before = tree(tmp_path)
    assert main(argv) == 2
    clear_message(capsys.readouterr().err, "already exists", "--force")
    assert tree(tmp_path) == before
    assert main([*argv, "--force"]) == 0
    assert "checked by hand" not in edited.read_text(encoding="utf-8")


# ---------------------------------------------------------------- smaller things: the right expectation
def test_a_65_character_agency_id_is_told_the_64_limit(project, capsys):
    assert main(["render", "--agency", "a" * 65, "--year", "2021"]) == 2
    clear_message(capsys.readouterr().err, "at most 64 characters", "it has 65", "64 个字符")


def test_a_year_out_of_range_is_told_the_years_accepted(project, capsys):
    assert main(["render", "--agency", "jiaozuo-jyj", "--year", "1999"]) == 2
    err = capsys.readouterr().err
    clear_message(err, "1999", "2000", "2100")
    assert "is not a four-digit year" not in err


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_check_on_a_fifo_or_a_folder_says_what_it_is(tmp_path, capsys, kind):
    path = tmp_path / "x.yaml"
    os.mkfifo(path) if kind == "fifo" else path.mkdir()
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    clear_message(err, "not a regular file")
    assert "not found" not in err


def test_new_with_a_control_character_in_the_name_blames_the_name(project, capsys):
    before = tree(project)
    assert main(["new", "--agency", "brand-new", "--year", "2022", "--name", "某\x1b[2J局"]) == 2
    err = capsys.readouterr().err
    clear_message(err, "--name", "control character")
    assert "brand-new.yaml" not in err and "\x1b" not in err and tree(project) == before
