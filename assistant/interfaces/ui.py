"""The Chinese chat UI (Gradio), mounted on the API app at "/": the layout and what each control does.

Answers stream in (停止, 重试, 编辑 a question); each answer's citations are cards (文件、文号、条款、原文摘录); clicking
one opens the clause with the quoted words highlighted. Conversations are kept in the user's own browser unless the
setting says not to. A second tab lists the documents and their clause trees (the administrator uploads and deletes
there); a third, 指标一览, the corpus's quantitative targets; a fourth, 反馈, the administrator's view of the ratings.
What is shown as HTML is built in page_html.py. Nothing is loaded from the internet: system fonts, no analytics.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import gradio as gr
from fastapi import FastAPI

from assistant.answer import MODE_NAMES, MODES, Answer
from assistant.application import conversations
from assistant.application.assistant_service import MAX_QUESTION_CHARS, QuestionError
from assistant.application.corpus_service import CorpusError, CorpusService
from assistant.application.feedback import FeedbackLog, Rating
from assistant.application.indicator_table import IndicatorRow, indicator_rows
from assistant.application.suggestions import follow_up_questions, starter_questions
from assistant.interfaces import page_html
from assistant.interfaces.page_html import PageRole

# After an answer: its first line (the direct answer) at the top of the chat, and of the page on a phone.
_SHOW_ANSWER_START = """() => { const bots = document.querySelectorAll('#chat [data-testid="bot"]');
  if (bots.length) bots[bots.length - 1].scrollIntoView({block: 'start'}); }"""
# After a citation click: the highlighted quote in view, wherever the viewer sits.
_SHOW_QUOTE = """() => { setTimeout(() => document.querySelector('#clause-viewer mark')?.scrollIntoView({block: 'center'}), 50); }"""
# After opening a cited clause in the 文档库: that clause in view.
_SHOW_OPENED_CLAUSE = """() => { setTimeout(() => document.querySelector('#opened-clause')?.scrollIntoView({block: 'start'}), 100); }"""
# What a turn keeps of each citation: enough to follow it up (n, doc_id, clause) and to export it.
_KEPT_CITATION_FIELDS = {"n", "doc_id", "clause", "title", "doc_number", "heading", "quote", "related_only"}

RoleOf = Callable[[Mapping[str, str]], PageRole]
# The page script (upload and delete for the administrator) and Chinese for Gradio's untranslated strings.
_HEAD = Path(__file__).with_name("page_head.html")
_I18N = gr.I18n(**{"zh-CN": {"chatbot.copy_message": "复制", "chatbot.copied_message": "已复制", "chatbot.complete": "完成",
                             "common.stop": "停止", "common.complete": "完成"}})
# Conversations saved in the browser are obfuscated by Gradio with this key (not a secret: the data is the user's own);
# a fixed key keeps them readable after a server restart.
_BROWSER_KEY = "policy-assistant-conversations"

_MAX_QUEUED = 64  # questions waiting beyond this are refused at once instead of delaying everyone
_CONCURRENT_ANSWERS = 4
_FONTS = ["PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", "sans-serif"]
_CSS = """
#citations label { display: block; width: 100%; border: 1px solid #d0d7de; border-radius: 8px; padding: 8px 10px;
  margin: 6px 0; white-space: normal; line-height: 1.5; cursor: pointer; }
mark { background: #ffe58f; color: #1f2328; padding: 0 2px; }
#clause-viewer .meta, .doc-meta, #active-filters { color: #57606a; font-size: 13px; }
.dark #clause-viewer .meta, .dark .doc-meta, .dark #active-filters { color: #c9d1d9; }
.clause-tree li { margin: 2px 0; list-style: none; }
.clause-tree summary { cursor: pointer; }
.clause-text { white-space: pre-wrap; line-height: 1.8; margin: 4px 0 8px 1.5em; }
#upload-zone { border: 2px dashed #8c959f; border-radius: 8px; padding: 18px; text-align: center; }
#upload-zone.dragging { border-color: #1f6feb; background: rgba(31, 111, 235, 0.08); }
/* the browser's own file button speaks the browser's language: a label in ours opens the same picker */
#upload-input { display: none; }
.upload-button { display: inline-block; padding: 4px 12px; border: 1px solid #8c959f; border-radius: 6px; cursor: pointer; }
#upload-progress { margin: 6px 0; padding-left: 1.2em; } .job-failed { color: #b42318; } .dark .job-failed { color: #ff8a80; }
#refresh-library { display: none; }
/* a phone: every pixel of width for the answer; comparison tables in small type rather than a character per line */
@media (max-width: 640px) {
  .main.fillable { padding-left: 6px !important; padding-right: 6px !important; }
  #chat .message-row { margin: 4px 0 !important; padding: 0 !important; }
  #chat .bot-row { max-width: 100% !important; width: 100% !important; }
  #chat .message { padding: 6px !important; }
  #chat table { font-size: 13px; } #chat th, #chat td { padding: 3px 4px !important; }
}
"""


def mount_ui(app: FastAPI, corpus: CorpusService, feedback: FeedbackLog, role_of: RoleOf) -> None:
    theme = gr.themes.Base(font=_FONTS, font_mono=["monospace"])
    ui = build_ui(corpus, feedback, role_of).queue(max_size=_MAX_QUEUED, default_concurrency_limit=_CONCURRENT_ANSWERS)
    for event in ui.fns.values():  # the page's own wiring, not an API (that is /api and /v1): unlisted, and closed to Gradio's clients
        event.api_visibility = "private"
    # Gradio copies any file path named in a component's value into its public cache unless the app
    # "has launched" (mounting never sets that) and the path is allowed: the page serves no files at all.
    # run_history off: Gradio would keep every question and answer in the browser's localStorage (a shared office PC)
    gr.mount_gradio_app(app, ui, path="/", theme=theme, css=_CSS, footer_links=[], ssr_mode=False, blocked_paths=["/"],
                        allowed_paths=[], max_file_size=0, run_history=False, head_paths=[_HEAD], i18n=_I18N)
    ui.has_launched = True


def build_ui(corpus: CorpusService, feedback: FeedbackLog, role_of: RoleOf) -> gr.Blocks:
    keep_in_browser = corpus.settings.ui_save_conversations
    with gr.Blocks(title="政策通 · 政策文件问答", analytics_enabled=False) as ui:
        answer_state = gr.State(None)
        turns = gr.State([])  # the conversation as data, kept on the server: the page sends back nothing but the question
        conversation_id = gr.State("")
        # saved conversations live in the user's own browser, or (setting off) nowhere beyond this page
        saved = gr.BrowserState([], storage_key="policy-conversations", secret=_BROWSER_KEY) if keep_in_browser else gr.State([])
        with gr.Row():
            gr.Markdown("## 政策通 · 政策文件问答\n每个回答都给出文件名、文号、条款和原文；文件没有规定时会直接说明。")
            account = gr.HTML("", elem_id="account")
        with gr.Tabs() as tabs, gr.Tab("问答", id="ask"), gr.Row():
            with gr.Column(scale=3):
                with gr.Row(equal_height=True):
                    history = gr.Dropdown([], value=None, label="历史对话（仅保存在本浏览器）", elem_id="history", interactive=True,
                                          visible=keep_in_browser, scale=3)
                    title = gr.Textbox(label="对话名称（改后回车）", elem_id="conversation-name", max_length=100,
                                       visible=keep_in_browser, scale=2)
                    new_chat = gr.Button("新对话", size="sm", elem_id="new-chat", scale=1)
                # no autoscroll: each answer is brought into view at its first line (the direct answer), not its end
                chatbot = gr.Chatbot(label="对话", elem_id="chat", autoscroll=False, height=None, min_height=240, buttons=["copy"], editable="user",
                                     placeholder="请输入问题，例如：县城新建住宅最高几层")
                related = gr.Dataset(components=[gr.Textbox(visible=False, label="问题")], samples=[], label="接着可以问",
                                     elem_id="follow-ups", visible=False)
                active_filters = gr.Markdown("", elem_id="active-filters")
                question = gr.Textbox(label="问题", show_label=False, placeholder=f"输入问题后按回车（最多{MAX_QUESTION_CHARS}字）",
                                      elem_id="question", submit_btn="提问", max_length=MAX_QUESTION_CHARS)
                gr.Examples(_examples(corpus), inputs=question, label="可以这样问（取自文档库）")
                with gr.Accordion("筛选与回答方式", open=False):
                    documents = gr.Dropdown(_document_choices(corpus), multiselect=True, label="只在这些文件中查找")
                    regions = gr.Dropdown(_regions(corpus), multiselect=True, label="只在这些地区的文件中查找（含下辖地区）",
                                          elem_id="region-filter")
                    levels = gr.Dropdown(_levels(corpus), multiselect=True, label="只在这些层级的文件中查找", elem_id="level-filter")
                    mode = gr.Radio([(MODE_NAMES[choice], choice) for choice in MODES],
                                    value=corpus.settings.answer_mode, label="回答方式")
                with gr.Row():
                    comment = gr.Textbox(label="意见", placeholder="对最近一条回答的意见（可选），回车提交", show_label=False,
                                         elem_id="feedback-comment", max_length=1000, scale=3)
                    feedback_note = gr.Markdown("", elem_id="feedback-note")
                with gr.Row():
                    clear = gr.Button("清空对话", size="sm", elem_id="clear")
                    forget_all = gr.Button("删除全部历史对话", size="sm", elem_id="forget-all", visible=keep_in_browser)
                    exports = gr.HTML("", elem_id="exports")
            with gr.Column(scale=2):
                cards = gr.Radio([], label="引用（点击查看条款原文）", elem_id="citations")
                viewer = gr.HTML(elem_id="clause-viewer")
                open_document = gr.Button("在文档库中查看全文", size="sm", visible=False, elem_id="open-document")
        with tabs, gr.Tab("文档库", id="library") as library:
            uploads = gr.HTML(page_html.UPLOAD_ZONE, visible=False, elem_id="uploads")  # the administrator's only
            refresh = gr.Button("刷新", elem_id="refresh-library")  # pressed by the page script after an upload or delete
            picked = gr.Dropdown(_document_choices(corpus), value=None, label="选择文档", elem_id="document-picker")
            document_view = gr.HTML(page_html.library_list_html(corpus), elem_id="document-view")
        with tabs, gr.Tab("指标一览", id="indicators"):
            with gr.Row():
                region = gr.Dropdown(["", *_regions(corpus)], value="", label="地区", elem_id="indicator-region")
                year = gr.Dropdown(["", *_years(corpus)], value="", label="目标年份", elem_id="indicator-year")
                wanted = gr.Textbox(label="指标名称（如 清洁取暖率）", elem_id="indicator-name")
            downloads = gr.HTML(page_html.indicator_download_links("", "", ""), elem_id="indicator-downloads")
            table = gr.Dataframe(_indicator_frame(corpus, "", "", ""), headers=list(_FRAME_HEADERS), interactive=False,
                                 wrap=True, elem_id="indicator-table", label="点击一行查看所在条款；点击表头排序")
            row_clause = gr.HTML(elem_id="indicator-clause")
        with tabs, gr.Tab("反馈", id="feedback", visible=False) as feedback_tab:  # the administrator's only
            gr.HTML("<a href='/api/feedback?format=eval' download='feedback-eval.jsonl'>导出赞同的回答为评测条目（JSONL）</a>")
            feedback_table = gr.Dataframe(headers=list(page_html.FEEDBACK_HEADERS), interactive=False, wrap=True, elem_id="feedback-table")

        def on_question(*args: Any) -> Iterator[tuple[Any, ...]]:
            yield from respond(corpus, *args)

        asking = [question, turns, documents, regions, levels, mode]
        answered = [chatbot, cards, answer_state, viewer, turns, question]
        # a typed question, a follow-up picked under the answer, the last answer asked again, or a question edited:
        # the box holds the question, locked (with a stop button), while it is answered
        answerings = []
        for asked in (question.submit(lambda: _locked(), None, question),
                      related.click(lambda picked: _locked(picked[0]), related, question),
                      chatbot.retry(_again, turns, [turns, question]),
                      chatbot.edit(_edited, turns, [turns, question])):
            # progress shows on the chat only: the question box keeps its stop button clickable
            answerings.append(asked.then(on_question, asking, answered, show_progress_on=[chatbot]))
            answerings[-1].then(None, None, None, js=_SHOW_ANSWER_START)
        question.stop(_stopped, [question, turns], [chatbot, question], cancels=answerings)
        answer_state.change(lambda answer: _follow_ups(corpus, answer), answer_state, related)
        turns.change(page_html.export_links, turns, exports)

        def on_rating(turns: list[dict[str, Any]], rated: gr.LikeData) -> str:  # Gradio passes the click by this annotation
            return record_feedback(feedback, turns, rated.index, "up" if rated.liked else "down")

        chatbot.like(on_rating, turns, feedback_note)
        comment.submit(lambda text, turns: (record_feedback(feedback, turns, None, None, text), ""), [comment, turns],
                       [feedback_note, comment])
        cards.change(lambda value, answer: (page_html.citation_html(value, answer), gr.Button(visible=bool(value))),
                     [cards, answer_state], [viewer, open_document]).then(None, None, None, js=_SHOW_QUOTE)
        open_document.click(lambda value, answer: _open_in_library(corpus, value, answer), [cards, answer_state],
                            [tabs, picked, document_view]).then(None, None, None, js=_SHOW_OPENED_CLAUSE)
        for control in (documents, regions, levels):
            control.change(lambda *chosen: page_html.filters_line(corpus, *chosen), [documents, regions, levels], active_filters)

        def on_pick(doc_id: str | None, request: gr.Request) -> str:
            return page_html.document_html(corpus, doc_id) or page_html.library_list_html(corpus, role_of(request.cookies) == "admin")

        def on_library(request: gr.Request) -> tuple[Any, ...]:
            # uploads and deletes show without a restart: the lists are read again whenever they are looked at
            return (gr.Dropdown(choices=_document_choices(corpus), value=None),
                    page_html.library_list_html(corpus, role_of(request.cookies) == "admin"), gr.Dropdown(choices=_document_choices(corpus)),
                    gr.Dropdown(choices=_regions(corpus)), gr.Dropdown(choices=_levels(corpus)))

        def on_load(saved: conversations.Saved, request: gr.Request) -> tuple[Any, ...]:
            role = role_of(request.cookies)
            return (*on_library(request), gr.HTML(visible=role == "admin"), gr.Tab(visible=role == "admin"),
                    page_html.feedback_rows(feedback) if role == "admin" else [], page_html.account_html(corpus, role),
                    gr.Dropdown(choices=conversations.choices(saved or []), value=None))

        picked.input(on_pick, picked, document_view)
        library_outputs = [picked, document_view, documents, regions, levels]
        library.select(on_library, None, library_outputs)
        refresh.click(on_library, None, library_outputs)
        ui.load(on_load, saved, [*library_outputs, uploads, feedback_tab, feedback_table, account, history])
        for control in (region, year, wanted):
            control.change(lambda r, y, w: (_indicator_frame(corpus, r, y, w), page_html.indicator_download_links(r, y, w)),
                           [region, year, wanted], [table, downloads])

        def on_row(frame: Any, event: gr.SelectData) -> str:  # Gradio passes the click by this annotation
            return show_indicator_clause(corpus, frame, event)

        table.select(on_row, table, row_clause)
        _wire_conversations(saved, conversation_id, history, title, turns, new_chat, clear, forget_all, chatbot,
                            [chatbot, cards, answer_state, viewer, turns, documents, regions, levels])
    return ui


def _wire_conversations(saved: Any, conversation_id: gr.State, history: gr.Dropdown, title: gr.Textbox, turns: gr.State,
                        new_chat: gr.Button, clear: gr.Button, forget_all: gr.Button, chatbot: gr.Chatbot,
                        on_page: list[Any]) -> None:
    """Saved conversations: each answer saves its conversation; one can be reopened, renamed, deleted, or a new one started.
    Starting anew or clearing empties the page: the chat, its citations and the filters."""
    listed = [saved, conversation_id, history, title]

    def on_answer(saved: conversations.Saved, current: str, turns: list[dict[str, Any]]) -> tuple[Any, ...]:
        saved, current = conversations.remember(saved or [], current, turns)
        return saved, current, _history(saved, current), conversations.title_of(saved, current)

    def on_open(saved: conversations.Saved, picked: gr.SelectData) -> tuple[Any, ...]:  # Gradio passes the pick by this annotation
        opened = conversations.turns_of(saved or [], picked.value)
        return (picked.value, conversations.title_of(saved or [], picked.value),
                _chat(opened), gr.Radio(choices=[], value=None), None, "", opened)

    def on_rename(saved: conversations.Saved, current: str, name: str) -> tuple[Any, ...]:
        saved = conversations.rename(saved or [], current, name)
        return saved, current, _history(saved, current), conversations.title_of(saved, current)

    def forgetting(everything: bool) -> Callable[[conversations.Saved, str], tuple[Any, ...]]:
        def forget(saved: conversations.Saved, current: str) -> tuple[Any, ...]:
            kept = [] if everything else conversations.forget(saved or [], current)
            return kept, "", _history(kept, ""), "", *_empty_page()
        return forget

    turns.change(on_answer, [saved, conversation_id, turns], listed)
    history.select(on_open, saved, [conversation_id, title, *on_page[:5]])  # outputs no `saved`: a rename in flight stays
    title.submit(on_rename, [saved, conversation_id, title], listed)
    new_chat.click(lambda saved: (saved, "", _history(saved or [], ""), "", *_empty_page()), saved, [*listed, *on_page])
    for trigger in (clear.click, chatbot.clear):  # the button and the chat's own trash icon: one meaning
        trigger(forgetting(everything=False), [saved, conversation_id], [*listed, *on_page])
    forget_all.click(forgetting(everything=True), [saved, conversation_id], [*listed, *on_page])


def _empty_page() -> tuple[Any, ...]:
    """The chat, its citations, the answer, the clause viewer, the conversation and the three filters, all empty."""
    return [], gr.Radio(choices=[], value=None), None, "", [], [], [], []


def _history(saved: conversations.Saved, current: str) -> Any:
    return gr.Dropdown(choices=conversations.choices(saved), value=current or None)


def _locked(value: str | None = None) -> Any:
    """The question box while its question is answered: read-only, with a stop button instead of 提问."""
    kept = {} if value is None else {"value": value}  # no value: the box keeps what it holds
    return gr.Textbox(interactive=False, submit_btn=False, stop_btn="停止", **kept)


def _ready(value: str) -> Any:
    return gr.Textbox(value=value, interactive=True, submit_btn="提问", stop_btn=False)


def _again(turns: list[dict[str, Any]]) -> tuple[Any, ...]:
    """重试: the last question asked again, its answer dropped."""
    asked = [i for i, turn in enumerate(turns or []) if turn["role"] == "user"]
    if not asked:
        return turns, _ready("")
    return turns[:asked[-1]], _locked(turns[asked[-1]]["content"])


def _edited(turns: list[dict[str, Any]], edit: gr.EditData) -> tuple[Any, ...]:
    """A question edited in the chat: the conversation goes back to before it and the new wording is asked."""
    position = edit.index[0] if isinstance(edit.index, (list, tuple)) else edit.index
    if not isinstance(position, int) or position >= len(turns or []) or turns[position]["role"] != "user":
        return turns, _ready("")
    return turns[:position], _locked(str(edit.value))


def _stopped(question: str, turns: list[dict[str, Any]]) -> tuple[Any, ...]:
    """停止: the answer being written is dropped; the question stays in the box, to be sent again or changed."""
    return _chat(turns), _ready(question)


def respond(corpus: CorpusService, question: str, turns: list[dict[str, Any]], documents: list[str] | None,
            regions: list[str] | None, levels: list[str] | None, mode: str) -> Iterator[tuple[Any, ...]]:
    """Stream the answer into the chat; then show its citation cards. `turns` is the server-side
    conversation (text, and each answer's citations); the chat shows only its text."""
    turns = list(turns or [])
    keep_typing = _ready(question)  # a refused question stays in the box, to be mended
    if not question.strip():
        yield _chat(turns), gr.Radio(choices=[], value=None), None, "", turns, keep_typing
        return
    shown = [*_chat(turns), {"role": "user", "content": question}, {"role": "assistant", "content": ""}]
    keep = gr.Radio(choices=[], value=None)
    try:
        for event in corpus.assistant.ask_stream(question, turns, mode or None, documents or None, regions or (), levels or ()):
            if isinstance(event, Answer):
                notice = f"> 提示：{event.notice}\n\n" if event.notice else ""
                shown[-1] = {"role": "assistant", "content": notice + event.answer}
                turns += [{"role": "user", "content": question},
                          {"role": "assistant", "content": event.answer, "understood_as": event.understood_as,
                           "citations": [c.model_dump(include=_KEPT_CITATION_FIELDS) for c in event.citations]}]
                choices = [(page_html.card_label(c), str(c.n)) for c in event.citations]
                yield shown, gr.Radio(choices=choices, value=None), event.model_dump(), "", turns, _ready("")
                return
            shown[-1] = {"role": "assistant", "content": shown[-1]["content"] + event}
            yield shown, keep, None, "", turns, gr.update()
    except (QuestionError, CorpusError) as error:
        shown[-1] = {"role": "assistant", "content": f"⚠️ {error}"}
        yield shown, keep, None, "", turns, keep_typing


def record_feedback(feedback: FeedbackLog, turns: list[dict[str, Any]], index: int | list[int] | None,
                    rating: Rating | None, comment: str = "") -> str:
    """Keep a rating (of the answer at `index` in the chat) or a comment (on the latest answer) with its question."""
    answers = [i for i, turn in enumerate(turns or []) if turn["role"] == "assistant"]
    position = (index[0] if isinstance(index, list) else index) if index is not None else (answers[-1] if answers else None)
    if position is None or position >= len(turns) or turns[position]["role"] != "assistant" or (rating is None and not comment.strip()):
        return ""
    answer = turns[position]
    feedback.add(turns[position - 1]["content"], answer["content"], answer.get("citations", []), rating, comment)
    return "已记录您的反馈，谢谢。"


def _chat(turns: list[dict[str, Any]]) -> list[dict[str, str]]:
    """What the chat box shows: text only, built from our own conversation state."""
    return [{"role": turn["role"], "content": turn["content"]} for turn in turns]


def _open_in_library(corpus: CorpusService, value: str | None, answer: dict[str, Any] | None) -> tuple[Any, ...]:
    """The 文档库 tab on the cited document, its clause open."""
    citation = next((c for c in (answer or {}).get("citations", []) if str(c["n"]) == value), None)
    if citation is None:
        return gr.Tabs(), gr.Dropdown(), gr.HTML()
    return (gr.Tabs(selected="library"), gr.Dropdown(choices=_document_choices(corpus), value=citation["doc_id"]),
            page_html.document_html(corpus, citation["doc_id"], citation["clause"]))


# The 指标一览 table's columns: the last two, clause and document title, lead a clicked row to its clause.
_FRAME_HEADERS = {"地区": "region", "指标": "indicator", "要求": "comparator_text", "目标值": "value_text",
                  "目标年份": "year", "适用范围": "scope", "牵头单位": "lead_units", "条款": "clause", "文件": "document"}


def _rows(corpus: CorpusService, region: str, year: str, wanted: str) -> list[IndicatorRow]:
    if not corpus.ready:
        return []
    index = corpus.assistant.index
    return indicator_rows(index.indicators, {d: doc.meta for d, doc in index.documents.items()},
                          region=region or "", year=year or "", indicator=wanted or "")


def _indicator_frame(corpus: CorpusService, region: str, year: str, wanted: str) -> list[list[str]]:
    frame = []
    for row in _rows(corpus, region, year, wanted):
        values = row.model_dump()
        frame.append(["、".join(v) if isinstance(v := values[key], list) else str(v) for key in _FRAME_HEADERS.values()])
    return frame


def show_indicator_clause(corpus: CorpusService, frame: Any, event: gr.SelectData) -> str:
    """The clause of the clicked row, its sentence highlighted."""
    rows = frame.values.tolist() if hasattr(frame, "values") else frame
    if event.index is None or not rows:
        return ""
    row = rows[event.index[0]]
    title, path = row[-1], row[-2]
    index = corpus.assistant.index
    # the row's target: in the document of that title (two versions may share one) whose clause states it
    source = next((i for i in index.indicators if i.path == path and i.name == row[1]
                   and index.documents[i.doc_id].meta.title == title), None)
    document = index.documents[source.doc_id] if source else None
    clause = document.clause(path) if document else None
    if document is None or clause is None:
        return ""
    return page_html.citation_html("1", {"citations": [{**document.clause_fields(path), "n": 1, "text": clause.text,
                                                        "quote": source.sentence.strip()}]})


def _examples(corpus: CorpusService) -> list[str]:
    """Starter questions built from the documents indexed (assistant.application.suggestions)."""
    if not corpus.ready:
        return ["县城新建住宅最高几层"]
    return starter_questions(corpus.assistant.index.documents, corpus.assistant.indicators) or ["县城新建住宅最高几层"]


def _regions(corpus: CorpusService) -> list[str]:
    return sorted({m.region for m in corpus.assistant.documents.values() if m.region}) if corpus.ready else []


def _levels(corpus: CorpusService) -> list[str]:
    return sorted({m.level for m in corpus.assistant.documents.values() if m.level}) if corpus.ready else []


def _years(corpus: CorpusService) -> list[str]:
    return sorted({i.year for i in corpus.assistant.index.indicators if i.year}) if corpus.ready else []


def _follow_ups(corpus: CorpusService, answer: dict[str, Any] | None) -> Any:
    """Questions to ask next, under the answer (none while it streams or when nothing was cited)."""
    cited = [(c["doc_id"], c["clause"]) for c in (answer or {}).get("citations", []) if not c.get("related_only")]
    questions = follow_up_questions(cited, corpus.assistant.index.documents, corpus.assistant.indicators) if cited else []
    return gr.Dataset(samples=[[q] for q in questions], visible=bool(questions))


def _document_choices(corpus: CorpusService) -> list[tuple[str, str]]:
    if not corpus.ready:
        return []
    return [(m.title, m.doc_id) for m in corpus.assistant.documents.values()]
