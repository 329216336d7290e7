"""Reading input documents: bytes to text (encoding detection) and text to paragraphs."""

from .source import read_input
from .text import Document, read_document, decode_bytes

__all__ = ["Document", "read_document", "decode_bytes", "read_input"]
