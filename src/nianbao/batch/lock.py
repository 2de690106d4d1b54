"""One batch at a time per outputs/<year>: an exclusive flock on outputs/<year>/.batch.lock.

The kernel drops an flock when its holder dies, however it dies, so a crashed or killed batch
never leaves a lock that blocks the next one; the file holds the holder's pid, host, start time
and command only to name it in the message. The holder removes the file on release, and a
waiter that locked a file removed meanwhile tries again (else two could hold two files).
The descriptor is not inherited (os.open's default), so workers and kernels never hold it.
"""
from __future__ import annotations

import fcntl
import os
import socket
import sys
from contextlib import contextmanager
from pathlib import Path

from ..errors import UsageError
from ..provenance.manifest import now

LOCK_NAME = ".batch.lock"


class Busy(UsageError):
    """Another batch is writing the same outputs (exit status 2: nothing was done; run it later)."""


def _holder(fd: int) -> str:
    try:
        return os.pread(fd, 1000, 0).decode("utf-8", "replace").strip()
    except OSError:
        return ""


def _busy(folder: Path, holder: str) -> Busy:
    who = f"（{holder}）" if holder else ""
    whom = f" ({holder})" if holder else ""
    return Busy(f"{folder} 正由另一个批量渲染使用{who}；请等它结束后再运行，或加 --wait 排在它之后",
                f"{folder} is in use by another batch{whom}; run again when it has finished, or add --wait "
                "to queue behind it")


def _open(path: Path) -> int:
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    except OSError as error:
        raise UsageError(f"无法打开锁文件 {path}：{error.strerror}", f"cannot open the lock file {path}: "
                         f"{error.strerror}") from None


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.stat(path, follow_symlinks=False).st_ino == os.fstat(fd).st_ino
    except FileNotFoundError:
        return False


@contextmanager
def outputs_lock(folder: Path, *, wait: bool = False, on_wait=None):
    """Hold outputs/<year>'s batch lock within. Busy (exit 2) if another batch holds it, unless
    wait: then block until it is released (on_wait(holder) is called once, to say so)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    told = False
    while True:
        fd = _open(path)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _holder(fd)
                if not wait:
                    raise _busy(folder, holder) from None
                if on_wait is not None and not told:
                    on_wait(holder)
                    told = True
                fcntl.flock(fd, fcntl.LOCK_EX)  # a signal handler that raises (Ctrl-C) ends the wait
            if _same_file(fd, path):
                break
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # the previous holder removed the file while we waited: lock the new one
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} @ {socket.gethostname()}, since {now()}: "
                      f"{' '.join(['nianbao', *sys.argv[1:]])[:300]}\n".encode(), 0)
    except OSError:
        pass  # a full disk: the lock holds all the same, only its note is missing
    try:
        yield path
    finally:
        try:
            path.unlink()
        except OSError:
            pass
        os.close(fd)
