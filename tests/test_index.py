"""index.html: every text from a manifest is escaped; statuses come from the manifest's findings."""
from __future__ import annotations

from nianbao.batch.index import index_html, report_status


def manifest(name, status="ok", errors=0, warning=0, known=True, failure=None):
    return {"name": name, "status": status, "outputs": {"report.html": "x"}, "error": failure,
            "findings": {"known": known, "error": errors, "warning": warning, "info": 0}}


def test_statuses_follow_findings_and_failures():
    assert report_status(manifest("a")) == "clean"
    assert report_status(manifest("a", warning=2)) == "warnings"
    assert report_status(manifest("a", errors=1, warning=2)) == "errors"
    assert report_status(manifest("a", status="failed")) == "failed"
    assert report_status(None) == "failed"


def test_untrusted_text_is_escaped():
    evil = '<script>alert("x")</script>&'
    html = index_html(2022, [("a-1", manifest(evil)),
                             ("a-2", manifest("机构", status="failed",
                                              failure={"cause": "exception", "cell": 4, "ename": "E",
                                                       "evalue": "<img src=x onerror=alert(1)>"}))])
    assert evil not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert html.count("<script>") == 1  # the sorter, inline
