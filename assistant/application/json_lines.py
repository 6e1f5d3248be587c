"""An append-only file of JSON lines in the data directory (the audit log, the answers' feedback)."""

from __future__ import annotations

import json
import logging
import threading
import time
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)


class JsonLines:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def append(self, entry: dict[str, Any]) -> dict[str, Any]:
        """Add `entry` with the time; a write that fails (a full disk) is logged, never raised."""
        entry = {"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **entry}
        line = json.dumps(entry, ensure_ascii=False)
        try:
            with self._lock:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with self.path.open("a", encoding="utf-8") as log:
                    log.write(line + "\n")
        except OSError:
            logger.exception("写入 %s 失败：%s", self.path.name, line)
        return entry

    def read(self, limit: int = 200) -> list[dict[str, Any]]:
        """The newest `limit` entries, newest last."""
        if not self.path.is_file():
            return []
        lines = self.path.read_text(encoding="utf-8", errors="replace").splitlines()[-limit:]
        return [json.loads(line) for line in lines if line.startswith("{")]
