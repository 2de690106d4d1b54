"""A small pool of worker processes for the batch: one call at a time per worker, results as they
come. Unlike concurrent.futures, a worker that dies or overruns its hard deadline is killed and
replaced, and only its own call fails; the others go on.

Workers are started with 'spawn' (the driver may hold threads, e.g. playwright's) and ignore
SIGINT: Ctrl-C is the driver's to handle, and it stops them.
"""
from __future__ import annotations

import multiprocessing
import signal
import time
import traceback
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import wait


@dataclass
class Outcome:
    index: int  # position of the call's arguments in the list given to run()
    ok: bool
    value: object = None  # the function's return value when ok
    error: str = ""  # why the call failed: a traceback, a dead worker, a missed deadline
    cause: str = ""  # exception | worker-died | timeout


def _worker_main(conn, finalizer, initializer=None, initargs=()) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        try:
            initializer(*initargs)
        except Exception:  # noqa: BLE001 - a warm-up that fails leaves the work to the first call
            pass
    conn.send("ready")  # deadlines count from here, not from the (slow) spawn
    try:
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
            except BaseException as error:  # noqa: BLE001 - reported to the driver, the worker goes on
                reply = (False, "".join(traceback.format_exception(error)))
            conn.send(reply)
    finally:
        if finalizer is not None:
            finalizer()


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

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.conn.send(None)
            except (BrokenPipeError, OSError):
                pass
        self.process.join(timeout=10)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


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
            self._replace(worker, kill=False)

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
            self._replace(worker, kill=False)
            return Outcome(index, False, error=f"工作进程意外退出（退出码 {code}）/ the worker process died (exit code {code})",
                           cause="worker-died")
        if time.monotonic() > worker.deadline:
            self._replace(worker, kill=True)
            return Outcome(index, False, error="超过硬性时限，工作进程已终止 / past the hard deadline, the worker was killed",
                           cause="timeout")
        return None

    def _replace(self, worker: _Worker, *, kill: bool) -> None:
        worker.stop(kill=kill)
        self._workers[self._workers.index(worker)] = self._new_worker()

    def _new_worker(self) -> _Worker:
        return _Worker(self._ctx, self.finalizer, self.initializer, self.initargs)

    def close(self, *, kill: bool = False) -> None:
        for worker in self._workers:
            worker.stop(kill=kill or worker.index is not None)
        self._workers = []

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *_):
        self.close(kill=exc_type is not None)
