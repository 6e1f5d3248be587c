"""The chat page in a real headless Chromium (Debian's chromium, driven by Playwright)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.servers import Server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]

pytestmark = [pytest.mark.system,  # a real browser
              pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")]


@pytest.fixture(scope="module")
def open_server(start_server: Callable[..., Server]) -> Iterator[Server]:
    server = start_server()
    yield server
    server.stop()


def test_ask_see_the_answer_click_a_citation_see_the_clause(open_server: Server, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    outside: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((open_server.url, "data:", "blob:")) else None)
        page.goto(open_server.url, wait_until="load")
        page.get_by_text("各地清洁取暖率目标分别是多少").first.wait_for()  # starter questions, drawn from the documents
        page.locator("#question textarea").fill("县城新建住宅最高几层")
        page.locator("#question textarea").press("Enter")
        page.locator("#chat").get_by_text("最高不超过18层").first.wait_for(timeout=30_000)
        card = page.locator("#citations label").first
        card.wait_for(timeout=30_000)
        assert "《" in card.inner_text() and "「" in card.inner_text()
        card.click()
        page.locator("#clause-viewer mark").wait_for(timeout=10_000)
        assert "最高不超过18层" in page.locator("#clause-viewer mark").inner_text()
        page.locator("#open-document").click()  # the cited clause, open in its document in the 文档库
        page.locator("#opened-clause").get_by_text("最高不超过18层").first.wait_for(timeout=10_000)
        assert page.locator("#document-view h3").inner_text().endswith("实施方案")
        page.get_by_role("tab", name="问答").click()
        page.get_by_role("tab", name="文档库").click()
        page.locator("#document-picker input").click()
        page.get_by_role("option", name="赤峰市推动城乡建设绿色发展实施方案").click()
        page.locator("#document-view").get_by_text("建设人与自然和谐共生的美丽城市").first.wait_for(timeout=10_000)
        page.screenshot(path=str(tmp_path / "ui.png"), full_page=True)
        browser.close()
    assert outside == []  # air-gapped networks: the page loads nothing from the internet


def test_with_keys_the_page_signs_in_and_document_markup_stays_text(make_server: Callable[..., Server]) -> None:
    import httpx
    from playwright.sync_api import sync_playwright

    from tests.servers import ADMIN_KEY, READER_KEY

    server = make_server(api_keys=[READER_KEY], admin_key=ADMIN_KEY)
    plan = ("某县住房建设方案\n一、住宅层数\n县城新建住宅最高不超过9层<img src=http://198.51.100.7/p.png>，"
            "详见![p](http://198.51.100.7/q.png)和[点此](http://198.51.100.7/)。\n").encode()
    uploaded = httpx.post(f"{server.url}/api/documents?wait=true", files={"file": ("county-markup.txt", plan)},
                          headers={"Authorization": f"Bearer {ADMIN_KEY}"}, timeout=120)
    assert uploaded.status_code == 200, uploaded.text
    outside: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((server.url, "data:", "blob:")) else None)
        page.goto(server.url, wait_until="load")
        assert page.url.endswith("/login")
        page.locator("#key").fill(READER_KEY)
        page.get_by_role("button", name="登录").click()
        page.locator("#question textarea").wait_for(timeout=30_000)
        page.locator("#question textarea").fill("某县县城新建住宅最高不超过几层")
        page.locator("#question textarea").press("Enter")
        page.locator("#chat").get_by_text("最高不超过9层").first.wait_for(timeout=30_000)
        assert page.locator("#chat img[src*='198.51.100.7']").count() == 0
        assert page.locator("#chat a[href*='198.51.100.7']").count() == 0
        browser.close()
    assert outside == []


def test_the_indicator_tab_filters_opens_a_rows_clause_and_downloads(make_server: Callable[..., Server], tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    from tests.servers import ADMIN_KEY, READER_KEY

    server = make_server(api_keys=[READER_KEY], admin_key=ADMIN_KEY)  # downloads ride on the page's session
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page.goto(server.url, wait_until="load")
        page.locator("#key").fill(READER_KEY)
        page.get_by_role("button", name="登录").click()
        page.locator("#question textarea").wait_for(timeout=30_000)
        page.get_by_role("tab", name="指标一览").click()
        table = page.locator("#indicator-table")
        table.get_by_text("城镇清洁取暖率").first.wait_for(timeout=10_000)  # 阿拉善's, before any filter
        page.locator("#indicator-region input").click()
        page.get_by_role("option", name="通辽市").click()
        table.get_by_text("城镇清洁能源取暖率").first.wait_for(timeout=10_000)
        page.wait_for_function("!document.querySelector('#indicator-table').innerText.includes('阿拉善盟')", timeout=10_000)
        table.get_by_text("城镇清洁能源取暖率").first.click()
        page.locator("#indicator-clause mark").wait_for(timeout=10_000)
        assert "93%" in page.locator("#indicator-clause mark").inner_text()
        with page.expect_download() as download:
            page.locator("#indicator-downloads").get_by_text("下载 Excel").click()
        saved = tmp_path / "指标.xlsx"
        download.value.save_as(saved)
        browser.close()
    from openpyxl import load_workbook

    sheet = load_workbook(saved).active
    assert [c.value for c in sheet[1]][:2] == ["地区", "文件"] and {row[0].value for row in sheet.iter_rows(min_row=2)} == {"通辽市"}


def _contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two CSS rgb()/rgba() colours."""
    def luminance(colour: str) -> float:
        channels = [int(float(v)) / 255 for v in colour[colour.index("(") + 1:colour.index(")")].split(",")[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


_LATEST_ANSWER_TOP = """() => { const bots = document.querySelectorAll('#chat [data-testid="bot"]');
  return bots[bots.length - 1].getBoundingClientRect().top; }"""
# Elements that scroll inside the page (the chat box, a column): a phone or an iframe would nest them.
_NESTED_SCROLLS = """() => [...document.querySelectorAll('*')].filter(e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowY)
  && e.clientHeight > 0 && e.scrollHeight > e.clientHeight + 2 && e !== document.documentElement && e !== document.body)
  .map(e => e.id || e.className)"""
# English words a Chinese reader would see or hear (text, button labels and tooltips read out by screen readers).
_ENGLISH = """() => { const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const parent = n.parentElement;
    if (/[A-Za-z]{3,}/.test(n.nodeValue) && parent && !['SCRIPT', 'STYLE'].includes(parent.tagName.toUpperCase())
        && parent.getClientRects().length && !/Word|Markdown|Excel|CSV|JSONL/.test(n.nodeValue)) found.push(n.nodeValue.trim());
  }
  document.querySelectorAll('[aria-label],[title],[placeholder]').forEach(e => ['aria-label', 'title', 'placeholder'].forEach(a => {
    const v = e.getAttribute(a); if (v && /[A-Za-z]{3,}/.test(v.replace(/[*#]/g, ''))) found.push(a + '=' + v.slice(0, 60)); }));
  return found; }"""
_ANSWERED = "n => document.querySelectorAll('#chat [data-testid=\"bot\"]').length >= n && !document.querySelector('#question textarea').disabled"


def _ask(page: object, question: str, answers: int) -> None:
    page.locator("#question textarea").fill(question)  # type: ignore[attr-defined]
    page.locator("#question textarea").press("Enter")  # type: ignore[attr-defined]
    page.wait_for_function(_ANSWERED, arg=answers, timeout=30_000)  # type: ignore[attr-defined]
    page.wait_for_timeout(500)  # type: ignore[attr-defined]


@contextmanager
def _chinese_page(server: Server, viewport: dict[str, int] | None = None, path: str = "/", key: str = "") -> Iterator[Any]:
    """The page open in a zh-CN browser (signed in with `key` if given), ready for a question."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport=viewport or {"width": 1366, "height": 900}, locale="zh-CN")
        if key:
            page.goto(server.url + "/login", wait_until="load")
            page.locator("#key").fill(key)
            page.get_by_role("button", name="登录").click()
        page.goto(server.url + path, wait_until="load")
        page.locator("#question textarea").wait_for(timeout=30_000)
        yield page
        browser.close()


def test_answers_open_at_their_first_line_and_the_page_keeps_its_state_honest(open_server: Server) -> None:
    with _chinese_page(open_server) as page:
        _ask(page, "赤峰和通辽在县城住宅层数上有什么不同", 1)
        _ask(page, "各地城镇清洁取暖率目标分别是多少", 2)  # a long table: its end would be in view, not its start
        assert -2 <= page.evaluate(_LATEST_ANSWER_TOP) < 60  # the direct answer's first line at the top of the page
        assert page.evaluate(_NESTED_SCROLLS) == []  # the chat grows with the page: one scroll area, also in an iframe
        page.locator("#citations label").last.click()
        page.locator("#clause-viewer mark").wait_for(timeout=10_000)
        page.wait_for_timeout(300)
        box = page.locator("#clause-viewer mark").bounding_box()
        assert box is not None and 0 <= box["y"] <= 900 - box["height"]  # the highlighted quote brought into view
        _ask(page, "呼伦贝尔县城新建住宅最高几层", 3)  # no document: only reference clauses
        labels = page.locator("#citations label").all_inner_texts()
        assert labels and all(label.strip().startswith("〔仅供参考〕") for label in labels), labels
        page.locator("#question textarea").fill("   ")
        page.locator("#question textarea").press("Enter")
        page.wait_for_timeout(1500)
        assert page.locator("#chat [data-testid='user']").count() == 3  # an empty question adds no bubble
        with page.expect_download() as download:
            page.locator("#exports").get_by_text("导出对话（Word）").click()
        word = download.value.path()
        from docx import Document

        exported = "\n".join([p.text for p in Document(str(word)).paragraphs]
                             + [c.text for t in Document(str(word)).tables for row in t.rows for c in row.cells])
        assert "问：各地城镇清洁取暖率目标分别是多少" in exported and "赤政办发〔2023〕61号" in exported
        assert "城镇清洁能源取暖率" in exported  # the comparison table as a Word table
        with page.expect_download() as download:
            page.locator("#exports").get_by_text("导出最近回答（Word）").click()
        latest = "\n".join(p.text for p in Document(str(download.value.path())).paragraphs)
        assert "问：呼伦贝尔县城新建住宅最高几层" in latest and "清洁取暖" not in latest  # that answer alone
        with page.expect_download() as download:
            page.locator("#exports").get_by_text("导出对话（Markdown）").click()
        markdown = Path(download.value.path()).read_text(encoding="utf-8")
        assert "## 问：赤峰和通辽在县城住宅层数上有什么不同" in markdown and "赤政办发〔2023〕61号" in markdown
        page.get_by_text("筛选与回答方式").click()
        page.locator("#active-filters").wait_for(state="attached")
        page.locator("#question").locator("..").page.get_by_label("只在这些文件中查找").click()
        page.get_by_role("option", name="赤峰市推动城乡建设绿色发展实施方案").click()
        page.locator("#active-filters").get_by_text("当前只在这些范围内查找").wait_for(timeout=10_000)
        page.get_by_role("button", name="清空对话").first.click()
        page.wait_for_function("document.querySelectorAll('#chat [data-testid=\"user\"]').length == 0", timeout=10_000)
        page.wait_for_function("!document.querySelector('#active-filters').innerText.includes('当前只在')", timeout=10_000)
        assert page.locator("#citations label").count() == 0  # cleared: chat, cards and the filter alike
        page.get_by_label("只在这些地区的文件中查找（含下辖地区）").click()
        page.get_by_role("option", name="通辽市").click()
        _ask(page, "县城新建住宅最高几层", 1)
        assert all("通辽" in label for label in page.locator("#citations label").all_inner_texts())  # the region filter holds
        page.get_by_role("tab", name="文档库").click()
        page.locator("#library-list tr").nth(5).wait_for(timeout=10_000)  # opens on the list: header + 5 documents
        assert "赤政办发〔2023〕61号" in page.locator("#library-list").inner_text()
        page.locator("#document-picker input").click()
        page.get_by_role("option", name="赤峰市推动城乡建设绿色发展实施方案").click()
        page.locator("#document-view summary").filter(has_text="三（一）2").click()
        page.locator("#document-view").get_by_text("最高不超过18层").first.wait_for(timeout=10_000)  # the clause's text


@pytest.mark.parametrize(("viewport", "theme"), [({"width": 390, "height": 844}, "dark"),
                                               ({"width": 1366, "height": 900}, "dark"),
                                               ({"width": 390, "height": 844}, "light")])
def test_both_themes_and_a_phone_stay_readable(open_server: Server, viewport: dict[str, int], theme: str) -> None:
    with _chinese_page(open_server, viewport, f"/?__theme={theme}") as page:
        _ask(page, "各地城镇清洁取暖率目标分别是多少", 1)
        assert -2 <= page.evaluate(_LATEST_ANSWER_TOP) < 60  # on a phone too, the page is brought to the answer's start
        assert page.evaluate(_NESTED_SCROLLS) == []
        page.locator("#citations label").first.click()
        mark = page.locator("#clause-viewer mark")
        mark.wait_for(timeout=10_000)
        colours = mark.evaluate("m => [getComputedStyle(m).color, getComputedStyle(m).backgroundColor]")
        assert _contrast(*colours) >= 4.5  # WCAG AA
        meta = page.locator("#clause-viewer .meta")
        page_background = page.evaluate("getComputedStyle(document.querySelector('gradio-app') || document.body).backgroundColor")
        unpainted = "rgb(11, 15, 25)" if theme == "dark" else "rgb(255, 255, 255)"  # Gradio's own page colours
        background = page_background if "0, 0, 0, 0" not in page_background else unpainted
        assert _contrast(meta.evaluate("m => getComputedStyle(m).color"), background) >= 4.5


def test_feedback_is_kept_with_its_answer_and_approved_answers_become_evaluation_items(
        make_server: Callable[..., Server]) -> None:
    import json

    import httpx
    from playwright.sync_api import sync_playwright

    from tests.servers import ADMIN_KEY, READER_KEY

    server = make_server(api_keys=[READER_KEY], admin_key=ADMIN_KEY)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        page.goto(server.url, wait_until="load")
        page.locator("#key").fill(READER_KEY)
        page.get_by_role("button", name="登录").click()
        page.locator("#question textarea").wait_for(timeout=30_000)
        _ask(page, "县城新建住宅最高几层", 1)
        page.locator("#chat").get_by_role("button", name="赞").click()
        page.locator("#feedback-note").get_by_text("已记录").wait_for(timeout=10_000)
        page.locator("#feedback-comment textarea").fill("很清楚，出处也对")
        page.locator("#feedback-comment textarea").press("Enter")
        page.wait_for_timeout(1000)
        browser.close()
    admin = {"Authorization": f"Bearer {ADMIN_KEY}"}
    assert httpx.get(f"{server.url}/api/feedback", headers={"Authorization": f"Bearer {READER_KEY}"}).status_code == 403
    entries = httpx.get(f"{server.url}/api/feedback", headers=admin).json()
    assert [(e["question"], e["rating"], e["comment"]) for e in entries] == [
        ("县城新建住宅最高几层", "up", ""), ("县城新建住宅最高几层", None, "很清楚，出处也对")]
    assert "最高不超过18层" in entries[0]["answer"] and entries[0]["citations"][0]["doc_number"]
    items = [json.loads(line) for line in httpx.get(f"{server.url}/api/feedback?format=eval", headers=admin).text.splitlines()]
    assert len(items) == 1 and items[0]["question"] == "县城新建住宅最高几层"
    assert {e["clause"] for e in items[0]["expected"]} >= {"三（一）2"}  # 赤峰's, among the agreeing documents
    with _chinese_page(server, key=ADMIN_KEY) as page:  # the administrator's own view of it
        page.get_by_role("tab", name="反馈").click()
        page.wait_for_function("document.querySelector('#feedback-table').innerText.includes('很清楚，出处也对')", timeout=10_000)
        shown = page.locator("#feedback-table").inner_text()
        assert "赞" in shown and "县城新建住宅最高几层" in shown


def test_follow_up_questions_under_an_answer_are_asked_with_a_click(open_server: Server) -> None:
    with _chinese_page(open_server) as page:
        _ask(page, "阿拉善2025年城镇清洁取暖率要达到多少", 1)
        follow_ups = page.locator("#follow-ups")
        follow_ups.get_by_text("呢？").first.wait_for(timeout=10_000)  # the same target in another document
        follow_ups.get_by_text("呢？").first.click()
        page.wait_for_function(_ANSWERED, arg=2, timeout=30_000)
        assert page.locator("#chat [data-testid='user']").count() == 2
        assert "%" in page.locator("#chat [data-testid='bot']").last.inner_text()  # answered from the conversation


def _history(page: Any) -> list[str]:
    page.locator("#history input").click()
    page.wait_for_timeout(300)
    names = [name.strip("✓\n ") for name in page.get_by_role("option").all_inner_texts()]
    page.mouse.click(5, 5)  # closed by a click elsewhere, as a person would
    page.wait_for_timeout(300)
    return names


def test_conversations_are_saved_in_the_browser_reopened_renamed_and_deleted(open_server: Server) -> None:
    with _chinese_page(open_server) as page:
        _ask(page, "县城新建住宅最高几层", 1)
        _ask(page, "那通辽呢？", 2)
        page.locator("#new-chat").click()  # a new conversation empties the page; the first stays listed
        page.wait_for_function("document.querySelectorAll('#chat [data-testid=\"user\"]').length == 0", timeout=10_000)
        _ask(page, "阿拉善的文件文号是什么", 1)
        page.reload(wait_until="load")
        page.locator("#question textarea").wait_for(timeout=30_000)
        page.wait_for_function("document.querySelector('#history input') !== null")
        page.wait_for_timeout(1000)
        page.locator("#history input").click()
        page.wait_for_timeout(300)
        page.get_by_role("option", name="县城新建住宅最高几层").click()  # the earlier one, reopened
        page.wait_for_function("document.querySelectorAll('#chat [data-testid=\"bot\"]').length == 2", timeout=10_000)
        assert "那通辽呢？" in page.locator("#chat").inner_text()
        page.wait_for_timeout(1500)  # the reopened conversation saved again, at the top
        assert _history(page) == ["县城新建住宅最高几层", "阿拉善的文件文号是什么"]  # both kept, named by their first question
        page.locator("#conversation-name textarea").fill("住宅层数 赤峰与通辽")
        page.locator("#conversation-name textarea").press("Enter")
        page.wait_for_timeout(1500)
        page.reload(wait_until="load")  # the new name is stored, not only shown
        page.locator("#question textarea").wait_for(timeout=30_000)
        page.wait_for_timeout(1000)
        assert _history(page) == ["住宅层数 赤峰与通辽", "阿拉善的文件文号是什么"]
        page.locator("#history input").click()
        page.wait_for_timeout(300)
        page.get_by_role("option", name="住宅层数 赤峰与通辽").click()
        page.wait_for_function("document.querySelectorAll('#chat [data-testid=\"bot\"]').length == 2", timeout=10_000)
        page.wait_for_timeout(1000)
        page.locator("#clear").click()  # clearing deletes this conversation from the browser too
        page.wait_for_function("document.querySelectorAll('#chat [data-testid=\"user\"]').length == 0", timeout=10_000)
        page.wait_for_timeout(1000)
        assert _history(page) == ["阿拉善的文件文号是什么"]
        page.locator("#forget-all").click()
        page.wait_for_timeout(1000)
        page.reload(wait_until="load")
        page.locator("#question textarea").wait_for(timeout=30_000)
        page.wait_for_timeout(1000)
        assert _history(page) == []
        assert "阿拉善" not in page.evaluate("() => JSON.stringify(Object.entries(localStorage))")


def test_with_storing_off_nothing_of_a_conversation_stays_in_the_browser(make_server: Callable[..., Server]) -> None:
    with _chinese_page(make_server(ui_save_conversations=False)) as page:
        _ask(page, "各地城镇清洁取暖率目标分别是多少", 1)
        stored = page.evaluate("() => JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage)])")
        assert "policy-conversations" not in stored and "清洁取暖" not in stored  # shared office PCs
        assert page.locator("#history").count() == 0  # and no list of saved conversations


def test_an_answer_is_asked_again_and_a_question_edited(open_server: Server) -> None:
    with _chinese_page(open_server) as page:
        _ask(page, "县城新建住宅最高几层", 1)
        page.locator("#chat").get_by_role("button", name="重试").click()
        page.wait_for_timeout(500)
        page.wait_for_function(_ANSWERED, arg=1, timeout=30_000)
        assert page.locator("#chat [data-testid='user']").count() == 1  # the same question, answered once more
        page.locator("#chat [data-testid='user']").last.hover()
        page.locator("#chat").get_by_role("button", name="编辑").last.click()
        page.locator("#chat textarea").fill("阿拉善县城新建住宅最高几层")
        page.locator("#chat").get_by_role("button", name="发送").click()
        page.wait_for_function("document.querySelector('#chat [data-testid=\"bot\"]')?.innerText.includes('12层')", timeout=30_000)
        assert page.locator("#chat [data-testid='user']").all_inner_texts() == ["阿拉善县城新建住宅最高几层"]


def test_a_slow_answer_is_stopped_and_its_question_kept(make_server: Callable[..., Server], fake_llm: Any) -> None:
    from tests.fake_llm import Reply

    fake_llm.replies.append(Reply(text="**答：** 最高不超过18层。[1]", delay_s=3))
    server = make_server(llm_base_url=fake_llm.base_url, llm_model="fake", answer_mode="llm")
    with _chinese_page(server) as page:
        page.locator("#question textarea").fill("县城新建住宅最高几层")
        page.locator("#question textarea").press("Enter")
        page.locator("#question").get_by_role("button", name="停止").click(timeout=5_000)
        page.wait_for_function("!document.querySelector('#question textarea').disabled", timeout=5_000)
        assert page.locator("#question textarea").input_value() == "县城新建住宅最高几层"  # to send again or change
        page.wait_for_timeout(8_000)  # well past the model's reply (3 s after it was asked)
        assert page.locator("#chat [data-testid='bot']").count() == 0  # the stopped answer never arrives


def test_the_administrator_uploads_and_deletes_documents_from_the_page(make_server: Callable[..., Server],
                                                                     tmp_path: Path) -> None:
    from tests.servers import ADMIN_KEY, READER_KEY

    server = make_server(api_keys=[READER_KEY], admin_key=ADMIN_KEY)
    with _chinese_page(server, key=READER_KEY) as page:  # a reader gets no upload, delete or feedback controls
        page.get_by_role("tab", name="文档库").click()
        page.locator("#library-list").wait_for(timeout=10_000)
        assert page.locator("#upload-zone").count() == 0 and page.locator("button[data-delete-doc]").count() == 0
        assert page.get_by_role("tab", name="反馈").count() == 0
    first, second = tmp_path / "某县住宅建设办法.txt", tmp_path / "某县供热管理办法.txt"
    first.write_text("某县住宅建设办法\n第一条 为规范住宅建设，制定本办法。\n第二条 县城新建住宅最高不超过11层。\n", encoding="utf-8")
    second.write_text("某县供热管理办法\n第一条 为规范供热，制定本办法。\n第二条 供热期室温不低于18摄氏度。\n", encoding="utf-8")
    with _chinese_page(server, key=ADMIN_KEY) as page:
        page.get_by_role("tab", name="文档库").click()
        page.locator("#upload-zone").wait_for(timeout=10_000)
        with page.expect_file_chooser() as chooser:  # the page's own 选择文件, not the browser's English button
            page.get_by_text("选择文件", exact=True).click()
        chooser.value.set_files([str(first), str(second)])  # several files at once
        progress = page.locator("#upload-progress")
        progress.get_by_text("某县供热管理办法：完成").wait_for(timeout=120_000)
        assert "某县住宅建设办法：完成" in progress.inner_text()
        page.locator("#library-list").get_by_text("某县供热管理办法").wait_for(timeout=10_000)  # listed without a restart
        dropped = page.evaluate_handle("""() => { const transfer = new DataTransfer();
            transfer.items.add(new File(['某县停车管理办法\\n第一条 新建住宅配建停车位不少于每户1个。\\n'], '某县停车管理办法.txt'));
            return transfer; }""")
        page.locator("#upload-zone").dispatch_event("drop", {"dataTransfer": dropped})  # drag and drop
        progress.get_by_text("某县停车管理办法：完成").wait_for(timeout=120_000)
        delete = page.locator("button[data-delete-doc][data-title='某县住宅建设办法']")
        page.once("dialog", lambda dialog: dialog.dismiss())  # asked to confirm; saying no deletes nothing
        delete.click()
        page.wait_for_timeout(1000)
        assert page.locator("#library-list").get_by_text("某县住宅建设办法").count() == 1
        page.once("dialog", lambda dialog: dialog.accept())
        delete.click()
        progress.get_by_text("某县住宅建设办法：完成").wait_for(timeout=60_000)
        page.wait_for_function("!document.querySelector('#library-list').innerText.includes('某县住宅建设办法')", timeout=10_000)
        page.get_by_role("tab", name="问答").click()
        page.get_by_text("筛选与回答方式").click()
        page.get_by_label("只在这些文件中查找").click()
        options = page.get_by_role("option").all_inner_texts()
        assert "某县供热管理办法" in options and "某县住宅建设办法" not in options  # the filter list is live too
    removed = [path.name for path in (server.corpus.settings.data_dir / "removed").iterdir()]
    assert any(name.endswith("某县住宅建设办法.txt") for name in removed)  # kept in removed/, not lost


def test_the_page_in_a_portal_iframe_from_another_origin(open_server: Server, tmp_path: Path) -> None:
    import functools
    import http.server
    import threading

    (tmp_path / "portal.html").write_text(
        f"<!doctype html><meta charset='utf-8'><h1>门户</h1><iframe src='{open_server.url}/' width='100%' height='860'></iframe>",
        encoding="utf-8")
    portal = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(http.server.SimpleHTTPRequestHandler,
                                                                                 directory=str(tmp_path)))
    threading.Thread(target=portal.serve_forever, daemon=True).start()
    from playwright.sync_api import sync_playwright

    outside: list[str] = []
    portal_url = f"http://127.0.0.1:{portal.server_address[1]}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 1000}, locale="zh-CN")
            page.on("request", lambda r: outside.append(r.url)
                    if not r.url.startswith((open_server.url, portal_url, "data:", "blob:")) else None)
            page.goto(f"{portal_url}/portal.html", wait_until="load")
            frame = page.frame_locator("iframe")
            frame.locator("#question textarea").fill("县城新建住宅最高几层")
            frame.locator("#question textarea").press("Enter")
            frame.locator("#chat").get_by_text("最高不超过18层").first.wait_for(timeout=30_000)
            frame.locator("#citations label").first.click()
            frame.locator("#clause-viewer mark").wait_for(timeout=10_000)
            inner = page.frames[1]
            assert inner.evaluate(_NESTED_SCROLLS) == []  # inside the 860 px frame, only the frame scrolls
            browser.close()
    finally:
        portal.shutdown()
    assert outside == []


def test_every_word_on_the_page_is_chinese(open_server: Server) -> None:
    with _chinese_page(open_server) as page:
        _ask(page, "县城新建住宅最高几层", 1)
        page.locator("#citations label").first.click()
        page.locator("#clause-viewer mark").wait_for(timeout=10_000)
        assert page.evaluate(_ENGLISH) == []
        page.get_by_role("tab", name="文档库").click()
        page.locator("#library-list").wait_for(timeout=10_000)
        page.get_by_role("tab", name="指标一览").click()
        page.locator("#indicator-table").get_by_text("城镇清洁取暖率").first.wait_for(timeout=10_000)
        assert page.evaluate(_ENGLISH) == []
