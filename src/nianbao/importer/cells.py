"""One table cell as printed: a number (full-width digits, thousands separators and units
tolerated and said), a placeholder (「/」, 「—」: a gap, since 0 and blank cannot be told apart), or blank.
"""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from ..model.formats import COUNT, MONEY
from ..model.sources import MAX_COUNT, MAX_MONEY
from .labels import Notes

NUMBER = r"[+\-−－]?[0-9０-９]+(?:[,，][0-9０-９]{3})*(?:[.．][0-9０-９]+)?"
MONEY_UNITS = ("亿元", "万元", "元")
COUNT_UNITS = ("件", "个", "条", "项", "次", "宗")
VALUE = re.compile(rf"^(?P<number>{NUMBER})(?P<unit>{'|'.join(MONEY_UNITS + COUNT_UNITS)})?$")
PLACEHOLDER = re.compile(r"^(?:[/／\\]+|[—–－\-―─]+|无|空|[xX×*＊]|不适用)$")


def is_value(text: str) -> bool:
    text = text.strip()
    return bool(VALUE.match(text) or PLACEHOLDER.match(text))


def parse_cell(text: str, kind: str, notes: Notes, where: str, money_unit: str = ""):
    """A cell's value for the source mapping, or (None, reason) when it cannot be read with confidence.
    Returns (value, reason); a blank cell is (None, '')."""
    text = text.strip()
    if not text:
        return None, ""
    if PLACEHOLDER.match(text):
        return None, f"单元格为「{text}」，无法确定是 0 还是空白 / the cell holds '{text}': 0 or blank cannot be told"
    match = VALUE.match(text)
    if not match:
        return None, "不是数字 / not a number"
    number = unicodedata.normalize("NFKC", match.group("number")).replace("−", "-").replace("，", ",")
    unit = match.group("unit") or ""
    if number != match.group("number"):
        notes.tolerate(where, "全角数字或符号 / full-width digits or signs", text)
    if "," in number:
        notes.tolerate(where, "千位分隔符 / thousands separators", text)
        number = number.replace(",", "")
    digits = number.lstrip("+-")
    if len(digits.split(".")[0]) > 1 and digits.startswith("0"):
        return None, f"「{text}」以 0 开头，疑为几格数字连写 / '{text}' starts with 0: cells run together?"
    if kind == MONEY:
        if unit in COUNT_UNITS or number.startswith(("-", "+")):
            return None, "不是金额 / not an amount"
        if Decimal(number) > MAX_MONEY:
            return None, f"「{text}」超出金额范围 / '{text}' is out of range for an amount"
        return number + (unit or money_unit), ""
    if "." in number:
        return None, f"「{text}」不是整数 / '{text}' is not a whole number"
    if unit:
        if unit in MONEY_UNITS:
            return None, f"计数格中有金额单位「{unit}」/ a money unit in a count cell"
        notes.tolerate(where, "数字带计量单位 / a unit written with the number", text)
    value = int(number) if len(digits) <= 18 else MAX_COUNT + 1  # int() refuses past 4,300 digits
    if abs(value) > MAX_COUNT:
        return None, f"「{text}」大得不像一个计数，疑为几格数字连写 / '{text}' is too large for a count: cells run together?"
    if kind == COUNT and (value < 0 or number.startswith("+")):
        return None, f"计数不能为负 / a count cannot be negative: {text}"
    return value, ""


def gap(table: str, row: str, column: str, text: str, reason: str) -> dict:
    return {"table": table, "row": row, "column": column, "text": text, "reason": reason}
