"""Offline token counting: counts, truncation, and no network on first use."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from tiktoken_ext import openai_public

from assistant.text.tokens import count_tokens, encoding, truncate_to_tokens

ROOT = Path(__file__).resolve().parents[2]
PARAGRAPH = ("为深入贯彻落实党中央、国务院关于碳达峰碳中和的重大战略决策，推动城乡建设绿色发展，结合本市实际，制定本实施方案。"
             "到2025年，城镇新建建筑全面执行绿色建筑标准，星级绿色建筑占比达到30%以上，新建政府投资公益性建筑和大型公共建筑全部达到一星级以上。"
             "（市住房城乡建设局牵头，市发展改革委、市自然资源局等按照职责分工负责）")
CHINESE_1000 = (PARAGRAPH * 10)[:1000]

# Run in a fresh interpreter: any socket use raises, so a download attempt fails loudly.
NO_NETWORK = """
import socket
def _refuse(*args, **kwargs):
    raise OSError("network disabled by test")
class _NoSocket(socket.socket):  # stays a class: ssl subclasses socket.socket at import
    def __init__(self, *args, **kwargs):
        _refuse()
socket.socket = _NoSocket
socket.create_connection = _refuse
socket.getaddrinfo = _refuse
"""


def test_hello_world_is_two_tokens() -> None:
    assert count_tokens("hello world") == 2


def test_chinese_paragraph_token_count() -> None:
    assert len(CHINESE_1000) == 1000
    assert 900 <= count_tokens(CHINESE_1000) <= 1500


def test_special_token_text_is_counted_as_plain_text() -> None:
    assert count_tokens("<|endoftext|>") > 1


@pytest.mark.parametrize("limit", [0, 1, 2, 3, 7, 50, 333, 999])
def test_truncate_gives_prefix_within_limit(limit: int) -> None:
    cut = truncate_to_tokens(CHINESE_1000, limit)
    assert CHINESE_1000.startswith(cut)
    assert "\ufffd" not in cut
    assert count_tokens(cut) <= limit
    if limit >= 50:
        assert count_tokens(cut) >= limit - 2  # cut near the limit, not far short of it


def test_truncate_under_limit_returns_whole_text() -> None:
    n = count_tokens(CHINESE_1000)
    assert truncate_to_tokens(CHINESE_1000, n) == CHINESE_1000
    assert truncate_to_tokens(CHINESE_1000, n + 100) == CHINESE_1000
    assert truncate_to_tokens("hello world", 2) == "hello world"
    assert truncate_to_tokens("hello world", 1) == "hello"
    assert truncate_to_tokens("", 0) == ""


def test_truncate_rejects_negative_limit() -> None:
    with pytest.raises(ValueError):
        truncate_to_tokens("hello", -1)


def test_encoding_matches_tiktoken_definition(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shipped file and our pattern/special tokens equal what tiktoken's cl100k_base() builds."""
    enc = encoding()

    def shipped_ranks(url: str, expected_hash: str) -> dict[bytes, int]:
        assert url.endswith("/cl100k_base.tiktoken")
        return enc._mergeable_ranks

    monkeypatch.setattr(openai_public, "load_tiktoken_bpe", shipped_ranks)
    definition = openai_public.cl100k_base()
    assert enc.name == definition["name"]
    assert enc._pat_str == definition["pat_str"]
    assert enc._special_tokens == definition["special_tokens"]
    assert len(enc._mergeable_ranks) == 100256
    assert enc.n_vocab == 100277


@pytest.mark.system  # fresh interpreters
def test_no_network_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With an empty tiktoken cache and sockets disabled, counting still works in a fresh interpreter."""
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))

    def run(code: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", NO_NETWORK + code], cwd=ROOT, capture_output=True, text=True, timeout=120)

    # Control: the stock tiktoken path needs the network here, so the sockets are really off.
    stock = run("import tiktoken; tiktoken.get_encoding('cl100k_base')")
    assert stock.returncode != 0
    assert "network disabled by test" in stock.stderr

    ours = run("from assistant.text.tokens import count_tokens; print(count_tokens('hello world'), count_tokens('城乡建设绿色发展'))")
    assert ours.returncode == 0, ours.stderr
    assert ours.stdout.split() == ["2", str(count_tokens("城乡建设绿色发展"))]
