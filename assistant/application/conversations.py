"""Conversations a user keeps in their own browser: newest first, each with a name they can change.

A saved conversation is {"id", "title", "turns"}; `turns` is the page's conversation as data (questions,
answers and their citations). These functions only compute the new list; the page stores it.
"""

from __future__ import annotations

import uuid
from typing import Any

MAX_SAVED = 50  # older ones drop off: localStorage holds a few MB per site
MAX_TITLE_CHARS = 40

Saved = list[dict[str, Any]]


def remember(saved: Saved, conversation_id: str, turns: list[dict[str, Any]]) -> tuple[Saved, str]:
    """The list with this conversation first (a new one named after its first question), and its id."""
    if not turns:
        return saved, conversation_id
    earlier = next((c for c in saved if c["id"] == conversation_id), None)
    conversation_id = conversation_id or uuid.uuid4().hex[:12]
    title = earlier["title"] if earlier else _title(turns[0]["content"])
    others = [c for c in saved if c["id"] != conversation_id]
    return [{"id": conversation_id, "title": title, "turns": turns}, *others][:MAX_SAVED], conversation_id


def rename(saved: Saved, conversation_id: str, title: str) -> Saved:
    """A blank name leaves the conversation as it was."""
    title = _title(title)
    return [{**c, "title": title} if c["id"] == conversation_id and title else c for c in saved]


def forget(saved: Saved, conversation_id: str) -> Saved:
    return [c for c in saved if c["id"] != conversation_id]


def turns_of(saved: Saved, conversation_id: str) -> list[dict[str, Any]]:
    return next((c["turns"] for c in saved if c["id"] == conversation_id), [])


def title_of(saved: Saved, conversation_id: str) -> str:
    return next((c["title"] for c in saved if c["id"] == conversation_id), "")


def choices(saved: Saved) -> list[tuple[str, str]]:
    """(name shown, id) for a picker."""
    return [(c["title"], c["id"]) for c in saved]


def _title(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_TITLE_CHARS else text[:MAX_TITLE_CHARS] + "…"
