"""The official report format, declared once as data, for each version.

Everything else (the source schema, the pandas tables, the HTML layout, the GX
suites, the importer's label matching) is derived from these declarations.
Labels are the exact text of the 国办 templates (国办公开办函〔2019〕60号 and
〔2021〕30号); see ../shared/reference/official-format.md §2–§6.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# Cell kinds: what a cell may hold.
COUNT = "count"  # integer ≥ 0
DELTA = "delta"  # integer, may be negative (2019 本年增/减 only)
MONEY = "money"  # decimal ≥ 0 (万元 in 2021; 2019 采购总金额 carries its own unit)

SECTION_NUMBERS = ("一", "二", "三", "四", "五", "六")


@dataclass(frozen=True)
class Section:
    number: str  # 一 … 六
    heading: str  # exact template heading, e.g. 一、总体情况
    narrative_required: bool  # 一、五、六 are text sections; 二–四 hold tables (an optional note)


@dataclass(frozen=True)
class Column:
    key: str  # YAML key / code name
    label: str  # exact label printed in the table
    kind: str = COUNT
    span: int = 1  # columns this header spans in the printed table


@dataclass(frozen=True)
class Block:
    """One block of table 二: 第二十条第（N）项 with its columns and rows."""

    item: str  # e.g. 第二十条第（一）项
    columns: tuple[Column, ...]
    rows: tuple[str, ...]  # row labels (also the YAML keys)


@dataclass(frozen=True)
class Row:
    """One data row of table 三."""

    key: str  # YAML key, short and unique, e.g. 不予公开.1
    label: str  # the cell text of the last label level, e.g. 1.属于国家秘密
    group: str = ""  # the enclosing label, e.g. （三）不予公开 ('' for top-level rows)
    top: str = ""  # the top-level label (三、本年度办理结果 for result rows)


@dataclass(frozen=True)
class Table4Group:
    key: str  # YAML key
    label: str  # 行政复议 / 未经复议直接起诉 / 复议后起诉
    parent: str  # '' for 行政复议, 行政诉讼 for the two litigation groups


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

    # --- derived lookups -------------------------------------------------
    @property
    def table2_rows(self) -> dict[str, Block]:
        return {row: block for block in self.table2 for row in block.rows}

    def table3_row(self, key: str) -> Row:
        return next(r for r in self.table3_rows if r.key == key)

    @property
    def table3_keys(self) -> tuple[str, ...]:
        return tuple(r.key for r in self.table3_rows)

    @property
    def result_keys(self) -> tuple[str, ...]:
        """The result rows that add up to （七）总计 (rule R11)."""
        return tuple(r.key for r in self.table3_rows if r.top == TABLE3_RESULTS and r.key != "办理结果总计")

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
    Column("自然人", "自然人"),
    Column("商业企业", "商业企业"),
    Column("科研机构", "科研机构"),
    Column("社会公益组织", "社会公益组织"),
    Column("法律服务机构", "法律服务机构"),
    Column("其他", "其他"),
    Column("总计", "总计"),
)
APPLICANT_KEYS = tuple(c.key for c in TABLE3_COLUMNS[:-1])  # the six columns summed into 总计
LEGAL_KEYS = APPLICANT_KEYS[1:]  # nested under 法人或其他组织


def _group(group: str, prefix: str, labels: list[str]) -> list[Row]:
    return [Row(f"{prefix}.{i}", f"{i}.{label}", group, TABLE3_RESULTS) for i, label in enumerate(labels, 1)]


def _table3_rows(other_subrows: list[str] | None) -> tuple[Row, ...]:
    rows = [
        Row("本年新收", "一、本年新收政府信息公开申请数量"),
        Row("上年结转", "二、上年结转政府信息公开申请数量"),
        Row("予以公开", "（一）予以公开", "", TABLE3_RESULTS),
        Row("部分公开", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "", TABLE3_RESULTS),
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
        rows.append(Row("其他处理", "（六）其他处理", "", TABLE3_RESULTS))
    rows += [
        Row("办理结果总计", "（七）总计", "", TABLE3_RESULTS),
        Row("结转下年", "四、结转下年度继续办理"),
    ]
    return tuple(rows)


# ---------------------------------------------------------------- table 四
TABLE4_REVIEW = "行政复议"
TABLE4_LITIGATION = "行政诉讼"
TABLE4_GROUPS = (
    Table4Group("行政复议", "行政复议", ""),
    Table4Group("未经复议直接起诉", "未经复议直接起诉", TABLE4_LITIGATION),
    Table4Group("复议后起诉", "复议后起诉", TABLE4_LITIGATION),
)
TABLE4_COLUMNS = (
    Column("结果维持", "结果维持"),
    Column("结果纠正", "结果纠正"),
    Column("其他结果", "其他结果"),
    Column("尚未审结", "尚未审结"),
    Column("总计", "总计"),
)

# ---------------------------------------------------------------- table 二
_DECISIONS_2021 = (Column("本年处理决定数量", "本年处理决定数量", COUNT, 3),)
FEE_LABEL_2021 = "本年收费金额（单位：万元）"

TABLE2_2021 = (
    Block("第二十条第（一）项", (
        Column("本年制发件数", "本年制发件数"),
        Column("本年废止件数", "本年废止件数"),
        Column("现行有效件数", "现行有效件数"),
    ), ("规章", "行政规范性文件")),
    Block("第二十条第（五）项", _DECISIONS_2021, ("行政许可",)),
    Block("第二十条第（六）项", _DECISIONS_2021, ("行政处罚", "行政强制")),
    Block("第二十条第（八）项", (Column("本年收费金额", FEE_LABEL_2021, MONEY, 3),), ("行政事业性收费",)),
)

_ITEMS_2019 = (
    Column("上一年项目数量", "上一年项目数量"),
    Column("本年增减", "本年增/减", DELTA),
    Column("处理决定数量", "处理决定数量"),
)
TABLE2_2019 = (
    Block("第二十条第（一）项", (
        Column("本年新制作数量", "本年新制作数量"),
        Column("本年新公开数量", "本年新公开数量"),
        Column("对外公开总数量", "对外公开总数量"),
    ), ("规章", "规范性文件")),
    Block("第二十条第（五）项", _ITEMS_2019, ("行政许可", "其他对外管理服务事项")),
    Block("第二十条第（六）项", _ITEMS_2019, ("行政处罚", "行政强制")),
    Block("第二十条第（八）项", (
        Column("上一年项目数量", "上一年项目数量"),
        Column("本年增减", "本年增/减", DELTA, 2),
    ), ("行政事业性收费",)),
    Block("第二十条第（九）项", (
        Column("采购项目数量", "采购项目数量"),
        Column("采购总金额", "采购总金额", MONEY, 2),
    ), ("政府集中采购",)),
)

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
)

FORMAT_2021 = Format(
    version="2021",
    name="中华人民共和国政府信息公开工作年度报告格式",
    basis="国办公开办函〔2021〕30号",
    sections=SECTIONS,
    table2=TABLE2_2021,
    table3_rows=_table3_rows([
        "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "其他",
    ]),
    table3_columns=TABLE3_COLUMNS,
    table4_groups=TABLE4_GROUPS,
    table4_columns=TABLE4_COLUMNS,
)

FORMATS = {f.version: f for f in (FORMAT_2019, FORMAT_2021)}
FIRST_YEAR = 2019  # the 条例 as revised in 2019; earlier reports had no unified format
FIRST_YEAR_2021 = 2021


def version_for_year(year: int) -> str:
    """The format version in force for a report year (R29)."""
    if year < FIRST_YEAR:
        raise ValueError(f"{year} 年早于统一格式（2019 年起） / {year} predates the unified format (2019 on)")
    return "2021" if year >= FIRST_YEAR_2021 else "2019"


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
