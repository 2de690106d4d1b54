"""Planning a batch, without rendering: bad usage exits 2 before anything runs; an agency whose
parameters or source cannot be read is recorded as failed (with the reason) and the rest go on."""
from __future__ import annotations

import json

from nianbao.batch.run import plan_batch

from batch_helpers import YEAR, add_agencies, cli


def test_unknown_agency_or_year_is_bad_usage(project):
    add_agencies(project, 2, trips=False)
    code, _, err = cli(project, "batch", "--year", str(YEAR), "--agencies", "nobody")
    assert code == 2 and "nobody" in err
    code, _, err = cli(project, "batch", "--year", "2030")
    assert code == 2 and "params" in err
    assert not (project / "outputs" / str(YEAR)).exists()


def test_unreadable_inputs_fail_that_agency_only_and_are_planned_without_rendering(project):
    agencies = add_agencies(project, 3, trips=False)
    broken_params, no_source, fine = (a.id for a in agencies)
    (project / "params" / str(YEAR) / f"{broken_params}.yaml").write_text(
        f"agency: {broken_params}\nyear: {YEAR}\ncolour: red\n", encoding="utf-8")
    (project / "data" / str(YEAR) / f"{no_source}.yaml").unlink()
    (project / "params" / str(YEAR) / "Bad Name.yaml").write_text(f"agency: x\nyear: {YEAR}\n", encoding="utf-8")
    plan = plan_batch(project, YEAR)
    assert [e.agency for e in plan.entries if e.failed_early] == sorted(["Bad Name", broken_params, no_source])
    assert [j.agency for j in plan.jobs] == [fine]
    job = plan.jobs[0]
    assert set(job.files) == {f"params/{YEAR}/{fine}.yaml", f"data/{YEAR}/{fine}.yaml", f"data/{YEAR - 1}/{fine}.yaml"}
    # Rendering only the readable one; the other two are recorded as failed with their reasons.
    code, out, _ = cli(project, "batch", "--year", str(YEAR), "--no-pdf", "--jobs", "1")
    assert code == 1
    out_dir = project / "outputs" / str(YEAR)
    broken = json.loads((out_dir / broken_params / "manifest.json").read_text(encoding="utf-8"))
    assert broken["status"] == "failed" and "colour" in broken["error"]["message"]
    missing = json.loads((out_dir / no_source / "manifest.json").read_text(encoding="utf-8"))
    assert f"data/{YEAR}/{no_source}.yaml" in missing["error"]["message"]
    assert json.loads((out_dir / fine / "manifest.json").read_text(encoding="utf-8"))["status"] == "ok"
    assert "failed: 3" in out and "clean: 1" in out and "Bad Name" in out
    assert not (out_dir / "Bad Name").exists()


def test_a_linked_year_folder_is_refused_before_anything_is_written(project, tmp_path):
    add_agencies(project, 1, trips=False)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / "outputs").mkdir(exist_ok=True)
    (project / "outputs" / str(YEAR)).symlink_to(elsewhere, target_is_directory=True)
    code, _, err = cli(project, "batch", "--year", str(YEAR), "--no-pdf")
    assert code == 2 and "link" in err and "链接" in err and "Traceback" not in err
    assert list(elsewhere.iterdir()) == []  # no lock file, no report, no index through the link
