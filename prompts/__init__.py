"""Prompt files (Chinese) for the LLM answer mode; loaded as package data, never inlined in code."""

from __future__ import annotations

from functools import cache
from importlib.resources import files


@cache
def load(name: str) -> str:
    """The text of prompts/<name>.md."""
    return (files("prompts") / f"{name}.md").read_text(encoding="utf-8")
