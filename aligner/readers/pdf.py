"""PDF with a text layer (pdfminer.six): its layout analysis gives text boxes, each a paragraph; a paragraph
that runs over a page break is joined again; lines are unwrapped and end-of-line hyphens resolved; page
headers, footers and page numbers are removed (kept as skipped items). A PDF without a text layer (scanned
pages) is refused."""

from __future__ import annotations

import io
import re
from collections import Counter

from ..errors import InputError
from .containers import library_errors
from .document import Document, DocumentBuilder
from .source import display_name

# "12", "- 12 -", "Page 3", "3 / 10", "page 3 of 10", "第 3 页"
_PAGE_NUMBER = re.compile(r"^\W*(page\s*)?\d+(\s*(of|/)\s*\d+)?\W*$|^第\s*\d+\s*页(\s*共\s*\d+\s*页)?$",
                          re.IGNORECASE)
# a word broken at a line end: "infor-\nmation" (a typesetter's hyphen) or "well-\nknown" (a compound's own)
_HYPHENATED = re.compile(r"([^\W\d_]+)-\n([a-z][^\W\d_]*)")
_WORDS = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# a paragraph ends at a sentence stop, perhaps inside closing quotes or brackets; one without runs on
_ENDS_PARAGRAPH = re.compile(r"[.!?。！？…:：]['\"’”」』)）\]]*$")
# A top or bottom box on at least this share of the pages (digits ignored) is a running header or footer.
_REPEATED_SHARE = 0.5


def read_pdf(data: bytes, path: str, max_bytes: int) -> Document:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTTextContainer
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    name = display_name(path)
    if b"%PDF-" not in data[:1024]:  # the header may follow up to 1 KiB of junk
        raise InputError(f"{name}: not a PDF (no %PDF- header)")
    pages: list[list[str]] = []
    with library_errors(name, "PDF"):
        try:
            for page in extract_pages(io.BytesIO(data), laparams=LAParams()):
                boxes = sorted((el for el in page if isinstance(el, LTTextContainer)), key=lambda b: -b.y1)
                pages.append([text for text in (box.get_text().strip() for box in boxes) if text])
        except PDFPasswordIncorrect:
            raise InputError(f"{name}: password-protected; give an unprotected copy") from None
    if not any(pages):
        raise InputError(f"{name}: the PDF has no text layer (scanned pages?); run OCR on it first")
    builder = DocumentBuilder()
    running = _running_lines(pages)
    paragraphs: list[str] = []
    for boxes in pages:
        page_start = True
        for k, text in enumerate(boxes):
            edge = k in (0, len(boxes) - 1)
            if edge and (_PAGE_NUMBER.match(text) or _shape(text) in running):
                builder.skip("page-header", text)
                continue
            if page_start and paragraphs and not _ENDS_PARAGRAPH.search(paragraphs[-1]):
                paragraphs[-1] += "\n" + text  # the paragraph ran over the page break
            else:
                paragraphs.append(text)
            page_start = False
    words = _document_words(paragraphs)
    for text in paragraphs:
        builder.add(_HYPHENATED.sub(lambda m: _rejoin(m, words), text))
    return builder.build(path, name)


def _document_words(paragraphs: list[str]) -> set[str]:
    """The words and hyphenated compounds the document writes within its lines, lower-cased."""
    found: set[str] = set()
    for text in paragraphs:
        found.update(w.lower() for w in _WORDS.findall(_HYPHENATED.sub(" ", text)))
    return found


def _rejoin(match: re.Match, words: set[str]) -> str:
    """One word broken at a line end, as the document itself writes it: joined when it writes the word
    whole, hyphenated when it writes the compound or both halves are words of their own; else joined
    (most line-end hyphens are the typesetter's)."""
    head, tail = match.group(1), match.group(2)
    whole, compound = f"{head}{tail}", f"{head}-{tail}"
    if whole.lower() in words:
        return whole
    if compound.lower() in words or (head.lower() in words and tail.lower() in words):
        return compound
    return whole


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", text)


def _running_lines(pages: list[list[str]]) -> set[str]:
    """The top and bottom boxes (digits ignored) repeated on at least half of the pages (of two or more)."""
    if len(pages) < 2:
        return set()
    counts = Counter(shape for boxes in pages if boxes for shape in {_shape(boxes[0]), _shape(boxes[-1])})
    return {shape for shape, n in counts.items() if n >= max(2, _REPEATED_SHARE * len(pages))}
