"""HTML (lxml.html): the main text (``<main>`` or ``<article>`` when there is one, else the body) as block
units; scripts, styles and navigation are removed, ``<pre>`` and images are kept out as skipped items.
EPUB chapters come through here too."""

from __future__ import annotations

import lxml.html
from lxml import etree

from ..errors import InputError
from .containers import local_name
from .document import Document, DocumentBuilder
from .source import display_name
from .text import decode_text

# Elements whose content is no text of the document (nav: menus repeated on every page; rt: ruby glosses).
_REMOVED = {"script", "style", "nav", "noscript", "template", "head", "rt", "rp", "svg", "math", "button",
            "select", "form", "iframe", "object"}
_KINDS = {"h1": "heading", "h2": "heading", "h3": "heading", "h4": "heading", "h5": "heading", "h6": "heading",
          "li": "item", "dt": "item", "dd": "item", "td": "cell", "th": "cell", "blockquote": "quote",
          "caption": "caption", "figcaption": "caption"}
# Blocks: a unit ends where one opens or closes.
_BLOCKS = {*_KINDS, "p", "div", "section", "article", "main", "aside", "header", "footer", "body", "ul", "ol",
           "dl", "table", "tr", "thead", "tbody", "tfoot", "figure", "address", "hr", "br", "center", "details",
           "summary", "hgroup"}


def read_html(data: bytes, path: str, max_bytes: int) -> Document:
    text, encoding = decode_text(data, path)
    builder = DocumentBuilder()
    add_html(builder, text, display_name(path))
    return builder.build(path, display_name(path), encoding)


def add_html(builder: DocumentBuilder, text: str, name: str) -> None:
    """Add the units of an HTML (or XHTML) page to ``builder``."""
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True,
                                  huge_tree=False)
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise InputError(f"{name}: not readable HTML ({exc})") from None
    main = next(iter(root.xpath("//*[local-name()='main' or local-name()='article']")), None)
    _Walker(builder).block(main if main is not None else root, "p")


class _Walker:
    """Gathers inline text into the open unit; a block element closes it and opens its own."""

    def __init__(self, builder: DocumentBuilder):
        self.builder = builder
        self.parts: list[str] = []

    def flush(self, kind: str) -> None:
        self.builder.add("".join(self.parts), kind)
        self.parts = []

    def block(self, element: etree._Element, kind: str) -> None:
        self.flush(kind)
        self.inline(element, _KINDS.get(local_name(element).lower(), kind))
        self.flush(_KINDS.get(local_name(element).lower(), kind))

    def inline(self, element: etree._Element, kind: str) -> None:
        self.parts.append(element.text or "")
        for child in element:
            tag = local_name(child).lower()
            if tag == "pre":
                self.flush(kind)
                self.builder.skip("code", child.text_content())
            elif tag == "img":
                self.builder.skip("image", lxml.html.tostring(child, encoding="unicode", with_tail=False),
                                  inline=True)
            elif tag in _BLOCKS:
                self.block(child, kind)
            elif tag and tag not in _REMOVED:
                self.inline(child, kind)
            self.parts.append(child.tail or "")
