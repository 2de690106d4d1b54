"""A small pool of worker processes for the batch: one call at a time per worker, results as they
come. Unlike concurrent.futures, a worker that dies or overruns its hard deadline is killed and
replaced, and only its own call fails; the others go on.

Workers are started with 'spawn' (the driver may hold threads, e.g. playwright's) and ignore
SIGINT: Ctrl-C is the driver's to handle, and it stops them. A worker asked to stop while busy
(SIGTERM: the driver was interrupted, or the call overran its hard deadline) drops its call,
shuts down what it started (the kernel, its Chromium) and exits; one that does not within GRACE
seconds is killed together with every process under it. No kernel or browser outlives its worker,
and no worker outlives its driver: one whose driver dies (kill -9) stops itself the same way.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
import traceback
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import wait

import psutil

GRACE = 10.0  # seconds a worker asked to stop gets to shut its kernel and browser down


@dataclass
class Outcome:
    index: int  # position of the call's arguments in the list given to run()
    ok: bool
    value: object = None  # the function's return value when ok
    error: str = ""  # why the call failed: a traceback, a dead worker, a missed deadline
    cause: str = ""  # exception | worker-died | timeout


class WorkerStopped(BaseException):
    """Raised in a worker when the driver asks it to stop (SIGTERM): it unwinds the call in
    progress, so the call's own clean-up runs (papermill shuts its kernel down, scratch goes)."""


def _stop_on_sigterm(signum, frame) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # once: the clean-up that follows must not be cut short
    raise WorkerStopped()


def _watch_driver(driver: int) -> None:
    """A driver killed outright cannot stop its workers: each notices it is gone and stops itself."""
    while os.getppid() == driver:
        time.sleep(0.5)
    os.kill(os.getpid(), signal.SIGTERM)


def _worker_main(conn, finalizer, initializer=None, initargs=()) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    threading.Thread(target=_watch_driver, args=(os.getppid(),), daemon=True, name="nianbao-driver-watch").start()
    try:
        if initializer is not None:
            try:
                initializer(*initargs)
            except Exception:  # noqa: BLE001 - a warm-up that fails leaves the work to the first call
                pass
        conn.send("ready")  # deadlines count from here, not from the (slow) spawn
        while True:
            try:
                message = conn.recv()
            except EOFError:
                break
            if message is None:
                break
            fn, args, kwargs = message
            try:
                reply = (True, fn(*args, **kwargs))
            except WorkerStopped:
                raise
            except BaseException as error:  # noqa: BLE001 - reported to the driver, the worker goes on
                reply = (False, "".join(traceback.format_exception(error)))
            conn.send(reply)
    except WorkerStopped:
        # The driver no longer waits for this call. Its event loop was left mid-run: tasks still
        # watching the kernel fail as it goes, which asyncio would print as tracebacks.
        logging.getLogger("asyncio").setLevel(logging.CRITICAL)
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        # Chromium's helpers outlive their browser by a moment, and once it is gone they no longer
        # point back here: take the whole tree first, and return only when all of it has ended.
        tree = psutil.Process().children(recursive=True)
        try:
            if finalizer is not None:
                finalizer()
        finally:
            end_processes(tree + psutil.Process().children(recursive=True))


def descendants(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []


def end_processes(processes: list[psutil.Process], timeout: float = 3.0) -> None:
    """Terminate the processes (a kernel, Chromium and its helpers, the playwright driver), then
    kill any that outlast the timeout. (psutil.Process checks a process's start time before
    signalling it, so a pid reused meanwhile is left alone.)"""
    for signalled in ("terminate", "kill"):
        for process in processes:
            try:
                getattr(process, signalled)()
            except psutil.Error:
                pass
        processes = _wait_ended(processes, timeout)
        if not processes:
            return


def _wait_ended(processes: list[psutil.Process], timeout: float) -> list[psutil.Process]:
    """Those still running after timeout. A zombie has ended (its parent, or init, reaps it):
    waiting for it to vanish would hang where nothing reaps."""
    end = time.monotonic() + timeout
    while True:
        running = []
        for process in processes:
            try:
                if process.status() != psutil.STATUS_ZOMBIE:
                    running.append(process)
            except psutil.Error:
                pass
        if not running or time.monotonic() >= end:
            return running
        processes = running
        time.sleep(0.05)


class _Worker:
    def __init__(self, ctx, finalizer, initializer=None, initargs=()):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, finalizer, initializer, initargs), daemon=True,
                                   name="nianbao-worker")
        self.process.start()
        child.close()
        self.index: int | None = None
        self.deadline = 0.0
        self.ready = False

    def ask_to_stop(self, *, busy: bool) -> None:
        """An idle worker finishes its loop; a busy one (or one still starting) gets SIGTERM and
        drops its call."""
        if busy or not self.ready:
            if self.process.is_alive():
                self.process.terminate()
        else:
            try:
                self.conn.send(None)
            except (BrokenPipeError, OSError):
                pass

    def wait_or_kill(self, deadline: float) -> None:
        """Wait for the worker to exit until deadline (time.monotonic()); then kill it and every
        process under it (collected first: once it is dead they no longer point back to it)."""
        self.process.join(timeout=max(0.0, deadline - time.monotonic()))
        if self.process.is_alive():
            tree = descendants(self.process.pid)
            self.process.kill()
            self.process.join()
            end_processes(tree, timeout=1.0)
        self.conn.close()

    def stop(self, *, busy: bool = False, grace: float = GRACE) -> None:
        self.ask_to_stop(busy=busy)
        self.wait_or_kill(time.monotonic() + grace)


class WorkerPool:
    def __init__(self, size: int, *, finalizer=None, initializer=None, initargs: tuple = ()):
        self.size = max(1, size)
        self.finalizer = finalizer  # a module-level function each worker calls on its way out
        # ... and one it calls on its way in, before it takes work (warming up, e.g. a browser)
        self.initializer, self.initargs = initializer, initargs
        self._ctx = multiprocessing.get_context("spawn")
        self._workers: list[_Worker] = []
        self._failed_starts = 0

    def run(self, fn, arglist: list[tuple], *, kwargs: dict | None = None, hard_timeout: float | None = None):
        """Call fn(*args, **kwargs) for each args in arglist; yield an Outcome per call as it ends.
        hard_timeout (seconds) counts from when a ready worker receives the call."""
        pending = deque(enumerate(arglist))
        self.start(len(arglist))
        busy: list[_Worker] = []
        while pending or busy:
            for worker in [w for w in self._workers if w.ready and w.index is None]:
                if not pending:
                    break
                worker.index, args = pending.popleft()
                worker.deadline = time.monotonic() + hard_timeout if hard_timeout else float("inf")
                worker.conn.send((fn, args, kwargs or {}))
                busy.append(worker)
            watched = busy + [w for w in self._workers if not w.ready]
            soonest = min([w.deadline for w in busy] or [float("inf")])
            wait([w.conn for w in watched] + [w.process.sentinel for w in watched],
                 timeout=None if soonest == float("inf") else max(0.0, soonest - time.monotonic()))
            for worker in [w for w in self._workers if not w.ready]:
                self._start_up(worker)
            for worker in list(busy):
                outcome = self._collect(worker)
                if outcome is not None:
                    busy.remove(worker)
                    worker.index = None
                    yield outcome

    def start(self, calls: int | None = None) -> None:
        """Spawn the workers (as many as calls need, at most size) ahead of run(): their start-up
        can overlap other preparation in the driver."""
        while len(self._workers) < min(self.size, self.size if calls is None else calls):
            self._workers.append(self._new_worker())

    def _start_up(self, worker: _Worker) -> None:
        try:
            if worker.conn.poll():
                worker.ready = worker.conn.recv() == "ready"
                return
        except (EOFError, OSError):
            pass
        if not worker.process.is_alive():
            self._failed_starts += 1
            if self._failed_starts > 3 * self.size:
                raise RuntimeError(f"worker processes keep dying at start (exit code {worker.process.exitcode})")
            self._replace(worker, busy=False)

    def _collect(self, worker: _Worker) -> Outcome | None:
        index = worker.index
        try:
            if worker.conn.poll():
                ok, value = worker.conn.recv()
                return Outcome(index, True, value) if ok else Outcome(index, False, error=value, cause="exception")
        except (EOFError, OSError):
            pass
        if not worker.process.is_alive():
            code = worker.process.exitcode
            self._replace(worker, busy=False)
            return Outcome(index, False, error=f"工作进程意外退出（退出码 {code}）/ the worker process died (exit code {code})",
                           cause="worker-died")
        if time.monotonic() > worker.deadline:
            self._replace(worker, busy=True)
            return Outcome(index, False, error="超过硬性时限，工作进程已终止 / past the hard deadline, the worker was killed",
                           cause="timeout")
        return None

    def _replace(self, worker: _Worker, *, busy: bool) -> None:
        worker.stop(busy=busy)
        self._workers[self._workers.index(worker)] = self._new_worker()

    def _new_worker(self) -> _Worker:
        return _Worker(self._ctx, self.finalizer, self.initializer, self.initargs)

    def close(self, *, abandon: bool = False) -> None:
        """Stop every worker, all at once. abandon (the caller gives up, e.g. interrupted): the
        calls in progress are dropped. Returns when every worker and what it started is gone."""
        for worker in self._workers:
            worker.ask_to_stop(busy=abandon or worker.index is not None)
        deadline = time.monotonic() + GRACE
        for worker in self._workers:
            worker.wait_or_kill(deadline)
        self._workers = []

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *_):
        self.close(abandon=exc_type is not None)
