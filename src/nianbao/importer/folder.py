"""Many published reports at once: `nianbao import DIR/` (or several files).

Each file is imported on its own; one that cannot be read is refused with its reason and the others
go on; none is skipped without a line saying so. The agency id of each source is proposed from the
agency's name: the id of an existing source of that agency (data/*/ID.yaml), else the pinyin of the
name (place in full, the rest by initials: 焦作市教育局 → jiaozuo-jyj) when a pinyin package is
installed, else the file is refused with a message saying to give --agency-id. An id already used by
another agency, or twice in one run, refuses the file: never a silent clash.

The run ends with one table: file, agency, year, format, cells read / gaps / inferred, and what
happened (written to, checked, or why refused). `check=True` runs the rules and writes nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import paths
from ..errors import NianbaoError, UsageError, printable
from ..model import formats
from ..model.sources import INFERRED_NOTE, SOURCE_SUFFIXES, Report, dump_report, import_notes

PLACE = re.compile(r"^(?P<place>[\u4e00-\u9fff]{2,4}?)(?:省|市|县|区|州|盟|旗)(?=[\u4e00-\u9fff])")
DROPPED = ("人民",)  # 市人民政府 is 市政府 in the ids agencies use (huaian-szf)
GOVERNMENT = "政府"  # the place's own government keeps its 市/县 initial (shanghai-szfbgt)
AGENCY_LINE = re.compile(r"^agency:\s*['\"]?(?P<name>.+?)['\"]?\s*$", re.MULTILINE)


@dataclass
class Outcome:
    file: str
    report: Report | None = None
    agency_id: str = ""
    written: str = ""
    refused: str = ""  # why (zh / en)
    errors: int = 0  # with check: the rules' errors and warnings
    warnings: int = 0
    unchecked: bool = False  # with check: rules not checkable for inferred rows
    notes: list[str] = field(default_factory=list)

    def counts(self) -> tuple[int, int, int]:
        """Cells read, cells left as gaps, cells inferred (--assume-row-sums)."""
        if self.report is None:
            return 0, 0, 0
        filled = sum(1 for t in formats.TABLES for row in getattr(self.report, t.key).values() for c in row
                     if c is not None)
        inferred = inferred_cells(self.report)
        return filled - inferred, gap_cells(self.report), inferred


def gap_cells(report: Report) -> int:
    from ..rules import gap_cells as covered

    return sum(max(1, len(cells)) for _, cells in covered(report))


def inferred_cells(report: Report) -> int:
    """Cells the import note of --assume-row-sums lists (each row as 「label n n n…」)."""
    total = 0
    for note in import_notes(report):
        if note.startswith(INFERRED_NOTE):
            listed = note[len(INFERRED_NOTE):].split("。")[0].split("：", 1)[-1]
            total += sum(len(re.findall(r"(?<![\S])\d[\d.,]*(?![\S])", row)) for row in listed.split("；"))
    return total


def files_of(targets: list[str | Path]) -> tuple[list[Path], list[Path]]:
    """The files to import: each file named, and every file in each folder named (sorted, its sub-
    folders too); hidden files (.DS_Store) and source YAML are listed apart, to be said, not read."""
    files, hidden = [], []
    for target in map(Path, targets):
        if target.is_dir():
            # Every entry but a folder: a broken link or a pipe is refused with its reason, not passed over.
            for path in sorted(p for p in target.rglob("*") if p.is_symlink() or not p.is_dir()):
                rel = path.relative_to(target).parts
                (hidden if any(part.startswith(".") for part in rel) else files).append(path)
        else:
            files.append(target)
    if not files and not hidden:
        raise UsageError("没有要导入的文件", "no files to import")
    return files, hidden


def propose_id(agency: str, root: Path) -> str:
    """An agency id for a name: an existing source's, else its pinyin (needs pypinyin)."""
    known = known_ids(root).get(agency)
    if known:
        return known
    try:
        from pypinyin import Style, lazy_pinyin
    except ImportError:
        raise UsageError(f"未给出 --agency-id，而未安装拼音包（pypinyin），无法由机构名「{agency}」拟定标识；请加 --agency-id，"
                         "或安装 pypinyin（pip install 'nianbao[pinyin]'）",
                         f"no --agency-id, and no pinyin package (pypinyin) to propose one from the agency's name "
                         f"'{agency}'; give --agency-id, or install pypinyin (pip install 'nianbao[pinyin]')") from None
    name = re.sub(r"[（(][^）)]*[）)]", "", agency)
    for word in DROPPED:
        name = name.replace(word, "")
    match = PLACE.match(name)
    place, rest = (match.group("place"), name[match.end():]) if match else (name[:2], name[2:])
    if match and rest.startswith(GOVERNMENT):  # 淮安市人民政府 → huaian-szf; a department drops it: jiaozuo-jyj
        rest = name[match.end() - 1:]
    head = "".join(lazy_pinyin(place, errors="ignore"))
    tail = "".join(lazy_pinyin(rest, style=Style.FIRST_LETTER, errors="ignore"))
    proposed = re.sub(r"[^a-z0-9]+", "", head.lower()) + ("-" + re.sub(r"[^a-z0-9]+", "", tail.lower()) if tail else "")
    try:
        return paths.check_agency_id(proposed[:paths.MAX_AGENCY_ID].strip("-"))
    except UsageError:
        raise UsageError(f"无法由机构名「{agency}」拟定标识；请加 --agency-id",
                         f"cannot propose an agency id from the name '{agency}'; give --agency-id") from None


def known_ids(root: Path) -> dict[str, str]:
    """Agency name → id of the project's existing sources (the first, by file name)."""
    out: dict[str, str] = {}
    for ident, name in sources_by_id(root).items():
        out.setdefault(name, ident)
    return out


def sources_by_id(root: Path) -> dict[str, str]:
    """Id → agency name of the project's existing sources (data/<year>/<id>.yaml)."""
    out: dict[str, str] = {}
    data = root / "data"
    if not data.is_dir():
        return out
    for path in sorted(data.glob("*/*.yaml")):
        try:
            head = path.read_text(encoding="utf-8", errors="replace")[:4096]
        except OSError:
            continue
        match = AGENCY_LINE.search(head)
        if match:
            out.setdefault(path.stem, match.group("name").strip())
    return out


def import_many(targets: list[str | Path], *, root: Path | None = None, agency_id: str | None = None,
                force: bool = False, check: bool = False, assume_row_sums: bool = False) -> tuple[list[Outcome], list[Path]]:
    """Import (or, with check, only read and check) every file; (outcomes, hidden files left out)."""
    from . import import_report
    from ..rules import check as run_rules

    root = Path(root) if root else paths.project_dir()
    files, hidden = files_of(targets)
    if agency_id is not None and len(files) > 1:
        raise UsageError("--agency-id 只能用于一个文件；导入多个文件时按机构名拟定标识",
                         "--agency-id names one file's source; for several files the ids are proposed from the names")
    owners = sources_by_id(root)  # id → agency name of existing sources
    taken: dict[tuple[int, str], str] = {}  # (year, id) → file, within this run
    outcomes = []
    for path in files:
        outcome = Outcome(str(path))
        outcomes.append(outcome)
        try:
            if path.suffix.lower() in SOURCE_SUFFIXES:
                raise NianbaoError("已是源数据（YAML），无需导入", "already source data (YAML): nothing to import")
            report = import_report(path, assume_row_sums)
            outcome.report = report
            ident = paths.check_agency_id(agency_id) if agency_id is not None else propose_id(report.agency, root)
            outcome.agency_id = ident
            owner = owners.get(ident)
            if owner and owner != report.agency:
                raise UsageError(f"标识 {ident} 已属于「{owner}」，与「{report.agency}」冲突；请加 --agency-id 另起标识",
                                 f"the id {ident} belongs to '{owner}', not '{report.agency}'; give another with --agency-id")
            if (report.year, ident) in taken:
                raise UsageError(f"标识 {ident}（{report.year} 年）已用于本次的 {taken[report.year, ident]}",
                                 f"the id {ident} ({report.year}) is already used in this run by {taken[report.year, ident]}")
            taken[report.year, ident] = str(path)
            if check:
                validation = run_rules(report)
                outcome.errors, outcome.warnings = len(validation.errors), len(validation.warnings)
                outcome.unchecked = bool(validation.not_checkable)
                continue
            target = paths.source_path(root, report.year, ident)
            paths.check_inside(target.parent, root / "data")
            if (target.exists() or target.is_symlink()) and not force:
                raise UsageError(f"{target} 已存在；确认覆盖请加 --force", f"{target} exists; add --force to overwrite it")
            paths.write_atomic(target, dump_report(report), within=root / "data")
            outcome.written = str(target)
            owners.setdefault(ident, report.agency)
        except NianbaoError as error:
            outcome.refused = f"{printable(error.zh, lines=True)} / {printable(error.en, lines=True)}"
        except OSError as error:  # unreadable (permissions, a file gone meanwhile): this file, not the run
            outcome.refused = f"无法读取 / cannot be read: {printable(error.strerror or str(error), lines=True)}"
    return outcomes, hidden


COLUMNS = ("文件 file", "机构 agency", "年度 year", "格式 format", "读出 read", "缺失 gaps", "推定 inferred", "结果 outcome")


def table(outcomes: list[Outcome], hidden: list[Path], check: bool) -> str:
    """The run's table, one row a file (a Markdown table: it reads in a terminal and pastes into notes)."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for o in outcomes:
        r = o.report
        read, gaps, inferred = o.counts()
        if o.refused:
            result = f"拒绝 refused: {o.refused}"
        elif check:
            result = f"已核对 checked: {o.errors} 个错误 errors, {o.warnings} 个警告 warnings（未写入 nothing written）"
            if o.unchecked:
                result += "；推定的行有规则无法核对 / rules not checkable for the inferred rows"
        else:
            result = f"已写入 written: {o.written}"
        cells = [printable(o.file), printable(r.agency) if r else "", str(r.year) if r else "",
                 r.format.version if r else "", str(read) if r else "", str(gaps) if r else "",
                 str(inferred) if r else "", result]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    refused = sum(1 for o in outcomes if o.refused)
    lines.append(f"共 {len(outcomes)} 个文件，读入 {len(outcomes) - refused} 个，拒绝 {refused} 个 / {len(outcomes)} file(s): "
                 f"{len(outcomes) - refused} read, {refused} refused")
    if hidden:
        lines.append(f"略去隐藏文件 {len(hidden)} 个 / left out {len(hidden)} hidden file(s): "
                     + "、".join(printable(str(p)) for p in hidden[:5]) + ("…" if len(hidden) > 5 else ""))
    return "\n".join(lines) + "\n"
