"""The served document corpus: the corpus folder, its index, and the assistant answering from it.

The corpus folder is the truth; the index is always rebuilt to match it. Every change is
all-or-nothing: a new index is built beside the live one first, and only when it is live does the
corpus folder change (an added file moved in, a replaced or removed one moved to
`data_dir/removed/`, never deleted). A change that fails or is cancelled leaves corpus and index as
they were. At start the two are reconciled. Questions are answered from the old index meanwhile.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from assistant.application.assistant_service import PolicyAssistant
from assistant.application.factory import open_index
from assistant.application.jobs import Job, JobCancelledError, JobQueue
from assistant.settings import Settings
from ingest.chunks import make_chunks
from ingest.loaders import SUPPORTED_SUFFIXES, LoadError
from ingest.metadata import load_manifest
from ingest.models import Document, DocumentMeta, SkippedFile
from ingest.pipeline import ParseResult, discover, make_doc_id, parse_file, parse_paths
from vectorstore.chroma_store import ServerWatch
from vectorstore.embedders import Embedder, make_embedder
from vectorstore.errors import IndexDamagedError, IndexUnavailableError, IndexWriteError, VectorServerUnavailableError, server_unavailable
from vectorstore.index import BuildReport, build_index, current_build

logger = logging.getLogger(__name__)
_SAFE_NAME = re.compile(r"[^0-9A-Za-z_\-.\u4e00-\u9fff（）()]+")
_MAX_NAME_BYTES = 200  # file systems allow 255 bytes; a CJK character takes 3
_NOT_READY = "索引尚未就绪，请稍后再试。"
Progress = Callable[[int, int], None]


class CorpusError(Exception):
    """A document operation refused; `code` is stable for programs (the API maps it to an HTTP status),
    the message is for people."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class Change:
    """What one add or remove did (or, for `ingest` without paths, what the reindex found)."""

    build: BuildReport
    documents: list[Document]  # every document now indexed
    added: list[DocumentMeta] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)  # corpus files moved to removed/ as old versions
    refused: list[SkippedFile] = field(default_factory=list)


class CorpusService:
    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self._embedder = embedder
        self._assistant: PolicyAssistant | None = None
        self._unloadable: Path | None = None  # a live build that failed to load: not retried on every request
        self._load_lock = threading.Lock()
        self.refused: list[SkippedFile] = []  # corpus files that could not be indexed, with the reason
        self.jobs = JobQueue(settings.data_dir / "jobs", self._run_job)
        self._vector_server = ServerWatch(settings.chroma_url) if settings.chroma_url else None

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = make_embedder(self.settings.embedding_model)
        return self._embedder

    @property
    def ready(self) -> bool:
        return self._assistant is not None

    def unready_reason(self) -> str:
        """Why questions cannot be answered now, in Chinese ("" when they can): the index is not loaded yet, or the
        Chroma server does not answer. Cheap enough for a health check polled every second."""
        if self._assistant is None:
            return _NOT_READY
        if self._vector_server is not None and not self._vector_server.reachable():
            return str(server_unavailable(self._vector_server.server_url))
        return ""

    @property
    def assistant(self) -> PolicyAssistant:
        if self._assistant is None:
            raise CorpusError(_NOT_READY, "not_ready")
        self._follow_live_build()
        return self._assistant

    def open(self, on_progress: Progress | None = None, reconcile: bool = True) -> None:
        """Load the index, first making it match the corpus folder (building it if there is none).
        Ready means warm. Worker processes skip the reconcile: the parent did it before starting them."""
        if reconcile:
            self._clean_leftovers()
            self.reindex(on_progress)
        else:
            self._load_live()
        self.assistant.index.warm_up()

    def reindex(self, on_progress: Progress | None = None, force: bool = False) -> Change:
        """Make the index match the corpus folder: unchanged files cost nothing, a damaged or missing
        index is rebuilt (vectors come from the cache)."""
        with self._exclusive():
            parsed = self._parse_corpus()
            if not parsed.documents:
                raise CorpusError(f"语料目录 {self.settings.corpus_path} 中没有可建索引的文档。", "empty_corpus")
            report = self._build(parsed.documents, on_progress, force or self._metadata_changed(parsed.documents))
        return Change(report, parsed.documents, refused=parsed.skipped)

    def add_files(self, paths: Iterable[Path], on_progress: Progress | None = None,
                  cancelled: Callable[[], None] = lambda: None) -> Change:
        """Add documents (a new version replaces the old one: same name, any format or letter case).
        Files that cannot be documents are refused with the reason; the others are added together."""
        staged: dict[str, tuple[Document, Path]] = {}  # by doc_id: of two versions given, the last wins
        errors: list[tuple[Path, CorpusError]] = []
        manifest = self._manifest()
        for path in discover(paths):
            try:
                document = self._parse_new(path, manifest)
                staged[document.meta.doc_id] = (document, path)
            except CorpusError as error:
                errors.append((path, error))
        if not staged:
            code = errors[0][1].code if len(errors) == 1 else "bad_document"
            raise CorpusError("没有可加入的文档：" + "；".join(f"{p.name}：{e}" for p, e in errors), code)
        with self._exclusive():
            kept = [d for d in self._live_documents() if d.meta.doc_id not in staged]
            for document, path in staged.values():
                self._refuse_duplicate(document, kept, path.name)
            cancelled()
            report = self._build(kept + [d for d, _ in staged.values()], _cancellable(on_progress, cancelled))  # the index first
            sources = {path.resolve() for _, path in staged.values()}
            replaced = [self._keep_removed(old) for old in self._corpus_files()
                        if make_doc_id(old.name) in staged and old.resolve() not in sources]
            for document, path in staged.values():
                _place(path, self.settings.corpus_path / document.meta.source_file)
        self.refused = [s for s in self.refused if make_doc_id(Path(s.path).name) not in staged]
        refused = [SkippedFile(str(p), str(e)) for p, e in errors]
        new = [d for d, _ in staged.values()]
        return Change(report, kept + new, [d.meta for d in new], [p.name for p in replaced], refused)

    def remove(self, doc_id: str, on_progress: Progress | None = None) -> DocumentMeta:
        """Remove a document: the index without it goes live, then its file moves to removed/."""
        meta = self.assistant.documents.get(doc_id)
        if meta is None:
            raise CorpusError(f"没有文档“{doc_id}”。", "unknown_document")
        with self._exclusive():
            kept = [d for d in self._live_documents() if d.meta.doc_id != doc_id]
            if not kept:
                raise CorpusError("这是文档库中的最后一份文档，不能删除。", "last_document")
            self._build(kept, on_progress)
            self._keep_removed(self.settings.corpus_path / meta.source_file)
        return meta

    def remove_refused(self, file_name: str) -> None:
        """Move a corpus file that could not be indexed to removed/."""
        entry = next((s for s in self.refused if Path(s.path).name == file_name), None)
        if entry is None:
            raise CorpusError(f"没有未能加入索引的文件“{file_name}”。", "unknown_file")
        self._keep_removed(Path(entry.path))
        self.refused.remove(entry)

    # — jobs: uploads and deletes from the API —

    def submit_add(self, file_name: str, data: bytes) -> Job:
        """Store an upload and queue the job that adds it; refused at once if it cannot be a file we take."""
        name = safe_file_name(file_name)
        if len(data) > self.settings.max_file_bytes:
            raise CorpusError(f"文件过大（{len(data) / 2**20:.1f} MB，上限 {self.settings.max_file_mb:g} MB）",
                               "file_too_large")
        job = self.jobs.create("add", name)
        staged = self._upload_path(job)
        try:
            staged.parent.mkdir(parents=True, exist_ok=True)
            staged.write_bytes(data)
        except OSError as error:
            shutil.rmtree(staged.parent, ignore_errors=True)
            self._finish(job, "failed", f"无法保存上传的文件（{error.strerror}），可能是磁盘已满；文档库未改动。", "write_failed")
            raise CorpusError(job.message, "write_failed") from error
        return self.jobs.start(job)

    def submit_remove(self, doc_id: str) -> Job:
        if doc_id not in self.assistant.documents:
            raise CorpusError(f"没有文档“{doc_id}”。", "unknown_document")
        return self.jobs.start(self.jobs.create("remove", doc_id))

    def _run_job(self, job: Job) -> None:
        def progress(done: int, total: int) -> None:
            job.status, job.done, job.total = "indexing", done, total
            self.jobs.save(job)

        try:
            self.jobs.check_cancelled(job)
            job.status = "parsing"
            self.jobs.save(job)
            if job.kind == "add":
                change = self.add_files([self._upload_path(job)], progress, lambda: self.jobs.check_cancelled(job))
                job.document, job.replaced = change.added[0].to_dict(), change.replaced
            else:
                job.document = self.remove(job.target, progress).to_dict()
            self._finish(job, "done", "已完成。")
        except JobCancelledError:
            self._finish(job, "cancelled", "已取消；文档库未改动。", "cancelled")
        except CorpusError as error:
            self._finish(job, "failed", str(error), error.code)
        except Exception as error:  # storage faults and the like: reported, the corpus stays as it was
            logger.exception("文档任务 %s 失败", job.id)
            self._finish(job, "failed", _failure_message(error), _failure_code(error))
        finally:
            shutil.rmtree(self._upload_path(job).parent, ignore_errors=True)

    def _finish(self, job: Job, status: str, message: str, code: str = "") -> None:
        job.status, job.message, job.code, job.finished = status, message, code, time.time()  # type: ignore[assignment]
        self.jobs.save(job)

    def _upload_path(self, job: Job) -> Path:
        return self.settings.data_dir / "uploads" / job.id / job.target

    # — building blocks —

    def _parse_new(self, path: Path, manifest: dict[str, dict]) -> Document:
        name = safe_file_name(path.name)
        try:
            document = parse_file(path, self.settings.max_file_bytes, doc_id=make_doc_id(name),
                                  manifest_entry=manifest.get(name), max_chars=self.settings.max_document_chars)
        except LoadError as error:
            raise CorpusError(f"无法作为文档加入：{error}", "bad_document") from error
        document.meta.source_file = name
        chunks = len(make_chunks(document, self.settings.chunk_max_tokens, self.embedder.count_tokens))
        if chunks > self.settings.max_document_chunks:
            raise CorpusError(f"文档过长（{chunks} 个检索片段，上限 {self.settings.max_document_chunks}），请拆分后再加入。",
                               "document_too_long")
        return document

    def _refuse_duplicate(self, document: Document, others: list[Document], name: str) -> None:
        duplicate = next((d.meta.source_file for d in others if d.content_hash == document.content_hash), None)
        if duplicate:
            raise CorpusError(f"“{name}”的内容与已有文档“{duplicate}”相同，未重复加入。", "duplicate_document")

    def _build(self, documents: list[Document], on_progress: Progress | None, force: bool = False) -> BuildReport:
        report = build_index(documents, self.settings.index_path, self.embedder, self.settings.chunk_max_tokens, on_progress,
                             force=force, chroma_url=self.settings.chroma_url)
        if self._assistant is None or self._assistant.index.build.name != report.build:
            self._load_live()
        return report

    def _live_documents(self) -> list[Document]:
        if self._assistant is not None:
            return list(self.assistant.index.documents.values())  # following a build another process made live
        return self._parse_corpus().documents

    def _metadata_changed(self, documents: list[Document]) -> bool:
        """True when the live index holds other metadata for these documents (a manifest was edited):
        the chunks, and so the unchanged-check of the build, do not see that."""
        if current_build(self.settings.index_path) is None:
            return False
        if self._assistant is None:
            try:
                self._load_live()
            except IndexDamagedError:  # rebuild it
                return True
        live = {d.meta.doc_id: d.meta for d in self._assistant.index.documents.values()}
        return live != {d.meta.doc_id: d.meta for d in documents}

    @contextlib.contextmanager
    def _exclusive(self) -> Iterator[None]:
        """One corpus change at a time, across processes (a server's jobs, `ingest` beside it)."""
        self.settings.index_path.mkdir(parents=True, exist_ok=True)
        with (self.settings.index_path / ".corpus.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def _parse_corpus(self) -> ParseResult:
        try:
            parsed = parse_paths([self.settings.corpus_path], self.settings.max_file_bytes,
                                 max_chars=self.settings.max_document_chars)
        except ValueError as error:  # a broken manifest.json
            raise CorpusError(str(error), "bad_manifest") from error
        self.refused = parsed.skipped
        return parsed

    def _manifest(self) -> dict[str, dict]:
        try:
            return load_manifest(self.settings.corpus_path)
        except ValueError as error:
            raise CorpusError(str(error), "bad_manifest") from error

    def _corpus_files(self) -> list[Path]:
        corpus = self.settings.corpus_path
        return sorted(p for p in corpus.iterdir() if p.is_file() and not p.name.startswith(".")) if corpus.is_dir() else []

    def _clean_leftovers(self) -> None:
        """What a killed process left: half-copied files, stored uploads, unfinished jobs."""
        corpus = self.settings.corpus_path
        for partial in corpus.glob(".*.partial*") if corpus.is_dir() else []:
            partial.unlink(missing_ok=True)
        shutil.rmtree(self.settings.data_dir / "uploads", ignore_errors=True)
        for job in self.jobs.interrupt_unfinished():
            logger.warning("任务 %s（%s %s）因服务重启而中断", job.id, job.kind, job.target)

    def _load_live(self) -> None:
        """Answer from the live build. One load at a time: two Chroma clients opening one folder at once fail."""
        with self._load_lock:
            self._assistant = self._open_live()

    def _open_live(self) -> PolicyAssistant:
        return PolicyAssistant(open_index(self.settings, self.embedder), self.settings)

    def _follow_live_build(self) -> None:
        """Switch to a build another process made live: an `ingest` run beside the server, or an
        upload through another worker. Costs one small file read per request.

        A request that finds a newer live build waits for it to load (a second or two), even while another
        request or this process's own upload is loading it: once a write is acknowledged, every worker
        answers from the new build, never from the one it replaced."""
        live = current_build(self.settings.index_path)
        if live is None or live in (self._assistant.index.build, self._unloadable):
            return
        try:
            with self._load_lock:
                if live not in (self._assistant.index.build, self._unloadable):  # not loaded while we waited
                    self._assistant = self._open_live()
        except VectorServerUnavailableError:
            logger.warning("Chroma 服务器暂时不可用，继续使用 %s", self._assistant.index.build)
        except IndexUnavailableError:
            logger.exception("新索引 %s 无法加载，继续使用 %s", live, self._assistant.index.build)
            self._unloadable = live

    def _keep_removed(self, path: Path) -> Path:
        removed = self.settings.data_dir / "removed"
        removed.mkdir(parents=True, exist_ok=True)
        target = removed / f"{time.strftime('%Y%m%d-%H%M%S')}-{path.name}"
        shutil.move(str(path), target)
        return path


def safe_file_name(file_name: str) -> str:
    """The base name only ("../../etc/passwd" → "passwd"), characters kept to a safe set, length bounded."""
    base = Path(file_name.replace("\\", "/")).name
    name = _SAFE_NAME.sub("_", base).strip("._")
    suffix = Path(name).suffix.lower()
    if not name or suffix not in SUPPORTED_SUFFIXES:
        raise CorpusError(f"不支持的文件“{file_name[:80]}”（支持 {'、'.join(SUPPORTED_SUFFIXES)}）", "unsupported_file")
    stem = Path(name).stem.encode()[: _MAX_NAME_BYTES - len(suffix)].decode("utf-8", errors="ignore")
    return stem + suffix


def _place(source: Path, target: Path) -> None:
    """Copy a file into the corpus folder so that it is either wholly there or not at all."""
    if source.resolve() == target.resolve():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".{target.name}.partial"
    shutil.copyfile(source, staging)
    os.replace(staging, target)


def _cancellable(on_progress: Progress | None, cancelled: Callable[[], None]) -> Progress:
    def progress(done: int, total: int) -> None:
        cancelled()
        if on_progress:
            on_progress(done, total)

    return progress


def _failure_code(error: Exception) -> str:
    """A failed job's code: the vector server down (503, retry later) and a failed write (507) are not our bug."""
    if isinstance(error, VectorServerUnavailableError):
        return "vector_server_unavailable"
    return "write_failed" if isinstance(error, IndexWriteError | OSError) else "internal_error"


def _failure_message(error: Exception) -> str:
    if isinstance(error, IndexUnavailableError):
        return str(error)
    if isinstance(error, OSError):
        return f"写入失败（{error.strerror or error}），可能是磁盘已满或没有写权限；文档库未改动。"
    return f"处理失败（{type(error).__name__}）；文档库未改动。"
