"""The same short bilingual text written in every input format, each with the writing side of the library
its reader uses (python-docx, odfpy, ebooklib, reportlab, srt, webvtt-py, lxml) or as plain Markdown."""

from __future__ import annotations

import datetime
import textwrap
from pathlib import Path

from lxml import etree

# Our own sentences: six paragraphs, one or two sentences each.
ZH = ["小镇的早晨", "天刚亮，面包店就开门了。街上飘着新鲜面包的香味。", "邮递员骑着自行车经过广场。",
      "孩子们背着书包去上学，路上有说有笑。", "老人们在河边的长椅上下棋。一只猫在旁边晒太阳。", "中午时分，钟楼的钟声响了十二下。"]
EN = ["Morning in a small town", "The bakery opens at first light. The street smells of fresh bread.",
      "The postman rides his bicycle across the square.",
      "Children walk to school with their satchels, chatting and laughing on the way.",
      "Old men play chess on a bench by the river. A cat suns itself beside them.",
      "At noon the clock tower strikes twelve."]
_KINDS = ["heading", "p", "item", "quote", "cell", "p"]  # what each paragraph is, where a format has kinds


def hard_wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` characters: at spaces for English, anywhere for Chinese."""
    if " " in text:
        return textwrap.wrap(text, width)
    return [text[k:k + width // 2] for k in range(0, len(text), width // 2)]


def write_text(path: Path, paras: list[str]) -> Path:
    path.write_text("\n".join(paras) + "\n", encoding="utf-8")
    return path


def write_text_blank(path: Path, paras: list[str]) -> Path:
    path.write_text("\n\n".join("\n".join(hard_wrap(p, 24)) for p in paras) + "\n", encoding="utf-8")
    return path


def write_markdown(path: Path, paras: list[str]) -> Path:
    head, p1, item, quote, cell, last = paras
    words = last.split(" ")
    linked = " ".join([*words[:-2], f"[{words[-2]}](https://example.com/a_b.html?x=1)", words[-1]]) \
        if len(words) > 2 else f"[{last[:3]}](https://example.com/a.html){last[3:]}"
    path.write_text("\n".join([
        "[![Build](https://img.shields.io/badge/build-passing-green.svg)](https://ci.example.com) "
        "![PyPI](https://img.shields.io/pypi/v/x.svg)", "",
        f"# {head}", "",
        '<p align="center"><img src="logo.png"></p>', "",
        *hard_wrap(p1, 24), "",
        f"- {item}", "",
        f"> {quote}", "",
        f"| {cell} |", "|---|", "",
        "```bash", "pip install example-package==1.0", "```", "",
        linked, "",
    ]), encoding="utf-8")
    return path


def write_html(path: Path, paras: list[str]) -> Path:
    head, p1, item, quote, cell, last = paras
    page = (f"<!DOCTYPE html><html><head><title>x</title><style>p {{color: red}}</style>"
            "<script>var x = 'not text';</script></head><body><nav><a href='/'>Home</a></nav>"
            f"<main><h1>{head}</h1><p>{p1}</p><ul><li>{item}</li></ul><blockquote>{quote}</blockquote>"
            f"<table><tr><td>{cell}</td></tr></table><pre>print('code')</pre><p>{last}</p></main></body></html>")
    path.write_text(page, encoding="utf-8")
    return path


def write_docx(path: Path, paras: list[str]) -> Path:
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Running header 页眉"
    head, p1, item, quote, cell, last = paras
    document.add_heading(head, level=1)
    document.add_paragraph(p1)
    document.add_paragraph(item, style="List Bullet")
    document.add_paragraph(quote, style="Quote")
    document.add_table(rows=1, cols=1).cell(0, 0).text = cell
    document.add_paragraph(last)
    document.save(path)
    return path


def write_odt(path: Path, paras: list[str]) -> Path:
    from odf.opendocument import OpenDocumentText
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import H, List, ListItem, P

    document = OpenDocumentText()
    head, p1, item, quote, cell, last = paras
    document.text.addElement(H(outlinelevel=1, text=head))
    document.text.addElement(P(text=p1))
    items = List()
    entry = ListItem()
    entry.addElement(P(text=item))
    items.addElement(entry)
    document.text.addElement(items)
    document.text.addElement(P(text=quote))
    table = Table(name="t")
    table.addElement(TableColumn())
    row = TableRow()
    box = TableCell()
    box.addElement(P(text=cell))
    row.addElement(box)
    table.addElement(row)
    document.text.addElement(table)
    document.text.addElement(P(text=last))
    document.save(str(path))
    return path


def write_epub(path: Path, paras: list[str]) -> Path:
    from ebooklib import epub

    book = epub.EpubBook()
    book.set_identifier("readers-test")
    book.set_title("Test")
    book.set_language("en")
    chapters = []
    for k, part in enumerate((paras[:3], paras[3:])):
        chapter = epub.EpubHtml(title=f"c{k}", file_name=f"c{k}.xhtml")
        chapter.content = "".join(f"<p>{p}</p>" for p in part)
        chapters.append(chapter)
    for chapter in reversed(chapters):  # the manifest lists the last chapter first; the spine gives the order
        book.add_item(chapter)
    book.spine = chapters
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    epub.write_epub(str(path), book)
    return path


def write_pdf(path: Path, paras: list[str], paras_per_page: int = 3) -> Path:
    """Paragraphs hard-wrapped (English with an end-of-line hyphen), a running header and page numbers."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))  # Chinese without embedding a font file
    pdf = canvas.Canvas(str(path))
    for page, start in enumerate(range(0, len(paras), paras_per_page), 1):
        pdf.setFont("STSong-Light", 9)
        pdf.drawString(72, 800, "The Small Town Book 小镇之书")
        pdf.drawString(300, 40, str(page))
        y = 740
        for para in paras[start:start + paras_per_page]:
            pdf.setFont("STSong-Light", 12)
            for line in _hyphenated(hard_wrap(para, 44)):
                pdf.drawString(72, y, line)
                y -= 15
            y -= 30
        pdf.showPage()
    pdf.save()
    return path


def _hyphenated(lines: list[str]) -> list[str]:
    """Break the first long word of the second line across the line end with a hyphen, as typesetters do."""
    if len(lines) < 2 or " " not in lines[1]:
        return lines
    word, rest = lines[1].split(" ", 1)
    if len(word) < 6 or not word.isalpha():
        return lines
    return [f"{lines[0]} {word[:3]}-", f"{word[3:]} {rest}", *lines[2:]]


def write_srt(path: Path, cues: list[str]) -> Path:
    import srt

    path.write_text(srt.compose([srt.Subtitle(k + 1, datetime.timedelta(seconds=2 * k),
                                              datetime.timedelta(seconds=2 * k + 1.5), text)
                                 for k, text in enumerate(cues)]), encoding="utf-8")
    return path


def write_vtt(path: Path, cues: list[str]) -> Path:
    import webvtt

    vtt = webvtt.WebVTT()
    for k, text in enumerate(cues):
        vtt.captions.append(webvtt.Caption(f"00:00:{2 * k:02d}.000", f"00:00:{2 * k + 1:02d}.500", text))
    vtt.save(str(path))
    return path


def write_xliff(path: Path, zh: list[str], en: list[str], version: str = "1.2") -> Path:
    if version == "1.2":
        ns = "urn:oasis:names:tc:xliff:document:1.2"
        root = etree.Element(f"{{{ns}}}xliff", nsmap={None: ns}, version="1.2")
        body = etree.SubElement(etree.SubElement(root, f"{{{ns}}}file", {"source-language": "zh-CN",
                                "target-language": "en", "datatype": "plaintext", "original": "x"}), f"{{{ns}}}body")
        for k, (z, e) in enumerate(zip(zh, en)):
            unit = etree.SubElement(body, f"{{{ns}}}trans-unit", id=str(k))
            source = etree.SubElement(unit, f"{{{ns}}}source")
            source.text = z
            etree.SubElement(source, f"{{{ns}}}ph", id="1").text = "<br/>"  # a native code: no text
            etree.SubElement(unit, f"{{{ns}}}target").text = e
    else:
        ns = "urn:oasis:names:tc:xliff:document:2.0"
        root = etree.Element(f"{{{ns}}}xliff", nsmap={None: ns}, version="2.0", srcLang="zh-CN", trgLang="en")
        file = etree.SubElement(root, f"{{{ns}}}file", id="f")
        for k, (z, e) in enumerate(zip(zh, en)):
            unit = etree.SubElement(file, f"{{{ns}}}unit", id=str(k))
            segment = etree.SubElement(unit, f"{{{ns}}}segment")
            etree.SubElement(segment, f"{{{ns}}}source").text = z
            etree.SubElement(segment, f"{{{ns}}}target").text = e
    etree.ElementTree(root).write(str(path), xml_declaration=True, encoding="utf-8")
    return path


def write_tmx(path: Path, zh: list[str], en: list[str]) -> Path:
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    root = etree.Element("tmx", version="1.4")
    etree.SubElement(root, "header", creationtool="t", creationtoolversion="1", datatype="plaintext",
                     segtype="paragraph", adminlang="en", srclang="zh-CN", **{"o-tmf": "x"})
    body = etree.SubElement(root, "body")
    for z, e in zip(zh, en):
        tu = etree.SubElement(body, "tu")
        for tag, text in (("en", e), ("zh-CN", z)):  # the target first: srclang says which is the source
            etree.SubElement(etree.SubElement(tu, "tuv", {lang: tag}), "seg").text = text
    etree.ElementTree(root).write(str(path), xml_declaration=True, encoding="utf-8")
    return path


MONOLINGUAL = {"text-blank": ("txt", write_text_blank), "markdown": ("md", write_markdown),
               "html": ("html", write_html), "docx": ("docx", write_docx), "odt": ("odt", write_odt),
               "epub": ("epub", write_epub), "pdf": ("pdf", write_pdf)}
