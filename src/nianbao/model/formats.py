"""The official report format, declared once as data, for each version.

Everything else (the source schema, the pandas tables, the HTML layout, the GX
suites, the importer's label matching, new year, synth, trend) is derived from these declarations:
modules ask a Format for the table, column or row that plays a role (NEW, TOTAL, …) instead of
naming its label. A next format revision is one more Format here (or `register`ed, as a test does).
Labels are the exact text of the 国办 templates (国办公开办函〔2019〕60号 and
〔2021〕30号); see ../shared/reference/official-format.md §2–§6.
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

# Cell kinds: what a cell may hold.
COUNT = "count"  # integer ≥ 0
DELTA = "delta"  # integer, may be negative (2019 本年增/减 only)
MONEY = "money"  # decimal ≥ 0 (万元 in 2021; 2019 采购总金额 carries its own unit)

SECTION_NUMBERS = ("一", "二", "三", "四", "五", "六")


# Column roles
APPLICANT = "applicant"  # table 三: one of the six applicant kinds summed into 总计 (R9)
LEGAL = "legal"  # an applicant kind nested under 法人或其他组织
TOTAL = "total"  # the 总计 column of tables 三 and 四
CORRECTED = "corrected"  # table 四: 结果纠正, the decisions a review or court corrected (纠错率, R39)

# Table 三 row roles
NEW = "new"  # 一、本年新收
CARRIED_IN = "carried-in"  # 二、上年结转
RESULT = "result"  # a row of 三、本年度办理结果 that adds up to （七）总计 (R11)
RESULTS_TOTAL = "results-total"  # （七）总计
CARRIED_OUT = "carried-out"  # 四、结转下年度继续办理
UNPAID_FEE = "unpaid-fee"  # a result row meaning a fee notice went unpaid (2021 （六）2; rule R15)

# Result outcomes (Row.outcome): what a result row means for the region's ratios (R39)
DISCLOSED = "disclosed"  # （一）予以公开, （二）部分公开: 实质公开
WITHHELD = "withheld"  # （三）不予公开


@dataclass(frozen=True)
class Table:
    """One of the three tables, by every name it goes by."""

    number: str  # 二 / 三 / 四: the section that holds it (also CellKey.table)
    name: str  # 表二: how findings name it
    key: str  # table2: the source's top-level key

    @property
    def names(self) -> tuple[str, ...]:
        return (self.number, self.name, self.key)


TABLE2, TABLE3, TABLE4 = Table("二", "表二", "table2"), Table("三", "表三", "table3"), Table("四", "表四", "table4")
TABLES = (TABLE2, TABLE3, TABLE4)


def table(name: str) -> Table:
    """The table a name means: 二, 表二 or table2."""
    return next(t for t in TABLES if name in t.names)


@dataclass(frozen=True)
class Section:
    number: str  # 一 … 六
    heading: str  # exact template heading, e.g. 一、总体情况
    narrative_required: bool  # 一、五、六 are text sections; 二–四 hold tables (an optional note)
    placeholder: str = "（文字描述）"  # the template's own text for the section (a blank draft starts with it)
    max_chars: int = 0  # its length 原则上 at most this many characters (2021 一: 30号 一（一）, R33); 0: no limit
    topics: tuple[tuple[str, tuple[str, ...]], ...] = ()  # what it must cover (R33): topic, words that show it


@dataclass(frozen=True)
class Column:
    key: str  # YAML key / code name
    label: str  # exact label printed in the table
    kind: str = COUNT
    span: int = 1  # columns this header spans in the printed table
    role: str = ""  # APPLICANT, LEGAL (an applicant kind under 法人或其他组织), TOTAL
    verbs: tuple[str, ...] = ()  # words before 规章/规范性文件 that mean this column in the narrative (R25)


@dataclass(frozen=True)
class Bound:
    """A within-year bound on a table-二 row: sum(total) relation sum(parts), e.g. R3
    现行有效件数 + 本年废止件数 ≥ 本年制发件数. Column keys."""

    rule: str
    total: tuple[str, ...]
    parts: tuple[str, ...] = ()
    relation: str = ">="


@dataclass(frozen=True)
class Carry:
    """A table-二 stock figure carried over a year: this year's `column` starts from last year's
    `column` + last year's `previous_plus`; across two reports (rule, a warning) it is that starting
    point + this year's `plus` − this year's `minus`. Column keys."""

    rule: str  # R2 / R6 / R7
    column: str
    previous_plus: tuple[str, ...] = ()
    plus: tuple[str, ...] = ()
    minus: tuple[str, ...] = ()

    def start(self, previous: dict):
        """Next year's starting value from last year's row (column key → value), None if unknown."""
        values = [previous.get(k) for k in (self.column, *self.previous_plus)]
        return None if None in values else sum(values)


@dataclass(frozen=True)
class Block:
    """One block of table 二: 第二十条第（N）项 with its columns and rows."""

    item: str  # e.g. 第二十条第（一）项
    columns: tuple[Column, ...]
    rows: tuple[str, ...]  # row labels (also the YAML keys)
    type_rule: str = ""  # the rule that checks its cells' types (R1, R4, R5 …)
    bounds: tuple[Bound, ...] = ()
    carries: tuple[Carry, ...] = ()
    documents: bool = False  # 规章 and 规范性文件: the block the narrative's document counts speak of (R25)
    decisions: bool = False  # its rows count 处理决定, 已公开 and 依法未公开 alike (2021, 30号 一（二）; R32)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


@dataclass(frozen=True)
class Row:
    """One data row of table 三."""

    key: str  # YAML key, short and unique, e.g. 不予公开.1
    label: str  # the cell text of the last label level, e.g. 1.属于国家秘密
    group: str = ""  # the enclosing label, e.g. （三）不予公开 ('' for top-level rows)
    top: str = ""  # the top-level label (三、本年度办理结果 for result rows)
    role: str = ""  # NEW, CARRIED_IN, RESULT, RESULTS_TOTAL, CARRIED_OUT
    category: str = ""  # result rows: the result group a row counts in (予以公开 … 其他处理), its words in a text
    extra: str = ""  # a second role, e.g. UNPAID_FEE
    outcome: str = ""  # result rows: DISCLOSED, WITHHELD or '' (the ratios of R39)


@dataclass(frozen=True)
class Table4Group:
    key: str  # YAML key
    label: str  # 行政复议 / 未经复议直接起诉 / 复议后起诉
    parent: str  # '' for 行政复议, 行政诉讼 for the two litigation groups
    rule: str = ""  # the rule that its 总计 is the sum of its parts (R16–R18)


@dataclass(frozen=True)
class FeeHeader:
    """The fee column's header (2021 本年收费金额（单位：万元）) and its accepted provincial variant,
    which adds the decimals a fee must have (河南: 本年收费金额（单位：万元，保留4位小数）)."""

    column: str  # the column key
    label: str  # as the national template prints it
    unit: str  # the unit the header prints (a cell must not carry another)

    def variant(self, decimals: int | None) -> str:
        return self.label if decimals is None else self.label.replace("）", f"，保留{decimals}位小数）")

    @property
    def pattern(self) -> re.Pattern:
        """The header as printed, with or without the decimals rule (group 1: the decimals)."""
        return re.compile(re.escape(self.label[:-1]) + r"(?:\s*[，,]\s*保留\s*(\d)\s*位小数)?\s*）")

    def decimals(self, text: str) -> int | None:
        found = re.search(r"保留\s*(\d)\s*位小数", text)
        return int(found.group(1)) if found else None


@dataclass(frozen=True)
class Format:
    version: str  # "2019" (试行) or "2021"
    name: str
    basis: str  # the 国办 document that issued it
    sections: tuple[Section, ...]
    table2: tuple[Block, ...]
    table3_rows: tuple[Row, ...]
    table3_columns: tuple[Column, ...] = field(default=())
    table4_groups: tuple[Table4Group, ...] = field(default=())
    table4_columns: tuple[Column, ...] = field(default=())
    first_year: int = 0  # the first report year it applies to
    fee: FeeHeader | None = None  # a fee column with a printed unit (2021); None: no fee header
    fee_section: str = ""  # the section that must report 信息处理费 (2021: 六; R15, R26); '' none
    table3_rule: str = "R12"  # the rule that checks table 三's cells
    table4_rule: str = "R19"
    encouraged_only: bool = False  # its first year only encouraged the format (2019, 60号): R29 is a warning
    rare_result: str = ""  # the result group that should be rare, （六）其他处理 (60号 一（三）; R35): its category
    catch_all_row: str = ""  # the row of that group that names no reason, 2021 （六）3.其他 (R35 names it)

    @property
    def decision_rows(self) -> tuple[str, ...]:
        """The table-二 rows that count 处理决定 (R32), 行政许可 / 行政处罚 / 行政强制 in 2021."""
        return tuple(row for b in self.table2 if b.decisions for row in b.rows)

    # --- derived lookups -------------------------------------------------
    @property
    def table2_rows(self) -> dict[str, Block]:
        return {row: block for block in self.table2 for row in block.rows}

    @property
    def document_rows(self) -> tuple[str, ...]:
        """The table-二 rows of 规章 and 规范性文件 (R25)."""
        return next((b.rows for b in self.table2 if b.documents), ())

    def columns(self, table_: Table) -> tuple[Column, ...]:
        """The columns of table 三 or 四 (table 二's differ per block)."""
        return self.table3_columns if table_ is TABLE3 else self.table4_columns

    def total_column(self, table_: Table = TABLE3) -> Column:
        return next(c for c in self.columns(table_) if c.role == TOTAL)

    @property
    def applicant_keys(self) -> tuple[str, ...]:
        """The applicant columns of table 三 summed into 总计 (R9)."""
        return tuple(c.key for c in self.table3_columns if c.role in (APPLICANT, LEGAL))

    @property
    def legal_keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.table3_columns if c.role == LEGAL)

    def row_key(self, role: str) -> str:
        """The key of the table-三 row playing a role (NEW, CARRIED_IN, RESULTS_TOTAL, CARRIED_OUT, UNPAID_FEE)."""
        return next(r.key for r in self.table3_rows if role in (r.role, r.extra))

    def row_keys(self, outcome: str) -> tuple[str, ...]:
        """The table-三 result rows of an outcome (DISCLOSED, WITHHELD), in table order."""
        return tuple(r.key for r in self.table3_rows if r.outcome == outcome)

    def has_row(self, role: str) -> bool:
        return any(role in (r.role, r.extra) for r in self.table3_rows)

    @property
    def result_categories(self) -> dict[str, tuple[str, ...]]:
        """Each result group (予以公开 … 其他处理) → its row keys, in table order."""
        out: dict[str, tuple[str, ...]] = {}
        for r in self.table3_rows:
            if r.role == RESULT:
                out[r.category] = out.get(r.category, ()) + (r.key,)
        return out

    @property
    def carries(self) -> tuple[Carry, ...]:
        return tuple(dict.fromkeys(c for b in self.table2 for c in b.carries))

    def column_by_verb(self) -> dict[str, str]:
        """A verb of the narrative → the table-二 column it counts in (R25)."""
        return {v: c.key for b in self.table2 for c in b.columns for v in c.verbs}

    def table3_row(self, key: str) -> Row:
        return next(r for r in self.table3_rows if r.key == key)

    @property
    def table3_keys(self) -> tuple[str, ...]:
        return tuple(r.key for r in self.table3_rows)

    @property
    def result_keys(self) -> tuple[str, ...]:
        """The result rows that add up to （七）总计 (rule R11)."""
        return tuple(r.key for r in self.table3_rows if r.role == RESULT)

    def table3_row_label(self, key: str) -> str:
        """A row's full label as an analyst names it, e.g. （三）不予公开·1.属于国家秘密."""
        row = self.table3_row(key)
        return f"{row.group}·{row.label}" if row.group else row.label


TITLE_SUFFIX = "政府信息公开工作年度报告"

SECTIONS = (
    Section("一", "一、总体情况", True),
    Section("二", "二、主动公开政府信息情况", False),
    Section("三", "三、收到和处理政府信息公开申请情况", False),
    Section("四", "四、政府信息公开行政复议、行政诉讼情况", False),
    Section("五", "五、存在的主要问题及改进情况", True),
    Section("六", "六、其他需要报告的事项", True),
)

INFO_CONTENT = "信息内容"  # the first header cell of every table-二 block

# ---------------------------------------------------------------- table 三
TABLE3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
TABLE3_APPLICANTS = "申请人情况"
TABLE3_LEGAL = "法人或其他组织"
TABLE3_RESULTS = "三、本年度办理结果"
TABLE3_COLUMNS = (
    Column("自然人", "自然人", role=APPLICANT),
    Column("商业企业", "商业企业", role=LEGAL),
    Column("科研机构", "科研机构", role=LEGAL),
    Column("社会公益组织", "社会公益组织", role=LEGAL),
    Column("法律服务机构", "法律服务机构", role=LEGAL),
    Column("其他", "其他", role=LEGAL),
    Column("总计", "总计", role=TOTAL),
)
APPLICANT_KEYS = tuple(c.key for c in TABLE3_COLUMNS if c.role in (APPLICANT, LEGAL))  # summed into 总计
LEGAL_KEYS = tuple(c.key for c in TABLE3_COLUMNS if c.role == LEGAL)  # nested under 法人或其他组织
APPLICANT_ALIASES = {"社会组织": "社会公益组织"}  # what narratives (and the sample) also call a column


OUTCOMES = {"予以公开": DISCLOSED, "部分公开": DISCLOSED, "不予公开": WITHHELD}  # result group → outcome


def _group(group: str, prefix: str, labels: list[str]) -> list[Row]:
    return [Row(f"{prefix}.{i}", f"{i}.{label}", group, TABLE3_RESULTS, RESULT, prefix,
                outcome=OUTCOMES.get(prefix, "")) for i, label in enumerate(labels, 1)]


def _result(key: str, label: str) -> Row:
    return Row(key, label, "", TABLE3_RESULTS, RESULT, key, outcome=OUTCOMES.get(key, ""))


def _table3_rows(other_subrows: list[str] | None) -> tuple[Row, ...]:
    rows = [
        Row("本年新收", "一、本年新收政府信息公开申请数量", role=NEW),
        Row("上年结转", "二、上年结转政府信息公开申请数量", role=CARRIED_IN),
        _result("予以公开", "（一）予以公开"),
        _result("部分公开", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
        *_group("（三）不予公开", "不予公开", [
            "属于国家秘密", "其他法律行政法规禁止公开", "危及“三安全一稳定”", "保护第三方合法权益",
            "属于三类内部事务信息", "属于四类过程性信息", "属于行政执法案卷", "属于行政查询事项",
        ]),
        *_group("（四）无法提供", "无法提供", [
            "本机关不掌握相关政府信息", "没有现成信息需要另行制作", "补正后申请内容仍不明确",
        ]),
        *_group("（五）不予处理", "不予处理", [
            "信访举报投诉类申请", "重复申请", "要求提供公开出版物", "无正当理由大量反复申请",
            "要求行政机关确认或重新出具已获取信息",
        ]),
    ]
    if other_subrows:
        rows += _group("（六）其他处理", "其他处理", other_subrows)
    else:
        rows.append(_result("其他处理", "（六）其他处理"))
    rows += [
        Row("办理结果总计", "（七）总计", "", TABLE3_RESULTS, RESULTS_TOTAL),
        Row("结转下年", "四、结转下年度继续办理", role=CARRIED_OUT),
    ]
    return tuple(rows)


def _mark(rows: tuple[Row, ...], key: str, extra: str) -> tuple[Row, ...]:
    return tuple(replace(r, extra=extra) if r.key == key else r for r in rows)


# ---------------------------------------------------------------- table 四
TABLE4_REVIEW = "行政复议"
TABLE4_LITIGATION = "行政诉讼"
TABLE4_GROUPS = (
    Table4Group("行政复议", "行政复议", "", "R16"),
    Table4Group("未经复议直接起诉", "未经复议直接起诉", TABLE4_LITIGATION, "R17"),
    Table4Group("复议后起诉", "复议后起诉", TABLE4_LITIGATION, "R18"),
)
TABLE4_COLUMNS = (
    Column("结果维持", "结果维持"),
    Column("结果纠正", "结果纠正", role=CORRECTED),
    Column("其他结果", "其他结果"),
    Column("尚未审结", "尚未审结"),
    Column("总计", "总计", role=TOTAL),
)

# ---------------------------------------------------------------- table 二
# verbs: a text figure of decisions 作出/办理 must equal the cell (R32; 公开/公示 ones may be fewer: claims.py).
_DECISIONS_2021 = (Column("本年处理决定数量", "本年处理决定数量", COUNT, 3, verbs=("作出", "办理", "实施", "办结", "审批")),)
FEE_2021 = FeeHeader("本年收费金额", "本年收费金额（单位：万元）", "万元")
FEE_LABEL_2021 = FEE_2021.label
_MADE = ("制发", "印发", "制定", "出台")  # verbs of a document newly made

TABLE2_2021 = (
    Block("第二十条第（一）项", (
        Column("本年制发件数", "本年制发件数", verbs=(*_MADE, "新增", "新增公开")),
        Column("本年废止件数", "本年废止件数", verbs=("废止",)),
        Column("现行有效件数", "现行有效件数", verbs=("现行有效",)),
    ), ("规章", "行政规范性文件"), "R1",
        bounds=(Bound("R3", ("现行有效件数", "本年废止件数"), ("本年制发件数",)),),
        carries=(Carry("R2", "现行有效件数", plus=("本年制发件数",), minus=("本年废止件数",)),), documents=True),
    Block("第二十条第（五）项", _DECISIONS_2021, ("行政许可",), "R4", decisions=True),
    Block("第二十条第（六）项", _DECISIONS_2021, ("行政处罚", "行政强制"), "R4", decisions=True),
    Block("第二十条第（八）项", (Column(FEE_2021.column, FEE_2021.label, MONEY, 3),), ("行政事业性收费",), "R5"),
)

_ITEMS_2019 = (
    Column("上一年项目数量", "上一年项目数量"),
    Column("本年增减", "本年增/减", DELTA),
    Column("处理决定数量", "处理决定数量"),
)
_ITEMS_BOUND = Bound("R7", ("上一年项目数量", "本年增减"))  # 上一年项目数量 + 本年增/减 ≥ 0
_ITEMS_CARRY = Carry("R7", "上一年项目数量", previous_plus=("本年增减",))
TABLE2_2019 = (
    Block("第二十条第（一）项", (
        Column("本年新制作数量", "本年新制作数量", verbs=_MADE),
        Column("本年新公开数量", "本年新公开数量", verbs=("新增公开", "公开", "发布")),
        Column("对外公开总数量", "对外公开总数量", verbs=("现行有效",)),
    ), ("规章", "规范性文件"), "R6", bounds=(Bound("R6", ("对外公开总数量",), ("本年新公开数量",)),),
        carries=(Carry("R6", "对外公开总数量", plus=("本年新公开数量",)),), documents=True),
    Block("第二十条第（五）项", _ITEMS_2019, ("行政许可", "其他对外管理服务事项"), "R7",
          bounds=(_ITEMS_BOUND,), carries=(_ITEMS_CARRY,)),
    Block("第二十条第（六）项", _ITEMS_2019, ("行政处罚", "行政强制"), "R7", bounds=(_ITEMS_BOUND,), carries=(_ITEMS_CARRY,)),
    Block("第二十条第（八）项", (
        Column("上一年项目数量", "上一年项目数量"),
        Column("本年增减", "本年增/减", DELTA, 2),
    ), ("行政事业性收费",), "R7", bounds=(_ITEMS_BOUND,), carries=(_ITEMS_CARRY,)),
    Block("第二十条第（九）项", (
        Column("采购项目数量", "采购项目数量"),
        Column("采购总金额", "采购总金额", MONEY, 2),  # no unit printed: the cell carries one (R8)
    ), ("政府集中采购",), "R8"),
)
# 30号 一（一）: 一 covers these five, "篇幅原则上不超过一千字" (R33). The words are what a text uses to name
# each (a sub-heading or its sentences); 监督保障 is often written as its parts (考核, 培训, 责任追究 …).
OVERVIEW_TOPICS_2021 = (
    ("主动公开", ("主动公开",)),
    ("依申请公开", ("依申请公开", "政府信息公开申请", "信息公开申请")),
    ("政府信息管理", ("政府信息管理", "信息管理", "信息发布审查", "保密审查", "公开属性")),
    ("政府信息公开平台建设", ("平台建设", "平台", "政府网站", "门户网站", "公开专栏", "新媒体")),
    ("监督保障", ("监督保障", "监督", "保障", "考核", "培训", "责任追究", "社会评议")),
)
# For a 人民政府 (not a department), 监督保障 includes 第五十条第四项's 工作考核、社会评议和责任追究结果情况 (R33).
GOVERNMENT_SUFFIX = "人民政府"  # an agency whose name ends so is a government, not one of its departments
GOVERNMENT_TOPICS = (("工作考核", ("考核",)), ("社会评议", ("社会评议", "评议")), ("责任追究", ("责任追究", "追责")))
SECTIONS_2021 = tuple(replace(s, placeholder="（文字描述，收取信息处理费情况在此处报告。）") if s.number == "六"
                      else replace(s, max_chars=1000, topics=OVERVIEW_TOPICS_2021) if s.number == "一" else s
                      for s in SECTIONS)

FORMAT_2019 = Format(
    version="2019",
    name="中华人民共和国政府信息公开工作年度报告格式（试行）",
    basis="国办公开办函〔2019〕60号",
    sections=SECTIONS,
    table2=TABLE2_2019,
    table3_rows=_table3_rows(None),
    table3_columns=TABLE3_COLUMNS,
    table4_groups=TABLE4_GROUPS,
    table4_columns=TABLE4_COLUMNS,
    first_year=2019,  # the 条例 as revised in 2019; earlier reports had no unified format
    encouraged_only=True,
    rare_result="其他处理",
)

FORMAT_2021 = Format(
    version="2021",
    name="中华人民共和国政府信息公开工作年度报告格式",
    basis="国办公开办函〔2021〕30号",
    sections=SECTIONS_2021,
    table2=TABLE2_2021,
    table3_rows=_mark(_table3_rows([
        "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "其他",
    ]), "其他处理.2", UNPAID_FEE),
    table3_columns=TABLE3_COLUMNS,
    table4_groups=TABLE4_GROUPS,
    table4_columns=TABLE4_COLUMNS,
    first_year=2021,
    fee=FEE_2021,
    fee_section="六",
    rare_result="其他处理",
    catch_all_row="其他处理.3",
)

# The registry: every version nianbao knows, oldest first. A test may add one (`registered`).
FORMATS = {f.version: f for f in (FORMAT_2019, FORMAT_2021)}
FIRST_YEAR = FORMAT_2019.first_year


def register(fmt: Format) -> None:
    """Add a format version (it applies from fmt.first_year on)."""
    FORMATS[fmt.version] = fmt


def unregister(version: str) -> None:
    FORMATS.pop(version, None)


@contextmanager
def registered(fmt: Format):
    """A format version known for the duration of a with-block (tests declare made-up ones)."""
    register(fmt)
    try:
        yield fmt
    finally:
        unregister(fmt.version)


def versions() -> list[Format]:
    """Registered versions, oldest first."""
    return sorted(FORMATS.values(), key=lambda f: f.first_year)


def latest() -> Format:
    return versions()[-1]


def version_for_year(year: int) -> str:
    """The format version in force for a report year (R29)."""
    if year < FIRST_YEAR:
        raise ValueError(f"{year} 年早于统一格式（2019 年起） / {year} predates the unified format (2019 on)")
    return [f for f in versions() if f.first_year <= year][-1].version


def format_for_year(year: int) -> Format:
    return FORMATS[version_for_year(year)]


def report_title(agency: str, year: int) -> str:
    return f"{agency}{year}年{TITLE_SUFFIX}"


# ---------------------------------------------------------------- reporting bodies (30号 二; R36, R38)
@dataclass(frozen=True)
class Level:
    """A kind of reporting body, as a register (agencies/<year>.yaml) names it."""

    kind: str  # exact text in the register
    rank: int  # 乡镇 1 < 县级 2 < 地市级 3 < 省级 4; a department (0) sits under its government
    government: bool  # a 县级以上 government: two reports, its 汇总 and its 本政府机关 report
    deadline: tuple[int, int]  # (month, day) of year Y+1 by which its report is published (条例第四十九条, 30号 二)


DEPARTMENT = "政府部门"
LEVELS = (
    Level(DEPARTMENT, 0, False, (1, 31)),  # 县级以上人民政府部门
    Level("乡镇（街道）", 1, False, (1, 31)),  # 乡镇人民政府 "参照对县级以上人民政府部门的要求"
    Level("县级人民政府", 2, True, (2, 20)),
    Level("地市级人民政府", 3, True, (3, 10)),
    Level("省级人民政府", 4, True, (3, 31)),
)
LEVELS_BY_KIND = {level.kind: level for level in LEVELS}
SUMMARY_REPORT = "汇总"  # a government's two reports: the 本级政府 汇总 and its 办公厅（室）'s 本政府机关 report
OFFICE_REPORT = "本政府机关"
