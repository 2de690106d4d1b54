"""Batch rendering speed, four ways in one run (by hand, not in CI):

    PYTHONPATH=src python benchmarks/batch.py [--agencies 40] [--jobs 2] [--ways loop,plain,fork,floor]
    PYTHONPATH=src python benchmarks/batch.py --noop 1000        # a rerun with nothing changed
    PYTHONPATH=src python benchmarks/batch.py --memory 40,200    # peak memory of `nianbao batch`

  loop   the loop a user writes: papermill CLI, `jupyter nbconvert` CLI, a fresh headless Chromium
         per PDF, one report after the other
  plain  `nianbao batch --no-fork --jobs J`: plain kernels, nbconvert in the workers, one reused
         Chromium tab per worker
  fork   `nianbao batch --jobs J`: the same with fork-server kernels (the default on Linux)
  floor  the same library work in warm processes with no kernel: the notebook's cells run in an
         in-process IPython shell, then HTML and PDF as above (the cost of isolation is the gap)

Every way renders the same N synthetic agencies (`nianbao synth`, with last year's data) into its
own copy of the project, HTML + PDF + validation per report; the batch ways are the real command
line, start-up included. Printed: seconds per report, reports per minute, ratio to the loop,
`nianbao batch`'s ratio to the floor, peak memory (PSS of the benchmark and all its descendants),
the load average, and whether the executed notebooks and HTML pages of all ways are equal.

--noop N: N synthetic agencies whose outputs are all current (seeded from one rendered report
under each agency's own cache key, as a finished batch leaves them), then `nianbao batch` timed:
it must read each agency's inputs and manifest and render nothing. Target: under 10 s for 1,000.
--memory N,M: peak memory of a 2-worker `nianbao batch` at N and at M reports; flat, under 3 GB.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import psutil

ROOT = Path(__file__).resolve().parents[1]
PROJECT_PARTS = ("notebooks", "templates", "data", "params", "expectations")
YEAR = 2022
BIN = Path(sys.executable).parent


# --- the synthetic project ------------------------------------------------------------------

def make_project(dest: Path, count: int, seed: int = 8) -> list[str]:
    """A project copy with `count` synthetic agencies for YEAR (and their YEAR-1 data) only."""
    from nianbao import synth

    for part in PROJECT_PARTS:
        if (ROOT / part).exists():
            shutil.copytree(ROOT / part, dest / part, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "*.ipynb.*"))
    for part in ("data", "params"):
        shutil.rmtree(dest / part, ignore_errors=True)
    (dest / "outputs").mkdir(exist_ok=True)
    agencies = synth.synthesize(count, YEAR, seed=seed, previous=True)
    synth.write_agencies(agencies, dest, YEAR)
    return sorted(a.id for a in agencies)


def out_dir(root: Path, agency: str) -> Path:
    return root / "outputs" / str(YEAR) / agency


# --- way 1: the user's loop -----------------------------------------------------------------

def way_loop(root: Path, agencies: list[str], jobs: int) -> list[dict]:
    from nianbao.report.publish import CHROMIUM_ARGS, find_chromium

    env = {**os.environ, "NIANBAO_HOME": str(root)}
    chromium = find_chromium()
    for agency in agencies:
        out = out_dir(root, agency)
        out.mkdir(parents=True, exist_ok=True)
        subprocess.run([BIN / "papermill", "notebooks/annual_report.ipynb", out / "report.ipynb", "-p", "agency", agency,
                        "-p", "year", str(YEAR), "--cwd", "notebooks", "-k", "nianbao", "--no-progress-bar"],
                       cwd=root, env=env, check=True, capture_output=True)
        subprocess.run([BIN / "jupyter", "nbconvert", "--to", "html", "--template", "nianbao",
                        f"--TemplateExporter.extra_template_basedirs={root / 'templates'}", out / "report.ipynb"],
                       cwd=root, env=env, check=True, capture_output=True)
        subprocess.run([chromium, "--headless", *CHROMIUM_ARGS, "--no-pdf-header-footer",
                        f"--print-to-pdf={out / 'report.pdf'}", (out / "report.html").as_uri()],
                       env=env, check=True, capture_output=True)
    return []


# --- ways 2 and 3: the command line, plain or fork-server kernels --------------------------------

def batch_command(root: Path, jobs: int, *extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "NIANBAO_HOME": str(root)}
    return subprocess.run([sys.executable, "-m", "nianbao", "batch", "--year", str(YEAR), "--jobs", str(jobs), *extra],
                          cwd=root, env=env, capture_output=True, text=True)


def manifest_timings(root: Path, agencies: list[str]) -> list[dict]:
    timings = []
    for agency in agencies:
        manifest = json.loads((out_dir(root, agency) / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("status") != "ok":
            raise RuntimeError(f"{agency}: {manifest.get('error')}")
        timings.append(manifest.get("timings", {}))
    return timings


def way_plain(root: Path, agencies: list[str], jobs: int) -> list[dict]:
    batch_command(root, jobs, "--no-fork")
    return manifest_timings(root, agencies)


def way_fork(root: Path, agencies: list[str], jobs: int) -> list[dict]:
    batch_command(root, jobs)
    return manifest_timings(root, agencies)


# --- way 4: the floor -------------------------------------------------------------------------

_worker: dict = {}

def _floor_init(root: str, warm_agency: str) -> None:
    import multiprocessing.util

    from IPython.core.displayhook import DisplayHook
    from IPython.core.interactiveshell import InteractiveShell

    import nianbao.report.execute  # noqa: F401 - registers the readable parameter translator
    import nianbao.report.notebook  # noqa: F401 - warm: what the notebook imports
    from nianbao.report.publish import PdfPrinter, html_exporter

    class CollectResults(DisplayHook):
        """The value of a cell's last expression, kept instead of printed."""

        results: list = []

        def start_displayhook(self):
            pass

        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            self.results.append((format_dict, md_dict or {}))

        def finish_displayhook(self):
            pass

    main = sys.modules["__main__"]
    shell = InteractiveShell.instance()
    sys.modules["__main__"] = main  # the shell installs its own; the pool's pickled tasks name ours
    shell.displayhook = CollectResults(shell=shell, cache_size=shell.cache_size)
    shell.display_trap.hook = shell.displayhook
    html_exporter(Path(root) / "templates")
    _worker.update(root=Path(root), printer=PdfPrinter(), shell=shell)
    multiprocessing.util.Finalize(None, _worker["printer"].close, exitpriority=10)
    with tempfile.TemporaryDirectory() as tmp:  # warm: one whole report (GX loaded, Chromium started)
        _floor_render(warm_agency, Path(tmp))


def _execute_in_process(nb) -> None:
    from IPython.utils.capture import capture_output

    shell, main = _worker["shell"], sys.modules["__main__"]
    shell.reset(new_session=True)
    sys.modules["__main__"] = main
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        shell.displayhook.results.clear()
        with capture_output() as captured:
            result = shell.run_cell(cell.source, store_history=True)
        outputs = []
        for name, text in (("stdout", captured.stdout), ("stderr", captured.stderr)):
            if text:
                outputs.append(nbformat.v4.new_output("stream", name=name, text=text))
        outputs += [nbformat.v4.new_output("display_data", data=o.data, metadata=o.metadata or {})
                    for o in captured.outputs]
        outputs += [nbformat.v4.new_output("execute_result", data=data, metadata=md,
                                           execution_count=result.execution_count)
                    for data, md in shell.displayhook.results]
        cell.outputs, cell.execution_count = outputs, result.execution_count
        sys.modules["__main__"] = main
        if not result.success:
            raise RuntimeError(f"cell failed: {result.error_in_exec or result.error_before_exec}")


def _floor_render(agency: str, out: Path | None = None) -> dict:
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    from nianbao.report.publish import notebook_to_html
    from nianbao.report.render import NOTEBOOK, load_params
    from nianbao.model.sources import load_report

    root = _worker["root"]
    t0 = time.perf_counter()
    params = load_params(root, YEAR, agency)
    report = load_report(root / "data" / str(YEAR) / f"{agency}.yaml")
    nb = parameterize_notebook(load_notebook_node(str(root / NOTEBOOK)), params)
    os.chdir(root / "notebooks")
    _execute_in_process(nb)
    out = out or out_dir(root, agency)
    out.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out / "report.ipynb")
    t1 = time.perf_counter()
    (out / "report.html").write_text(notebook_to_html(nb, root / "templates", report.title), encoding="utf-8")
    t2 = time.perf_counter()
    (out / "report.pdf").write_bytes(_worker["printer"].print_pdf(out / "report.html"))
    return {"execute": t1 - t0, "html": t2 - t1, "pdf": time.perf_counter() - t2}


def _noop(_):
    time.sleep(0.2)
    return os.getpid()


def way_floor(root: Path, agencies: list[str], jobs: int) -> list[dict]:
    os.environ["NIANBAO_HOME"] = str(root)
    with multiprocessing.get_context("spawn").Pool(jobs, _floor_init, (str(root), agencies[0])) as pool:
        pool.map(_noop, range(jobs * 2), chunksize=1)  # warm: the floor excludes start-up
        start = time.perf_counter()
        timings = list(pool.imap_unordered(_floor_render, agencies))
        timings.append({"_wall": time.perf_counter() - start})
        pool.close()
        pool.join()
    return timings


WAYS = {"loop": ("the user's loop: papermill CLI + nbconvert CLI + fresh Chromium", way_loop),
        "plain": ("`nianbao batch --no-fork`", way_plain),
        "fork": ("`nianbao batch` (fork-server kernels)", way_fork),
        "floor": ("floor: warm processes, no kernel", way_floor)}


# --- measuring and comparing ------------------------------------------------------------------

class PeakMemory:
    """Peak of the summed PSS of this process and all its descendants (shared pages counted once)."""

    def __init__(self, interval: float = 1.0):
        self.interval, self.peak, self._stop = interval, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _pss(pid: int) -> int:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                return sum(int(line.split()[1]) for line in f if line.startswith("Pss:")) * 1024
        except (OSError, ValueError):
            return 0

    def _run(self):
        me = psutil.Process()
        while not self._stop.is_set():
            try:
                pids = [me.pid] + [p.pid for p in me.children(recursive=True)]
            except psutil.Error:
                continue
            self.peak = max(self.peak, sum(map(self._pss, pids)))
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def notebook_key(path: Path) -> list:
    """What a report's executed notebook says: each code cell's count and outputs (no times,
    ids or the injected-parameters source, which each tool writes its own way; source files by
    their project path: the batch renders in a scratch copy of the project)."""
    nb = nbformat.read(path, as_version=4)
    key = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            outputs = json.dumps([{k: v for k, v in o.items() if k != "metadata"} for o in cell.outputs],
                                 ensure_ascii=False, sort_keys=True)
            key.append((cell.execution_count, re.sub(r'"/[^"]*/(data/\d{4}/[^"/]+\.yaml)"', r'"\1"', outputs)))
    return key


def html_key(path: Path) -> str:
    # <title> differs with the CLI: nianbao passes it; the loop's notebooks are not sealed, where the
    # template would find it otherwise.
    return re.sub(r"<title>.*?</title>", "", path.read_text(encoding="utf-8"), flags=re.S)


def compare(roots: dict[str, Path], agencies: list[str]) -> list[str]:
    differences = []
    base_way = next(iter(roots))
    for agency in agencies:
        base = out_dir(roots[base_way], agency)
        for way, root in roots.items():
            here = out_dir(root, agency)
            if not (here / "report.pdf").is_file() or (here / "report.pdf").stat().st_size == 0:
                differences.append(f"{way}/{agency}: no PDF")
            if notebook_key(here / "report.ipynb") != notebook_key(base / "report.ipynb"):
                differences.append(f"{way}/{agency}: executed notebook differs from {base_way}'s")
            if html_key(here / "report.html") != html_key(base / "report.html"):
                differences.append(f"{way}/{agency}: report.html differs from {base_way}'s")
    return differences


def seed_outputs(root: Path, agencies: list[str], jobs: int) -> None:
    """Render the first agency, then give every other one the same outputs under its own cache
    key: what a finished batch leaves (the rerun reads only inputs and manifests)."""
    from nianbao.batch import run as batch
    from nianbao.provenance import manifest as provenance

    first = agencies[0]
    result = batch_command(root, jobs, "--agencies", first)
    template = out_dir(root, first)
    if not (template / "manifest.json").is_file():
        raise RuntimeError(f"seeding failed: {result.stderr[-2000:]}")
    files = {p.name: p.read_bytes() for p in template.iterdir() if p.is_file()}
    manifest = json.loads(files.pop(provenance.MANIFEST))
    old = os.environ.get("NIANBAO_HOME")
    os.environ["NIANBAO_HOME"] = str(root)
    try:
        plan = batch.plan_batch(root, YEAR)
    finally:
        if old is None:
            os.environ.pop("NIANBAO_HOME")
        else:
            os.environ["NIANBAO_HOME"] = old
    for entry in plan.entries:
        if entry.job is None:
            continue
        own = {**manifest, "agency": entry.agency, "cache_key": entry.job.cache_key}
        batch.write_report_dir(root / "outputs" / str(YEAR), entry.agency,
                               {**files, provenance.MANIFEST: provenance.manifest_bytes(own)})


def run_noop(count: int, jobs: int, base: Path) -> int:
    root = base / "noop"
    agencies = make_project(root, count)
    seed_outputs(root, agencies, jobs)
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        result = batch_command(root, jobs)
        runs.append(time.perf_counter() - start)
    summary = result.stdout.splitlines()[0] if result.stdout else result.stderr[-500:]
    best = min(runs)
    print(f"\nno-op rerun of {count} synthetic agencies, `nianbao batch` from the command line (start-up "
          f"included), 3 runs: {', '.join(f'{r:.2f}' for r in runs)} s; best {best:.2f} s "
          f"({'under' if best < 10 else 'OVER'} the 10 s target); load average {os.getloadavg()[0]:.1f}")
    print(f"  {summary}")
    return 0 if "rendered 0" in summary else 1


def run_memory(counts: list[int], jobs: int, base: Path) -> int:
    print(f"\npeak memory of `nianbao batch --jobs {jobs}` (PSS of the command and all its descendants)\n")
    print("| reports | peak memory | s/report | load average |")
    print("|---|---|---|---|")
    peaks = []
    for count in counts:
        root = base / f"memory-{count}"
        agencies = make_project(root, count)
        with PeakMemory() as memory:
            start = time.perf_counter()
            batch_command(root, jobs)
            wall = time.perf_counter() - start
        manifest_timings(root, agencies)  # all rendered
        peaks.append(memory.peak)
        print(f"| {count} | {memory.peak / 2**20:.0f} MB | {wall / count:.2f} | {os.getloadavg()[0]:.1f} |")
        shutil.rmtree(root, ignore_errors=True)
    flat = max(peaks) < 1.25 * min(peaks)
    print(f"\n{'flat' if flat else 'NOT FLAT'} in the number of reports; "
          f"{'under' if max(peaks) < 3 * 2**30 else 'OVER'} 3 GB")
    return 0 if flat and max(peaks) < 3 * 2**30 else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--ways", default=",".join(WAYS), help=f"comma-separated, of {', '.join(WAYS)}")
    parser.add_argument("--keep", type=Path, help="render into this directory and keep it")
    parser.add_argument("--noop", type=int, metavar="N", help="time a rerun of N agencies with nothing changed, only")
    parser.add_argument("--memory", metavar="N,M", help="peak memory of `nianbao batch` at these report counts, only")
    args = parser.parse_args(argv)
    base = args.keep or Path(tempfile.mkdtemp(prefix="nianbao-bench-"))
    try:
        if args.noop:
            return run_noop(args.noop, args.jobs, base)
        if args.memory:
            return run_memory([int(n) for n in args.memory.split(",")], args.jobs, base)
        return run_ways(args, base)
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


def run_ways(args, base: Path) -> int:
    ways = args.ways.split(",")
    roots, rows, stages, loads = {}, {}, {}, {}
    for way in ways:
        roots[way] = base / way
        agencies = make_project(roots[way], args.agencies)
        print(f"{way}: {WAYS[way][0]} ...", file=sys.stderr, flush=True)
        with PeakMemory() as memory:
            start = time.perf_counter()
            timings = WAYS[way][1](roots[way], agencies, args.jobs)
            wall = time.perf_counter() - start
        loads[way] = os.getloadavg()[0]
        walls = [t["_wall"] for t in timings if "_wall" in t]
        wall = walls[0] if walls else wall
        busy = sum(t.get(k, 0) for t in timings for k in ("execute", "html", "pdf")) / args.jobs
        rows[way] = (wall / len(agencies), memory.peak, wall - busy if busy else None)
        stages[way] = {k: statistics.mean(t[k] for t in timings if k in t)
                       for k in ("execute", "html", "pdf") if any(k in t for t in timings)}
        print(f"  {wall:.1f} s, load average {loads[way]:.1f}", file=sys.stderr, flush=True)
    differences = compare(roots, agencies)

    print(f"\n{args.agencies} synthetic agencies, {args.jobs} workers, {os.cpu_count()} CPUs; HTML + PDF + validation "
          "per report\n")
    print("| way | s/report | reports/min | vs loop | peak memory (PSS) | per report in a worker: execute / html / pdf "
          "| start-up and idle, s | load average |")
    print("|---|---|---|---|---|---|---|---|")
    loop = rows.get("loop", (None,))[0]
    for way, (per, peak, overhead) in rows.items():
        ratio = f"{loop / per:.1f}x" if loop else "—"
        stage = " / ".join(f"{stages[way][k]:.2f}" for k in ("execute", "html", "pdf") if k in stages[way]) or "—"
        idle = "—" if overhead is None else f"{overhead:.1f}"
        print(f"| {WAYS[way][0]} | {per:.2f} | {60 / per:.0f} | {ratio} | {peak / 2**20:.0f} MB | {stage} | {idle} "
              f"| {loads[way]:.1f} |")
    if "fork" in rows and "floor" in rows:
        print(f"\n`nianbao batch` vs floor: {rows['fork'][0] / rows['floor'][0]:.1f}x the floor's time per report")
    print("outputs: " + ("all ways equal (executed notebooks and HTML)" if not differences else
                         f"{len(differences)} DIFFERENCES:\n  " + "\n  ".join(differences)))
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
