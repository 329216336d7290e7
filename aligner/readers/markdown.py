"""Markdown (CommonMark and tables, read with markdown-it-py): headings, paragraphs, list items, quotes and
table cells are units; code blocks, HTML, images and link targets are kept out of the text, as skipped items."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .document import Document, DocumentBuilder
from .source import display_name
from .text import decode_text

# Innermost first: the kind of unit an inline run is, by the blocks open around it.
_KINDS = {"heading_open": "heading", "th_open": "cell", "td_open": "cell", "list_item_open": "item",
          "blockquote_open": "quote"}
_SKIPPED_BLOCKS = {"fence": "code", "code_block": "code", "html_block": "html"}


def read_markdown(data: bytes, path: str, max_bytes: int) -> Document:
    text, encoding = decode_text(data, path)
    builder = DocumentBuilder()
    open_kinds: list[str] = []
    for token in MarkdownIt("commonmark").enable("table").parse(text):
        if token.type in _SKIPPED_BLOCKS:
            builder.skip(_SKIPPED_BLOCKS[token.type], token.content)
        elif token.nesting == 1:
            open_kinds.append(_KINDS.get(token.type, ""))
        elif token.nesting == -1:
            open_kinds.pop()
        elif token.type == "inline":
            kind = next((k for k in reversed(open_kinds) if k), "p")
            builder.add(_inline_text(token.children or [], builder), kind)
    return builder.build(path, display_name(path), encoding)


def _inline_text(children: list[Token], builder: DocumentBuilder) -> str:
    """The text a reader sees: link text stays, code spans keep their content; images, inline HTML and
    link targets go to the skipped items of the unit."""
    parts: list[str] = []
    for token in children:
        if token.type in ("text", "code_inline"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif token.type == "link_open":
            builder.skip("link", str(token.attrs.get("href", "")), inline=True)
        elif token.type == "image":
            builder.skip("image", f"![{token.content}]({token.attrs.get('src', '')})", inline=True)
        elif token.type == "html_inline":
            builder.skip("html", token.content, inline=True)
    return "".join(parts)
