"""How a character or a word sounds: tone-less pinyin with the near sounds that students mix up folded together
(zh/z, ch/c, sh/s, n/l, ang/an, eng/en, ing/in; the folds are data in corpus/phrasebook/lexicon.yaml)."""

from functools import cache

from pydantic import BaseModel

from aigc_cs.guard.lexicon import lexicon_data


class SoundAlike(BaseModel):
    initials: dict[str, str] = {}  # a syllable beginning with the key begins with the value instead (zh → z)
    finals: dict[str, str] = {}  # a syllable ending with the key ends with the value instead (ang → an)


@cache
def _folds() -> SoundAlike:
    return SoundAlike.model_validate(lexicon_data().get("sound_alike") or {})


def fold(syllable: str) -> str:
    """One tone-less syllable with near initials and finals folded: zhang → zan, ning → lin."""
    folds = _folds()
    for start, into in sorted(folds.initials.items(), key=lambda kv: -len(kv[0])):
        if syllable.startswith(start) and len(syllable) > len(start):
            syllable = into + syllable[len(start):]
            break
    for end, into in sorted(folds.finals.items(), key=lambda kv: -len(kv[0])):
        if syllable.endswith(end):
            return syllable[: -len(end)] + into
    return syllable


@cache
def main_sound(char: str) -> str:
    """The folded main reading of one character: the sound a writer typed when the input method offered it."""
    from pypinyin import Style, pinyin

    readings = pinyin(char, style=Style.NORMAL, errors=lambda chars: ["?"] * len(chars))
    return fold(readings[0][0]) if readings else "?"


def word_sounds(word: str) -> list[str]:
    """The folded syllables of a word as it is read in context (phrase-aware: 银行 → yin han)."""
    from pypinyin import lazy_pinyin

    return [fold(s) for s in lazy_pinyin(word, errors=lambda chars: ["?"] * len(chars))]
