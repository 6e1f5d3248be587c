"""REST routes: ask (JSON and Server-Sent Events), browse and manage documents, 指标库, health."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Iterator
from dataclasses import asdict
from itertools import chain
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from assistant.answer import Answer, Mode
from assistant.application.assistant_service import MAX_QUESTION_CHARS, QUESTION_PATTERN
from assistant.application.corpus_service import CorpusError, CorpusService
from assistant.application.indicator_table import IndicatorRow, export, indicator_rows
from assistant.application.jobs import Job
from assistant.interfaces.api.audit import AuditLog
from assistant.interfaces.api.deps import Admin, AuditDep, CorpusDep, FeedbackDep, Reader, identity
from assistant.interfaces.api.errors import CORPUS_STATUS, ApiError
from assistant.interfaces.api.openapi import refusals
from ingest.models import Document
from ingest.places import LEVEL_ALIASES

router = APIRouter()
# With wait=true an upload or delete answers once its job has ended: 200 done, or the failure's own status.
_JOB_ENDS: dict[int | str, dict[str, Any]] = {200: {"description": "wait=true：任务已完成（任务状态）"},
                                              **refusals(400, 409, 413, 500, 503, 507)}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CitedClause(BaseModel):
    """A clause an earlier answer cited: send an Answer's citations back as they came (extra fields are ignored)."""

    n: int
    doc_id: str = Field(max_length=200)
    clause: str = Field(max_length=200)


class Message(BaseModel):
    role: Literal["user", "assistant", "system"]
    content: str = Field(max_length=20000)
    citations: list[CitedClause] = Field(default_factory=list, max_length=50,
                                         description="assistant turns: the answer's citations, so “第二条具体怎么说？” opens the right clause")
    understood_as: str = Field("", max_length=2000, description="assistant turns: the answer's understood_as")


# Document levels by any name the filter understands (ingest/places.py).
Level = Literal[tuple(dict.fromkeys([*LEVEL_ALIASES.values(), *LEVEL_ALIASES]))]  # type: ignore[valid-type]


class AskRequest(BaseModel):
    # The limits are checked by the assistant (its own Chinese messages, 400); the schema states them for clients.
    question: str = Field(description=f"问题，如“县城新建住宅最高几层”（不超过 {MAX_QUESTION_CHARS} 字）",
                          json_schema_extra={"minLength": 1, "maxLength": MAX_QUESTION_CHARS, "pattern": QUESTION_PATTERN})
    mode: Mode | None = Field(None, description="回答方式，默认取服务配置")
    history: list[Message] = Field(default_factory=list, max_length=40, description="此前的对话，用于追问")
    documents: list[str] | None = Field(None, description="只在这些文档中查找（doc_id）")
    regions: list[str] = Field(default_factory=list, description="只在这些地区的文档中查找，如 赤峰市；省或自治区包括其下各市县的文档")
    levels: list[Level] = Field(default_factory=list, description="只在这些层级的文档中查找：国家、部委、省、市、区县（也认 自治区、盟市、旗县）")


def ask_events(corpus: CorpusDep, request: AskRequest) -> Iterator[str | Answer]:
    """The assistant's event stream; argument errors are raised here, before any byte is sent."""
    history = [m.model_dump() for m in request.history]
    events = corpus.assistant.ask_stream(request.question, history, request.mode, request.documents, request.regions,
                                          request.levels)
    return chain([next(events)], events)


@router.post("/api/ask", response_model=Answer, dependencies=[Reader], tags=["问答"], responses=refusals(400, 404))
def ask(request: AskRequest, corpus: CorpusDep) -> Answer:
    """回答一个问题：答案（Markdown，含 [n] 标注）、是否有答案、引用（文件、文号、条款、原文）、回答方式、用时。"""
    return next(event for event in ask_events(corpus, request) if isinstance(event, Answer))


@router.post("/api/ask/stream", dependencies=[Reader], tags=["问答"],
             responses={200: {"content": {"text/event-stream": {}}, "description": "token…, citations, done"}, **refusals(400, 404)})
def ask_stream(request: AskRequest, corpus: CorpusDep) -> StreamingResponse:
    """同 /api/ask，以 Server-Sent Events 流式返回：若干 token 事件（文本片段），然后 citations 事件，最后 done 事件
    （完整 Answer；若大模型回答未通过核验，done 中是原文摘录回答，客户端应以它替换已显示的文本）。"""
    events = ask_events(corpus, request)

    def stream() -> Iterator[str]:
        for event in events:
            if isinstance(event, Answer):
                yield _sse("citations", [c.model_dump() for c in event.citations])
                yield _sse("done", event.model_dump())
            else:
                yield _sse("token", {"text": event})

    return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})


@router.get("/api/documents", dependencies=[Reader], tags=["文档"])
def list_documents(corpus: CorpusDep) -> list[dict[str, Any]]:
    """全部文档的元数据（标题、文号、发文机关、日期、地区、层级、条款数）。"""
    return [{**d.meta.to_dict(), "clauses": len(d.clauses)} for d in corpus.assistant.index.documents.values()]


@router.get("/api/documents/{doc_id}", dependencies=[Reader], tags=["文档"], responses=refusals(404))
def get_document(doc_id: str, corpus: CorpusDep) -> dict[str, Any]:
    """一份文档的元数据和条款树（每个条款的路径、标题、上级条款、层级、责任单位）。"""
    document = _document(corpus, doc_id)
    clauses = [{key: value for key, value in asdict(c).items() if key != "text"} for c in document.clauses]
    return {**document.meta.to_dict(), "clauses": clauses}


@router.get("/api/documents/{doc_id}/clauses/{path:path}", dependencies=[Reader], tags=["文档"], responses=refusals(404))
def get_clause(doc_id: str, path: str, corpus: CorpusDep) -> dict[str, Any]:
    """打开一个条款：全文及其在规范化文档中的位置。"""
    document = _document(corpus, doc_id)
    clause = document.clause(path)
    if clause is None:
        raise ApiError(404, "unknown_clause", f"文档“{doc_id}”中没有条款“{path}”。")
    return {"document": document.meta.to_dict(), **asdict(clause)}


@router.get("/api/indicators", dependencies=[Reader], tags=["指标库"], response_model=list[IndicatorRow],
            responses={200: {"content": {"text/csv": {}, XLSX: {}}, "description": "JSON 行，或 format=csv/xlsx 时的文件"}, **refusals(404)})
def list_indicators(corpus: CorpusDep, region: str = Query("", max_length=50, description="地区，包含即可，如 赤峰"),
                    year: str = Query("", pattern=r"^(\d{4})?$", description="目标年份，如 2025"),
                    indicator: str = Query("", max_length=50, description="指标名称，如 清洁取暖率（字序一致即可）"),
                    doc_id: str = Query("", max_length=200, description="只列这份文档的指标"),
                    format: Literal["json", "csv", "xlsx"] = Query("json", description="json（默认）、csv 或 xlsx")) -> Any:
    """指标库：各文件的量化指标（指标、要求、目标值、年份、范围、牵头单位、条款与原文），可按地区、年份、指标、文档筛选，
    可下载 CSV（UTF-8 带 BOM，Excel 直接打开）或 XLSX。"""
    index = corpus.assistant.index
    if doc_id:
        _document(corpus, doc_id)
    documents = {key: document.meta for key, document in index.documents.items()}
    rows = indicator_rows(index.indicators, documents, region=region, year=year, indicator=indicator, doc_id=doc_id)
    if format == "json":
        return rows
    media = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX}[format]
    return Response(export(rows, format), media_type=media,
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''%E6%8C%87%E6%A0%87.{format}"})


@router.post("/api/documents", dependencies=[Admin], tags=["文档"], status_code=202, responses=_JOB_ENDS | refusals(400, 409, 413))
async def upload_document(corpus: CorpusDep, audit: AuditDep, request: Request, file: UploadFile = File(...),  # noqa: B008
                          wait: bool = Query(False, description="等任务完成再返回（最终状态）")) -> JSONResponse:
    """上传文档（txt/docx/pdf/html，需管理员密钥），返回任务（202，`Location` 指向 /api/jobs/{id}）。
    同名文件（不论格式、大小写）视为新版本，旧版移入 data/removed/；索引更新期间问答照常；任务可查询进度、可取消。"""
    data = await file.read(corpus.settings.max_file_bytes + 1)
    try:
        job = await run_in_threadpool(corpus.submit_add, file.filename or "", data)
    except CorpusError as error:
        _audit(audit, request, "upload", file.filename or "", error.code)
        raise
    _audit(audit, request, "upload", job.target, "queued", job.id)
    return await _job_response(corpus, audit, request, job, wait)


@router.delete("/api/documents/{doc_id}", dependencies=[Admin], tags=["文档"], status_code=202, responses=_JOB_ENDS | refusals(404, 409))
async def delete_document(doc_id: str, corpus: CorpusDep, audit: AuditDep, request: Request,
                          wait: bool = Query(False, description="等任务完成再返回（最终状态）")) -> JSONResponse:
    """删除文档（需管理员密钥），返回任务；新索引生效后文件才移入 data/removed/ 备查。"""
    try:
        job = corpus.submit_remove(doc_id)
    except CorpusError as error:
        _audit(audit, request, "delete", doc_id, error.code)
        raise
    _audit(audit, request, "delete", doc_id, "queued", job.id)
    return await _job_response(corpus, audit, request, job, wait)


@router.get("/api/jobs", dependencies=[Admin], tags=["文档"])
def list_jobs(corpus: CorpusDep) -> list[dict[str, Any]]:
    """最近的上传、删除任务（新的在前）。"""
    return [job.public() for job in corpus.jobs.list()]


@router.get("/api/jobs/{job_id}", dependencies=[Admin], tags=["文档"], responses=refusals(404))
def get_job(job_id: str, corpus: CorpusDep) -> dict[str, Any]:
    """任务状态：queued、parsing、indexing（done/total 为已向量化的片段数）、done、failed、cancelled。"""
    return _job(corpus, job_id).public()


@router.delete("/api/jobs/{job_id}", dependencies=[Admin], tags=["文档"], responses=refusals(404, 409))
def cancel_job(job_id: str, corpus: CorpusDep, audit: AuditDep, request: Request) -> dict[str, Any]:
    """取消尚未完成的任务；文档库保持原样。已完成的任务不能取消（409）。"""
    job = corpus.jobs.request_cancel(_job(corpus, job_id).id)
    if job is None or job.is_finished:
        raise ApiError(409, "job_finished", "任务已结束，不能取消。")
    _audit(audit, request, "cancel", job.target, "requested", job.id)
    return job.public()


@router.get("/api/corpus/refused", dependencies=[Admin], tags=["文档"])
def refused_files(corpus: CorpusDep) -> list[dict[str, str]]:
    """语料目录中未能加入索引的文件及原因（可删除）。"""
    return [{"file": Path(s.path).name, "reason": s.reason} for s in corpus.refused]


@router.delete("/api/corpus/refused/{file_name}", dependencies=[Admin], tags=["文档"], responses=refusals(404))
def delete_refused_file(file_name: str, corpus: CorpusDep, audit: AuditDep, request: Request) -> dict[str, Any]:
    """把未能加入索引的文件移入 data/removed/。"""
    corpus.remove_refused(file_name)
    _audit(audit, request, "delete_refused", file_name, "done")
    return {"file": file_name, "removed": True}


@router.get("/api/feedback", dependencies=[Admin], tags=["运维"],
            responses={200: {"content": {"application/x-ndjson": {}}, "description": "反馈列表，或 format=eval 时的评测条目（JSONL）"}})
def feedback_entries(feedback: FeedbackDep, corpus: CorpusDep, limit: int = Query(200, ge=1, le=5000),
                     format: Literal["json", "eval"] = Query("json", description="json（默认）或 eval：赞同的回答转为评测条目")) -> Any:
    """网页上对回答的反馈（赞/踩与意见），连同问题、回答和引用；format=eval 时把赞同的回答导出为评测集条目（JSONL，
    可直接用 `policy-assistant eval --dataset` 运行）。"""
    if format == "json":
        return feedback.read(limit)
    files = {doc_id: document.meta.source_file for doc_id, document in corpus.assistant.index.documents.items()}
    lines = [json.dumps(item, ensure_ascii=False) for item in feedback.eval_items(files)]
    return Response("\n".join(lines) + ("\n" if lines else ""), media_type="application/x-ndjson")


@router.get("/api/audit", dependencies=[Admin], tags=["运维"])
def audit_log(audit: AuditDep, limit: int = Query(200, ge=1, le=5000)) -> list[dict[str, Any]]:
    """审计日志（上传、删除、被拒绝的请求），最新的在后。"""
    return audit.read(limit)


@router.get("/healthz", tags=["运维"])
def healthz() -> dict[str, str | int]:
    """进程存活；worker 为应答的工作进程号（多进程部署时便于排查）。"""
    return {"status": "ok", "worker": os.getpid()}


class Readiness(BaseModel):
    ready: bool
    documents: int | None = Field(None, description="就绪时：文档数")
    reason: str | None = Field(None, description="未就绪时：原因（中文）")


@router.get("/readyz", tags=["运维"], response_model=None,
            responses={200: {"model": Readiness}, 503: {"model": Readiness, "description": "未就绪：索引未加载，或 Chroma 服务器不可用"}})
def readyz(corpus: CorpusDep) -> JSONResponse:
    """可以回答问题：索引已加载，且配置了 Chroma 服务器（POLICY_CHROMA_URL）时它可以连接。否则 503，reason 说明原因；
    服务器恢复后自动恢复就绪。"""
    reason = corpus.unready_reason()
    if reason:
        return JSONResponse({"ready": False, "reason": reason}, status_code=503)
    return JSONResponse({"ready": True, "documents": len(corpus.assistant.documents)})


async def _job_response(corpus: CorpusService, audit: AuditLog, request: Request, job: Job, wait: bool) -> JSONResponse:
    if wait:
        while not job.is_finished:
            await asyncio.sleep(0.2)
            job = corpus.jobs.get(job.id) or job
        _audit(audit, request, job.kind if job.kind == "remove" else "upload", job.target, job.status, job.id)
    status = 202 if not job.is_finished else (200 if job.status == "done" else CORPUS_STATUS.get(job.code, 400))
    return JSONResponse(job.public(), status_code=status, headers={"Location": f"/api/jobs/{job.id}"})


def _audit(audit: AuditLog, request: Request, event: str, target: str, result: str, job_id: str = "") -> None:
    who = identity(request)
    audit.record(event, client=request.client.host if request.client else "", key_id=who.key_id if who else "",
                 target=target[:200], result=result, job=job_id)


def _job(corpus: CorpusService, job_id: str) -> Job:
    job = corpus.jobs.get(job_id)
    if job is None:
        raise ApiError(404, "unknown_job", f"没有任务“{job_id[:40]}”。")
    return job


def _document(corpus: CorpusDep, doc_id: str) -> Document:
    document = corpus.assistant.index.documents.get(doc_id)
    if document is None:
        raise ApiError(404, "unknown_document", f"没有文档“{doc_id}”。")
    return document


def _sse(event: str, data: Any) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"
