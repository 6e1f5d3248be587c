"""Every supported format, and every kind of bad file, through the same pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.loaders import LoadError, decode_bytes, load_text
from ingest.pipeline import parse_file, parse_paths

MB = 2**20
CLAUSES = "某市推动城乡建设绿色发展实施方案\n一、总体要求\n（一）主要目标。到2025年，城镇清洁取暖率达到90%。\n1.县城新建住宅最高不超过18层。\n"


def test_gbk_utf16_and_utf8_texts_read_the_same() -> None:
    for encoding in ("utf-8", "gbk", "gb18030", "utf-16", "utf-16-le", "utf-8-sig"):
        assert decode_bytes(CLAUSES.encode(encoding)) == CLAUSES, encoding


def test_gbk_file_parses_into_clauses(tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes(CLAUSES.encode("gbk"))
    document = parse_file(path, MB)
    assert [c.path for c in document.clauses if c.kind == "clause"] == ["一", "一（一）", "一（一）1"]
    assert document.meta.title == "某市推动城乡建设绿色发展实施方案"


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("empty.txt", b"", "空文件"),
    ("blank.txt", b"  \n\t\n", "没有可提取的文字"),
    ("binary.txt", bytes(range(256)) * 40, "二进制"),
    ("noise.txt", bytes((i * 37 + 11) % 128 + 128 for i in range(5000)), "无法识别"),
    ("table.xlsx", b"PK\x03\x04", "不支持的文件类型"),
    ("broken.docx", b"not a zip file", "无法读取 docx"),
    ("broken.pdf", b"%PDF-1.4 garbage", "PDF"),
])
def test_bad_files_are_refused_with_a_chinese_reason(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(LoadError, match=reason):
        load_text(path, MB)


def test_a_20_mb_file_is_refused_by_size_without_being_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(20 * MB)
    with pytest.raises(LoadError, match=r"文件过大（20.0 MB，上限 10 MB）"):
        load_text(path, 10 * MB)


def test_a_file_with_no_numbering_becomes_preamble_clauses(tmp_path: Path) -> None:
    path = tmp_path / "plain.txt"
    path.write_text("关于做好冬季供暖工作的通知\n各单位要确保居民室温不低于18摄氏度，做好应急保障工作，及时回应群众诉求。\n", encoding="utf-8")
    document = parse_file(path, MB)
    assert [c.kind for c in document.clauses] == ["preamble"]
    assert "不低于18摄氏度" in document.clauses[0].text


def test_folder_ingest_reports_skipped_files_and_keeps_the_good_ones(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_bytes(CLAUSES.encode("gbk"))
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n")
    result = parse_paths([tmp_path], MB)
    assert [d.meta.source_file for d in result.documents] == ["good.txt"]
    assert sorted((Path(s.path).name, s.reason) for s in result.skipped) == [
        ("empty.txt", "空文件"), ("image.png", "不支持的文件类型“.png”")]


def test_docx_paragraphs_and_tables(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    for line in CLAUSES.strip().split("\n"):
        document.add_paragraph(line)
    document.add_paragraph("附件")
    table = document.add_table(rows=3, cols=3)
    for row, cells in zip(table.rows, [("序号", "指标内容", "2025年指标"), ("1", "城镇燃气普及率", "98%"),
                                       ("2", "城镇污水处理率", "95%")]):
        for cell, text in zip(row.cells, cells):
            cell.text = text
    path = tmp_path / "plan.docx"
    document.save(str(path))
    parsed = parse_file(path, MB)
    assert parsed.clause("一（一）1").heading == "县城新建住宅最高不超过18层"
    assert parsed.clause("附件 序号2").text == "序号：2；指标内容：城镇污水处理率；2025年指标：95%"


def test_html_text_without_scripts(tmp_path: Path) -> None:
    html = ("<html><head><title>t</title><script>var x='一、不是正文';</script></head><body>"
            + "".join(f"<p>{line}</p>" for line in CLAUSES.strip().split("\n")) + "</body></html>")
    path = tmp_path / "plan.html"
    path.write_bytes(html.encode("gbk"))
    parsed = parse_file(path, MB)
    assert [c.path for c in parsed.clauses if c.kind == "clause"] == ["一", "一（一）", "一（一）1"]
    assert "var x" not in parsed.text


def _minimal_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with a real text layer (Helvetica, ASCII only)."""
    stream = "BT /F1 12 Tf 72 720 Td " + " ".join(f"({line}) Tj 0 -16 Td" for line in lines) + " ET"
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               "/Resources << /Font << /F1 5 0 R >> >> >>",
               f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
               "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = "%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n" + "".join(f"{o:010d} 00000 n \n" for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return out.encode("latin-1")


def test_pdf_text_layer(tmp_path: Path) -> None:
    path = tmp_path / "plan.pdf"
    path.write_bytes(_minimal_pdf(["1. Scope of the plan.", "2. Targets for 2025."]))
    parsed = parse_file(path, MB)
    assert [c.path for c in parsed.clauses if c.kind == "clause"] == ["1", "2"]
    assert parsed.clause("2").heading == "Targets for 2025."
