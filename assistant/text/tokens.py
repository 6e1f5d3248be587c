"""Offline token counting with tiktoken's cl100k_base encoding (for LLM context budgets).

tiktoken downloads its encoding files on first use, so `tiktoken.get_encoding("cl100k_base")` fails without
internet. The rank file is shipped in `assistant/text/resources/` (taken from the litellm wheel, sha256-checked on
load) and the Encoding is built from it with cl100k_base's pattern and special tokens; a test checks these
equal tiktoken's own definition.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from importlib.resources import files

import tiktoken

_RANKS_FILE = files("assistant.text") / "resources" / "cl100k_base.tiktoken"
_RANKS_SHA256 = "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"
_PATTERN = r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s"""
_SPECIAL_TOKENS = {"<|endoftext|>": 100257, "<|fim_prefix|>": 100258, "<|fim_middle|>": 100259, "<|fim_suffix|>": 100260,
                   "<|endofprompt|>": 100276}


@cache
def encoding() -> tiktoken.Encoding:
    """The cl100k_base Encoding, built from the shipped rank file (no network, no cache directory)."""
    data = _RANKS_FILE.read_bytes()
    if hashlib.sha256(data).hexdigest() != _RANKS_SHA256:
        raise RuntimeError(f"{_RANKS_FILE} is damaged (sha256 mismatch); reinstall the package")
    ranks = {base64.b64decode(token): int(rank) for token, rank in (line.split() for line in data.splitlines() if line)}
    return tiktoken.Encoding(name="cl100k_base", pat_str=_PATTERN, mergeable_ranks=ranks, special_tokens=_SPECIAL_TOKENS)


def count_tokens(text: str) -> int:
    """Number of cl100k_base tokens in text (special-token strings such as <|endoftext|> count as plain text)."""
    return len(encoding().encode_ordinary(text))


def truncate_to_tokens(text: str, max_tokens: int) -> str:
    """A prefix of text, cut on a token boundary, that encodes to at most max_tokens tokens (text itself if it fits)."""
    if max_tokens < 0:
        raise ValueError(f"max_tokens must be >= 0, got {max_tokens}")
    enc = encoding()
    tokens = enc.encode_ordinary(text)
    if len(tokens) <= max_tokens:
        return text
    # A cut can fall inside a multi-byte character (common for Chinese): decoding yields a trailing U+FFFD, dropped.
    # BPE is not prefix-stable, so re-check the count and back off a token in the rare case the prefix re-encodes longer.
    n = max_tokens
    while True:
        prefix = enc.decode(tokens[:n]).removesuffix("\ufffd")
        if len(enc.encode_ordinary(prefix)) <= max_tokens:
            return prefix
        n -= 1
