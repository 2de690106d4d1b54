"""`nianbao import DIR/` (or several files): every file imported or refused with its reason, one
table at the end, exit 1 if any was refused; --check writes nothing; agency ids proposed from the
names, never a silent clash. Through the command line, in a copy of the project."""
from __future__ import annotations

import shutil
import subprocess
import sys

import yaml

from nianbao.cli import main

from conftest import SAMPLES


def folder(tmp_path, *names, junk=True):
    reports = tmp_path / "reports"
    (reports / "sub").mkdir(parents=True)
    for name in names:
        shutil.copy(SAMPLES / name, reports / name)
    if junk:
        (reports / "sub" / "notes.txt").write_text("会议纪要", encoding="utf-8")
        (reports / ".DS_Store").write_bytes(b"\x00\x01")
    return reports


def rows_of(out: str) -> dict[str, list[str]]:
    rows = {}
    for line in out.splitlines()[2:]:
        if line.startswith("| "):
            cells = [c.strip() for c in line.strip("|").split(" | ")]
            rows[cells[0].rsplit("/", 1)[-1]] = cells
    return rows


def test_a_folder_is_imported_file_by_file_with_one_table(project, tmp_path, capsys):
    reports = folder(tmp_path, "pingtan-gwh-2021.txt", "shanghai-szfbgt-2025.md", "huaian-szf-2024.pdf")
    assert main(["import", str(reports)]) == 1  # notes.txt is refused
    out = capsys.readouterr().out
    rows = rows_of(out)
    assert set(rows) == {"pingtan-gwh-2021.txt", "shanghai-szfbgt-2025.md", "huaian-szf-2024.pdf", "notes.txt"}
    assert rows["shanghai-szfbgt-2025.md"][1:7] == ["上海市人民政府办公厅", "2025", "2021", "194", "6", "0"]
    assert rows["pingtan-gwh-2021.txt"][1:4] == ["平潭综合实验区", "2021", "2021"]
    assert rows["notes.txt"][7].startswith("拒绝 refused: 找不到年报的节标题")
    assert "共 4 个文件，读入 3 个，拒绝 1 个" in out and "略去隐藏文件 1 个" in out and ".DS_Store" in out
    # Ids proposed from the names (pinyin: place in full, the rest by initials).
    written = {p.relative_to(project / "data").as_posix() for p in (project / "data").glob("*/*.yaml")}
    assert {"2025/shanghai-szfbgt.yaml", "2021/pingtan-zhsyq.yaml", "2024/huaian-szf.yaml"} <= written
    assert "已写入 written: " + str(project / "data" / "2024" / "huaian-szf.yaml") in rows["huaian-szf-2024.pdf"][7]
    # Again: nothing is overwritten without --force, and each file says so.
    assert main(["import", str(reports / "shanghai-szfbgt-2025.md"), str(reports / "huaian-szf-2024.pdf")]) == 1
    again = rows_of(capsys.readouterr().out)
    assert all("已存在；确认覆盖请加 --force" in r[7] for r in again.values())


def test_check_runs_the_rules_and_writes_nothing(project, tmp_path, capsys):
    reports = folder(tmp_path, "jiaozuo-jyj-2021.txt", "huaian-szf-2024.txt", junk=False)
    before = sorted(p.name for p in (project / "data").rglob("*"))
    assert main(["import", str(reports), "--check"]) == 0
    rows = rows_of(capsys.readouterr().out)
    assert rows["huaian-szf-2024.txt"][7] == "已核对 checked: 0 个错误 errors, 2 个警告 warnings（未写入 nothing written）"  # R33: 一 over 1,000 characters, 考核/评议 unnamed
    assert sorted(p.name for p in (project / "data").rglob("*")) == before
    shutil.copy(SAMPLES / "shanghai-szfbgt-2025.md", reports)
    assert main(["import", str(reports), "--check"]) == 1  # its two gaps are errors (R1)
    assert "已核对 checked: 6 个错误" in rows_of(capsys.readouterr().out)["shanghai-szfbgt-2025.md"][7]


def test_an_id_of_another_agency_or_used_twice_is_refused_not_reused(project, tmp_path, capsys):
    other = yaml.safe_load((project / "data" / "2021" / "jiaozuo-jyj.yaml").read_text(encoding="utf-8"))
    assert other["agency"] == "焦作市教育局"
    (project / "data" / "2021" / "pingtan-zhsyq.yaml").write_text(
        (project / "data" / "2021" / "jiaozuo-jyj.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    reports = folder(tmp_path, "pingtan-gwh-2021.txt", "huaian-szf-2024.txt", "huaian-szf-2024.pdf", junk=False)
    assert main(["import", str(reports)]) == 1
    rows = rows_of(capsys.readouterr().out)
    assert "标识 pingtan-zhsyq 已属于「焦作市教育局」" in rows["pingtan-gwh-2021.txt"][7]
    assert "已写入" in rows["huaian-szf-2024.pdf"][7]
    assert "已用于本次的" in rows["huaian-szf-2024.txt"][7]  # the same report as text: the same id, refused
    # An agency with a source already keeps its id: 焦作市教育局 → jiaozuo-jyj (exists: --force to replace).
    assert main(["import", str(SAMPLES / "jiaozuo-jyj-2021.txt"), str(SAMPLES / "pingtan-gwh-2021.txt"),
                 "--check"]) == 1
    assert rows_of(capsys.readouterr().out)["jiaozuo-jyj-2021.txt"][7].startswith("已核对")


def test_several_files_take_no_single_agency_id(project, capsys):
    assert main(["import", str(SAMPLES / "jiaozuo-jyj-2021.txt"), str(SAMPLES / "huaian-szf-2024.txt"),
                 "--agency-id", "x"]) == 2
    assert "--agency-id 只能用于一个文件" in capsys.readouterr().err


def test_without_a_pinyin_package_the_id_is_asked_for(project, tmp_path):
    # A real run of the command in a Python where importing pypinyin fails, as where it is not installed.
    code = ("import sys; sys.modules['pypinyin'] = None; from nianbao.cli import main; "
            f"sys.exit(main(['import', {str(SAMPLES / 'pingtan-gwh-2021.txt')!r}]))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "未安装拼音包（pypinyin）" in done.stdout and "give --agency-id" in done.stdout
    assert not list((project / "data").glob("*/pingtan*"))


def test_a_broken_link_in_the_folder_is_listed_as_refused(project, tmp_path, capsys):
    reports = folder(tmp_path, "jiaozuo-jyj-2021.txt", junk=False)
    (reports / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    assert main(["import", str(reports), "--check"]) == 1
    rows = rows_of(capsys.readouterr().out)
    assert rows["gone.txt"][7].startswith("拒绝 refused: 找不到文件") and rows["jiaozuo-jyj-2021.txt"][7].startswith("已核对")


def test_inferred_cells_are_counted_apart_and_their_rules_not_checkable(project, capsys):
    assert main(["import", str(SAMPLES / "pingtan-gwh-2021.txt"), "--check", "--assume-row-sums"]) == 1
    row = rows_of(capsys.readouterr().out)["pingtan-gwh-2021.txt"]
    assert row[4:7] == ["154", "3", "43"]  # read by the format / gaps (行政规范性文件) / inferred from the sums
    assert "推定的行有规则无法核对" in row[7]
