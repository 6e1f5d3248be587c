"""Document text is text: markup inside a document or an LLM reply must never come alive in our Markdown.

A document may contain `<img src=… onerror=…>` or `![p](http://x/p.png)` (a tracking pixel) or
`[点此](http://evil)`; a model that read such a document may repeat it. `escape_markdown` makes
document-derived text render as its literal characters; `strip_markup` reduces an LLM reply to plain
text with our own [n] markers, bold and lists.
"""

from __future__ import annotations

import html
import re

from ingest.quantities import CITATION

# ASCII only: Chinese punctuation (（）《》【】) is never markup and keeps its look in plain-text clients.
_MARKDOWN_SYNTAX = re.compile(r"([\\`*_\[\]|~])")
_TAG = re.compile(r"<[A-Za-z/!?][^<>]*>")  # HTML tags, comments and autolinks (<http://…>)
_IMAGE_OR_LINK = re.compile(r"!?\[([^\[\]\n]*)\]\([^()\n]*\)")
# Brackets, "<" and backslashes left over once whole links and tags are gone (a backslash could re-arm an escaped
# bracket); our citation markers are matched first and kept.
_LOOSE = re.compile(rf"(?P<marker>{CITATION.pattern})|[\[\]<\\]")
# Web addresses: a renderer turns bare ones into live links, so they are shown as code (`…`), which no renderer links.
_URL = re.compile(r"((?:https?|ftp)://[\w\-.~:/?#@!$&'*+,;=%]+|www\.[\w\-.~/?#@!$&'*+,;=%]+)", re.IGNORECASE | re.ASCII)
# "[1]: http://x" at a line start would make every [1] a link
_DEFINITION = re.compile(r"^([ \t]*)\[([^\[\]\n]*)\]:", re.MULTILINE)


def escape_markdown(text: str) -> str:
    """`text` from a document, made safe to insert into Markdown: it renders as exactly these characters."""
    parts = _URL.split(text)  # odd positions are web addresses
    return "".join(f"`{part}`" if i % 2 else _escaped(part) for i, part in enumerate(parts))


def _escaped(text: str) -> str:
    return _MARKDOWN_SYNTAX.sub(r"\\\1", html.escape(text, quote=False))  # quote=False: "&#x27;" would add a number


def strip_markup(text: str) -> str:
    """An LLM reply without live markup: tags removed, links and images reduced to their text.

    Works on any piece of a reply on its own (the reply is checked and shown sentence by sentence), so
    a tag or link cut in two by a sentence boundary is disarmed too: leftover brackets and "<" are escaped.
    Numbers are left as they are, so the citation check sees what the user sees.
    """
    text = _TAG.sub("", text)
    text = _IMAGE_OR_LINK.sub(_link_text, text)
    text = _LOOSE.sub(_disarmed, text)
    text = _URL.sub(r"`\1`", text)
    return _DEFINITION.sub(r"\1\\[\2\\]:", text)


def _disarmed(match: re.Match[str]) -> str:
    if match.group("marker"):
        return match.group()
    return "&lt;" if match.group() == "<" else "\\" + match.group()


def _link_text(match: re.Match[str]) -> str:
    """[点此](url) → 点此; a citation made into a link, [1](url), stays the marker [1]."""
    label = match.group(1)
    return f"[{label}]" if CITATION.fullmatch(f"[{label}]") else label
