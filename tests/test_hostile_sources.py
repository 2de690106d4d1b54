"""Hostile and broken source input (issue 6): each bad input gets one clear message naming the file
and field, exit status 2, and nothing written under outputs/. Fuzzing never produces a traceback."""
from __future__ import annotations

import re

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.model import sources
from nianbao.cli import main
from nianbao.errors import NianbaoError

from conftest import ROOT
from hostile_helpers import edit_lines, line_edits

SAMPLE_TEXT = (ROOT / "data" / "2021" / "jiaozuo-jyj.yaml").read_text(encoding="utf-8")
CELL = "行政规范性文件: [23, 0, 23]"


def with_cell(value: str) -> str:
    return SAMPLE_TEXT.replace(CELL, f"行政规范性文件: [{value}, 0, 23]")


CELL_FIELD = "table2.行政规范性文件[本年制发件数]"
NEWLINE = b"\n"
BOMB = 'x0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n' + "".join(
    f"x{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 9))  # 9**9 strings once expanded
BAD_SOURCES = [  # (id, file text or bytes, words the message must hold)
    ("not yaml", "agency: [焦作\n  year: 2021: :\n", ["not valid YAML", "line"]),
    ("empty file", "", ["top level", "mapping"]),
    ("list at top level", "- agency: 焦作市教育局\n- year: 2021\n", ["top level", "mapping"]),
    ("list where table3 mapping belongs", re.sub(r"table3:  #.*?(?=table4:)", "table3: [1, 2]\n", SAMPLE_TEXT, flags=re.S), ["table3", "mapping"]),
    ("duplicate key", SAMPLE_TEXT.replace("year: 2021\n", "year: 2021\nyear: 2022\n", 1), ["duplicate key 'year'"]),
    ("unknown key", SAMPLE_TEXT + "colour: red\n", ["colour", "known keys"]),
    ("missing table", re.sub(r"table4:.*", "", SAMPLE_TEXT, flags=re.S), ["table4", "missing"]),
    ("missing row", re.sub(r"\n  结转下年: .*", "", SAMPLE_TEXT), ["table3.结转下年", "missing"]),
    ("missing column", SAMPLE_TEXT.replace("  行政复议: [0, 0, 0, 0, 0]", "  行政复议: [0, 0, 0, 0]"), ["table4.行政复议", "5 cells"]),
    ("chinese numeral", with_cell("十二"), [CELL_FIELD, "whole number"]),
    ("thousands separator", with_cell('"1,234"'), [CELL_FIELD, "separators"]),
    ("unit in cell", with_cell("12件"), [CELL_FIELD, "whole number"]),
    ("slash", with_cell('"/"'), [CELL_FIELD, "whole number"]),
    ("dash", with_cell("—"), [CELL_FIELD, "whole number"]),
    ("empty string", with_cell('""'), [CELL_FIELD, "whole number"]),
    ("negative", with_cell("-3"), [CELL_FIELD, "non-negative"]),
    ("fraction", with_cell("2.5"), [CELL_FIELD, "whole number"]),
    ("huge", with_cell("1e30"), [CELL_FIELD, "whole number"]),
    ("huge int", with_cell("1000000000000000000000000000000"), [CELL_FIELD, "no larger"]),
    ("nan", with_cell(".nan"), [CELL_FIELD, "whole number"]),
    ("boolean", with_cell("true"), [CELL_FIELD, "whole number"]),
    ("year not a number", SAMPLE_TEXT.replace("year: 2021", "year: 二〇二一"), ["year", "four-digit"]),
    ("year before 2019", SAMPLE_TEXT.replace("year: 2021", "year: 2017"), ["year", "2019 or later"]),
    ("year against folder", SAMPLE_TEXT.replace("year: 2021", "year: 2022"), ["year", "folder"]),
    ("year against format", SAMPLE_TEXT.replace("year: 2021", "year: 2020"), ["format", "2019"]),
    ("narrative not text", SAMPLE_TEXT.replace("  六: 2021年全年无其他需要报告的事项。", "  六: {a: 1}"), ["sections.六", "text"]),
    ("money negative", SAMPLE_TEXT.replace("行政事业性收费: [299]", "行政事业性收费: [-299]"), ["table2.行政事业性收费", "non-negative amount"]),
    ("money nan", SAMPLE_TEXT.replace("行政事业性收费: [299]", "行政事业性收费: [.nan]"), ["table2.行政事业性收费", "amount"]),
    ("invalid bytes", SAMPLE_TEXT.encode("utf-8")[:200] + b"\xff\xfe\xfa\x00\x81" + SAMPLE_TEXT.encode("utf-8")[200:],
     ["not UTF-8 text", f"line {SAMPLE_TEXT.encode('utf-8')[:200].count(NEWLINE) + 1}, byte offset 200"]),
    ("GBK with an invalid byte", SAMPLE_TEXT[:60].encode("gbk") + b"\x81\x20" + SAMPLE_TEXT[60:].encode("gbk"),
     ["not UTF-8 or GB18030 text", f"byte offset {len(SAMPLE_TEXT[:60].encode('gbk'))}"]),
    ("UTF-16 cut mid-character", SAMPLE_TEXT.encode("utf-16")[:-1], ["not UTF-16 text"]),
    ("NUL in a narrative", SAMPLE_TEXT.replace("无其他需要报告的事项", "无其他\x00事项"), ["not valid YAML", "line"]),
    ("billion laughs", BOMB + SAMPLE_TEXT.replace("  六: 2021年全年无其他需要报告的事项。", "  六: *a8"),
     ["aliases (*name) are not allowed", "line 2"]),
    ("list as a key", SAMPLE_TEXT + "? [a, b]\n: 1\n", ["a key must be a plain value"]),
    ("nested thousands deep", SAMPLE_TEXT + "deep: " + "[" * 5000 + "]" * 5000 + "\n", ["nested more than 32 levels"]),
    ("python object tag", SAMPLE_TEXT.replace("year: 2021", "year: !!python/object/apply:os.system [touch PWNED]"),
     ["not valid YAML", "python/object"]),
    ("narrative a set", SAMPLE_TEXT.replace("  六: 2021年全年无其他需要报告的事项。", "  六: !!set {a, b}"),
     ["sections.六", "text"]),
    ("year a date", SAMPLE_TEXT.replace("year: 2021", "year: 2021-12-31"), ["year", "four-digit"]),
    ("terminal escape in the name", SAMPLE_TEXT.replace("agency: 焦作市教育局", 'agency: "焦作市\\e[31m教育局"'),
     ["agency", "without control characters", "character 4 is '\\x1b'"]),
    ("bell in a narrative", SAMPLE_TEXT.replace("  六: 2021年全年无其他需要报告的事项。", '  六: "无\\a"'),
     ["sections.六", "without control characters"]),
]


@pytest.mark.parametrize("content,words", [b[1:] for b in BAD_SOURCES], ids=[b[0] for b in BAD_SOURCES])
def test_bad_source_is_one_clear_message_exit_2_nothing_written(project, capsys, content, words):
    path = project / "data" / "2021" / "jiaozuo-jyj.yaml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    status = main(["render", "--agency", "jiaozuo-jyj", "--year", "2021", "--no-pdf"])
    err = capsys.readouterr().err
    assert status == 2, err
    assert str(path) in err and "Traceback" not in err and len(err) < 5000  # bounded, however large the value
    for word in words:
        assert word in err, (word, err)
    assert re.search(r"[\u4e00-\u9fff]", err)  # the analyst's language too
    assert list((project / "outputs").iterdir()) == []


def test_utf8_bom_and_gb18030_sources_load(tmp_path):
    for encoding in ("utf-8-sig", "gb18030", "gbk"):
        path = tmp_path / f"{encoding}.yaml"
        path.write_bytes(SAMPLE_TEXT.encode(encoding))
        assert sources.load_report(path).agency == "焦作市教育局"


BAD_PARAMS = [
    ("unknown agency", ["render", "--agency", "nobody", "--year", "2021"], "no 2021 source data for nobody"),
    ("year with no data", ["render", "--agency", "jiaozuo-jyj", "--year", "2023"], "no 2023 source data"),
    ("traversal", ["render", "--agency", "../../etc", "--year", "2021"], "not allowed"),
    ("absolute path", ["render", "--agency", "/etc/passwd", "--year", "2021"], "not allowed"),
    ("nul byte", ["render", "--agency", "a\x00b", "--year", "2021"], "not allowed"),
    ("upper case and dots", ["render", "--agency", "Foo.bar", "--year", "2021"], "not allowed"),
    ("year not a year", ["render", "--agency", "jiaozuo-jyj", "--year", "20x1"], "four-digit"),
]


@pytest.mark.parametrize("argv,words", [b[1:] for b in BAD_PARAMS], ids=[b[0] for b in BAD_PARAMS])
def test_bad_parameters_exit_2_nothing_written(project, capsys, argv, words):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
    assert list((project / "outputs").iterdir()) == []


@pytest.mark.parametrize("text,words", [
    ("agency: jiaozuo-jyj\nyear: 2021\nextra: 1\n", "extra"),
    ("agency: jiaozuo-jyj\n", "year"),
    ("agency: other\nyear: 2021\n", "match"),
    ("- 1\n", "mapping"),
], ids=["extra key", "missing key", "wrong agency", "not a mapping"])
def test_bad_parameter_files(project, capsys, text, words):
    (project / "params" / "2021" / "jiaozuo-jyj.yaml").write_text(text, encoding="utf-8")
    assert main(["render", "--agency", "jiaozuo-jyj", "--year", "2021", "--no-pdf"]) == 2
    err = capsys.readouterr().err
    assert words in err and "params" in err
    assert list((project / "outputs").iterdir()) == []


# ---------------------------------------------------------------- fuzz
SAMPLE_DATA = yaml.safe_load(SAMPLE_TEXT)
weird = st.one_of(st.none(), st.booleans(), st.integers(-10**40, 10**40), st.floats(allow_nan=True, allow_infinity=True),
                  st.text(max_size=12), st.lists(st.integers(-5, 5), max_size=9), st.dictionaries(st.text(max_size=4), st.integers(), max_size=3))


def mutate(data, path, value):
    if not path:
        return value
    head, *rest = path
    if isinstance(data, dict):
        keys = list(data) or [head]
        key = keys[head % len(keys)] if isinstance(head, int) else head
        return {**data, key: mutate(data.get(key), rest, value)}
    if isinstance(data, list) and data:
        i = head % len(data) if isinstance(head, int) else 0
        return data[:i] + [mutate(data[i], rest, value)] + data[i + 1:]
    return value


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.lists(st.integers(0, 40), max_size=4), value=weird)
def test_fuzzed_source_mapping_never_tracebacks(path, value):
    try:
        sources.parse_report(mutate(SAMPLE_DATA, path, value), "fuzz.yaml")
    except NianbaoError as error:
        assert "fuzz.yaml" in str(error)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300).map(lambda t: t.encode("utf-8")))
def test_fuzzed_source_bytes_never_traceback(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("fuzz") / "x.yaml"
    path.write_bytes(raw)
    try:
        sources.load_report(path)
    except NianbaoError:
        pass


YAML_PIECES = ["&a", "*a", "? ", "- ", ": ", "!!python/name:os.system", "{", "}", "[", "]", "~", "|-", '"', "'", "\t",
               "%YAML 1.1", "---", "...", "!!binary", "!!set", ".nan", ".inf", "0x1F", "1_000", "2021-01-01", "yes",
               "<<: ", "\x00", "\ufeff", "\u2028", "一:", "table3:", "  本年新收: [1, 2, 3, 4, 5, 6, 7]", "format: '2019'"]


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(changes=line_edits(YAML_PIECES))
def test_fuzzed_source_text_never_tracebacks(tmp_path_factory, changes):
    """Line-level edits of the real source file: near-valid YAML, where a parser's corners are."""
    path = tmp_path_factory.mktemp("fuzz") / "2021" / "x.yaml"
    path.parent.mkdir()
    path.write_text(edit_lines(SAMPLE_TEXT, changes), encoding="utf-8")
    try:
        sources.load_report(path)
    except NianbaoError as error:
        assert str(path) in str(error)
