"""Safe writes: atomic files that never follow a planted link and keep the old content when a write
fails; report directories swapped whole; links under outputs/ refused by name."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from nianbao import paths
from nianbao.errors import UsageError


def test_write_atomic_replaces_a_planted_link_and_leaves_its_target_alone(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("not yours", encoding="utf-8")
    (tmp_path / "data").mkdir()
    path = tmp_path / "data" / "x.yaml"
    path.symlink_to(outside)
    paths.write_atomic(path, "new", within=tmp_path / "data")
    assert not path.is_symlink() and path.read_text(encoding="utf-8") == "new"
    assert outside.read_text(encoding="utf-8") == "not yours"
    assert [p.name for p in path.parent.iterdir()] == ["x.yaml"]


def test_write_atomic_and_write_new_refuse_a_linked_folder(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "2021").symlink_to(elsewhere)
    for write in (paths.write_atomic, paths.write_new):
        with pytest.raises(UsageError, match=f"is a link to {elsewhere}"):
            write(tmp_path / "data" / "2021" / "x.yaml", "data", within=tmp_path / "data")
    assert list(elsewhere.iterdir()) == []


def test_write_atomic_keeps_the_mode_of_the_file_it_replaces(tmp_path):
    path = tmp_path / "x.yaml"
    paths.write_atomic(path, "one")
    assert path.stat().st_mode & 0o777 == 0o644  # not mkstemp's 0600
    path.chmod(0o640)
    paths.write_atomic(path, "two")
    assert path.stat().st_mode & 0o777 == 0o640 and path.read_text(encoding="utf-8") == "two"


FAILING_WRITE = """import resource, sys
from pathlib import Path
from nianbao import paths
from nianbao.errors import WriteError
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))  # files beyond 4 KB cannot be written (EFBIG)
for write in (paths.write_atomic, paths.write_new):
    try:
        write(Path(sys.argv[1]) / ("old.txt" if write is paths.write_atomic else "new.txt"), "x" * 100000)
    except WriteError as error:
        print(error.exit_code, error)
"""


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp_file(tmp_path):
    """RLIMIT_FSIZE in a child process: the write fails part-way, as on a full disk, without one."""
    (tmp_path / "old.txt").write_text("old", encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", FAILING_WRITE, str(tmp_path)], capture_output=True, text=True,
                          check=True)
    lines = done.stdout.splitlines()
    assert len(lines) == 2
    for line, name in zip(lines, ("old.txt", "new.txt")):
        assert line.startswith(f"1 {tmp_path / name}: 无法写入：文件超过系统允许的大小") and "file too large" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.txt"]
    assert (tmp_path / "old.txt").read_text(encoding="utf-8") == "old"


def report_dir(path, text):
    path.mkdir()
    (path / "report.html").write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2 swap", "two renames"])
def test_replace_dir_puts_the_new_directory_in_place_whole(tmp_path, monkeypatch, exchange):
    if not exchange:
        monkeypatch.setattr(paths, "_exchange", lambda a, b: False)
    target = report_dir(tmp_path / "agency", "old")
    paths.replace_dir(report_dir(tmp_path / ".agency.new.tmp", "new"), target)
    assert (target / "report.html").read_text(encoding="utf-8") == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["agency"]


def test_replace_dir_puts_the_old_directory_back_when_the_new_cannot_go_in(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "_exchange", lambda a, b: False)
    target = report_dir(tmp_path / "agency", "old")
    new = report_dir(tmp_path / ".agency.new.tmp", "new")
    real_rename, calls = os.rename, []

    def rename(a, b):
        calls.append(a)
        if len(calls) == 2:  # the new directory into place
            raise OSError(28, "No space left on device")
        real_rename(a, b)

    monkeypatch.setattr(os, "rename", rename)
    with pytest.raises(OSError):
        paths.replace_dir(new, target)
    assert (target / "report.html").read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".agency.new.tmp", "agency"]


def test_refuse_links_names_the_link_but_allows_a_linked_outputs(tmp_path):
    disk = tmp_path / "big-disk"
    (disk / "2021").mkdir(parents=True)
    root = tmp_path / "project"
    root.mkdir()
    (root / "outputs").symlink_to(disk)  # outputs/ itself moved elsewhere: the user's choice
    paths.refuse_links(root / "outputs" / "2021" / "x", root / "outputs")
    (disk / "2022").symlink_to(tmp_path)
    with pytest.raises(UsageError, match=f"outputs/2022 is a link to {tmp_path}"):
        paths.refuse_links(root / "outputs" / "2022" / "x", root / "outputs")


@pytest.mark.parametrize("bad", ["x\n", "x\x00", "../x", "X", "x.y", "-x", "x-", ""])
def test_agency_id_pattern_is_whole_string(bad):
    with pytest.raises(UsageError, match="not allowed"):
        paths.check_agency_id(bad)
