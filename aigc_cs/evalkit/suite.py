"""Eval suites: the YAML format, cases from csv/xlsx, and strict validation.

A suite file (``evals/suites/*.yaml``)::

    id: reply-demo-fashion          # letters, digits, - _ .
    task: reply                     # a task of aigc_cs.tasks, or a pseudo-task: check, retrieval
    engine: offline                 # offline | replay | llm
    defaults:                       # vars every case starts from, and assertions every case gets
      shop: demo-fashion            # a var may also be {file: inputs/long.txt}, read relative to the suite
      assert: [policy_consistent, no_banned_words]
    tolerance: {pass_rate: 0.0, score: 0.02}   # how far below the baseline counts as a regression
    cases:
      - id: 不合适能退吗
        vars: {message: 衣服不合适可以退吗}
        assert:
          - contains_all: [7天内无理由退换]
          - cites: {section: 七天无理由退换}
          - not_contains: 30天
            not: false              # any assertion can be negated with not: true
    cases_file: more-cases.csv      # optional: one case per row; columns are vars, id, or assertion kinds
    across:                         # optional: assertions over all the suite's outputs
      - distinct_min: 0.9

Every problem is one line naming the file, the case and the field; `UserError` (exit code 2).
"""

import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from aigc_cs.errors import UserError
from aigc_cs.evalkit.assertions import FIELD_PART, KINDS, LIST_KINDS
from aigc_cs.paths import data_dir
from aigc_cs.yaml_safe import safe_load

MODIFIERS = ("not", "field", "name")
CASE_KEYS = ("id", "description", "vars", "assert", "default_assert")
TRUE_CELLS = {"true", "yes", "y", "1", "是", "√", "✓"}


class Tolerance(BaseModel):
    model_config = ConfigDict(extra="forbid")
    pass_rate: float = Field(default=0.0, ge=0, le=1, description="allowed drop of the pass rate")
    score: float = Field(default=0.02, ge=0, le=1, description="allowed drop of the mean score")
    alpha: float = Field(default=0.05, gt=0, lt=1, description="significance level of the paired test")


class Assertion(BaseModel):
    kind: str
    arg: Any = True
    negate: bool = False
    field: str | None = None
    name: str = ""

    def label(self) -> str:
        if self.name:
            return self.name
        arg = "" if self.arg is True else f"：{_short(self.arg)}"
        where = f"[{self.field}]" if self.field else ""
        return f"{'非 ' if self.negate else ''}{self.kind}{where}{arg}"


class Case(BaseModel):
    id: str
    description: str = ""
    vars: dict[str, Any]
    asserts: list[Assertion]


class SuiteFile(BaseModel):
    """The top level of a suite file, as written."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[\w.-]+$")
    description: str = ""
    task: str
    engine: Literal["offline", "replay", "llm"] = "offline"
    defaults: dict[str, Any] = Field(default_factory=dict)
    tolerance: Tolerance | float = Field(default_factory=Tolerance)
    repeat: int = Field(default=1, ge=1, le=100)
    reducer: Literal["pass@k", "majority"] = "majority"
    cases: list[Any] = Field(default_factory=list)
    cases_file: str | None = None
    across: list[Any] = Field(default_factory=list)
    cassettes: str | None = None


class Suite(BaseModel):
    id: str
    path: Path
    description: str = ""
    task: str
    engine: Literal["offline", "replay", "llm"]
    tolerance: Tolerance
    repeat: int
    reducer: Literal["pass@k", "majority"]
    cases: list[Case]
    across: list[Assertion]
    cassettes: Path | None = None


def suites_dir() -> Path:
    return data_dir("evals") / "suites"


def _short(value: Any, limit: int = 40) -> str:
    if isinstance(value, dict):
        text = "，".join(f"{k}={_short(v, limit)}" for k, v in value.items())
    else:
        text = "、".join(map(str, value)) if isinstance(value, list) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class _Where:
    """Builds the one-line error: file, case, field."""

    def __init__(self, path: Path, case: str | None = None) -> None:
        self.path, self.case = path, case

    def fail(self, field: str, problem: str) -> UserError:
        case = f"用例“{self.case}”的 " if self.case else ""
        return UserError(f"{display(self.path)}：{case}{field}：{problem}")


def parse_assertion(item: Any, where: _Where, field: str) -> Assertion:
    """One assertion: ``{kind: arg, not: bool, field: str, name: str}`` or just ``kind``."""
    if isinstance(item, str):
        item = {item: True}
    if not isinstance(item, dict):
        raise where.fail(field, "应为“类型: 参数”，例如 contains_all: [7天]")
    kinds = [k for k in item if k not in MODIFIERS]
    if len(kinds) != 1:
        found = "、".join(map(str, kinds)) or "没有"
        raise where.fail(field, f"每条断言恰好写一个类型，这里是：{found}")
    kind = str(kinds[0])
    if kind not in KINDS:
        raise where.fail(field, f"未知断言类型“{kind}”，可用：{'、'.join(KINDS)}")
    negate, target, name = item.get("not", False), item.get("field"), item.get("name", "")
    if not isinstance(negate, bool):
        raise where.fail(f"{field}.not", "应为 true 或 false")
    if target is not None and (not isinstance(target, str)
                               or not all(FIELD_PART.fullmatch(part) for part in target.split("."))):
        raise where.fail(f"{field}.field", "应为输出里的字段名，例如 text、citations.section、script[role=agent].text")
    try:
        arg = KINDS[kind].parse(item[kind])
    except ValueError as exc:
        raise where.fail(f"{field}.{kind}", str(exc)) from None
    return Assertion(kind=kind, arg=arg, negate=negate, field=target, name=str(name))


def _assertions(items: Any, where: _Where, field: str) -> list[Assertion]:
    if items is None:
        return []
    if not isinstance(items, list):
        raise where.fail(field, "应为断言列表")
    return [parse_assertion(item, where, f"{field}[{i}]") for i, item in enumerate(items, 1)]


def _input_fields(task: str, where: _Where) -> tuple[set[str], set[str]]:
    """All and required input fields of the task."""
    from aigc_cs.evalkit.tasks import resolve

    try:
        model = resolve(task).Input
    except UserError as exc:
        raise where.fail("task", exc.message) from None
    fields = model.model_fields
    return set(fields), {name for name, f in fields.items() if f.is_required()}


def _case(raw: Any, n: int, suite_path: Path, defaults: dict[str, Any], shared: list[Assertion],
          fields: tuple[set[str], set[str]], origin: str = "") -> Case:
    where = _Where(suite_path, origin or f"#{n}")
    if not isinstance(raw, dict):
        raise where.fail("cases", "每个用例应为一个映射（id、vars、assert）")
    if raw.get("id"):
        where = _Where(suite_path, f"{raw['id']}{origin and f'（{origin}）'}")
    unknown = [k for k in raw if k not in CASE_KEYS]
    if unknown:
        raise where.fail(str(unknown[0]), f"用例里不认识这个键，可用：{'、'.join(CASE_KEYS)}")
    given = raw.get("vars") or {}
    if not isinstance(given, dict):
        raise where.fail("vars", "应为“变量: 值”的映射")
    values = {**defaults, **given}
    case_id = str(raw.get("id") or _auto_id(values, n))
    where = _Where(suite_path, f"{case_id}{origin and f'（{origin}）'}")
    for key, value in values.items():
        if isinstance(value, dict) and set(value) == {"file"}:
            values[key] = _read_var(suite_path.parent / str(value["file"]), where, f"vars.{key}.file")
    allowed, required = fields
    for key in values:
        if key not in allowed:
            raise where.fail(f"vars.{key}", f"任务不接受这个变量，可用：{'、'.join(sorted(allowed))}")
    missing = sorted(required - set(values))
    if missing:
        raise where.fail(f"vars.{missing[0]}", "缺少这个变量（可在 defaults 里统一给出）")
    inherit = raw.get("default_assert", True)
    if not isinstance(inherit, bool):
        raise where.fail("default_assert", "应为 true 或 false")
    asserts = (shared if inherit else []) + _assertions(raw.get("assert"), where, "assert")
    return Case(id=case_id, description=str(raw.get("description") or ""), vars=values, asserts=asserts)


def _read_var(path: Path, where: _Where, field: str) -> str:
    """A long var (a 5,000-character message, a student's essay) kept in its own UTF-8 text file."""
    try:
        return path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        raise where.fail(field, f"读不到文件 {display(path)}（需要 UTF-8 文本）") from None


def _auto_id(values: dict[str, Any], n: int) -> str:
    text = next((str(values[k]) for k in ("message", "text", "draft") if values.get(k)), "")
    text = re.sub(r"\s+", " ", text).strip()
    return text[:24] if text else f"case-{n}"


def _cell(kind: str, cell: str) -> Any:
    if kind in LIST_KINDS:
        return [part.strip() for part in cell.split("|") if part.strip()] if cell.lower() not in TRUE_CELLS else True
    if cell.lower() in TRUE_CELLS:
        return True
    try:
        value = safe_load(cell)
    except yaml.YAMLError:
        return cell
    return value if value is not None else cell


def table_cases(path: Path) -> list[dict[str, Any]]:
    """Cases from a csv/xlsx table: columns ``id``, ``description``, vars by name, and assertions by kind
    (``contains_all``; ``not.regex`` for a negated one). List cells separate items with ``|``; empty cells are skipped."""
    from aigc_cs.kb.loaders import table_rows

    if not path.is_file():
        raise UserError(f"{display(path)}：用例表不存在")
    if path.suffix.lower() not in (".csv", ".xlsx"):
        raise UserError(f"{display(path)}：用例表只能是 .csv 或 .xlsx")
    rows = table_rows(path.read_bytes(), path)
    if len(rows) < 2:
        raise UserError(f"{display(path)}：用例表需要一行列名和至少一行用例")
    header = [cell.strip() for cell in rows[0]]
    cases = []
    for row in rows[1:]:
        case: dict[str, Any] = {"vars": {}, "assert": []}
        for name, cell in zip(header, row, strict=False):
            cell = cell.strip()
            if not name or not cell:
                continue
            negate = name.startswith("not.")
            kind = name.removeprefix("not.").removeprefix("assert.")
            if name in ("id", "description"):
                case[name] = cell
            elif kind in KINDS:
                case["assert"].append({kind: _cell(kind, cell), **({"not": True} if negate else {})})
            else:
                case["vars"][name] = cell
        cases.append(case)
    return cases


def load_suite(path: Path) -> Suite:
    """Read and validate one suite file; every problem is a `UserError` naming the file, the case and the field."""
    where = _Where(path)
    try:
        raw = safe_load(path.read_text(encoding="utf-8"))
    except OSError:
        raise UserError(f"{display(path)}：读不到套件文件") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"第 {mark.line + 1} 行" if mark else "YAML"
        raise where.fail(line, f"YAML 格式有误（{getattr(exc, 'problem', None) or exc}）") from None
    if not isinstance(raw, dict):
        raise where.fail("（整个文件）", "套件应为一个映射：id、task、cases……")
    try:
        spec = SuiteFile.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = ".".join(str(p) for p in error["loc"] if not str(p).startswith(("function-", "float")))
        problem = "不认识这个字段" if error["type"] == "extra_forbidden" else error["msg"]
        raise where.fail(loc or "（顶层）", problem) from None
    fields = _input_fields(spec.task, where)
    defaults = dict(spec.defaults)
    shared = _assertions(defaults.pop("assert", None), where, "defaults.assert")
    cases = [_case(raw_case, n, path, defaults, shared, fields) for n, raw_case in enumerate(spec.cases, 1)]
    if spec.cases_file:
        table = (path.parent / spec.cases_file)
        for n, raw_case in enumerate(table_cases(table), 2):
            cases.append(_case(raw_case, n, path, defaults, shared, fields, origin=f"{table.name} 第 {n} 行"))
    if not cases:
        raise where.fail("cases", "套件里没有用例")
    seen: set[str] = set()
    for case in cases:
        if case.id in seen:
            raise _Where(path, case.id).fail("id", "用例 id 重复；同一套件里每个用例的 id 要不同，基线靠它对应")
        seen.add(case.id)
    across = _assertions(spec.across, where, "across")
    for a in across:
        if not KINDS[a.kind].across:
            raise where.fail("across", f"“{a.kind}”只能用于单个用例；跨用例只支持 "
                             f"{'、'.join(k for k, v in KINDS.items() if v.across)}")
    tolerance = spec.tolerance if isinstance(spec.tolerance, Tolerance) else \
        Tolerance(pass_rate=spec.tolerance, score=spec.tolerance)
    return Suite(id=spec.id, path=path, description=spec.description, task=spec.task, engine=spec.engine,
                 tolerance=tolerance, repeat=spec.repeat, reducer=spec.reducer, cases=cases, across=across,
                 cassettes=(path.parent / spec.cassettes) if spec.cassettes else None)


def find_suites(names: list[str] | None = None) -> list[Suite]:
    """Suites by file, folder or id (the file's stem under evals/suites); all of evals/suites when none given.
    All are validated before any runs; two suites may not share an id."""
    paths: list[Path] = []
    for name in names or [str(suites_dir())]:
        path = Path(name)
        if path.is_dir():
            paths.extend(sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml")))
        elif path.is_file():
            paths.append(path)
        elif (suites_dir() / f"{name}.yaml").is_file():
            paths.append(suites_dir() / f"{name}.yaml")
        else:
            raise UserError(f"找不到套件“{name}”：应为套件文件、文件夹，或 {display(suites_dir())} 下的套件名")
    if not paths:
        raise UserError(f"{display(suites_dir())}：没有套件文件（*.yaml）")
    suites = [load_suite(p) for p in dict.fromkeys(p.resolve() for p in paths)]
    ids: dict[str, Path] = {}
    for suite in suites:
        if suite.id in ids:
            raise UserError(f"{display(suite.path)}：id：套件 id“{suite.id}”与 {display(ids[suite.id])} 重复")
        ids[suite.id] = suite.path
    return suites
