"""Take the README's screenshots of a running server: desktop, phone and dark mode.

    policy-assistant serve &  python docs/screenshots.py http://127.0.0.1:7860

Needs Debian's chromium, a CJK font (fonts-noto-cjk) and playwright (the test extra).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

HERE = Path(__file__).resolve().parent
QUESTIONS = ["赤峰和通辽在县城住宅层数上有什么不同", "各地城镇清洁取暖率目标分别是多少"]
_ANSWERED = "n => document.querySelectorAll('#chat [data-testid=\"bot\"]').length >= n && !document.querySelector('#question textarea').disabled"


_ANSWER_START = "() => document.querySelector('#chat [data-testid=\"bot\"]').scrollIntoView({block: 'start'})"


def _answered_page(page: Page, url: str, questions: list[str]) -> None:
    page.goto(url, wait_until="load")
    page.locator("#question textarea").wait_for(timeout=30_000)
    for count, question in enumerate(questions, start=1):
        page.locator("#question textarea").fill(question)
        page.locator("#question textarea").press("Enter")
        page.wait_for_function(_ANSWERED, arg=count, timeout=30_000)
    page.locator("#citations label").first.click()
    page.locator("#clause-viewer mark").wait_for(timeout=10_000)
    page.wait_for_timeout(800)


def main(url: str) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        shots = [("screenshot-desktop.png", {"width": 1366, "height": 900}, url, QUESTIONS[:1]),
                 ("screenshot-phone.png", {"width": 390, "height": 844}, url, QUESTIONS[1:]),
                 ("screenshot-dark.png", {"width": 1366, "height": 900}, f"{url}/?__theme=dark", QUESTIONS[1:])]
        for name, viewport, address, questions in shots:
            page = browser.new_page(viewport=viewport, locale="zh-CN")
            _answered_page(page, address, questions)
            # the page's top on a desktop (question, answer, cited clause side by side); the answer's start on a phone
            page.evaluate(_ANSWER_START if viewport["width"] < 600 else "() => window.scrollTo(0, 0)")
            page.screenshot(path=str(HERE / name))
            page.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:7860")
