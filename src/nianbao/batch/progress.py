"""The batch's progress on the terminal: a bar with counts of done / failed / skipped and an ETA
on a TTY (redrawn in place), one line per finished report otherwise (logs, CI)."""
from __future__ import annotations

import sys
import time

from ..errors import printable


def clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 \
        else f"{seconds // 60}:{seconds % 60:02d}"


class Progress:
    WIDTH = 28

    def __init__(self, total: int, to_render: int, stream=None):
        self.total, self.to_render = total, to_render
        self.stream = stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.done = self.failed = self.skipped = self.rendered = 0
        self.started = time.monotonic()

    def skip(self, n: int = 1) -> None:
        self.skipped += n
        self._draw()

    def finish(self, agency: str, ok: bool, seconds: float, note: str = "", timed: bool = True) -> None:
        """A report ended; timed=False for one that failed before rendering (not in the ETA)."""
        self.rendered += timed
        if ok:
            self.done += 1
        else:
            self.failed += 1
        if not self.tty:
            state = "完成 ok" if ok else "失败 FAILED"
            line = f"[{self.done + self.failed + self.skipped}/{self.total}] {agency}: {state} {seconds:.1f}s"
            # stderr is not behind the command line's guard (the bar draws with escapes): a params file's name is
            print(printable(line + (f"  {note}" if note else ""), lines=True), file=self.stream, flush=True)
        self._draw()

    def eta(self) -> float | None:
        left = self.to_render - self.rendered
        if not self.rendered:
            return None
        return (time.monotonic() - self.started) / self.rendered * left

    def line(self) -> str:
        finished = self.done + self.failed + self.skipped
        filled = int(self.WIDTH * finished / self.total) if self.total else self.WIDTH
        eta = self.eta()
        return (f"[{'█' * filled}{'░' * (self.WIDTH - filled)}] {finished}/{self.total}  "
                f"完成 done {self.done}  失败 failed {self.failed}  跳过 skipped {self.skipped}  "
                f"ETA {clock(eta) if eta is not None else '--:--'}")

    def _draw(self) -> None:
        if self.tty:
            self.stream.write("\r\x1b[2K" + self.line())
            self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("\r\x1b[2K" + self.line() + "\n")
            self.stream.flush()
