"""How well the policy checker reads timed policies said in other words (evals/claims/<split>/*.yaml): the share
of wrong periods it flags, and how often it flags a right one or a sentence that states no policy. Measured with
the fixed readings alone and with the readings by meaning (guard/meaning.py) side by side."""

from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from aigc_cs.evalkit.replies import Split, eval_context
from aigc_cs.paths import data_dir

Policy = Literal["no_reason_return_days", "ship_within_hours", "refund_working_days", "quality_claim_days",
                 "aftersale_reply_minutes", "none"]


class Item(BaseModel):
    id: str
    shop: str
    text: str
    policy: Policy
    correct: bool | None = None  # policy items only: does the stated period match the shop's facts?


class Rates(BaseModel):
    wrong_flagged: float  # recall: wrong periods flagged
    right_flagged: float  # false alarms on right periods
    none_flagged: float  # false alarms on sentences that state no policy


class ClaimsReport(BaseModel):
    split: Split
    items: int
    wrong: int
    fixed: Rates  # the fixed readings alone
    meaning: Rates  # …and the readings by meaning
    missed: list[str]  # ids of wrong periods still not flagged
    false_alarms: list[str]  # ids flagged although right or no policy


def claims_dir(split: Split) -> Path:
    return data_dir("evals") / "claims" / split


def load_items(split: Split, folder: Path | None = None) -> list[Item]:
    import yaml
    from pydantic import ValidationError

    from aigc_cs.errors import UserError
    from aigc_cs.yaml_safe import safe_load

    folder = folder or claims_dir(split)
    items = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            items += [Item.model_validate(x) for x in safe_load(path.read_text(encoding="utf-8")) or []]
        except (yaml.YAMLError, ValidationError, TypeError) as exc:
            raise UserError(f"{path}：时限句子的格式有误（{type(exc).__name__}），格式见 evals/claims/README.md") from None
    if not items:
        raise UserError(f"{folder}：没有找到时限句子（*.yaml），格式见 evals/claims/README.md")
    return items


def measure(ctx, split: Split = "dev") -> ClaimsReport:
    from aigc_cs.guard.check import check_text

    ectx = eval_context(ctx)
    items = load_items(split)
    flagged = {mode: [bool(check_text(i.text, ectx.shop(i.shop), by_meaning=mode).violations) for i in items]
               for mode in (False, True)}

    def rates(found: list[bool]) -> Rates:
        def share(group: list[bool]) -> float:
            return round(sum(group) / len(group), 4) if group else 0.0

        return Rates(wrong_flagged=share([f for f, i in zip(found, items, strict=True) if i.correct is False]),
                     right_flagged=share([f for f, i in zip(found, items, strict=True) if i.correct is True]),
                     none_flagged=share([f for f, i in zip(found, items, strict=True) if i.policy == "none"]))

    wrong = [i.correct is False for i in items]
    return ClaimsReport(split=split, items=len(items), wrong=sum(wrong), fixed=rates(flagged[False]),
                        meaning=rates(flagged[True]),
                        missed=[i.id for i, f, w in zip(items, flagged[True], wrong, strict=True) if w and not f],
                        false_alarms=[i.id for i, f, w in zip(items, flagged[True], wrong, strict=True) if f and not w])
