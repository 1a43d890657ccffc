"""Settings: environment variables ``AIGC_CS_*`` and an optional ``aigc-cs.toml`` in the working directory."""

import os
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

RetrievalMode = Literal["hybrid", "bm25", "dense"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="AIGC_CS_", toml_file="aigc-cs.toml", extra="ignore")

    home: Path = Field(default=Path(".aigc-cs"), description="索引目录（Chroma + BM25 + 店铺事实）")
    cache: Path = Field(default_factory=lambda: Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
                        / "aigc-cs", description="与索引无关、按内容寻址的缓存（例句向量），可随时删除")
    embedding: Literal["e5", "none"] = Field(default="e5", description="e5 = 内置 multilingual-e5-small；none = 只用 BM25")
    retrieval: RetrievalMode = Field(default="hybrid", description="检索方式")
    max_file_mb: float = Field(default=20.0, description="单个文件大小上限（MB），超过的文件跳过")
    chunk_chars: int = Field(default=300, description="切块长度（字符）")
    engine: Literal["offline", "llm", "replay"] = Field(default="offline", description="生成引擎")
    provider: str = Field(default="openai", description="大模型服务商预设，见 aigc-cs providers")
    model: str | None = Field(default=None, description="模型名；不填用预设的默认模型")
    base_url: str | None = Field(default=None, description="OpenAI 兼容接口地址；不填用预设地址")
    strict: bool = Field(default=False, description="大模型输出无效时报错，而不是退回离线引擎")
    cassettes: Path = Field(default=Path("evals/cassettes"), description="replay 引擎读取的录制目录")
    record: Path | None = Field(default=None, description="把大模型的问答录制到这个目录")
    timeout_s: float = Field(default=60.0, description="单次调用超时（秒）")
    max_retries: int = Field(default=3, description="429/5xx 重试次数")
    llm_cache: bool = Field(default=True, description="缓存大模型回答（<home>/llm-cache），同样的提示词不再重复调用")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))
