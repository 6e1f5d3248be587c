"""Why the index cannot be used or written, by cause. Every message is Chinese and names the fix."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

REBUILD = "请运行 `policy-assistant ingest --rebuild` 重建索引（语料不受影响）。"


class IndexUnavailableError(Exception):
    """The index cannot be used (or a new build could not be written); the message says what to do."""


class IndexNotFoundError(IndexUnavailableError):
    """There is no index yet: `policy-assistant ingest` builds one."""


class IndexDamagedError(IndexUnavailableError):
    """The live build exists but its files are damaged or do not fit the configuration: rebuild it."""


class IndexWriteError(IndexUnavailableError):
    """Writing a new build failed (disk full, no permission, Chroma refused); the live index is untouched."""


class VectorServerUnavailableError(IndexUnavailableError):
    """The Chroma server named by POLICY_CHROMA_URL does not answer."""


def index_damaged(where: Path | str, cause: BaseException | str) -> IndexDamagedError:
    reason = cause if isinstance(cause, str) else type(cause).__name__
    return IndexDamagedError(f"索引已损坏（{reason}）：{where}。{REBUILD}")


def embedder_mismatch(recorded: str, recorded_dimension: int | str, configured: str, dimension: int) -> IndexDamagedError:
    """The vectors were made by another model (or one of another size) than the configured one: its query vectors
    would find the wrong neighbours, or none."""
    return IndexDamagedError(f"索引的向量由嵌入模型 {recorded}（{recorded_dimension} 维）生成，而当前配置的是 {configured}"
                             f"（{dimension} 维），用它查询会找错条款。请把 POLICY_EMBEDDING_MODEL 改回建索引时的模型，"
                             "或运行 `policy-assistant ingest --rebuild` 用当前模型重建索引（语料不受影响）。")


def write_failed(error: BaseException) -> IndexWriteError:
    reason = getattr(error, "strerror", None) or (str(error).strip().splitlines() or [type(error).__name__])[0][:200]
    return IndexWriteError(f"写入索引失败（{reason}），可能是磁盘已满或没有写权限；原有索引未改动。"
                           "腾出空间或修正权限后重新运行 `policy-assistant ingest`。")


def server_unavailable(server_url: str) -> VectorServerUnavailableError:
    return VectorServerUnavailableError(f"无法连接 Chroma 服务器 {server_url}，请确认它已启动（`chroma run`）"
                                        "且 POLICY_CHROMA_URL 正确，然后重试。")


@contextmanager
def converted(convert: Callable[[BaseException], IndexUnavailableError]) -> Iterator[None]:
    """Raise `convert(error)` for any failure inside the block — including pyo3's PanicException, which
    Chroma's Rust core raises on a damaged SQLite file and which derives from BaseException, not
    Exception. Ctrl-C, exits and our own errors pass through unchanged."""
    try:
        yield
    except (KeyboardInterrupt, SystemExit, GeneratorExit, IndexUnavailableError):
        raise
    except BaseException as error:
        raise convert(error) from error
