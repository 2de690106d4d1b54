"""Stopping a batch cleanly: SIGINT (Ctrl-C), SIGTERM and SIGHUP become one exception in the
driver, Interrupted, raised wherever the driver is — except inside held(), which a report
directory being swapped into place uses: the signal waits until the swap is done, so an
interrupted batch never leaves a report half replaced. The exit status is the shell's
convention, 128 + the signal's number: 130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP.
"""
from __future__ import annotations

import signal
import threading
from contextlib import contextmanager

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Interrupted(KeyboardInterrupt):
    """The batch was asked to stop by a signal (a KeyboardInterrupt, so generic code treats it as
    Ctrl-C and `except Exception` never swallows it)."""

    def __init__(self, signum: int):
        self.signum = signum
        self.name = signal.Signals(signum).name
        super().__init__(self.name)

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


_state = {"active": False, "held": 0, "pending": None, "raised": False}


def _handler(signum, frame) -> None:
    if _state["raised"]:
        return  # once: the clean-up that follows is bounded and must not be cut short
    if _state["held"]:
        _state["pending"] = signum
        return
    _state["raised"] = True
    raise Interrupted(signum)


@contextmanager
def stop_on_signals():
    """Within: the signals raise Interrupted (once). Only in the main thread (elsewhere Python
    cannot install handlers, and this does nothing); a signal the process ignores (nohup) stays
    ignored. The previous handlers come back on the way out."""
    if threading.current_thread() is not threading.main_thread() or _state["active"]:
        yield
        return
    previous = {}
    _state.update(active=True, held=0, pending=None, raised=False)
    try:
        for signum in SIGNALS:
            if signal.getsignal(signum) is not signal.SIG_IGN:
                previous[signum] = signal.signal(signum, _handler)
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        _state.update(active=False, held=0, pending=None)


@contextmanager
def held():
    """A section a signal must not cut in two: the signal is raised when it ends."""
    _state["held"] += 1
    try:
        yield
    finally:
        _state["held"] -= 1
        pending = _state["pending"]
        if not _state["held"] and pending is not None and _state["active"] and not _state["raised"]:
            _state["pending"], _state["raised"] = None, True
            raise Interrupted(pending)
