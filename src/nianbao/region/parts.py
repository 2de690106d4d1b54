"""Reading many sources at once (a region's parts): the same strict loading as sources.load_report,
made fast enough for a province (10,000 bodies).

- libyaml parses when PyYAML has it, with the strict loader's refusals (duplicate keys, keys that
  are not plain values, aliases, nesting deeper than sources allows); anything it refuses is read
  again by sources.load_report, so the message is exactly the one a single load gives.
- What a file validated to is kept in outputs/<year>/.parts-cache.json by the file's sha256 and
  nianbao's code identity: a part unchanged since the last rollup or status is not parsed again.
"""
from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml

from .. import paths
from ..errors import NianbaoError
from ..model import formats
from ..model.sources import (MAX_FILE_BYTES, MAX_YAML_DEPTH, Money, Report, _construct_mapping, decode_text,
                             load_report, parse_report, parse_yaml)

CACHE = ".parts-cache.json"


@dataclass
class Part:
    """One report a region expects, as read from data/<year>/<id>.yaml: what rollup, R36 and status
    need of it (its name, tables and state; not its narrative)."""

    id: str
    path: Path
    sha256: str | None = None  # None: no source (缺报)
    error: str = ""  # why it could not be read (the loader's message); '' when it was
    name: str = ""
    format: formats.Format | None = None  # None: no source, or unreadable
    table2: dict = field(default_factory=dict)
    table3: dict = field(default_factory=dict)
    table4: dict = field(default_factory=dict)
    options: dict = field(default_factory=dict)
    draft: bool = False  # `nianbao new`'s draft, not finished (analyst.newyear.is_draft)
    rollup: dict = field(default_factory=dict)  # a 汇总 report: what its last rollup summed

    @property
    def present(self) -> bool:
        return self.sha256 is not None

    @property
    def readable(self) -> bool:
        return self.format is not None

    @property
    def published(self) -> str:
        return str(self.options.get("published") or "")


# ------------------------------------------------------------------ the fast strict loader
if hasattr(yaml, "CSafeLoader"):
    class _FastLoader(yaml.CSafeLoader):
        """libyaml's parser with sources' strict constructor (duplicate keys, keys that are not plain)."""

    _FastLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
else:  # pragma: no cover - PyYAML without libyaml: every file goes the strict loader's way
    _FastLoader = None


def _strict_load(text: str):
    """The document, refusing aliases (a node met twice in the composed graph) and deep nesting."""
    loader = _FastLoader(text)
    try:
        node = loader.get_single_node()
        seen, stack = set(), [(node, 1)]
        while stack:
            item, level = stack.pop()
            if id(item) in seen or level > MAX_YAML_DEPTH:
                raise ValueError("an alias, or nested too deep")
            seen.add(id(item))
            if isinstance(item, yaml.MappingNode):
                stack += [(n, level + 1) for pair in item.value for n in pair]
            elif isinstance(item, yaml.SequenceNode):
                stack += [(n, level + 1) for n in item.value]
        return None if node is None else loader.construct_document(node)
    finally:
        loader.dispose()


def parse_yaml_fast(text: str, file: str):
    """sources.parse_yaml(text, file), through libyaml when it can (the same refusals, the same messages)."""
    if _FastLoader is not None:
        try:
            return _strict_load(text)
        except (yaml.YAMLError, ValueError):
            pass
    return parse_yaml(text, file)


def parse_fast(text: str, file: str) -> Report:
    """parse_report(parse_yaml(text)) through libyaml when it can; the strict loader's message when not."""
    if _FastLoader is not None:
        try:
            return parse_report(_strict_load(text), file)
        except (yaml.YAMLError, ValueError, NianbaoError):
            pass
    return parse_report(parse_yaml(text, file), file)


def load_fast(path: Path, raw: bytes) -> Report:
    """load_report(path) for the bytes just read from it, through libyaml when it can."""
    if _FastLoader is None or len(raw) > MAX_FILE_BYTES:
        return load_report(path)
    try:
        text = decode_text(raw, str(path))
        data = _strict_load(text)
        report = parse_report(data, str(path))
    except (yaml.YAMLError, ValueError, NianbaoError):
        return load_report(path)  # raises, with the message a single load gives
    if path.parent.name.isdigit() and int(path.parent.name) != report.year:
        return load_report(path)
    return report


# ------------------------------------------------------------------ the cache
TABLE_KEYS = ("table2", "table3", "table4")


def _fill(part: Part, report: Report) -> None:
    from ..analyst.newyear import is_draft

    part.name, part.format, part.options, part.draft = report.agency, report.format, dict(report.options), is_draft(report)
    part.table2, part.table3, part.table4 = report.table2, report.table3, report.table4
    part.rollup = dict(report.rollup)


def _encode(part: Part) -> dict:
    """A part as JSON: tables as they are, each Money cell's amount as text, its place under "money"."""
    money, tables = [], {}
    for t in TABLE_KEYS:
        rows = tables[t] = {}
        for row, cells in getattr(part, t).items():
            rows[row] = list(cells)
            for i, c in enumerate(cells):
                if isinstance(c, Money):
                    rows[row][i] = str(c.amount)
                    money.append([t, row, i, c.unit])
    return {"name": part.name, "format": part.format.version, "options": part.options, "draft": part.draft,
            "rollup": part.rollup, "money": money, **tables}


def _decode(part: Part, entry: dict) -> None:
    part.name, part.format = entry["name"], formats.FORMATS[entry["format"]]
    part.options, part.draft, part.rollup = dict(entry["options"]), bool(entry["draft"]), dict(entry["rollup"])
    part.table2, part.table3, part.table4 = ({row: list(cells) for row, cells in entry[t].items()} for t in TABLE_KEYS)
    for t, row, i, unit in entry["money"]:
        cells = getattr(part, t)[row]
        cells[i] = Money(Decimal(cells[i]), unit)


def _code() -> str:
    from ..provenance.manifest import code_identity

    return code_identity()["source_sha256"]


def cache_path(root: Path, year: int) -> Path:
    return Path(root) / "outputs" / str(year) / CACHE


class PartReader:
    """Reads a year's parts, each file once per reader; the cache is read on first use, written by save()."""

    def __init__(self, root: Path, year: int, *, data_dir: Path | None = None, cache: bool = True):
        self.root, self.year, self.cache = Path(root), year, cache
        self.base = Path(data_dir) if data_dir else self.root / "data"
        self._entries: dict | None = None
        self._kept: dict[str, dict] = {}
        self._fresh = 0
        self._prefetched: set[str] = set()  # entries parsed by prefetch(), not yet in the cache file

    def entries(self) -> dict:
        if self._entries is None:
            self._entries = _read_cache(cache_path(self.root, self.year)) if self.cache else {}
        return self._entries

    def read(self, report_id: str) -> Part:
        path = self.base / str(self.year) / f"{paths.check_agency_id(report_id)}.yaml"
        part = Part(report_id, path)
        try:
            raw = path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return part
        except OSError as error:
            part.sha256, part.error = "", f"{path}: {error.strerror or error}"
            return part
        part.sha256 = digest = hashlib.sha256(raw).hexdigest()
        entry = self.entries().get(digest)
        if entry is not None:
            try:
                _decode(part, entry)
                if digest not in self._kept:
                    self._kept[digest] = entry
                    self._fresh += digest in self._prefetched
                return part
            except (KeyError, TypeError, ValueError, ArithmeticError):
                part.format = None  # a damaged entry: read the file
        try:
            report = load_fast(path, raw)
        except NianbaoError as error:
            part.error = str(error)
            return part
        _fill(part, report)
        if not report.gaps:
            self._kept[digest] = _encode(part)
            self._fresh += 1
        return part

    def prefetch(self, ids, workers: int | None = None) -> None:
        """Parse, in worker processes, the parts the cache does not hold yet: a province's first
        rollup or status (thousands of files, libyaml-bound) on every core. Errors are left for
        read(), which reports them as a single load does."""
        todo = []
        for report_id in ids:
            path = self.base / str(self.year) / f"{paths.check_agency_id(report_id)}.yaml"
            try:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                continue
            if digest not in self.entries():
                todo.append(str(path))
        workers = min(workers or os.cpu_count() or 1, len(todo) // PREFETCH_CHUNK)
        if workers < 2:
            return
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for digest, entry in pool.imap_unordered(_parse_one, todo, chunksize=PREFETCH_CHUNK):
                if entry is not None:
                    self._entries[digest] = entry
                    self._prefetched.add(digest)

    def read_all(self, ids) -> dict[str, Part]:
        return {report_id: self.read(report_id) for report_id in ids}

    def save(self) -> None:
        if not (self.cache and self._fresh):
            return
        merged = {**self.entries(), **self._kept}  # other parts stay, until the cache is mostly stale
        _write_cache(self.root, cache_path(self.root, self.year),
                     merged if len(merged) <= 2 * len(self._kept) + 1000 else self._kept)
        self._fresh = 0


PREFETCH_CHUNK = 64  # files per task: fewer round trips; below two chunks a pool does not pay


def _parse_one(path: str) -> tuple[str, dict | None]:
    raw = Path(path).read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    try:
        report = load_fast(Path(path), raw)
    except NianbaoError:
        return digest, None
    if report.gaps:
        return digest, None
    part = Part(Path(path).stem, Path(path), digest)
    _fill(part, report)
    return digest, _encode(part)


def _read_cache(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("code") != _code() or not isinstance(data.get("entries"), dict):
        return {}
    return data["entries"]


def _write_cache(root: Path, where: Path, entries: dict) -> None:
    try:
        paths.refuse_links(where, root / "outputs")
        paths.write_atomic(where, json.dumps({"code": _code(), "entries": entries}, ensure_ascii=False,
                                             separators=(",", ":")), within=root / "outputs", fsync=False)
    except (NianbaoError, TypeError, ValueError):
        pass  # a cache that cannot be written only costs time next run
