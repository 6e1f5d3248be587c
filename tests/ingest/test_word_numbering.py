"""Word documents whose items use Word's automatic numbering: the numbers Word shows are the text."""

from __future__ import annotations

from pathlib import Path

import docx
from docx.oxml import parse_xml

from ingest.loaders import load_text
from ingest.pipeline import parse_file

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
# A 公文 list: 一、 / （一） / 1.; a second list restarts at 1 (Word's "restart numbering").
NUMBERING = f"""<w:numbering {W}>
  <w:abstractNum w:abstractNumId="10">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
    <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
    <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="11">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl>
  </w:abstractNum>
  <w:num w:numId="7"><w:abstractNumId w:val="10"/></w:num>
  <w:num w:numId="8"><w:abstractNumId w:val="11"/></w:num>
</w:numbering>"""


def _numbered_document(path: Path, items: list[tuple[str, int | None, int]]) -> Path:
    """A .docx whose paragraphs carry Word numbering (numId, level) and no typed numbers."""
    document = docx.Document()
    document.part.numbering_part._element = parse_xml(NUMBERING)
    for text, num_id, level in items:
        paragraph = document.add_paragraph(text)
        if num_id is not None:
            paragraph._p.get_or_add_pPr().append(parse_xml(
                f'<w:numPr {W}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))
    document.save(path)
    return path


def test_word_numbers_become_the_item_numbers(tmp_path: Path) -> None:
    items = [("某市城市更新工作方案", None, 0), ("总体要求", 7, 0), ("指导思想。坚持以人民为中心。", 7, 1),
             ("主要目标。到2025年，完成老旧小区改造200个。", 7, 1), ("重点任务", 7, 0), ("推进老旧小区改造", 7, 1),
             ("加装电梯100部。（市住房城乡建设局牵头）", 7, 2), ("改造供热管网50公里。（市城市管理局牵头）", 7, 2),
             ("完善配套设施", 7, 1), ("新建停车位3000个。", 7, 2), ("保障措施", 7, 0), ("注意事项", 8, 0)]
    text = load_text(_numbered_document(tmp_path / "plan.docx", items), 10 * 2**20)
    lines = text.split("\n")
    assert lines[1:5] == ["一、总体要求", "（一）指导思想。坚持以人民为中心。", "（二）主要目标。到2025年，完成老旧小区改造200个。", "二、重点任务"]
    assert "（一）推进老旧小区改造" in lines and "1.加装电梯100部。（市住房城乡建设局牵头）" in lines
    assert "（二）完善配套设施" in lines and "1.新建停车位3000个。" in lines  # deeper levels restart
    assert "三、保障措施" in lines and "注意事项" in lines  # a bullet adds no number


def test_a_numbered_word_document_parses_into_its_clause_tree(tmp_path: Path) -> None:
    items = [("某市城市更新工作方案", None, 0), ("总体要求", 7, 0), ("主要目标。到2025年，完成老旧小区改造200个。", 7, 1),
             ("重点任务", 7, 0), ("推进老旧小区改造", 7, 1), ("加装电梯100部。（市住房城乡建设局牵头）", 7, 2),
             ("改造供热管网50公里。（市城市管理局牵头）", 7, 2)]
    document = parse_file(_numbered_document(tmp_path / "plan.docx", items), 10 * 2**20)
    paths = {c.path: c for c in document.clauses if c.kind == "clause"}
    assert {"一", "一（一）", "二", "二（一）", "二（一）1", "二（一）2"} <= set(paths)
    assert paths["二（一）2"].lead_units == ["市城市管理局"] and "50公里" in paths["二（一）2"].text
