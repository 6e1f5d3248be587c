"""Hostile and unusual files: decompression bombs, over-long texts, encrypted and broken PDFs."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest
from pypdf.constants import UserAccessPermissions
from pypdf.errors import DependencyError, LimitReachedError

from ingest.loaders import DEFAULT_MAX_CHARS, LoadError, load_text
from ingest.pipeline import parse_file, parse_paths

MB = 2**20
TOO_LONG = r"文档文字过多（(约|超过) [\d.]+ 万字，上限 0.1 万字）"
LINE = "到2025年，城镇新建建筑全面执行绿色建筑标准，县城新建住宅最高不超过18层。"  # 39 characters


def _pdf(contents: list[bytes], *, share_first: bool = False) -> bytes:
    """A PDF with one page per content stream (flate-compressed, Helvetica).

    With `share_first`, every page points at the first stream, as a hostile file may do."""
    streams = contents[:1] if share_first else contents
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"", b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    stream_ids = []
    for content in streams:
        data = zlib.compress(content, 9)
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream")
        stream_ids.append(len(objects))
    page_ids = []
    for index in range(len(contents)):
        stream_id = stream_ids[0 if share_first else index]
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
                       b"/Resources << /Font << /F1 3 0 R >> >> >>" % stream_id)
        page_ids.append(len(objects))
    kids = b" ".join(b"%d 0 R" % page_id for page_id in page_ids)
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(page_ids))
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _text_page(*lines: str) -> bytes:
    return b"BT /F1 12 Tf 72 720 Td " + b" ".join(b"(%s) Tj 0 -16 Td" % line.encode("latin-1") for line in lines) + b" ET"


def _docx(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --- decompression bombs --------------------------------------------------------------------------

def test_a_docx_that_unpacks_to_far_more_than_the_file_limit_is_refused(tmp_path: Path) -> None:
    """A real .docx plus 30 MB of zeros packed into ~30 KB: refused from the zip directory alone."""
    path = _write(tmp_path, "bomb.docx", _docx(["一、总体要求", LINE]))
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/padding.bin", bytes(30 * MB))
    assert path.stat().st_size < MB
    with pytest.raises(LoadError, match=r"docx 文件解压后过大（3\d MB，上限 20 MB）"):
        load_text(path, MB)


def test_a_small_docx_holding_30_mb_of_text_is_refused_by_its_length(tmp_path: Path) -> None:
    """Under the unpacked-size limit (30 MB < 200 MB), but ten million characters of text."""
    source = zipfile.ZipFile(io.BytesIO(_docx(["x"])))
    path = tmp_path / "wordy.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in source.namelist():
            data = source.read(name)
            if name == "word/document.xml":
                paragraph = b"<w:p><w:r><w:t>" + "政策".encode() * 5000 + b"</w:t></w:r></w:p>"
                data = data.replace(b"<w:body>", b"<w:body>" + paragraph * 1000)
            archive.writestr(name, data)
    assert path.stat().st_size < 200_000
    with pytest.raises(LoadError, match=r"^文档文字过多（超过 50 万字，上限 50 万字）"):
        load_text(path, 10 * MB)


@pytest.mark.parametrize("data", [b"PK\x03\x04 truncated zip", b"<html>not a zip</html>"])
def test_a_docx_that_is_not_a_zip_is_refused_before_python_docx(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(LoadError, match="不是有效的 zip 压缩包"):
        load_text(_write(tmp_path, "fake.docx", data), MB)


def test_a_pdf_stream_inflating_to_80_mb_is_refused_cleanly(tmp_path: Path) -> None:
    bomb = _text_page("1. Scope.") + b" " * (80 * MB)
    path = _write(tmp_path, "bomb.pdf", _pdf([bomb]))
    assert path.stat().st_size < MB
    with pytest.raises(LoadError, match="异常巨大的压缩数据"):
        load_text(path, MB)


def test_one_bombed_stream_shared_by_many_pages_is_refused(tmp_path: Path) -> None:
    """Each page is under the per-stream limit; together they inflate to 70 MB."""
    page = b"0 0 m 1 1 l S" + b" " * (5 * MB)
    path = _write(tmp_path, "shared.pdf", _pdf([page] * 14, share_first=True))
    with pytest.raises(LoadError, match="页面内容解压后超过 64 MB"):
        load_text(path, MB)


# --- text length ----------------------------------------------------------------------------------

def _long_document(tmp_path: Path, suffix: str, lines: int) -> Path:
    text = "\n".join(f"{LINE}{number}" for number in range(lines))
    if suffix == ".txt":
        return _write(tmp_path, "long.txt", text.encode("gbk"))
    if suffix == ".html":
        return _write(tmp_path, "long.html", "".join(f"<p>{line}</p>" for line in text.split("\n")).encode("utf-8"))
    if suffix == ".docx":
        return _write(tmp_path, "long.docx", _docx(text.split("\n")))
    ascii_lines = [f"{number}. Green building standards apply to every new building in towns." for number in range(lines)]
    return _write(tmp_path, "long.pdf", _pdf([_text_page(*ascii_lines[i:i + 5]) for i in range(0, lines, 5)]))


@pytest.mark.parametrize("suffix", [".txt", ".html", ".docx", ".pdf"])
def test_a_text_over_max_chars_is_refused_in_every_format(tmp_path: Path, suffix: str) -> None:
    path = _long_document(tmp_path, suffix, lines=60)  # ~2 400 characters
    with pytest.raises(LoadError, match=TOO_LONG):
        load_text(path, MB, max_chars=1000)
    assert load_text(path, MB, max_chars=DEFAULT_MAX_CHARS)


def test_the_limit_message_states_the_size_and_the_limit(tmp_path: Path) -> None:
    path = _write(tmp_path, "long.txt", ("政" * 30_000).encode("utf-8"))
    with pytest.raises(LoadError, match=r"^文档文字过多（约 3 万字，上限 2 万字）"):
        load_text(path, MB, max_chars=20_000)


def test_pdf_pages_stop_being_extracted_once_the_limit_is_passed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _long_document(tmp_path, ".pdf", lines=400)  # 80 pages of ~350 characters
    calls = []
    extract_text = pypdf.PageObject.extract_text

    def counting(page: pypdf.PageObject, *args: object, **kwargs: object) -> str:
        calls.append(page)
        return extract_text(page, *args, **kwargs)

    monkeypatch.setattr(pypdf.PageObject, "extract_text", counting)
    with pytest.raises(LoadError, match=r"文档文字过多（超过"):
        load_text(path, MB, max_chars=1000)
    assert len(calls) <= 4


def test_max_chars_reaches_the_loader_from_parse_file_and_parse_paths(tmp_path: Path) -> None:
    path = _long_document(tmp_path, ".txt", lines=60)
    with pytest.raises(LoadError, match=TOO_LONG):
        parse_file(path, MB, max_chars=1000)
    result = parse_paths([tmp_path], MB, max_chars=1000)
    assert not result.documents and "文档文字过多" in result.skipped[0].reason


# --- encrypted and broken PDFs --------------------------------------------------------------------

def _encrypted(user_password: str) -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(_pdf([_text_page("1. Scope of the plan.", "2. Targets.")]))))
    writer.encrypt(user_password=user_password, owner_password="x", algorithm="AES-256",
                   permissions_flag=UserAccessPermissions.PRINT)  # no copying, no editing: "permissions only"
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_a_permissions_only_aes_pdf_opens(tmp_path: Path) -> None:
    document = parse_file(_write(tmp_path, "official.pdf", _encrypted("")), MB)
    assert [c.path for c in document.clauses if c.kind == "clause"] == ["1", "2"]


def test_a_pdf_that_needs_a_password_says_so(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match=r"^PDF 已加密，需要密码"):
        load_text(_write(tmp_path, "secret.pdf", _encrypted("secret")), MB)


@pytest.mark.parametrize("error", [
    LimitReachedError("limit"), DependencyError("cryptography"), zlib.error("x"), RecursionError("x"),
    AssertionError("x"), OSError("x"), TypeError("x"), IndexError("x"), NotImplementedError("x"),
])
def test_any_error_inside_pypdf_becomes_a_chinese_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         error: Exception) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(pypdf.PageObject, "extract_text", broken)
    with pytest.raises(LoadError, match="PDF"):
        load_text(_write(tmp_path, "odd.pdf", _pdf([_text_page("1. Scope.")])), MB)


DAMAGE: dict[str, Callable[[bytes], bytes]] = {  # each made pypdf raise a type the loader let through
    "unknown-filter": lambda pdf: pdf.replace(b"/FlateDecode", b"/NoSuchDecode", 1),
    "length-is-a-name": lambda pdf: re.sub(rb"/Length \d+", b"/Length /Type", pdf, count=1),
    "pages-is-a-reference": lambda pdf: pdf.replace(b"2 0 obj\n<<", b"2 0 obj\n1 0 R <<", 1),
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_damaged_pdfs_are_refused_with_a_chinese_reason(tmp_path: Path, damage: Callable[[bytes], bytes]) -> None:
    pdf = _pdf([_text_page("1. Scope of the plan.")])
    assert damage(pdf) != pdf
    with pytest.raises(LoadError, match="无法读取 PDF 文件"):
        load_text(_write(tmp_path, "damaged.pdf", damage(pdf)), MB)
