"""Settings: environment variables ``AIGC_CS_*`` and an optional ``aigc-cs.toml`` in the working directory.

The index lives in one folder per user (platformdirs' user data directory, e.g. ~/.local/share/aigc-cs), whatever the
working directory, unless ``--home`` or ``AIGC_CS_HOME`` names another."""

import os
import re
from pathlib import Path
from typing import Any, Literal

from platformdirs import user_cache_dir, user_data_dir
from pydantic import Field, HttpUrl, ValidationError
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

from aigc_cs.errors import UserError

RetrievalMode = Literal["hybrid", "bm25", "dense"]
TOML_FILE = "aigc-cs.toml"
ENV_PREFIX = "AIGC_CS_"
HOME_ENV = f"{ENV_PREFIX}HOME"
APP_DIR = "aigc-cs"  # the folder name under the user's data and cache directories
_REASONS = {"float_parsing": "应为数字", "int_parsing": "应为整数", "int_from_float": "应为整数",
            "bool_parsing": "应为 true 或 false", "greater_than": "应大于 {gt}", "greater_than_equal": "应不小于 {ge}",
            "less_than_equal": "应不大于 {le}", "literal_error": "只能是 {expected}", "path_type": "应为路径",
            "url_parsing": "应为网址，例如 http://127.0.0.1:8001", "url_scheme": "应以 http:// 或 https:// 开头"}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, toml_file=TOML_FILE, extra="ignore")

    home: Path = Field(default_factory=lambda: Path(user_data_dir(APP_DIR, appauthor=False)),
                       description="索引目录（Chroma + BM25 + 店铺事实）；默认在用户数据目录，--home 或 AIGC_CS_HOME 另选")
    cache: Path = Field(default_factory=lambda: Path(user_cache_dir(APP_DIR, appauthor=False)),
                        description="与索引无关、按内容寻址的缓存（例句向量），可随时删除")
    embedding: Literal["e5", "none"] = Field(default="e5", description="e5 = 内置 multilingual-e5-small；none = 只用 BM25")
    chroma_url: HttpUrl | None = Field(default=None, description="Chroma 服务器地址（chroma run 启动的），例如 "
                                      "http://127.0.0.1:8001；不填用索引目录里的内嵌 Chroma（只能一个进程打开）")
    retrieval: RetrievalMode = Field(default="hybrid", description="检索方式")
    max_file_mb: float = Field(default=20.0, gt=0, le=1024, description="单个文件大小上限（MB），超过的文件跳过")
    chunk_chars: int = Field(default=300, ge=50, le=5000, description="切块长度（字符）")
    engine: Literal["offline", "llm", "replay"] = Field(default="offline", description="生成引擎")
    provider: str = Field(default="openai", description="大模型服务商预设，见 aigc-cs providers")
    model: str | None = Field(default=None, description="模型名；不填用预设的默认模型")
    base_url: str | None = Field(default=None, description="OpenAI 兼容接口地址；不填用预设地址")
    strict: bool = Field(default=False, description="大模型输出无效时报错，而不是退回离线引擎")
    cassettes: Path = Field(default=Path("evals/cassettes"), description="replay 引擎读取的录制目录")
    record: Path | None = Field(default=None, description="把大模型的问答录制到这个目录")
    timeout_s: float = Field(default=60.0, gt=0, description="单次调用超时（秒）")
    max_retries: int = Field(default=3, ge=0, le=10, description="429/5xx 重试次数")
    llm_cache: bool = Field(default=True, description="缓存大模型回答（<home>/llm-cache），同样的提示词不再重复调用")

    def __init__(self, **values: Any) -> None:
        """Settings, or one Chinese line naming the setting (or the broken aigc-cs.toml) and how to fix it."""
        try:
            super().__init__(**values)
        except ValidationError as exc:
            raise UserError(_invalid(exc.errors()[0], values)) from None
        except (ValueError, OSError) as exc:  # tomllib/tomli's TOMLDecodeError, a file not in UTF-8 or unreadable
            if not Path(TOML_FILE).is_file():
                raise
            raise UserError(f"{Path(TOML_FILE).resolve()}：设置文件{_toml_problem(exc)}，请改正（TOML 写法，例如 "
                            "engine = \"offline\"，存为 UTF-8）或删除该文件") from None

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


def _invalid(error: ErrorDetails, given: dict[str, Any]) -> str:
    """One line for a setting with a bad value: where the value came from, the value, and what it should be."""
    field = str(error["loc"][0]) if error["loc"] else "?"
    env = f"{ENV_PREFIX}{field.upper()}"
    if field in given:
        where = f"选项 --{field}"
    elif env in os.environ:
        where = f"环境变量 {env}"
    else:
        where = f"{TOML_FILE} 里的 {field}"
    reason = _REASONS.get(error["type"], error["msg"]).format(**error.get("ctx", {})).replace(" or ", ", ")
    return f"{where} 的值“{error.get('input')}”不可用：{reason}，请改正或删除这项设置"


def _toml_problem(exc: Exception) -> str:
    if isinstance(exc, OSError):
        return f"无法读取（{exc.strerror or type(exc).__name__}）"
    if isinstance(exc, UnicodeDecodeError):
        return "不是 UTF-8 编码"
    line = re.search(r"line (\d+)", str(exc))
    return f"第 {line.group(1)} 行格式有误" if line else "格式有误"
