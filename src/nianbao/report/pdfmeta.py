"""Author and subject in a PDF's document information: Chromium writes only the title (from
<title>). They are added as an incremental update (a new information dictionary, xref section
and trailer appended), so the bytes Chromium wrote stay as they are, offsets included."""
from __future__ import annotations

import re

STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
TRAILER = re.compile(rb"trailer\s*<<(.*?)>>\s*startxref\s+\d+\s+%%EOF\s*$", re.S)


def text_string(value: str) -> bytes:
    """A PDF text string: UTF-16BE with its byte order mark, in hex (any text, nothing to escape)."""
    return b"<FEFF" + value.encode("utf-16-be").hex().upper().encode() + b">"


def with_info(data: bytes, **entries: str) -> bytes:
    """data with entries (e.g. Author=…, Subject=…) added to its document information; data as it
    is when it is not a PDF written the way Chromium writes one (a classic xref table and trailer)."""
    entries = {k: v for k, v in entries.items() if v}
    start, trailer = STARTXREF.search(data), TRAILER.search(data, max(0, data.rfind(b"trailer")))  # the last
    info = trailer and re.search(rb"/Info\s+(\d+)\s+0\s+R", trailer.group(1))
    size = trailer and re.search(rb"/Size\s+(\d+)", trailer.group(1))
    if not (entries and start and info and size):
        return data
    number = info.group(1)
    found = list(re.finditer(rb"(?:^|\n)" + number + rb"\s+0\s+obj\s*<<((?:(?!endobj).)*)>>\s*endobj", data, re.S))
    if not found:
        return data
    old = found[-1]  # an earlier update's, if any
    body = old.group(1)
    for key in entries:  # ours replace Chromium's, if it ever writes them
        body = re.sub(rb"/" + key.encode() + rb"\s*(\([^)]*\)|<[^>]*>)", b"", body)
    body += b"".join(b"\n/" + key.encode() + b" " + text_string(value) for key, value in entries.items())
    head = data if data.endswith(b"\n") else data + b"\n"
    obj_at = len(head)
    obj = number + b" 0 obj\n<<" + body + b"\n>>\nendobj\n"
    xref_at = obj_at + len(obj)
    rest = re.sub(rb"/Prev\s+\d+", b"", trailer.group(1)).strip()
    tail = (b"xref\n0 1\n0000000000 65535 f \n" + number + b" 1\n" + f"{obj_at:010d} 00000 n \n".encode()
            + b"trailer\n<<" + rest + b"\n/Prev " + start.group(1) + b">>\nstartxref\n"
            + str(xref_at).encode() + b"\n%%EOF\n")
    return head + obj + tail
