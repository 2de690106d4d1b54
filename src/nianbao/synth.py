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
RESULT_WEIGHTS = (45, 10, 6, 25, 8, 2)  # 予以公开 … 其他处理, the result groups in the order declared (a new one: 1)
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
    categories = fmt.result_categories
    weight = dict(zip(categories, RESULT_WEIGHTS))
    # 逾期未缴费 (the unpaid-fee row) would call for fee notices in section 六 (R15): never drawn
    unused = {fmt.row_key(formats.UNPAID_FEE)} if fmt.has_row(formats.UNPAID_FEE) else set()
    table = {key: [0] * len(fmt.applicant_keys) for key in fmt.table3_keys}
    for role, cells in ((formats.NEW, flow.new), (formats.CARRIED_IN, flow.carry), (formats.CARRIED_OUT, flow.out)):
        table[fmt.row_key(role)] = list(cells)
    weights = [0 if k in unused else weight.get(c, 1) / len(keys) for c, keys in categories.items() for k in keys]
    total_row = fmt.row_key(formats.RESULTS_TOTAL)
    for col in range(len(fmt.applicant_keys)):
        handled = flow.new[col] + flow.carry[col] - flow.out[col]
        table[total_row][col] = handled
        for key, count in zip(results, _split(handled, weights, rng)):
            table[key][col] = count
    return {key: cells + [sum(cells)] for key, cells in table.items()}


def _table4(fmt: formats.Format, rng: random.Random) -> dict[str, list]:
    table = {}
    parts = len(fmt.table4_columns) - 1
    for group in fmt.table4_groups:
        cells = [rng.choice((0, 0, 0, 0, 1, 2)) for _ in range(parts)] if rng.random() < 0.4 else [0] * parts
        table[group.key] = cells + [sum(cells)]
    return table


_Stock = dict  # table-二 row label → {column key: value}: the figures that carry from year to year


def _stock(fmt: formats.Format, rng: random.Random, government: bool) -> _Stock:
    """A first year's previous stock: each carried figure of each row, its changes 0."""
    stock: _Stock = {}
    for block in fmt.table2:
        for row in block.rows:
            rules = block.documents and row == block.rows[0]  # 规章: only a government makes them
            for carry in block.carries:
                high = (30 if government else 0) if rules else 60 if block.documents else 120
                stock.setdefault(row, {})[carry.column] = rng.randint(3 if rules and government else 0, high)
                stock[row].update({k: 0 for k in carry.previous_plus})
    return stock


def _money(fmt: formats.Format, column: formats.Column, rng: random.Random) -> Money:
    if fmt.fee and column.key == fmt.fee.column:  # a fee in the header's unit, often none
        return Money((Decimal(rng.randint(0, 3_000_000)) / 10_000).quantize(Decimal("0.01"))) if rng.random() < 0.5 \
            else Money(Decimal(0))
    return Money(Decimal(rng.randint(0, 50_000)) / 10, "万元")  # no unit printed: the cell carries one


def _table2(fmt: formats.Format, stock: _Stock, rng: random.Random, government: bool) -> tuple[dict, _Stock, dict]:
    """Table 二 for one year from last year's stock, kept to the blocks' bounds and carry-overs
    (formats.Bound, formats.Carry); returns the table, this year's stock and the figures the
    narrative quotes (the 规范性文件 row's, by the verbs that name its columns)."""
    fresh = None
    for block in fmt.table2:  # a first year, or a format whose table 二 changed: fresh stock for those rows
        for row in block.rows:
            if any(c.column not in stock.get(row, {}) for c in block.carries):
                fresh = fresh or _stock(fmt, rng, government)
                stock = {**stock, row: fresh[row]}
    table, new_stock = {}, {}
    for block in fmt.table2:
        carried = {c.column: c for c in block.carries}
        for row in block.rows:
            rules = block.documents and row == block.rows[0]
            prev = stock.get(row, {})
            start = {k: c.start(prev) or 0 for k, c in carried.items()}
            removed = {k: c for c in block.carries for k in c.minus}
            values: dict = {}
            for col in block.columns:
                if col.key in carried:
                    continue
                if col.kind == formats.MONEY:
                    values[col.key] = _money(fmt, col, rng)
                elif col.kind == formats.DELTA:  # a change of a carried figure: never below zero
                    base = next((start[c.column] for c in block.carries if col.key in c.previous_plus), 0)
                    values[col.key] = rng.randint(-min(3, base), 5)
                elif col.key in removed:
                    values[col.key] = rng.randint(0, min(1 if rules else 4, start[removed[col.key].column]))
                else:
                    values[col.key] = (rng.randint(0, 3) if government else 0) if rules else \
                        rng.randint(0, 12) if block.documents else rng.randint(0, 500)
            for key, carry in carried.items():
                values[key] = start[key] + sum(values[k] for k in carry.plus) - sum(values[k] for k in carry.minus)
            table[row] = [values[c.key] for c in block.columns]
            new_stock[row] = values
    docs = fmt.document_rows[-1] if fmt.document_rows else ""
    by_verb = fmt.column_by_verb()
    figures = {name: new_stock[docs][by_verb[verb]] for name, verb in (("made", "制发"), ("valid", "现行有效"))
               if docs and verb in by_verb}
    return table, new_stock, {**figures, "docs": docs}


def _narrative(name: str, year: int, fmt: formats.Format, t3: dict, t4: dict, figures: dict,
               rng: random.Random) -> dict[str, str]:
    published = rng.randint(80, 2500)
    parts = _split(published, (50, 30, 20), rng)
    new, carry, done, out = (t3[fmt.row_key(role)][-1] for role in
                             (formats.NEW, formats.CARRIED_IN, formats.RESULTS_TOTAL, formats.CARRIED_OUT))
    review = sum(t4[g.key][-1] for g in fmt.table4_groups if not g.parent)
    suits = sum(t4[g.key][-1] for g in fmt.table4_groups if g.parent)
    docs = figures["docs"]
    stock = (f"本年制发{docs}{figures['made']}件，现行有效{docs}{figures['valid']}件。"
             if {"made", "valid"} <= set(figures) else "")
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
    texts = {"一": one, "五": five, "六": "无其他需要报告的事项。"}
    if fmt.fee_section:  # the section that reports 信息处理费 (R26)
        texts[fmt.fee_section] = "本年度未收取信息处理费。" + texts.get(fmt.fee_section, "")
    return texts


def _report(agency_id: str, name: str, year: int, flow: _Flow, stock: _Stock, rng: random.Random,
            seed: int) -> tuple[Report, _Stock]:
    fmt = formats.format_for_year(year)
    government = name.endswith("人民政府办公室")
    table2, stock, figures = _table2(fmt, stock, rng, government)
    table3, table4 = _table3(fmt, flow, rng), _table4(fmt, rng)
    report = Report(agency=name, year=year, format=fmt, sections=_narrative(name, year, fmt, table3, table4, figures, rng),
                    table2=table2, table3=table3, table4=table4, source=f"{MARK} (seed {seed})",
                    # One template writes every year's text, so each repeats the last: R37 would flag them all.
                    options={"repeat_share": 100},
                    preamble=f"本报告依据《中华人民共和国政府信息公开条例》和国家统一的年度报告格式编制。"
                             f"本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。")
    return report, stock


def _plant(report: Report, rule: str) -> None:
    """One violation of rule in report (each leaves the file loadable)."""
    t3, t4, fmt = report.table3, report.table4, report.format
    first_result, carried_out = fmt.result_keys[0], fmt.row_key(formats.CARRIED_OUT)
    if rule == "R9":  # a row total that is not the sum of its row
        t3[first_result][-1] += 1
    elif rule == "R10":  # carried out grows: 一+二 ≠ 七+四 in 自然人 and 总计 (row totals still add up)
        t3[carried_out][0] += 1
        t3[carried_out][-1] += 1
    elif rule == "R11":  # a result row grows, （七）总计 does not
        t3[first_result][0] += 1
        t3[first_result][-1] += 1
    elif rule == "R16":  # 行政复议 总计 ≠ its parts
        t4[fmt.table4_groups[0].key][-1] += 1
    elif rule == "R21":  # the narrative states one application more than the table
        new = t3[fmt.row_key(formats.NEW)][-1]
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
        stock, carry = {}, None
        for y in years:
            flow = _flow(rng, carry)
            agency.reports[y], stock = _report(agency_id, name, y, flow, stock, rng, seed)
            carry = flow.out
        agencies.append(agency)
    for i, agency in enumerate(rng.sample(agencies, round(n * violations))):
        agency.planted = VIOLATIONS[i % len(VIOLATIONS)]  # in turn: five planted agencies cover every kind
        _plant(agency.reports[year], agency.planted)
    return agencies


def write_agencies(agencies: list[Agency], out: Path, year: int, *, force: bool = False) -> list[Path]:
    """data/<y>/<id>.yaml for every year synthesized, params/<year>/<id>.yaml. An existing file is
    kept unless force (it may be hand-edited, and synth's ids look like real agencies' ids); even then,
    a file synth did not write is never overwritten. Nothing is written unless all can be."""
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
    existing = [p for p, _ in planned if p.exists() or p.is_symlink()]
    if existing and not force:
        raise UsageError(f"{existing[0]} 已存在（共 {len(existing)} 个），不覆盖；确要重新生成 synth 写出的文件，请加 --force",
                         f"{existing[0]} already exists ({len(existing)} in all); not overwriting (--force replaces "
                         "files synth wrote)")
    for path, text in planned:
        paths.write_atomic(path, text, fsync=False)  # bulk test data: no flush per file
    return [p for p, _ in planned]
