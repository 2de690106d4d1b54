"""Render every agency of a year: plan (what changed since the last run), run the per-report task
on a local worker pool or a Dask cluster, write each result atomically as it comes back, then
outputs/<year>/index.html and a summary.

A report is skipped when its cache key (see provenance: notebook, parameters, this year's and
last year's source, suites, templates, nianbao's code and the installed packages) equals the one
its manifest records. The parts every report shares are hashed once per batch, so a no-op rerun
reads only each agency's three small inputs and its manifest.

A report that fails never replaces a complete one: its failure is recorded beside it, in
<agency>/failed.json (the kept report's manifest.json stays as it was sealed, so what it
describes and anything signed over it still hold); index.html and audit show both. Nor does a
report that has its PDF give way to one without, unless --no-pdf asks for it (and the summary
says so): without Chromium, a batch that would do so refuses, as render does, before anything.

Faults stop a batch without losing anything: one batch at a time holds outputs/<year> (lock);
SIGINT/SIGTERM/SIGHUP (interrupt) and an output that cannot be written (a full disk) stop the
workers, drop the reports in flight and leave every report directory either as it was or
complete. What finished is kept; the next run renders the rest, and first removes the work
directories a killed run left (leftovers).
"""
from __future__ import annotations

import multiprocessing
import os
import shutil
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from .. import leftovers, paths
from ..provenance import attestation
from . import interrupt
from ..provenance import ledger
from ..provenance import manifest as provenance
from ..provenance import signing
from ..errors import NianbaoError, UsageError
from ..region.register import load_register
from .index import STATUS_ORDER, read_failure, report_status, write_index
from .lock import outputs_lock
from .progress import Progress, clock
from .task import DEFAULT_TIMEOUT, DISK_ERRORS, Job, JobResult

@dataclass
class Entry:
    """One agency of the batch and what happened to it."""

    agency: str
    manifest: dict | None = None
    job: Job | None = None  # set when it has to be rendered
    rendered: bool = False
    seconds: float = 0.0
    failed_early: bool = False  # unreadable parameters or no source: recorded without rendering
    failure: dict | None = None  # the newest render failed: its record (failed.json) beside the kept report
    drop_failure: bool = False  # the kept report is up to date again: its failed.json is obsolete

    @property
    def status(self) -> str:
        return "failed" if self.failure else report_status(self.manifest)


@dataclass
class BatchSummary:
    year: int
    out_dir: Path
    entries: list[Entry] = field(default_factory=list)
    seconds: float = 0.0
    plan_seconds: float = 0.0
    warnings: set[str] = field(default_factory=set)  # e.g. Chromium missing: said once, not per report
    pdfs_dropped: list[str] = field(default_factory=list)  # --no-pdf replaced these reports' PDFs

    def count(self, status: str) -> int:
        return sum(1 for e in self.entries if e.status == status)

    @property
    def rendered(self) -> int:
        return sum(1 for e in self.entries if e.rendered)

    @property
    def skipped(self) -> int:
        return sum(1 for e in self.entries if not e.rendered)

    @property
    def exit_code(self) -> int:
        return 1 if any(e.status in ("failed", "errors") for e in self.entries) else 0


# ------------------------------------------------------------------ plan
@dataclass
class Plan:
    root: Path
    year: int
    entries: list[Entry]
    shared: list[provenance.Input]
    pdf: bool
    notes: list[str] = field(default_factory=list)  # said once at the end (a 汇总 older than its parts)

    @property
    def jobs(self) -> list[Job]:
        return [e.job for e in self.entries if e.job is not None]


def agencies_of(root: Path, year: int) -> list[str]:
    """Every agency with a parameter file for the year."""
    folder = root / "params" / str(year)
    if not folder.is_dir():
        raise UsageError(f"没有 {year} 年的参数文件目录 {folder}", f"no parameter files for {year}: {folder} does not exist")
    return sorted(p.stem for p in folder.glob("*.yaml") if p.is_file())


def select_agencies(root: Path, year: int, agencies: list[str] | None = None) -> list[str]:
    """The agencies a batch covers: all with parameter files, or the given ones (each must have one)."""
    everyone = agencies_of(root, year)
    if agencies:
        unknown = [a for a in agencies if a not in everyone]
        if unknown:
            raise UsageError(f"这些机构在 params/{year}/ 下没有参数文件：{'、'.join(unknown)}",
                             f"no parameter file under params/{year}/ for: {', '.join(unknown)}")
        everyone = [a for a in everyone if a in set(agencies)]
    return everyone


def plan_batch(root: Path, year: int, *, agencies: list[str] | None = None, force: bool = False,
               retry_failed: bool = False, pdf: bool = True, chromium_here: bool = True) -> Plan:
    """chromium_here: the reports print on this machine (not on a remote Dask cluster), so
    whether Chromium is installed here decides what a PDF asked for can give."""
    from ..region.tree import rollup_notes, tree_order
    from ..report.params import notebook_parameters

    everyone = tree_order(root, year, select_agencies(root, year, agencies))  # parts before their 汇总
    shared = provenance.shared_inputs(root)
    if shared[0].sha256 is None:
        raise UsageError(f"找不到报告笔记本 {root / provenance.NOTEBOOK}", f"the report notebook {root / provenance.NOTEBOOK} is missing")
    env = provenance.environment_digest(provenance.environment())
    # The cache key says whether the report has its PDF: one for each, the first the one asked for.
    digests = (provenance.shared_digest(shared, env, pdf), provenance.shared_digest(shared, env, not pdf))
    known = notebook_parameters(root)
    context = {"commit": provenance.git_commit(root)}
    printable = _asked_once(lambda: not chromium_missing()) if pdf and chromium_here else (lambda: True)
    entries = [_plan_one(root, year, agency, shared, digests, known, context, force, retry_failed, pdf, printable)
               for agency in everyone]
    return Plan(root, year, entries, shared, pdf, rollup_notes(root, year, everyone))


def chromium_missing() -> bool:
    """No Chromium on this machine (asked only when it matters: publish loads nbconvert)."""
    from ..report.publish import find_chromium

    return find_chromium() is None


def _asked_once(question):
    """question, asked at its first call only (then never, if no report needs the answer)."""
    answers = []

    def ask():
        if not answers:
            answers.append(question())
        return answers[0]
    return ask


def _up_to_date(existing: dict, keys: tuple[str, str], pdf: bool, printable) -> bool:
    """The report on disk is what this run would make: rendered from the same inputs, with its
    PDF if one is asked for. Also up to date: one with a PDF when --no-pdf is asked for (it only
    has more), and one without when no Chromium could print it (another run would be the same)."""
    key, has_pdf = existing.get("cache_key"), "report.pdf" in (existing.get("outputs") or {})
    with_pdf = keys[0] if pdf else keys[1]
    if key == with_pdf:
        return has_pdf or existing.get("status") != "ok"  # a key that claims a PDF the report lacks: render
    return key in keys and not has_pdf and (not pdf or not printable())


def _plan_one(root, year, agency, shared, digests, known, context, force, retry_failed, pdf, printable) -> Entry:
    from ..report.params import load_params

    try:
        paths.check_agency_id(agency)
        params = load_params(root, year, agency, known)
    except NianbaoError as error:
        return Entry(agency, _failed_manifest(root, year, agency, {}, shared, "input", str(error), context),
                     failed_early=True)
    files, inputs = {}, []
    for role, path in provenance.report_files(root, year, agency, params):
        try:
            data = path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            data = None
        rel = provenance.relative(path, root)
        inputs.append(provenance.Input(role, rel, None if data is None else provenance.sha256_bytes(data)))
        if data is not None and not Path(rel).is_absolute():  # a data_dir outside the project is read in place
            files[rel] = data
    if inputs[1].sha256 is None:
        return Entry(agency, _failed_manifest(
            root, year, agency, params, shared, "input",
            f"没有 {agency} 的 {year} 年源数据（应在 {inputs[1].path}）/ no {year} source data for {agency} "
            f"(expected at {inputs[1].path})", context), failed_early=True)
    keys = tuple(provenance.report_key(d, inputs, params) for d in digests)
    key, html_only_key = keys[0], keys[0 if not pdf else 1]
    existing = provenance.read_manifest(paths.output_dir(root, year, agency))
    failure = read_failure(paths.output_dir(root, year, agency)) if kept_report(root, year, agency, existing) else None
    if not force and existing and _up_to_date(existing, keys, pdf, printable) and _complete(root, year, agency, existing):
        passing = (existing.get("error") or {}).get("cause") in PASSING_CAUSES
        if existing.get("status") == "ok" or not (retry_failed or passing):
            return Entry(agency, existing, drop_failure=failure is not None)
    if not force and failure and failure.get("cache_key") == key:  # these inputs failed before: as a failed report
        if not (retry_failed or (failure.get("error") or {}).get("cause") in PASSING_CAUSES):
            return Entry(agency, existing, failure=failure)
    return Entry(agency, existing, Job(agency, year, params, files, key, html_only_key, context), failure=failure)


def _complete(root: Path, year: int, agency: str, manifest: dict) -> bool:
    folder = paths.output_dir(root, year, agency)
    return all((folder / name).is_file() for name in manifest.get("outputs", {}))


def kept_report(root: Path, year: int, agency: str, manifest: dict | None) -> bool:
    """A complete report a failure must not replace (one that failed itself may be)."""
    return bool(manifest) and manifest.get("status") == "ok" and _complete(root, year, agency, manifest)


def _failed_manifest(root, year, agency, params, shared, cause, message, context, started=None) -> dict:
    inputs = (provenance.report_inputs(root, year, agency, params) if params else []) + shared
    return provenance.build_manifest(
        agency=agency, year=year, name="", title="", status="failed", parameters=params, inputs=inputs, outputs={},
        started=started or provenance.now(), finished=provenance.now(), cache_key=None,
        findings={"known": False, **{s: 0 for s in provenance.SEVERITIES}},
        error={"cause": cause, "cell": None, "ename": "", "evalue": "", "source": "", "message": message},
        context=context)


# Failures of the machine, not of the report's inputs: the next run retries them by itself.
PASSING_CAUSES = ("pdf",)


class OutputsUnwritable(NianbaoError):
    """A report's outputs could not be written (a full disk, above all; writing anything else
    would fail too): the batch stopped, and the report directories are each as they were or
    complete. Exit status 1: reports did not finish."""

    exit_code = 1


# ------------------------------------------------------------------ write
def write_report_dir(out_dir: Path, agency: str, files: dict[str, bytes]) -> Path:
    """Build the report directory beside its place, then rename it in: never half a directory.
    A signal arriving meanwhile waits until the directory is in place (interrupt.held)."""
    paths.check_agency_id(agency)
    target = out_dir / agency
    paths.refuse_links(target, out_dir.parent)  # planted since the batch began: refused, as render does
    with interrupt.held():
        out_dir.mkdir(parents=True, exist_ok=True)
        work = leftovers.work_dir(out_dir, agency)
        try:
            for name, data in files.items():
                if name != Path(name).name or name.startswith("."):
                    raise NianbaoError(f"工作进程返回了不合规的文件名 {name!r}", f"a worker returned a bad file name {name!r}")
                (work / name).write_bytes(data)
            paths.replace_dir(work, target)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
    return target


def _unwritable(where: Path, error: OSError) -> OutputsUnwritable:
    why = error.strerror or str(error)
    return OutputsUnwritable(f"无法写入 {where}：{DISK_ERRORS.get(error.errno, why)}", f"cannot write {where}: {why}")


def _failed_files(entry: Entry) -> dict[str, bytes]:
    if not paths.AGENCY_ID.match(entry.agency):  # a file name that cannot name a report directory
        return {}
    return {provenance.MANIFEST: provenance.manifest_bytes(entry.manifest)}


# ------------------------------------------------------------------ run
def execute_jobs(jobs: list[Job], bundle, *, workers: int | None = None, scheduler: str | None = None,
                 timeout: float = DEFAULT_TIMEOUT, pdf: bool = True, engine: dict | None = None, fork: bool = True,
                 warn=None):
    """Run the per-report task for each job on the local pool (scheduler None) or on Dask
    (an address, or 'local' for a LocalCluster); yield a pool.Outcome per job as it ends.

    fork: fork-server kernels (Linux ≥ 5.3; elsewhere plain ones); False: plain kernels. Either
    way the reports are the same, and so are their cache keys. warn(text) hears what the
    caller should say once (the fork server did not start, plain kernels were used)."""
    if not jobs:
        return
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    task_kwargs = {"pdf": pdf, "timeout": timeout, "engine": engine}
    if scheduler:
        _prepare_kernels()
        yield from _dask_outcomes(scheduler, jobs, bundle, workers, task_kwargs, fork)
    else:
        yield from _pool_outcomes(jobs, bundle, workers, task_kwargs, fork, warn or (lambda text: None))


def _prepare_kernels() -> None:
    from ..report.kernels import compile_kit, ensure_kernel

    ensure_kernel()  # install the kernelspec once, before workers race to
    compile_kit()


def _kernels(fork: bool, engine: dict | None) -> dict:
    from ..report.forkserver import kernel_manager_class

    return {"kernel_manager_class": kernel_manager_class(fork), **(engine or {})}


def _pool_outcomes(jobs: list[Job], bundle, workers: int, task_kwargs: dict, fork: bool, warn):
    from . import task
    from ..report.forkserver import ForkServerError, workers_server
    from .pool import WorkerPool

    timeout = task_kwargs["timeout"]
    # The fork server's preload is single-threaded and the longest part of starting: warming
    # workers leave it a core of its own (on 2 cores they warm up one after the other).
    turns = multiprocessing.get_context("spawn").BoundedSemaphore(max(1, (os.cpu_count() or 2) - 1)) if fork else None
    try:
        # The server first: the workers inherit its address. It preloads while they start and warm up.
        with workers_server(fork) as server, WorkerPool(workers, finalizer=task.close_worker, initializer=task.warm_worker,
                                                        initargs=(bundle, task_kwargs["pdf"], turns)) as pool:
            pool.start(len(jobs))
            _prepare_kernels()  # while the server preloads and the workers warm up
            if server is not None:
                try:
                    server.wait_ready()
                except ForkServerError as error:
                    warn(f"未能启动 fork 服务器，已改用普通内核 / {error}; plain kernels were used")
                    server = None
            kwargs = {**task_kwargs, "engine": _kernels(server is not None, task_kwargs["engine"])}
            # The task bounds its own time (a hung kernel is killed at the report's timeout); the
            # hard deadline catches a worker stuck outside any cell, and its kernel ends with it.
            yield from pool.run(task.render_job, [(job, bundle) for job in jobs], kwargs=kwargs,
                                hard_timeout=2 * timeout + 120)
    finally:
        task.sweep_scratch()


def _dask_outcomes(address: str, jobs: list[Job], bundle, workers: int, task_kwargs: dict, fork: bool):
    """Dask workers fork their kernels from a server of their own, started on their first report
    (a worker may sit on another machine: a UNIX socket does not reach it) and stopped when the
    batch ends; a worker on a system without fork servers uses plain kernels."""
    import logging

    from distributed import Client, LocalCluster, as_completed

    from . import task
    from ..report.forkserver import stop_servers
    from .pool import Outcome

    cluster = None
    if address == "local":
        # threads_per_worker=1: one report at a time per process (the kernel's environment, one browser tab)
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                               silence_logs=logging.ERROR)
    try:
        with Client(cluster or address) as client:
            shared = client.scatter(bundle, broadcast=True)
            fn = partial(task.render_job, **{**task_kwargs, "engine": _kernels(fork, task_kwargs["engine"])})
            futures = {client.submit(fn, job, shared, pure=False, key=f"nianbao-{job.year}-{job.agency}-{os.urandom(4).hex()}"): i
                       for i, job in enumerate(jobs)}
            try:
                for future in as_completed(futures):
                    index = futures[future]
                    if future.status == "finished":
                        yield Outcome(index, True, future.result())
                    else:
                        yield Outcome(index, False, error=repr(future.exception()), cause="exception")
            finally:
                if fork:
                    try:
                        client.run(stop_servers)  # one server per batch, as on the local pool
                    except Exception:  # noqa: BLE001 - a worker that is gone took its server with it
                        pass
    finally:
        if cluster is not None:
            cluster.close()
            task.sweep_scratch()


def run_batch(year, *, root: Path | None = None, jobs: int | None = None, agencies: list[str] | None = None,
              force: bool = False, retry_failed: bool = False, scheduler: str | None = None,
              timeout: float = DEFAULT_TIMEOUT, pdf: bool = True, engine: dict | None = None,
              fork: bool = True, stream=None, wait: bool = False, overview: bool = True) -> BatchSummary:
    """Render every agency of the year with a parameter file (or the given ones) whose inputs
    changed; see the module docstring. engine: papermill/nbclient keyword arguments for the task;
    fork=False: plain kernels instead of fork-server ones (same reports, slower).

    Raises lock.Busy when another batch holds outputs/<year> (wait: queue behind it instead),
    interrupt.Interrupted on SIGINT/SIGTERM/SIGHUP and OutputsUnwritable when a report cannot be
    written; both carry .finished and .unfinished (counts of this run's reports)."""
    t0 = time.perf_counter()
    root = Path(root) if root else paths.project_dir()
    year = paths.check_year(year)
    out_dir = root / "outputs" / str(year)
    chosen = select_agencies(root, year, agencies)  # bad usage is told before anything is created or waited for
    load_register(root, year)  # as is a register that does not hold together
    signing.signer()  # as is an unreadable signing key
    paths.refuse_links(out_dir, root / "outputs")  # not even the lock file goes through a planted link
    for agency in chosen:  # a link planted at outputs/<year>/<agency>: refused, as render refuses it
        if paths.AGENCY_ID.match(agency):
            paths.refuse_links(out_dir / agency, root / "outputs")
    here = scheduler in (None, "local")  # the reports print on this machine
    with interrupt.stop_on_signals(), outputs_lock(out_dir, wait=wait, on_wait=partial(_say_waiting, stream)):
        plan = plan_batch(root, year, agencies=agencies, force=force, retry_failed=retry_failed, pdf=pdf,
                          chromium_here=here)
        summary = BatchSummary(year, out_dir, plan.entries, plan_seconds=time.perf_counter() - t0)
        summary.warnings.update(plan.notes)
        todo = [e for e in plan.entries if e.job is not None]
        if pdf and here:
            _refuse_losing_pdfs(out_dir, todo)
        leftovers.sweep(out_dir, locked=True)  # what a killed render or batch of this year left
        for entry in plan.entries:
            if entry.drop_failure:
                (out_dir / entry.agency / provenance.FAILED).unlink(missing_ok=True)
        progress = Progress(len(plan.entries), len(todo), stream)
        progress.skip(sum(1 for e in plan.entries if e.job is None and not e.failed_early))
        try:
            for entry in plan.entries:
                if entry.failed_early:
                    _store(out_dir, entry, entry.manifest, _failed_files(entry), pdf, summary)
                    entry.rendered = True
                    progress.finish(entry.agency, False, 0.0, _cause(entry.failure or entry.manifest)
                                    + _kept_note(entry), timed=False)
            if todo:
                _render(root, out_dir, plan, todo, summary, progress, workers=jobs, scheduler=scheduler,
                        timeout=timeout, pdf=pdf, engine=engine, fork=fork, warn=summary.warnings.add)
        except (interrupt.Interrupted, OutputsUnwritable) as stop:
            progress.close()
            stop.finished = sum(1 for e in plan.entries if e.rendered)
            stop.unfinished = sum(1 for e in todo if not e.rendered)
            try:
                index_rows(root, year, plan.entries)  # the index shows what is on disk now
            except (OSError, NianbaoError):
                pass  # a full disk: the previous index stays whole
            raise
        progress.close()
        if overview and (summary.rendered or not (out_dir / "overview.html").is_file()):
            region_overview(root, year, pdf, summary)  # before the index, which links to it
        index_rows(root, year, plan.entries)
    summary.seconds = time.perf_counter() - t0
    return summary


def _render(root, out_dir, plan, todo, summary, progress, **run) -> None:
    from .task import bundle_from

    outcomes = execute_jobs([e.job for e in todo], bundle_from(root), **run)
    try:
        for outcome in outcomes:
            entry = todo[outcome.index]
            result = outcome.value if outcome.ok else lost_result(root, plan.shared, entry.job, outcome)
            if (result.error or {}).get("cause") == "disk-full":  # the worker's own disk: nothing to write
                zh, _, en = result.error["message"].partition(" / ")
                raise OutputsUnwritable(zh, en)
            _store(out_dir, entry, result.manifest, result.files, plan.pdf, summary)
            entry.rendered, entry.seconds = True, result.seconds
            summary.warnings.update(result.warnings)
            note = "" if entry.status != "failed" else _cause(entry.failure or entry.manifest) + _kept_note(entry)
            progress.finish(entry.agency, entry.status != "failed", result.seconds, note)
    finally:
        outcomes.close()  # stops the workers; after an interrupt, the reports in flight are dropped


def _refuse_losing_pdfs(out_dir: Path, todo: list[Entry]) -> None:
    """No Chromium, and reports that have their PDF would be rendered again without: refuse the
    batch before anything is touched (exit 2), as render refuses one report."""
    losing = [out_dir / e.agency for e in todo if (out_dir / e.agency / "report.pdf").is_file()]
    if losing and chromium_missing():
        from ..report.render import pdf_kept_error

        raise pdf_kept_error(losing)


def _store(out_dir: Path, entry: Entry, manifest: dict, files: dict[str, bytes], pdf: bool,
           summary: BatchSummary) -> None:
    """Write what a report's run gave: a new report replaces the old one; a failure replaces only
    a failure (or nothing): beside a complete report it is recorded in failed.json and the report
    stays. A report without the PDF asked for (no Chromium on a remote worker) is such a failure
    where the old report has its PDF."""
    target = out_dir / entry.agency
    kept = provenance.read_manifest(target) if paths.AGENCY_ID.match(entry.agency) else None
    kept = kept if kept and kept.get("status") == "ok" and all((target / n).is_file() for n in kept.get("outputs", {})) \
        else None
    has_pdf = kept is not None and "report.pdf" in kept.get("outputs", {})
    if manifest.get("status") == "ok" and pdf and "report.pdf" not in files and has_pdf:
        manifest = _pdf_lost(manifest, target)
    if manifest.get("status") == "ok" or kept is None:
        if has_pdf and "report.pdf" not in files:  # only --no-pdf gets here
            summary.pdfs_dropped.append(entry.agency)
        _write(out_dir, entry.agency, files)
        entry.manifest, entry.failure = manifest, None
        return
    failure = dict(manifest, outputs={})  # its executed notebook is not kept: the error and cell say it
    try:
        paths.write_atomic(target / provenance.FAILED, provenance.manifest_bytes(failure), within=out_dir)
    except NianbaoError as error:
        raise OutputsUnwritable(error.zh, error.en) from None
    entry.manifest, entry.failure = kept, failure


def _pdf_lost(manifest: dict, target: Path) -> dict:
    from ..report.render import pdf_kept_error

    error = pdf_kept_error([target])
    return dict(manifest, status="failed", error={"cause": "pdf", "cell": None, "ename": "ChromiumMissing",
                                                  "evalue": error.en, "source": "", "message": str(error)})


def _kept_note(entry: Entry) -> str:
    if not entry.failure:
        return ""
    return f"；保留上一份报告（{entry.manifest.get('finished', '?')}）/ the previous report is kept"


def _write(out_dir: Path, agency: str, files: dict[str, bytes]) -> None:
    if not files:
        return
    files = attestation.with_statement(files)  # signed here, by the one writer: workers never hold the key
    try:
        with interrupt.held():  # a signal waits until the report and its ledger line are both written
            write_report_dir(out_dir, agency, files)
            ledger.record(out_dir, agency, files.get(attestation.STATEMENT))
    except OSError as error:
        raise _unwritable(out_dir / agency, error) from None


def _say_waiting(stream, holder: str) -> None:
    import sys

    print(f"等待另一个批量渲染结束 / waiting for another batch to finish: {holder or '?'}",
          file=stream or sys.stderr, flush=True)


def stopped_message(stop: BaseException) -> str:
    """What an interrupted or stopped batch says on its way out."""
    finished, unfinished = getattr(stop, "finished", 0), getattr(stop, "unfinished", 0)
    counts = (f"本次完成 {finished} 份，未完成 {unfinished} 份（进行中的已放弃，未写入任何内容）；已有的报告完好",
              f"{finished} report(s) finished this run, {unfinished} did not (those in flight were dropped, "
              "nothing of them written); existing reports are intact")
    if isinstance(stop, interrupt.Interrupted):
        return (f"已被 {stop.name} 中断：{counts[0]}。再次运行同一命令即可从中断处继续 / interrupted by {stop.name}: "
                f"{counts[1]}. Run the same command again to continue where this one stopped")
    return (f"{stop.zh}；批量渲染已停止：{counts[0]}。腾出空间（或排除写入故障）后再次运行同一命令即可继续 / {stop.en}; "
            f"the batch stopped: {counts[1]}. Free some space (or fix what stops the writes), then run the same "
            "command again to continue")


def index_rows(root: Path, year: int, entries: list[Entry]) -> Path:
    """index.html lists every agency of the year, also those this run did not touch (--agencies)."""
    known = {e.agency: (e.manifest, e.failure) for e in entries}
    rows = []
    for agency in agencies_of(root, year):
        if agency in known:
            rows.append((agency, *known[agency]))
        else:
            folder = paths.output_dir(root, year, agency)
            manifest = provenance.read_manifest(folder)
            rows.append((agency, manifest, read_failure(folder) if manifest else None))
    return write_index(root / "outputs" / str(year), year, rows)


def region_overview(root: Path, year: int, pdf: bool, summary: BatchSummary) -> None:
    """outputs/<year>/overview.* after the reports (region.overview); if it fails, the reports stand
    and the summary says why."""
    from ..region.overview import build_overview

    try:
        build_overview(root, year, pdf=pdf)
    except NianbaoError as error:
        summary.warnings.add(f"区域概览未生成 / the region overview was not written: {error}")


def lost_result(root: Path, shared: list, job: Job, outcome) -> JobResult:
    """A report whose worker never answered properly (it died, hung or raised)."""
    cause = {"worker-died": "worker-died", "timeout": "timeout"}.get(outcome.cause, "internal")
    manifest = _failed_manifest(root, job.year, job.agency, job.params, shared, cause, outcome.error,
                                job.context)
    manifest["cache_key"] = job.cache_key
    return JobResult(job.agency, job.year, "failed", {provenance.MANIFEST: provenance.manifest_bytes(manifest)},
                     manifest, error=manifest["error"])


def _cause(manifest: dict) -> str:
    error = manifest.get("error") or {}
    where = f"第 {error['cell']} 格 / cell {error['cell']}: " if error.get("cell") is not None else ""
    what = f"{error.get('ename')}: {error.get('evalue')}" if error.get("ename") else error.get("message", "")
    return f"[{error.get('cause', '?')}] {where}{what}".splitlines()[0][:160]


# ------------------------------------------------------------------ summary
def format_summary(summary: BatchSummary) -> str:
    lines = [f"{summary.year} 年批量渲染 / batch for {summary.year}: {len(summary.entries)} 个机构 agencies, "
             f"渲染 rendered {summary.rendered}, 跳过 skipped {summary.skipped}, 用时 {clock(summary.seconds)} "
             f"({summary.seconds:.1f}s; plan {summary.plan_seconds:.2f}s)", ""]
    counts = [(s, summary.count(s)) for s in STATUS_ORDER]
    lines.append("  ".join(f"{s}: {n}" for s, n in counts))
    trouble = [e for e in summary.entries if e.status in ("failed", "errors")]
    if trouble:
        width = max(len(e.agency) for e in trouble)
        lines += ["", f"{'机构 agency':<{width}}  状态 status  原因 cause"]
        for e in trouble:
            if e.status == "failed":
                why = _cause(e.failure or e.manifest or {}) + _kept_note(e)
            else:
                f = e.manifest.get("findings", {})
                why = f"错误 errors {f.get('error', 0)}, 警告 warnings {f.get('warning', 0)}"
            lines.append(f"{e.agency:<{width}}  {e.status:<11} {why}")
    if summary.pdfs_dropped:
        names = ", ".join(summary.pdfs_dropped)
        lines += ["", f"--no-pdf：{len(summary.pdfs_dropped)} 份报告换成了没有 PDF 的新版本，原 PDF 已删除 / --no-pdf: "
                      f"{len(summary.pdfs_dropped)} report(s) that had a PDF were replaced by HTML-only ones: {names}"]
    lines += ["", *sorted(summary.warnings), f"索引 index: {summary.out_dir / 'index.html'}"]
    return "\n".join(lines)
