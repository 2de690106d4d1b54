"""Shared pieces of the batch fault tests: a project whose notebook copy holds a report at a gate
while a test injects a fault (a test-only cell; the shipped notebook has none), and a batch run as
a real subprocess the test can watch (progress lines, gates reached, its process tree) and signal.

Every process of a run carries NIANBAO_TEST_RUN=<token> in its environment (the kernels and
Chromium inherit it), so a test finds any process a run left behind, even one started after it
looked at the tree."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import psutil

from nianbao import synth

from batch_helpers import YEAR
from conftest import ROOT, copy_project

GATE_CELL = """\
# test only: while <gates>/<agency>.hold exists, the report waits here (a test injects a fault meanwhile)
import os, pathlib, time
if os.environ.get("NIANBAO_TEST_GATES"):
    _gates = pathlib.Path(os.environ["NIANBAO_TEST_GATES"])
    if (_gates / f"{agency}.hold").exists():
        (_gates / f"{agency}.pid").write_text(str(os.getpid()))
        os.replace(_gates / f"{agency}.pid", _gates / f"{agency}.running")  # whole, or not there
        while (_gates / f"{agency}.hold").exists():
            time.sleep(0.05)
"""
GATE_INDEX = 3  # after the load cell
WAIT = 180  # seconds: a bound on waiting for a state, never a sleep


def gated_project(base: Path, ids: list[str]) -> Path:
    """A project copy with the gate cell and synthetic agencies named ids (in that order)."""
    root = copy_project(base / "project")
    path = root / "notebooks" / "annual_report.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["cells"].insert(GATE_INDEX, {"cell_type": "code", "execution_count": None, "id": "test-gate",
                                    "metadata": {}, "outputs": [], "source": GATE_CELL})
    path.write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")
    agencies = synth.synthesize(len(ids), YEAR, seed=5, previous=True)
    for agency, ident in zip(agencies, ids):
        agency.id = ident
    synth.write_agencies(agencies, root, YEAR)
    return root


def output_bytes(root: Path, agency: str) -> dict[str, bytes]:
    folder = root / "outputs" / str(YEAR) / agency
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.is_dir() else {}


def dot_entries(root: Path) -> list[str]:
    """Hidden leftovers under outputs/: work directories, temp files, the lock."""
    return sorted(str(p.relative_to(root)) for p in (root / "outputs").rglob(".*"))


def wait_until(condition, what: str, timeout: float = WAIT):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


class BatchRun:
    """`nianbao batch` in a subprocess of its own (so it can be signalled like a user's run)."""

    def __init__(self, root: Path, *args: str, tmpdir: Path, gates: Path | None = None,
                 env: dict | None = None):
        self.root, self.token = root, uuid.uuid4().hex
        self.gates = gates or root.parent / "gates"
        self.gates.mkdir(exist_ok=True)
        self.tmpdir = tmpdir  # short: see test_batch_faults.batch
        self.tmpdir.mkdir(exist_ok=True)
        environment = {**os.environ, "NIANBAO_HOME": str(root), "PYTHONPATH": str(ROOT / "src"),
                       "NIANBAO_TEST_GATES": str(self.gates), "NIANBAO_TEST_RUN": self.token,
                       "TMPDIR": str(self.tmpdir), **(env or {})}
        self.process = subprocess.Popen([sys.executable, "-m", "nianbao", "batch", "--year", str(YEAR), *args],
                                        cwd=root, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True, encoding="utf-8")
        self.out: list[str] = []
        self.err: list[str] = []
        self._readers = [threading.Thread(target=self._read, args=(s, lines), daemon=True)
                         for s, lines in ((self.process.stdout, self.out), (self.process.stderr, self.err))]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _read(stream, lines: list[str]) -> None:
        for line in stream:
            lines.append(line.rstrip("\n"))

    # ---------------------------------------------------------- watching
    def progress(self, agency: str) -> str | None:
        """The progress line of a finished report ('[2/4] x: 完成 ok 3.1s'), if printed yet."""
        return next((line for line in list(self.err) if re.match(rf"\[\d+/\d+\] {re.escape(agency)}: ", line)), None)

    def wait_finished(self, agency: str) -> str:
        return wait_until(lambda: self.progress(agency) or self._dead(f"{agency} to finish"), f"{agency} to finish")

    def wait_running(self, agency: str) -> int:
        """Wait until the agency's kernel sits at its gate; its pid."""
        marker = self.gates / f"{agency}.running"
        wait_until(lambda: marker.is_file() or self._dead(f"{agency} at its gate"), f"{agency} at its gate")
        return int(marker.read_text())

    def _dead(self, what: str) -> bool:
        if self.process.poll() is not None:
            self.finish()
            raise AssertionError(f"the batch exited ({self.process.returncode}) before {what}:\n" + "\n".join(self.err))
        return False

    def tree(self) -> list[psutil.Process]:
        try:
            return psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []

    def kinds(self) -> dict[str, list[psutil.Process]]:
        """The run's processes by kind: worker, kernel, chromium (the browser and its helpers),
        playwright (its node driver), tracker (multiprocessing's resource tracker: Python's own
        bookkeeping, which ends by itself once the batch has exited)."""
        found = {"worker": [], "kernel": [], "forkserver": [], "chromium": [], "playwright": [], "tracker": [], "other": []}
        for process in self.tree():
            try:
                line = " ".join(process.cmdline())
            except psutil.Error:
                continue
            kind = (_fork_kind(process) if "forkserver/server.py" in line
                    else "kernel" if "ipykernel" in line else "tracker" if "resource_tracker" in line
                    else "worker" if "multiprocessing" in line else "playwright" if "run-driver" in line
                    else "chromium" if "chrom" in line.split(" ")[0].lower() else "other")
            found[kind].append(process)
        return found

    def leftovers(self) -> list[str]:
        """Live processes (not zombies) carrying this run's token: none may outlive the run."""
        found = []
        for process in psutil.process_iter(["pid", "name"]):
            try:
                if process.environ().get("NIANBAO_TEST_RUN") == self.token and process.status() != psutil.STATUS_ZOMBIE:
                    found.append(f"{process.pid} {' '.join(process.cmdline())[:120]}")
            except psutil.Error:
                continue
        return found

    # ---------------------------------------------------------- ending
    def signal(self, signum: int) -> None:
        self.process.send_signal(signum)

    def finish(self, timeout: float = WAIT) -> tuple[int, str, str]:
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise
        for reader in self._readers:
            reader.join(10)
        return self.process.returncode, "\n".join(self.out), "\n".join(self.err)


def _fork_kind(process) -> str:
    """A forked kernel keeps its fork server's command line: tell them apart by parentage."""
    try:
        parent = " ".join(process.parent().cmdline())
    except (psutil.Error, AttributeError):
        parent = ""
    return "kernel" if "forkserver/server.py" in parent else "forkserver"
