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
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml

from .. import paths
from ..errors import NianbaoError
from ..model import formats
from ..model.sources import (MAX_FILE_BYTES, MAX_YAML_DEPTH, Money, Report, _construct_mapping, decode_text,
                             load_report, parse_report)

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
        """libyaml's parser with sources' strict constructor; an alias is a node met twice."""

        def construct_object(self, node, deep=False):
            if node in self.constructed_objects or node in self.recursive_objects:
                raise yaml.constructor.ConstructorError(None, None, "aliases are not allowed", node.start_mark)
            return super().construct_object(node, deep)

    _FastLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
else:  # pragma: no cover - PyYAML without libyaml: every file goes the strict loader's way
    _FastLoader = None


def _depth(value) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(item, dict):
            stack += [(v, level + 1) for v in item.values()]
        elif isinstance(item, list):
            stack += [(v, level + 1) for v in item]
    return deepest


def load_fast(path: Path, raw: bytes) -> Report:
    """load_report(path) for the bytes just read from it, through libyaml when it can."""
    if _FastLoader is None or len(raw) > MAX_FILE_BYTES:
        return load_report(path)
    try:
        text = decode_text(raw, str(path))
        data = yaml.load(text, Loader=_FastLoader)  # noqa: S506 - a SafeLoader subclass
        if _depth(data) > MAX_YAML_DEPTH:
            raise ValueError("too deep")
        report = parse_report(data, str(path))
    except (yaml.YAMLError, ValueError, NianbaoError):
        return load_report(path)  # raises, with the message a single load gives
    if path.parent.name.isdigit() and int(path.parent.name) != report.year:
        return load_report(path)
    return report


# ------------------------------------------------------------------ the cache
TABLE_KEYS = ("table2", "table3", "table4")


def _encode_cell(value):
    return {"m": str(value.amount), "u": value.unit} if isinstance(value, Money) else value


def _decode_cell(value):
    return Money(Decimal(value["m"]), value["u"]) if isinstance(value, dict) else value


def _fill(part: Part, report: Report) -> None:
    from ..analyst.newyear import is_draft

    part.name, part.format, part.options, part.draft = report.agency, report.format, dict(report.options), is_draft(report)
    part.table2, part.table3, part.table4 = report.table2, report.table3, report.table4
    part.rollup = dict(report.rollup)


def _encode(part: Part) -> dict:
    return {"name": part.name, "format": part.format.version, "options": part.options, "draft": part.draft,
            "rollup": part.rollup,
            **{t: {row: [_encode_cell(c) for c in cells] for row, cells in getattr(part, t).items()} for t in TABLE_KEYS}}


def _decode(part: Part, entry: dict) -> None:
    part.name, part.format = entry["name"], formats.FORMATS[entry["format"]]
    part.options, part.draft, part.rollup = dict(entry["options"]), bool(entry["draft"]), dict(entry["rollup"])
    for t in TABLE_KEYS:
        setattr(part, t, {row: [_decode_cell(c) for c in cells] for row, cells in entry[t].items()})


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
                self._kept[digest] = entry
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

    def read_all(self, ids) -> dict[str, Part]:
        return {report_id: self.read(report_id) for report_id in ids}

    def save(self) -> None:
        if not (self.cache and self._fresh):
            return
        merged = {**self.entries(), **self._kept}  # other parts stay, until the cache is mostly stale
        _write_cache(self.root, cache_path(self.root, self.year),
                     merged if len(merged) <= 2 * len(self._kept) + 1000 else self._kept)
        self._fresh = 0


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
