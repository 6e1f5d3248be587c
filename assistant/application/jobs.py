"""CorpusService changes as jobs: an upload or delete is queued, runs in the background one at a time,
reports its progress, and can be cancelled.

Each job's state is a small JSON file in `data_dir/jobs/`, so every worker process can report it,
a cancel sent to any worker reaches the one running it, and a job cut off by a restart is seen
as interrupted instead of running forever.
"""

from __future__ import annotations

import json
import os
import queue
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

Status = Literal["queued", "parsing", "indexing", "done", "failed", "cancelled"]
FINISHED: tuple[Status, ...] = ("done", "failed", "cancelled")
_JOB_ID = re.compile(r"[0-9a-f]{16}")
_KEEP_FINISHED = 200  # job files kept for status queries; older finished ones are removed


class JobCancelledError(Exception):
    """Raised inside a job's work when its cancel was requested."""


@dataclass
class Job:
    id: str
    kind: Literal["add", "remove"]
    target: str  # the uploaded file's name, or the doc_id to remove
    status: Status = "queued"
    done: int = 0  # chunks embedded so far
    total: int = 0
    message: str = ""
    code: str = ""  # stable error code when failed
    document: dict[str, Any] | None = None  # the added or removed document's metadata
    replaced: list[str] = field(default_factory=list)  # files this upload replaced (moved to removed/)
    cancel_requested: bool = False
    created: float = field(default_factory=time.time)
    finished: float | None = None

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    def public(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if key != "cancel_requested"}


class JobQueue:
    """Runs jobs one at a time on a background thread; their state lives in `folder`."""

    def __init__(self, folder: Path, run: Callable[[Job], None]) -> None:
        self.folder = folder
        self._run = run
        self._queue: queue.Queue[Job] = queue.Queue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def create(self, kind: Literal["add", "remove"], target: str) -> Job:
        """A new job, recorded as queued; `start` runs it once its input is in place."""
        job = Job(id=uuid.uuid4().hex[:16], kind=kind, target=target)
        self.save(job)
        return job

    def start(self, job: Job) -> Job:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name="library-jobs", daemon=True)
                self._thread.start()
        self._queue.put(job)
        return job

    def get(self, job_id: str) -> Job | None:
        path = self._path(job_id)
        if not _JOB_ID.fullmatch(job_id) or not path.is_file():
            return None
        try:
            return Job(**json.loads(path.read_text(encoding="utf-8")))
        except (ValueError, TypeError):
            return None

    def list(self) -> list[Job]:
        jobs = [self.get(p.stem) for p in self.folder.glob("*.json")] if self.folder.is_dir() else []
        return sorted((j for j in jobs if j is not None), key=lambda j: j.created, reverse=True)

    def request_cancel(self, job_id: str) -> Job | None:
        job = self.get(job_id)
        if job is not None and not job.is_finished:
            job.cancel_requested = True
            self.save(job)
        return job

    def check_cancelled(self, job: Job) -> None:
        """Raise JobCancelledError if a cancel for `job` was requested (by any process)."""
        stored = self.get(job.id)
        if stored is not None and stored.cancel_requested:
            raise JobCancelledError

    def save(self, job: Job) -> None:
        """Keep the requested cancel, whoever wrote it, and write atomically."""
        stored = self.get(job.id)
        job.cancel_requested = job.cancel_requested or bool(stored and stored.cancel_requested)
        self.folder.mkdir(parents=True, exist_ok=True)
        staging = self.folder / f".{job.id}.tmp"
        staging.write_text(json.dumps(asdict(job), ensure_ascii=False), encoding="utf-8")
        os.replace(staging, self._path(job.id))

    def interrupt_unfinished(self) -> list[Job]:
        """At start-up: jobs left queued or running by a process that is gone are marked failed."""
        interrupted = [job for job in self.list() if not job.is_finished]
        for job in interrupted:
            job.status, job.code, job.finished = "failed", "interrupted", time.time()
            job.message = "服务重启，任务中断；文档库未改动，请重新提交。"
            self.save(job)
        return interrupted

    def _work(self) -> None:
        while True:
            job = self._queue.get()
            self._run(job)
            self._forget_old()

    def _forget_old(self) -> None:
        finished = [job for job in self.list() if job.is_finished]
        for job in finished[_KEEP_FINISHED:]:
            self._path(job.id).unlink(missing_ok=True)

    def _path(self, job_id: str) -> Path:
        return self.folder / f"{job_id}.json"
