"""Every endpoint of the real server, over HTTP, including the OpenAI-compatible one with the
official `openai` client."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from urllib.parse import quote

import httpx
import openai
import pytest

from tests.servers import ADMIN_KEY, PORTAL, READER_KEY, Server

AUTH = {"Authorization": f"Bearer {READER_KEY}"}
QUESTION = "县城新建住宅最高几层"


def test_health_and_readiness(server: Server) -> None:
    assert httpx.get(f"{server.url}/healthz").json() == {"status": "ok", "worker": os.getpid()}  # served in-process here
    assert httpx.get(f"{server.url}/readyz").json() == {"ready": True, "documents": 5}


def test_ask_returns_the_cited_answer(server: Server) -> None:
    response = httpx.post(f"{server.url}/api/ask", json={"question": QUESTION, "mode": "extractive"}, headers=AUTH, timeout=30)
    assert response.status_code == 200
    answer = response.json()
    assert answer["answerable"] and "最高不超过18层" in answer["answer"] and answer["mode"] == "extractive"
    citation = answer["citations"][0]
    assert {"n", "doc_id", "source_file", "title", "doc_number", "clause", "heading", "quote", "text"} <= set(citation)
    assert citation["quote"] in citation["text"]


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"question": "   "}, 400, "empty_question"),
    ({"question": "问" * 600}, 400, "question_too_long"),
    ({"question": QUESTION, "documents": ["no-such-doc"]}, 404, "unknown_document"),
    ({"question": QUESTION, "mode": "magic"}, 422, "invalid_request"),
    ({"wrong": "field"}, 422, "invalid_request"),
])
def test_bad_requests_get_a_code_and_a_chinese_message(server: Server, body: dict, status: int, code: str) -> None:
    response = httpx.post(f"{server.url}/api/ask", json=body, headers=AUTH)
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["message"])


def test_oversized_request_is_refused(server: Server) -> None:
    response = httpx.post(f"{server.url}/api/ask", content=b'{"question": "' + b"x" * 100_000 + b'"}', headers={
        **AUTH, "Content-Type": "application/json"})
    assert (response.status_code, response.json()["code"]) == (413, "payload_too_large")


def test_keys_and_origins(server: Server) -> None:
    ask = f"{server.url}/api/ask"
    assert httpx.post(ask, json={"question": QUESTION}).status_code == 401
    assert httpx.post(ask, json={"question": QUESTION}, headers={"Authorization": "Bearer wrong"}).status_code == 401
    upload = httpx.post(f"{server.url}/api/documents", files={"file": ("a.txt", "一、总则\n内容。".encode())}, headers=AUTH)
    assert (upload.status_code, upload.json()["code"]) == (403, "forbidden")
    assert httpx.delete(f"{server.url}/api/documents/jining-2022-green-development", headers=AUTH).status_code == 403
    allowed = httpx.options(ask, headers={"Origin": PORTAL, "Access-Control-Request-Method": "POST"})
    assert allowed.headers.get("access-control-allow-origin") == PORTAL
    other = httpx.options(ask, headers={"Origin": "https://evil.example.com", "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in other.headers


def test_stream_sends_tokens_then_citations_then_done(server: Server) -> None:
    events: list[tuple[str, object]] = []
    with httpx.stream("POST", f"{server.url}/api/ask/stream", json={"question": QUESTION}, headers=AUTH, timeout=30) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        name = ""
        for line in response.iter_lines():
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                events.append((name, json.loads(line[6:])))
    names = [name for name, _ in events]
    assert names[-2:] == ["citations", "done"] and set(names[:-2]) == {"token"}
    done = events[-1][1]
    assert events[-2][1] == done["citations"] and done["citations"]
    assert "".join(data["text"] for name, data in events if name == "token") == done["answer"]


def test_stream_refuses_bad_input_as_json(server: Server) -> None:
    response = httpx.post(f"{server.url}/api/ask/stream", json={"question": ""}, headers=AUTH)
    assert (response.status_code, response.json()["code"]) == (400, "empty_question")


def test_openai_client_uses_the_assistant_as_a_model(server: Server) -> None:
    client = openai.OpenAI(base_url=f"{server.url}/v1", api_key=READER_KEY)
    assert "policy-assistant" in [m.id for m in client.models.list()]
    completion = client.chat.completions.create(model="policy-assistant", messages=[{"role": "user", "content": QUESTION}])
    assert "最高不超过18层" in completion.choices[0].message.content
    assert completion.model_extra["citations"][0]["clause"]
    chunks = list(client.chat.completions.create(model="policy-assistant-extractive", stream=True, messages=[
        {"role": "user", "content": "赤峰县城新建住宅最高几层？"}, {"role": "assistant", "content": "最高不超过18层。[1]"},
        {"role": "user", "content": "那阿拉善呢？"}]))
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert "12层" in text and chunks[-1].choices[0].finish_reason == "stop"
    assert chunks[-1].model_extra["citations"][0]["doc_id"] == "alxa-2023-carbon-peak"
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(model="gpt-4", messages=[{"role": "user", "content": QUESTION}])


def test_browse_documents_and_open_a_clause(server: Server) -> None:
    documents = httpx.get(f"{server.url}/api/documents", headers=AUTH).json()
    assert len(documents) == 5 and {"doc_id", "title", "doc_number", "issuer", "date", "region", "level"} <= set(documents[0])
    chifeng = httpx.get(f"{server.url}/api/documents/chifeng-2023-green-development", headers=AUTH).json()
    assert chifeng["doc_number"] == "赤政办发〔2023〕61号"
    assert {"path": "三（一）2", "parent_path": "三（一）"}.items() <= next(c for c in chifeng["clauses"] if c["path"] == "三（一）2").items()
    clause = httpx.get(f"{server.url}/api/documents/tongliao-2023-green-development/clauses/{quote('附件 序号6')}", headers=AUTH).json()
    assert "2025年指标：93%" in clause["text"] and clause["document"]["title"].startswith("通辽市")
    assert httpx.get(f"{server.url}/api/documents/nope", headers=AUTH).json()["code"] == "unknown_document"
    assert httpx.get(f"{server.url}/api/documents/chifeng-2023-green-development/clauses/九九", headers=AUTH).json()["code"] == \
        "unknown_clause"


def test_indicators_as_json_csv_and_xlsx_with_the_same_keys(server: Server) -> None:
    url = f"{server.url}/api/indicators"
    rows = httpx.get(url, params={"region": "通辽", "year": "2025", "indicator": "清洁取暖"}, headers=AUTH).json()
    assert {(r["clause"], r["value_text"], r["comparator"]) for r in rows} == {("三（二）6", "93%", ">="), ("附件 序号6", "93%", "=")}
    assert all(r["source"] and r["document"].startswith("通辽市") for r in rows)
    csv = httpx.get(url, params={"format": "csv", "region": "赤峰"}, headers=AUTH)
    assert csv.headers["content-type"].startswith("text/csv") and "attachment" in csv.headers["content-disposition"]
    assert csv.content.decode("utf-8-sig").startswith("地区,文件,文号,条款,指标") and "赤峰市" in csv.text
    xlsx = httpx.get(url, params={"format": "xlsx"}, headers=AUTH)
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    assert httpx.get(url).status_code == 401  # the same keys as every other read
    assert httpx.get(url, params={"year": "明年"}, headers=AUTH).status_code in (400, 422)
    assert httpx.get(url, params={"doc_id": "nope"}, headers=AUTH).json()["code"] == "unknown_document"
    assert httpx.get(url, params={"format": "pdf"}, headers=AUTH).status_code in (400, 422)


def test_api_docs_load_no_external_asset(server: Server) -> None:
    page = httpx.get(f"{server.url}/docs").text
    assert "swagger-ui" in page and "cdn" not in page.lower() and "https://" not in page
    assert httpx.get(f"{server.url}/openapi.json").json()["paths"]["/api/ask"]


def test_upload_and_delete_keep_the_index_consistent(make_server: Callable[..., Server]) -> None:
    server: Server = make_server(admin_key=ADMIN_KEY)
    admin = {"Authorization": f"Bearer {ADMIN_KEY}"}
    plan = "某县冬季清洁取暖工作方案\n一、工作目标\n（一）取暖目标。到2025年，全县清洁取暖率达到97%。\n".encode("gbk")
    response = httpx.post(f"{server.url}/api/documents?wait=true", files={"file": ("../../winter-heating.txt", plan)}, headers=admin,
                          timeout=120)
    assert response.status_code == 200 and response.json()["document"]["doc_id"] == "winter-heating"
    corpus = server.corpus.settings.corpus_path
    assert (corpus / "winter-heating.txt").read_bytes() == plan
    assert not (corpus.parent.parent / "winter-heating.txt").exists()  # nothing outside the data dir
    answer = httpx.post(f"{server.url}/api/ask", json={"question": "全县清洁取暖率到2025年达到多少"}, timeout=30).json()
    assert "97%" in answer["answer"]
    duplicate = httpx.post(f"{server.url}/api/documents?wait=true", files={"file": ("copy.txt", plan)}, headers=admin, timeout=60)
    assert (duplicate.status_code, duplicate.json()["code"]) == (409, "duplicate_document")
    refused = httpx.post(f"{server.url}/api/documents?wait=true", files={"file": ("blob.txt", bytes(range(256)) * 20)}, headers=admin)
    assert (refused.status_code, refused.json()["code"]) == (400, "bad_document")
    removed = httpx.delete(f"{server.url}/api/documents/winter-heating?wait=true", headers=admin, timeout=120).json()
    assert removed["status"] == "done" and removed["document"]["doc_id"] == "winter-heating"
    assert len(httpx.get(f"{server.url}/api/documents").json()) == 5
    assert list((server.corpus.settings.data_dir / "removed").glob("*winter-heating.txt"))
