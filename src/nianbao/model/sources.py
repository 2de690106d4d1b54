"""Source data: one YAML file per agency and year, loaded into a validated Report.

The schema is derived from the format declaration (formats.py). Loading collects every
problem before reporting (file, field, what was expected), so an analyst fixes a file in
one pass. Blank cells (YAML null, ~) load as None — missing, never silently 0 — and are
flagged by rule R12. Numbers are read in plain decimal only (no YAML 1.1 octal, hex, 1_000 or 1:20),
and text with control characters is refused anywhere in any YAML nianbao reads.
"""
from __future__ import annotations

import codecs
import math
import reprlib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

from . import formats
from ..errors import CONTROL, NianbaoError, Problem, SourceError, printable
from .formats import COUNT, DELTA, MONEY, Format

MAX_COUNT = 10**9  # more applications or decisions than this is a typo, not a count
MAX_MONEY = Decimal(10) ** 12
MONEY_UNITS = ("亿元", "万元", "元")
TOP_KEYS = ("agency", "year", "format", "title", "preamble", "sections", "headings",
            "table2", "table3", "table4", "options", "gaps", "source", "rollup")
ROLLUP_KEYS = ("parts", "missing", "left_out", "blank")  # what `nianbao rollup` records in a 汇总 source
OPTION_KEYS = {"fee_decimals": "0–6 之间的整数 / an integer 0–6",
               "published": "发布日期文本 / a publication date as text",
               "draft": "true/false",
               # thresholds of two warnings, in percent (rules/narrative.py has the defaults)
               "other_share": "0–100 之间的百分数（R35） / a percentage 0–100 (R35)",
               "repeat_share": "0–100 之间的百分数（R37） / a percentage 0–100 (R37)"}


@dataclass(frozen=True)
class Money:
    """An amount as printed: the number and the unit written with it ('' when none)."""

    amount: Decimal
    unit: str = ""

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"

    def __float__(self) -> float:
        return float(self.amount)


@dataclass
class Report:
    agency: str
    year: int
    format: Format
    title: str = ""
    preamble: str = ""
    sections: dict[str, str] = field(default_factory=dict)  # 一…六 → text (paragraphs split by blank lines)
    headings: dict[str, str] = field(default_factory=dict)  # 一…六 → heading as published, where it differs
    table2: dict[str, list] = field(default_factory=dict)  # row label → cells of its block
    table3: dict[str, list] = field(default_factory=dict)  # row key → a cell per column
    table4: dict[str, list] = field(default_factory=dict)  # group key → 5 cells
    options: dict = field(default_factory=dict)
    gaps: list[dict] = field(default_factory=list)  # cells an importer could not read with confidence
    source: str = ""  # where the data came from (an imported file), free text
    path: str = ""  # the file it was loaded from
    rollup: dict = field(default_factory=dict)  # a 汇总 report: the parts `nianbao rollup` summed (region.rollup)

    def __post_init__(self):
        if not self.title:
            self.title = formats.report_title(self.agency, self.year)

    def heading(self, number: str) -> str:
        return self.headings.get(number) or next(s.heading for s in self.format.sections if s.number == number)


# ------------------------------------------------------------------ reading
MAX_FILE_BYTES = 4 * 2**20  # a source is ~10 KB, a parameter file a few lines


def read_text(path: Path) -> str:
    """Read a text file in UTF-8 (a BOM is fine), UTF-16 with its BOM, or GB18030/GBK, else say where
    the bad bytes are."""
    size = Path(path).stat().st_size
    if size > MAX_FILE_BYTES:
        raise NianbaoError(f"文件有 {size / 2**20:.1f} MB，超过源数据文件的上限 {MAX_FILE_BYTES // 2**20} MB",
                           f"the file is {size / 2**20:.1f} MB, over the {MAX_FILE_BYTES // 2**20} MB limit for a "
                           "source or parameter file", file=str(path))
    return decode_text(Path(path).read_bytes(), str(path))


UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def decode_text(raw: bytes, file: str, also: tuple[str, ...] = ()) -> str:
    """Bytes as text: UTF-16 when it starts with its BOM, else UTF-8 (BOM or not), then the encodings
    in `also` (a page's declared charset), then GB18030 (which reads GBK and GB2312) — unless the bytes
    are plainly UTF-8 with a few broken sequences: those are reported, not read as GB18030 nonsense."""
    if raw.startswith(UTF16_BOMS):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as error:
            raise undecodable(raw, file, error, "UTF-16") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        if damaged_utf8(raw):
            raise undecodable(raw, file, utf8_error, "UTF-8") from None
    for codec in (*also, "gb18030"):
        try:
            return raw.decode(codec)
        except LookupError:  # a charset name Python does not know
            continue
        except UnicodeDecodeError as error:
            last = error  # GB18030 comes last: its position is the one reported
    raise undecodable(raw, file, last, "UTF-8 或 GB18030") from None


def damaged_utf8(raw: bytes) -> bool:
    """UTF-8 text with a few bad bytes (a cut-off character, a stray byte), rather than another
    encoding: its valid multi-byte characters far outnumber the broken sequences."""
    text = raw.decode("utf-8", errors="replace")
    broken = text.count("\ufffd") - raw.decode("utf-8", errors="ignore").count("\ufffd")
    wide = sum(1 for ch in text if ord(ch) > 0x7F and ch != "\ufffd")
    return wide > 10 * broken


def undecodable(raw: bytes, file: str, error: UnicodeDecodeError, encoding: str) -> NianbaoError:
    pos = error.start
    line = raw[:pos].count(b"\n") + 1
    shown = repr(raw[pos:pos + 4])
    return NianbaoError(
        f"不是 {encoding} 编码的文本：第 {line} 行（第 {pos} 字节）起无法解码（{shown}）",
        f"not {encoding.replace(' 或 ', ' or ')} text: undecodable bytes at line {line}, byte offset {pos} ({shown})",
        file=file)


MAX_YAML_DEPTH = 32  # a source nests three levels (table → row → cells)


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys (PyYAML keeps the last one silently), keys that are
    not plain values, and aliases: a source needs none, and nested aliases expand exponentially
    (「billion laughs」: a few lines that become gigabytes once printed in an error message)."""

    depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.events.AliasEvent):
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed (不允许使用别名)",
                                              self.peek_event().start_mark)
        if self.depth >= MAX_YAML_DEPTH:  # PyYAML recurses per level: [[[[… thousands deep overflows the stack
            raise yaml.composer.ComposerError(None, None, f"nested more than {MAX_YAML_DEPTH} levels deep (嵌套过深)",
                                              self.peek_event().start_mark)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _construct_mapping(loader, node, deep=False):
    seen = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a plain value, not a list or mapping (键只能是简单值)", key_node.start_mark) from None
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (重复的键 {key!r})", key_node.start_mark)
        seen[key] = True
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)

# Numbers as YAML 1.2's core schema writes them, and only in decimal: PyYAML's YAML 1.1 resolvers read
# 010 as 8, 0x17 as 23, 1_0_3 as 103, 1:20 as 80 and 0b1 as 1, silently. Any other form stays text,
# which a count cell then refuses, naming the cell. Each pattern is a subset of YAML 1.1's, so a string
# the dumper writes unquoted still loads as that string.
INT_TAG, FLOAT_TAG = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
DECIMAL_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
DECIMAL_FLOAT = re.compile(r"""^(?:[-+]?(?:0|[1-9][0-9]*)\.[0-9]*(?:[eE][-+][0-9]+)?
    |\.[0-9]+(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$""", re.X)
YAML11_NUMBER = re.compile(r"[-+]?(?:0[0-9_]+|0[xob][0-9a-fA-F_]*|[0-9][0-9_]*(?::[0-5]?[0-9])+|[0-9][0-9_]*_[0-9_]*)\Z")
MAX_DIGITS = 100  # Python refuses to read ints over 4,300 digits; anything near that is not a number here
_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (INT_TAG, FLOAT_TAG)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
_StrictLoader.add_implicit_resolver(INT_TAG, DECIMAL_INT, list("-+0123456789"))
_StrictLoader.add_implicit_resolver(FLOAT_TAG, DECIMAL_FLOAT, list("-+0123456789."))


def _construct_number(loader, node):
    """Plain and explicitly tagged (!!int 0x17) numbers alike: decimal, and of a readable length."""
    text = loader.construct_scalar(node)
    digits = len(text.lstrip("+-").split(".")[0])
    if digits > MAX_DIGITS:
        raise yaml.constructor.ConstructorError(
            None, None, f"a number of {digits} digits, more than the {MAX_DIGITS} any count, amount or year has "
                        f"(数字位数过多：{digits} 位)",
            node.start_mark)
    if node.tag == INT_TAG:
        if not DECIMAL_INT.match(text):
            raise yaml.constructor.ConstructorError(
                None, None, f"{text[:20]!r} is not a decimal integer (应为十进制整数)", node.start_mark)
        return int(text)
    if not DECIMAL_FLOAT.match(text) and not DECIMAL_INT.match(text):
        raise yaml.constructor.ConstructorError(
            None, None, f"{text[:20]!r} is not a decimal number (应为十进制数)", node.start_mark)
    return loader.construct_yaml_float(node)


_StrictLoader.add_constructor(INT_TAG, _construct_number)
_StrictLoader.add_constructor(FLOAT_TAG, _construct_number)


def parse_yaml(text: str, file: str) -> object:
    """Every YAML nianbao reads (sources, this year's and earlier ones, parameters) comes through here."""
    try:
        data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = column = None
        if mark:
            line, column = mark.line + 1, mark.column + 1
        elif isinstance(error, yaml.reader.ReaderError):  # a control character: only its position is known
            line = text.count("\n", 0, error.position) + 1
            column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        zh = f"第 {line} 行第 {column} 列：" if line else ""
        en = f"line {line}, column {column}: " if line else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        if isinstance(error, yaml.reader.ReaderError):
            problem = f"control character {error.character!r} is not allowed (不允许的控制字符)"
        raise NianbaoError(f"{zh}不是有效的 YAML：{problem}", f"{en}not valid YAML: {problem}", file=file) from None
    problems = control_problems(data)
    if problems:
        raise SourceError(file, problems)
    return data


MAX_LISTED = 10


def control_problems(data, where: str = "") -> list[Problem]:
    """Text with control characters, anywhere in a parsed file (keys too). The reader refuses them
    written raw; a quoted "\\e[2J" or "\\a" arrives here as the character itself, and text nianbao
    stores is text it prints: an escape sequence would reach the terminal."""
    found: list[Problem] = []

    def visit(value, at: str) -> None:
        if len(found) >= MAX_LISTED:
            return
        if isinstance(value, str):
            control = CONTROL.search(value)
            if control:
                found.append(Problem(at or "（文件顶层 / top level）",
                                     f"不含控制字符的文字（第 {control.start() + 1} 个字符是 {control.group()!r}）",
                                     f"text without control characters (character {control.start() + 1} is "
                                     f"{control.group()!r})"))
        elif isinstance(value, dict):
            for key, item in value.items():
                name = f"{at}.{printable(str(key))}" if at else printable(str(key))
                visit(key, name)
                visit(item, name)
        elif isinstance(value, (list, tuple, set)):
            for index, item in enumerate(value):
                visit(item, f"{at}[{index}]")

    visit(data, where)
    return found



def load_report(path: str | Path) -> Report:
    """Load and validate one source file; raise SourceError listing every problem."""
    path = Path(path)
    if not path.is_file():
        if path.exists():  # a folder, a pipe (reading it would block) or a device
            raise NianbaoError("这不是普通文件（是目录、管道或设备）；应为源数据 YAML 文件",
                               "this is not a regular file (a folder, pipe or device); expected a source YAML file",
                               file=str(path))
        raise NianbaoError("找不到源数据文件", "source data file not found", file=str(path))
    data = parse_yaml(read_text(path), str(path))
    report = parse_report(data, str(path))
    folder_year = path.parent.name
    if re.fullmatch(r"\d{4}", folder_year) and int(folder_year) != report.year:
        raise SourceError(str(path), [Problem("year", f"与所在目录一致的 {folder_year}",
                                              f"{folder_year}, the year of its folder", str(report.year))])
    return report


# ------------------------------------------------------------------ validation
class _Checker:
    def __init__(self):
        self.problems: list[Problem] = []

    def add(self, where: str, zh: str, en: str, found=None) -> None:
        self.problems.append(Problem(where, zh, en, "" if found is None else _show(found)))

    def mapping(self, value, where: str, required=True) -> dict:
        if value is None and not required:
            return {}
        if not isinstance(value, dict):
            self.add(where, "一个映射（键: 值）", "a mapping (key: value)", value)
            return {}
        return value

    def keys(self, mapping: dict, allowed, where: str, required=()) -> None:
        hinted = set()  # a misspelt key is one problem, not also "missing"
        for key in mapping:
            if key not in allowed:
                hint = _closest(str(key), [a for a in allowed if a not in mapping])
                hinted.add(hint)
                self.add(f"{where}.{key}" if where else str(key),
                         f"已知的键之一{('（是否为 ' + hint + '？）') if hint else ''}：{'、'.join(map(str, allowed))}",
                         f"one of the known keys{(' (did you mean ' + hint + '?)') if hint else ''}", key)
        for key in required:
            if key not in mapping and key not in hinted:
                self.add(f"{where}.{key}" if where else str(key), "存在（缺少此项）", "to be present (it is missing)")

    def text(self, value, where: str) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            self.add(where, "文字", "text", value)
            return ""
        control = CONTROL.search(value)
        if control:  # not text: invisible on the page, and an escape sequence would reach the terminal
            self.add(where, f"不含控制字符的文字（第 {control.start() + 1} 个字符是 {control.group()!r}）",
                     f"text without control characters (character {control.start() + 1} is {control.group()!r})")
            return ""
        return value

    def cell(self, value, kind: str, where: str):
        """One table cell: None (blank) or a value of the declared kind."""
        if value is None:
            return None
        if kind == MONEY:
            return self._money(value, where)
        if isinstance(value, bool) or not isinstance(value, int):
            zh, en = ("；前导零、0x/0o/0b、下划线和冒号的写法不读作数字", "; leading zeros, 0x/0o/0b, underscores and colons "
                      "are not read as numbers") if isinstance(value, str) and YAML11_NUMBER.match(value) else ("", "")
            self.add(where, ("整数（阿拉伯数字，不带单位和千分位）" if kind == DELTA else "非负整数（阿拉伯数字，不带单位和千分位）") + zh,
                     ("a whole number (digits only, no unit or separators)" if kind == DELTA
                      else "a non-negative whole number (digits only, no unit or separators)") + en, value)
            return None
        if kind == COUNT and value < 0:
            self.add(where, "非负整数", "a non-negative whole number", value)
            return None
        if abs(value) > MAX_COUNT:
            self.add(where, f"不超过 {MAX_COUNT} 的数", f"a number no larger than {MAX_COUNT}", value)
            return None
        return value

    def _money(self, value, where: str):
        unit = ""
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            amount = None
        elif isinstance(value, str):
            text = value.strip()
            unit = next((u for u in MONEY_UNITS if text.endswith(u)), "")
            amount = _decimal(text[: len(text) - len(unit)].strip())
        else:
            amount = _decimal(repr(value)) if not (isinstance(value, float) and not math.isfinite(value)) else None
        if amount is None or amount < 0 or amount > MAX_MONEY:
            self.add(where, "非负金额（数字，可带单位 元/万元/亿元）", "a non-negative amount (a number, optionally with 元/万元/亿元)", value)
            return None
        return Money(amount, unit)


def _decimal(text: str) -> Decimal | None:
    if not re.fullmatch(r"\d+(\.\d+)?", text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


_SHORT = reprlib.Repr()
_SHORT.maxstring, _SHORT.maxother, _SHORT.maxlist, _SHORT.maxdict, _SHORT.maxlevel = 60, 60, 8, 4, 3


def _show(value) -> str:
    """A found value for a message, bounded however large or deep the value is."""
    text = repr(value) if isinstance(value, str) else str(value) if isinstance(value, (int, float)) else _SHORT.repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _closest(key: str, allowed) -> str:
    import difflib
    match = difflib.get_close_matches(key, [str(a) for a in allowed], n=1, cutoff=0.6)
    return match[0] if match else ""


def _row_cells(check: _Checker, value, kinds: list[str], labels: list[str], where: str) -> list:
    """A table row: a list of cells (a single-cell row may be a bare value)."""
    if len(kinds) == 1 and not isinstance(value, list):
        value = [value]
    if not isinstance(value, list):
        check.add(where, f"{len(kinds)} 个单元格的列表 [{', '.join(labels)}]", f"a list of {len(kinds)} cells", value)
        return [None] * len(kinds)
    if len(value) != len(kinds):
        check.add(where, f"{len(kinds)} 个单元格 [{', '.join(labels)}]", f"{len(kinds)} cells", f"{len(value)} 个 / {len(value)} cells")
        return [None] * len(kinds)
    return [check.cell(v, k, f"{where}[{label}]") for v, k, label in zip(value, kinds, labels)]


def parse_report(data, file: str = "<source>") -> Report:
    """Validate a parsed source mapping against its format declaration."""
    check = _Checker()
    data = check.mapping(data, "（文件顶层 / top level）")
    if check.problems:
        raise SourceError(file, check.problems)
    check.keys(data, TOP_KEYS, "", required=("agency", "year", "sections", "table2", "table3", "table4"))

    agency = check.text(data.get("agency"), "agency").strip()
    if "agency" in data and not agency:
        check.add("agency", "机构名称", "the agency's name", data.get("agency"))
    year = data.get("year")
    fmt = None
    if "year" in data:
        if isinstance(year, bool) or not isinstance(year, int):
            check.add("year", "四位数字年份", "a four-digit year", year)
        else:
            try:
                fmt = formats.format_for_year(year)
            except ValueError:
                check.add("year", "2019 年或以后", "2019 or later", year)
    if fmt is not None and "format" in data and str(data["format"]) != fmt.version:
        check.add("format", f"{year} 年适用的格式版本 {fmt.version}", f"format {fmt.version}, the one in force for {year}",
                  data["format"])
    if fmt is None:  # without a year nothing below can be checked
        raise SourceError(file, check.problems)

    numbers = [s.number for s in fmt.sections]
    sections_in = check.mapping(data.get("sections"), "sections")
    check.keys(sections_in, numbers, "sections",
               required=[s.number for s in fmt.sections if s.narrative_required])
    sections = {n: check.text(sections_in.get(n), f"sections.{n}") for n in numbers if n in sections_in}
    headings_in = check.mapping(data.get("headings"), "headings", required=False)
    check.keys(headings_in, numbers, "headings")
    headings = {n: check.text(v, f"headings.{n}") for n, v in headings_in.items() if n in numbers}

    table2_in = check.mapping(data.get("table2"), "table2")
    check.keys(table2_in, list(fmt.table2_rows), "table2", required=list(fmt.table2_rows))
    table2 = {}
    for label, block in fmt.table2_rows.items():
        if label in table2_in:
            table2[label] = _row_cells(check, table2_in[label], [c.kind for c in block.columns],
                                       [c.label for c in block.columns], f"table2.{label}")

    table3_in = check.mapping(data.get("table3"), "table3")
    check.keys(table3_in, fmt.table3_keys, "table3", required=fmt.table3_keys)
    col_labels = [c.label for c in fmt.table3_columns]
    table3 = {key: _row_cells(check, table3_in[key], [c.kind for c in fmt.table3_columns], col_labels, f"table3.{key}")
              for key in fmt.table3_keys if key in table3_in}

    groups = [g.key for g in fmt.table4_groups]
    table4_in = check.mapping(data.get("table4"), "table4")
    check.keys(table4_in, groups, "table4", required=groups)
    t4_labels = [c.label for c in fmt.table4_columns]
    table4 = {key: _row_cells(check, table4_in[key], [c.kind for c in fmt.table4_columns], t4_labels, f"table4.{key}")
              for key in groups if key in table4_in}

    options = check.mapping(data.get("options"), "options", required=False)
    check.keys(options, list(OPTION_KEYS), "options")
    decimals = options.get("fee_decimals")
    if decimals is not None and (isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 6):
        check.add("options.fee_decimals", OPTION_KEYS["fee_decimals"].split(" / ")[0],
                  OPTION_KEYS["fee_decimals"].split(" / ")[1], decimals)
    for key in ("other_share", "repeat_share"):
        share = options.get(key)
        if share is not None and (isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 <= share <= 100):
            zh, en = OPTION_KEYS[key].split(" / ")
            check.add(f"options.{key}", zh, en, share)
    gaps = data.get("gaps") or []
    if not isinstance(gaps, list) or not all(isinstance(g, dict) for g in gaps):
        check.add("gaps", "映射的列表", "a list of mappings", gaps)
        gaps = []

    rollup = check.mapping(data.get("rollup"), "rollup", required=False)
    check.keys(rollup, ROLLUP_KEYS, "rollup")
    if not isinstance(rollup.get("parts", {}), dict):
        check.add("rollup.parts", "报告标识到 sha256 的映射", "a mapping of report id to sha256", rollup.get("parts"))

    if check.problems:
        raise SourceError(file, check.problems)
    return Report(
        agency=agency, year=year, format=fmt, title=check.text(data.get("title"), "title").strip(),
        preamble=check.text(data.get("preamble"), "preamble"), sections=sections, headings=headings,
        table2=table2, table3=table3, table4=table4, options=dict(options), gaps=list(gaps),
        source=str(data.get("source") or ""), path=file, rollup=dict(rollup),
    )


def paragraphs(text: str) -> list[str]:
    """A narrative's paragraphs: blocks separated by blank lines, inner line breaks kept."""
    return [p.strip("\n") for p in re.split(r"\n[ \t\u3000]*\n", text or "") if p.strip()]


# ------------------------------------------------------------------ writing
class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data) -> bool:
        return True  # the loader refuses aliases: an object written twice is written out twice


def _represent_str(dumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def _scalar(value) -> str:
    if isinstance(value, Money):  # quoted unless YAML reads the printed digits back as they are (299.0000)
        plain = str(value.amount)
        return plain if not value.unit and repr(yaml.load(plain, Loader=_StrictLoader)) == plain else f'"{value}"'
    if type(value) is int:  # the common cell, without a YAML dump per cell (40 ms per report otherwise)
        return str(value)
    text = yaml.dump(value, Dumper=_Dumper, allow_unicode=True, default_flow_style=True, width=10**6)
    return text.removesuffix("\n...\n").strip()


def _flow(cells: list) -> str:
    return "[" + ", ".join("~" if c is None else _scalar(c) for c in cells) + "]"


def _rollup_lines(record: dict, block) -> list[str]:
    """A 汇总's rollup record; its parts (a province's run to thousands) one quoted line each, not
    through yaml.dump (seconds for a province). Ids and digests need no escaping: [a-z0-9_-], hex."""
    lines = ["rollup:"]
    parts = record.get("parts") or {}
    if all(isinstance(k, str) and re.fullmatch(r"[a-z0-9_-]+", k) and isinstance(v, str)
           and re.fullmatch(r"[0-9a-f]*", v) for k, v in parts.items()):
        lines.append("  parts:" + ("" if parts else " {}"))
        lines += [f'    "{k}": "{v}"' for k, v in parts.items()]
        rest = {k: v for k, v in record.items() if k != "parts"}
    else:
        rest = record
    if rest:
        text = yaml.dump(rest, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10**6).rstrip("\n")
        lines += ["  " + line for line in text.splitlines()]
    return lines


def dump_report(report: Report) -> str:
    """The source YAML for a report, laid out for people: labels as comments, rows on one line."""
    fmt = report.format
    out = [f"# {report.title} — nianbao 源数据 / source data ({fmt.name}，{fmt.basis})",
           "# 空白单元格写 ~（不要写 0）/ write ~ for a blank cell, not 0"]

    def block(mapping: dict) -> None:
        out.append(yaml.dump(mapping, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10**6).rstrip("\n"))

    block({"agency": report.agency, "year": report.year, "format": fmt.version})
    if report.title != formats.report_title(report.agency, report.year):
        block({"title": report.title})
    if report.preamble:
        block({"preamble": report.preamble})
    block({"sections": {n: report.sections[n] for n in formats.SECTION_NUMBERS if n in report.sections}})
    if report.headings:
        block({"headings": report.headings})

    out.append("table2:")
    for b in fmt.table2:
        out.append(f"  # {b.item}：{' | '.join(c.label for c in b.columns)}")
        for row in b.rows:
            cells = report.table2.get(row, [None] * len(b.columns))
            out.append(f"  {row}: {_flow(cells)}")
    out.append(f"table3:  # [{', '.join(c.label for c in fmt.table3_columns)}]")
    for row in fmt.table3_rows:
        out.append(f"  {row.key}: {_flow(report.table3.get(row.key, [None] * len(fmt.table3_columns)))}  # {fmt.table3_row_label(row.key)}")
    out.append(f"table4:  # [{', '.join(c.label for c in fmt.table4_columns)}]")
    for g in fmt.table4_groups:
        out.append(f"  {g.key}: {_flow(report.table4.get(g.key, [None] * len(fmt.table4_columns)))}")
    if report.options:
        block({"options": report.options})
    if report.source:
        block({"source": report.source})
    if report.gaps:
        block({"gaps": report.gaps})
    if report.rollup:
        out.extend(_rollup_lines(report.rollup, block))
    return "\n".join(out) + "\n"


def report_equal(a: Report, b: Report) -> bool:
    """Same content (the file each came from aside)."""
    fields = ("agency", "year", "title", "preamble", "sections", "headings", "table2", "table3", "table4",
              "options", "gaps", "rollup")
    return a.format.version == b.format.version and all(getattr(a, f) == getattr(b, f) for f in fields)


# How an imported report's `source` begins; the lines after it starting "- " are what the importer
# tolerated or left out. Here rather than in importer/, so that checking a source needs no importer.
IMPORTED_HEAD = "导入自 / imported from "
# An import note saying which rows' cells the importer inferred (--assume-row-sums) and from which
# rules: rules.check reports those rules as not checkable for the rows, not as passed.
INFERRED_NOTE = "推定 / inferred (--assume-row-sums)："
SOURCE_SUFFIXES = (".yaml", ".yml")


def import_notes(report: Report) -> list[str]:
    """What the importer tolerated or left out for this report (label variants, page furniture), one
    line each, as recorded in report.source; empty for a hand-written source. For check's JSON."""
    if not report.source.startswith(IMPORTED_HEAD):
        return []
    return [line[2:] for line in report.source.splitlines() if line.startswith("- ")]
