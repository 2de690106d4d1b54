"""The fork server: imports ipykernel and the report's third-party modules once, then forks one
fresh kernel per request.

Run as a script (``python .../forkserver/server.py``), never imported: nothing of nianbao is
loaded here, so a kit module edited between reports is never stale in a kernel. Only the
standard library is imported before the preload list, and ipykernel comes first in that list
(tqdm.autonotebook and others look for it at import).

The server holds no threads, no zmq context, no asyncio loop and no sqlite connection: a
forked child inherits all of them half-broken. It checks for threads before every fork.

Protocol: one request per connection on a Unix socket inside a 0700 directory, one JSON line
each way. ``{"op": "launch", "argv", "cwd", "env"}`` forks a kernel; the reply
``{"pid": N}`` carries a pidfd of the kernel (SCM_RIGHTS) and is sent only once the child has
called setsid(), entered its cwd and bound its sockets; the server serves other requests
meanwhile. ``{"op": "ping"}`` answers who the server is.
"""
from __future__ import annotations

import os
import sys

# `python path/to/server.py` puts this directory first on sys.path; a kernel must not see it.
if sys.path and os.path.abspath(sys.path[0] or ".") == os.path.dirname(os.path.abspath(__file__)):
    del sys.path[0]

import argparse  # noqa: E402
import ctypes  # noqa: E402
import gc  # noqa: E402
import importlib  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import locale  # noqa: E402
import random  # noqa: E402
import select  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import struct  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402

PR_SET_PDEATHSIG = 1
MAX_REQUEST = 4 << 20  # an environment is a few KB; anything this big is not ours
CHILD_READY_TIMEOUT = 60.0
REAP_INTERVAL = 1.0
PROTOCOL = 1


def log(message: str) -> None:
    print(f"[nianbao fork server {os.getpid()}] {message}", file=sys.stderr, flush=True)


def threads_running() -> int:
    """OS threads of this process (OpenBLAS and friends start C threads Python does not list)."""
    return max(len(os.listdir("/proc/self/task")), threading.active_count())


def forkable_state() -> dict:
    """What must not exist in a process that forks kernels: a child would inherit it half-broken
    (locks of threads it does not have, another process's sockets, a loop, open databases)."""
    zmq = sys.modules.get("zmq")
    events = sys.modules.get("asyncio.events")
    gx = sys.modules.get("great_expectations.data_context.data_context.context_factory")
    files = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith("/") and not target.startswith(("/dev/", "/proc/")):
            files.append(target)
    return {
        "threads": threads_running(),
        "zmq_context": bool(zmq is not None and zmq.Context._instance is not None),
        "asyncio_loop": bool(events is not None and (events._get_running_loop() is not None or getattr(
            getattr(events._event_loop_policy, "_local", None), "_loop", None) is not None)),
        "gx_context": bool(gx is not None and getattr(gx.project_manager, "_ProjectManager__project", None)),
        "open_files": sorted(set(files)),
    }


def interpreter_key() -> dict:
    """What decides sys.path and friends at interpreter start: a kernel forked from this server
    is only equivalent to a fresh one when these match the request's."""
    script = sys.orig_argv.index(sys.argv[0]) if sys.argv[0] in sys.orig_argv else 1
    return {"interpreter": sys.orig_argv[:script],
            "env": {k: v for k, v in os.environ.items() if k.startswith("PYTHON")}}


def preload(modules: list[str]) -> dict[str, str]:
    failed = {}
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception as error:  # noqa: BLE001 - a module that fails here is imported (and fails) in the kernel
            failed[name] = f"{type(error).__name__}: {error}"
            log(f"preload of {name} failed: {failed[name]}")
    return failed


# --- in the child -----------------------------------------------------------------------------

def kernel_context_defaults() -> None:
    """Re-apply what libraries decided at import from the import context. The server imported
    them outside IPython; the kernel must look as if they were imported inside one. Runs before
    the kernel starts, so IPython startup files still have the last word."""
    if "pandas.core.config_init" in sys.modules:
        # pandas registers display.max_columns as 0 in a terminal and 20 when imported in a kernel
        # (config_init.is_terminal); the server is a terminal. display.encoding comes from
        # sys.stdout at import: the server's log there, ipykernel's OutStream in a kernel.
        from ipykernel.iostream import OutStream
        from pandas._config import config as cf

        for key, value in (("display.max_columns", 20), ("display.encoding", OutStream.encoding)):
            cf._registered_options[key] = cf._registered_options[key]._replace(defval=value)
            cf.set_option(key, value)


def reseed() -> None:
    """Children inherit the server's RNG states: give each kernel its own."""
    random.seed()
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()


def driver_poller_class():
    from ipykernel.parentpoller import ParentPollerUnix

    class DriverPoller(ParentPollerUnix):
        """The kernel's parent is the server, not the driver: follow the driver (the process
        that asked for this kernel) through a pidfd, as a plain kernel follows its parent."""

        def run(self):
            try:
                fd = os.pidfd_open(self.parent_pid)
            except OSError:
                os._exit(1)
            select.select([fd], [], [])
            from traitlets.log import get_logger

            get_logger().warning("Parent appears to have exited, shutting down.")
            os._exit(1)

    return DriverPoller


def become_kernel(request: dict, driver_pid: int, ready_w: int, launcher: str, import_env: dict) -> None:
    """In the forked child: become what `python -m ipykernel_launcher ARGV` would have been."""
    os.setsid()  # jupyter signals the kernel's process group
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # else subprocess in a notebook fails with ECHILD
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(signum, signal.SIG_DFL)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    os.environ.update(import_env)  # what preloaded modules set at import (debugpy: PYDEVD_USE_FRAME_EVAL)
    time.tzset()
    try:
        locale.setlocale(locale.LC_CTYPE, "")  # as at interpreter start, from the new environment
    except locale.Error:
        pass
    reseed()
    argv = list(request["argv"])
    sys.argv = [launcher, *argv]

    kernel_context_defaults()
    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    # Explicit: the trait's default was read from JPY_PARENT_PID when the server imported ipykernel.
    app.initialize([*argv, f"--IPKernelApp.parent_handle={driver_pid}"])
    if app.poller is not None:
        app.poller = driver_poller_class()(parent_pid=driver_pid)
    # Ready once the sockets are bound: a client connecting earlier may lose its first
    # kernel_info request and wait a second for the retry.
    os.write(ready_w, b'{"ok": true}\n')
    os.close(ready_w)
    app.start()


def run_child(request: dict, driver_pid: int, ready_w: int, state: dict) -> None:
    """Never returns: a child that got back into the server loop would serve requests."""
    code = 1
    try:
        state["listener"].close()
        os.close(state["parent_fd"])
        for ready_r, pending in state["pending"].items():  # other kernels' launches in flight
            pending["conn"].close()
            os.close(pending["pidfd"])
            os.close(ready_r)
        try:
            become_kernel(request, driver_pid, ready_w, state["launcher"], state["import_env"])
            code = 0
        except BaseException as error:  # noqa: BLE001 - the driver gets the reason (if still listening)
            traceback.print_exc()
            message = json.dumps({"error": f"{type(error).__name__}: {error}"}) + "\n"
            try:
                os.write(ready_w, message.encode())
            except OSError:
                pass
        # The kernel has shut down: run exit hooks (history), skip interpreter finalisation,
        # which costs over a second with great_expectations loaded.
        import atexit

        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)


# --- in the server ----------------------------------------------------------------------------

def read_line(conn: socket.socket, limit: int = MAX_REQUEST) -> bytes:
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
        if len(data) > limit:
            raise ValueError("request too large")
    return data


def send(conn: socket.socket, reply: dict, fds: list[int] = ()) -> None:
    data = (json.dumps(reply) + "\n").encode()
    if fds:
        socket.send_fds(conn, [data], list(fds))
    else:
        conn.sendall(data)


def launch(conn: socket.socket, request: dict, driver_pid: int, state: dict) -> bool:
    """Fork a kernel. True when the connection stays open until the child reports ready (the
    server meanwhile serves other requests); False when it was answered at once."""
    threads = threads_running()
    if threads != 1:  # a thread in the server is a lock held forever in some child
        send(conn, {"error": f"the fork server runs {threads} threads; refusing to fork"})
        return False
    for key in ("argv", "cwd", "env"):
        if key not in request:
            send(conn, {"error": f"launch request without {key!r}"})
            return False
    ready_r, ready_w = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        os.close(ready_r)
        conn.close()
        run_child(request, driver_pid, ready_w, state)
    os.close(ready_w)
    # SIGCHLD is not ignored here, so the child cannot be reaped (and its pid reused) before this.
    pidfd = os.pidfd_open(pid)
    state["pending"][ready_r] = {"conn": conn, "pid": pid, "pidfd": pidfd, "data": b"",
                                 "deadline": time.monotonic() + CHILD_READY_TIMEOUT}
    return True


def answer_launch(ready_r: int, state: dict, reply: dict) -> None:
    """Reply to a pending launch: the kernel's pid and a pidfd for it, or why there is none."""
    pending = state["pending"].pop(ready_r)
    conn, pidfd = pending["conn"], pending["pidfd"]
    try:
        if "error" in reply:
            signal.pidfd_send_signal(pidfd, signal.SIGKILL)
            send(conn, reply)
        else:
            send(conn, {"pid": pending["pid"]}, [pidfd])
    except OSError:  # the driver went away: so does its kernel
        signal.pidfd_send_signal(pidfd, signal.SIGKILL)
    finally:
        conn.close()
        os.close(pidfd)
        os.close(ready_r)


def on_child_ready(ready_r: int, state: dict) -> None:
    pending = state["pending"][ready_r]
    chunk = os.read(ready_r, 65536)
    pending["data"] += chunk
    if not chunk:
        answer_launch(ready_r, state, {"error": "the kernel process exited during setup"})
    elif pending["data"].endswith(b"\n"):
        answer_launch(ready_r, state, json.loads(pending["data"]))


def serve(conn: socket.socket, state: dict) -> bool:
    """Handle one request; True when conn is kept for a later answer."""
    conn.settimeout(30)
    pid, uid, _gid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")))
    if uid != os.getuid():
        send(conn, {"error": "refused: another user"})
        return False
    request = json.loads(read_line(conn) or b"{}")
    op = request.get("op")
    if op == "ping":
        send(conn, {"pid": os.getpid(), "protocol": PROTOCOL, **interpreter_key(), "failed": state["failed"],
                    "state": forkable_state()})
    elif op == "launch":
        return launch(conn, request, pid, state)
    else:
        send(conn, {"error": f"unknown op {op!r}"})
    return False


def reap() -> None:
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--socket", required=True)
    parser.add_argument("--parent", type=int, required=True, help="the driver's pid: the server ends with it")
    parser.add_argument("--ready-fd", type=int, required=True)
    parser.add_argument("--preload", default="[]", help="JSON list of modules, ipykernel first")
    parser.add_argument("--pdeathsig", action="store_true",
                        help="the driver started us from its main thread: PR_SET_PDEATHSIG is safe to use")
    args = parser.parse_args(argv)

    if args.pdeathsig:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != args.parent:  # the driver died before prctl took effect
        return 0
    # The thread that started us may end before the driver does (PDEATHSIG follows threads):
    # watch the driver process itself as well.
    parent_fd = os.pidfd_open(args.parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the driver decides when we stop

    modules = json.loads(args.preload)
    modules.sort(key=lambda name: not name.startswith("ipykernel"))  # ipykernel before the rest
    environ_before = dict(os.environ)
    failed = preload(modules)
    import_env = {k: v for k, v in os.environ.items() if environ_before.get(k) != v}
    launcher = importlib.util.find_spec("ipykernel_launcher").origin
    ready = os.fdopen(args.ready_fd, "w")
    found = forkable_state()
    wrong = [k for k in ("zmq_context", "asyncio_loop", "gx_context") if found[k]]
    if found["threads"] != 1 or wrong:
        ready.write(json.dumps({"error": f"not safe to fork after preloading: {found['threads']} threads "
                                         f"(OPENBLAS_NUM_THREADS=1?), {', '.join(wrong) or 'nothing else'}"}) + "\n")
        return 1

    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old_umask = os.umask(0o077)
    try:
        listener.bind(args.socket)
    finally:
        os.umask(old_umask)
    listener.listen(64)
    gc.collect()
    gc.freeze()  # preloaded objects stay out of the collector: fewer pages copied in each child
    state = {"listener": listener, "parent_fd": parent_fd, "launcher": launcher, "failed": failed,
             "import_env": import_env, "pending": {}}
    ready.write(json.dumps({"pid": os.getpid(), "failed": failed}) + "\n")
    ready.close()
    log(f"ready: {len(modules)} modules preloaded, {len(failed)} failed")

    while True:
        readable, _, _ = select.select([listener, parent_fd, *state["pending"]], [], [], REAP_INTERVAL)
        reap()
        if parent_fd in readable:
            log("driver exited; stopping")
            return 0
        for ready_r in [fd for fd in readable if fd in state["pending"]]:
            on_child_ready(ready_r, state)
        for ready_r in [fd for fd, p in state["pending"].items() if time.monotonic() > p["deadline"]]:
            answer_launch(ready_r, state, {"error": "the kernel process did not report ready"})
        if listener in readable:
            conn, _ = listener.accept()
            keep = False
            try:
                keep = serve(conn, state)
            except Exception as error:  # noqa: BLE001 - one bad request must not stop the server
                log(f"request failed: {traceback.format_exc()}")
                try:
                    send(conn, {"error": f"{type(error).__name__}: {error}"})
                except OSError:
                    pass
            finally:
                if not keep:
                    conn.close()


if __name__ == "__main__":
    sys.exit(main())
