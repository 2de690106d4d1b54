"""The consistency rules (勾稽关系) nianbao checks: ids as numbered in
../shared/reference/official-format.md §8, the severity the reference gives, a Chinese title.

A rule marked "hard / warn" in the reference is an error here; the parts it calls "warn" are
generated as warning-level expectations (suites.py says which, next to each).

Where nianbao departs from the reference, the rule says so here:
- DRAFT is nianbao's own, not the reference's: a source that `nianbao new` started and nobody has
  finished (options.draft, or a 【草稿·待改写】 line left in a text part). It is an error, so a fresh
  draft never reads as clean. It is not R30 ("not a copy of last year's text"): a draft from the
  blank template copies nothing, and a draft is the state of a source file, not a fault of a
  published report; R30's copy check, when it comes, should compare two years' texts and stay
  apart from this.
- R30 is "hard / warn" in the reference; its warning part ("not a copy of last year's text") is R37
  here. R30 itself compares the years a report names for itself: its title, a statistical period
  sentence (统计期限自…至…12月31日), the year 一 opens with.
- R32 is checked only in the text (a figure of decisions against table 二; the table's as-at date is
  not printed). R33 and R35 are warnings as in the reference. R35's and R37's thresholds are the
  source's options.other_share and options.repeat_share (percent), defaults 10 and 50.
- R24 is "hard": a percentage is checked only right after a count nianbao reads (claims.py), against
  the base its words name (占全部收到申请的 …) or else the total the paragraph stated last (答复 805 件).
- R31 is not checked (NOT_CHECKED says why).
- R26 is "hard" in the reference, a warning here: the sample (焦作 2021), which must pass every
  error-level rule, says nothing of 信息处理费 in 六 ("无其他需要报告的事项"), and so do many real
  reports. Its absence is worth pointing out, not worth failing a report for.
"""
from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"
GX_SEVERITY = {ERROR: "critical", WARNING: "warning"}  # GX's names for the two levels
LEVEL_BY_GX = {v: k for k, v in GX_SEVERITY.items()}


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    title: str


RULES = {r.id: r for r in (  # in the order findings are listed
    Rule("DRAFT", ERROR, "草稿：nianbao new 生成的草稿尚未定稿（草稿标记行或 options.draft）"),
    Rule("R1", ERROR, "表二第（一）项（规章、行政规范性文件）各件数为非负整数"),
    Rule("R2", WARNING, "跨年：现行有效件数 = 上年现行有效件数 + 本年制发件数 − 本年废止件数"),
    Rule("R3", ERROR, "现行有效件数 ≥ 本年制发件数 − 本年废止件数"),
    Rule("R4", ERROR, "行政许可、行政处罚、行政强制的本年处理决定数量为非负整数"),
    Rule("R5", ERROR, "行政事业性收费金额为非负数（单位万元；小数位数或单位不符为警告）"),
    Rule("R6", ERROR, "2019 格式第（一）项：数量为非负整数，本年新公开数量 ≤ 对外公开总数量（跨年衔接为警告）"),
    Rule("R7", ERROR, "2019 格式第（五）（六）（八）项：数量为非负整数，本年增/减为整数，上一年项目数量 + 本年增/减 ≥ 0"
                      "（跨年衔接为警告）"),
    Rule("R8", ERROR, "2019 格式第（九）项：采购项目数量为非负整数，采购总金额为非负数并写明单位"),
    Rule("R9", ERROR, "表三每一行：总计 = 六类申请人之和"),
    Rule("R10", ERROR, "表三每一列：一 + 二 = （七）总计 + 四（表头所印勾稽关系）"),
    Rule("R11", ERROR, "表三每一列：（七）总计 = （一）至（六）各项之和"),
    Rule("R12", ERROR, "表三每个单元格为非负整数，不得空白"),
    Rule("R13", ERROR, "表三每一列：（七）总计 ≤ 一 + 二，四 ≤ 一 + 二"),
    Rule("R14", ERROR, "跨年：本年“二、上年结转” = 上年“四、结转下年度继续办理”"),
    Rule("R15", WARNING, "2021 格式：表三（六）2 逾期未缴费大于 0 则第六部分应报告收费情况；第六部分报告收费则应有办结的申请"),
    Rule("R16", ERROR, "表四行政复议：结果维持 + 结果纠正 + 其他结果 + 尚未审结 = 总计"),
    Rule("R17", ERROR, "表四未经复议直接起诉：结果维持 + 结果纠正 + 其他结果 + 尚未审结 = 总计"),
    Rule("R18", ERROR, "表四复议后起诉：结果维持 + 结果纠正 + 其他结果 + 尚未审结 = 总计"),
    Rule("R19", ERROR, "表四每个单元格为非负整数，不得空白"),
    Rule("R20", ERROR, "正文称未收到政府信息公开申请，则表三本年新收总计为 0"),
    Rule("R21", ERROR, "正文所述申请数量与表三一致"),
    Rule("R22", WARNING, "正文“共 X，其中 A、B……”的分项之和与总数一致"),
    Rule("R23", ERROR, "正文所述行政复议、行政诉讼数量与表四一致（“均获维持”等定性表述不符为警告）"),
    Rule("R24", ERROR, "正文所述百分比 = 数量 ÷ 基数（误差不超过所写位数的舍入加 0.01 个百分点）"),
    Rule("R25", ERROR, "正文所述规章、规范性文件件数与表二一致"),
    Rule("R26", WARNING, "2021 格式：第六部分报告信息处理费收取情况（收取金额或未收取）"),
    Rule("R27", ERROR, "六个部分的标题与格式模板一致"),
    Rule("R28", ERROR, "表格的行与单元格与格式模板一致"),
    Rule("R29", ERROR, "报告年度适用的格式版本（2019 年度仅鼓励使用统一格式，不符为警告）"),
    Rule("R30", ERROR, "标题年度、统计期限与“一、总体情况”开头所述年度均为报告年度"),
    Rule("R32", WARNING, "2021 格式：正文所述作出/办理的行政许可、处罚、强制决定数 = 表二处理决定数量（公开/公示的不超过）"),
    Rule("R33", WARNING, "2021 格式：“一、总体情况”篇幅原则上不超过一千字，涵盖主动公开、依申请公开、政府信息管理、平台建设、监督保障"),
    Rule("R35", WARNING, "表三（六）其他处理占（七）总计的比例不宜偏高（阈值可设，options.other_share，默认 10%）"),
    Rule("R36", ERROR, "汇总报告：每个单元格 = 登记表所列各组成报告同一单元格之和（缺报为警告）"),
    Rule("R37", WARNING, "各部分正文与上年同一部分重复的比例不超过阈值（options.repeat_share，默认 50%）"),
    Rule("R38", WARNING, "按时发布：发布日期不晚于本级时限（部门、乡镇 1月31日，县级 2月20日，地市级 3月10日，省级 3月31日）"),
)}

# Rules of the reference that nianbao does not check, and why; listed where the rules are (README too).
NOT_CHECKED = {
    "R31": "不能从报告本身核对：行政复议机关作为共同被告的行政诉讼只计原行为主体，表四只有件数，看不出哪些案件是共同被告"
           " / cannot be checked from a report: table 四 holds counts only, not which suits name the 复议机关 as co-defendant",
}

# Which rule checks the type of each table's cells, and which rule each table-四 group's sum answers to,
# the format declares (formats.Block.type_rule, Format.table3_rule, Table4Group.rule).
