"""The driver's side of the fork server: start it, ask it for kernels, restart it when it died.

One server per interpreter configuration (the kernel's python with its options, and the
PYTHON* variables that shape sys.path), started on first use and stopped at exit. A batch driver can start one
server and hand its address to worker processes through NIANBAO_FORKSERVER; a worker whose
shared server is gone (or was started for another interpreter) starts its own.
"""
from __future__ import annotations

import atexit
import contextlib
import functools
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

SERVER_SCRIPT = Path(__file__).with_name("server.py")
ADDRESS_ENV = "NIANBAO_FORKSERVER"
# Numerical libraries start worker threads at import; a forked child would inherit their locks
# but not the threads. One thread each keeps the server forkable.
SINGLE_THREADED = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
START_TIMEOUT = 300.0  # preloading great_expectations on a busy 2-core machine takes seconds, not minutes
REQUEST_TIMEOUT = 120.0
NO_FORK_HINT = "plain kernels need no server: run with --no-fork"


class ForkServerError(RuntimeError):
    """The fork server could not start or could not give a kernel."""


@functools.lru_cache(maxsize=None)
def fork_supported() -> bool:
    """Linux with pidfds (5.3+): the kernel is not our child, pidfds are how we follow it."""
    if not sys.platform.startswith("linux") or not hasattr(os, "pidfd_open") or not hasattr(signal, "pidfd_send_signal"):
        return False
    try:
        os.close(os.pidfd_open(os.getpid()))
    except OSError:
        return False
    return True


def interpreter_key(interpreter: list[str], env: dict) -> tuple:
    """Forking is equivalent to starting `interpreter -m ipykernel_launcher` only when these match."""
    return (tuple(interpreter), tuple(sorted((k, v) for k, v in env.items() if k.startswith("PYTHON"))))


def _read_reply(sock: socket.socket) -> tuple[dict, list[int]]:
    data, fds = b"", []
    while not data.endswith(b"\n"):
        chunk, new_fds, _flags, _addr = socket.recv_fds(sock, 65536, 4)
        fds += new_fds
        if not chunk:
            break
        data += chunk
    if not data:
        for fd in fds:
            os.close(fd)
        raise ConnectionResetError("the fork server closed the connection without a reply")
    return json.loads(data), fds


class ForkServer:
    """A running fork server: its process (when we own it), socket address and private directory."""

    def __init__(self, interpreter: list[str], env: dict, preload: list[str]):
        self.interpreter, self.env, self.preload = list(interpreter), dict(env), list(preload)
        self.owner = os.getpid()
        self.process: subprocess.Popen | None = None
        self.directory: str | None = None
        self.address: str | None = None
        self.failed: dict[str, str] = {}
        self._ready_r: int | None = None

    @classmethod
    def attach(cls, address: str) -> "ForkServer":
        """A server another process owns (a batch driver's), reached at address."""
        server = cls([], {}, [])
        server.address = address
        return server

    @property
    def owned(self) -> bool:
        """Started by this process (a forked copy of the driver must not stop its parent's server)."""
        return self.process is not None and self.owner == os.getpid()

    @property
    def log_path(self) -> Path | None:
        return Path(self.directory) / "server.log" if self.directory else None

    def start(self, wait: bool = True) -> "ForkServer":
        """Start the server; with wait=False return while it preloads (wait_ready() or the first
        request waits), so a driver can start its workers meanwhile."""
        self.directory = tempfile.mkdtemp(prefix="nianbao-fork-")  # 0700: the socket runs code on request
        self.address = os.path.join(self.directory, "server.sock")
        ready_r, ready_w = os.pipe()
        argv = [*self.interpreter, str(SERVER_SCRIPT), "--socket", self.address, "--parent", str(os.getpid()),
                "--ready-fd", str(ready_w), "--preload", json.dumps(self.preload)]
        # PR_SET_PDEATHSIG fires when the *thread* that forked the server ends; only the main
        # thread lives as long as the process. The server also watches our pid in any case.
        if threading.current_thread() is threading.main_thread():
            argv.append("--pdeathsig")
        try:
            with open(self.log_path, "wb") as log:
                self.process = subprocess.Popen(
                    argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                    env={**self.env, **SINGLE_THREADED}, pass_fds=(ready_w,), start_new_session=True)
        finally:
            os.close(ready_w)
        self._ready_r = ready_r
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self) -> None:
        if self._ready_r is None:
            return
        try:
            reply = self._read_ready(self._ready_r)
        finally:
            os.close(self._ready_r)
            self._ready_r = None
        if "error" in reply:
            self.stop()
            raise ForkServerError(f"fork server did not start: {reply['error']} ({NO_FORK_HINT})")
        self.failed = reply.get("failed", {})

    def _read_ready(self, fd: int) -> dict:
        data = b""
        while not data.endswith(b"\n"):
            if not select.select([fd], [], [], START_TIMEOUT)[0]:
                return {"error": f"not ready after {START_TIMEOUT:.0f} s"}
            chunk = os.read(fd, 65536)
            if not chunk:
                return {"error": f"exited with status {self.process.wait()}: {self.log_tail()}"}
            data += chunk
        return json.loads(data)

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except (OSError, TypeError, AttributeError):
            return ""

    def alive(self) -> bool:
        if self.process is not None:
            return self.process.poll() is None
        return self.address is not None and os.path.exists(self.address)

    def request(self, message: dict) -> tuple[dict, list[int]]:
        self.wait_ready()
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(REQUEST_TIMEOUT)
            sock.connect(self.address)
            sock.sendall((json.dumps(message) + "\n").encode())
            return _read_reply(sock)

    def ping(self) -> dict:
        reply, fds = self.request({"op": "ping"})
        for fd in fds:
            os.close(fd)
        return reply

    def launch(self, argv: list[str], cwd: str, env: dict) -> tuple[int, int]:
        """Fork a kernel running `ipykernel_launcher ARGV` in cwd with env: (pid, pidfd)."""
        reply, fds = self.request({"op": "launch", "argv": argv, "cwd": cwd, "env": env})
        if "error" in reply or len(fds) != 1:
            for fd in fds:
                os.close(fd)
            raise ForkServerError(f"the fork server could not start a kernel: {reply.get('error', reply)} "
                                  f"({NO_FORK_HINT})")
        return reply["pid"], fds[0]

    def stop(self) -> None:
        if self._ready_r is not None:
            os.close(self._ready_r)
            self._ready_r = None
        if self.process is not None:
            if self.process.poll() is None:
                self.process.kill()
            self.process.wait()
        if self.directory:
            shutil.rmtree(self.directory, ignore_errors=True)
        self.process = self.directory = None


_servers: dict[tuple, ForkServer] = {}
_lock = threading.Lock()


def default_preload() -> list[str]:
    from .preload import preload_modules

    return preload_modules()


def _shared_server(key: tuple) -> ForkServer | None:
    address = os.environ.get(ADDRESS_ENV)
    if not address:
        return None
    server = ForkServer.attach(address)
    # The driver may have started it a moment ago: its socket appears once preloading is done
    # (the directory vanishes if it failed).
    deadline = time.monotonic() + START_TIMEOUT
    while os.path.isdir(os.path.dirname(address)) and not os.path.exists(address) and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        info = server.ping()
    except OSError:
        return None
    if interpreter_key(info.get("interpreter", []), info.get("env", {})) != key:
        return None
    return server


def server_for(interpreter: list[str], env: dict, *, preload: list[str] | None = None,
               wait: bool = True) -> ForkServer:
    """The server for this interpreter configuration, started (or restarted) when needed."""
    key = interpreter_key(interpreter, env)
    with _lock:
        server = _servers.get(key)
        if server is not None and not server.alive():
            server.stop()
            server = None
        if server is None:
            server = _shared_server(key) or ForkServer(
                interpreter, env, default_preload() if preload is None else preload).start(wait=wait)
            _servers[key] = server
        return server


def launch_kernel(interpreter: list[str], argv: list[str], cwd: str, env: dict) -> tuple[int, int]:
    """Fork a kernel; a server that died (or dies during the request) is replaced once."""
    key = interpreter_key(interpreter, env)
    for attempt in (1, 2):
        server = server_for(interpreter, env)
        try:
            return server.launch(argv, cwd, env)
        except (ConnectionError, FileNotFoundError, socket.timeout) as error:
            with _lock:
                if _servers.get(key) is server:
                    del _servers[key]
                server.stop()
            if attempt == 2:
                raise ForkServerError(f"the fork server is not answering: {error} ({NO_FORK_HINT})") from error
    raise AssertionError("unreachable")


def start_server(kernel_name: str | None = None, env: dict | None = None, *,
                 preload: list[str] | None = None, wait: bool = True) -> ForkServer:
    """Start the server for a kernelspec ahead of its first kernel. A batch driver can pass
    wait=False and export server.address as NIANBAO_FORKSERVER before starting its workers:
    they wait for the socket, and the preload overlaps their own start-up."""
    from jupyter_client.kernelspec import KernelSpecManager

    from ..kernels import ensure_kernel

    spec = KernelSpecManager().get_kernel_spec(kernel_name or ensure_kernel())
    split = split_kernel_argv(spec.argv)
    if split is None:
        raise ForkServerError(f"kernel {kernel_name!r} is not started by `python -m ipykernel_launcher`")
    return server_for(split[0], dict(os.environ if env is None else env), preload=preload, wait=wait)


def split_kernel_argv(argv: list[str]) -> tuple[list[str], list[str]] | None:
    """[python, *options, -m, ipykernel_launcher, *args] → ([python, *options], args); None for
    any other kernel command (those are started the ordinary way)."""
    if "-m" not in argv[1:]:
        return None
    at = argv.index("-m", 1)
    if at + 1 >= len(argv) or argv[at + 1] not in ("ipykernel_launcher", "ipykernel"):
        return None
    if any(not option.startswith("-X") and not option.startswith("-W") for option in argv[1:at]):
        return None  # -c, -I, -E and friends change more than a fork can reproduce
    return argv[:at], argv[at + 2:]


@contextlib.contextmanager
def workers_server(fork: bool = True):
    """A batch driver's fork server, shared by the worker processes it starts inside the block.

    Started without waiting (its preload overlaps the workers' start-up; call wait_ready() once
    they are spawned), its address exported as NIANBAO_FORKSERVER (spawned workers inherit it),
    and stopped at the end: one server per batch, so the next preloads what is installed then.
    Yields None when fork is False or forking is unsupported here (plain kernels)."""
    if not (fork and fork_supported()):
        yield None
        return
    with _lock:
        before = set(map(id, _servers.values()))
    server = start_server(wait=False)
    ours = id(server) not in before  # one this process had already is left running
    old = os.environ.get(ADDRESS_ENV)
    os.environ[ADDRESS_ENV] = server.address
    try:
        yield server
    finally:
        if old is None:
            os.environ.pop(ADDRESS_ENV, None)
        else:
            os.environ[ADDRESS_ENV] = old
        if ours:
            with _lock:
                for key in [k for k, s in _servers.items() if s is server]:
                    del _servers[key]
            server.stop()


def stop_servers() -> None:
    with _lock:
        for server in _servers.values():
            if server.owned:
                server.stop()
        _servers.clear()


def _forget_servers_in_child() -> None:
    """A process forked from a driver keeps none of its servers (they are the parent's)."""
    global _lock
    _lock = threading.Lock()
    _servers.clear()


atexit.register(stop_servers)
os.register_at_fork(after_in_child=_forget_servers_in_child)
