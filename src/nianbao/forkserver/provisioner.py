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
import uuid

from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from traitlets import Bool

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
            await asyncio.sleep(0.05)
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


def ipc_dir() -> str:
    """A private directory for this process's kernel sockets (short enough for AF_UNIX paths)."""
    global _ipc_dir
    if _ipc_dir is None or not os.path.isdir(_ipc_dir):
        _ipc_dir = tempfile.mkdtemp(prefix="nianbao-ipc-")
        import atexit

        atexit.register(shutil.rmtree, _ipc_dir, True)
    return _ipc_dir


class PlainKernelManager(AsyncKernelManager):
    """A kernel per report started the ordinary way (Popen), over IPC sockets: many kernels
    starting at once cannot race for TCP ports (nteract/papermill#511)."""

    fork = Bool(False, help="ask the fork server for the kernel instead of starting a new interpreter")

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
