"""Row-group labels that stay readable across a page break.

A label spanning rows (table 三's 「三、本年度办理结果」, 「（三）不予公开」 …) is one cell: where the
table breaks, Chromium prints its text on one page and leaves the rest of the cell blank on the
next. Before printing, the page is laid out once in columns of exactly the printed text block
(multi-column layout breaks blocks, rows and repeated table headers as printing does), each such
cell that crosses a column is split there, and its label repeated in the part on the next page.
Repeated until no label crosses a break (a repeated label may make its rows taller). A heading that
would stand alone at the foot of a page is moved to the next, and so is a table's header left
without a row under it. Only the copy being printed
changes; report.html keeps one cell per label.
"""
from __future__ import annotations

# The printed text block when the page's CSS has no @page size (it is read from the page): A4, 2 cm margins.
PAGE_BOX = ("calc(210mm - 4cm)", "calc(297mm - 4cm)")

SPLIT_LABELS = r"""
([fallbackWidth, fallbackHeight]) => {
  // The printed text block: the page's own @page size less its margins.
  const SIZES = {a3: ['297mm', '420mm'], a4: ['210mm', '297mm'], a5: ['148mm', '210mm'], b4: ['250mm', '353mm'],
                 b5: ['176mm', '250mm'], letter: ['8.5in', '11in'], legal: ['8.5in', '14in']};
  let width = fallbackWidth, height = fallbackHeight;
  for (const sheet of document.styleSheets) {
    for (const rule of sheet.cssRules) {
      if (rule.type !== CSSRule.PAGE_RULE || rule.selectorText) continue;
      const words = rule.style.getPropertyValue('size').trim().toLowerCase().split(/\s+/).filter(Boolean);
      let dims = SIZES[words.find(w => w in SIZES)] || (words.length >= 2 && !(words[0] in SIZES) &&
                 words[0] !== 'landscape' && words[0] !== 'portrait' ? words.slice(0, 2) : null);
      if (dims && words.includes('landscape')) dims = [dims[1], dims[0]];
      const m = side => rule.style.getPropertyValue(`margin-${side}`) || '0px';
      if (dims) {
        width = `calc(${dims[0]} - ${m('left')} - ${m('right')})`;
        height = `calc(${dims[1]} - ${m('top')} - ${m('bottom')})`;
      }
    }
  }
  const body = document.body;
  const frame = document.createElement('div');
  frame.style.cssText = `width:${width};height:${height};columns:${width} auto;column-gap:0;` +
                        'column-fill:auto;margin:0;padding:0';
  while (body.firstChild) frame.appendChild(body.firstChild);
  body.appendChild(frame);
  const step = frame.getBoundingClientRect().width;
  const page = el => Math.floor((el.getBoundingClientRect().left - frame.getBoundingClientRect().left + 1) / step);
  // The grid column a cell starts in (rowspans of the rows above taken into account).
  const columnOf = target => {
    const taken = new Set();
    const section = target.parentElement.parentElement;
    for (const [r, row] of Array.from(section.rows).entries()) {
      let c = 0;
      for (const cell of row.cells) {
        while (taken.has(`${r},${c}`)) c++;
        if (cell === target) return c;
        for (let dr = 0; dr < cell.rowSpan; dr++) for (let dc = 0; dc < cell.colSpan; dc++) taken.add(`${r + dr},${c + dc}`);
        c += cell.colSpan;
      }
    }
    return -1;
  };
  // A label crossing a break: split there, the label repeated on the next page.
  const splitOne = () => {
    for (const cell of document.querySelectorAll('table.official th[rowspan][scope=row]')) {
      const first = cell.parentElement, rows = [first];
      for (let i = 1; i < cell.rowSpan && rows[i - 1].nextElementSibling; i++) rows.push(rows[i - 1].nextElementSibling);
      const k = rows.findIndex(r => page(r) !== page(first));
      if (k <= 0) continue;
      const col = columnOf(cell), row = rows[k];  // columns measured before the spans change
      const after = Array.from(row.cells).find(c => columnOf(c) > col);
      const rest = cell.cloneNode(true);
      rest.rowSpan = cell.rowSpan - k;
      cell.rowSpan = k;
      row.insertBefore(rest, after || null);
      return true;
    }
    return false;
  };
  // A heading the break would leave alone at the foot of a page goes to the next page (Chromium
  // does not always keep break-after: avoid before a table whose first rows are kept together);
  // so does a table's header left without a row of its body under it (with the heading before it).
  const pushed = new Set();
  const push = el => !pushed.has(el) && pushed.add(el) && (el.style.breakBefore = 'page');
  const keepHeadings = () => {
    for (const table of document.querySelectorAll('table')) {
      const head = table.tHead, first = table.tBodies[0] && table.tBodies[0].rows[0];
      if (!head || !first || page(head) === page(first)) continue;
      const heading = table.previousElementSibling;
      if (push(heading && /^H[1-6]$/.test(heading.tagName) ? heading : table)) return true;
    }
    for (const heading of document.querySelectorAll('h1, h2, h3')) {
      const next = heading.nextElementSibling;
      const start = next && (next.querySelector('tbody tr') || next.querySelector('tr') || next);
      if (start && page(start) !== page(heading) && push(heading)) return true;
    }
    return false;
  };
  // One change at a time, measured again after each (the layout moves); headings first.
  let changes = 0;
  while (changes < 64 && (keepHeadings() || splitOne())) changes++;
  while (frame.firstChild) body.insertBefore(frame.firstChild, frame);
  frame.remove();
  return changes;
}
"""


def split_labels(page) -> int:
    """Split the row-group labels of the loaded page where its printed pages break, and move a heading
    left alone at a page's foot to the next page; how many changes."""
    return page.evaluate(SPLIT_LABELS, list(PAGE_BOX))
