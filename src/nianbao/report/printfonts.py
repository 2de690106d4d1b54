"""Fonts for printing: the page's installed fonts, cut down to the characters it uses.

Chromium copies the whole file of every system font a page uses into each print job and loads
it again in the print compositor (printing/common/metafile_utils.cc serialises typefaces with
their data). The Noto CJK collections are 20–27 MB each, so every PDF paid ~0.1 s of CPU per
face used — three or four faces, most of the printing. A subset of the same face with only the
page's characters is ~150 KB and costs nothing to copy.

The subsets are handed to Chromium as @font-face rules under the installed families' own names
(which shadow the system fonts), every installed weight and style of each family, with all
layout features kept (vertical forms, punctuation spacing): the same glyphs at the same places,
the same text. Only the copy of the page printed gets them; report.html stays as it is. Without
uharfbuzz or fontconfig's fc-list, pages are printed with the system fonts as before.
"""
from __future__ import annotations

import contextlib
import functools
import html
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

# Characters Chromium looks at beyond the page's own, so that a subset lays the page out as the
# whole font does: the punctuation it probes before trimming CJK punctuation spacing
# (blink/.../shaping/han_kerning.cc: 、。，．：；), 水 (the `ic` unit), ASCII (`ch`, `ex`, markers),
# hyphen, bullet and ellipsis (hyphenation, list markers, text-overflow).
ALWAYS = (*range(0x20, 0x7F), 0x3001, 0x3002, 0xFF0C, 0xFF0E, 0xFF1A, 0xFF1B, 0x6C34, 0x2010, 0x2022, 0x2026)
GENERIC = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "math", "emoji", "fangsong",
           "ui-serif", "ui-sans-serif", "ui-monospace", "ui-rounded", "inherit", "initial", "unset"}


@dataclass(frozen=True)
class Face:
    family: str
    file: str
    index: int
    weight: int
    italic: bool


def _hb():
    try:
        import uharfbuzz
    except ImportError:
        return None
    return uharfbuzz


@functools.lru_cache(maxsize=None)
def installed_faces(family: str) -> tuple[Face, ...]:
    """Every installed face of a family (fontconfig), with its CSS weight and style."""
    hb = _hb()
    if hb is None:
        return ()
    try:
        listing = subprocess.run(["fc-list", "--format", "%{file}\\t%{index}\\t%{family}\\n", family],
                                 capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    faces = []
    for line in sorted(set(listing.splitlines())):
        path, index, families = (line.split("\t") + ["", ""])[:3]
        if family.casefold() not in {f.casefold() for f in families.split(",")} or not index.isdigit():
            continue
        face = _face(path, int(index))
        if face is None:
            continue
        os2 = face.reference_table("OS/2").data
        if len(os2) < 64:
            continue
        weight, selection = int.from_bytes(os2[4:6], "big"), int.from_bytes(os2[62:64], "big")
        faces.append(Face(family, path, int(index), weight, bool(selection & 1)))
    return tuple(faces)


@functools.lru_cache(maxsize=None)
def _face(path: str, index: int):
    hb = _hb()
    try:
        return hb.Face(hb.Blob.from_file_path(path), index)
    except Exception:  # noqa: BLE001 - an unreadable font file is printed the ordinary way
        return None


def families_in(css: str) -> list[str]:
    """The first installed family of each font-family declaration (what Chromium will use)."""
    found = []
    for declaration in re.findall(r"font-family\s*:\s*([^;}]+)", css, flags=re.I):
        for name in (part.strip().strip("'\"").strip() for part in declaration.split(",")):
            if name.lower() in GENERIC or not name:
                continue
            if installed_faces(name):
                if name not in found:
                    found.append(name)
                break
    return found


def subset(face: Face, codepoints: set[int]) -> bytes:
    """The face with the glyphs of codepoints and every glyph its layout features reach from them.
    All features, not HarfBuzz's default set: with the default set, vertical punctuation (、 in
    a writing-mode: vertical-rl cell) came out in its horizontal place."""
    hb = _hb()
    spec = hb.SubsetInput()
    for codepoint in codepoints:
        spec.unicode_set.add(codepoint)
    spec.layout_feature_tag_set.clear()
    spec.layout_feature_tag_set.invert()
    return hb.subset(_face(face.file, face.index), spec).blob.data


def font_faces(page: str) -> list[tuple[str, Face, bytes]]:
    """(family, face, subset) for the installed families the page's CSS names, each face cut down
    to the characters of the page (its whole source, entities resolved: a superset of its text)."""
    if _hb() is None:
        return []
    css = "\n".join(re.findall(r"<style[^>]*>(.*?)</style>", page, flags=re.S | re.I))
    codepoints = {ord(c) for c in html.unescape(page)} | set(ALWAYS)
    return [(family, face, subset(face, codepoints)) for family in families_in(css) for face in installed_faces(family)]


def font_face_rule(family: str, face: Face, url: str) -> str:
    return (f'@font-face {{ font-family: "{family}"; font-weight: {face.weight}; '
            f'font-style: {"italic" if face.italic else "normal"}; src: url("{url}"); }}')


@contextlib.contextmanager
def print_copy(html_path: Path):
    """Within: a copy of the page beside it (relative references resolve the same) whose head
    loads the subset fonts from files in a folder beside it (files, not data: URLs, which Chromium
    would decode from the page every time); None when there is nothing to subset. Both go after."""
    html_path = Path(html_path)
    page = html_path.read_text(encoding="utf-8")
    faces = font_faces(page) if "</head>" in page else []
    if not faces:
        yield None
        return
    folder = Path(tempfile.mkdtemp(prefix=".print-", dir=html_path.parent))
    try:
        rules = []
        for n, (family, face, data) in enumerate(faces):
            (folder / f"{n}.otf").write_bytes(data)
            rules.append(font_face_rule(family, face, f"{folder.name}/{n}.otf"))
        copy = folder.with_suffix(".html")
        copy.write_text(page.replace("</head>", "<style>\n" + "\n".join(rules) + "\n</style>\n</head>", 1),
                        encoding="utf-8")
        try:
            yield copy
        finally:
            copy.unlink(missing_ok=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
