"""The environment lock (requirements.lock: every package pinned, with hashes) as provenance: its sha256
goes into each manifest with the packages whose installed version differs from it, so `audit` can say
that a report was rendered outside the locked environment. (lock.py is the batch's lock, another thing.)"""
from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path

LOCK_FILE = "requirements.lock"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.M)
UNLOCKED = {"nianbao"}  # the kit itself is installed from the checkout or its wheel, not from the lock


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(text: str) -> dict[str, str]:
    """name → version of every `name==version` line of a pip requirements lock."""
    return {normalize(name): version for name, version in PIN.findall(text)}


def differences(locked: dict[str, str], installed: dict[str, str]) -> list[str]:
    """What of the installed packages is not as locked: 'pandas 2.3.0 (lock 2.2.3)', 'x (not installed)', 'y (not in the lock)'."""
    have = {normalize(k): v for k, v in installed.items()}
    out = [f"{name} {have[name]} (lock {version})" if name in have else f"{name} (not installed)"
           for name, version in sorted(locked.items()) if have.get(name) != version]
    out += [f"{name} {have[name]} (not in the lock)" for name in sorted(set(have) - set(locked) - UNLOCKED)]
    return out


@functools.cache
def _record(path: str, data: bytes | None) -> dict:
    from .manifest import packages

    if data is None:
        return {"file": LOCK_FILE, "sha256": None, "differences": []}
    return {"file": LOCK_FILE, "sha256": hashlib.sha256(data).hexdigest(),
            "differences": differences(pins(data.decode("utf-8", "replace")), packages())}


def record(root: Path) -> dict:
    """For manifest.json: the project's lock file, its sha256 (None without one) and what differs from it."""
    path = Path(root) / LOCK_FILE
    try:
        data = path.read_bytes()
    except OSError:
        data = None
    return dict(_record(str(path), data))


def audit_note(manifest: dict) -> str | None:
    """audit's note on a report rendered outside the locked environment (or without a lock); None when inside."""
    lock = manifest.get("lock")
    if not isinstance(lock, dict):
        return None  # a manifest from before the lock was recorded
    if not lock.get("sha256"):
        return f"渲染时项目没有 {LOCK_FILE}（环境未锁定）/ rendered without {LOCK_FILE} (environment not locked)"
    diff = lock.get("differences") or []
    if diff:
        shown = "; ".join(diff[:5]) + (f"; … (+{len(diff) - 5})" if len(diff) > 5 else "")
        return (f"在锁定环境之外渲染（已装版本与 {LOCK_FILE} 不同）/ rendered outside the locked environment "
                f"(installed versions differ from {LOCK_FILE}): {shown}")
    return None
