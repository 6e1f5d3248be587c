"""The served document library: the corpus folder, its index, and the assistant answering from it.

Adding or removing a document rebuilds the index beside the live one and then swaps the
assistant in one assignment, so questions keep being answered, from the old index, meanwhile.
Removed files are moved to `data_dir/removed/`, never deleted.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from assistant.service import PolicyAssistant
from assistant.settings import Settings
from ingest.loaders import SUPPORTED_SUFFIXES, LoadError
from ingest.models import DocumentMeta
from ingest.pipeline import make_doc_id, parse_file, parse_paths
from vectorstore.embedders import Embedder, make_embedder
from vectorstore.index import IndexNotFoundError, PolicyIndex, build_index, current_build

logger = logging.getLogger(__name__)
_SAFE_NAME = re.compile(r"[^0-9A-Za-z_\-.\u4e00-\u9fff（）()]+")


class LibraryError(Exception):
    """A document operation refused; `code` is stable for API clients, the message is for people."""

    def __init__(self, message: str, code: str, status: int = 400) -> None:
        super().__init__(message)
        self.code, self.status = code, status


class Library:
    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self._embedder = embedder
        self._assistant: PolicyAssistant | None = None
        self._write_lock = threading.Lock()  # one add/remove at a time; reads never wait for it
        self._load_lock = threading.Lock()  # one index load at a time; reads keep the old index meanwhile
        self._unloadable: Path | None = None  # a live build that failed to load: not retried on every request

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = make_embedder(self.settings.embedding_model)
        return self._embedder

    @property
    def ready(self) -> bool:
        return self._assistant is not None

    @property
    def assistant(self) -> PolicyAssistant:
        if self._assistant is None:
            raise LibraryError("索引尚未就绪，请稍后再试。", "not_ready", 503)
        self._follow_live_build()
        return self._assistant

    def open(self, on_progress: Callable[[int, int], None] | None = None) -> None:
        """Load the index, building it from the corpus folder first if there is none; ready means warm."""
        if current_build(self.settings.index_path) is None:
            self._rebuild(on_progress)
        else:
            self._assistant = self._load()
        self.assistant.index.warm_up()

    def add(self, file_name: str, data: bytes) -> tuple[DocumentMeta, bool]:
        """Add (or replace, by file name) a document; returns its metadata and whether it replaced one."""
        name = _safe_file_name(file_name)
        if len(data) > self.settings.max_file_bytes:
            raise LibraryError(f"文件过大（{len(data) / 2**20:.1f} MB，上限 {self.settings.max_file_mb:g} MB）",
                               "file_too_large", 413)
        corpus = self.settings.corpus_path
        corpus.mkdir(parents=True, exist_ok=True)
        with self._write_lock:
            staging = corpus / f".{uuid.uuid4().hex}.partial{Path(name).suffix}"
            staging.write_bytes(data)
            try:
                document = parse_file(staging, self.settings.max_file_bytes, doc_id=make_doc_id(name))
            except LoadError as error:
                staging.unlink()
                raise LibraryError(f"无法作为文档加入：{error}", "bad_document") from error
            target = corpus / name
            duplicate = self._same_content(document.content_hash, exclude=target)
            if duplicate:
                staging.unlink()
                raise LibraryError(f"内容与已有文档“{duplicate}”相同，未重复加入。", "duplicate_document", 409)
            replaced = target.exists()
            if replaced:
                self._keep_removed(target)
            os.replace(staging, target)
            self._rebuild()
        meta = next(m for m in self.assistant.documents.values() if m.source_file == name)
        return meta, replaced

    def remove(self, doc_id: str) -> DocumentMeta:
        with self._write_lock:
            meta = self.assistant.documents.get(doc_id)
            if meta is None:
                raise LibraryError(f"没有文档“{doc_id}”。", "unknown_document", 404)
            self._keep_removed(self.settings.corpus_path / meta.source_file)
            self._rebuild()
        return meta

    def _rebuild(self, on_progress: Callable[[int, int], None] | None = None) -> None:
        parsed = parse_paths([self.settings.corpus_path], self.settings.max_file_bytes)
        if not parsed.documents:
            raise LibraryError(f"语料目录 {self.settings.corpus_path} 中没有可建索引的文档。", "empty_corpus", 409)
        with self._load_lock:
            build_index(parsed.documents, self.settings.index_path, self.embedder, self.settings.chunk_max_tokens, on_progress,
                        chroma_url=self.settings.chroma_url)
            self._assistant = self._load()

    def _load(self) -> PolicyAssistant:
        return PolicyAssistant(PolicyIndex.open(self.settings.index_path, self.embedder, self.settings.chroma_url), self.settings)

    def _follow_live_build(self) -> None:
        """Switch to a build another process made live: an `ingest` run beside the server, or an
        upload through another worker. Costs one small file read per request."""
        live = current_build(self.settings.index_path)
        if live is None or live in (self._assistant.index.build, self._unloadable) or not self._load_lock.acquire(blocking=False):
            return
        try:
            self._assistant = self._load()
        except IndexNotFoundError:
            logger.exception("新索引 %s 无法加载，继续使用 %s", live, self._assistant.index.build)
            self._unloadable = live
        finally:
            self._load_lock.release()

    def _same_content(self, content_hash: str, exclude: Path) -> str | None:
        if self._assistant is None:
            return None
        return next((d.meta.source_file for d in self._assistant.index.documents.values()
                     if d.content_hash == content_hash and d.meta.source_file != exclude.name), None)

    def _keep_removed(self, path: Path) -> None:
        removed = self.settings.data_dir / "removed"
        removed.mkdir(parents=True, exist_ok=True)
        shutil.move(str(path), removed / f"{time.strftime('%Y%m%d-%H%M%S')}-{path.name}")


def _safe_file_name(file_name: str) -> str:
    """The base name only ("../../etc/passwd" → "passwd"), characters kept to a safe set."""
    base = Path(file_name.replace("\\", "/")).name
    name = _SAFE_NAME.sub("_", base).strip("._")
    suffix = Path(name).suffix.lower()
    if not name or suffix not in SUPPORTED_SUFFIXES:
        raise LibraryError(f"不支持的文件“{file_name}”（支持 {'、'.join(SUPPORTED_SUFFIXES)}）", "unsupported_file")
    return name
