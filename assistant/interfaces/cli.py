"""`policy-assistant` command line: ingest, clauses, ask, serve, eval, indicators, search."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError
from pydantic_settings import SettingsError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from assistant.answer import MODES
from assistant.application.assistant_service import QuestionError
from assistant.application.corpus_service import CorpusError, CorpusService
from assistant.application.factory import open_index
from assistant.application.indicator_table import FORMATS, IndicatorRow, export, indicator_rows
from assistant.settings import Settings
from ingest.loaders import LoadError
from ingest.models import Document
from ingest.pipeline import parse_file
from vectorstore.errors import IndexUnavailableError

console = Console()


class UserError(Exception):
    """A mistake in how the command was called; printed as is."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="policy-assistant", description="政策通：政策文件问答助手")
    commands = parser.add_subparsers(dest="command", required=True)

    ingest = commands.add_parser("ingest", help="解析文档并建立（或更新）索引")
    ingest.add_argument("paths", nargs="*", type=Path, help="文件或目录（默认：配置的语料目录）")
    ingest.add_argument("--rebuild", action="store_true", help="即使文档未变也重建索引（索引损坏时使用）")

    clauses = commands.add_parser("clauses", help="打印一份文档的条款树，便于核对解析结果")
    clauses.add_argument("document", help="文档 ID（见 ingest 的输出），或一个文件路径（直接解析，不需索引）")

    ask = commands.add_parser("ask", help="提问，得到带出处的回答")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="输出 Answer 的 JSON")
    ask.add_argument("--mode", choices=MODES, help="回答方式（默认取配置 POLICY_ANSWER_MODE）")
    ask.add_argument("--doc", action="append", dest="documents", metavar="DOC_ID", help="只在这些文档中查找（可重复）")

    serve = commands.add_parser("serve", help="启动服务：HTTP API 与网页界面（首次启动时先建立索引）")
    serve.add_argument("--host", help="监听地址（默认取 POLICY_HOST，127.0.0.1）")
    serve.add_argument("--port", type=int, help="端口（默认取 POLICY_PORT，7860）")
    serve.add_argument("--workers", type=int, default=1,
                       help="工作进程数（默认 1）。大于 1 时只提供 HTTP API（网页界面需单进程），宜配合 POLICY_CHROMA_URL")

    evaluate = commands.add_parser("eval", help="用评测集评测回答质量，可与基线比较")
    evaluate.add_argument("--dataset", type=Path, help="JSONL 评测集（默认 eval/datasets/policy_qa.jsonl）")
    evaluate.add_argument("--mode", choices=MODES, default="extractive")
    evaluate.add_argument("--predictions-out", type=Path, help="逐题结果（JSONL）")
    evaluate.add_argument("--report-dir", type=Path, help="报告目录（report.md、report.html）")
    evaluate.add_argument("--baseline", type=Path, help="基线文件（如 eval/baseline.json）")
    evaluate.add_argument("--fail-on-regression", action="store_true", help="主要指标低于基线超过容差时以非零状态退出")
    evaluate.add_argument("--compare-naive", action="store_true", help="同时评测朴素流水线（500字切块+向量top4）作对照")
    evaluate.add_argument("--write-baseline", type=Path, metavar="FILE", help="把本次结果写成新的基线")
    evaluate.add_argument("--policy", action="append", default=[], metavar="名称=值",
                          help="临时改动回答策略的一个参数（可重复），如 --policy covered=0.55；参数见 assistant/answering/policy.py")

    indicators = commands.add_parser("indicators", help="指标库：列出各文件的量化指标（可筛选、导出）")
    indicators.add_argument("--region", default="", help="地区（包含即可，如 赤峰）")
    indicators.add_argument("--year", default="", help="目标年份，如 2025")
    indicators.add_argument("--indicator", default="", help="指标名称（包含即可，如 清洁取暖率）")
    indicators.add_argument("--doc", default="", metavar="DOC_ID", help="只列这份文档的指标")
    indicators.add_argument("--format", choices=FORMATS, help="导出格式；不给时在终端显示表格")
    indicators.add_argument("-o", "--output", type=Path, help="写入此文件（xlsx 必须给出）")
    indicators.add_argument("--groups", action="store_true", help="列出指标分组（同一指标的不同说法），供核对")

    search = commands.add_parser("search", help="检索与问题最相关的条款")
    search.add_argument("query")
    search.add_argument("-k", type=int, default=5, help="返回条数")

    args = parser.parse_args(argv)
    try:
        settings = Settings()
    except (ValidationError, SettingsError) as error:
        console.print(f"[red]配置错误：[/red]{_settings_problem(error)}", highlight=False)
        return 2
    try:
        if args.command == "ingest":
            return run_ingest(settings, args.paths, args.rebuild)
        if args.command == "clauses":
            return run_clauses(settings, args.document)
        if args.command == "serve":
            return run_serve(settings, args.host, args.port, args.workers)
        if args.command == "eval":
            return run_eval(settings, args)
        if args.command == "ask":
            return run_ask(settings, args.question, args.documents, args.json, args.mode)
        if args.command == "indicators":
            return run_indicators(settings, args)
        return run_search(settings, args.query, args.k)
    except (UserError, CorpusError, QuestionError, IndexUnavailableError, LoadError) as error:
        console.print(f"[red]错误：[/red]{error}")
        return 1
    except OSError as error:  # a file the command was pointed at: missing, unreadable, or a full disk
        console.print(f"[red]错误：[/red]无法读写 {error.filename or '文件'}（{error.strerror or error}）。")
        return 1


def run_ingest(settings: Settings, paths: list[Path], rebuild: bool = False) -> int:
    """Add the given files to the corpus (if any), else make the index match the corpus folder."""
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise UserError("路径不存在：" + "、".join(str(p) for p in missing))
    started = time.perf_counter()
    corpus = CorpusService(settings)
    with _progress() as progress:
        task = progress.add_task("向量化条款", total=None)
        on_progress = lambda done, total: progress.update(task, completed=done, total=total)  # noqa: E731
        change = corpus.reindex(on_progress, force=rebuild)
        if paths:
            in_corpus = change.refused
            change = corpus.add_files(paths, on_progress)
            change.refused += in_corpus
    report = change.build
    summary = Table(title="索引完成" if not report.unchanged else "索引已是最新，未作改动")
    for column in ("文档", "条款", "检索片段", "新向量化", "跳过的文件", "用时"):
        summary.add_column(column, justify="right")
    summary.add_row(str(report.documents), str(report.clauses), str(report.chunks), str(report.embedded),
                    str(len(change.refused)), f"{time.perf_counter() - started:.1f} 秒")
    console.print(summary)
    _print_documents(change.documents)
    _print_skipped(change.refused)
    for meta in change.added:
        console.print(f"已加入语料：{settings.corpus_path / meta.source_file}", highlight=False)
    for name in change.replaced:
        console.print(f"旧版本已移入 {settings.data_dir / 'removed'}：{name}", highlight=False)
    console.print(f"语料目录：{settings.corpus_path}    索引目录：{settings.index_path}", highlight=False)
    return 0


def run_clauses(settings: Settings, document: str) -> int:
    path = Path(document)
    if path.is_file():
        parsed = parse_file(path, settings.max_file_bytes)
    else:
        index = open_index(settings)
        if document not in index.documents:
            raise UserError(f"索引中没有文档“{document}”。可用：{'、'.join(index.documents)}")
        parsed = index.documents[document]
    meta = parsed.meta
    console.print(f"[bold]{meta.title}[/bold]  {meta.doc_number}  {meta.issuer}  {meta.date}  "
                  f"（{meta.region}，{meta.level}）")
    for clause in parsed.clauses:
        units = f"  [dim]牵头：{'、'.join(clause.lead_units)}[/dim]" if clause.lead_units else ""
        console.print(f"{'  ' * clause.depth}[cyan]{clause.path}[/cyan] {clause.heading}{units}", highlight=False)
    return 0


def run_ask(settings: Settings, question: str, documents: list[str] | None, as_json: bool, mode: str | None) -> int:
    from rich.markdown import Markdown

    from assistant.application.assistant_service import PolicyAssistant

    answer = PolicyAssistant.open(settings).ask(question, mode=mode, documents=documents)  # type: ignore[arg-type]
    if as_json:
        print(answer.model_dump_json(indent=2))
        return 0
    if answer.notice:
        console.print(f"[yellow]提示：{answer.notice}[/yellow]")
    console.print(Markdown(answer.answer))
    return 0


def run_serve(settings: Settings, host: str | None, port: int | None, workers: int = 1) -> int:
    import uvicorn

    from assistant.interfaces.api.app import create_app

    if workers < 1:
        raise UserError("--workers 至少为 1。")
    host, port = host or settings.host, port or settings.port
    corpus = CorpusService(settings)  # reconciles corpus and index once, also for several workers; fails clearly on a bad index
    with _progress() as progress:
        task = progress.add_task("加载索引（首次启动会先建立索引）", total=None)
        corpus.open(on_progress=lambda done, total: progress.update(task, completed=done, total=total))
    if workers > 1:
        del corpus  # each worker opens its own
        console.print(f"政策通 API 已启动（{workers} 个工作进程）：http://{host}:{port}/docs", highlight=False)
        uvicorn.run("assistant.interfaces.api.app:create_worker_app", factory=True, workers=workers, host=host, port=port, log_level="warning")
        return 0
    console.print(f"政策通已启动：网页 http://{host}:{port}/   API 文档 http://{host}:{port}/docs", highlight=False)
    uvicorn.run(create_app(settings, corpus), host=host, port=port, log_level="warning")
    return 0


def run_eval(settings: Settings, args: argparse.Namespace) -> int:
    from assistant.answering.policy import DEFAULT_POLICY
    from assistant.application.assistant_service import PolicyAssistant
    from eval.dataset import DEFAULT_DATASET, load_dataset
    from eval.metrics import TABLE_COLUMNS
    from eval.naive import NaivePipeline
    from eval.runner import run_evaluation, write_baseline

    dataset = args.dataset or DEFAULT_DATASET
    if not dataset.is_file():
        raise UserError(f"评测集不存在：{dataset}")
    try:
        load_dataset(dataset)
    except ValueError as error:  # bad JSON or a field of the wrong type
        raise UserError(f"评测集 {dataset} 格式不正确：{str(error)[:300]}") from error
    try:
        policy = DEFAULT_POLICY.with_overrides(args.policy)
    except ValueError as error:
        raise UserError(str(error)) from error
    assistant = PolicyAssistant.open(settings, policy)
    naive = NaivePipeline(settings.corpus_path, assistant.index.embedder, settings.index_path / "embeddings.sqlite",
                          settings.max_file_bytes) if args.compare_naive else None
    with _progress() as progress:
        task = progress.add_task("评测", total=sum(1 for line in dataset.read_text(encoding="utf-8").splitlines() if line.strip()))
        result = run_evaluation(assistant, dataset, args.mode, predictions_out=args.predictions_out, report_dir=args.report_dir,
                                baseline=args.baseline, naive=naive, on_item=lambda item: progress.advance(task))
    table = Table(title=f"评测结果（{dataset.name}，{args.mode}）")
    for column in ("类别", *(label for _, label in TABLE_COLUMNS)):
        table.add_column(column, justify="right")
    for category, values in [*result.by_category.items(), ("总体", result.overall)]:
        table.add_row(category, *(f"{values[name]:.2f}" if name in values else "—" for name, _ in TABLE_COLUMNS))
    console.print(table)
    if result.naive:
        console.print(f"朴素流水线：召回@3 {result.naive['evidence_recall@3']:.2f}，引用召回 {result.naive['citation_recall']:.2f}，"
                      f"关键词 {result.naive['keyword_accuracy']:.2f}，拒答准确 {result.naive.get('abstention_accuracy', 0):.2f}")
    if args.report_dir:
        console.print(f"报告：{args.report_dir / 'report.html'}")
    if args.write_baseline:
        write_baseline(args.write_baseline, result, dataset, args.mode)
        console.print(f"已写入基线：{args.write_baseline}")
    if result.regressions:
        console.print("[red]相对基线下降：[/red]" + "；".join(result.regressions))
        return 3 if args.fail_on_regression else 0
    return 0


def run_indicators(settings: Settings, args: argparse.Namespace) -> int:
    index = open_index(settings)
    if args.doc and args.doc not in index.documents:
        raise UserError(f"索引中没有文档“{args.doc}”。可用：{'、'.join(index.documents)}")
    documents = {doc_id: document.meta for doc_id, document in index.documents.items()}
    rows = indicator_rows(index.indicators, documents, region=args.region, year=args.year, indicator=args.indicator,
                          doc_id=args.doc)
    if args.groups:
        return _print_groups(rows)
    if args.format:
        if args.format == "xlsx" and not args.output:
            raise UserError("xlsx 是二进制文件，请用 -o 指定输出文件，如 -o 指标.xlsx")
        data = export(rows, args.format)
        if args.output:
            args.output.write_bytes(data)
            console.print(f"已写入 {len(rows)} 条指标：{args.output}", highlight=False)
        else:
            sys.stdout.write(data.decode("utf-8-sig"))
        return 0
    table = Table("地区", "指标", "要求", "目标年份", "条款", "牵头单位", title=f"指标一览（{len(rows)} 条）")
    for row in rows:
        table.add_row(row.region, row.indicator, f"{row.comparator_text}{row.value_text}", row.year or "—",
                      f"{row.clause}", "、".join(row.lead_units) or "—")
    console.print(table)
    return 0


def _print_groups(rows: list[IndicatorRow]) -> int:
    """Each group of wordings that name one measure, with the documents using each wording."""
    members: dict[str, dict[str, set[str]]] = {}
    for row in rows:
        members.setdefault(row.group, {}).setdefault(row.indicator, set()).add(row.region or row.document)
    for group, names in sorted(members.items(), key=lambda item: (-len(item[1]), item[0])):
        wordings = "；".join(f"{name}（{'、'.join(sorted(places))}）" for name, places in sorted(names.items()))
        console.print(f"[bold]{group}[/bold]：{wordings}", highlight=False)
    return 0


def run_search(settings: Settings, query: str, k: int) -> int:
    from assistant.answering.retrieval import HybridRetriever, best_sentence

    index = open_index(settings)
    for rank, hit in enumerate(HybridRetriever(index).search(query, k), start=1):
        meta = index.documents[hit.chunk.doc_id].meta
        console.print(f"[bold]{rank}.[/bold] 《{meta.title}》 {meta.doc_number} [cyan]{hit.chunk.path}[/cyan]"
                      f"  (得分 {hit.score:.3f})", highlight=False)
        console.print(f"   …{best_sentence(hit.chunk.text, query)}…", highlight=False)
    return 0


def _settings_problem(error: Exception) -> str:
    """Which POLICY_ variable is wrong and why, without a traceback."""
    if isinstance(error, ValidationError):
        return "；".join(f"POLICY_{'_'.join(str(p) for p in e['loc']).upper()}：{e['msg']}" for e in error.errors())
    return f"{error}（列表型变量请写成 JSON 列表，如 POLICY_API_KEYS='[\"密钥\"]'，或以逗号分隔）"


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console, transient=True)


def _print_documents(documents: list[Document]) -> None:
    table = Table(title="文档")
    for column in ("文档 ID", "标题", "文号", "发文机关", "日期", "条款"):
        table.add_column(column, overflow="fold")
    for document in documents:
        meta = document.meta
        table.add_row(meta.doc_id, meta.title, meta.doc_number or "—", meta.issuer or "—", meta.date or "—",
                      str(len(document.clauses)))
    console.print(table)


def _print_skipped(skipped: list) -> None:
    if not skipped:
        return
    table = Table(title="跳过的文件")
    table.add_column("文件")
    table.add_column("原因")
    for item in skipped:
        table.add_row(item.path, item.reason)
    console.print(table)


if __name__ == "__main__":
    sys.exit(main())
