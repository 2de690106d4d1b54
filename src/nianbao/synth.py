"""Plausible synthetic agencies for scale tests and benchmarks: source YAML (written by
sources.dump_report, so it is exactly what an analyst would keep) and papermill parameter files.

Tables are consistent by construction with the format's rules (row and column totals, the printed
勾稽关系, cross-year carry-overs when the previous year is written too); the narrative states the
same numbers as the tables. A given share of agencies gets one planted violation each.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from . import paths
from .model import formats
from .errors import UsageError
from .model.sources import Money, Report, dump_report

MARK = "nianbao synth"  # in every file synth writes; it overwrites only files carrying it

CITIES = (("焦作", "jiaozuo"), ("洛阳", "luoyang"), ("开封", "kaifeng"), ("安阳", "anyang"), ("新乡", "xinxiang"),
          ("许昌", "xuchang"), ("南阳", "nanyang"), ("信阳", "xinyang"), ("周口", "zhoukou"), ("商丘", "shangqiu"),
          ("平顶山", "pingdingshan"), ("鹤壁", "hebi"), ("濮阳", "puyang"), ("漯河", "luohe"),
          ("三门峡", "sanmenxia"), ("驻马店", "zhumadian"), ("郑州", "zhengzhou"), ("济源", "jiyuan"))
DISTRICTS = (("市", ""), ("市城关区", "cgq"), ("市高新区", "gxq"), ("市经开区", "jkq"), ("市示范区", "sfq"),
             ("市新城区", "xcq"))
DEPARTMENTS = (("教育局", "jyj"), ("财政局", "czj"), ("民政局", "mzj"), ("司法局", "sfj"),
               ("人力资源和社会保障局", "rsj"), ("自然资源和规划局", "zrzyj"), ("生态环境局", "sthjj"),
               ("住房和城乡建设局", "zjj"), ("交通运输局", "jtysj"), ("水利局", "slj"), ("农业农村局", "nyncj"),
               ("商务局", "swj"), ("文化广电和旅游局", "wglyj"), ("卫生健康委员会", "wjw"), ("应急管理局", "yjglj"),
               ("市场监督管理局", "scjgj"), ("统计局", "tjj"), ("医疗保障局", "ybj"), ("人民政府办公室", "zfb"),
               ("发展和改革委员会", "fgw"))

PROBLEMS = ("政策解读形式较为单一，图解、视频等解读产品偏少", "部分栏目信息更新不够及时", "依申请公开答复文书的规范性有待提高",
            "基层工作人员业务能力参差不齐", "政府信息公开平台的检索功能不够便捷", "政务新媒体与门户网站联动不够",
            "主动公开目录的动态调整不够及时", "公开内容与群众关切的契合度有待提升")
MEASURES = ("丰富解读形式，推出图解、短视频等解读产品", "建立栏目更新台账，明确责任人和更新时限", "规范答复文书格式，开展案例评查",
            "组织业务培训，邀请专家授课", "优化站内搜索，完善信息分类", "加强政务新媒体与门户网站协同发布",
            "对照标准目录动态调整主动公开事项", "围绕群众关切加强政策发布和回应")
APPLICANT_WEIGHTS = (70, 15, 2, 3, 4, 6)  # 自然人 … 其他: who files applications, roughly
RESULT_WEIGHTS = {"予以公开": 45, "部分公开": 10, "不予公开": 6, "无法提供": 25, "不予处理": 8, "其他处理": 2}
UNUSED_RESULTS = ("其他处理.2",)  # 逾期未缴费 would call for fee notices in section 六 (R15)
VIOLATIONS = ("R9", "R10", "R11", "R16", "R21")


@dataclass
class Agency:
    id: str
    name: str
    reports: dict[int, Report] = field(default_factory=dict)  # year → report
    planted: str = ""  # the rule id of a planted violation ('' when none)


def agency_names(n: int, rng: random.Random) -> list[tuple[str, str]]:
    """n distinct (id, name) pairs like ('luoyang-jyj', '洛阳市教育局')."""
    combos = [(c, d, k) for k in DISTRICTS for c in CITIES for d in DEPARTMENTS]
    head = [x for x in combos if x[2] == DISTRICTS[0]]
    rng.shuffle(head)
    tail = [x for x in combos if x[2] != DISTRICTS[0]]
    rng.shuffle(tail)
    picked = []
    for i in range(n):
        (city, city_id), (dept, dept_id), (district, district_id) = (head + tail)[i % len(combos)]
        ident = "-".join(p for p in (city_id, district_id, dept_id) if p)
        if i >= len(combos):
            ident += f"-{i // len(combos) + 1}"
        picked.append((ident, f"{city}{district}{dept}"))
    return picked


def _split(total: int, weights, rng: random.Random) -> list[int]:
    """total spread over len(weights) parts, at random in proportion to weights."""
    if total > 64:  # large totals: jittered shares, largest remainder (drawing item by item is slow)
        shares = [w * rng.uniform(0.7, 1.3) for w in weights]
        exact = [total * s / sum(shares) for s in shares]
        parts = [int(x) for x in exact]
        for index in sorted(range(len(parts)), key=lambda i: parts[i] - exact[i])[:total - sum(parts)]:
            parts[index] += 1
        return parts
    parts = [0] * len(weights)
    for index in rng.choices(range(len(weights)), weights=weights, k=total):
        parts[index] += 1
    return parts


@dataclass
class _Flow:
    """Application counts for one year, per applicant column: carried in, new, carried out."""

    carry: list[int]
    new: list[int]
    out: list[int]


def _flow(rng: random.Random, carry: list[int] | None) -> _Flow:
    busy = rng.random()
    total = 0 if busy < 0.15 else rng.randint(1, 12) if busy < 0.7 else rng.randint(13, 160)
    new = _split(total, APPLICANT_WEIGHTS, rng)
    carry = carry if carry is not None else _split(rng.randint(0, 3) if total else 0, APPLICANT_WEIGHTS, rng)
    out = [rng.randint(0, min(2, n + c)) if rng.random() < 0.3 else 0 for n, c in zip(new, carry)]
    return _Flow(carry, new, out)


def _table3(fmt: formats.Format, flow: _Flow, rng: random.Random) -> dict[str, list]:
    results = fmt.result_keys
    groups = {key: key.split(".")[0] for key in results}
    table = {key: [0] * 6 for key in fmt.table3_keys}
    table["本年新收"], table["上年结转"], table["结转下年"] = list(flow.new), list(flow.carry), list(flow.out)
    sizes = {g: list(groups.values()).count(g) for g in set(groups.values())}
    weights = [0 if k in UNUSED_RESULTS else RESULT_WEIGHTS[groups[k]] / sizes[groups[k]] for k in results]
    for col in range(6):
        handled = flow.new[col] + flow.carry[col] - flow.out[col]
        table["办理结果总计"][col] = handled
        for key, count in zip(results, _split(handled, weights, rng)):
            table[key][col] = count
    return {key: cells + [sum(cells)] for key, cells in table.items()}


def _table4(fmt: formats.Format, rng: random.Random) -> dict[str, list]:
    table = {}
    for group in fmt.table4_groups:
        cells = [rng.choice((0, 0, 0, 0, 1, 2)) for _ in range(4)] if rng.random() < 0.4 else [0, 0, 0, 0]
        table[group.key] = cells + [sum(cells)]
    return table


@dataclass
class _Stock:
    """Table 二 quantities that carry from year to year."""

    rules_valid: int  # 规章 现行有效 (2021) / 对外公开总数量 (2019)
    docs_valid: int  # 行政规范性文件 现行有效 / 规范性文件 对外公开总数量
    items: dict[str, int]  # 2019: 上一年项目数量 per row
    deltas: dict[str, int]  # 2019: 本年增/减 per row


def _stock(rng: random.Random, government: bool) -> _Stock:
    rows = ("行政许可", "其他对外管理服务事项", "行政处罚", "行政强制", "行政事业性收费")
    return _Stock(rng.randint(3, 30) if government else 0, rng.randint(0, 60),
                  {r: rng.randint(0, 120) for r in rows}, {r: 0 for r in rows})


def _table2(fmt: formats.Format, stock: _Stock, rng: random.Random, government: bool) -> tuple[dict, _Stock, dict]:
    """Table 二 for one year from last year's stock; returns the table, this year's stock and the
    figures the narrative quotes."""
    made_rules = rng.randint(0, 3) if government else 0
    made_docs = rng.randint(0, 12)
    if fmt.version == "2021":
        gone_rules = rng.randint(0, min(1, stock.rules_valid))
        gone_docs = rng.randint(0, min(4, stock.docs_valid))
        rules_valid = stock.rules_valid + made_rules - gone_rules
        docs_valid = stock.docs_valid + made_docs - gone_docs
        fee = Money((Decimal(rng.randint(0, 3_000_000)) / 10_000).quantize(Decimal("0.01"))) if rng.random() < 0.5 \
            else Money(Decimal(0))
        table = {"规章": [made_rules, gone_rules, rules_valid], "行政规范性文件": [made_docs, gone_docs, docs_valid],
                 "行政许可": [rng.randint(0, 3000)], "行政处罚": [rng.randint(0, 400)], "行政强制": [rng.randint(0, 30)],
                 "行政事业性收费": [fee]}
        new = _Stock(rules_valid, docs_valid, dict(stock.items), dict(stock.deltas))
        return table, new, {"made": made_docs, "valid": docs_valid}
    # 2019 试行: 对外公开总数量 accumulates what is newly published; item counts carry with their deltas.
    rules_valid, docs_valid = stock.rules_valid + made_rules, stock.docs_valid + made_docs
    items = {r: stock.items[r] + stock.deltas[r] for r in stock.items}
    deltas = {r: rng.randint(-min(3, items[r]), 5) for r in items}
    table = {"规章": [made_rules, made_rules, rules_valid], "规范性文件": [made_docs, made_docs, docs_valid]}
    for row in ("行政许可", "其他对外管理服务事项", "行政处罚", "行政强制"):
        table[row] = [items[row], deltas[row], rng.randint(0, 500)]
    table["行政事业性收费"] = [items["行政事业性收费"], deltas["行政事业性收费"]]
    spent = Decimal(rng.randint(0, 50_000)) / 10
    table["政府集中采购"] = [rng.randint(0, 20) if spent else 0, Money(spent, "万元")]
    return table, _Stock(rules_valid, docs_valid, items, deltas), {"made": made_docs, "valid": docs_valid}


def _narrative(name: str, year: int, fmt: formats.Format, t3: dict, t4: dict, figures: dict,
               rng: random.Random) -> dict[str, str]:
    published = rng.randint(80, 2500)
    parts = _split(published, (50, 30, 20), rng)
    new, carry, done, out = t3["本年新收"][6], t3["上年结转"][6], t3["办理结果总计"][6], t3["结转下年"][6]
    review, suits = t4["行政复议"][4], t4["未经复议直接起诉"][4] + t4["复议后起诉"][4]
    docs = "行政规范性文件" if fmt.version == "2021" else "规范性文件"
    stock = (f"本年制发{docs}{figures['made']}件，现行有效{docs}{figures['valid']}件。" if fmt.version == "2021" else "")
    apply = ("全年未收到政府信息公开申请。" if new == 0 and carry == 0 else
             f"本年新收政府信息公开申请{new}件，上年结转{carry}件；办结{done}件，结转下年度继续办理{out}件。")
    one = "\n\n".join([
        f"{year}年，{name}坚持以人民为中心的发展思想，认真贯彻落实《中华人民共和国政府信息公开条例》，"
        "持续推进政府信息公开工作规范化、标准化。",
        f"（一）主动公开。全年主动公开政府信息{published}条，其中政务动态信息{parts[0]}条、通知公告{parts[1]}条、"
        f"政策文件及解读{parts[2]}条。{stock}",
        f"（二）依申请公开。{apply}",
        "（三）政府信息管理。严格执行信息发布审查制度，落实公开属性源头认定，动态调整主动公开目录。",
        "（四）政府信息公开平台建设。优化门户网站政府信息公开专栏，加强政务新媒体管理，提升平台集约化水平。",
        f"（五）监督保障。健全工作责任制，将政务公开纳入年度绩效考核，开展工作考核和社会评议，本年度未发生责任追究情况。全年因政府信息公开被申请行政复议{review}件，"
        f"被提起行政诉讼{suits}件。",
    ])
    picks = rng.sample(range(len(PROBLEMS)), 2)
    five = (f"存在的主要问题：一是{PROBLEMS[picks[0]]}；二是{PROBLEMS[picks[1]]}。\n\n"
            f"改进情况：一是{MEASURES[picks[0]]}；二是{MEASURES[picks[1]]}。")
    six = "本年度未收取信息处理费。无其他需要报告的事项。" if fmt.version == "2021" else "无其他需要报告的事项。"
    return {"一": one, "五": five, "六": six}


def _report(agency_id: str, name: str, year: int, flow: _Flow, stock: _Stock, rng: random.Random,
            seed: int) -> tuple[Report, _Stock]:
    fmt = formats.format_for_year(year)
    government = name.endswith("人民政府办公室")
    table2, stock, figures = _table2(fmt, stock, rng, government)
    table3, table4 = _table3(fmt, flow, rng), _table4(fmt, rng)
    report = Report(agency=name, year=year, format=fmt, sections=_narrative(name, year, fmt, table3, table4, figures, rng),
                    table2=table2, table3=table3, table4=table4, source=f"{MARK} (seed {seed})",
                    preamble=f"本报告依据《中华人民共和国政府信息公开条例》和国家统一的年度报告格式编制。"
                             f"本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。")
    return report, stock


def _plant(report: Report, rule: str) -> None:
    """One violation of rule in report (each leaves the file loadable)."""
    t3, t4 = report.table3, report.table4
    if rule == "R9":  # a row total that is not the sum of its row
        t3["予以公开"][6] += 1
    elif rule == "R10":  # carried out grows: 一+二 ≠ 七+四 in 自然人 and 总计 (row totals still add up)
        t3["结转下年"][0] += 1
        t3["结转下年"][6] += 1
    elif rule == "R11":  # a result row grows, （七）总计 does not
        t3["予以公开"][0] += 1
        t3["予以公开"][6] += 1
    elif rule == "R16":  # 行政复议 总计 ≠ its parts
        t4["行政复议"][4] += 1
    elif rule == "R21":  # the narrative states one application more than the table
        new = t3["本年新收"][6]
        text = report.sections["一"]
        stated = f"本年新收政府信息公开申请{new}件"
        report.sections["一"] = (text.replace(stated, f"本年新收政府信息公开申请{new + 1}件") if stated in text
                                else text.replace("全年未收到政府信息公开申请。", "本年新收政府信息公开申请1件。"))
    else:
        raise ValueError(rule)


def synthesize(n: int, year: int, *, violations: float = 0.0, seed: int = 0, previous: bool = False) -> list[Agency]:
    """n agencies for year (and, with previous, year−1 too, carried over consistently)."""
    if n < 1:
        raise UsageError("机构数量至少为 1", "--agencies must be at least 1")
    if not 0 <= violations <= 1:
        raise UsageError("违规比例应在 0 到 1 之间", "--violations must be a share between 0 and 1")
    year = paths.check_year(year)
    years = [year - 1, year] if previous else [year]
    if years[0] < formats.FIRST_YEAR:
        raise UsageError(f"{years[0]} 年早于统一格式（2019 年起）", f"{years[0]} predates the unified format (2019 on)")
    rng = random.Random(seed)
    agencies = []
    for agency_id, name in agency_names(n, rng):
        agency = Agency(agency_id, name)
        stock, carry = _stock(rng, name.endswith("人民政府办公室")), None
        for y in years:
            flow = _flow(rng, carry)
            agency.reports[y], stock = _report(agency_id, name, y, flow, stock, rng, seed)
            carry = flow.out
        agencies.append(agency)
    for agency in rng.sample(agencies, round(n * violations)):
        agency.planted = rng.choice(VIOLATIONS)
        _plant(agency.reports[year], agency.planted)
    return agencies


def write_agencies(agencies: list[Agency], out: Path, year: int) -> list[Path]:
    """data/<y>/<id>.yaml for every year synthesized, params/<year>/<id>.yaml; never overwrites a
    file synth did not write."""
    out = Path(out)
    planned = []
    for agency in agencies:
        for y, report in agency.reports.items():
            planned.append((out / "data" / str(y) / f"{agency.id}.yaml", dump_report(report)))
        planned.append((out / "params" / str(year) / f"{agency.id}.yaml",
                        f"# papermill parameters ({MARK})\nagency: {agency.id}\nyear: {year}\n"))
    foreign = [p for p, _ in planned if p.exists() and MARK not in p.read_text(encoding="utf-8", errors="replace")]
    if foreign:
        raise UsageError(f"不覆盖非 synth 生成的文件：{foreign[0]}（共 {len(foreign)} 个）",
                         f"refusing to overwrite files synth did not write: {foreign[0]} ({len(foreign)} in all)")
    for path, text in planned:
        paths.write_atomic(path, text, fsync=False)  # bulk test data: no flush per file
    return [p for p, _ in planned]
