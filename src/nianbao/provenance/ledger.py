"""A year's ledger, outputs/<year>/ledger.jsonl: one line per report written (agency and its
statement's digest), each line carrying the sha256 of the line before and signed, so a report
added, removed or replaced after the fact shows, even with a regenerated statement.

Lines are only appended, under an flock on the ledger itself held for one append: the batch
(already the one writer of its year under the batch lock) and a single render share it. A line
cut short by a crash is dropped by the next append and named by audit meanwhile. Without a key
there is no ledger (nor statements): audit says unsigned.
"""
from __future__ import annotations

import base64
import fcntl
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from . import manifest as provenance
from . import signing

LEDGER = "ledger.jsonl"
GENESIS = "0" * 64


def _body(entry: dict) -> bytes:
    return json.dumps({k: v for k, v in entry.items() if k != "sig"}, ensure_ascii=False, sort_keys=True).encode()


def append(out_dir: Path, agency: str, statement: str | None, who: signing.Signer | None = None) -> dict:
    """Record that outputs/<year>/<agency> now holds the report whose statement digest is statement
    (None: the report was removed)."""
    path = Path(out_dir) / LEDGER
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        data = b""
        size = os.fstat(fd).st_size
        while len(data) < size:
            data += os.pread(fd, size - len(data), len(data))
        if data and not data.endswith(b"\n"):  # a line cut short by a crash
            data = data[:data.rfind(b"\n") + 1]
            os.ftruncate(fd, len(data))
        lines = data.splitlines()
        entry = {"seq": len(lines) + 1, "agency": agency, "statement": statement, "time": provenance.now(),
                 "prev": provenance.sha256_bytes(lines[-1]) if lines else GENESIS}
        if who is not None:
            entry["keyid"] = who.keyid
            entry["sig"] = base64.b64encode(who.sign(_body(entry))).decode()
        os.pwrite(fd, json.dumps(entry, ensure_ascii=False, sort_keys=True).encode() + b"\n", len(data))
        os.fsync(fd)
    finally:
        os.close(fd)
    return entry


def record(out_dir: Path, agency: str, statement_data: bytes | None) -> None:
    """The ledger line for a report just written (its statement's bytes), with the office's key if any."""
    from .attestation import payload_digest

    if statement_data is not None:
        append(out_dir, agency, payload_digest(statement_data), signing.signer())


@dataclass
class LedgerCheck:
    present: bool = False
    signed: bool = False  # every line signed by a committed key
    problems: list[str] = field(default_factory=list)  # broken chain, bad signatures, unreadable lines
    latest: dict[str, str | None] = field(default_factory=dict)  # agency → its last recorded statement digest


def check(out_dir: Path, keys: dict) -> LedgerCheck:
    result = LedgerCheck()
    path = Path(out_dir) / LEDGER
    try:
        data = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return result
    result.present, result.signed = True, True
    if data and not data.endswith(b"\n"):
        result.problems.append(f"{LEDGER}: 末行不完整 / the last line is cut short")
    prev = GENESIS
    for number, line in enumerate(data.splitlines(), 1):
        where = f"{LEDGER}:{number}"
        try:
            entry = json.loads(line)
            assert isinstance(entry, dict)
        except (ValueError, AssertionError):
            result.problems.append(f"{where}: 不是 JSON 对象 / not a JSON object")
            result.signed, prev = False, provenance.sha256_bytes(line)
            continue
        if entry.get("prev") != prev:
            result.problems.append(f"{where}: 链断开（前一行的摘要不符，有行被删改或插入）/ the chain breaks (the "
                                   "previous line's digest differs: a line was removed, edited or inserted)")
        if entry.get("seq") != number:
            result.problems.append(f"{where}: 序号应为 {number} / seq should be {number}, found {entry.get('seq')!r}")
        if "sig" not in entry:
            result.signed = False
        else:
            verdict = signing.verify({"keyid": entry.get("keyid"), "sig": entry.get("sig")}, _body(entry), keys)
            if verdict != "valid":
                result.signed = False
                result.problems.append(f"{where}: 签名无效 / signature invalid ({verdict})")
        result.latest[str(entry.get("agency"))] = entry.get("statement")
        prev = provenance.sha256_bytes(line)
    return result
