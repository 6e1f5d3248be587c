"""Ingest speed on the bundled corpus: cold (empty embedding cache), unchanged re-ingest, and
one changed document.

    python -m bench.ingest_speed

Works in a temporary data folder (the project's own index is not touched); writes
bench/results/ingest_speed.json.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from assistant.settings import Settings
from bench.results_file import write_result
from ingest.pipeline import parse_paths
from vectorstore.embedders import Embedder, make_embedder
from vectorstore.index import BuildReport, build_index

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"
CHANGED_DOCUMENT = "chifeng-2023-green-development.txt"


@dataclass
class IngestRun:
    report: BuildReport
    parse_s: float
    total_s: float

    def summary(self) -> dict[str, float | int | bool]:
        return {"seconds": round(self.total_s, 2), "parse_s": round(self.parse_s, 2), "documents": self.report.documents,
                "clauses": self.report.clauses, "chunks": self.report.chunks, "embedded": self.report.embedded,
                "clauses_per_s": round(self.report.clauses / self.total_s, 1), "unchanged": self.report.unchanged}


def ingest(corpus: Path, index: Path, embedder: Embedder, settings: Settings) -> IngestRun:
    """What `policy-assistant ingest` does, timed: parse the folder, then build (or keep) the index."""
    started = time.perf_counter()
    parsed = parse_paths([corpus], max_bytes=settings.max_file_bytes)
    parsed_at = time.perf_counter()
    report = build_index(parsed.documents, index, embedder, settings.chunk_max_tokens)
    return IngestRun(report, parsed_at - started, time.perf_counter() - started)


def main() -> None:
    settings = Settings()
    started = time.perf_counter()
    embedder = make_embedder(settings.embedding_model)
    embedder.embed_query("预热")
    load_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        corpus, index = Path(folder) / "corpus", Path(folder) / "index"
        shutil.copytree(CORPUS, corpus)
        cold = ingest(corpus, index, embedder, settings)
        unchanged = ingest(corpus, index, embedder, settings)
        changed = corpus / CHANGED_DOCUMENT
        changed.write_text(changed.read_text(encoding="utf-8").replace("18层", "16层", 1), encoding="utf-8")
        one_changed = ingest(corpus, index, embedder, settings)
    write_result("ingest_speed", {"embedder": embedder.name, "embedder_load_s": round(load_s, 2),
                                  "cold": cold.summary(), "unchanged": unchanged.summary(),
                                  "one_document_changed": one_changed.summary()})


if __name__ == "__main__":
    main()
