"""Fork-server kernels: a forked kernel is a fresh kernel, only cheaper.

Real server, real kernels, real papermill. The gate is the first test: the shipped notebook
gives the same outputs in a forked and a plain kernel (it caught pandas' import-context
default once). The rest pins isolation between reports, signals, crashes and lifetimes.
"""
from __future__ import annotations

import asyncio
import json
import os
import select
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest

from nianbao.errors import RenderError
from nianbao.report.execute import ensure_kernel, execute_report
from nianbao.report.forkserver import (ForkKernelManager, PlainKernelManager, client, kernel_manager_class, start_server,
                                stop_servers)
from nianbao.report.forkserver.preload import preload_modules
from nianbao.report.render import NOTEBOOK, load_params

from conftest import SAMPLE_AGENCY, SAMPLE_YEAR


@pytest.fixture(scope="module")
def server():
    """One fork server for this module, stopped afterwards (other modules start their own)."""
    stop_servers()
    yield start_server()
    stop_servers()


def write_notebook(path: Path, *cells: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(textwrap.dedent(c).strip()) for c in cells]
    nbformat.write(nb, path)
    return path


def run(notebook: Path, cwd: Path, *, fork: bool = True, **kwargs) -> nbformat.NotebookNode:
    out = notebook.with_suffix(f".{'forked' if fork else 'plain'}.ipynb")
    manager = ForkKernelManager if fork else PlainKernelManager
    return execute_report(notebook, out, {}, cwd=cwd, kernel_manager_class=manager, **kwargs)


def stdout(nb, cell: int) -> str:
    return "".join(o.get("text", "") for o in nb.cells[cell].outputs if o.output_type == "stream")


def comparable(nb) -> list:
    """Cells as an auditor compares them: source, execution count, outputs; no times, no ids."""
    return [(c.cell_type, c.source, c.get("execution_count"), c.get("outputs")) for c in nb.cells]


def test_shipped_notebook_is_the_same_in_a_forked_and_a_plain_kernel(server, project):
    params = load_params(project, SAMPLE_YEAR, SAMPLE_AGENCY)
    runs = {}
    for fork, manager in ((True, ForkKernelManager), (False, None)):  # None: papermill's own default kernel
        extra = {"kernel_manager_class": manager} if manager else {}
        out = project / "outputs" / f"report-{fork}.ipynb"
        runs[fork] = execute_report(project / NOTEBOOK, out, params, cwd=project / "notebooks", **extra)
    assert comparable(runs[True]) == comparable(runs[False])
    shown = [o for c in runs[True].cells for o in c.get("outputs", [])]
    assert len(shown) >= 7 and all(o.output_type != "error" for o in shown)


PROBE = """
import json, os, sys, signal, threading, re, importlib, importlib.util, logging, locale, time, warnings, gc
first = {"kit": sorted(m for m in sys.modules if m == "nianbao" or m.startswith("nianbao.")),
         "pyplot": "matplotlib.pyplot" in sys.modules}
"""
PROBE_IMPORTS = """
for name in PRELOAD:
    importlib.import_module(name)
"""
PROBE_STATE = """
from pandas._config import config as cf
import tqdm.autonotebook
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    pandas_options = {k: [repr(o.defval), repr(cf.get_option(k))] for k, o in sorted(cf._registered_options.items())}
umask = os.umask(0o022); os.umask(umask)
state = {
    **first,
    "cwd": os.getcwd(), "path": sys.path, "argv0": sys.argv[0], "flags": repr(sys.flags),
    "environ": dict(os.environ),
    "signals": {s.name: repr(signal.getsignal(s)) for s in (signal.SIGINT, signal.SIGCHLD, signal.SIGTERM,
                                                             signal.SIGPIPE, signal.SIGHUP, signal.SIGQUIT)},
    "own_session": os.getsid(0) == os.getpid() == os.getpgid(0),
    "threads": sorted(re.sub(r"\\d+", "N", t.name) for t in threading.enumerate()),
    "pandas": pandas_options,
    "tqdm": tqdm.autonotebook.tqdm.__module__,
    "rfc3987_syntax": importlib.util.find_spec("rfc3987_syntax") is not None,
    "main_is_user_module": sys.modules["__main__"] is get_ipython().user_module,
    "warnings": sorted(map(repr, warnings.filters)),
    "root_logger": [logging.root.level, [type(h).__name__ for h in logging.root.handlers]],
    "locale": locale.setlocale(locale.LC_ALL), "tz": time.tzname, "umask": umask,
    "gc": [gc.isenabled(), gc.get_threshold()], "recursion": sys.getrecursionlimit(),
    "stdio": [type(sys.stdout).__name__, type(sys.stderr).__name__, type(sys.stdin).__name__],
    "displayhook": type(sys.displayhook).__name__,
    "parent_handle": get_ipython().kernel.parent.parent_handle if hasattr(get_ipython().kernel, "parent") else None,
}
print(json.dumps(state))
"""


def test_a_forked_kernel_looks_like_a_fresh_one(server, tmp_path, monkeypatch):
    """Same interpreter state as a fresh kernel that imported the same modules: sys.path, argv,
    environment, signals, session, threads, every pandas option and its default, ... (Not the
    number of OS threads: the server runs numpy's BLAS with one thread, see client.SINGLE_THREADED.)"""
    monkeypatch.setenv("NIANBAO_PROBE", "环境")
    preload = f"PRELOAD = {server.preload!r}"
    nb = write_notebook(tmp_path / "probe.ipynb", PROBE, preload + "\n" + PROBE_IMPORTS, PROBE_STATE)
    forked, plain = (json.loads(stdout(run(nb, tmp_path, fork=fork), 2)) for fork in (True, False))
    assert forked == plain
    # ... and that state is the one a report needs, not a shared mistake:
    assert forked["kit"] == [] and not forked["pyplot"]  # nianbao is imported fresh in every kernel
    assert forked["pandas"]["display.max_columns"] == ["20", "20"]  # the server imported pandas outside IPython
    assert forked["signals"]["SIGCHLD"] == "<Handlers.SIG_DFL: 0>"
    assert forked["signals"]["SIGINT"] == "<built-in function default_int_handler>"
    assert forked["own_session"] and forked["cwd"] == str(tmp_path)
    assert forked["environ"]["NIANBAO_PROBE"] == "环境" and forked["environ"]["JPY_PARENT_PID"] == str(os.getpid())
    assert forked["parent_handle"] == os.getpid()
    assert not forked["rfc3987_syntax"]  # 0.8–1 s at every jsonschema import; nothing here needs it


def test_reports_in_forked_kernels_share_no_state(server, tmp_path):
    first = write_notebook(tmp_path / "first.ipynb", """
        import json, os, random, numpy, pandas as pd
        leaked = "global"
        json.nianbao_marker = "module attribute"
        pd.set_option("display.max_rows", 7)
        os.environ["NIANBAO_LEAK"] = "environment"
        os.chdir("/")
        """, "print(os.getpid(), numpy.random.random(), random.random())")
    second = write_notebook(tmp_path / "second.ipynb", """
        import json, os, random, numpy, pandas as pd
        print("leaked" in globals(), hasattr(json, "nianbao_marker"), pd.get_option("display.max_rows"),
              "NIANBAO_LEAK" in os.environ, os.getcwd())
        """, "print(os.getpid(), numpy.random.random(), random.random())")
    a, b = run(first, tmp_path), run(second, tmp_path)
    assert stdout(b, 0).split() == ["False", "False", "60", "False", str(tmp_path)]
    pid_a, *draws_a = stdout(a, 1).split()
    pid_b, *draws_b = stdout(b, 1).split()
    assert pid_a != pid_b
    assert draws_a[0] != draws_b[0] and draws_a[1] != draws_b[1]  # RNGs re-seeded in every child
    for nb in (a, b):
        assert [c.execution_count for c in nb.cells] == [1, 2]


def test_subprocess_works_in_a_forked_kernel(server, tmp_path):
    nb = write_notebook(tmp_path / "sub.ipynb", """
        import os, subprocess
        print(subprocess.run(["sh", "-c", "echo child"], capture_output=True, text=True, check=True).stdout.strip())
        print(os.system("true"), subprocess.call(["false"]))
        """)
    assert stdout(run(nb, tmp_path), 0).split() == ["child", "0", "1"]


async def _interrupt_a_running_cell(cwd: Path) -> tuple[str, str]:
    km = ForkKernelManager(kernel_name=ensure_kernel())
    await km.start_kernel(cwd=str(cwd))
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=120)
        msg_id = kc.execute("import time\nprint('sleeping', flush=True)\ntime.sleep(3600)")
        while True:  # interrupt only once the cell is surely running
            msg = await kc.get_iopub_msg(timeout=120)
            if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "stream":
                break
        await km.interrupt_kernel()
        reply = await kc._async_get_shell_msg(timeout=120)
        after = await kc.execute_interactive("40 + 2", timeout=120)
        return reply["content"].get("ename"), after["content"]["status"]
    finally:
        kc.stop_channels()
        await km.shutdown_kernel(now=True)


def test_interrupt_reaches_a_forked_kernel(server, tmp_path):
    ename, status_after = asyncio.run(_interrupt_a_running_cell(tmp_path))
    assert ename == "KeyboardInterrupt" and status_after == "ok"


def gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] in "ZX"
    except FileNotFoundError:
        return True


def test_a_crash_fails_that_report_only(server, tmp_path):
    ok = write_notebook(tmp_path / "ok.ipynb", "print('fine')")
    for crash in ("os._exit(3)", "os.kill(os.getpid(), signal.SIGKILL)"):
        bad = write_notebook(tmp_path / "bad.ipynb", "import os, signal", crash, "print('unreachable')")
        with pytest.raises(RenderError, match="kernel died"):
            run(bad, tmp_path)
        assert stdout(run(ok, tmp_path), 0) == "fine\n"


def test_a_hung_kernel_is_killed_by_the_timeout(server, tmp_path):
    hung = write_notebook(tmp_path / "hung.ipynb", "import os; open('pid', 'w').write(str(os.getpid()))",
                          "import time; time.sleep(3600)")
    with pytest.raises(RenderError, match=r"timed out in cell 1 \(over 2 s\)"):
        run(hung, tmp_path, timeout=2)
    assert gone(int((tmp_path / "pid").read_text()))


def test_a_dead_server_is_restarted(server, tmp_path):
    ok = write_notebook(tmp_path / "ok.ipynb", "print('fine')")
    (first,) = [s for s in client._servers.values()]
    first.process.kill()
    first.process.wait()
    assert stdout(run(ok, tmp_path), 0) == "fine\n"
    (second,) = [s for s in client._servers.values()]
    assert second is not first and second.alive()


DRIVER = """
import asyncio, os, sys
from nianbao.report.forkserver import ForkKernelManager, start_server
from nianbao.report.execute import ensure_kernel
server = start_server(preload=["ipykernel.kernelapp"])
async def main():
    km = ForkKernelManager(kernel_name=ensure_kernel())
    await km.start_kernel(cwd=os.getcwd())
    print(server.process.pid, km.provisioner.pid, oct(os.stat(server.directory).st_mode & 0o777), flush=True)
    await asyncio.sleep(3600)
asyncio.run(main())
"""


def test_server_and_kernels_end_with_their_driver(tmp_path):
    """The socket sits in a 0700 directory; when the driver dies (even by SIGKILL), its fork
    server and the kernels it asked for exit too."""
    driver = subprocess.Popen([sys.executable, "-c", DRIVER], stdout=subprocess.PIPE, text=True, cwd=tmp_path)
    server_pid, kernel_pid, mode = driver.stdout.readline().split()
    assert mode == "0o700"
    watched = [os.pidfd_open(int(server_pid)), os.pidfd_open(int(kernel_pid))]
    driver.kill()
    driver.wait()
    for fd in watched:  # readable = exited; the bound only keeps a broken build from hanging the suite
        assert select.select([fd], [], [], 60)[0] == [fd]
        os.close(fd)


WORKER = """
import sys
from pathlib import Path
from nianbao.report.execute import execute_report
from nianbao.report.forkserver import ForkKernelManager, client
nb = execute_report(Path("ppid.ipynb"), Path("ppid.out.ipynb"), {}, cwd=Path("."),
                    kernel_manager_class=ForkKernelManager)
(server,) = client._servers.values()
print(nb.cells[0].outputs[0]["text"].strip(), server.owned)
"""


def test_workers_share_the_drivers_server(server, tmp_path, monkeypatch):
    """A batch driver exports its server's address; its worker processes fork their kernels there
    instead of starting servers of their own."""
    (shared,) = client._servers.values()
    write_notebook(tmp_path / "ppid.ipynb", "import os; print(os.getppid())")
    monkeypatch.setenv(client.ADDRESS_ENV, shared.address)
    out = subprocess.run([sys.executable, "-c", WORKER], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert out.stdout.split() == [str(shared.process.pid), "False"]


def test_preload_is_third_party_only_with_ipykernel_first(tmp_path):
    modules = preload_modules()
    assert modules[0] == "ipykernel.kernelapp"
    assert {"pandas", "great_expectations", "yaml", "nbformat"} <= set(modules)
    assert not [m for m in modules if m.split(".")[0] == "nianbao" or m.startswith("matplotlib.pyplot")]
    # Derived from what the notebook reaches through the kit: a new dependency is picked up.
    nb = write_notebook(tmp_path / "uses-publish.ipynb", "from nianbao.report import publish\nimport matplotlib.pyplot")
    derived = preload_modules(nb)
    assert "nbconvert" in derived and "matplotlib.pyplot" not in derived


def test_the_server_holds_nothing_a_child_would_inherit_broken(server):
    state = [s for s in client._servers.values()][0].ping()["state"]
    assert state["threads"] == 1
    assert not state["zmq_context"] and not state["asyncio_loop"] and not state["gx_context"]
    assert [Path(f).name for f in state["open_files"]] == ["server.log"]  # no sqlite, nothing else


def test_plain_kernels_without_fork():
    assert kernel_manager_class(fork=False) is PlainKernelManager
    assert kernel_manager_class(fork=True) is ForkKernelManager  # Linux ≥ 5.3 here
    assert client.split_kernel_argv(["py", "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "c.json"]) == (
        ["py", "-Xfrozen_modules=off"], ["-f", "c.json"])
    assert client.split_kernel_argv(["py", "-I", "-m", "ipykernel_launcher"]) is None
    assert client.split_kernel_argv(["R", "--slave", "-e", "IRkernel::main()"]) is None


async def _kernel_pid(cwd: Path) -> tuple[int, int]:
    """(pid, pidfds open) of a fresh forked kernel."""
    km = ForkKernelManager(kernel_name=ensure_kernel())
    await km.start_kernel(cwd=str(cwd))
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=120)
        pid = []
        code = ("import os, pathlib\n"  # the listing's own descriptor is gone when its link is read
                "links = [str(p.readlink()) for p in pathlib.Path('/proc/self/fd').iterdir() if p.exists()]\n"
                "print(os.getpid(), sum('pidfd' in link for link in links))")
        await kc.execute_interactive(code, timeout=120, output_hook=lambda m: pid.append(m["content"].get("text", "")))
        return tuple(map(int, "".join(pid).split()))
    finally:
        kc.stop_channels()
        await km.shutdown_kernel(now=True)


def test_kernels_launched_at_once_each_get_their_own(server, tmp_path):
    """The server answers a launch once the kernel is ready and serves other requests meanwhile."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(4) as pool:
        kernels = list(pool.map(lambda _: asyncio.run(_kernel_pid(tmp_path)), range(4)))
    pids = {pid for pid, _ in kernels}
    assert len(pids) == 4 and not pids & {s.process.pid for s in client._servers.values()}
    # Each kernel follows its driver through one pidfd, and holds no other launch's.
    assert [pidfds for _, pidfds in kernels] == [1] * 4
