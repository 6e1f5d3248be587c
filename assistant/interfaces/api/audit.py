"""The audit log: one JSON line per upload, delete and refused request, in the data directory.

It records who (client address, key id — never the key) did what and how it ended, so an
administrator can answer "who changed the library" and "who is knocking".
"""

from __future__ import annotations

from typing import Any

from assistant.application.json_lines import JsonLines


class AuditLog(JsonLines):
    def record(self, event: str, **fields: Any) -> None:
        self.append({"event": event, **fields})
