"""The per-report task of a batch: one plain, picklable function that the local worker pool and
Dask distributed both run.

A task carries its inputs as bytes (the notebook, suites and templates shared by all reports in a
Bundle; the parameters and sources of one report in a Job), rebuilds a small project from them in
a temporary directory, renders there and returns every output as bytes. The client writes them,
so workers need no shared disk, and what a report was made from is exactly what the client hashed.

Two failures are the machine's, not the report's, and say so in their cause: a PDF Chromium could
not print ('pdf': the next run retries it) and a full scratch disk ('disk-full': nothing of the
report is returned, so the client keeps what it has and stops).
"""
from __future__ import annotations

import atexit
import errno
import logging
import os
import re
import shutil
import socket
import tempfile
import threading
import time
import traceback
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..provenance import manifest as provenance
from ..errors import NianbaoError, RenderError

DEFAULT_TIMEOUT = 600  # seconds per report
WARM_TURN_WAIT = 30.0  # seconds a worker waits for its turn to warm up before warming up anyway


@dataclass(frozen=True)
class Bundle:
    """What every report of a batch shares: project-relative path → content."""

    files: dict[str, bytes]
    digest: str


@dataclass(frozen=True)
class Job:
    agency: str  # the agency id (file name)
    year: int
    params: dict
    files: dict[str, bytes]  # params/Y/id.yaml, data/Y/id.yaml, data/Y-1/id.yaml when present
    cache_key: str | None = None
    html_only_key: str | None = None  # its cache key should it end without its PDF (no Chromium)
    context: dict = field(default_factory=dict)  # batch-wide facts for the manifest (project commit)


@dataclass
class JobResult:
    agency: str
    year: int
    status: str  # ok | failed
    files: dict[str, bytes]  # output name → content, manifest.json included
    manifest: dict
    error: dict | None = None
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    worker: str = ""


def bundle_from(root: Path) -> Bundle:
    files = {provenance.relative(path, root): path.read_bytes() for _, path in provenance.shared_files(root)
             if path.is_file()}
    digest = provenance.sha256_bytes("\n".join(f"{k}\0{provenance.sha256_bytes(v)}" for k, v in sorted(files.items()))
                                     .encode())
    return Bundle(files, digest)


# ------------------------------------------------------------------ per-process state
_state = threading.local()
_base: dict[int, Path] = {}


def _process_dir() -> Path:
    """A private scratch directory for this worker process, removed when it exits."""
    pid = os.getpid()
    if pid not in _base:
        _base[pid] = Path(tempfile.mkdtemp(prefix=f"nianbao-worker-{pid}-"))
        atexit.register(shutil.rmtree, _base[pid], True)
    return _base[pid]


def sweep_scratch() -> None:
    """Remove the scratch directories of worker processes that are gone (a worker killed at its
    hard deadline cannot clean up after itself)."""
    for folder in Path(tempfile.gettempdir()).glob("nianbao-worker-*-*"):
        try:
            pid = int(folder.name.split("-")[2])
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except (ValueError, IndexError, PermissionError):
            pass


def printer():
    """One Chromium with one reused tab per worker process (and thread: playwright's sync API
    belongs to the thread that started it). It restarts a crashed browser by itself."""
    from ..report.publish import PdfPrinter

    class WorkerPrinter(PdfPrinter):
        def print_pdf(self, html_path):
            try:
                return super().print_pdf(html_path)
            except NianbaoError as error:  # Chromium failed again after its restart: the machine's fault
                raise RenderError(error.zh, error.en, file=error.file, ename="PdfError", evalue=error.en,
                                  cause="pdf") from None

    if getattr(_state, "printer", None) is None or _state.pid != os.getpid():
        _state.printer, _state.pid = WorkerPrinter(), os.getpid()
        atexit.register(_state.printer.close)
    return _state.printer


def _printer_or_none():
    """No Chromium: render_into writes the HTML and says how to install it."""
    from ..report.publish import ChromiumMissing

    try:
        return printer()
    except ChromiumMissing:
        return None


def warm_worker(bundle: Bundle, pdf: bool = True, turns=None) -> None:
    """Ahead of a worker's first report (while the fork server preloads): import the render
    path, build the HTML exporter for the bundle's templates and start Chromium. turns: a
    semaphore bounding how many workers warm up at once (see batch._pool_outcomes); waited for
    a bounded time, since a worker killed while warming up never gives its turn back."""
    turn = turns is not None and turns.acquire(timeout=WARM_TURN_WAIT)
    try:
        from ..report import render  # noqa: F401 - papermill, nbconvert, the kit
        from ..report.publish import html_exporter

        html_exporter((_bundle_dir(bundle) / "templates").resolve())
        if pdf and (printer := _printer_or_none()) is not None:
            printer.start()
    finally:
        if turn:
            turns.release()


def close_worker() -> None:
    if getattr(_state, "printer", None) is not None:
        _state.printer.close()
        _state.printer = None


def _bundle_dir(bundle: Bundle) -> Path:
    folder = _process_dir() / f"bundle-{bundle.digest[:16]}"
    if not folder.is_dir():
        tmp = Path(tempfile.mkdtemp(dir=_process_dir()))
        for rel, data in bundle.files.items():
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp / rel).write_bytes(data)
        os.rename(tmp, folder)
    return folder


@contextmanager
def job_project(job: Job, bundle: Bundle):
    """A throwaway project holding exactly the job's inputs; NIANBAO_HOME points at it meanwhile
    (the kernel inherits it). A worker runs one job at a time."""
    shared = _bundle_dir(bundle)
    root = Path(tempfile.mkdtemp(prefix=f"job-{job.agency}-", dir=_process_dir()))
    for top in sorted({Path(rel).parts[0] for rel in bundle.files}):
        if top == "notebooks":  # the kernel's cwd: its own copy, so nothing a report writes there lingers
            shutil.copytree(shared / top, root / top)
        else:
            (root / top).symlink_to(shared / top, target_is_directory=True)
    for rel, data in job.files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    (root / "work").mkdir()
    old = os.environ.get("NIANBAO_HOME")
    os.environ["NIANBAO_HOME"] = str(root)
    try:
        yield root
    finally:
        if old is None:
            os.environ.pop("NIANBAO_HOME", None)
        else:
            os.environ["NIANBAO_HOME"] = old
        shutil.rmtree(root, ignore_errors=True)


# ------------------------------------------------------------------ the task
# A full disk (or one that takes no more): the machine's fault, and writing anything else would fail too.
DISK_ERRORS = {errno.ENOSPC: "磁盘空间不足", errno.EDQUOT: "超出磁盘配额", errno.EFBIG: "文件超过允许的大小",
               errno.EROFS: "文件系统只读"}


def disk_error(error: BaseException) -> OSError | None:
    """The OSError of a full (or read-only) disk behind error, however wrapped, else None."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OSError) and error.errno in DISK_ERRORS:
            return error
        error = error.__cause__ or error.__context__
    return None


def render_job(job: Job, bundle: Bundle, *, pdf: bool = True, timeout: float = DEFAULT_TIMEOUT,
               engine: dict | None = None) -> JobResult:
    """Render one report from its inputs and return its outputs; never raises for a failed report.

    engine: keyword arguments for papermill/nbclient, e.g. {"kernel_manager_class": ...}."""
    try:
        return _render_job(job, bundle, pdf=pdf, timeout=timeout, engine=engine)
    except Exception as error:
        full = disk_error(error)
        if full is None:
            raise
        where, worker = full.filename or tempfile.gettempdir(), f"{socket.gethostname()}:{os.getpid()}"
        message = (f"工作进程 {worker} 无法写入临时文件 {where}：{DISK_ERRORS[full.errno]} / the worker {worker} "
                   f"cannot write its scratch file {where}: {os.strerror(full.errno)}")
        failure = {"cause": "disk-full", "cell": None, "ename": type(full).__name__, "evalue": str(full),
                   "source": "", "message": message}
        return JobResult(job.agency, job.year, "failed", {}, {"status": "failed", "error": failure}, error=failure)


def _render_job(job: Job, bundle: Bundle, *, pdf: bool, timeout: float, engine: dict | None) -> JobResult:
    from ..report.render import render_into
    from ..model.sources import load_report

    # papermill logs a dead kernel or a timeout as it happens; the failure record says it better
    logging.getLogger("papermill").setLevel(logging.CRITICAL)
    t0, started = time.perf_counter(), provenance.now()
    worker = f"{socket.gethostname()}:{os.getpid()}"
    name = ""
    with job_project(job, bundle) as root:
        work = root / "work"
        try:
            report = load_report(provenance.data_dir(root, job.params) / str(job.year) / f"{job.agency}.yaml")
            name = report.agency
            result = render_into(work, root, job.params, report, printer=_printer_or_none() if pdf else None, pdf=pdf,
                                 report_timeout=timeout, cache_key=job.cache_key,
                                 html_only_key=job.html_only_key, context=job.context,
                                 **(engine or {}))
            return JobResult(job.agency, job.year, "ok", _read_outputs(work), result.manifest,
                             warnings=result.warnings, seconds=time.perf_counter() - t0, worker=worker)
        except Exception as error:  # noqa: BLE001 - one report's failure must not stop the batch
            if disk_error(error):
                raise  # the machine's fault, not the report's: render_job says so
            failure = describe_failure(error, work, root)
        manifest = failure_record(work, root, job, failure, started, name)
        return JobResult(job.agency, job.year, "failed", _read_outputs(work), manifest, error=failure,
                         seconds=time.perf_counter() - t0, worker=worker)


def describe_failure(error: Exception, work: Path, root: Path) -> dict:
    """The failure as the manifest records it, naming the project's files (data/2022/x.yaml),
    not this worker's scratch copies of them."""
    if isinstance(error, RenderError):
        found = {"cause": error.cause, "cell": error.cell, "ename": error.ename, "evalue": error.evalue,
                 "source": _first_lines(error.source), "message": str(error).replace(str(work), "<report>")}
    elif isinstance(error, NianbaoError):  # the source or the parameters are unreadable
        found = {"cause": "input", "cell": None, "ename": type(error).__name__, "evalue": str(error),
                 "source": "", "message": str(error)}
    else:
        found = {"cause": "internal", "cell": None, "ename": type(error).__name__, "evalue": str(error),
                 "source": "", "message": "".join(traceback.format_exception(error))[-4000:]}
    return {k: _project_paths(v, root) if isinstance(v, str) else v for k, v in found.items()}


def _project_paths(text: str, root: Path) -> str:
    """A scratch project's (and the shared bundle's) paths as project-relative ones."""
    for base in {str(root), str(root.resolve())}:
        text = text.replace(base + os.sep, "")
    return re.sub(re.escape(str(_process_dir())) + r"/(?:job-[^/\s]+|bundle-[0-9a-f]+)/", "", text)


def failure_record(work: Path, root: Path, job: Job, failure: dict, started: str, name: str = "") -> dict:
    """Seal what a failed report leaves: its error and, when papermill wrote it, the executed
    notebook with the error banner at the failing cell. Nothing else (no HTML, no PDF)."""
    import nbformat

    for path in work.iterdir():
        if path.name != "report.ipynb":
            path.unlink()
    nb = nbformat.read(str(work / "report.ipynb"), as_version=4) if (work / "report.ipynb").is_file() else None
    inputs = (provenance.report_inputs(root, job.year, job.agency, job.params) + provenance.shared_inputs(root))
    manifest = provenance.build_manifest(
        agency=job.agency, year=job.year, name=name, title="", status="failed", parameters=job.params, inputs=inputs,
        outputs={}, started=started, finished=provenance.now(), cache_key=job.cache_key,
        findings={"known": False, **{s: 0 for s in provenance.SEVERITIES}}, error=failure, context=job.context)
    return provenance.seal(work, nb, manifest)


def _read_outputs(work: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(work.iterdir()) if p.is_file()}


def _first_lines(source: str, n: int = 3) -> str:
    lines = (source or "").splitlines()
    return "\n".join(lines[:n]) + ("\n…" if len(lines) > n else "")
