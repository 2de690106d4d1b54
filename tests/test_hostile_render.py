"""Hostile text and faults in render (issue 6), with a real kernel and real Chromium.

One project is rendered once from a hostile source: the agency name, title, headings and narrative
hold markup, entities, quotes, backslashes, line breaks and triple quotes, and the source sits in a
folder whose name is Python code (so the data_dir parameter is code too). That report must show all
of it as text, in report.html and report.pdf, and the notebook must carry it as inert literals.
Then each fault strikes a render of that same project: the report in flight fails with a clear
message, the good report on disk is untouched and no half-built directory is left; the next run
succeeds.
"""
from __future__ import annotations

import ast
import json
import os
import signal
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from nianbao.model import sources
from nianbao.errors import RenderError
from nianbao.report.execute import ReadablePythonTranslator
from nianbao.report.publish import PdfPrinter, find_chromium
from nianbao.report.render import render_report

from conftest import ROOT, copy_project
from hostile_helpers import run_cli, run_with_private_mounts, tree

MARKER = "NIANBAO_PWNED"
# A folder name that is Python code: were data_dir pasted into the notebook unquoted, or its quotes
# broken by a quote, a backslash or a newline in it, a marker file would appear.
DATA_DIR = f"""data'''\"\"\"\\\n;open('{MARKER}1','w')#'+open('{MARKER}2','w')+'"""
NAME = '某局<script>alert("name")</script>&amp;lt;\'"\\'
PREAMBLE = '<!-- 注释 --><style>body{display:none}</style>前言 & 附注'
ONE = ('第一段<script>alert(1)</script>：实体 &amp;lt; 与 &lt; 照原样。\n\n'
       '引号 "双" \'单\'、反斜杠 \\ 与 \\n、三引号 \'\'\' 和 """ 都是文字\n同一段的第二行 {{ 7*7 }} {% raw %} ${x} %s')
FIVE = '</p></section><img src=x onerror="alert(5)">五的文字'
HEADING_SIX = "六、其他需要报告的事项</h2><script>alert(6)</script>"
ARGV = ["render", "--agency", "jiaozuo-jyj", "--year", "2021"]


def hostile_report() -> sources.Report:
    report = sources.load_report(ROOT / "data" / "2021" / "jiaozuo-jyj.yaml")
    report.agency, report.title = NAME, ""
    report.__post_init__()  # the title from the hostile name
    report.preamble = PREAMBLE
    report.sections.update({"一": ONE, "五": FIVE})
    report.headings = {"六": HEADING_SIX}
    return report


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The hostile source rendered once, HTML and PDF; the files' bytes are kept for the text tests
    (the fault tests below render this project again)."""
    root = copy_project(tmp_path_factory.mktemp("hostile") / "project")
    data_dir = root / DATA_DIR
    (data_dir / "2021").mkdir(parents=True)
    text = sources.dump_report(hostile_report())
    (data_dir / "2021" / "jiaozuo-jyj.yaml").write_text(text, encoding="utf-8")
    params = {"agency": "jiaozuo-jyj", "year": 2021, "data_dir": str(data_dir)}
    (root / "params" / "2021" / "jiaozuo-jyj.yaml").write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    old = os.environ.get("NIANBAO_HOME")
    os.environ["NIANBAO_HOME"] = str(root)
    try:
        result = render_report("jiaozuo-jyj", 2021, root=root)
    finally:
        if old is None:
            os.environ.pop("NIANBAO_HOME", None)
        else:
            os.environ["NIANBAO_HOME"] = old
    files = {name: (result.out_dir / name).read_bytes() for name in result.files}
    return root, result, files


class Page(HTMLParser):
    """Every start tag, and the text of each title, h1, h2 and p (a <br> as a line break)."""

    BLOCKS = ("title", "h1", "h2", "p")

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.blocks: list[tuple[str, str]] = []
        self._open = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag in self.BLOCKS:
            self._open = [tag, ""]
        elif tag == "br" and self._open:
            self._open[1] += "\n"

    def handle_endtag(self, tag):
        if self._open and tag == self._open[0]:
            self.blocks.append(tuple(self._open))
            self._open = None

    def handle_data(self, data):
        if self._open:
            self._open[1] += data

    def texts(self, tag: str) -> list[str]:
        return [text for t, text in self.blocks if t == tag]


def test_the_hostile_source_round_trips_through_its_file():
    report = hostile_report()
    written = sources.parse_report(yaml.safe_load(sources.dump_report(report)), "x.yaml")
    assert sources.report_equal(written, report)


def test_hostile_text_is_text_in_the_html(hostile):
    _, result, files = hostile
    page = Page(files["report.html"].decode("utf-8"))
    report = result.report
    assert report.title.startswith(NAME)
    assert page.texts("title") == [report.title] and page.texts("h1") == [report.title]
    assert page.texts("h2")[-1] == HEADING_SIX
    expected = [p for text in (PREAMBLE, ONE, *(report.sections.get(n, "") for n in ("二", "三", "四", "五", "六")))
                for p in sources.paragraphs(text)]
    assert page.texts("p") == expected
    assert "{{ 7*7 }} {% raw %} ${x} %s" in page.texts("p")[2]  # no template ran over the text
    assert page.tags.count("style") == 1  # the page's own, in <head>
    assert not {"script", "img", "b"} & set(page.tags)


def test_hostile_text_is_text_in_the_pdf(hostile):
    _, result, files = hostile
    pdf = Path(result.out_dir.parent.parent.parent) / "hostile.pdf"
    pdf.write_bytes(files["report.pdf"])
    # -raw: the text in drawing order (-layout squeezes 「'''」 to 「' '」, placing narrow glyphs by column)
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    squeezed = "".join(text.split())
    for part in (result.report.title, HEADING_SIX, *sources.paragraphs(ONE), FIVE, PREAMBLE):
        assert "".join(part.split()) in squeezed, part


def test_hostile_parameter_is_an_inert_literal_in_the_notebook(hostile):
    root, result, files = hostile
    executed = nbformat.reads(files["report.ipynb"].decode("utf-8"), as_version=4)
    injected = next(c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", []))
    assigned = assignments(injected.source)
    assert assigned == {"agency": "jiaozuo-jyj", "year": 2021, "data_dir": str(root / DATA_DIR)}
    assert f"open(\\'{MARKER}1" in injected.source  # the code is there, quoted as text
    assert not list(root.rglob(f"{MARKER}*")) and not list(Path.cwd().glob(f"{MARKER}*"))
    for cell in executed.cells:  # the audit outputs too: every HTML output escapes the source's text
        for out in cell.get("outputs", []):
            html = out.get("data", {}).get("text/html")
            if html:
                assert "script" not in Page(html).tags


def assignments(source: str) -> dict:
    """name → value of a parameters cell, refusing anything but `name = literal` lines."""
    out = {}
    for node in ast.parse(source).body:
        assert isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name), \
            ast.dump(node)
        assert isinstance(node.value, ast.Constant), ast.dump(node.value)
        out[node.targets[0].id] = node.value.value
    return out


@settings(max_examples=300, deadline=None)
@given(st.text(), st.text(alphabet=st.sampled_from("'\"\\\n\r#;()+ \u2028\x00abc")))
def test_any_text_parameter_becomes_one_literal(value, quoting):
    for text in (value, quoting):
        cell = ReadablePythonTranslator.codify({"agency": "x", "data_dir": text, "year": 2021})
        assert assignments(cell) == {"agency": "x", "data_dir": text, "year": 2021}


@pytest.fixture(scope="module")
def faults_project(hostile):
    """The hostile project after its render, its notebook (the project's copy) without the audit cells:
    the faults below strike render's handling, which runs the same whatever the cells do, and without
    the rules (Great Expectations in the kernel) each run costs a fraction of the time."""
    root, result, files = hostile
    path = root / "notebooks" / "annual_report.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells = [c for c in nb.cells if "audit" not in c.metadata.get("tags", [])]
    nbformat.write(nb, path)
    return hostile


# ------------------------------------------------------------------ planted links
@pytest.mark.parametrize("where", ["year", "agency"])
def test_a_planted_link_under_outputs_is_not_followed(faults_project, tmp_path, monkeypatch, where):
    root, result, _ = faults_project
    monkeypatch.setenv("NIANBAO_HOME", str(root))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    link = result.out_dir.parent if where == "year" else result.out_dir
    aside = tmp_path / "aside"
    link.rename(aside)
    link.symlink_to(elsewhere, target_is_directory=True)
    try:
        before = tree(root / "outputs")
        status, err = run_cli(ARGV + ["--no-pdf"])
        assert status == 2 and f"{link} is a link to {elsewhere}" in err and "链接" in err
        assert tree(root / "outputs") == before and list(elsewhere.iterdir()) == []
    finally:
        link.unlink()
        aside.rename(link)


# ------------------------------------------------------------------ faults
def kill_kernel(root: Path, tmp_path: Path):
    """A test copy of the notebook (the project's, not the shipped one) whose kernel kills itself."""
    path = root / "notebooks" / "annual_report.ipynb"
    nb = nbformat.read(path, as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "nb.load(" in c.source) + 1
    nb.cells.insert(at, nbformat.v4.new_code_cell("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"))
    saved = path.read_bytes()
    nbformat.write(nb, path)
    return lambda: path.write_bytes(saved)


def chromium(script: str):
    def plant(root: Path, tmp_path: Path):
        exe = tmp_path / "chromium"
        exe.write_text(f"#!/bin/sh\n{script}\n")
        exe.chmod(0o755)
        os.environ["NIANBAO_CHROMIUM"] = str(exe)
        return lambda: os.environ.pop("NIANBAO_CHROMIUM")
    return plant


def no_chromium(root: Path, tmp_path: Path):
    os.environ["NIANBAO_CHROMIUM"] = str(tmp_path / "no-such-chromium")
    return lambda: os.environ.pop("NIANBAO_CHROMIUM")


FAULTS = [  # (id, plant the fault → undo, --no-pdf, exit status, words of the message)
    ("kernel killed mid-report", kill_kernel, True, 1, ["kernel died", "内核"]),
    ("chromium kills itself", chromium("kill -9 $$"), False, 1, ["Chromium failed to print the PDF", "Chromium 打印 PDF 失败"]),
    # refused before anything runs (exit 2), as batch refuses it
    ("chromium missing", no_chromium, False, 2, ["Chromium not found", "existing report (with its PDF) is kept"]),
]


@pytest.mark.parametrize("plant,no_pdf,expected,words", [f[1:] for f in FAULTS], ids=[f[0] for f in FAULTS])
def test_a_fault_fails_the_report_in_flight_and_keeps_the_good_one(faults_project, tmp_path, monkeypatch, plant,
                                                                   no_pdf, expected, words):
    root, result, _ = faults_project
    monkeypatch.setenv("NIANBAO_HOME", str(root))
    before = tree(root / "outputs")
    undo = plant(root, tmp_path)
    try:
        status, err = run_cli(ARGV + (["--no-pdf"] if no_pdf else []))
    finally:
        undo()
    assert status == expected, err
    assert "Traceback" not in err and err.count("\n") == 1
    assert f"nianbao render: {result.out_dir}: " in err  # the report, not the temporary directory
    for word in words:
        assert word in err, (word, err)
    assert tree(root / "outputs") == before  # the good report whole, no .tmp or .old directory left


def test_a_full_disk_fails_the_report_in_flight_and_keeps_the_good_one(faults_project):
    """outputs/ on a small tmpfs (mounted in a private mount namespace, so this needs no root and
    leaves the machine's mounts alone), filled to 8 KB short of full: the report's files do not fit."""
    root, _, _ = faults_project
    env = {**os.environ, "NIANBAO_HOME": str(root)}
    done = run_with_private_mounts([sys.executable, str(Path(__file__).with_name("hostile_helpers.py")), "disk-full",
                                    str(root)], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["mounted"] == "tmpfs"
    assert seen["full_status"] == 1 and "no space left on the device" in seen["full_err"], seen["full_err"]
    assert "磁盘空间不足" in seen["full_err"] and "Traceback" not in seen["full_err"]
    assert f"{root}/outputs/2021/jiaozuo-jyj: " in seen["full_err"]
    assert seen["after"] == seen["before"]  # the good report whole, nothing half-written left


def test_a_chromium_that_exits_at_once_is_tried_twice_then_a_clear_error(tmp_path):
    exe = tmp_path / "chromium"
    exe.write_text(f"#!/bin/sh\necho started >> {tmp_path / 'starts'}\nexit 1\n")
    exe.chmod(0o755)
    page = tmp_path / "page.html"
    page.write_text("<p>x</p>", encoding="utf-8")
    with PdfPrinter(str(exe)) as printer, pytest.raises(RenderError, match="Chromium failed to print the PDF") as error:
        printer.print_pdf(page)
    assert error.value.exit_code == 1 and str(page) in str(error.value)
    assert (tmp_path / "starts").read_text().split() == ["started", "started"]


def test_chromium_dying_between_reports_is_restarted(hostile, tmp_path, monkeypatch):
    """The browser one printer keeps open dies (killed, crashed) after a report: the next report
    starts a new one and prints."""
    _, result, files = hostile
    page = tmp_path / "report.html"
    page.write_bytes(files["report.html"])
    pids = tmp_path / "pids"
    wrapper = tmp_path / "chromium"
    wrapper.write_text(f'#!/bin/sh\necho $$ >> {pids}\nexec {find_chromium()} "$@"\n')
    wrapper.chmod(0o755)
    with PdfPrinter(str(wrapper)) as printer:
        assert printer.print_pdf(page).startswith(b"%PDF")
        os.kill(int(pids.read_text().split()[0]), signal.SIGKILL)
        assert printer.print_pdf(page).startswith(b"%PDF")
    assert len(pids.read_text().split()) == 2


def test_after_the_faults_the_next_run_succeeds_and_never_writes_through_a_report_link(faults_project, tmp_path,
                                                                                       monkeypatch):
    """A report file planted as a link to a file elsewhere: the run replaces the link, the file it
    pointed to keeps its content."""
    root, result, files = faults_project
    monkeypatch.setenv("NIANBAO_HOME", str(root))
    outside = tmp_path / "outside.html"
    outside.write_text("not yours", encoding="utf-8")
    (result.out_dir / "report.html").unlink()
    (result.out_dir / "report.html").symlink_to(outside)
    again = render_report("jiaozuo-jyj", 2021, root=root)
    assert "report.pdf" in again.files and again.out_dir == result.out_dir
    assert outside.read_text(encoding="utf-8") == "not yours"
    assert not (result.out_dir / "report.html").is_symlink()
    assert (result.out_dir / "report.html").read_bytes() == files["report.html"]
    assert (result.out_dir / "report.pdf").read_bytes().startswith(b"%PDF")
    assert [p.name for p in result.out_dir.parent.iterdir()] == ["jiaozuo-jyj"]
