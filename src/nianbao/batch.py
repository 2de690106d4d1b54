"""Render every agency of a year: plan (what changed since the last run), run the per-report task
on a local worker pool or a Dask cluster, write each result atomically as it comes back, then
outputs/<year>/index.html and a summary.

A report is skipped when its cache key (see provenance: notebook, parameters, this year's and
last year's source, suites, templates, nianbao's code and the installed packages) equals the one
its manifest records. The parts every report shares are hashed once per batch, so a no-op rerun
reads only each agency's three small inputs and its manifest.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from . import paths, provenance
from .errors import NianbaoError, UsageError
from .index import STATUS_ORDER, report_status, write_index
from .progress import Progress, clock
from .task import DEFAULT_TIMEOUT, Job, JobResult

@dataclass
class Entry:
    """One agency of the batch and what happened to it."""

    agency: str
    manifest: dict | None = None
    job: Job | None = None  # set when it has to be rendered
    rendered: bool = False
    seconds: float = 0.0
    failed_early: bool = False  # unreadable parameters or no source: recorded without rendering

    @property
    def status(self) -> str:
        return report_status(self.manifest)


@dataclass
class BatchSummary:
    year: int
    out_dir: Path
    entries: list[Entry] = field(default_factory=list)
    seconds: float = 0.0
    plan_seconds: float = 0.0
    warnings: set[str] = field(default_factory=set)  # e.g. Chromium missing: said once, not per report

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

    @property
    def jobs(self) -> list[Job]:
        return [e.job for e in self.entries if e.job is not None]


def agencies_of(root: Path, year: int) -> list[str]:
    """Every agency with a parameter file for the year."""
    folder = root / "params" / str(year)
    if not folder.is_dir():
        raise UsageError(f"没有 {year} 年的参数文件目录 {folder}", f"no parameter files for {year}: {folder} does not exist")
    return sorted(p.stem for p in folder.glob("*.yaml") if p.is_file())


def plan_batch(root: Path, year: int, *, agencies: list[str] | None = None, force: bool = False,
               retry_failed: bool = False, pdf: bool = True) -> Plan:
    from .render import notebook_parameters

    everyone = agencies_of(root, year)
    if agencies:
        unknown = [a for a in agencies if a not in everyone]
        if unknown:
            raise UsageError(f"这些机构在 params/{year}/ 下没有参数文件：{'、'.join(unknown)}",
                             f"no parameter file under params/{year}/ for: {', '.join(unknown)}")
        everyone = [a for a in everyone if a in set(agencies)]
    shared = provenance.shared_inputs(root)
    if shared[0].sha256 is None:
        raise UsageError(f"找不到报告笔记本 {root / provenance.NOTEBOOK}", f"the report notebook {root / provenance.NOTEBOOK} is missing")
    digest = provenance.shared_digest(shared, provenance.environment_digest(provenance.environment()), pdf)
    known = notebook_parameters(root)
    context = {"commit": provenance.git_commit(root)}
    entries = [_plan_one(root, year, agency, shared, digest, known, context, force, retry_failed) for agency in everyone]
    return Plan(root, year, entries, shared, pdf)


def _plan_one(root, year, agency, shared, digest, known, context, force, retry_failed) -> Entry:
    from .render import load_params

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
    key = provenance.report_key(digest, inputs, params)
    existing = provenance.read_manifest(paths.output_dir(root, year, agency))
    if not force and existing and existing.get("cache_key") == key and _complete(root, year, agency, existing):
        if existing.get("status") == "ok" or not retry_failed:
            return Entry(agency, existing)
    return Entry(agency, existing, Job(agency, year, params, files, key, context))


def _complete(root: Path, year: int, agency: str, manifest: dict) -> bool:
    folder = paths.output_dir(root, year, agency)
    return all((folder / name).is_file() for name in manifest.get("outputs", {}))


def _failed_manifest(root, year, agency, params, shared, cause, message, context, started=None) -> dict:
    inputs = (provenance.report_inputs(root, year, agency, params) if params else []) + shared
    return provenance.build_manifest(
        agency=agency, year=year, name="", title="", status="failed", parameters=params, inputs=inputs, outputs={},
        started=started or provenance.now(), finished=provenance.now(), cache_key=None,
        findings={"known": False, **{s: 0 for s in provenance.SEVERITIES}},
        error={"cause": cause, "cell": None, "ename": "", "evalue": "", "source": "", "message": message},
        context=context)


# ------------------------------------------------------------------ write
def write_report_dir(out_dir: Path, agency: str, files: dict[str, bytes]) -> Path:
    """Build the report directory beside its place, then rename it in: never half a directory."""
    from .render import _replace_dir

    paths.check_agency_id(agency)
    target = out_dir / agency
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{agency}.", suffix=".tmp", dir=out_dir))
    try:
        work.chmod(0o755)
        for name, data in files.items():
            if name != Path(name).name or name.startswith("."):
                raise NianbaoError(f"工作进程返回了不合规的文件名 {name!r}", f"a worker returned a bad file name {name!r}")
            (work / name).write_bytes(data)
        _replace_dir(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return target


def _write_failed(out_dir: Path, entry: Entry) -> None:
    if not paths.AGENCY_ID.match(entry.agency):  # a file name that cannot name a report directory
        return
    write_report_dir(out_dir, entry.agency, {provenance.MANIFEST: provenance.manifest_bytes(entry.manifest)})


# ------------------------------------------------------------------ run
def execute_jobs(jobs: list[Job], bundle, *, workers: int | None = None, scheduler: str | None = None,
                 timeout: float = DEFAULT_TIMEOUT, pdf: bool = True, engine: dict | None = None, fork: bool = True,
                 warn=None):
    """Run the per-report task for each job on the local pool (scheduler None) or on Dask
    (an address, or 'local' for a LocalCluster); yield a pool.Outcome per job as it ends.

    fork: fork-server kernels (Linux ≥ 5.3; elsewhere plain ones); False: plain kernels. Either
    way the reports are the same, and so are their cache keys. warn(text) hears what the
    caller should say once (the fork server did not start, plain kernels were used)."""
    from .execute import ensure_kernel

    if not jobs:
        return
    ensure_kernel()  # install the kernelspec once, before workers race to
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    task_kwargs = {"pdf": pdf, "timeout": timeout, "engine": engine}
    if scheduler:
        yield from _dask_outcomes(scheduler, jobs, bundle, workers, task_kwargs, fork)
    else:
        yield from _pool_outcomes(jobs, bundle, workers, task_kwargs, fork, warn or (lambda text: None))


def _kernels(fork: bool, engine: dict | None) -> dict:
    from .forkserver import kernel_manager_class

    return {"kernel_manager_class": kernel_manager_class(fork), **(engine or {})}


def _pool_outcomes(jobs: list[Job], bundle, workers: int, task_kwargs: dict, fork: bool, warn):
    from . import task
    from .forkserver import ForkServerError, workers_server
    from .pool import WorkerPool

    timeout = task_kwargs["timeout"]
    try:
        # The server first: the workers inherit its address. It preloads while they start and warm up.
        with workers_server(fork) as server, WorkerPool(workers, finalizer=task.close_worker, initializer=task.warm_worker,
                                                        initargs=(bundle, task_kwargs["pdf"])) as pool:
            pool.start(len(jobs))
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
    from .forkserver import stop_servers
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
              fork: bool = True, stream=None) -> BatchSummary:
    """Render every agency of the year with a parameter file (or the given ones) whose inputs
    changed; see the module docstring. engine: papermill/nbclient keyword arguments for the task;
    fork=False: plain kernels instead of fork-server ones (same reports, slower)."""
    t0 = time.perf_counter()
    root = Path(root) if root else paths.project_dir()
    year = paths.check_year(year)
    out_dir = root / "outputs" / str(year)
    plan = plan_batch(root, year, agencies=agencies, force=force, retry_failed=retry_failed, pdf=pdf)
    summary = BatchSummary(year, out_dir, plan.entries, plan_seconds=time.perf_counter() - t0)
    todo = [e for e in plan.entries if e.job is not None]
    progress = Progress(len(plan.entries), len(todo), stream)
    progress.skip(sum(1 for e in plan.entries if e.job is None and not e.failed_early))
    for entry in plan.entries:
        if entry.failed_early:
            _write_failed(out_dir, entry)
            entry.rendered = True
            progress.finish(entry.agency, False, 0.0, _cause(entry.manifest), timed=False)
    if todo:
        from .task import bundle_from

        outcomes = execute_jobs([e.job for e in todo], bundle_from(root), workers=jobs, scheduler=scheduler,
                                timeout=timeout, pdf=pdf, engine=engine, fork=fork, warn=summary.warnings.add)
        try:
            for outcome in outcomes:
                entry = todo[outcome.index]
                result = outcome.value if outcome.ok else lost_result(root, plan.shared, entry.job, outcome)
                write_report_dir(out_dir, entry.agency, result.files)
                entry.manifest, entry.rendered, entry.seconds = result.manifest, True, result.seconds
                summary.warnings.update(result.warnings)
                note = "" if result.status == "ok" else _cause(result.manifest)
                progress.finish(entry.agency, result.status == "ok", result.seconds, note)
        finally:
            outcomes.close()
            progress.close()
    else:
        progress.close()
    index_rows(root, year, plan.entries)
    summary.seconds = time.perf_counter() - t0
    return summary


def index_rows(root: Path, year: int, entries: list[Entry]) -> Path:
    """index.html lists every agency of the year, also those this run did not touch (--agencies)."""
    known = {e.agency: e.manifest for e in entries}
    rows = [(agency, known[agency] if agency in known else provenance.read_manifest(paths.output_dir(root, year, agency)))
            for agency in agencies_of(root, year)]
    return write_index(root / "outputs" / str(year), year, rows)


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
                why = _cause(e.manifest or {})
            else:
                f = e.manifest.get("findings", {})
                why = f"错误 errors {f.get('error', 0)}, 警告 warnings {f.get('warning', 0)}"
            lines.append(f"{e.agency:<{width}}  {e.status:<11} {why}")
    lines += ["", *sorted(summary.warnings), f"索引 index: {summary.out_dir / 'index.html'}"]
    return "\n".join(lines)
