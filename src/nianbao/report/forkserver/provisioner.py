"""The jupyter_client side: a provisioner that asks the fork server for a kernel instead of
Popen-ing one, and the kernel managers papermill is given (``kernel_manager_class=``).

The forked kernel is not our child: it is followed through a pidfd (poll, signals), which
stays bound to that process even after its pid number is reused.
"""
from __future__ import annotations

import asyncio
import os
import select
import shutil
import signal
import tempfile
import time
import uuid
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from traitlets import Bool, DottedObjectName, Type

from .client import fork_supported, launch_kernel, split_kernel_argv


class ForkProvisioner(LocalProvisioner):
    """LocalProvisioner whose kernels come from the fork server; kernels it cannot fork (another
    language, unusual interpreter flags) start the ordinary way."""

    pidfd: int | None = None
    _signalled: int | None = None

    @property
    def has_process(self) -> bool:
        return self.pidfd is not None or super().has_process

    async def launch_kernel(self, cmd: list[str], **kwargs):
        split = split_kernel_argv(cmd)
        if split is None or not fork_supported():
            return await super().launch_kernel(cmd, **kwargs)
        interpreter, argv = split
        env = dict(kwargs.get("env") or os.environ)
        env["JPY_PARENT_PID"] = str(os.getpid())  # as jupyter_client's launcher sets it
        cwd = os.path.abspath(str(kwargs.get("cwd") or os.getcwd()))
        self.pid, self.pidfd = launch_kernel(interpreter, argv, cwd, env)
        self.pgid = self.pid  # the kernel called setsid() before the server replied
        self.cwd = cwd
        self._signalled = None
        return self.connection_info

    def _exited(self) -> bool:
        return bool(select.select([self.pidfd], [], [], 0)[0])

    async def _until_exited(self, timeout: float) -> None:
        """Wait on the pidfd (readable once the process has exited), not in 0.1 s polls."""
        if self._exited():
            return
        loop = asyncio.get_running_loop()
        exited = loop.create_future()
        loop.add_reader(self.pidfd, lambda: exited.done() or exited.set_result(None))
        try:
            await asyncio.wait_for(exited, timeout)
        except asyncio.TimeoutError:
            pass
        finally:
            loop.remove_reader(self.pidfd)

    async def poll(self) -> int | None:
        if self.pidfd is None:
            return await super().poll()
        if not self._exited():
            return None
        # Not our child: its exit status is the server's to collect. Report the signal we sent.
        return -self._signalled if self._signalled else 0

    async def wait(self) -> int | None:
        if self.pidfd is None:
            return await super().wait()
        while (status := await self.poll()) is None:
            await self._until_exited(1.0)
        self._close_pidfd()
        return status

    async def send_signal(self, signum: int) -> None:
        if self.pidfd is None:
            return await super().send_signal(signum)
        if signum in (signal.SIGKILL, signal.SIGTERM):
            self._signalled = signum
        if not self._exited():
            # The whole process group (the kernel and its subprocesses), as LocalProvisioner does;
            # only while the leader lives, so the group id cannot belong to anyone else.
            try:
                os.killpg(self.pgid, signum)
                return
            except OSError:
                pass
        signal.pidfd_send_signal(self.pidfd, signum)

    async def kill(self, restart: bool = False) -> None:
        if self.pidfd is None:
            return await super().kill(restart)
        try:
            await self.send_signal(signal.SIGKILL)
        except ProcessLookupError:
            pass
        # SIGKILL is immediate: KernelManager's next is_alive() finds it dead instead of
        # sleeping 0.1 s before asking again (an immediate shutdown is on every report's path).
        await self._until_exited(1.0)

    async def terminate(self, restart: bool = False) -> None:
        if self.pidfd is None:
            return await super().terminate(restart)
        try:
            await self.send_signal(signal.SIGTERM)
        except ProcessLookupError:
            pass

    def _close_pidfd(self) -> None:
        if self.pidfd is not None:
            os.close(self.pidfd)
            self.pidfd = None

    async def cleanup(self, restart: bool = False) -> None:
        self._close_pidfd()
        await super().cleanup(restart)


_ipc_dir: str | None = None
_ipc_owner: int | None = None


def ipc_dir() -> str:
    """A private directory for this process's kernel sockets (short enough for AF_UNIX paths)."""
    global _ipc_dir, _ipc_owner
    if _ipc_dir is None or _ipc_owner != os.getpid() or not os.path.isdir(_ipc_dir):
        _ipc_dir, _ipc_owner = tempfile.mkdtemp(prefix="nianbao-ipc-"), os.getpid()
        import atexit

        atexit.register(lambda path=_ipc_dir, pid=_ipc_owner: os.getpid() == pid and shutil.rmtree(path, True))
    return _ipc_dir


class PromptKernelClient(AsyncKernelClient):
    """wait_for_ready without jupyter_client's closing 0.2 s of IOPub silence (a fifth of a forked
    kernel's start): ready is the idle status of our own kernel_info request arriving on IOPub,
    which proves both channels connected. Messages of other requests are left for nbclient,
    which ignores them."""

    async def _first(self, channel, wanted, wait: float):
        end = time.monotonic() + wait
        while (left := end - time.monotonic()) > 0:
            try:
                msg = await channel.get_msg(timeout=left)
            except Empty:
                return None
            if wanted(msg):
                return msg
        return None

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            msg_id = self.kernel_info()
            ours = lambda msg: msg["parent_header"].get("msg_id") == msg_id  # noqa: E731
            reply = await self._first(self.shell_channel, lambda m: ours(m) and m["msg_type"] == "kernel_info_reply", 1)
            if reply is not None:
                # A welcome first means IOPub subscribed only now: our status may be lost, ask again.
                seen = await self._first(self.iopub_channel, lambda m: m["msg_type"] == "iopub_welcome" or (
                    ours(m) and m["msg_type"] == "status" and m["content"]["execution_state"] == "idle"), 1)
                if seen is not None and seen["msg_type"] == "status":
                    self._handle_kernel_info_reply(reply)
                    return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")

    wait_for_ready = _async_wait_for_ready  # AsyncKernelClient binds the base function by name


class PlainKernelManager(AsyncKernelManager):
    """A kernel per report started the ordinary way (Popen), over IPC sockets: many kernels
    starting at once cannot race for TCP ports (nteract/papermill#511)."""

    fork = Bool(False, help="ask the fork server for the kernel instead of starting a new interpreter")
    client_class = DottedObjectName("nianbao.report.forkserver.provisioner.PromptKernelClient")
    client_factory = Type(PromptKernelClient, klass=AsyncKernelClient)

    async def _async_pre_start_kernel(self, **kw):
        self.kernel_id = self.kernel_id or kw.pop("kernel_id", None) or str(uuid.uuid4())
        if os.name == "posix":
            self.transport = "ipc"
            self.ip = os.path.join(ipc_dir(), self.kernel_id)
        if self.provisioner is None and self.fork and fork_supported():
            self.provisioner = ForkProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
        return await super()._async_pre_start_kernel(**kw)


class ForkKernelManager(PlainKernelManager):
    """papermill.execute_notebook(..., kernel_manager_class=ForkKernelManager): a fresh kernel
    per report, forked from a server that has ipykernel, pandas and great_expectations loaded."""

    fork = Bool(True, help="ask the fork server for the kernel instead of starting a new interpreter")


def kernel_manager_class(fork: bool = True) -> type[AsyncKernelManager]:
    """ForkKernelManager where forking works (Linux ≥ 5.3), else PlainKernelManager (--no-fork)."""
    return ForkKernelManager if fork and fork_supported() else PlainKernelManager
