"""Read a policy file of any supported format into plain text, or say in Chinese why not."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")

# Characters a real policy text is made of; a decoded "text" mostly made of anything else is binary.
_TEXTLIKE = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u2000-\u206f\x20-\x7e\t\n\r\u00a0-\u00ff]")


class LoadError(Exception):
    """A file that cannot become a document; the message is shown to the user as is."""


def load_text(path: Path, max_bytes: int) -> str:
    """Return the text of `path`; raise LoadError with a Chinese reason for anything unusable."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise LoadError(f"不支持的文件类型“{suffix or '无扩展名'}”（支持 txt、docx、pdf、html）")
    size = path.stat().st_size
    if size > max_bytes:
        raise LoadError(f"文件过大（{size / 2**20:.1f} MB，上限 {max_bytes / 2**20:.0f} MB）")
    if size == 0:
        raise LoadError("空文件")
    if suffix == ".docx":
        text = _docx_text(path)
    elif suffix == ".pdf":
        text = _pdf_text(path)
    elif suffix in (".html", ".htm"):
        text = _html_text(decode_bytes(path.read_bytes()))
    else:
        text = decode_bytes(path.read_bytes())
    if not text.strip():
        raise LoadError("文件没有可提取的文字")
    return text


def decode_bytes(data: bytes) -> str:
    """Decode a text file whose encoding is unknown: UTF-8, UTF-16, GBK/GB18030 are tried in turn."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return _checked(data.decode(encoding, errors="replace"))
    if b"\x00" in data:  # UTF-16 without a BOM, or binary
        for encoding in ("utf-16-le", "utf-16-be"):
            try:
                return _checked(data.decode(encoding))
            except (UnicodeDecodeError, LoadError):
                continue
        raise LoadError("看起来是二进制文件，不是文本")
    for encoding in ("utf-8", "gb18030"):
        try:
            return _checked(data.decode(encoding))
        except UnicodeDecodeError:
            continue
    return _checked(data.decode("utf-8", errors="replace"))


def _checked(text: str) -> str:
    """Refuse decoded text that is mostly not text (a binary file that happened to decode)."""
    sample = text[:20000]
    if sample and len(_TEXTLIKE.findall(sample)) / len(sample) < 0.85:
        raise LoadError("无法识别文件编码，或这不是文本文件")
    return text


def _docx_text(path: Path) -> str:
    """Paragraphs in order; tables flattened one cell per tab-led line, as the normaliser expects."""
    import docx  # python-docx; imported here so plain-text ingest never pays for it
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except Exception as error:  # python-docx raises several unrelated types for a broken file
        raise LoadError(f"无法读取 docx 文件（{type(error).__name__}）") from error
    lines: list[str] = []
    for element in document.element.body.iterchildren():
        if element.tag.endswith("}p"):
            lines.append(Paragraph(element, document).text)
        elif element.tag.endswith("}tbl"):
            for row in Table(element, document).rows:
                lines.extend("\t" + cell.text for cell in row.cells)
                lines.append("")
    return "\n".join(lines)


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, ValueError, KeyError) as error:
        raise LoadError(f"无法读取 PDF 文件（{type(error).__name__}）") from error
    if not text.strip():
        raise LoadError("PDF 没有文字层（可能是扫描件，需要先做文字识别）")
    return text


def _html_text(html: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for element in soup(["script", "style", "noscript", "head"]):
        element.decompose()
    return soup.get_text("\n")
