"""Web pages saved from government sites: the document, without the site around it."""

from __future__ import annotations

from pathlib import Path

from ingest.loaders import load_text
from ingest.pipeline import parse_file

DEV = Path(__file__).resolve().parents[2] / "eval" / "corpora" / "dev"
PAGE = DEV / "guangzhou-2024-public-rental-housing-measures.html"  # a real page, stored whole
MAX_BYTES = 10 * 2**20


def test_a_real_saved_page_parses_like_its_document_text() -> None:
    page, text = parse_file(PAGE, MAX_BYTES), parse_file(PAGE.with_suffix(".txt"), MAX_BYTES)
    numbered = [(c.path, c.heading, c.text) for c in page.clauses if c.kind != "preamble"]
    assert numbered == [(c.path, c.heading, c.text) for c in text.clauses if c.kind != "preamble"]
    assert len(numbered) == 101 and numbered[1][0] == "第一章第一条" and numbered[1][1].startswith("为完善本市住房保障体系")
    assert (page.meta.title, page.meta.doc_number) == ("广州市公共租赁住房管理办法", "穗府办规〔2024〕13号")


def test_site_chrome_is_left_out() -> None:
    loaded = load_text(PAGE, MAX_BYTES)
    assert not any(chrome in loaded for chrome in ("无障碍", "ICP", "搜索", "主办"))  # all on the stored page


def test_inline_markup_does_not_break_a_line(tmp_path: Path) -> None:
    page = tmp_path / "notice.html"
    page.write_text("<html><body><nav>首页 &gt; 政务公开</nav><div class='main'><h1>某县供热管理办法</h1>"
                    "<p><strong>第一条</strong>为规范供热管理，制定本办法。</p><p>第二条 供热期为每年11月1日至次年3月31日。</p>"
                    "</div><footer>版权所有 某县人民政府</footer></body></html>", encoding="utf-8")
    lines = [line for line in load_text(page, MAX_BYTES).split("\n") if line.strip()]
    assert lines == ["某县供热管理办法", "第一条为规范供热管理，制定本办法。", "第二条 供热期为每年11月1日至次年3月31日。"]
