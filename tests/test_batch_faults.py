"""Faults in the middle of a batch, injected into a real `nianbao batch` subprocess at a known
state (a report held at a gate cell, a progress line printed), never after a blind sleep:
SIGTERM and SIGINT, a second batch on the same outputs, the lock holder killed outright, a disk
that fills (outputs, then the workers' scratch), Chromium killed and unable to restart. Each
leaves every report directory as it was or complete, no process behind, a clear message and
exit status, and a next run that renders what is left."""
from __future__ import annotations

import errno
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

import psutil
import pytest

from nianbao.batch import interrupt
from nianbao.provenance import manifest as provenance
from nianbao.audit.verify import audit_outputs
from nianbao.batch.run import plan_batch
from nianbao.errors import NianbaoError
from nianbao.batch.lock import LOCK_NAME, Busy, outputs_lock
from nianbao.report.publish import find_chromium
from nianbao.batch.task import disk_error

from batch_helpers import YEAR
from batchfaults_helpers import BatchRun, dot_entries, gated_project, output_bytes, wait_until


@pytest.fixture
def batch():
    """Start a BatchRun; its scratch ($TMPDIR) sits in a short path of its own: Chromium's
    singleton socket lives there, and a socket path over 107 bytes (pytest's tmp_path is long)
    makes Chromium exit at start."""
    scratch = Path(tempfile.mkdtemp(prefix="nbf-", dir="/tmp"))

    def start(root, *args, **kwargs):
        kwargs.setdefault("tmpdir", scratch)
        return BatchRun(root, *args, **kwargs)
    yield start
    shutil.rmtree(scratch, ignore_errors=True)


def hold(gates: Path, *agencies: str) -> None:
    """The agencies' reports will wait at the gate cell until released."""
    gates.mkdir(exist_ok=True)
    for agency in agencies:
        (gates / f"{agency}.hold").write_text("", encoding="utf-8")


def release(run: BatchRun, agency: str) -> None:
    (run.gates / f"{agency}.hold").unlink()


def alive(processes: list[psutil.Process]) -> list[str]:
    """Those still running (a zombie has ended), as 'pid command' for the assertion message."""
    found = []
    for process in processes:
        try:
            status = process.status() if process.is_running() else psutil.STATUS_DEAD
            if status not in (psutil.STATUS_ZOMBIE, psutil.STATUS_DEAD):
                found.append(f"{process.pid} {process.name()} {status} {' '.join(process.cmdline())[:100]}")
        except psutil.Error:
            pass
    return found


def gone(processes: list[psutil.Process]) -> bool:
    return not alive(processes)


def plant_earlier_report(root: Path, agency: str) -> dict[str, bytes]:
    """A complete report from an earlier run (another cache key): a batch renders it again."""
    folder = root / "outputs" / str(YEAR) / agency
    folder.mkdir(parents=True)
    page = "<html><body>去年渲染的报告 / rendered by an earlier run</body></html>".encode()
    (folder / "report.html").write_bytes(page)
    (folder / "manifest.json").write_text(json.dumps({
        "agency": agency, "year": YEAR, "status": "ok", "cache_key": "an earlier run", "error": None,
        "outputs": {"report.html": provenance.sha256_bytes(page)}, "findings": {"known": True, "error": 0}}),
        encoding="utf-8")
    return output_bytes(root, agency)


def manifest(root: Path, agency: str) -> dict:
    return json.loads((root / "outputs" / str(YEAR) / agency / "manifest.json").read_text(encoding="utf-8"))


def rendered(run_err: str) -> list[str]:
    """The agencies a run's progress lines name (skipped ones print none)."""
    return sorted(m.group(1) for m in re.finditer(r"^\[\d+/\d+\] (\S+): ", run_err, re.M))


# ------------------------------------------------------------------ signals
def test_sigterm_drops_the_report_in_flight_keeps_good_outputs_and_the_next_run_resumes(tmp_path, batch):
    root = gated_project(tmp_path, ["a-done", "b-held", "c-todo"])
    before = plant_earlier_report(root, "b-held")  # the interrupted run will be re-rendering it

    hold(tmp_path / "gates", "b-held")
    run = batch(root, "--jobs", "1")  # with PDFs: this run has a Chromium to end
    assert "完成 ok" in run.wait_finished("a-done")
    kernel = run.wait_running("b-held")
    kinds = run.kinds()
    assert [p.pid for p in kinds["kernel"]] == [kernel] and len(kinds["worker"]) == 1
    assert kinds["chromium"] and kinds["playwright"] and not kinds["other"]
    run.signal(signal.SIGTERM)
    code, _, err = run.finish()

    assert code == 143  # 128 + SIGTERM, the shell's convention
    assert "已被 SIGTERM 中断" in err and "interrupted by SIGTERM" in err
    assert "1 report(s) finished this run, 2 did not" in err and "Run the same command again" in err
    assert "Traceback" not in err
    # The worker, the held kernel, Chromium and the playwright driver are gone as the batch exits,
    # and nothing of the run is left once multiprocessing's tracker has seen its driver go.
    assert alive(kinds["worker"] + kinds["kernel"] + kinds["forkserver"] + kinds["chromium"] + kinds["playwright"]) == []
    wait_until(lambda: not alive(kinds["tracker"]) and not run.leftovers(), "the resource tracker to end")
    assert list(run.tmpdir.iterdir()) == []  # the workers' scratch went with them
    # What finished is complete; the report in flight kept its previous output; the rest untouched.
    assert set(manifest(root, "a-done")["outputs"]) == {"report.ipynb", "report.html", "report.pdf", "validation.json"}
    assert output_bytes(root, "b-held") == before
    assert not (root / "outputs" / str(YEAR) / "c-todo").exists()
    assert dot_entries(root) == []  # no work directory, no temp file, the lock released
    index = (root / "outputs" / str(YEAR) / "index.html").read_text(encoding="utf-8")
    assert "尚未渲染 / not rendered yet" in index and 'data-agency="a-done"' in index

    release(run, "b-held")
    again = batch(root, "--jobs", "2")
    code, out, err = again.finish()
    assert code == 0, err
    assert rendered(err) == ["b-held", "c-todo"]  # a-done is skipped by the cache
    assert "渲染 rendered 2, 跳过 skipped 1" in out
    assert "report.pdf" in output_bytes(root, "b-held") and "report.pdf" in output_bytes(root, "c-todo")
    assert again.leftovers() == []


def test_sigint_with_every_worker_busy_leaves_nothing_behind(tmp_path, batch):
    root = gated_project(tmp_path, ["a-held", "b-held"])
    hold(tmp_path / "gates", "a-held", "b-held")
    run = batch(root, "--jobs", "2", "--no-pdf")
    kernels = {run.wait_running("a-held"), run.wait_running("b-held")}
    kinds = run.kinds()
    assert {p.pid for p in kinds["kernel"]} == kernels and len(kinds["worker"]) == 2
    run.signal(signal.SIGINT)
    code, _, err = run.finish()
    assert code == 130  # 128 + SIGINT
    assert "interrupted by SIGINT: 0 report(s) finished this run, 2 did not" in err
    assert alive(kinds["worker"] + kinds["kernel"] + kinds["forkserver"]) == []
    wait_until(lambda: not alive(kinds["tracker"]) and not run.leftovers(), "the resource tracker to end")
    assert sorted(p.name for p in (root / "outputs" / str(YEAR)).iterdir()) == ["index.html"]


def test_a_signal_during_a_directory_swap_waits_for_the_swap():
    """The held section in-process: the signal is raised when the section ends, not inside it."""
    previous, inside = signal.getsignal(signal.SIGTERM), False
    with pytest.raises(interrupt.Interrupted) as stopped:
        with interrupt.stop_on_signals():
            with interrupt.held():
                os.kill(os.getpid(), signal.SIGTERM)
                inside = True  # reached: the signal did not cut the section
    assert inside and stopped.value.exit_code == 143
    assert signal.getsignal(signal.SIGTERM) is previous  # the previous handler is back


# ------------------------------------------------------------------ two batches
def test_a_second_batch_refuses_or_waits_and_a_killed_holder_frees_the_lock(tmp_path, batch):
    root = gated_project(tmp_path, ["a-first", "b-held"])
    hold(tmp_path / "gates", "b-held")
    first = batch(root, "--jobs", "1", "--no-pdf")
    first.wait_finished("a-first")
    first.wait_running("b-held")
    out_dir = root / "outputs" / str(YEAR)
    written = {p.name: p.stat().st_mtime_ns for p in out_dir.iterdir()}

    code, out, err = batch(root, "--no-pdf").finish()
    assert code == 2
    assert f"正由另一个批量渲染使用（pid {first.process.pid} @" in err
    assert f"is in use by another batch (pid {first.process.pid} @" in err and "--wait" in err
    assert {p.name: p.stat().st_mtime_ns for p in out_dir.iterdir()} == written  # it wrote nothing

    waiting = batch(root, "--no-pdf", "--wait")
    wait_until(lambda: any("waiting for another batch to finish" in line for line in waiting.err), "the waiting line")
    everything = first.tree()
    first.signal(signal.SIGKILL)  # the holder dies without any clean-up: the kernel drops its flock
    assert first.finish()[0] == -signal.SIGKILL
    release(first, "b-held")
    code, out, err = waiting.finish()
    assert code == 0, err
    # It planned only once the first had stopped: a-first, finished by the first, is skipped.
    assert rendered(err) == ["b-held"] and "渲染 rendered 1, 跳过 skipped 1" in out
    # The dead driver's workers noticed and stopped, with their kernel.
    wait_until(lambda: gone(everything) and not first.leftovers(), "the orphaned workers to stop")
    assert dot_entries(root) == []


def test_the_lock_is_per_open_file_and_released_on_exit(tmp_path):
    folder = tmp_path / "outputs" / str(YEAR)
    with outputs_lock(folder) as path:
        assert path.name == LOCK_NAME and f"pid {os.getpid()}" in path.read_text()
        with pytest.raises(Busy) as busy:
            with outputs_lock(folder):
                pass
        assert busy.value.exit_code == 2 and str(folder) in str(busy.value)
    assert not path.exists()
    with outputs_lock(folder):  # free again
        pass


# ------------------------------------------------------------------ a full disk
@contextmanager
def tmpfs(where: Path, size: int):
    """A small filesystem of its own at where (this test fills a disk; it runs as root)."""
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(where)],
                          capture_output=True, text=True)
    assert done.returncode == 0, f"mounting a tmpfs needs root: {done.stderr}"
    try:
        yield where
    finally:
        if subprocess.run(["umount", str(where)], capture_output=True).returncode:
            subprocess.run(["umount", "-l", str(where)], capture_output=True)


def resize(where: Path, size: int) -> None:
    subprocess.run(["mount", "-o", f"remount,size={size}", str(where)], check=True)


def used(where: Path) -> int:
    st = os.statvfs(where)
    return (st.f_blocks - st.f_bfree) * st.f_frsize


def test_a_full_disk_stops_the_batch_and_keeps_every_good_report(tmp_path, batch):
    root = gated_project(tmp_path, ["a-fits", "b-full"])
    out_dir = root / "outputs" / str(YEAR)
    with tmpfs(out_dir, 64 << 20):
        hold(tmp_path / "gates", "b-full")
        run = batch(root, "--no-pdf", "--jobs", "1")
        run.wait_finished("a-fits")
        run.wait_running("b-full")
        good = output_bytes(root, "a-fits")
        report = used(out_dir)  # one report (and the lock file) on a fresh filesystem
        resize(out_dir, used(out_dir) + report // 2)  # the disk fills: room for half a report
        release(run, "b-full")
        code, out, err = run.finish()
        assert code == 1
        assert f"无法写入 {out_dir / 'b-full'}：磁盘空间不足" in err
        assert f"cannot write {out_dir / 'b-full'}: No space left on device" in err
        assert "1 report(s) finished this run, 1 did not" in err and "Free some space (or fix what stops the writes)" in err
        assert "Traceback" not in err
        assert output_bytes(root, "a-fits") == good  # written before the disk filled, intact
        assert not (out_dir / "b-full").exists() and dot_entries(root) == []
        json.loads((out_dir / "a-fits" / "manifest.json").read_text(encoding="utf-8"))

        # The workers' scratch disk fills instead: the report is not recorded as failed (its
        # inputs are fine), nothing is written for it, and the batch stops the same way.
        resize(out_dir, 64 << 20)
        with tmpfs(tmp_path / "small-tmp", 16 << 10) as small:
            code, _, err = batch(root, "--no-pdf", "--jobs", "1", tmpdir=small).finish()
        assert code == 1
        assert "cannot write its scratch file" in err and str(small) in err and "No space left on device" in err
        assert "0 report(s) finished this run, 1 did not" in err
        assert output_bytes(root, "a-fits") == good and not (out_dir / "b-full").exists()
        assert dot_entries(root) == []

        # With room again, the next run renders what is left.
        code, out, err = batch(root, "--no-pdf", "--jobs", "1").finish()
        assert code == 0, err
        assert rendered(err) == ["b-full"]
        audit = audit_outputs(out_dir, root=root)
        assert {a.agency: a.status for a in audit.agencies} == {"a-fits": "verified", "b-full": "verified"}


def test_a_full_disk_is_told_apart_however_it_is_wrapped():
    def wrapped():
        try:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "/scratch/report.ipynb")
        except OSError:
            raise NianbaoError("无法写入", "cannot write") from None  # as a write helper may re-raise it

    with pytest.raises(NianbaoError) as caught:
        wrapped()
    assert disk_error(caught.value).filename == "/scratch/report.ipynb"
    assert disk_error(OSError(errno.EACCES, "Permission denied")) is None  # not the disk's fault: the report's


# ------------------------------------------------------------------ Chromium
def test_chromium_crashing_fails_that_report_only_and_the_next_pdf_prints(tmp_path, batch):
    """Chromium is killed between two reports and cannot start again for one of them: that report
    fails with cause 'pdf' (no HTML or PDF left); the worker's printer restarts for the next; the
    next run plans to retry the failed one by itself (a failure of the machine, not of its inputs)."""
    wrapper = tmp_path / "chromium"
    wrapper.write_text(f'#!/bin/sh\nif [ -e "$NIANBAO_TEST_GATES/chromium.refuse" ]; then\n'
                       f'  echo "test: Chromium will not start" >&2; exit 1\nfi\nexec {find_chromium()} "$@"\n')
    wrapper.chmod(0o755)
    root = gated_project(tmp_path, ["a-first", "b-crash", "c-after"])
    hold(tmp_path / "gates", "b-crash", "c-after")
    run = batch(root, "--jobs", "1", env={"NIANBAO_CHROMIUM": str(wrapper)})
    run.wait_finished("a-first")
    run.wait_running("b-crash")
    browser = run.kinds()["chromium"]
    assert browser  # the worker's Chromium, kept for its next PDF
    for process in browser:
        process.kill()
    wait_until(lambda: gone(browser), "Chromium to die")
    (run.gates / "chromium.refuse").write_text("", encoding="utf-8")
    release(run, "b-crash")
    assert "[pdf]" in run.wait_finished("b-crash")
    run.wait_running("c-after")
    (run.gates / "chromium.refuse").unlink()
    release(run, "c-after")
    code, out, err = run.finish()

    assert code == 1
    failed = manifest(root, "b-crash")
    assert failed["status"] == "failed" and failed["error"]["cause"] == "pdf"
    assert "Chromium failed to print the PDF" in failed["error"]["message"]
    assert set(output_bytes(root, "b-crash")) == {"manifest.json", "report.ipynb"}
    assert re.search(r"b-crash\s+failed\s+\[pdf\]", out)
    for agency in ("a-first", "c-after"):
        pdf = root / "outputs" / str(YEAR) / agency / "report.pdf"
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert manifest(root, agency)["name"] in re.sub(r"\s+", "", text)
    assert run.leftovers() == []

    # The next run retries b-crash by itself (its inputs did not change; the machine failed).
    assert [job.agency for job in plan_batch(root, YEAR).jobs] == ["b-crash"]
