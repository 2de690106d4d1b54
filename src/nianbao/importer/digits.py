"""Run-together cells: 「一、本年新收政府信息公开申请数量640020470」 is seven cells glued into one string
of digits. Every way of cutting the runs into the row's cells that the format allows is listed:

- each run (digits that stood together) gives at least one cell, and the runs keep their order;
- a count of more than one digit does not start with 0, and has at most as many digits as MAX_COUNT;
- a decimal point belongs to one amount (a money cell), thousands separators to one number.

Run-together text cannot show a blank cell, so every cell is taken as printed (R12 wants them all).
A split is taken only when it is the only one, and only if it adds up where the row has its own total
(总计 = its parts): if the one split the format allows does not add up, cells were lost (blanks, or
digits) and the row is a gap. Otherwise the row is a gap listing the candidate splits.

The search is bounded (MAX_NODES steps, MAX_CANDIDATES splits kept), so a 15-cell row of 30 digits
costs milliseconds: past the bound the row is a gap saying there are more splits than were listed.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..model.formats import COUNT, DELTA, MONEY
from ..model.sources import MAX_COUNT, MAX_MONEY

RUN = re.compile(r"^(?:[0-9０-９]+(?:[.．][0-9０-９]+)?|[0-9０-９]{1,3}(?:[,，][0-9０-９]{3})+(?:[.．][0-9０-９]+)?)$")
GROUPED = re.compile(r"^[0-9０-９]{1,3}(?:[,，][0-9０-９]{3})+(?:[.．][0-9０-９]+)?$")
SEPARATORS = ".．,，"
MAX_NODES = 5000  # search steps per row: 7 cells of 15 digits are searched through, 30 digits cut short
MAX_CANDIDATES = 400  # splits kept per row (all of them, below it)
SHOWN = 8  # candidates written into a gap
COUNT_DIGITS = len(str(MAX_COUNT))
MONEY_DIGITS = len(str(int(MAX_MONEY)))


@dataclass
class Splits:
    candidates: list[list[str]]  # each a list of cell texts, one per cell
    complete: bool  # every split the format allows is in candidates (the search was not cut short)
    steps: int = 0  # search steps taken

    @property
    def decided(self) -> list[str] | None:
        return self.candidates[0] if self.complete and len(self.candidates) == 1 else None


def runs_of(texts: list[str]) -> list[str] | None:
    """The tokens of a row as runs of digits, or None when one is not (a word, a placeholder, a sign)."""
    out = []
    for text in texts:
        text = text.strip()
        if not text:
            return None  # a blank cell that survived: the cells were separated, nothing is run together
        if not RUN.match(text):
            return None
        out.append(unicodedata.normalize("NFKC", text))  # full-width digits: sums and splits in one alphabet
    return out or None


def split(runs: list[str], kinds: list[str], row_sums: list[tuple[list[int], int]] = (),
          max_nodes: int = MAX_NODES) -> Splits:
    """Every split of runs into len(kinds) cells the format allows; row_sums (parts, total) keep only
    the splits that add up (the cells' indexes)."""
    n = len(kinds)
    lengths = [len(r) for r in runs]
    found: list[list[str]] = []
    budget = [max_nodes]
    complete = [True]

    def fits(text: str, kind: str) -> bool:
        if text.isdigit():  # the common case, without a regular expression
            return (len(text) == 1 or text[0] not in "0０") and len(text) <= (MONEY_DIGITS if kind == MONEY else COUNT_DIGITS)
        if any(ch in text for ch in ",，") and not GROUPED.match(text):
            return False
        digits = text.replace(",", "").replace("，", "")
        whole = re.split("[.．]", digits)[0]
        if len(whole) > 1 and whole.startswith(("0", "０")):
            return False
        if kind == MONEY:
            return len(whole) <= MONEY_DIGITS
        return kind in (COUNT, DELTA) and whole == digits and len(whole) <= COUNT_DIGITS

    def hopeless(text: str, kind: str) -> bool:
        """No longer text from here fits either."""
        if text.isdigit():
            return (len(text) > 1 and text[0] in "0０") or len(text) > (MONEY_DIGITS if kind == MONEY else COUNT_DIGITS)
        whole = re.split("[.．]", text.replace(",", "").replace("，", ""))[0]
        return ((len(whole) > 1 and whole.startswith(("0", "０"))) or text[0] in SEPARATORS
                or (kind != MONEY and any(ch in text for ch in ".．"))
                or len(whole) > (MONEY_DIGITS if kind == MONEY else COUNT_DIGITS))

    def adds_up(cells: list[str]) -> bool:
        for parts, total in row_sums:
            try:
                if sum(int(cells[i].replace(",", "")) for i in parts) != int(cells[total].replace(",", "")):
                    return False
            except ValueError:
                return False
        return True

    def walk(r: int, pos: int, cells: list[str]) -> None:
        if budget[0] <= 0 or len(found) >= MAX_CANDIDATES:
            complete[0] = False
            return
        budget[0] -= 1
        c = len(cells)
        if r == len(runs):
            if c == n and adds_up(cells):
                found.append(list(cells))
            return
        if c >= n or n - c < len(runs) - r:  # each run still to come needs a cell of its own
            return
        rest = lengths[r] - pos
        if rest + after[r] < n - c:  # and each cell a character
            return
        run, kind = runs[r], kinds[c]
        forced = totals.get(c)
        if forced is not None and all(i < c for i in forced):  # a total whose parts are cut: it is their sum
            try:
                want = str(sum(int(cells[i].replace(",", "").replace("，", "")) for i in forced))
            except ValueError:
                return
            text = run[pos:pos + len(want)]
            if text == want and fits(text, kind):
                walk(r + 1, 0, cells + [text]) if pos + len(want) == lengths[r] else walk(r, pos + len(want), cells + [text])
            return
        for width in range(1, rest + 1):
            text = run[pos:pos + width]
            if hopeless(text, kind):
                break
            if text[-1] in SEPARATORS or not fits(text, kind):
                continue
            if pos + width == lengths[r]:
                walk(r + 1, 0, cells + [text])
            else:
                walk(r, pos + width, cells + [text])

    totals = {total: parts for parts, total in row_sums}
    after = [sum(lengths[i + 1:]) for i in range(len(lengths))]
    walk(0, 0, [])
    return Splits(found, complete[0], max_nodes - budget[0])


def shown(cells: list[str]) -> str:
    return " ".join(cells)


# ------------------------------------------------------------------ a row of run-together cells
RUN_TOGETHER = "连写的数字按格式唯一的分法分开 / run-together digits split the one way the format allows"


@dataclass
class RunRow:
    """A row (or table 四's one row of three groups) whose cells ran together and were not taken."""

    table: str  # 表三 / 表四
    keys: list[str]  # the source rows its cells fill, in order
    labels: list[str]  # the rows as a gap names them
    runs: list[str]
    kinds: list[str]
    sums: list[tuple[list[int], int]]  # (parts, total) cell indexes: the row's own totals
    splits: Splits


def adds_up(cells: list[str], sums) -> bool:
    try:
        return all(sum(_int(cells[i]) for i in parts) == _int(cells[total]) for parts, total in sums)
    except ValueError:
        return False


def _int(text: str) -> int:
    return int(text.replace(",", "").replace("，", ""))


def unrun(texts: list[str], kinds: list[str], sums) -> tuple[list[str] | None, Splits | None, str]:
    """A row whose tokens are fewer than its cells: (cells, None, '') when the format alone decides the
    split and it adds up; (None, splits, reason) when it does not; (None, None, '') when the tokens
    are not runs of digits that could be cut into the row's cells (another problem)."""
    runs = runs_of(texts)
    if runs is None or len(runs) >= len(kinds):
        return None, None, ""
    found = split(runs, kinds)
    if not found.candidates:
        return None, None, ""
    seen = " ".join(runs)
    one = found.decided
    if one is not None and adds_up(one, sums):
        return one, None, ""
    if one is not None:
        return None, found, (f"「{seen}」按格式只有一种分法（{shown(one)}），但它与本行总计不合，疑有空白格或数字丢失 / "
                             f"'{seen}' has one split by the format ({shown(one)}), but it does not add up to the row's "
                             "total: blank cells or digits may be lost")
    more = "" if found.complete else "以上"
    more_en = "" if found.complete else " or more"
    return None, found, (f"数字连写成「{seen}」，按格式有 {len(found.candidates)} 种{more}分法（见 candidates），无法确定 / "
                         f"the digits run together as '{seen}'; the format allows {len(found.candidates)}{more_en} "
                         "splits (see candidates), so the cells cannot be told")


def candidates_shown(splits: Splits, start: int = 0, size: int | None = None) -> list[str]:
    """Candidate splits as a gap lists them (a slice of the cells: one group of table 四's row)."""
    out: list[str] = []
    for cells in splits.candidates:
        text = shown(cells[start:start + size] if size else cells)
        if text not in out:
            out.append(text)
        if len(out) == SHOWN:
            break
    return out
