"""Visible text of HTML elements as lines, the way a browser breaks them.

`drop_invisible` runs once per page and removes what a reader never sees (scripts, styles, form
controls, inline-hidden elements); `mark_lines` marks every block boundary and ``<br>`` under an
element with a private-use character. After that the text of any element is one C-side
serialisation (``etree.tostring(method="text")``) cut at the marks, which is what keeps
extraction within a few milliseconds per page (a Python walk over every ``<span>`` of a
Word-pasted table costs more than parsing the page).

Inline runs (``<span>``, ``<font>``, Word's nested spans) are joined. Whitespace collapses as in a
browser, except that a source line break between two CJK characters disappears instead of
becoming a space: Word and CMS editors wrap long Chinese lines in the HTML source, and "政府
信息" must stay "政府信息". ``&nbsp;`` is a space here.
"""

from __future__ import annotations

import re

from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type stubs

BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog", "dir",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hgroup", "hr", "html", "legend", "li", "main", "menu", "nav", "ol", "p", "pre", "section",
    "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})
INVISIBLE_TAGS = ("applet", "audio", "button", "canvas", "datalist", "input", "map", "noscript", "option",
                  "script", "select", "style", "svg", "template", "textarea", "video")
"""Elements whose text a reader never sees; removed (their tails kept) before any text is read."""
MARK = "\ue000"
"""Line-break mark put at block boundaries (a private-use character: never in real text)."""

_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|mso-hide\s*:\s*all", re.I)
_MAYBE_HIDDEN = etree.XPath(
    "//*[@hidden or contains(@style, 'none') or contains(@style, 'hidden') or contains(@style, 'mso-hide')]")
_HIDING_AT = ((b"display", re.compile(rb"display\s*:\s*none")), (b"mso-hide", re.compile(rb"mso-hide\s*:\s*all")),
              (b"hidden", re.compile(rb"(?<=[\s:])hidden[\s=>/;\"']")))
_CJK = "\u2e80-\u9fff\u3000-\u303f\uff00-\uffef\uf900-\ufaff"
_BREAK_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])[ \t\f]*[\r\n]\s*(?=[{_CJK}])")
_WS = re.compile(r"[ \t\n\r\f\xa0]+")
MARK_OR_SPACE = MARK + " \t\n\r\f\xa0\u3000"


def is_hidden(el: etree._Element) -> bool:
    """Inline-styled or attribute-hidden elements are not part of what a reader sees."""
    style = el.get("style")
    return (style is not None and _HIDDEN.search(style) is not None) or el.get("hidden") is not None


def mentions_hiding(source: bytes) -> bool:
    """Whether the page source has any hiding style or ``hidden`` attribute at all.

    A scan of the lower-cased bytes for each keyword (then a regex only where it occurs): one
    regex with alternatives over a whole page, or over its decoded text, costs about as much as
    parsing the page.
    """
    low = source.lower()
    for word, pattern in _HIDING_AT:
        at = low.find(word)
        while at != -1:
            if pattern.match(low, at):
                return True
            at = low.find(word, at + 1)
    return False


def remove_keeping_tail(el: etree._Element) -> None:
    """Detach `el`; its tail text stays in the document where it was."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def drop_invisible(root: etree._Element, *, source: bytes | None = None) -> None:
    """Remove scripts, styles, form controls and inline-hidden elements, in place (tails kept).

    With the page's `source` bytes (in an ASCII-compatible encoding), the search for hidden
    elements is skipped when no hiding style or attribute occurs at all (most pages), which
    saves a walk over the tree.
    """
    etree.strip_elements(root, *INVISIBLE_TAGS, with_tail=False)
    if source is not None and not mentions_hiding(source):
        return
    for el in _MAYBE_HIDDEN(root):
        if is_hidden(el):
            remove_keeping_tail(el)


TABLE_STRUCTURE = frozenset({"table", "thead", "tbody", "tfoot", "tr", "td", "th"})
_INNER_BLOCKS = tuple(sorted(BLOCK_TAGS - TABLE_STRUCTURE))


def mark_lines(root: etree._Element, *, cells_only: bool = False) -> None:
    """Put a `MARK` at every block boundary and ``<br>`` under `root`, in place (see module doc).

    `cells_only` leaves the table's own rows and cells unmarked: the grid separates them already.
    """
    for el in root.iter(*(_INNER_BLOCKS if cells_only else BLOCK_TAGS), "br"):
        if el.tag != "br":
            el.text = MARK + el.text if el.text else MARK
        el.tail = MARK + el.tail if el.tail else MARK


def clean_line(text: str) -> str:
    """Collapse whitespace as a browser does (see module doc); strip spaces and ideographic indents."""
    if text.isprintable() and " " not in text:  # the common case: nothing to collapse (C-fast test)
        return text
    text = _BREAK_BETWEEN_CJK.sub("", text)
    return _WS.sub(" ", text).strip(" \u3000")


def split_lines(text: str) -> list[str]:
    """Marked text → its non-empty visible lines."""
    bare = text.strip(MARK_OR_SPACE)
    if MARK not in bare and bare.isprintable() and " " not in bare:  # one clean line: the common cell
        return [bare] if bare else []
    return [line for line in (clean_line(part) for part in text.split(MARK) if part) if line]


def element_lines(el: etree._Element) -> list[str]:
    """The visible lines inside `el` (its tail excluded); lines are cut where `mark_lines` marked them."""
    return split_lines(etree.tostring(el, method="text", encoding=str, with_tail=False))


def element_text(el: etree._Element) -> str:
    """The visible text of `el`, lines joined by newlines (a vertical label keeps one char per line)."""
    return "\n".join(element_lines(el))


def block_of(node: etree._ElementUnicodeResult) -> etree._Element | None:
    """The nearest block element that shows a text node (a tail belongs to its parent's parent)."""
    holder = node.getparent()
    if holder is not None and node.is_tail:
        holder = holder.getparent()
    while holder is not None and holder.tag not in BLOCK_TAGS:
        holder = holder.getparent()
    return holder
