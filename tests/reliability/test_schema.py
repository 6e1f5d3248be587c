"""The OpenAPI document tells the truth: schemathesis, run as its users run it (the CLI, every check, against a
live server), generates requests from /openapi.json and finds no response the document does not describe,
no schema-valid request refused, no invalid one accepted, no server error, no wrong answer to a wrong method.
Once with keys (a reader's key: the administrator's operations must answer 403 as documented), once without."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.servers import READER_KEY, Server

pytestmark = pytest.mark.system
_EXAMPLES = 15  # per operation and phase; with every check this is ~1 000 requests a run
_SEED = "20261202"
_CONFIG = Path(__file__).with_name("schemathesis.toml")  # a fixed seed: the same requests every run, so a failure in CI can be replayed here


def _schemathesis(server: Server, *headers: str) -> subprocess.CompletedProcess[str]:
    command = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    assert command, "schemathesis is in the test extra"
    arguments = [command, "--config-file", str(_CONFIG), "run", f"{server.url}/openapi.json", "--checks", "all", "--max-examples", str(_EXAMPLES),
                 "--seed", _SEED, "--generation-database", "none", "--no-color", "--workers", "1"]
    for header in headers:
        arguments += ["--header", header]
    return subprocess.run(arguments, capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("keys", [True, False], ids=["with-keys", "reads-open"])
def test_schemathesis_finds_nothing_the_document_does_not_say(make_server: Callable[..., Server], keys: bool) -> None:
    settings: dict[str, object] = {"rate_limit_per_minute": 0}  # 429 is documented, but would stop the generator early
    if keys:
        settings |= {"api_keys": [READER_KEY], "admin_key": "admin-key-never-given"}
    server = make_server(**settings)
    run = _schemathesis(server, f"Authorization: Bearer {READER_KEY}") if keys else _schemathesis(server)
    assert run.returncode == 0, _failures(run.stdout) + run.stderr[-2000:]
    assert "No issues found" in run.stdout or " passed" in run.stdout, run.stdout[-2000:]


def test_the_document_names_the_keys_and_every_refusal(make_server: Callable[..., Server]) -> None:
    server = make_server(api_keys=[READER_KEY], admin_key="admin-key-never-given", rate_limit_per_minute=30)
    document = httpx.get(f"{server.url}/openapi.json").json()
    schemes = document["components"]["securitySchemes"]
    assert {scheme["scheme"] for scheme in schemes.values()} == {"bearer"} and len(schemes) == 2
    ask = document["paths"]["/api/ask"]["post"]
    upload = document["paths"]["/api/documents"]["post"]
    assert {"400", "401", "404", "413", "429", "503"} <= set(ask["responses"])
    assert {"401", "403", "409", "413"} <= set(upload["responses"])
    assert len(ask["security"]) == 2 and upload["security"] == [{"adminKey": []}]  # a reader's key cannot upload
    error = ask["responses"]["404"]["content"]["application/json"]["schema"]["$ref"]
    assert error.endswith("/ErrorBody")
    chat = document["paths"]["/v1/chat/completions"]["post"]["responses"]
    assert chat["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/OpenAIErrorBody")
    question = document["components"]["schemas"]["AskRequest"]["properties"]["question"]
    assert question["minLength"] == 1 and question["maxLength"] == 500
    assert httpx.get(f"{server.url}/openapi.json").json()["paths"]["/healthz"]["get"]["security"] == []


def _failures(report: str) -> str:
    """The report's failures, each request shortened (generated bodies run to megabytes)."""
    failures = report.partition("FAILURES")[2].partition("WARNINGS")[0] or report[-4000:]
    return "\n".join(line[:400] for line in failures.splitlines())[:12000]
