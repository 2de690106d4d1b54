"""The overview's charts as inline SVG: vector, with its Chinese text as real text (selectable,
searchable, printed sharp in the PDF), no script needed to see it.

matplotlib draws them (its SVG backend, text kept as <text> with svg.fonttype 'none', a fixed hash
salt and no date, so the same figures give the same bytes). It is the plotting library best kept
and most widely used in the Python ecosystem, has a static SVG backend that needs neither a browser
nor JavaScript (unlike Plotly, Bokeh or Altair), and measures the Chinese labels with an installed
CJK font (Noto Sans CJK, which the page and the PDF's font subsets use too: printfonts).
"""
from __future__ import annotations

import io
import re
from functools import lru_cache

CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei")
COLORS = ("#4e79a7", "#e15759", "#f28e2b", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#9c755f")


@lru_cache(maxsize=1)
def font_family() -> list[str]:
    """The first installed CJK family matplotlib knows, then the generic one (the browser picks again)."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    return [n for n in CJK_FAMILIES if n in names][:1] + ["sans-serif"]


def _style() -> dict:
    return {"svg.fonttype": "none", "svg.hashsalt": "nianbao", "font.family": font_family(), "font.size": 10,
            "axes.unicode_minus": False, "axes.spines.top": False, "axes.spines.right": False}


def _svg(figure, label: str) -> str:
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    FigureCanvasSVG(figure)
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]  # inline in HTML: no XML declaration, no DOCTYPE
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, count=1, flags=re.S)
    from html import escape

    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" class="chart" ', 1)


def bar_chart(title: str, labels: list[str], values: list[float], unit: str = "件") -> str:
    """Horizontal bars, one per label, each with its value written beside it."""
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context(_style()):
        figure = Figure(figsize=(6.4, 0.42 * len(labels) + 0.9))
        axes = figure.add_subplot()
        positions = list(range(len(labels)))[::-1]
        axes.barh(positions, values, color=COLORS[0])
        axes.set_yticks(positions, labels)
        axes.set_title(title, loc="left")
        axes.set_xlabel(unit)
        top = max(values, default=0) or 1
        for y, v in zip(positions, values):
            axes.text(v + top * 0.01, y, f"{v:g}", va="center")
        axes.set_xlim(0, top * 1.15)
        return _svg(figure, title)


def stacked_chart(title: str, groups: list[str], parts: list[str], values: list[list[float]], unit: str = "件") -> str:
    """One horizontal bar per group, stacked by part (values[group][part]), with a legend of parts."""
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context(_style()):
        figure = Figure(figsize=(6.4, 0.5 * len(groups) + 1.4))
        axes = figure.add_subplot()
        positions = list(range(len(groups)))[::-1]
        left = [0.0] * len(groups)
        for index, part in enumerate(parts):
            widths = [row[index] for row in values]
            axes.barh(positions, widths, left=left, color=COLORS[index % len(COLORS)], label=part)
            left = [a + b for a, b in zip(left, widths)]
        axes.set_yticks(positions, groups)
        axes.set_title(title, loc="left")
        axes.set_xlabel(unit)
        top = max(left, default=0) or 1
        for y, total in zip(positions, left):
            axes.text(total + top * 0.01, y, f"{total:g}", va="center")
        axes.set_xlim(0, top * 1.15)
        axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18 if len(groups) > 2 else -0.3), ncol=len(parts),
                    frameon=False)
        return _svg(figure, title)
