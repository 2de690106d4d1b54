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
import re
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


def line_edits(pieces: list[str]):
    """A hypothesis strategy: a few line-level edits, each (operation, where, how far, piece)."""
    from hypothesis import strategies as st

    return st.lists(st.tuples(st.integers(0, 12), st.integers(0, 10**6), st.integers(0, 10**6),
                              st.sampled_from(pieces) | st.text(max_size=8)), min_size=1, max_size=8)


def edit_lines(text: str, changes) -> str:
    """Line-level edits a copy, a scrape or a careless hand makes: lines lost, repeated, swapped,
    cut, joined into a row of cells, pieces of labels and numbers dropped in."""
    lines = text.split("\n")
    for op, a, b, piece in changes:
        lines = lines or [""]
        i = a % len(lines)
        j = min(len(lines), i + b % 12)
        line = lines[i]
        k = b % (len(line) + 1)
        if op == 0:
            del lines[i:j]
        elif op == 1:
            lines[i:i] = lines[i:j]
        elif op == 2:
            lines.insert(i, piece)
        elif op == 3:
            lines[i] = line[:k] + piece + line[k:]
        elif op == 4:
            lines[i] = line[:k] + line[k + 1:]
        elif op == 5:
            lines = lines[:i]
        elif op == 6:
            lines[i] = re.sub(r"\d+", lambda m: piece if piece.strip() else "7", line)
        elif op == 7:
            lines[i], lines[j - 1] = lines[j - 1], lines[i]
        elif op == 8:
            lines[i] = "\t".join(line.split())
        elif op == 9:
            lines[i] = line * (1 + b % 40)
        elif op == 10:
            lines[i:i] = [piece] * (b % 300)
        elif op == 11:
            lines[i] = "  ".join(line)
        else:
            lines[i:j] = ["\t".join(lines[i:j])]
    return "\n".join(lines)


def run_cli(argv: list[str]) -> tuple[int, str]:
    from nianbao.cli import main

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = main(argv)
    return status, err.getvalue()


def fill(path: Path, leave: int) -> None:
    """Fill the filesystem holding path, then give back `leave` bytes."""
    chunk = b"\0" * 65536
    # Unbuffered: a buffered file would keep the bytes the full disk refused and fail again at close.
    with open(path, "wb", buffering=0) as f:
        try:
            while True:
                f.write(chunk)
                f.flush()
        except OSError as error:
            assert error.errno == errno.ENOSPC, error
        f.truncate(max(0, f.tell() - leave))


# As root a plain mount namespace is enough (and works in a chroot, where user namespaces are refused);
# otherwise a user namespace maps us to root inside it, where the kernel allows.
UNSHARE = ["unshare", "--mount"] if os.geteuid() == 0 else ["unshare", "--user", "--map-root-user", "--mount"]
# In a chroot "/" is no mount point, so unshare cannot make it private: there the mounts keep their
# propagation, and disk_full unmounts its tmpfs itself (an unmount propagates like the mount did).
UNSHARE_IN_CHROOT = ["unshare", "--mount", "--propagation", "unchanged"]


def run_with_private_mounts(argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run([*UNSHARE, *argv], **kwargs)
    if done.returncode != 0 and "propagation" in (done.stderr or "") and os.geteuid() == 0:
        done = subprocess.run([*UNSHARE_IN_CHROOT, *argv], **kwargs)
    return done


def disk_full(project: Path, size: str = "4m", leave: int = 8 * 1024) -> dict:
    """Render the sample on a full tmpfs outputs/ holding a good report (the next run, with space
    again, is test_hostile_render's last test)."""
    out = project / "outputs"
    with tempfile.TemporaryDirectory() as saved:  # the good report, copied onto the tmpfs mounted over it
        shutil.copytree(out, Path(saved) / "outputs", symlinks=True)
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(out)], check=True)
        try:
            shutil.copytree(Path(saved) / "outputs", out, symlinks=True, dirs_exist_ok=True)
            before = tree(out)
            filler = out / "filler"
            fill(filler, leave)
            argv = ["render", "--agency", "jiaozuo-jyj", "--year", "2021", "--no-pdf"]
            full_status, full_err = run_cli(argv)
            after = {k: v for k, v in tree(out).items() if k != "filler"}
            mounted = subprocess.run(["findmnt", "-n", "-o", "FSTYPE", str(out)], capture_output=True,
                                     text=True).stdout.strip()
        finally:
            subprocess.run(["umount", str(out)], check=False)
    return {"mounted": mounted, "before": before, "full_status": full_status, "full_err": full_err, "after": after}


if __name__ == "__main__":
    if sys.argv[1] == "disk-full":
        print(json.dumps(disk_full(Path(sys.argv[2]))))
