"""The hidden work directories a render or batch builds beside outputs/<year>/<agency> (a report
is built there, then swapped in), and what a killed run (kill -9, a power cut) leaves of them.

A work directory's name carries its owner (pid and host), so the next run of the year removes
those whose owner is gone and leaves a live render's alone; `audit` lists any left over.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import tempfile
from pathlib import Path

# .<agency>.<pid>-<host>.<random>.tmp (a work directory); .<agency>.old-<pid>-<ns> (paths.replace_dir's
# fallback); .<name>.<random>.tmp (a temp file of paths.write_atomic, or a work directory of an
# older nianbao: no owner in its name)
OWNED = re.compile(r"^\.[a-z0-9_-]+\.(?P<pid>\d+)-(?P<host>[A-Za-z0-9-]*)\.[a-z0-9_]+\.tmp\Z")
OLD = re.compile(r"^\.[a-z0-9_-]+\.old-(?P<pid>\d+)-\d+\Z")
UNOWNED = re.compile(r"^\..+\.tmp\Z")


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname())[:40]


def work_dir(parent: Path, agency: str) -> Path:
    """A new, empty work directory for agency's report under parent, named after its owner."""
    work = Path(tempfile.mkdtemp(prefix=f".{agency}.{os.getpid()}-{_host()}.", suffix=".tmp", dir=parent))
    work.chmod(0o755)  # a published directory, readable like any other
    return work


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def orphans(out_dir: Path, *, locked: bool = False) -> list[Path]:
    """The leftovers under out_dir no live process owns. An entry without an owner in its name
    counts only when the caller holds the year's batch lock (locked): then no batch writes
    there, and render names its work directories."""
    found = []
    try:
        entries = sorted(Path(out_dir).iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return []
    for path in entries:
        name = path.name
        match = OWNED.match(name) or OLD.match(name)
        if match:
            host = match.groupdict().get("host")
            if (host is None or host == _host()) and not _alive(int(match["pid"])):
                found.append(path)
        elif locked and UNOWNED.match(name):
            found.append(path)
    return found


def sweep(out_dir: Path, *, locked: bool = False) -> list[str]:
    """Remove the leftovers under out_dir (see orphans); the names removed."""
    removed = []
    for path in orphans(out_dir, locked=locked):
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        except FileNotFoundError:
            pass
        except OSError:
            continue  # not ours to remove (permissions): audit lists it
        removed.append(path.name)
    return removed


def found(out_dir: Path) -> list[str]:
    """What audit lists: every hidden work directory or temp file under out_dir no live process owns."""
    return [p.name for p in orphans(out_dir, locked=True)]
