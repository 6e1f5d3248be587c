"""The audit log: one JSON line per upload, delete and refused request, in the data directory.

It records who (client address, key id — never the key) did what and how it ended, so an
administrator can answer "who changed the library" and "who is knocking".
"""

from __future__ import annotations

import json
import logging
import threading
import time
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)


class AuditLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def record(self, event: str, **fields: Any) -> None:
        line = json.dumps({"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "event": event, **fields}, ensure_ascii=False)
        try:
            with self._lock:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with self.path.open("a", encoding="utf-8") as log:
                    log.write(line + "\n")
        except OSError:  # a full disk must not turn a refusal or an upload into a 500
            logger.exception("审计日志写入失败：%s", line)

    def read(self, limit: int = 200) -> list[dict[str, Any]]:
        """The newest `limit` entries, newest last."""
        if not self.path.is_file():
            return []
        lines = self.path.read_text(encoding="utf-8", errors="replace").splitlines()[-limit:]
        return [json.loads(line) for line in lines if line.startswith("{")]
