"""Provider presets: every OpenAI-compatible service we know, its base_url, default model and the env var of its key.

Light on purpose (no LangChain, no openai): ``aigc-cs providers`` imports it. Keys are read from the environment
when a call is made, and are never printed, logged, cached or written to cassettes.
"""

import os
from dataclasses import dataclass, field

from aigc_cs.errors import UserError

CUSTOM_KEY_ENV = "AIGC_CS_API_KEY"


@dataclass(frozen=True)
class Provider:
    id: str
    label: str  # shown to users
    base_url: str | None  # None: must be configured (custom)
    model: str | None  # default model; None: must be configured (custom)
    key_env: str | None  # env var holding the key; None: no key needed (local ollama)
    note: str = ""

    def key_status(self) -> str:
        """已设置 / 未设置 / 不需要 — never the key itself."""
        if self.key_env is None:
            return "不需要"
        return "已设置" if os.environ.get(self.key_env, "").strip() else "未设置"


PROVIDERS: dict[str, Provider] = {p.id: p for p in (
    Provider("openai", "OpenAI", "https://api.openai.com/v1", "gpt-4o-mini", "OPENAI_API_KEY"),
    Provider("deepseek", "DeepSeek 深度求索", "https://api.deepseek.com/v1", "deepseek-chat", "DEEPSEEK_API_KEY"),
    Provider("moonshot", "月之暗面 Kimi", "https://api.moonshot.cn/v1", "moonshot-v1-8k", "MOONSHOT_API_KEY"),
    Provider("doubao", "火山方舟 豆包", "https://ark.cn-beijing.volces.com/api/v3", "doubao-1-5-pro-32k-250115",
             "ARK_API_KEY", "模型名也可以填方舟控制台里的推理接入点 ID（ep-…）"),
    Provider("qwen", "阿里云百炼 通义千问（兼容模式）", "https://dashscope.aliyuncs.com/compatible-mode/v1", "qwen-plus",
             "DASHSCOPE_API_KEY"),
    Provider("ernie", "百度千帆 文心（v2 接口）", "https://qianfan.baidubce.com/v2", "ernie-4.0-turbo-8k",
             "QIANFAN_API_KEY"),
    Provider("zhipu", "智谱 GLM", "https://open.bigmodel.cn/api/paas/v4", "glm-4-flash", "ZHIPUAI_API_KEY"),
    Provider("ollama", "Ollama 本地模型", "http://localhost:11434/v1", "qwen2.5:7b", None,
             "先 ollama pull 模型；不需要密钥"),
    Provider("custom", "自定义 OpenAI 兼容接口（vLLM 等）", None, None, CUSTOM_KEY_ENV,
             "需设置 AIGC_CS_BASE_URL 和 --model；服务不校验密钥时 AIGC_CS_API_KEY 随便填一个值"),
)}


def get(name: str) -> Provider:
    provider = PROVIDERS.get(name.strip().lower())
    if provider is None:
        raise UserError(f"未知的大模型服务商“{name}”（--provider / AIGC_CS_PROVIDER），可用：{'、'.join(PROVIDERS)}；"
                        "运行 aigc-cs providers 查看")
    return provider


@dataclass(frozen=True)
class Endpoint:
    """A provider resolved against the configuration: where to call, which model, with which key."""

    provider: Provider
    base_url: str
    model: str
    api_key: str = field(repr=False)  # never shown

    @property
    def name(self) -> str:
        return f"{self.provider.id}/{self.model}"


def resolve(provider: str, model: str | None, base_url: str | None, need_key: bool = True) -> Endpoint:
    """The endpoint to call. Raises `UserError` naming the env var or setting that is missing."""
    p = get(provider)
    url = (base_url or "").strip() or p.base_url
    if not url:
        raise UserError(f"服务商 {p.id} 没有预设接口地址：请设置环境变量 AIGC_CS_BASE_URL（或在 aigc-cs.toml 写 base_url），"
                        "例如 http://127.0.0.1:8000/v1")
    name = (model or "").strip() or p.model
    if not name:
        raise UserError(f"服务商 {p.id} 没有默认模型：请用 --model 指定模型名（或设置环境变量 AIGC_CS_MODEL）")
    key = ""
    if p.key_env is not None:
        key = os.environ.get(p.key_env, "").strip()
        if not key and need_key:
            raise UserError(f"没有找到 {p.label} 的 API Key：请设置环境变量 {p.key_env}（export {p.key_env}=你的密钥），"
                            "或去掉 --engine llm 使用离线引擎")
    return Endpoint(provider=p, base_url=url.rstrip("/"), model=name, api_key=key or "not-needed")
