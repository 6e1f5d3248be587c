"""Property-based requests generated from the project's own OpenAPI schema: no input makes a 500."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from assistant.application.corpus_service import CorpusService
from assistant.interfaces.api.app import create_app
from assistant.settings import Settings
from tests.conftest import CORPUS
from vectorstore.embedders import Embedder


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory, corpus_index_dir: Path, embedder: Embedder) -> schemathesis.BaseSchema:
    data = tmp_path_factory.mktemp("schema")
    shutil.copytree(CORPUS, data / "corpus")
    shutil.copytree(corpus_index_dir, data / "index")
    settings_ = Settings(data_dir=data, rate_limit_per_minute=0)  # no admin key: writes are refused, never run
    corpus = CorpusService(settings_, embedder)
    corpus.open()
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(settings_, corpus, with_ui=False))


def test_no_request_makes_a_server_error(api_schema: schemathesis.BaseSchema) -> None:
    # Driven per operation with plain Hypothesis: schemathesis' pytest fixture integration breaks on pytest 9.
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 8
    calls: list[int] = []
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def no_server_error(case: schemathesis.Case) -> None:
            response = case.call()
            calls.append(response.status_code)
            assert response.status_code < 500, f"{case.method} {case.path}: {response.status_code} {response.text[:300]}"
            if response.status_code >= 400:
                assert response.json()["code"] and response.json()["message"]

        no_server_error()
    assert len(calls) >= 5 * len(operations)  # the generator really reached every operation
