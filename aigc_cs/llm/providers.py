"""Provider presets: every OpenAI-compatible service we know, its base_url, default model and the env var of its key.

Light on purpose (no LangChain; openai only inside `check_model`): ``aigc-cs providers`` imports it. Keys are read
from the environment when a call is made, and are never printed, logged, cached or written to cassettes.
"""

import os
from dataclasses import dataclass, field

from pydantic import BaseModel

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


# Default models as the providers name them on 2026-11-30 (each checked against its published model list; the
# DeepSeek name deepseek-chat was retired on 2026-07-24). `aigc-cs providers --check` asks an endpoint which it serves.
PROVIDERS: dict[str, Provider] = {p.id: p for p in (
    Provider("openai", "OpenAI", "https://api.openai.com/v1", "gpt-6-luna", "OPENAI_API_KEY"),
    Provider("deepseek", "DeepSeek 深度求索", "https://api.deepseek.com/v1", "deepseek-v4-flash", "DEEPSEEK_API_KEY",
             "更强的模型：--model deepseek-v4-pro"),
    Provider("moonshot", "月之暗面 Kimi", "https://api.moonshot.cn/v1", "kimi-k2.6", "MOONSHOT_API_KEY"),
    Provider("doubao", "火山方舟 豆包", "https://ark.cn-beijing.volces.com/api/v3", "doubao-seed-2-0-lite",
             "ARK_API_KEY", "模型名也可以填方舟控制台里的推理接入点 ID（ep-…）"),
    Provider("qwen", "阿里云百炼 通义千问（兼容模式）", "https://dashscope.aliyuncs.com/compatible-mode/v1", "qwen-plus",
             "DASHSCOPE_API_KEY"),
    Provider("ernie", "百度千帆 文心（v2 接口）", "https://qianfan.baidubce.com/v2", "ernie-5.1", "QIANFAN_API_KEY"),
    Provider("zhipu", "智谱 GLM", "https://open.bigmodel.cn/api/paas/v4", "glm-4.7-flash", "ZHIPUAI_API_KEY"),
    Provider("ollama", "Ollama 本地模型", "http://localhost:11434/v1", "qwen2.5:7b", None,
             "先 ollama pull 模型；不需要密钥"),
    Provider("custom", "自定义 OpenAI 兼容接口（vLLM 等）", None, None, CUSTOM_KEY_ENV,
             "需设置 AIGC_CS_BASE_URL 和 --model；服务不校验密钥时 AIGC_CS_API_KEY 随便填一个值"),
)}
SHOWN_MODELS = 8  # models named when the endpoint does not serve the preset's


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


class ModelCheck(BaseModel):
    """What `aigc-cs providers --check` found for one preset: whether its endpoint serves the model."""
    provider: str
    model: str
    base_url: str
    served: bool | None = None  # None: not known (skipped, or the endpoint could not be asked)
    models: list[str] = []  # what the endpoint lists (those like the preset's model first)
    problem: str = ""
    skipped: bool = False  # not configured here (no key, no base_url): not asked, and no failure

    @property
    def failed(self) -> bool:
        return not self.skipped and not self.served

    @property
    def line(self) -> str:
        """The result in one Chinese line."""
        if self.served:
            return f"✓ 接口提供模型 {self.model}"
        if self.problem:
            return self.problem
        offered = "、".join(self.models[:SHOWN_MODELS]) + ("等" if len(self.models) > SHOWN_MODELS else "")
        return (f"✗ 接口没有模型 {self.model}（可能已改名或下线）；它提供：{offered or '（空列表）'}；"
                f"用 --model 指定其中一个，或设置环境变量 AIGC_CS_MODEL")


def unconfigured(provider: Provider, current: bool, base_url: str | None) -> str | None:
    """Why `providers --check` (of every preset) does not ask this one, or None to ask it: a preset is asked when
    its key is set, or when it is the configured provider (ollama, a custom endpoint with its AIGC_CS_BASE_URL)."""
    if provider.key_status() == "未设置":
        return f"未设置 {provider.key_env}"
    if provider.base_url is None and not (current and base_url):
        return "未设置 AIGC_CS_BASE_URL"
    if provider.key_env is None and not current:
        return f"不是当前服务商（用 --provider {provider.id} 单独检查）"
    return None


def skipped(provider: Provider, reason: str) -> ModelCheck:
    return ModelCheck(provider=provider.id, model=provider.model or "", base_url=provider.base_url or "",
                      problem=f"跳过：{reason}", skipped=True)


def model_missing(endpoint: Endpoint) -> str:
    """The line for a chat call answered with HTTP 404: most often a model the provider has renamed or retired."""
    return (f"接口或模型不存在（HTTP 404）：{endpoint.provider.label} 的接口 {endpoint.base_url} 没有模型 {endpoint.model}"
            "（可能已改名或下线）；用 --model 换成现在的模型名（aigc-cs providers --check 列出接口提供的模型），"
            "或检查接口地址 AIGC_CS_BASE_URL")


def check_model(endpoint: Endpoint, timeout_s: float) -> ModelCheck:
    """Ask the endpoint's GET /models whether it serves `endpoint.model`; every failure is a line in the result."""
    import openai

    p = endpoint.provider
    found = ModelCheck(provider=p.id, model=endpoint.model, base_url=endpoint.base_url)
    client = openai.OpenAI(base_url=endpoint.base_url, api_key=endpoint.api_key, timeout=timeout_s, max_retries=0)
    try:
        listed = sorted({m.id for m in client.models.list()})
    except openai.AuthenticationError:
        return found.model_copy(update={"problem": f"密钥无效（HTTP 401）：请检查环境变量 {p.key_env}"})
    except openai.NotFoundError:
        return found.model_copy(update={"problem": f"{endpoint.base_url} 没有 /models 列表，无法确认模型名；"
                                                   "直接试一次：aigc-cs reply 你好 --shop 店铺 --engine llm"})
    except openai.APIStatusError as exc:
        return found.model_copy(update={"problem": f"{endpoint.base_url}/models 返回 HTTP {exc.status_code}"})
    except openai.APIConnectionError:  # a timeout too
        return found.model_copy(update={"problem": f"连不上 {endpoint.base_url}（{timeout_s:g} 秒内没有回应），"
                                                   "请检查网络或接口地址（AIGC_CS_BASE_URL）"})
    family = endpoint.model.split("-")[0].split(":")[0]
    similar = sorted(listed, key=lambda m: not m.startswith(family))
    return found.model_copy(update={"served": endpoint.model in listed, "models": similar})
