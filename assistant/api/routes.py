"""REST routes: ask (JSON and Server-Sent Events), browse and manage documents, health."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import asdict
from itertools import chain
from typing import Any, Literal

from fastapi import APIRouter, File, UploadFile
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from assistant.answer import Answer
from assistant.api.deps import Admin, LibraryDep, Reader
from assistant.api.errors import ApiError
from ingest.models import Document

router = APIRouter()


class Message(BaseModel):
    role: Literal["user", "assistant", "system"]
    content: str = Field(max_length=20000)


class AskRequest(BaseModel):
    question: str = Field(description="问题，如“县城新建住宅最高几层”")
    mode: Literal["auto", "extractive", "llm"] | None = Field(None, description="回答方式，默认取服务配置")
    history: list[Message] = Field(default_factory=list, max_length=40, description="此前的对话，用于追问")
    documents: list[str] | None = Field(None, description="只在这些文档中查找（doc_id）")
    regions: list[str] = Field(default_factory=list, description="只在这些地区的文档中查找，如 赤峰市")
    levels: list[str] = Field(default_factory=list, description="只在这些层级的文档中查找，如 自治区、盟市")


def ask_events(library: LibraryDep, request: AskRequest) -> Iterator[str | Answer]:
    """The assistant's event stream; argument errors are raised here, before any byte is sent."""
    history = [m.model_dump() for m in request.history]
    events = library.assistant.ask_stream(request.question, history, request.mode, request.documents, request.regions,
                                          request.levels)
    return chain([next(events)], events)


@router.post("/api/ask", response_model=Answer, dependencies=[Reader], tags=["问答"])
def ask(request: AskRequest, library: LibraryDep) -> Answer:
    """回答一个问题：答案（Markdown，含 [n] 标注）、是否有答案、引用（文件、文号、条款、原文）、回答方式、用时。"""
    return next(event for event in ask_events(library, request) if isinstance(event, Answer))


@router.post("/api/ask/stream", dependencies=[Reader], tags=["问答"],
             responses={200: {"content": {"text/event-stream": {}}, "description": "token…, citations, done"}})
def ask_stream(request: AskRequest, library: LibraryDep) -> StreamingResponse:
    """同 /api/ask，以 Server-Sent Events 流式返回：若干 token 事件（文本片段），然后 citations 事件，最后 done 事件
    （完整 Answer；若大模型回答未通过核验，done 中是原文摘录回答，客户端应以它替换已显示的文本）。"""
    events = ask_events(library, request)

    def stream() -> Iterator[str]:
        for event in events:
            if isinstance(event, Answer):
                yield _sse("citations", [c.model_dump() for c in event.citations])
                yield _sse("done", event.model_dump())
            else:
                yield _sse("token", {"text": event})

    return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})


@router.get("/api/documents", dependencies=[Reader], tags=["文档"])
def list_documents(library: LibraryDep) -> list[dict[str, Any]]:
    """全部文档的元数据（标题、文号、发文机关、日期、地区、层级、条款数）。"""
    return [{**asdict(d.meta), "clauses": len(d.clauses)} for d in library.assistant.index.documents.values()]


@router.get("/api/documents/{doc_id}", dependencies=[Reader], tags=["文档"])
def get_document(doc_id: str, library: LibraryDep) -> dict[str, Any]:
    """一份文档的元数据和条款树（每个条款的路径、标题、上级条款、层级、责任单位）。"""
    document = _document(library, doc_id)
    clauses = [{key: value for key, value in asdict(c).items() if key != "text"} for c in document.clauses]
    return {**asdict(document.meta), "clauses": clauses}


@router.get("/api/documents/{doc_id}/clauses/{path:path}", dependencies=[Reader], tags=["文档"])
def get_clause(doc_id: str, path: str, library: LibraryDep) -> dict[str, Any]:
    """打开一个条款：全文及其在规范化文档中的位置。"""
    document = _document(library, doc_id)
    clause = document.clause(path)
    if clause is None:
        raise ApiError(404, "unknown_clause", f"文档“{doc_id}”中没有条款“{path}”。")
    return {"document": asdict(document.meta), **asdict(clause)}


@router.post("/api/documents", dependencies=[Admin], tags=["文档"], status_code=201)
async def upload_document(library: LibraryDep, file: UploadFile = File(...)) -> JSONResponse:  # noqa: B008
    """上传文档（txt/docx/pdf/html，需管理员密钥）。同名文件视为新版本；索引更新期间问答照常。"""
    data = await file.read(library.settings.max_file_bytes + 1)
    meta, replaced = await run_in_threadpool(library.add, file.filename or "", data)
    return JSONResponse({**asdict(meta), "replaced": replaced}, status_code=200 if replaced else 201)


@router.delete("/api/documents/{doc_id}", dependencies=[Admin], tags=["文档"])
async def delete_document(doc_id: str, library: LibraryDep) -> dict[str, Any]:
    """删除文档（需管理员密钥）；文件移入 data/removed/ 备查。"""
    meta = await run_in_threadpool(library.remove, doc_id)
    return {**asdict(meta), "removed": True}


@router.get("/healthz", tags=["运维"])
def healthz() -> dict[str, str | int]:
    """进程存活；worker 为应答的工作进程号（多进程部署时便于排查）。"""
    return {"status": "ok", "worker": os.getpid()}


@router.get("/readyz", tags=["运维"])
def readyz(library: LibraryDep) -> JSONResponse:
    """索引已加载、可以回答问题。"""
    if not library.ready:
        return JSONResponse({"ready": False}, status_code=503)
    return JSONResponse({"ready": True, "documents": len(library.assistant.documents)})


def _document(library: LibraryDep, doc_id: str) -> Document:
    document = library.assistant.index.documents.get(doc_id)
    if document is None:
        raise ApiError(404, "unknown_document", f"没有文档“{doc_id}”。")
    return document


def _sse(event: str, data: Any) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"
