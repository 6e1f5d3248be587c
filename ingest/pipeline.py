"""Files in, parsed documents out: discovery, loading, normalising, clause parsing, metadata."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.clauses import parse_clauses
from ingest.loaders import SUPPORTED_SUFFIXES, LoadError, load_text
from ingest.metadata import MANIFEST_NAME, extract_meta, load_manifest
from ingest.models import Document, SkippedFile
from ingest.normalize import normalise


@dataclass
class ParseResult:
    documents: list[Document] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)


def discover(paths: Iterable[Path]) -> Iterator[Path]:
    """Every file under the given files and folders, sorted, without hidden files or manifests."""
    for path in paths:
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if not file.name.startswith(".") and file.name != MANIFEST_NAME:
                yield file


def parse_file(path: Path, max_bytes: int, doc_id: str | None = None,
               manifest_entry: dict[str, Any] | None = None) -> Document:
    """Parse one file; raises LoadError (reason in Chinese) when it cannot be a document."""
    raw = load_text(path, max_bytes)
    normalised = normalise(raw)
    if not normalised.text.strip():
        raise LoadError("文件没有可提取的文字")
    clauses = parse_clauses(normalised)
    doc_id = doc_id or make_doc_id(path.name)
    meta = extract_meta(doc_id, path.name, normalised.text, clauses, manifest_entry)
    content_hash = hashlib.sha256(normalised.text.encode("utf-8")).hexdigest()
    return Document(meta=meta, text=normalised.text, clauses=clauses, content_hash=content_hash)


def parse_paths(paths: Iterable[Path], max_bytes: int, on_file: Any = None) -> ParseResult:
    """Parse every supported file; the others are reported in `skipped`, never raised.

    `on_file(path)` is called before each file (for a progress bar).
    """
    result = ParseResult()
    manifests: dict[Path, dict[str, dict[str, Any]]] = {}
    used_ids: set[str] = set()
    for path in discover(paths):
        if on_file:
            on_file(path)
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            result.skipped.append(SkippedFile(str(path), f"不支持的文件类型“{path.suffix or '无扩展名'}”"))
            continue
        if path.parent not in manifests:
            manifests[path.parent] = load_manifest(path.parent)
        doc_id = _unique(make_doc_id(path.name), used_ids)
        try:
            document = parse_file(path, max_bytes, doc_id, manifests[path.parent].get(path.name))
        except LoadError as error:
            result.skipped.append(SkippedFile(str(path), str(error)))
            continue
        used_ids.add(doc_id)
        result.documents.append(document)
    return result


def add_to_corpus(paths: Iterable[Path], corpus_dir: Path, max_bytes: int) -> tuple[list[Path], list[SkippedFile]]:
    """Copy the files that parse as documents into the corpus folder (the index is always built
    from that folder, so added documents join the existing ones). Bad files are reported, not copied;
    a file with the name of an existing document replaces it (a new version)."""
    corpus_dir.mkdir(parents=True, exist_ok=True)
    added: list[Path] = []
    skipped: list[SkippedFile] = []
    for path in discover(paths):
        try:
            parse_file(path, max_bytes)
        except LoadError as error:
            skipped.append(SkippedFile(str(path), str(error)))
            continue
        target = corpus_dir / path.name
        if path.resolve() != target.resolve():
            staging = corpus_dir / f".{path.name}.{uuid.uuid4().hex}.partial"
            shutil.copyfile(path, staging)
            os.replace(staging, target)  # never a half-copied document in the corpus
        added.append(target)
    return added, skipped


def make_doc_id(file_name: str) -> str:
    """A stable id from the file name: letters, digits, CJK, '-' and '_' kept, the rest '-'."""
    stem = Path(file_name).stem
    return re.sub(r"[^0-9A-Za-z_\-\u4e00-\u9fff]+", "-", stem).strip("-").lower() or "document"


def _unique(doc_id: str, used: set[str]) -> str:
    candidate, number = doc_id, 2
    while candidate in used:
        candidate, number = f"{doc_id}-{number}", number + 1
    return candidate
