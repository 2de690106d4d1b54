"""What batch asks of the region: the order to render in (parts before the 汇总 reports that sum
them) and which 汇总 reports no longer match their parts (a part changed since its rollup)."""
from __future__ import annotations

import hashlib
from pathlib import Path

from .parts import PartReader
from .register import SUMMARY, load_register


def tree_order(root: Path, year: int, agencies: list[str]) -> list[str]:
    """agencies, each 汇总 after its parts; those outside the register first, as they came."""
    register = load_register(root, year)  # a broken register stops the batch here (exit 2), before any work
    if register is None:
        return agencies
    rank = {report_id: i for i, report_id in enumerate(register.order())}
    return sorted(agencies, key=lambda a: rank.get(a, -1))


def rollup_notes(root: Path, year: int, agencies: list[str]) -> list[str]:
    """For each 汇总 among agencies whose parts changed since its last rollup: one line to print."""
    from .status import stale_parts

    register = load_register(root, year)
    if register is None:
        return []
    reader = PartReader(root, year, cache=False)
    notes = []
    for report_id in agencies:
        entry = register.reports.get(report_id)
        if entry is None or entry.role != SUMMARY:
            continue
        summary = reader.read(report_id)
        if not summary.readable:
            continue
        parts = {p: _Seen(reader.base / str(year) / f"{p}.yaml") for p in register.parts(report_id)}
        changed = stale_parts(register, report_id, summary, parts)
        if changed:
            notes.append(f"汇总 {report_id} 的组成报告在上次 rollup 之后有变：{'、'.join(changed)}；请运行 nianbao rollup "
                         f"--year {year} --agency {report_id} / the parts of {report_id} changed since its rollup: run "
                         "nianbao rollup again")
    return notes


class _Seen:
    """A part's source as far as staleness goes: its sha256 (None: no source), not parsed."""

    def __init__(self, path: Path):
        try:
            self.sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            self.sha256 = None

    @property
    def present(self) -> bool:
        return self.sha256 is not None
