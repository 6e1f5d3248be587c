from __future__ import annotations

from ingest.chunks import make_chunks
from ingest.models import Document
from tests.vectorstore.hash_embedder import HashEmbedder

# Chunking needs only a token count: the stand-in's (one token a character), not the model's.
count_tokens = HashEmbedder().count_tokens


def test_long_clause_is_split_at_sentence_ends_keeping_its_path(corpus_documents: dict[str, Document]) -> None:
    document = corpus_documents["chifeng-2023-green-development.txt"]
    chunks = [c for c in make_chunks(document, 160, count_tokens) if c.path == "三（一）2"]
    assert len(chunks) > 1 and [c.part for c in chunks] == list(range(len(chunks)))
    assert "".join(c.text for c in chunks) == document.clause("三（一）2").text
    assert all(c.text.endswith(("。", "）")) for c in chunks[:-1])
    assert all(c.indexed_text.startswith("赤峰市推动城乡建设绿色发展实施方案 > ") for c in chunks)


def test_chunk_ids_are_stable_and_change_with_content(corpus_documents: dict[str, Document]) -> None:
    document = corpus_documents["jining-2022-green-development.txt"]
    first = [c.chunk_id for c in make_chunks(document, 400, count_tokens)]
    assert first == [c.chunk_id for c in make_chunks(document, 400, count_tokens)]
    assert len(set(first)) == len(first)
    document.meta.title += "（修订）"
    try:
        assert set(first).isdisjoint(c.chunk_id for c in make_chunks(document, 400, count_tokens))
    finally:
        document.meta.title = document.meta.title.removesuffix("（修订）")


def test_heading_only_clauses_and_back_matter_are_not_chunks(corpus_documents: dict[str, Document]) -> None:
    document = corpus_documents["inner-mongolia-2022-green-development.txt"]
    paths = {c.path for c in make_chunks(document, 400, count_tokens)}
    assert "二" not in paths and "版记" not in paths and "二（二）" in paths
    assert "前言3" in paths  # preamble text stays searchable (flagged for ranking)
