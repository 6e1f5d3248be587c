"""Markup in a document or an LLM reply renders as text: no tag, image or link comes alive in our Markdown."""

from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt

from assistant.answering.markup import escape_markdown, strip_markup
from assistant.answering.verification import citations

HOSTILE = ["<script>alert(1)</script>", "<img src=http://x/p.png onerror=alert(1)>", "![p](http://x/p.png)",
           "[点此](http://evil)", "<http://evil>", "**粗体**_斜体_`代码`", "| 表 | 格 |", "\\[点此\\](http://evil)"]


def live(markdown: str) -> list[str]:
    """The elements document text could bring to life, rendered by a Markdown renderer that passes raw HTML through
    (a web address shown as code is the one element we make: code is never linked)."""
    rendered = _addresses_as_text(MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown))
    return [tag for tag in ("<script", "<img", "<a ", "<i>", "<em>", "<code>") if tag in rendered]


def _addresses_as_text(rendered: str) -> str:
    return re.sub(r"<code>((?:https?://|www\.)[^<]*)</code>", r"\1", rendered)


@pytest.mark.parametrize("text", HOSTILE)
def test_escaped_document_text_renders_as_its_characters(text: str) -> None:
    escaped = escape_markdown(text)
    assert not live(f"> {escaped}\n\n- **赤峰**：{escaped}[1]\n\n| 文件 | 规定 |\n|---|---|\n| 赤峰 | {escaped} |")
    assert _addresses_as_text(MarkdownIt("commonmark").render(escaped)).strip() == f"<p>{_html(text)}</p>"


def test_a_bare_web_address_is_shown_as_code_which_no_renderer_links() -> None:
    rendered = MarkdownIt("commonmark").render(escape_markdown("详见 http://evil.example/a?b=1 和 www.gov.cn。"))
    assert "<code>http://evil.example/a?b=1</code>" in rendered and "<code>www.gov.cn</code>" in rendered
    assert "`http://x.cn/a`" in strip_markup("见 http://x.cn/a [1]。")


def test_ordinary_chinese_text_is_unchanged() -> None:
    text = "县城新建住宅以6层为主，最高不超过18层（含）；《赤峰市方案》（赤政办发〔2023〕61号）“十四五”时期：93%。【注】"
    assert escape_markdown(text) == text


def test_escaping_adds_no_numbers() -> None:
    assert escape_markdown("'引号'\"双引号\"") == "'引号'\"双引号\""  # html.escape(quote=True) would add &#x27;


@pytest.mark.parametrize(("reply", "plain"), [
    ("最高不超过18层[1]。<img src=http://x/p.png onerror=alert(1)>", "最高不超过18层[1]。"),
    ("详见![示意图](http://x/p.png)和[点此](http://evil)[2]。", "详见示意图和点此[2]。"),
    ("见[1](http://evil)。", "见[1]。"),
    ("<b>最高</b>不超过18层［1、2］。", "最高不超过18层［1、2］。"),
    ("**答：**\n- **赤峰**：18层[1]\n- 通辽：12层[2]", "**答：**\n- **赤峰**：18层[1]\n- 通辽：12层[2]"),
])
def test_an_llm_reply_loses_its_markup_but_keeps_markers_bold_and_lists(reply: str, plain: str) -> None:
    assert strip_markup(reply) == plain


@pytest.mark.parametrize("pieces", [["最高18层[1]。<img", "\nsrc=http://x/p.png onerror=alert(1)>"],
                                    ["详见[点", "\n此](http://evil)[1]。"], ["\\[点", "\n此\\](http://evil)[1]。"],
                                    ["18层[1]。", "\n\n[1]: http://evil"]])
def test_markup_cut_by_a_sentence_boundary_stays_dead(pieces: list[str]) -> None:
    """The reply is stripped sentence by sentence, so each piece alone must leave nothing live."""
    markdown = "".join(strip_markup(p) for p in pieces)
    assert not live(markdown)
    assert citations(markdown) == [1]


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
