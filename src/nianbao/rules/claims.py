"""Numbers the narrative states, read with their context words (rules R20–R25, R32).

Real reports word things freely, so every reader here is narrow on purpose: a sentence is
read only when its wording leaves no doubt which table cells it speaks of. Missing a claim
is acceptable; inventing one would put a false error in front of an analyst.

A Claim says: in section N the words “quote” state the number `stated` about some table
cells (resolved against the report in frames.py), or, for enumerations (R22), that a total
is made of parts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import formats
from ..model.formats import Format
from ..model.sources import Report, paragraphs

T2, T3, T4 = (t.name for t in formats.TABLES)
TOTAL = next(c.key for c in formats.TABLE4_COLUMNS if c.role == formats.TOTAL)  # 总计 (tables 三 and 四 share the key)
REVIEW = tuple(g.key for g in formats.TABLE4_GROUPS if not g.parent)  # table 四 groups
LITIGATION = tuple(g.key for g in formats.TABLE4_GROUPS if g.parent == formats.TABLE4_LITIGATION)


@dataclass(frozen=True)
class Claim:
    check: str  # the expectation that judges it: R20, R21, R22=, R22<=, R23, R23q, R25
    section: str  # 一 … 六
    quote: str  # the words that state it
    stated: int  # the number stated (0 for 未收到 / 均获维持 …; the total for R22)
    table: str = ""  # 表二 / 表三 / 表四; '' for R22 (the text against itself)
    rows: tuple[str, ...] = ()  # row keys; '不予公开.*' is the whole group, '其他处理*' also the 2019 single row
    columns: tuple[str, ...] = ()  # column keys; several cells are summed
    parts: tuple[int, ...] = ()  # R22: the numbers of the enumeration; R24: the count, and the base when stated
    base: tuple[str, ...] = ()  # R24: the table-三 rows (总计 column) the percentage is of
    decimals: int = 0  # R24: the decimals the percentage is written with


# ------------------------------------------------------------------ text
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_N = r"(?P<n>\d+)"
_SENTENCE_END = re.compile(r"(?<=[。；！？;!?])")
# A number that is approximate or a change is not the count of a cell.
_APPROX_BEFORE = re.compile(r"(约|近|超过|逾|将近|大约|不到|不足|增加|减少|增长|下降|上升|回落|同比|较上年|比上年)$")
_APPROX_AFTER = re.compile(r"^(余|多|左右|以上|\.\d|%)")
_YEARS = re.compile(r"\d{4}年(度)?|\d{1,2}月\d{1,2}日")
# Clauses about other bodies (各级…, 所属…) or other requests (留言, 信访) are not this report's table 三.
_OTHER_BODIES = re.compile(r"各级|各部门|各单位|各县|各区|各乡镇|所属|下属|系统内|留言|咨询|信访|热线|来信|建议|提案")


def normalize(text: str) -> str:
    """One paragraph per line (lines wrapped inside a paragraph, as in PDF text, joined), digits
    half-width, thousands separators and the spaces around numbers removed."""
    text = (text or "").translate(_FULLWIDTH_DIGITS)
    text = "\n".join("".join(line.strip(" \t\u3000") for line in p.splitlines()) for p in paragraphs(text))
    text = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)
    return re.sub(r"[ \t\u3000]*(\d+(?:\.\d+)?)[ \t\u3000]*", r"\1", text)


def split_sentences(paragraph: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(paragraph) if s.strip()]


def _approximate(text: str, start: int, end: int) -> bool:
    return bool(_APPROX_BEFORE.search(text[max(0, start - 4):start]) or _APPROX_AFTER.match(text[end:end + 2]))


def _has_count(text: str) -> bool:
    """Digits other than dates (2021年, 12月31日)."""
    return bool(re.search(r"\d", _YEARS.sub("", text)))


def _clause_bounds(sentence: str, start: int, end: int, marks: str = "，。；：,;:") -> tuple[int, int]:
    left = max(sentence.rfind(p, 0, start) for p in marks) + 1
    right = min([i for i in (sentence.find(p, end) for p in marks) if i >= 0] + [len(sentence)])
    return left, right


def _quote(sentence: str, start: int, end: int) -> str:
    left, right = _clause_bounds(sentence, start, end, "，。；：,;:（）()")
    left, right = max(left, start - 24), min(right, end + 16)
    return sentence[left:right].strip("，。；、 （）()")


class _Reader:
    """Claims of one sentence. A span read once is not read again by a later pattern, so
    「予以公开及部分公开 258 件」 is one claim, not also 「部分公开 258 件」."""

    def __init__(self, section: str, sentence: str, paragraph: str, fmt: Format | None = None):
        self.section, self.sentence, self.paragraph, self.fmt = section, sentence, paragraph, fmt or formats.latest()
        self.taken: list[tuple[int, int]] = []
        self.claims: list[Claim] = []
        self.spans: list[tuple[int, int, Claim]] = []  # where each claim's words are (R24 finds the count before a %)

    def free(self, start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in self.taken)

    def find(self, pattern: re.Pattern, gap_exclude: re.Pattern | None = None):
        """Matches that overlap no earlier claim, are not approximate, and whose gap ('g') is clean."""
        for m in pattern.finditer(self.sentence):
            if not self.free(m.start(), m.end()):
                continue
            if m.groupdict().get("n") is not None and _approximate(self.sentence, m.start("n"), m.end("n")):
                continue
            if gap_exclude is not None and gap_exclude.search(m.groupdict().get("g") or ""):
                continue
            yield m

    def add(self, start: int, end: int, check: str, stated: int, **target) -> None:
        self.taken.append((start, end))
        self.claims.append(Claim(check, self.section, _quote(self.sentence, start, end), stated, **target))
        self.spans.append((start, end, self.claims[-1]))


# ------------------------------------------------------------------ table 三 (R20, R21)
_APPLICATION = re.compile(r"(政府信息公开|信息公开|依申请公开)申请|依申请")
_GAP_EXCLUDE = re.compile(r"上年|上一年|结转|复议|诉讼|其中|同比|较|去年|留言|咨询")
_NEW = (
    re.compile(r"(?:新收|收到|受理|接收|接到)(?P<g>[^，。；：\d]{0,16}?)申请(?:共计|共|合计|总计|总数)?(?:为|达)?" + _N + "件"),
    re.compile(r"(?:政府信息公开|依申请公开)申请(?P<g>)(?:共计|共)?(?:新收|收到|受理)(?:了)?" + _N + "件"),
)
_DONE = re.compile(r"(?:办结|答复|办理完结|办理完毕|处理完毕|完成答复)(?P<g>[^，。；：\d]{0,12}?)(?:共计|共)?" + _N + "件")
_DONE_EXCLUDE = re.compile(r"留言|咨询|建议|提案|信件|来信|热线|网民|诉求|复议|诉讼|率|上年|结转")
_CARRIED_IN = re.compile(r"上一?年度?结转(?:的|过来的)?(?P<g>[^，。；：\d]{0,8}?)" + _N + "件")
_CARRIED_OUT = (
    re.compile(_N + r"件(?P<g>[^，。；：\d]{0,20}?)(?:结转|顺延|转入)(?:至|到)?下一?年度?"),
    re.compile(r"(?:结转|顺延)(?:至|到)?下一?年度?(?:继续)?(?:办理|答复)?(?:的)?(?:申请)?(?P<g>)" + _N + "件"),
)
_RESULT_TAIL = r"(?:的)?(?:申请)?(?:共)?" + _N + "件"


def _results(fmt: Format) -> tuple:
    """(pattern, row keys) for each result group as a text names it (its category, e.g. 不予公开 for
    the group's rows 不予公开.*); the first two together first (「予以公开及部分公开 258 件」)."""
    if id(fmt) not in _RESULT_PATTERNS:
        groups = [(c, _rows_of(c)) for c in fmt.result_categories]
        (first, first_rows), (second, second_rows) = groups[:2]
        out = [(re.compile(f"{first}(?:及|和|与|、){second}" + _RESULT_TAIL), first_rows + second_rows)]
        out += [(re.compile(f"(?<!不){words}" + _RESULT_TAIL), rows) for words, rows in groups]
        _RESULT_PATTERNS[id(fmt)] = (fmt, tuple(out))  # fmt kept: its id stays its own
    return _RESULT_PATTERNS[id(fmt)][1]


_RESULT_PATTERNS: dict[int, tuple] = {}


def _rows_of(category: str) -> tuple[str, ...]:
    """A result group's rows, named the same in every version: 「予以公开」 a single row everywhere,
    「不予公开.*」 sub-rows everywhere, 「其他处理*」 either (2019 one row, 2021 three)."""
    shapes = {fmt.result_categories.get(category) == (category,) for fmt in formats.versions()
              if category in fmt.result_categories}
    return (category,) if shapes == {True} else (f"{category}.*",) if shapes == {False} else (f"{category}*",)
_APPLICANTS = re.compile(r"(?P<c>自然人|商业企业|科研机构|社会公益组织|社会组织|法律服务机构)(?:提出(?:的)?|的)?(?:申请)?" + _N + "件")
_INCLUDES_CARRIED = re.compile(r"[（(，,]?(?:其中)?(?:包)?含上一?年度?结转")
_NONE_RECEIVED = re.compile(r"(?:未|没有)(?:收到|接到|受理|接收|发生)(?:过)?(?:任何)?(?:政府信息公开|依申请公开|信息公开)申请"
                            r"|无(?:政府信息公开|依申请公开)申请")


def _t3(r: _Reader, m: re.Match, rows: tuple[str, ...], columns=(TOTAL,), check="R21", stated=None) -> None:
    r.add(m.start(), m.end(), check, int(m.group("n")) if stated is None else stated, table=T3, rows=rows, columns=columns)


def _read_table3(r: _Reader) -> None:
    s, fmt = r.sentence, r.fmt
    new, carried_in = fmt.row_key(formats.NEW), fmt.row_key(formats.CARRIED_IN)
    if _APPLICATION.search(s):
        for m in r.find(_NONE_RECEIVED):
            if not _OTHER_BODIES.search(s[:m.start()]) and not _has_count(s):
                _t3(r, m, (new,), check="R20", stated=0)
        for pattern in _NEW:
            for m in r.find(pattern, _GAP_EXCLUDE):
                if not _OTHER_BODIES.search(s[:m.start()] + m.group("g")):
                    # 「受理申请 13 件（含上年结转 1 件）」 counts 一 + 二, as it says.
                    with_carried = _INCLUDES_CARRIED.match(s[m.end():])
                    _t3(r, m, (new, carried_in) if with_carried else (new,))
        for m in r.find(_CARRIED_IN, re.compile("复议|诉讼")):
            _t3(r, m, (carried_in,))
        for pattern in _CARRIED_OUT:
            for m in r.find(pattern, re.compile("复议|诉讼")):
                _t3(r, m, (fmt.row_key(formats.CARRIED_OUT),))
        for m in r.find(_DONE, _DONE_EXCLUDE):
            # 「答复 3050 件」 right after 「受理政府信息公开申请 3119 件，」 is about applications too.
            gap, before = m.group("g"), s[:m.start()]
            if ("申请" in gap or (not gap and _APPLICATION.search(before))) and not _OTHER_BODIES.search(before):
                _t3(r, m, (fmt.row_key(formats.RESULTS_TOTAL),))
        if re.search("新收|收到|受理", s) and not _OTHER_BODIES.search(s):
            for m in r.find(_APPLICANTS):
                _t3(r, m, (new,), columns=(formats.APPLICANT_ALIASES.get(m.group("c"), m.group("c")),))
    # Result counts often stand in their own clause (「不予公开 35 件，占 4.34%；」): the paragraph says what they count.
    if _APPLICATION.search(r.paragraph):
        for pattern, rows in _results(fmt):
            for m in r.find(pattern):
                _t3(r, m, rows)


# ------------------------------------------------------------------ table 四 (R23)
_REVIEW = re.compile(r"行政复议(?:案件|申请)?(?:共计|共)?" + _N + "(?:件|起)")
_LITIGATION = re.compile(r"诉讼(?:案件)?(?:共计|共)?" + _N + "(?:件|起)")
_OUTCOMES = (
    (re.compile(r"(?:结果)?维持" + _N + "(?:件|起)"), "结果维持"),
    (re.compile(r"(?:结果)?纠正" + _N + "(?:件|起)"), "结果纠正"),
    (re.compile(r"其他结果" + _N + "(?:件|起)"), "其他结果"),
    (re.compile(r"尚未审结" + _N + "(?:件|起)"), "尚未审结"),
)
_NO_CASES = re.compile(r"(?:未(?!来|经)|没有|无(?!论|法))(?:发生|出现|收到|产生|涉及)?(?:过)?(?:任何)?"
                       r"(?:因|涉及|有关)?(?:政府信息公开|信息公开|依申请公开)?(?:工作)?(?:而)?"
                       r"(?:引起|引发|产生)?(?:的)?(?:被申请|被提起|提起)?(?:的)?(?:相关)?行政(?P<kind>复议|诉讼)")
_AND_LITIGATION = re.compile(r"^(?:案件)?(?:和|及|、|或|与)(?:被)?(?:提起)?(?:行政)?诉讼")
_QUALITATIVE = (
    (re.compile(r"均(?:获|被|予|已)?维持|全部(?:获得|被)?维持"), ("结果纠正", "其他结果", "尚未审结")),
    (re.compile(r"均已(?:审结|结案)|全部(?:审结|结案)"), ("尚未审结",)),
    (re.compile(r"(?:未|没有|无)(?:被)?(?:纠错|纠正)"), ("结果纠正",)),
)
_OUTCOME_WORDS = re.compile(r"纠错|纠正|败诉|撤销|确认违法|维持|审结|结案")


def _groups_named(text: str) -> list[tuple[str, ...]]:
    found = []
    if "复议" in re.sub(r"复议后起诉|未经复议", "", text):
        found.append(REVIEW)
    if "诉讼" in text:
        found.append(LITIGATION)
    return found


def _read_table4(r: _Reader) -> None:
    s = r.sentence
    if "复议" not in s and "诉讼" not in s:
        return
    # Counts, each with the breakdown that follows it (其中结果维持 72 件，结果纠正 64 件 …).
    counts = [(m, REVIEW) for m in r.find(_REVIEW)]
    if "行政诉讼" in s or counts:  # a bare 「诉讼 9 件」 only right beside 行政复议
        counts += [(m, LITIGATION) for m in r.find(_LITIGATION)]
    counts.sort(key=lambda c: c[0].start())
    for i, (m, groups) in enumerate(counts):
        r.add(m.start(), m.end(), "R23", int(m.group("n")), table=T4, rows=groups, columns=(TOTAL,))
        stop = counts[i + 1][0].start() if i + 1 < len(counts) else len(s)
        tail = s[m.end():stop]
        if not re.match(r"[，,]?其中", tail):
            continue
        for pattern, column in _OUTCOMES:
            for o in pattern.finditer(tail):
                start, end = m.end() + o.start(), m.end() + o.end()
                if r.free(start, end) and not _approximate(tail, o.start("n"), o.end("n")):
                    r.add(start, end, "R23", int(o.group("n")), table=T4, rows=groups, columns=(column,))
    # 「未发生行政复议、行政诉讼」: both are 0. Outcome words (「未被纠错」) are not about counts.
    if not _has_count(s):
        for m in r.find(_NO_CASES):
            left, right = _clause_bounds(s, m.start(), m.end())
            if _OUTCOME_WORDS.search(s[left:right]):
                continue
            kinds = [m.group("kind")]
            if kinds == ["复议"] and _AND_LITIGATION.match(s[m.end():right]):
                kinds.append("诉讼")
            for kind in kinds:
                r.add(m.start(), m.end(), "R23", 0, table=T4, rows=REVIEW if kind == "复议" else LITIGATION, columns=(TOTAL,))
    # 「均获维持」「均已审结」「未被纠错」 (warnings) speak of the groups named before them.
    for pattern, columns in _QUALITATIVE:
        for m in r.find(pattern):
            for groups in _groups_named(s[:m.start()]):
                r.add(m.start(), m.end(), "R23q", 0, table=T4, rows=groups, columns=columns)


# ------------------------------------------------------------------ table 二 (R25)
_DOCUMENT = re.compile(r"(?P<noun>规章|行政规范性文件|规范性文件)(?:共计|共)?" + _N + "件")
# The nearest verb before the noun says which column the number belongs to; verbs that name
# no column (清理, 审查, 解读 …) make the sentence about something else.
_VERBS = ("新增公开", "制发", "印发", "制定", "出台", "新增", "发布", "公开", "清理", "审查", "备案", "废止", "修订", "修改",
          "解读", "报送", "刊登", "起草", "梳理", "审核", "宣传", "评估", "现行有效", "有效", "失效", "编发", "汇编", "收录")
_VERB = re.compile("|".join(sorted(_VERBS, key=len, reverse=True)))
_BEFORE_NOUN = re.compile(r"(?:^|[，、：:（(]|了|" + "|".join(_VERBS) + r"|(?:市|省|区|县|本级)?政府)$")
# Which column a verb names is the declaration's (formats.Column.verbs, fmt.column_by_verb()).


def _read_table2(r: _Reader, column_by_verb: dict[str, str], rows: tuple[str, ...]) -> None:
    s = r.sentence
    for m in r.find(_DOCUMENT):
        noun, before = m.group("noun"), s[:m.start()]
        row = noun if noun in rows[:1] else next((x for x in rows[1:] if x.endswith(noun[-5:])), None)
        # 「部门规范性文件」「规章、规范性文件等 112 件」 are other things.
        if row not in rows or not _BEFORE_NOUN.search(before) or s[m.end():m.end() + 1] == "等":
            continue
        verbs = [v.group(0) for v in _VERB.finditer(before)]
        verb = "现行有效" if verbs and verbs[-1].endswith("有效") else (verbs[-1] if verbs else "")
        column = column_by_verb.get(verb)
        if column and not re.search(r"其中|累计", before[-12:]):
            r.add(m.start(), m.end(), "R25", int(m.group("n")), table=T2, rows=(row,), columns=(column,))


# ------------------------------------------------------------------ percentages (R24)
# 「不予公开35件，占4.34%」: a percentage right after a count of table 三, of a base the words name
# (「占全部办结申请的」) or, when they name none, of the total the paragraph stated (收到 … / 答复 …) that
# fits it best: a text that says neither which is read in its own favour.
_PERCENT = re.compile(r"[，,（(]?(?:占|占比)(?P<w>[^\d，。；%％]{0,16}?)(?:比例|比重)?(?:为|达)?(?P<p>\d+(?:\.(?P<d>\d+))?)[%％]")
_BASE_NEW = re.compile(r"收到|受理|新收|申请总")
_BASE_DONE = re.compile(r"办结|答复|办理|处理总|总计")


def _bases(fmt: Format) -> dict[tuple[str, ...], str]:
    """The row sets a percentage may be of: 一 (also 一 + 二, as 「受理 13 件（含上年结转）」 reads), （七）总计."""
    new, carried_in = fmt.row_key(formats.NEW), fmt.row_key(formats.CARRIED_IN)
    done = fmt.row_key(formats.RESULTS_TOTAL)
    return {(new,): "new", (new, carried_in): "new", (done,): "done"}


def _percentages(r: _Reader, stated_bases: list[Claim]) -> None:
    """R24 claims of one sentence; stated_bases: the paragraph's base counts so far, in order (updated)."""
    fmt, s = r.fmt, r.sentence
    bases = _bases(fmt)
    rows_of = {"new": (fmt.row_key(formats.NEW),), "done": (fmt.row_key(formats.RESULTS_TOTAL),)}
    spans = sorted(r.spans, key=lambda x: x[0])

    def bases_until(at: int) -> None:
        stated_bases.extend(c for start, end, c in spans if end <= at and c.table == T3 and c.check == "R21"
                            and c.rows in bases and c.columns == (TOTAL,) and c not in stated_bases)

    for m in _PERCENT.finditer(s):
        bases_until(m.start())
        count = next((c for start, end, c in spans if end == m.start()), None)
        if count is None or count.table != T3 or count.check != "R21" or count.rows in bases and count.columns == (TOTAL,):
            continue
        if _APPROX_BEFORE.search(s[max(0, m.start("p") - 4):m.start("p")]):
            continue
        named = "new" if _BASE_NEW.search(m.group("w")) else "done" if _BASE_DONE.search(m.group("w")) else ""
        if named:
            said = next((c for c in reversed(stated_bases) if bases[c.rows] == named), None)
        else:  # the total stated that fits it best (收到 859 or 答复 805?); else what the count is a part of
            stated = float(m.group("p"))
            said = min(reversed(stated_bases), key=lambda c: abs(100 * count.stated / c.stated - stated) if c.stated
                       else float("inf"), default=None)
            named = bases[said.rows] if said else ("done" if count.rows[0] != fmt.row_key(formats.NEW) else "new")
        base_rows = said.rows if said else rows_of[named]
        parts = (count.stated, said.stated) if said else (count.stated,)
        quote = s[max(0, s.rfind("，", 0, m.start()) + 1, m.start() - 30):m.end()].strip("，,（( ")
        r.claims.append(Claim("R24", r.section, quote, float(m.group("p")), T3, count.rows, count.columns, parts,
                              base_rows, len(m.group("d") or "")))
    bases_until(len(s))


# ------------------------------------------------------------------ decisions in table 二 (R32)
# 30号 一（二）: 行政许可/处罚/强制 count all decisions, 已公开 and 依法未公开. A text's 「作出行政处罚决定 60 件」
# is the cell; 「公开行政处罚决定 50 件」 may be fewer. The equal verbs are the declaration's (Column.verbs).
_DISCLOSED = ("公开", "公示")


def _decision_pattern(fmt: Format) -> re.Pattern | None:
    rows = fmt.decision_rows
    if not rows:
        return None
    verbs = sorted({v for row in rows for c in fmt.table2_rows[row].columns for v in c.verbs} | set(_DISCLOSED),
                   key=len, reverse=True)
    return re.compile(rf"(?P<verb>{'|'.join(verbs)})(?P<g>[^，。；：\d]{{0,8}}?)(?P<row>{'|'.join(rows)})"
                      r"(?:处理)?(?:决定|案件)(?:书)?(?:共计|共|合计|总计)?(?:为|达)?" + _N + "(?:件|个|项|起|宗|份)")


def _read_decisions(r: _Reader, pattern: re.Pattern | None) -> None:
    if pattern is None:
        return
    for m in r.find(pattern, re.compile(r"其中|累计|上年|同比|信息")):
        if _OTHER_BODIES.search(r.sentence[:m.start()] + m.group("g")):
            continue
        row = m.group("row")
        column = r.fmt.table2_rows[row].columns[0].key
        check = "R32<=" if m.group("verb") in _DISCLOSED else "R32"
        r.add(m.start(), m.end(), check, int(m.group("n")), table=T2, rows=(row,), columns=(column,))


# ------------------------------------------------------------------ enumerations (R22)
_UNITS = "条|件|篇|个|次|场|期|项"
_COUNT = re.compile(rf"(?P<n>\d+)(?P<u>{_UNITS})")
_PART = re.compile(rf"^(?P<label>[^\d，。；、：:%（）()]{{1,20}}?)(?P<n>\d+)(?P<u>{_UNITS})$")


def _enumeration(r: _Reader, previous: str) -> None:
    """「共 602 条……其中，概况类 5 条、目录 224 条、动态 373 条」: the parts against the total."""
    s = r.sentence
    at = s.find("其中")
    if at < 0:
        return
    tail = re.split(r"[；。;]", s[at + 2:])[0].lstrip("，,：:")
    first = re.search(r"[、，,]", tail)
    if first and first.group(0) == "、":  # a 、-list ends at the first comma
        items = tail.split("，")[0].split("、")
    else:
        items = re.split(r"[，,、]", tail)
    parts, unit = [], None
    for item in items:
        pm = _PART.match(item.strip())
        if not pm or re.search(r"同比|增|减|占|率|余|多|约|近", pm.group("label")):
            break
        if unit not in (None, pm.group("u")):
            break
        unit = pm.group("u")
        parts.append(int(pm.group("n")))
    if not parts:
        return
    before = s[:at]
    source = before if _COUNT.search(before) else previous
    # The total is the last count of that unit before 其中, outside brackets: in 「办结 13 件（含上年结转
    # 1 件，另有 1 件结转下年度）。其中予以公开…」 the parts make up the 13, not the 1.
    outside = re.sub(r"（[^（）]*）|\([^()]*\)", lambda b: "\u3000" * len(b.group(0)), source)
    totals = [m for m in _COUNT.finditer(outside) if m.group("u") == unit]
    if not totals or _approximate(source, totals[-1].start("n"), totals[-1].end("n")):
        return
    total = totals[-1]
    lead = source[_clause_bounds(source, total.start(), total.end())[0]:total.end()]
    quote = f"{lead}……其中{tail}" if source is previous else f"{lead}{s[total.end():at]}其中{tail}"
    check = "R22=" if len(parts) >= 2 else "R22<="  # one part alone is rarely all of the total
    r.claims.append(Claim(check, r.section, quote.strip("，。；、 ")[:80], int(total.group("n")), parts=tuple(parts)))


# ------------------------------------------------------------------ the whole report
def read_claims(report: Report) -> list[Claim]:
    """Every claim of the narrative that a rule can compare with the tables, in reading order."""
    fmt = report.format
    table2_rows, column_by_verb = fmt.document_rows, fmt.column_by_verb()
    decisions = _decision_pattern(fmt)
    claims: list[Claim] = []
    for section in fmt.sections:
        previous = ""
        for paragraph in normalize(report.sections.get(section.number, "")).split("\n"):
            stated_bases: list[Claim] = []
            for sentence in split_sentences(paragraph):
                reader = _Reader(section.number, sentence, paragraph, fmt)
                _read_table3(reader)
                _read_table4(reader)
                _read_table2(reader, column_by_verb, table2_rows)
                _read_decisions(reader, decisions)
                _percentages(reader, stated_bases)
                _enumeration(reader, previous)
                claims += reader.claims
                previous = sentence
    return claims


# ------------------------------------------------------------------ 信息处理费 in section 六 (R15, R26)
# 30号: "收取信息处理费情况在此处报告" — in 六. A statement is any sentence about fees; 行政事业性收费
# (table 二) is another thing.
_FEE = re.compile(r"处理费|收费通知|缴费通知|(?<!事业性)收费|免费|免收|(?:收取|缴纳)(?:任何|相关)?费用")
_FEE_AMOUNT = re.compile(r"(?:收取|收缴|收到|缴纳)(?:了)?(?:政府信息公开)?(?:信息处理费|费用)(?:共计|共|合计|总计)?(?:为)?"
                         r"(?P<n>\d+(?:\.\d+)?)(?P<u>元|万元)")


@dataclass(frozen=True)
class FeeStatement:
    quote: str  # the first sentence of 六 about fees
    charged: str = ""  # an amount collected, as written (「3940元」); '' when none is stated or it is 0


def fee_statement(report: Report) -> FeeStatement | None:
    """What section 六 (the format's fee_section) says about 信息处理费, or None when it says nothing about fees."""
    found = None
    for paragraph in normalize(report.sections.get(report.format.fee_section, "")).split("\n"):
        for sentence in split_sentences(paragraph):
            if not _FEE.search(sentence):
                continue
            amount = next((m for m in _FEE_AMOUNT.finditer(sentence) if float(m.group("n")) > 0), None)
            if found is None:
                found = FeeStatement(sentence.strip("。；; "))
            if amount and not found.charged:
                found = FeeStatement(found.quote, amount.group("n") + amount.group("u"))
    return found
