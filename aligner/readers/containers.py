"""What the binary and XML readers share: a checked ZIP container, a safe XML parser, and third-party
parser failures turned into one InputError."""

from __future__ import annotations

import contextlib
import io
import logging
import warnings
import zipfile
from typing import Iterator

from lxml import etree

from ..errors import InputError
from .source import format_size

# An encrypted Office file is not a ZIP but an OLE compound file (as is an old binary .doc).
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@contextlib.contextmanager
def library_errors(name: str, what: str) -> Iterator[None]:
    """Any failure of a format library on a malformed file as one line; its log messages and warnings
    (pdfminer, ebooklib) are silenced so an error stays one line."""
    logging.disable(logging.WARNING)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    except InputError:
        raise
    except Exception as exc:  # the libraries raise anything from KeyError to struct.error on damaged files
        detail = str(exc).splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        raise InputError(f"{name}: not a readable {what} ({detail})") from None
    finally:
        logging.disable(logging.NOTSET)


def check_zip(data: bytes, name: str, what: str, max_bytes: int) -> zipfile.ZipFile:
    """``data`` as an open ZIP container (DOCX, ODT, EPUB) whose contents unpack to at most ``max_bytes``."""
    if data.startswith(_OLE_MAGIC):
        raise InputError(f"{name}: password-protected (encrypted) or an old binary format, not a {what}; "
                         f"save it unprotected as {what}")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InputError(f"{name}: not a valid {what} (the ZIP container is damaged or missing)") from None
    if sum(info.file_size for info in archive.infolist()) > max_bytes:  # a ZIP bomb, or a huge document
        raise InputError(f"{name}: unpacks to more than {format_size(max_bytes)}; "
                         "raise --max-input-size if it really is one text")
    return archive


def parse_xml(data: bytes, name: str, what: str) -> etree._Element:
    """The root of an XML document, parsed without entity expansion, DTD loading, network access or
    huge-tree mode; a document that declares entities (the billion-laughs bomb) is refused."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(f"{name}: not well-formed {what} ({str(exc).splitlines()[0][:200]})") from None
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise InputError(f"{name}: declares XML entities, which are refused (entity expansion can exhaust memory)")
    return root


def local_name(element: etree._Element) -> str:
    """The tag without its namespace; '' for comments and processing instructions."""
    # not etree.QName: it refuses the odd tag names the HTML parser keeps from damaged pages ('b|ockquote')
    return element.tag.rpartition("}")[2] if isinstance(element.tag, str) else ""
