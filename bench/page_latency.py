"""The web page as a civil servant meets it: time from pressing Enter to the answer's first line shown.

    policy-assistant ingest            # once, if there is no index yet
    python -m bench.page_latency [--questions 20]

Starts `policy-assistant serve` on a free loopback port (extractive mode, no rate limit), opens the page
in Debian's headless Chromium, asks the evaluation questions one after another in one conversation
and measures, in the page, how long until the new answer's first line is visible. Writes
bench/results/page_latency.json.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys

from playwright.sync_api import sync_playwright

from bench.load_test import questions
from bench.results_file import write_result
from bench.server import free_port, wait_ready

# Armed before a question is sent: resolves with the milliseconds from the Enter key (seen as the browser
# delivers it) until a new answer with text is in the chat and in view.
_ARM = """before => { window.firstLine = new Promise(resolve => {
  let started = null;
  document.addEventListener('keydown', event => { if (event.key === 'Enter') started = performance.now(); },
                            {capture: true, once: true});
  const poll = () => {
    const bots = document.querySelectorAll('#chat [data-testid="bot"]');
    const latest = bots[bots.length - 1];
    if (started !== null && bots.length > before && latest.innerText.trim() && latest.getBoundingClientRect().top < innerHeight) {
      resolve(performance.now() - started);
    } else requestAnimationFrame(poll);
  };
  poll();
}); }"""
_SETTLED = "n => document.querySelectorAll('#chat [data-testid=\"bot\"]').length >= n && !document.querySelector('#question textarea').disabled"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--questions", type=int, default=20)
    args = parser.parse_args()
    port = free_port()
    environment = {**os.environ, "POLICY_RATE_LIMIT_PER_MINUTE": "0", "POLICY_ANSWER_MODE": "extractive"}
    process = subprocess.Popen([sys.executable, "-m", "assistant.interfaces.cli", "serve", "--port", str(port)], env=environment)
    try:
        wait_ready(f"http://127.0.0.1:{port}/readyz", process)
        timings = _measure(f"http://127.0.0.1:{port}/", questions(args.questions))
    finally:
        process.terminate()
        process.wait(timeout=30)
    write_result("page_latency", {"questions": len(timings), "p50_ms": round(statistics.median(timings)),
                                  "p90_ms": round(statistics.quantiles(timings, n=10)[-1]), "max_ms": round(max(timings))})


def _measure(url: str, asked: list[str]) -> list[float]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    timings = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        page.goto(url, wait_until="load")
        page.locator("#question textarea").wait_for(timeout=60_000)
        for count, question in enumerate(asked):
            page.locator("#question textarea").fill(question)
            page.evaluate(_ARM, count)
            page.locator("#question textarea").press("Enter")
            timings.append(page.evaluate("window.firstLine"))
            page.wait_for_function(_SETTLED, arg=count + 1, timeout=60_000)
            page.wait_for_timeout(300)
        browser.close()
    return timings


if __name__ == "__main__":
    main()
