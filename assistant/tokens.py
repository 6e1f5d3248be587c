"""Offline token counting with tiktoken's cl100k_base encoding.

tiktoken downloads its encoding files on first use, so `tiktoken.get_encoding("cl100k_base")` fails without
internet. The assistant must run offline, so the cl100k_base rank file is shipped in `assistant/resources/`
(sha256-checked on load) and the Encoding is built from it directly. The regex pattern and special tokens are
read from the source of `tiktoken_ext.openai_public.cl100k_base()` (parsed, never called: calling it downloads).
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from functools import cache
from importlib.resources import as_file, files

import tiktoken
from tiktoken.load import load_tiktoken_bpe
from tiktoken_ext import openai_public

ENCODING_NAME = "cl100k_base"
# sha256 of the rank file, as tiktoken_ext.openai_public.cl100k_base() expects it.
EXPECTED_HASH = "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"


def _cl100k_definition() -> tuple[str, dict[str, int]]:
    """The pat_str and special tokens of tiktoken's cl100k_base(), read from its source without calling it."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(openai_public.cl100k_base)))
    pat_str: str | None = None
    special_tokens: dict[str, int] | None = None
    for node in ast.walk(tree):
        targets = [getattr(t, "id", None) for t in node.targets] if isinstance(node, ast.Assign) else []
        if targets == ["special_tokens"] and isinstance(node.value, ast.Dict):
            # Keys are the module's constants (ENDOFTEXT, ...), values are literal ids.
            special_tokens = {getattr(openai_public, k.id): ast.literal_eval(v) for k, v in zip(node.value.keys, node.value.values)
                              if isinstance(k, ast.Name)}
        elif isinstance(node, ast.Dict):
            for k, v in zip(node.keys, node.values):
                if isinstance(k, ast.Constant) and k.value == "pat_str":
                    pat_str = ast.literal_eval(v)
    if pat_str is None or not special_tokens:
        raise RuntimeError("cannot read pat_str/special_tokens from tiktoken_ext.openai_public.cl100k_base(); has tiktoken changed?")
    return pat_str, special_tokens


@cache
def encoding() -> tiktoken.Encoding:
    """The cl100k_base Encoding, built from the shipped rank file (no network)."""
    pat_str, special_tokens = _cl100k_definition()
    with as_file(files("assistant") / "resources" / "cl100k_base.tiktoken") as path:
        ranks = load_tiktoken_bpe(str(path), expected_hash=EXPECTED_HASH)
    return tiktoken.Encoding(name=ENCODING_NAME, pat_str=pat_str, mergeable_ranks=ranks, special_tokens=special_tokens)


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
