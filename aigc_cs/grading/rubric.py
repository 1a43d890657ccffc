"""Analytic rubrics (corpus/rubrics/*.yaml): criteria with levels, anchors, rule checks and the course
section each one cites. The loader is strict: a bad rubric gets one Chinese line naming the file, the
criterion and the field."""

from functools import cache
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from aigc_cs.errors import UserError
from aigc_cs.paths import corpus_dir
from aigc_cs.yaml_safe import safe_load

RUBRICS_DIR = "rubrics"
CheckKind = Literal[
    "steps", "step_order", "contains_any", "contains_all", "forbids", "politeness", "empathy", "policy",
    "mentions_fact", "typos", "length", "numbered", "sms", "repetition", "structure", "offers", "private",
    "addresses_customer", "asks_experience", "language_faults",
]
Channel = Literal["sms", "online"]
# checks that look for something said: an answer sentence close in meaning to a criterion's "meets" example says it
SAYS: tuple[str, ...] = ("contains_any", "contains_all", "steps", "empathy", "asks_experience", "addresses_customer")
LexiconKind = Literal["banned", "extreme", "slang", "blame", "pressure", "rhetorical", "stall"]


class Check(BaseModel):
    """One rule check. `hard: true` caps the criterion at its lowest level when the check fails."""

    model_config = ConfigDict(extra="forbid")
    kind: CheckKind
    steps: list[str] = []  # steps / step_order: 迎接问好、解答疑问、商品推荐、促成订单、礼貌告别
    phrases: list[str] = []  # contains_any / contains_all / forbids
    patterns: list[str] = []  # contains_any / forbids: regular expressions that count like phrases ("以后…会")
    lexicon: list[LexiconKind] = []  # forbids
    claims: list[str] = []  # forbids: policy claims that are offers the rep may not make here (bargain_yuan)
    facts: list[str] = []  # mentions_fact: policy keys the answer should state (correctly) when the scenario's topics name none
    documents: bool = False  # mentions_fact: the details of the shop passage that answers the question count too
    # contains_any: also met by this many specifics from the scenario product's own file (a care tip), or else from the
    # shop passages that answer the scenario (气泡柱加纸箱 for a packaging worry)
    or_product: int = 0
    # contains_any: also met by taking up the scenario's situation or the customer's quoted words, these words of the
    # task itself left out (催付: 拍下、未付款 say nothing about why)
    or_situation: list[str] = []
    channels: list[Channel] = []  # only for these channels of a message (empty: every channel)
    with_substance: bool = False  # counts only when the answer also offers a concrete step or a correct fact
    # also judged by meaning, against the criterion's `examples`: met by an answer sentence close to a "meets" example
    # (contains_*, steps, empathy…), broken by one close to a "misses" example (forbids); words found only inside a
    # sentence close to a "misses" example earn nothing
    by_meaning: bool = False
    min: int | None = None  # steps: how many suffice; politeness: markers; length: characters; numbered: lines (always required)
    max: int | None = None  # length
    weight: float = 1.0
    hard: bool = False
    # met: the criterion is at least this level, unless a hard check caps it ("能退，申请售后就行" is the level
    # "只笼统地说可以退/不能退", not nothing); weight 0 lets it count for nothing else
    floor: int = 0
    advice: str = Field(default="", description="what to tell the student when the check fails")

    @model_validator(mode="after")
    def _meaning_fits(self) -> "Check":
        if self.by_meaning and self.kind not in (*SAYS, "forbids"):
            raise ValueError(f"by_meaning 只能用在 {'、'.join(SAYS)} 和 forbids 上")
        return self

    @property
    def needs_scenario(self) -> bool:
        """A check that reads the scenario's intents: without a scenario it cannot be judged."""
        return self.kind == "mentions_fact" and not self.facts


class Level(BaseModel):
    model_config = ConfigDict(extra="forbid")
    points: float = Field(ge=0)
    descriptor: str = Field(min_length=1)
    anchor: str = Field(min_length=1, description="an example answer at this level")


class Examples(BaseModel):
    """Sentences, in a rep's words and for any shop, that meet the criterion or that look close but miss it
    (stalling, blame, pressure…): the answer's sentences are compared with them by meaning."""

    model_config = ConfigDict(extra="forbid")
    meets: list[Annotated[str, Field(min_length=2)]] = []
    misses: list[Annotated[str, Field(min_length=2)]] = []

    @model_validator(mode="after")
    def _some(self) -> "Examples":
        if not self.meets and not self.misses:
            raise ValueError("meets 和 misses 至少要写一组例句")
        return self


class CourseRef(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: str  # relative to corpus/
    section: str

    def __str__(self) -> str:
        return f"corpus/{self.source} · {self.section}"


class Criterion(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    name: str
    weight: float = Field(gt=0)
    levels: list[Level] = Field(min_length=2)
    checks: list[Check] = Field(min_length=1)
    cites: CourseRef
    human_review: bool = False
    examples: Examples | None = None

    @model_validator(mode="after")
    def _examples_for_meaning(self) -> "Criterion":
        if self.examples is None and any(c.by_meaning for c in self.checks):
            raise ValueError("有检查写了 by_meaning: true，但这个评分项没有 examples（meets / misses 例句）")
        return self

    @model_validator(mode="after")
    def _levels_rise(self) -> "Criterion":
        points = [level.points for level in self.levels]
        if points != sorted(points) or len(set(points)) != len(points):
            raise ValueError("levels 的 points 必须从低到高、互不相同")
        if points[-1] != self.weight:
            raise ValueError(f"最高一级的 points 应等于 weight（{self.weight:g}）")
        return self

    @property
    def needs_scenario(self) -> bool:
        return any(c.needs_scenario for c in self.checks)

    def level_of(self, points: float) -> int:
        return min(range(len(self.levels)), key=lambda i: abs(self.levels[i].points - points))


class Rubric(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    title: str
    task: Literal["reply", "faq", "apology", "rewrite", "revisit", "remind", "review_reply"]
    scale: float = Field(gt=0)
    policy_cap: float | None = Field(default=None, description="the highest total an answer that contradicts the "
                                     "shop's policy can get (below a pass)")
    criteria: list[Criterion] = Field(min_length=1)

    @model_validator(mode="after")
    def _weights_add_up(self) -> "Rubric":
        total = sum(c.weight for c in self.criteria)
        if abs(total - self.scale) > 1e-6:
            raise ValueError(f"各项 weight 之和（{total:g}）应等于 scale（{self.scale:g}）")
        ids = [c.id for c in self.criteria]
        if len(set(ids)) != len(ids):
            raise ValueError("criteria 的 id 有重复")
        return self


def _explain(exc: ValidationError, path: Path, data: dict) -> str:
    error = exc.errors()[0]
    loc = list(error["loc"])
    where = ""
    if len(loc) >= 2 and loc[0] == "criteria" and isinstance(loc[1], int):
        criteria = data.get("criteria") or []
        cid = criteria[loc[1]].get("id", f"第{loc[1] + 1}项") if loc[1] < len(criteria) and isinstance(criteria[loc[1]], dict) else f"第{loc[1] + 1}项"
        where = f"评分项 {cid} 的"
        loc = loc[2:]
    field = ".".join(str(p) for p in loc) or "（整体）"
    if error["type"] == "missing":
        return f"{path}：{where}字段 {field} 缺失，请补上"
    if error["type"] == "extra_forbidden":
        return f"{path}：{where}字段 {field} 不认识（拼写错误？）"
    known = _MESSAGES.get(error["type"])
    message = known.format(**error.get("ctx", {})) if known else error["msg"].removeprefix("Value error, ")
    return f"{path}：{where}字段 {field} 有误：{message}"


# pydantic's wording of the usual mistakes, in Chinese ({…}: the error's own details)
_MESSAGES = {
    "model_type": "应是“字段: 值”的形式", "dict_type": "应是“字段: 值”的形式", "list_type": "应是列表（每项一行“- …”）",
    "string_type": "应是一段文字", "string_too_short": "太短，至少 {min_length} 个字", "too_short": "至少要有 {min_length} 项",
    "bool_type": "应是 true 或 false", "bool_parsing": "应是 true 或 false", "float_parsing": "应是数字",
    "int_parsing": "应是整数",
}


def load_rubric_file(path: Path) -> Rubric:
    try:
        data = safe_load(path.read_text(encoding="utf-8"))  # libyaml when it is there: rubrics are read on every call
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}：无法读取评分标准文件（{type(exc).__name__}）") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"第 {mark.line + 1} 行" if mark is not None else "某处"
        raise UserError(f"{path}：YAML {line}格式有误，请检查缩进和冒号") from None
    if not isinstance(data, dict):
        raise UserError(f"{path}：评分标准应是“字段: 值”的形式")
    try:
        return Rubric.model_validate(data)
    except ValidationError as exc:
        raise UserError(_explain(exc, path, data)) from None


def rubrics_dir() -> Path:
    return corpus_dir() / RUBRICS_DIR


@cache
def all_rubrics(folder: Path | None = None) -> dict[str, Rubric]:
    found = {}
    for path in sorted((folder or rubrics_dir()).glob("[!_]*.yaml")):  # _semantic.yaml holds thresholds, no rubric
        rubric = load_rubric_file(path)
        found[rubric.id] = rubric
    return found


def get_rubric(rubric_id: str) -> Rubric:
    rubrics = all_rubrics()
    if rubric_id not in rubrics:
        raise UserError(f"未找到评分标准“{rubric_id}”。可用：{'、'.join(rubrics) or '（无）'}；用 aigc-cs rubrics 查看")
    return rubrics[rubric_id]
