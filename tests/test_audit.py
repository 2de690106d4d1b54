"""Audit's comparison of two executed notebooks: what legitimately changes is ignored, any other
change is reported at its cell; and audit refuses what is not a year's outputs."""
from __future__ import annotations

import copy

import nbformat

from nianbao.audit.verify import compare_notebooks, pick
from nianbao.cli import main


def executed(html: str, when: str, scratch: str) -> dict:
    nb = nbformat.v4.new_notebook()
    nb.metadata["papermill"] = {"start_time": when}
    cell = nbformat.v4.new_code_cell("show()", execution_count=3)
    cell.metadata["execution"] = {"iopub.status.busy": when}
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": html, "text/plain": "<obj at 0x7f12ab34cd56>"}),
                    nbformat.v4.new_output("stream", name="stdout", text=f"ran at {when} in {scratch}/data\n")]
    nb.cells = [nbformat.v4.new_markdown_cell("# 标题"), cell]
    return dict(nb)


def test_times_ids_addresses_and_scratch_paths_are_not_differences():
    disk = executed("<p>收到申请5件</p>", "2026-01-02T03:04:05.123456+00:00",
                    "/tmp/nianbao-worker-101-abc_12/job-luoyang-jyj-x1y2z3")
    rerun = executed("<p>收到申请5件</p>", "2027-06-07T08:09:10Z", "/tmp/nianbao-worker-202-zz9/job-luoyang-jyj-q_w")
    rerun["cells"][1]["execution_count"] = 9
    assert compare_notebooks(disk, rerun) == []


def test_an_edited_output_is_reported_at_its_cell_with_the_change():
    disk = executed("<p>收到申请5件</p>", "2026-01-02T03:04:05Z", "/p")
    rerun = copy.deepcopy(disk)
    disk["cells"][1]["outputs"][0]["data"]["text/html"] = "<p>收到申请6件</p>"
    [difference] = compare_notebooks(disk, rerun)
    assert (difference.cell, difference.what) == (1, "outputs")
    assert "- <p>收到申请6件</p>" in difference.detail and "+ <p>收到申请5件</p>" in difference.detail


def test_source_and_cell_count_changes_are_reported():
    disk = executed("<p>a</p>", "2026-01-02T03:04:05Z", "/p")
    rerun = copy.deepcopy(disk)
    rerun["cells"][1]["source"] = "show(more=True)"
    rerun["cells"].append(nbformat.v4.new_markdown_cell("extra"))
    assert [(d.cell, d.what) for d in compare_notebooks(disk, rerun)] == [(1, "source"), (2, "extra")]


def test_pick_spreads_over_the_list():
    names = [f"a{i:02d}" for i in range(10)]
    assert pick(names, 3) == ["a00", "a03", "a06"] and pick(names, "all") == names and pick(names, 20) == names


def test_audit_of_something_else_is_bad_usage(tmp_path, capsys):
    assert main(["audit", str(tmp_path / "nowhere")]) == 2
    (tmp_path / "outputs").mkdir()
    assert main(["audit", str(tmp_path / "outputs")]) == 2
    assert "expected outputs/<year>" in capsys.readouterr().err
