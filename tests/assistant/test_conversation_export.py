"""A conversation exported as Word and Markdown: question, direct answer, table, sources with 文号."""

from __future__ import annotations

import io

from docx import Document

from assistant.application.conversation_export import conversation_docx, conversation_markdown

CITATION = {"n": 1, "doc_id": "chifeng", "clause": "三（一）2", "title": "赤峰市推动城乡建设绿色发展实施方案",
            "doc_number": "赤政办发〔2023〕61号", "heading": "", "quote": "县城新建住宅以6层为主，最高不超过18层", "related_only": False}
TURNS = [
    {"role": "user", "content": "县城新建住宅最高几层"},
    {"role": "assistant", "content": "**答：** 最高不超过18层。[1]\n\n| 文件 | 要求 |\n|---|---|\n| 赤峰 | 不超过18层 |\n\n**依据**\n\n> 原文",
     "citations": [CITATION]},
    {"role": "user", "content": "没有回答的问题"},  # asked, not answered (refused or interrupted): not exported
]


def test_word_holds_the_question_the_direct_answer_a_table_and_the_sources() -> None:
    document = Document(io.BytesIO(conversation_docx(TURNS)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "问：县城新建住宅最高几层" in text and "答： 最高不超过18层。[1]" in text and "**" not in text
    assert [[c.text for c in row.cells] for row in document.tables[0].rows] == [["文件", "要求"], ["赤峰", "不超过18层"]]
    assert "[1] 《赤峰市推动城乡建设绿色发展实施方案》（赤政办发〔2023〕61号） 三（一）2" in text
    assert "> 原文" not in text and "没有回答的问题" not in text  # quotes come as the source list; no lone question


def test_markdown_keeps_the_answer_and_lists_the_sources() -> None:
    markdown = conversation_markdown(TURNS)
    assert markdown.startswith("# 政策通问答记录") and "## 问：县城新建住宅最高几层" in markdown
    assert "| 赤峰 | 不超过18层 |" in markdown and "- [1] 《赤峰市推动城乡建设绿色发展实施方案》（赤政办发〔2023〕61号）" in markdown
