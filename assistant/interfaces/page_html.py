"""What the web page shows, as HTML and table rows: a cited clause, a document and its clause tree, the
document list, citation card labels, download links, the filters in force, the administrator's parts.
Plain functions of the corpus and the conversation, no Gradio: the page (ui.py) lays them out."""

from __future__ import annotations

import base64
import html
from typing import Any, Literal
from urllib.parse import urlencode

from assistant.application.conversation_export import conversation_docx, conversation_markdown
from assistant.application.corpus_service import CorpusService
from assistant.application.feedback import FeedbackLog

# Who the page's visitor is, from their cookies: "admin", "reader", or "" when not signed in.
PageRole = Literal["admin", "reader", ""]


def citation_html(value: str | None, answer: dict[str, Any] | None) -> str:
    """The cited clause in full, the quoted words highlighted."""
    if not value or not answer:
        return ""
    citation = next((c for c in answer["citations"] if str(c["n"]) == value), None)
    if citation is None:
        return ""
    text, quote = html.escape(citation["text"]), html.escape(citation["quote"])
    body = text.replace(quote, f"<mark>{quote}</mark>", 1) if quote and quote in text else text
    number = f"（{html.escape(citation['doc_number'])}）" if citation["doc_number"] else ""
    return (f"<h4>《{html.escape(citation['title'])}》{number}</h4>"
            f"<p class='meta'>条款 {html.escape(citation['clause'])}「{html.escape(citation['heading'])}」 · "
            f"{html.escape(citation['issuer'] or '')} {html.escape(citation['date'] or '')}</p>"
            f"<div style='white-space:pre-wrap;line-height:1.8'>{body}</div>")


def document_html(corpus: CorpusService, doc_id: str | None, opened: str = "") -> str:
    """A document's metadata and clause tree; the clause at path `opened` shown open."""
    document = corpus.assistant.index.documents.get(doc_id or "")
    if document is None:
        return ""
    meta = document.meta
    rows = [("文号", meta.doc_number), ("发文机关", meta.issuer), ("日期", meta.date), ("地区", meta.region),
            ("层级", meta.level), ("文件", meta.source_file)]
    table = "".join(f"<tr><th>{k}</th><td>{html.escape(v or '—')}</td></tr>" for k, v in rows)
    items = "".join(
        f"<li style='padding-left:{c.depth * 1.5}em'><details{_opened(c.path, opened)}><summary><b>{html.escape(c.path)}</b> "
        f"{html.escape(_title(c))}"
        + (f" <span class='doc-meta'>牵头：{html.escape('、'.join(c.lead_units))}</span>" if c.lead_units else "")
        + f"</summary><div class='clause-text'>{html.escape(c.text)}</div></details></li>"
        for c in document.clauses)
    return f"<h3>{html.escape(meta.title)}</h3><table class='doc-meta'>{table}</table><ul class='clause-tree'>{items}</ul>"


def indicator_download_links(region: str, year: str, wanted: str) -> str:
    """Links to the API's export (the page's session cookie admits them): the rows shown, as .xlsx and .csv."""
    query = urlencode({"region": region or "", "year": year or "", "indicator": wanted or ""})
    return (f"<a href='/api/indicators?format=xlsx&{html.escape(query)}' download='指标.xlsx'>下载 Excel（.xlsx）</a>"
            f" · <a href='/api/indicators?format=csv&{html.escape(query)}' download='指标.csv'>下载 CSV</a>")


def _opened(path: str, opened: str) -> str:
    return " open id='opened-clause'" if path == opened else ""


def _title(clause: Any) -> str:
    """A clause's line in the tree: its heading, or for an unnumbered paragraph (前言) its opening words whole."""
    if clause.heading and clause.kind != "preamble":
        return clause.heading
    opening = clause.text.strip().split("\n")[0]
    return opening if len(opening) <= 40 else opening[:40] + "……"


def card_label(citation: Any) -> str:
    """A citation card; one shown only as context says so first (它不是答案的出处)."""
    number = f" · {citation.doc_number}" if citation.doc_number else ""
    quote = citation.quote if len(citation.quote) <= 60 else citation.quote[:60] + "…"
    label = "〔仅供参考〕" if citation.related_only else ""
    return f"{label}[{citation.n}] 《{citation.title}》{number} · {citation.clause}「{citation.heading}」 · “{quote}”"


def export_links(turns: list[dict[str, Any]]) -> str:
    """Download links for the latest answer and the whole conversation, as Word and Markdown, built in the page
    (it serves no files)."""
    if not turns:
        return ""
    return " · ".join([_download("导出最近回答（Word）", "政策通回答.docx", turns[-2:], word=True),
                       _download("导出对话（Word）", "政策通问答.docx", turns, word=True),
                       _download("导出对话（Markdown）", "政策通问答.md", turns, word=False)])


def _download(label: str, file_name: str, turns: list[dict[str, Any]], word: bool) -> str:
    media = "application/vnd.openxmlformats-officedocument.wordprocessingml.document" if word else "text/markdown;charset=utf-8"
    data = conversation_docx(turns) if word else conversation_markdown(turns).encode("utf-8")
    return f"<a download='{file_name}' href='data:{media};base64,{base64.b64encode(data).decode()}'>{label}</a>"


def filters_line(corpus: CorpusService, chosen: list[str] | None, regions: list[str] | None, levels: list[str] | None) -> str:
    """The filters in force, shown above the question box while any is on."""
    titles = [corpus.assistant.documents[d].title for d in chosen or () if d in corpus.assistant.documents]
    parts = ([f"文件 {'、'.join(f'《{html.escape(t)}》' for t in titles)}"] if titles else []) + \
        ([f"地区 {html.escape('、'.join(regions))}"] if regions else []) + ([f"层级 {html.escape('、'.join(levels))}"] if levels else [])
    return "当前只在这些范围内查找：" + "；".join(parts) if parts else ""


def library_list_html(corpus: CorpusService, admin: bool = False) -> str:
    """Every document with its 文号, issuer, date, region and number of clauses: what the 文档库 tab opens on.
    The administrator also gets a delete button on each (the page script asks to confirm, then calls the API)."""
    if not corpus.ready:
        return ""

    def delete(d: Any) -> str:
        return (f"<td><button class='delete-doc' data-delete-doc='{html.escape(d.meta.doc_id)}' "
                f"data-title='{html.escape(d.meta.title)}'>删除</button></td>") if admin else ""

    rows = "".join(
        f"<tr><td>{html.escape(d.meta.title)}</td><td>{html.escape(d.meta.doc_number or '—')}</td>"
        f"<td>{html.escape(d.meta.issuer or '—')}</td><td>{html.escape(d.meta.date or '—')}</td>"
        f"<td>{html.escape(d.meta.region or '—')}</td><td>{len(d.clauses)}</td>{delete(d)}</tr>"
        for d in corpus.assistant.index.documents.values())
    return (f"<p class='doc-meta'>共 {len(corpus.assistant.index.documents)} 份文件；在上方选择一份查看条款。</p>"
            "<table id='library-list'><tr><th>文件</th><th>文号</th><th>发文机关</th><th>日期</th><th>地区</th><th>条款数</th>"
            f"{'<th>操作</th>' if admin else ''}</tr>{rows}</table>")


UPLOAD_ZONE = ("<div id='upload-zone'>把政策文件拖到这里上传（可多个；txt、docx、pdf、html），或 "
                "<label class='upload-button'><input type='file' id='upload-input' multiple accept='.txt,.docx,.pdf,.html,.htm'>"
                "选择文件</label>"
                "<br><span class='doc-meta'>同名文件视为新版本，旧版移入数据目录的 removed/；建立索引期间问答照常。</span></div>"
                "<ul id='upload-progress'></ul>")


# The 反馈 tab's columns, and the feedback entry's key for each.
FEEDBACK_HEADERS = {"时间": "time", "评价": "rating", "问题": "question", "意见": "comment", "回答": "answer"}


_RATINGS = {"up": "赞", "down": "踩", None: ""}


def feedback_rows(feedback: FeedbackLog) -> list[list[str]]:
    """The newest feedback first, for the administrator's 反馈 tab."""
    return [[_RATINGS.get(entry.get("rating"), "") if key == "rating" else str(entry.get(key) or "")
             for key in FEEDBACK_HEADERS.values()] for entry in reversed(feedback.read(200))]


def account_html(corpus: CorpusService, role: PageRole) -> str:
    """Who is signed in, and the way in for an administrator on a page open to all."""
    if role:
        return f"<span class='doc-meta'>已登录（{'管理员' if role == 'admin' else '只读'}） · <a href='/logout'>退出登录</a></span>"
    return "<a class='doc-meta' href='/login'>管理员登录</a>" if corpus.settings.admin_key else ""
