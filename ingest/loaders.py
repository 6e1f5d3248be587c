"""Read a policy file of any supported format into plain text, or say in Chinese why not."""

from __future__ import annotations

import codecs
import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ingest.docx_numbering import WordNumbering

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")

# 50 万字: five times the longest policy documents (a national five-year plan is ~10 万字), and a
# bound on the time and memory one file can take (embedding it takes minutes on 2 cores). Callers
# pass their own setting.
DEFAULT_MAX_CHARS = 500_000

MB = 2**20
# A .docx is a zip that python-docx unpacks whole into memory. Real ones unpack to a few times
# their size (XML deflates 5–10×, images not at all); a zip bomb unpacks to hundreds or thousands.
_DOCX_UNPACK_FACTOR = 20
_DOCX_UNPACK_CAP = 200 * MB  # also when the file limit is raised
# pypdf decodes each stream whole in memory (its default limit, 75 MB of page content, takes
# minutes to extract text from); a page of text is well under 1 MB, a vector map page a few MB.
_PDF_STREAM_LIMIT = 20 * MB
_PDF_LIMITS: dict[str, Any] = {
    "array_based_stream_maximum_output_length": _PDF_STREAM_LIMIT,
    "zlib_maximum_output_length": _PDF_STREAM_LIMIT,
    "lzw_maximum_output_length": _PDF_STREAM_LIMIT,
    "run_length_maximum_output_length": _PDF_STREAM_LIMIT,
    "brotli_maximum_output_length": _PDF_STREAM_LIMIT,
}
# All pages' content together: one small bombed stream shared by thousands of pages is decoded once
# but parsed per page (measured: 2.7 s a page for 15 MB). A 1 000-page text PDF needs ~50 MB.
_PDF_CONTENT_LIMIT = 64 * MB

# Characters a real policy text is made of; a decoded "text" mostly made of anything else is binary.
_TEXTLIKE = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u2000-\u206f\x20-\x7e\t\n\r\u00a0-\u00ff]")


_CJK = re.compile(r"[\u4e00-\u9fff]")
_MIN_TITLE_CHARS = 6
_BLOCKS = ["p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "article",
           "blockquote", "pre", "ul", "ol", "dl", "dt", "dd", "center"]
_MAIN_SHARE = 0.9  # a child holding this share of a page element's Chinese text is where the content is


class LoadError(Exception):
    """A file that cannot become a document; the message is shown to the user as is."""


def load_text(path: Path, max_bytes: int, *, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """Return the text of `path`; raise LoadError with a Chinese reason for anything unusable,
    including a text longer than `max_chars` characters."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise LoadError(f"不支持的文件类型“{suffix or '无扩展名'}”（支持 txt、docx、pdf、html）")
    size = path.stat().st_size
    if size > max_bytes:
        raise LoadError(f"文件过大（{size / 2**20:.1f} MB，上限 {max_bytes / 2**20:.0f} MB）")
    if size == 0:
        raise LoadError("空文件")
    if suffix == ".docx":
        text = _docx_text(path, max_bytes, max_chars)
    elif suffix == ".pdf":
        text = _pdf_text(path, max_chars)
    elif suffix in (".html", ".htm"):
        text = _html_text(decode_bytes(path.read_bytes()))
    else:
        text = decode_bytes(path.read_bytes())
    if not text.strip():
        raise LoadError("文件没有可提取的文字")
    if len(text) > max_chars:
        raise _too_long(len(text), max_chars)
    return text


def _too_long(chars: int, max_chars: int, *, stopped_early: bool = False) -> LoadError:
    count = f"超过 {_wan(chars)}" if stopped_early else f"约 {_wan(chars)}"
    return LoadError(f"文档文字过多（{count} 万字，上限 {_wan(max_chars)} 万字），请拆分成几个文件后再添加")


def _wan(chars: int) -> str:
    """A character count in 万 (10 000), as people count the length of a document."""
    return f"{chars / 10_000:.1f}".removesuffix(".0")


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


def _docx_text(path: Path, max_bytes: int, max_chars: int) -> str:
    """Paragraphs in order; tables flattened one cell per tab-led line, as the normaliser expects."""
    import docx  # python-docx; imported here so plain-text ingest never pays for it

    _check_docx_zip(path, max_bytes)
    try:
        return _join_at_most(_docx_lines(docx.Document(str(path))), max_chars)
    except LoadError:
        raise
    except Exception as error:  # python-docx raises several unrelated types for a broken file
        raise LoadError(f"无法读取 docx 文件（{type(error).__name__}）") from error


def _docx_lines(document: Any) -> Iterator[str]:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    numbering = WordNumbering(document)
    for element in document.element.body.iterchildren():
        if element.tag.endswith("}p"):
            paragraph = Paragraph(element, document)
            yield numbering.label(paragraph) + paragraph.text
        elif element.tag.endswith("}tbl"):
            for row in Table(element, document).rows:
                yield from ("\t" + cell.text for cell in row.cells)
                yield ""


def _check_docx_zip(path: Path, max_bytes: int) -> None:
    """Refuse a zip bomb before python-docx unpacks it (the size limit saw only the packed bytes).

    The sizes are those the zip declares; zipfile never unpacks more than declared (it stops
    and reports a bad CRC), so they bound what python-docx can load.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except Exception as error:  # BadZipFile mostly; a damaged directory can raise other types
        raise LoadError(f"无法读取 docx 文件（不是有效的 zip 压缩包：{type(error).__name__}）") from error
    limit = min(_DOCX_UNPACK_FACTOR * max_bytes, _DOCX_UNPACK_CAP)
    if unpacked > limit:
        raise LoadError(f"docx 文件解压后过大（{unpacked / MB:.0f} MB，上限 {limit / MB:.0f} MB），可能是恶意构造的压缩文件")


def _pdf_text(path: Path, max_chars: int) -> str:
    from pypdf import PdfReader, apply_configuration
    from pypdf.errors import LimitReachedError

    try:
        with apply_configuration(**_PDF_LIMITS):  # this thread only, for this file only
            reader = PdfReader(str(path))
            if reader.is_encrypted and not reader.decrypt(""):  # "permissions only" files open without one
                raise LoadError("PDF 已加密，需要密码才能打开；请提供未加密的版本")
            text = _join_at_most(_pdf_page_texts(reader), max_chars)
    except LoadError:
        raise
    except LimitReachedError as error:
        raise LoadError("PDF 文件中有异常巨大的压缩数据（可能是恶意构造的文件），已拒绝") from error
    except Exception as error:  # pypdf and its codecs raise many unrelated types on odd files
        raise LoadError(f"无法读取 PDF 文件（{type(error).__name__}）") from error
    if not text.strip():
        raise LoadError("PDF 没有文字层（可能是扫描件，需要先做文字识别）")
    return text


def _pdf_page_texts(reader: Any) -> Iterator[str]:
    """Each page's text, until the pages' content (decoded) grows beyond reason."""
    content_bytes = 0
    for page in reader.pages:
        contents = page.get_contents()
        content_bytes += len(contents.get_data()) if contents is not None else 0
        if content_bytes > _PDF_CONTENT_LIMIT:
            raise LoadError(f"PDF 页面内容解压后超过 {_PDF_CONTENT_LIMIT // MB} MB（可能是恶意构造的文件），已拒绝")
        yield page.extract_text() or ""


def _join_at_most(parts: Iterable[str], max_chars: int) -> str:
    """The parts joined by newlines; stops reading parts (pages, paragraphs) once the text is too long."""
    joined: list[str] = []
    chars = -1  # n parts are joined by n - 1 newlines
    for part in parts:
        joined.append(part)
        chars += len(part) + 1
        if chars > max_chars:
            raise _too_long(chars, max_chars, stopped_early=True)
    return "\n".join(joined)


def _html_text(html: str) -> str:
    """The text of a web page's main content: a page saved from a government site carries its site
    chrome (navigation, breadcrumbs, search box, footer) around the document."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    page_title = soup.title.get_text(strip=True) if soup.title is not None else ""
    for element in soup(["script", "style", "noscript", "head", "nav", "header", "footer", "aside", "form"]):
        element.decompose()
    for block in soup.find_all(_BLOCKS):  # line breaks where the page breaks lines, none inside "<b>第一条</b>为…"
        block.insert_before("\n")
        block.insert_after("\n")
    root = soup.body or soup
    main = _main_content(root)
    heading = _document_heading(root, main, page_title)
    return (heading + "\n" if heading and heading not in main.get_text() else "") + main.get_text()


def _document_heading(root: Any, main: Any, page_title: str) -> str:
    """The document's title printed above the content: the h1 the page's <title> begins with ("X | 某某县人民
    政府"); a site's logo is an h1 too. Without a <title>, the first h1."""
    headings = [h.get_text(strip=True) for h in root.find_all("h1") if h not in main.descendants]
    if page_title:
        return next((h for h in headings if len(h) >= _MIN_TITLE_CHARS and page_title.startswith(h)), "")
    return headings[0] if headings else ""


def _main_content(element: Any) -> Any:
    """Descend while one child holds nearly all of the Chinese text: the page's content container."""
    while True:
        total = _cjk_count(element.get_text())
        children = [child for child in element.find_all(recursive=False) if child.name]
        best = max(children, key=lambda child: _cjk_count(child.get_text()), default=None)
        if best is None or not total or _cjk_count(best.get_text()) < _MAIN_SHARE * total:
            return element
        element = best


def _cjk_count(text: str) -> int:
    return len(_CJK.findall(text))
