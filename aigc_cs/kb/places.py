"""Where a customer says they are, in the words a shop's policy names places by (data: corpus/phrasebook/places.yaml)."""

import re
from functools import cache

from pydantic import BaseModel, ValidationError

from aigc_cs.errors import UserError
from aigc_cs.paths import corpus_dir, corpus_yaml

FILE = "phrasebook/places.yaml"


class Places(BaseModel):
    provinces: dict[str, list[str]]  # province → its other names and main cities
    regions: dict[str, list[str]]  # a group a policy names (江浙沪, 偏远地区) → its provinces


@cache
def _places() -> Places:
    try:
        return Places.model_validate(corpus_yaml(FILE) or {})
    except ValidationError as e:
        raise UserError(f"{corpus_dir() / FILE}：要有 provinces（省 → 别名和城市）和 regions（地区 → 省的列表）（{e}）") from None


def place_words(message: str) -> list[str]:
    """The words a policy may name the customer's place by: the province the message names (itself or by a city),
    then the regions it names or that hold it (乌鲁木齐 → 新疆, 西北, 偏远地区); [] when it names no place."""
    places = _places()
    named = [region for region in places.regions if region in message]  # 偏远地区包邮吗
    for province, names in places.provinces.items():
        if any(name in message for name in [province, *names]):
            return [province, *named, *(region for region, members in places.regions.items() if province in members)]
    return named


def naming(places: list[str], *words: list[str]) -> re.Pattern[str]:
    """One clause (up to 。；) that names one of `places` and a word of each list in `words`: the line a policy wrote
    about that place (新疆、西藏…每件加收150元; 东北三省…不发樱桃)."""
    ahead = "".join(f"(?=[^。；;]*(?:{'|'.join(map(re.escape, group))}))" for group in (places, *words[:-1]))
    return re.compile(f"{ahead}[^。；;]*(?:{'|'.join(map(re.escape, words[-1]))})")
