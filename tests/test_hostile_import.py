"""Hostile and broken input to the importer and to the commands that write project files (issue 6).

Every bad file gets one clear message (the file, what it is, what was expected; Chinese and English),
exit status 2, and nothing is written to data/. Sizes are capped before a file is read, so a 50 MB
file costs no memory (measured). Encodings: GBK/GB18030, a BOM and UTF-16 read the same as UTF-8;
invalid bytes are reported by line and byte offset. Fuzzing the sample reports (text, PDF text
with its word boxes, a site's HTML page), random text and random bytes never gives a traceback.
"""
from __future__ import annotations

import io
import os
import random
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.report import layout
from nianbao.model import sources
from nianbao.cli import main
from nianbao.errors import NianbaoError
from nianbao.importer import MAX_HTML_BYTES, MAX_PDF_BYTES, MAX_TEXT_BYTES, read_any
from nianbao.importer import pdf as pdf_module
from nianbao.importer.build import build_report
from nianbao.importer.cells import is_value
from nianbao.importer.document import from_text
from nianbao.importer.geometry import Geometry, pdf_words

from conftest import FIXTURES, ROOT, SAMPLES
from hostile_helpers import edit_lines, line_edits, tree
from test_importer import blank_pdf

JIAOZUO = SAMPLES / "jiaozuo-jyj-2021.txt"
SITE_PAGE = FIXTURES / "importer" / "site-page-gbk.html"
SAMPLE_TEXT = JIAOZUO.read_text(encoding="utf-8")
NOVEL = "第一章　风起\n\n　　那年冬天，雪下得很大。他推开门，看见院子里站着一个人。\n\n　　“你来了。”她说。\n" * 40
noise = random.Random(6)  # fixed seed: the same bytes every run
RANDOM_BYTES = noise.randbytes(4000)
RANDOM_NO_NUL = bytes(noise.randrange(1, 256) for _ in range(4000))


def cut(data: bytes, fraction: float) -> bytes:
    return data[:int(len(data) * fraction)]


def own_page() -> bytes:
    """The sample as nianbao lays it out, as a whole page."""
    report = sources.load_report(ROOT / "data" / "2021" / "jiaozuo-jyj.yaml")
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{report.title}</title></head>'
            f"<body>{layout.report_html(report)}</body></html>").encode("utf-8")


def zip_bomb() -> bytes:
    """A small .xlsx-named zip that would unpack to 100 MB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (100 * 2**20))
    return buffer.getvalue()


GBK_HEAD = SAMPLE_TEXT[:100].encode("gbk")
STRAY_AT = SAMPLE_TEXT.encode("utf-8").index("2021年，焦作市教育局".encode("utf-8")) + 4  # after 「2021」
STRAY_LINE = SAMPLE_TEXT.encode("utf-8")[:STRAY_AT].count(b"\n") + 1
BAD_IMPORTS = [  # (id, file name, content, words the message must hold)
    ("empty text", "report.txt", b"", ["the file is empty", "expected a published annual report"]),
    ("empty pdf", "report.pdf", b"", ["the file is empty", "expected a published annual report"]),
    ("empty page", "report.html", b"", ["the file is empty"]),
    ("only blank space", "report.txt", b" \n\t\r\n  \n", ["only blank space"]),
    ("a page with no text", "report.html", b"<html><script>var a = 1;</script></html>", ["the page has no text"]),
    ("a novel chapter", "chapter.txt", NOVEL.encode("utf-8"), ["no section headings", "does not look like"]),
    ("a CSV", "table.csv", b"agency,year,count\njiaozuo,2021,23\n", ["no section headings"]),
    ("a notice in GBK", "notice.txt", "关于做好政务公开工作的通知\n各单位：\n请按要求办理。\n".encode("gbk"),
     ["no section headings"]),
    ("random bytes", "report.bin", RANDOM_BYTES, ["not a text file", "NUL byte at offset"]),
    ("random bytes as a page", "report.html", RANDOM_BYTES, ["not a text file"]),
    ("random bytes without NUL", "report.txt", RANDOM_NO_NUL, ["not UTF-8 or GB18030 text", "line", "byte offset"]),
    ("PNG image", "scan.png", b"\x89PNG\r\n\x1a\n" + bytes(64), ["an image", "run OCR"]),
    ("GIF image named .txt", "report.txt", b"GIF89a" + bytes(64), ["an image", "run OCR"]),
    ("Word document", "report.docx", b"PK\x03\x04" + bytes(64), ["Office document", "save it as PDF"]),
    ("RTF document", "report.rtf", b"{\\rtf1\\ansi 2021\\par}", ["an RTF document", "save it as PDF"]),
    ("gzip", "report.txt.gz", b"\x1f\x8b\x08" + bytes(64), ["compressed file"]),
    ("scanned PDF", "scan.pdf", blank_pdf(), ["no text layer", "run OCR"]),
    ("damaged PDF", "broken.pdf", b"%PDF-1.4\nnot really\n", ["cannot read the PDF"]),
    ("PDF cut in half", "huaian.pdf", cut((SAMPLES / "huaian-szf-2024.pdf").read_bytes(), 0.5), ["PDF"]),
    ("a folder", "folder.html", None, ["not a regular file"]),
    ("truncated site page", "site.html", cut(SITE_PAGE.read_bytes(), 0.5),
     ["incomplete", "四, 五, 六 missing", "no closing </html>"]),
    ("nianbao's own page truncated", "own.html", lambda: cut(own_page(), 0.6), ["incomplete", "cut off"]),
    ("text copy truncated", "copy.txt", cut(JIAOZUO.read_bytes(), 0.5), ["incomplete", "expected all six sections"]),
    ("UTF-8 with a stray byte", "copy.txt", JIAOZUO.read_bytes()[:STRAY_AT] + b"\xff" + JIAOZUO.read_bytes()[STRAY_AT:],
     ["not UTF-8 text", f"line {STRAY_LINE}, byte offset {STRAY_AT}", "第 {} 行".format(STRAY_LINE)]),
    ("GBK with an invalid byte", "copy.txt", GBK_HEAD + b"\xff\xff" + SAMPLE_TEXT[100:].encode("gbk"),
     ["not UTF-8 or GB18030 text", f"byte offset {len(GBK_HEAD)}"]),
    ("UTF-16 cut mid-character", "copy.txt", SAMPLE_TEXT.encode("utf-16")[:-1], ["not UTF-16 text", "byte offset"]),
    ("a report of 2017", "old.txt", SAMPLE_TEXT.replace("2021年政府信息公开", "2017年政府信息公开").encode("utf-8"),
     ["2017 predates the unified format"]),
    ("not a workbook", "filled.xlsx", RANDOM_BYTES, ["not a valid Excel workbook"]),
    ("zip bomb workbook", "filled.xlsx", zip_bomb, ["unpacks to 100 MB", "not a filled-in nianbao template"]),
]


@pytest.mark.parametrize("name,content,words", [b[1:] for b in BAD_IMPORTS], ids=[b[0] for b in BAD_IMPORTS])
def test_bad_report_file_is_one_clear_message_exit_2_nothing_written(project, tmp_path, capsys, name, content, words):
    path = tmp_path / name
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content() if callable(content) else content)
    before = tree(project / "data")
    status = main(["import", str(path), "--agency-id", "someone"])
    err = capsys.readouterr().err
    assert status == 2, err
    assert str(path) in err and "Traceback" not in err and err.count("\n") == 1
    for word in words:
        assert word in err, (word, err)
    assert re.search(r"[\u4e00-\u9fff]", err.split(" / ")[0])  # the analyst's language first
    assert tree(project / "data") == before


def test_a_text_file_over_its_limit_is_refused_before_it_is_decoded(project, tmp_path, capsys):
    path = tmp_path / "long.txt"
    path.write_bytes(SAMPLE_TEXT.encode("utf-8") * (MAX_TEXT_BYTES // len(SAMPLE_TEXT.encode("utf-8")) + 1))
    assert main(["import", str(path), "--agency-id", "someone"]) == 2
    assert f"over the {MAX_TEXT_BYTES // 2**20} MB limit for a text file" in capsys.readouterr().err


def test_a_pdf_of_more_pages_than_a_report_is_refused(monkeypatch):
    monkeypatch.setattr(pdf_module, "MAX_PAGES", 2)  # the 淮安 sample has 9 pages
    with pytest.raises(NianbaoError, match="more than 2 pages"):
        read_any(SAMPLES / "huaian-szf-2024.pdf")


def test_control_characters_in_a_published_report_are_dropped(tmp_path):
    path = tmp_path / "copy.txt"
    path.write_text(SAMPLE_TEXT.replace("2021年全年无其他", "2021年全\x07年无\x1b其他").replace("\t23\t", "\t2\x0b3\t", 1),
                    encoding="utf-8")
    assert sources.report_equal(read_any(path), read_any(JIAOZUO))


def test_a_page_nested_thousands_deep_reads_like_the_page(tmp_path):
    """Unclosed <font>s (old sites) and <div>s nest without end: found by fuzzing as a RecursionError."""
    page = own_page().decode("utf-8")
    at = page.index("<body>") + len("<body>")
    plain, nested = tmp_path / "plain.html", tmp_path / "nested.html"
    plain.write_text(page, encoding="utf-8")
    nested.write_text(page[:at] + "<font size=3>" * 5000 + "<div>" * 3000 + page[at:], encoding="utf-8")
    assert sources.report_equal(read_any(nested), read_any(plain))


# ------------------------------------------------------------------ 50 MB: refused before it is read
MEASURE = """import resource, sys
from nianbao.cli import main
peak = lambda: max(resource.getrusage(w).ru_maxrss for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
result = {}
for path in sys.argv[1:]:
    status = main(["import", path, "--agency-id", "big"])
    result[path] = (status, peak())
print(repr(result))
"""


def test_a_50_mb_file_is_refused_in_bounded_memory(project, tmp_path):
    """Peak RSS (getrusage of the importing process and its pdftotext children) after a small bad file,
    then after three 50 MB files: the high-water mark must not move by anything like the files' size."""
    small = tmp_path / "small.txt"
    small.write_text("不是年报\n", encoding="utf-8")
    big = []
    for name, head in (("big.txt", b"2021\n"), ("big.html", b"<html><body>"), ("big.pdf", b"%PDF-1.4\n")):
        path = tmp_path / name
        with path.open("wb") as f:
            f.write(head)
            f.truncate(50 * 2**20)  # sparse: 50 MB to the file system, no disk used
        big.append(str(path))
    done = subprocess.run([sys.executable, "-c", MEASURE, str(small), *big], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "NIANBAO_HOME": str(project)})
    result = eval(done.stdout)  # noqa: S307 - our own repr of a dict of tuples
    baseline = result[str(small)][1]
    for path in big:
        status, peak = result[path]
        assert status == 2
        assert peak - baseline < 10 * 1024, (path, peak, baseline)  # KB: well under the 50 MB file
    for name, limit in (("big.txt", MAX_HTML_BYTES), ("big.html", MAX_HTML_BYTES), ("big.pdf", MAX_PDF_BYTES)):
        assert f"{tmp_path / name}: 文件有 50.0 MB，超过" in done.stderr
        assert f"over the {limit // 2**20} MB limit" in done.stderr
    assert list((project / "data").rglob("big.yaml")) == []


# ------------------------------------------------------------------ encodings
@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-16"])
def test_a_report_in_another_encoding_reads_like_utf8(tmp_path, encoding):
    path = tmp_path / "copy.txt"
    path.write_bytes(SAMPLE_TEXT.encode(encoding))
    assert sources.report_equal(read_any(path), read_any(JIAOZUO))


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_a_page_with_a_bom_reads_like_the_gbk_page(tmp_path, encoding):
    text = SITE_PAGE.read_bytes().decode("gb18030")
    path = tmp_path / "site.html"
    path.write_bytes(text.encode(encoding))
    assert sources.report_equal(read_any(path), read_any(SITE_PAGE))


def test_a_utf16_source_yaml_loads(tmp_path):
    path = tmp_path / "2021" / "x.yaml"
    path.parent.mkdir()
    path.write_bytes((ROOT / "data" / "2021" / "jiaozuo-jyj.yaml").read_text(encoding="utf-8").encode("utf-16"))
    assert sources.load_report(path).agency == "焦作市教育局"


# ------------------------------------------------------------------ ids and places of the commands that write
BAD_IDS = ["../../etc", "/etc/passwd", "a\x00b", "Foo.bar", "", "a/b", "..", "x" * 80, "a b", "jiaozuo-jyj\n"]


def commands(bad: str, tmp_path: Path) -> list[list[str]]:
    return [["import", str(JIAOZUO), "--agency-id", bad],
            ["new", "--agency", bad, "--year", "2022", "--name", "某局"],
            ["template", "--year", "2021", "--out", str(tmp_path / "t.xlsx"), "--agency", bad],
            ["render", "--agency", bad, "--year", "2021"]]


@pytest.mark.parametrize("bad", BAD_IDS, ids=[repr(b) for b in BAD_IDS])
def test_unsafe_agency_ids_are_refused_by_every_command(project, tmp_path, capsys, bad):
    before = tree(project)
    for argv in commands(bad, tmp_path):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert "agency id" in err and "not allowed" in err and "机构标识" in err, err
    assert tree(project) == before and not (tmp_path / "t.xlsx").exists()


@pytest.mark.parametrize("folder", ["data", "params"])
def test_new_does_not_write_through_a_linked_year_folder(project, tmp_path, capsys, folder):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / folder / "2022").symlink_to(elsewhere)
    before = tree(project)
    assert main(["new", "--agency", "jiaozuo-jyj", "--year", "2022"]) == 2
    err = capsys.readouterr().err
    assert f"is a link to {elsewhere}" in err and "not writing there" in err
    assert list(elsewhere.iterdir()) == [] and tree(project) == before


def test_a_template_for_a_year_before_the_format_is_a_message(tmp_path, capsys):
    assert main(["template", "--year", "2017", "--out", str(tmp_path / "t.xlsx")]) == 2
    assert "2017 predates the unified format" in capsys.readouterr().err
    assert not (tmp_path / "t.xlsx").exists()


# ------------------------------------------------------------------ fuzz
TEXTS = [(p.name, p.read_text(encoding="utf-8")) for p in
         (JIAOZUO, SAMPLES / "huaian-szf-2024.txt", SAMPLES / "shanghai-szfbgt-2019.txt",
          FIXTURES / "importer" / "variants-2022.txt")]
def read_or_refuse(path: Path) -> None:
    """read_any either reads the file or raises one of nianbao's own errors; anything else fails."""
    try:
        read_any(path)
    except NianbaoError as error:
        assert str(path) in str(error) or path.name in str(error)


FUZZ = settings(deadline=None, suppress_health_check=list(HealthCheck), database=None)
PIECES = ["一、总体情况", "三、收到和处理政府信息公开申请情况", "六、其他需要报告的事项", "2021年政府信息公开工作年度报告",
          "某局", "\t", "\f", "  ", "0", "12", "1,234", "—", "/", "１２", "-3", "99999999999", "（三）不予公开", "本年新收",
          "行政复议", "结果维持", "<table>", "<tr><td>", "</td>", "<br>", "&nbsp;", "\u3000", "统计期限自2021年1月1日",
          "发布日期：2022-01-30", "打印本页", "本年收费金额（单位：万元）", "99.1234", "件", "万元"]
EDITS = line_edits(PIECES)


@settings(FUZZ, max_examples=60)
@given(which=st.integers(0, len(TEXTS) - 1), edits=EDITS, encoding=st.sampled_from(["utf-8", "gb18030"]))
def test_fuzzed_report_text_never_tracebacks(tmp_path_factory, which, edits, encoding):
    path = tmp_path_factory.mktemp("fuzz") / TEXTS[which][0]
    path.write_bytes(edit_lines(TEXTS[which][1], edits).encode(encoding, "replace"))
    read_or_refuse(path)


@pytest.fixture(scope="module")
def huaian_words():
    return pdf_words(SAMPLES / "huaian-szf-2024.pdf")


@settings(FUZZ, max_examples=30)
@given(edits=EDITS)
def test_fuzzed_pdf_text_with_its_word_boxes_never_tracebacks(huaian_words, edits):
    """The PDF path past pdftotext: mutated layout text against the real PDF's word boxes."""
    doc = from_text(edit_lines(TEXTS[1][1], edits), "PDF", "huaian.pdf")
    doc.geometry = Geometry(huaian_words, is_value)
    try:
        build_report(doc, "huaian.pdf")
    except NianbaoError:
        pass


@settings(FUZZ, max_examples=15)
@given(edits=EDITS)
def test_fuzzed_site_page_never_tracebacks(tmp_path_factory, edits):
    path = tmp_path_factory.mktemp("fuzz") / "site.html"
    path.write_bytes(edit_lines(SITE_PAGE.read_bytes().decode("gb18030"), edits).encode("gb18030", "replace"))
    read_or_refuse(path)


@settings(FUZZ, max_examples=150)
@given(parts=st.lists(st.sampled_from(PIECES) | st.text(max_size=10), max_size=60),
       suffix=st.sampled_from([".txt", ".html"]))
def test_random_text_never_tracebacks(tmp_path_factory, parts, suffix):
    path = tmp_path_factory.mktemp("fuzz") / f"random{suffix}"
    path.write_text("".join(parts), encoding="utf-8")
    read_or_refuse(path)


@settings(FUZZ, max_examples=100)
@given(raw=st.binary(max_size=2000), suffix=st.sampled_from([".txt", ".html", ".pdf", ".xlsx", ""]))
def test_random_bytes_never_traceback(tmp_path_factory, raw, suffix):
    path = tmp_path_factory.mktemp("fuzz") / f"random{suffix}"
    path.write_bytes(raw)
    read_or_refuse(path)
