"""The chat page in a real headless Chromium (Debian's chromium, driven by Playwright)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.servers import Server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]

pytestmark = [pytest.mark.system,  # a real browser
              pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")]


@pytest.fixture(scope="module")
def open_server(make_server: Callable[..., Server]) -> Server:
    return make_server()


def test_ask_see_the_answer_click_a_citation_see_the_clause(open_server: Server, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    outside: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((open_server.url, "data:", "blob:")) else None)
        page.goto(open_server.url, wait_until="load")
        page.get_by_text("县城新建住宅最高几层").first.wait_for()  # the example questions on the start screen
        page.locator("#question textarea").fill("县城新建住宅最高几层")
        page.locator("#question textarea").press("Enter")
        page.locator("#chat").get_by_text("最高不超过18层").first.wait_for(timeout=30_000)
        card = page.locator("#citations label").first
        card.wait_for(timeout=30_000)
        assert "《" in card.inner_text() and "「" in card.inner_text()
        card.click()
        page.locator("#clause-viewer mark").wait_for(timeout=10_000)
        assert "最高不超过18层" in page.locator("#clause-viewer mark").inner_text()
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
