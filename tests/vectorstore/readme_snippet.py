"""The README's "直接用 Chroma 查询" snippet, run exactly as written (its local branch on the session index,
its server branch in tests/api/test_chroma_server.py)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"


def run_readme_snippet(monkeypatch: pytest.MonkeyPatch, **environment: str) -> dict[str, Any]:
    """Run the snippet with these POLICY_* variables set; returns its variables (`collection`, `hits`, …)."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    snippet = next(block for block in blocks if "query_embeddings=" in block)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    variables: dict[str, Any] = {}
    exec(compile(snippet, str(README), "exec"), variables)
    return variables
