"""Nothing a batch had is lost (issue 12), end to end through the command line with real kernels
and real Chromium: a report that fails keeps the complete one it would have replaced (and says
so in the summary, index.html and audit); a batch without Chromium never drops a PDF, and a
report rendered without one is rendered again once Chromium is back; a killed run's work
directories are listed by audit and swept by the next run; a link planted at a report's place
is refused."""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from batch_helpers import YEAR, cli
from batchfaults_helpers import dot_entries, gated_project, output_bytes, wait_until
from conftest import ROOT


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under folder (hidden ones too), by relative path."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def without_index(files: dict[str, bytes]) -> dict[str, bytes]:
    return {k: v for k, v in files.items() if k != "index.html"}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, path)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def source(root: Path, agency: str) -> Path:
    return root / "data" / str(YEAR) / f"{agency}.yaml"


def audit(root: Path, *more: str) -> tuple[int, str]:
    code, out, err = cli(root, "audit", str(root / "outputs" / str(YEAR)), *more)
    assert "Traceback" not in err, err
    return code, out


# ------------------------------------------------------------------ 1. a failure keeps the good report
def test_a_report_that_fails_keeps_the_previous_one_and_both_are_shown(tmp_path):
    root = gated_project(tmp_path, ["a-input", "b-raise"])
    out_dir = root / "outputs" / str(YEAR)
    code, _, err = cli(root, "batch", "--year", str(YEAR), "--no-pdf", "--jobs", "1")
    assert code == 0, err
    good = {agency: output_bytes(root, agency) for agency in ("a-input", "b-raise")}

    # a-input's source gets a cell "12件"; the notebook raises for b-raise (every report is stale)
    path = source(root, "a-input")
    path.write_text(re.sub(r"行政许可: \[\d+\]", '行政许可: ["12件"]', path.read_text(encoding="utf-8")),
                    encoding="utf-8")
    notebook = root / "notebooks" / "annual_report.ipynb"
    edit(notebook, 'if os.environ.get(\\"NIANBAO_TEST_GATES\\"):',
         'if agency == \\"b-raise\\":\\n    raise RuntimeError(\\"planted failure\\")\\n'
         'if os.environ.get(\\"NIANBAO_TEST_GATES\\"):')
    code, out, err = cli(root, "batch", "--year", str(YEAR), "--no-pdf", "--jobs", "1")
    assert code == 1 and "Traceback" not in err, err

    for agency, cause in (("a-input", "input"), ("b-raise", "exception")):
        now = output_bytes(root, agency)
        failure = json.loads(now.pop("failed.json"))
        assert now == good[agency]  # the complete report, byte for byte; its manifest as sealed
        assert failure["status"] == "failed" and failure["error"]["cause"] == cause, failure
        assert failure["agency"] == agency and failure["cache_key"]
        assert re.search(rf"{agency}\s+failed\s+\[{cause}\].*the previous report is kept", out), out
    a_failure = json.loads((out_dir / "a-input" / "failed.json").read_text(encoding="utf-8"))
    text = json.dumps(a_failure["error"], ensure_ascii=False)
    assert f"data/{YEAR}/a-input.yaml" in text and "12件" in text
    assert "nianbao-worker" not in text and "nianbao-worker" not in out  # the project's path, not the worker's copy
    assert f"data/{YEAR}/a-input.yaml" in out
    assert "RuntimeError: planted failure" in out

    # index.html: failed, the cause, and the links to the report that was kept
    index = (out_dir / "index.html").read_text(encoding="utf-8")
    for agency in ("a-input", "b-raise"):
        row = re.search(rf'<tr class="(\w+)" data-agency="{agency}"[^>]*>(.*?)</tr>', index, re.S).groups()
        assert row[0] == "failed" and f'href="{agency}/report.html"' in row[1], row
        assert "kept the previous report" in row[1]
    assert "12件" in index and "planted failure" in index

    # audit: the kept report is checked as always (its inputs changed since: stale), the failure shown
    code, text = audit(root)
    assert code == 1
    assert re.search(r"a-input\s+stale .*a newer render failed, this report was kept: \[input\]", text), text
    assert "unrecorded" not in text  # failed.json is not taken for a planted file
    code, raw = audit(root, "--json")
    found = {a["agency"]: a for a in json.loads(raw)["agencies"]}
    assert found["a-input"]["failure"]["cause"] == "input" and not found["a-input"]["tampered"]
    assert found["b-raise"]["failure"]["cause"] == "exception"
    assert found["b-raise"]["failure"]["evalue"] == "planted failure"

    # unchanged since: nothing is rendered again, and the failures still show
    code, out, _ = cli(root, "batch", "--year", str(YEAR), "--no-pdf", "--jobs", "1")
    assert code == 1 and "渲染 rendered 0, 跳过 skipped 2" in out and "failed: 2" in out
    assert json.loads(output_bytes(root, "a-input")["failed.json"]) == a_failure


# ------------------------------------------------------------------ 2. no PDF is lost
def no_chromium(monkeypatch, tmp_path):
    monkeypatch.setenv("NIANBAO_CHROMIUM", str(tmp_path / "no-such-chromium"))


def test_a_batch_without_chromium_keeps_every_pdf_and_they_come_back(tmp_path, monkeypatch):
    root = gated_project(tmp_path, ["a-edited", "b-same"])
    out_dir = root / "outputs" / str(YEAR)
    code, _, err = cli(root, "batch", "--year", str(YEAR), "--jobs", "1")
    assert code == 0, err
    assert all("report.pdf" in output_bytes(root, a) for a in ("a-edited", "b-same"))
    edit(source(root, "a-edited"), "  行政许可: [", "  行政许可: [1")  # a changed count: a-edited is stale

    # No Chromium: refused like render refuses, exit 2, nothing touched
    with monkeypatch.context() as m:
        no_chromium(m, tmp_path)
        before = tree(out_dir)
        code, out, err = cli(root, "batch", "--year", str(YEAR), "--jobs", "1")
        assert code == 2 and "Traceback" not in err, (code, out, err)
        assert "Chromium not found" in err and "未找到 Chromium" in err
        assert f"{out_dir / 'a-edited'}: " in err and "the existing report (with its PDF) is kept" in err
        assert "--no-pdf" in err and tree(out_dir) == before
        # the same message as render's for the same case
        code, _, render_err = cli(root, "render", "--agency", "a-edited", "--year", str(YEAR))
        assert code == 2 and render_err.split(": ", 1)[1] == err.split(": ", 1)[1]
        assert tree(out_dir) == before

    # --no-pdf asks for it: a-edited is rendered without its PDF, and the summary says so; b-same
    # is up to date (its PDF only adds) and stays as it was
    b_before = output_bytes(root, "b-same")
    code, out, err = cli(root, "batch", "--year", str(YEAR), "--jobs", "1", "--no-pdf")
    assert code == 0, err
    assert "--no-pdf: 1 report(s) that had a PDF were replaced by HTML-only ones: a-edited" in out
    assert "report.pdf" not in output_bytes(root, "a-edited") and output_bytes(root, "b-same") == b_before

    # Chromium is back: the report without its PDF is rendered again (its key says it has none)
    code, out, err = cli(root, "batch", "--year", str(YEAR), "--jobs", "1")
    assert code == 0, err
    assert "渲染 rendered 1, 跳过 skipped 1" in out
    assert "report.pdf" in output_bytes(root, "a-edited") and output_bytes(root, "b-same") == b_before
    code, text = audit(root)
    assert code == 0, text


def test_reports_first_rendered_without_chromium_get_their_pdf_later(tmp_path, monkeypatch):
    root = gated_project(tmp_path, ["a-new"])
    with monkeypatch.context() as m:
        no_chromium(m, tmp_path)
        code, out, err = cli(root, "batch", "--year", str(YEAR), "--jobs", "1")
        assert code == 0 and "apt-get install chromium" in out, (out, err)  # nothing to lose: HTML, and how
        assert "report.pdf" not in output_bytes(root, "a-new")
        code, out, _ = cli(root, "batch", "--year", str(YEAR), "--jobs", "1")
        assert code == 0 and "跳过 skipped 1" in out  # without Chromium another run would be the same
    code, out, err = cli(root, "batch", "--year", str(YEAR), "--jobs", "1")
    assert code == 0 and "渲染 rendered 1" in out, err
    assert "report.pdf" in output_bytes(root, "a-new")


# ------------------------------------------------------------------ 3. leftovers and planted links
def test_a_killed_render_leaves_a_work_dir_that_audit_lists_and_the_next_run_sweeps(tmp_path):
    root = gated_project(tmp_path, ["a-killed"])
    gates = tmp_path / "gates"
    gates.mkdir()
    (gates / "a-killed.hold").write_text("", encoding="utf-8")
    scratch = Path(tempfile.mkdtemp(prefix="nbl-", dir="/tmp"))
    env = {**os.environ, "NIANBAO_HOME": str(root), "PYTHONPATH": str(ROOT / "src"), "TMPDIR": str(scratch),
           "NIANBAO_TEST_GATES": str(gates)}
    render = subprocess.Popen([sys.executable, "-m", "nianbao", "render", "--agency", "a-killed", "--year",
                               str(YEAR), "--no-pdf"], cwd=root, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: (gates / "a-killed.running").is_file() or render.poll() is not None, "the kernel at its gate")
        assert render.poll() is None
        kernel = int((gates / "a-killed.running").read_text())
        render.send_signal(signal.SIGKILL)
        render.wait(30)
        os.kill(kernel, signal.SIGKILL)
    finally:
        (gates / "a-killed.hold").unlink(missing_ok=True)
        if render.poll() is None:
            render.kill()
        shutil.rmtree(scratch, ignore_errors=True)
    out_dir = root / "outputs" / str(YEAR)
    left = [p.name for p in out_dir.iterdir() if p.name.endswith(".tmp")]
    assert len(left) == 1 and left[0].startswith(f".a-killed.{render.pid}-")
    # one a live process owns (this one's) is no leftover: it stays
    from nianbao import leftovers
    live = out_dir / f".b-live.{os.getpid()}-{leftovers._host()}.x1.tmp"
    live.mkdir()

    code, text = audit(root)
    assert left[0] in text and "killed run" in text and live.name not in text
    code, raw = audit(root, "--json")
    assert json.loads(raw)["leftovers"] == left

    code, _, err = cli(root, "batch", "--year", str(YEAR), "--no-pdf", "--jobs", "1")
    assert code == 0, err
    assert dot_entries(root) == [str(live.relative_to(root))]
    live.rmdir()
    code, raw = audit(root, "--json")
    assert json.loads(raw)["leftovers"] == [] and code == 0


@pytest.mark.parametrize("command", ["batch", "render"])
def test_a_link_planted_at_a_report_is_refused_by_batch_as_by_render(tmp_path, command):
    root = gated_project(tmp_path, ["a-linked"])
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    link = root / "outputs" / str(YEAR) / "a-linked"
    link.parent.mkdir(parents=True)
    link.symlink_to(elsewhere, target_is_directory=True)
    argv = ["--year", str(YEAR), "--no-pdf"] + (["--agency", "a-linked"] if command == "render" else [])
    code, _, err = cli(root, command, *argv)
    assert code == 2 and "Traceback" not in err
    assert err == (f"nianbao {command}: {link} 是指向 {elsewhere} 的链接；nianbao 不经链接写入，请删除该链接 / "
                   f"{link} is a link to {elsewhere}; nianbao does not write through links: remove it\n")
    assert link.is_symlink() and list(elsewhere.iterdir()) == []
