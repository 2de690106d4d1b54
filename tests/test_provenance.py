"""Provenance and the cache key: what a report's key is made of, validation.json read in one
place, and the one-report render sealing its outputs with the same manifest the batch writes."""
from __future__ import annotations

import json
import shutil

import nbformat

from nianbao.provenance import manifest as provenance
from nianbao.audit.verify import audit_outputs
from nianbao.batch.run import run_batch

AGENCY, YEAR = "jiaozuo-jyj", 2021


def key(root, pdf=True):
    return provenance.key_for(root, YEAR, AGENCY, {"agency": AGENCY, "year": YEAR}, pdf)


def test_the_key_changes_with_each_input_and_only_with_them(project):
    seen = [key(project)]

    def changed(edit) -> bool:
        edit()
        seen.append(key(project))
        return seen[-1] != seen[-2]

    def append(path, text="\n# edit\n"):
        return lambda: path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")

    other = project / "data" / str(YEAR) / "another-agency.yaml"
    assert not changed(lambda: shutil.copy(project / "data" / str(YEAR) / f"{AGENCY}.yaml", other))
    assert changed(append(project / "data" / str(YEAR) / f"{AGENCY}.yaml"))
    previous = project / "data" / str(YEAR - 1) / f"{AGENCY}.yaml"
    assert changed(lambda: (previous.parent.mkdir(), previous.write_text("agency: x\n", encoding="utf-8")))
    assert changed(append(previous))
    assert changed(append(project / "params" / str(YEAR) / f"{AGENCY}.yaml"))
    assert changed(lambda: (project / "notebooks" / "annual_report.ipynb").write_bytes(
        (project / "notebooks" / "annual_report.ipynb").read_bytes().replace(b'"cells"', b'"cells" ')))
    suite = project / "expectations" / "extra.json"
    assert changed(lambda: (suite.parent.mkdir(exist_ok=True), suite.write_text("{}", encoding="utf-8")))
    assert changed(append(project / "templates" / "nianbao" / "report.css", "\n/* edit */\n"))
    assert key(project, pdf=False) != key(project, pdf=True)
    assert not changed(lambda: (project / "outputs" / "unrelated.txt").write_text("x"))


def test_the_environment_part_covers_nianbao_and_packages():
    env = provenance.environment()
    digest = provenance.environment_digest(env)
    bumped = dict(env, packages=dict(env["packages"], pandas="0.0.1"))
    edited = dict(env, nianbao=dict(env["nianbao"], source_sha256="0" * 64))
    moved = dict(env, executable="/elsewhere/python")
    assert provenance.environment_digest(bumped) != digest != provenance.environment_digest(edited)
    assert provenance.environment_digest(moved) == digest
    assert env["packages"]["great_expectations"] and env["nianbao"]["version"]


def test_findings_are_counted_by_severity_or_unknown(tmp_path):
    assert provenance.findings_summary(tmp_path) == {"known": False, "error": 0, "warning": 0, "info": 0}
    (tmp_path / "validation.json").write_text(json.dumps({"findings": [
        {"rule": "R10", "severity": "error"}, {"rule": "R22", "severity": "warning"},
        {"rule": "R9", "severity": "critical"}, {"rule": "R5", "severity": "warning"}]}), encoding="utf-8")
    assert provenance.findings_summary(tmp_path) == {"known": True, "error": 2, "warning": 2, "info": 0,
                                                      "rules": ["R10", "R22", "R5", "R9"]}


def test_one_report_render_is_sealed_and_the_batch_skips_it(rendered_sample, tmp_path):
    folder = rendered_sample.out_dir
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "ok"
    assert set(manifest["outputs"]) == {"report.ipynb", "report.html", "report.pdf", "validation.json"}
    assert manifest["name"] == "焦作市教育局" and manifest["title"] == rendered_sample.report.title
    nb = nbformat.read(str(folder / "report.ipynb"), as_version=4)
    assert nb.metadata["nianbao"]["provenance"]["cache_key"] == manifest["cache_key"]
    # The rendered project, copied: audit verifies it, and a batch finds nothing to do.
    root = tmp_path / "project"
    shutil.copytree(folder.parents[2], root)
    result = audit_outputs(root / "outputs" / str(YEAR))
    assert [(a.agency, a.status) for a in result.agencies] == [(AGENCY, "verified")] and result.exit_code == 0
    summary = run_batch(YEAR, root=root)
    assert summary.rendered == 0 and summary.skipped == 1 and summary.exit_code == 0
