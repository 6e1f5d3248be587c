"""One way of writing a question: traditional characters in simplified (濟寧 → 济宁, OpenCC's t2s tables)."""

from __future__ import annotations

import functools

import opencc


def simplified(text: str) -> str:
    return _converter().convert(text)


@functools.cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")
