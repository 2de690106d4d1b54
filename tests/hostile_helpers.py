"""Shared by the hostile-input tests: a snapshot of a directory tree (to prove nothing was written or
replaced), and the disk-full scenario, run in a private mount namespace where a small tmpfs is
mounted over the project's outputs/.

    python tests/hostile_helpers.py disk-full PROJECT   (under `unshare --user --map-root-user --mount`)
prints one JSON object with what happened; tests/test_hostile_render.py asserts on it.
"""
from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def tree(root: Path) -> dict[str, str]:
    """Every entry under root: files by content hash, links by their target, folders by kind.
    Links are recorded, never followed."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = str(path.relative_to(root))
            if path.is_symlink():
                out[rel] = "-> " + os.readlink(path)
            elif path.is_dir():
                out[rel] = "dir"
            else:
                out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def run_cli(argv: list[str]) -> tuple[int, str]:
    from nianbao.cli import main

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = main(argv)
    return status, err.getvalue()


def fill(path: Path, leave: int) -> None:
    """Fill the filesystem holding path, then give back `leave` bytes."""
    chunk = b"\0" * 65536
    with open(path, "wb") as f:
        try:
            while True:
                f.write(chunk)
                f.flush()
        except OSError as error:
            assert error.errno == errno.ENOSPC, error
        f.truncate(max(0, f.tell() - leave))


UNSHARE = ["unshare", "--user", "--map-root-user", "--mount"]  # works for root and, where the kernel allows
# unprivileged user namespaces (Debian's default), for an ordinary user too


def disk_full(project: Path, size: str = "4m", leave: int = 24 * 1024) -> dict:
    """Render the sample on a full tmpfs outputs/ holding a good report, then with space again."""
    out = project / "outputs"
    saved = Path(tempfile.mkdtemp()) / "outputs"
    shutil.copytree(out, saved, symlinks=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(out)], check=True)
    shutil.copytree(saved, out, symlinks=True, dirs_exist_ok=True)
    before = tree(out)
    filler = out / "filler"
    fill(filler, leave)
    argv = ["render", "--agency", "jiaozuo-jyj", "--year", "2021", "--no-pdf"]
    full_status, full_err = run_cli(argv)
    after = {k: v for k, v in tree(out).items() if k != "filler"}
    filler.unlink()
    next_status, next_err = run_cli(argv)
    return {"mounted": subprocess.run(["findmnt", "-n", "-o", "FSTYPE", str(out)], capture_output=True,
                                      text=True).stdout.strip(),
            "before": before, "full_status": full_status, "full_err": full_err, "after": after,
            "next_status": next_status, "next_err": next_err, "next": tree(out)}


if __name__ == "__main__":
    if sys.argv[1] == "disk-full":
        print(json.dumps(disk_full(Path(sys.argv[2]))))
