"""How a character or a word sounds: tone-less pinyin with the near sounds that students mix up folded together
(zh/z, ch/c, sh/s, n/l, ang/an, eng/en, ing/in; the folds are data in corpus/phrasebook/lexicon.yaml)."""

import unicodedata
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


def _toneless(syllable: str) -> str:
    """pypinyin's dictionary spelling without the tone mark, ü written v as pypinyin does: lǜ → lv."""
    marks = unicodedata.normalize("NFD", syllable).replace("u\u0308", "v")
    return "".join(c for c in marks if not unicodedata.combining(c))


@cache
def readings(char: str) -> tuple[str, ...]:
    """Every tone-less reading of one character, the main one first (行 → xing, hang, heng)."""
    from pypinyin.pinyin_dict import pinyin_dict

    raw = pinyin_dict.get(ord(char)) if len(char) == 1 else None
    return tuple(dict.fromkeys(_toneless(r) for r in raw.split(","))) if raw else ()


@cache
def main_sound(char: str) -> str:
    """The folded main reading of one character: the sound a writer typed when the input method offered it."""
    return fold(readings(char)[0]) if readings(char) else "?"


@cache
def word_sounds(word: str) -> tuple[str, ...]:
    """The folded syllables of a word as it is read in context (phrase-aware: 银行 → yin han)."""
    from pypinyin import lazy_pinyin

    return tuple(fold(s) for s in lazy_pinyin(word, errors=lambda chars: ["?"] * len(chars)))


def common_chars() -> list[str]:
    """The 3,755 common characters of GB 2312 level 1, the ones an input method offers first."""
    found = []
    for row in range(0xB0, 0xD8):
        for cell in range(0xA1, 0xFF):
            try:
                found.append(bytes([row, cell]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return found


@cache
def _by_sound() -> dict[str, frozenset[str]]:
    sounds: dict[str, set[str]] = {}
    for char in common_chars():
        for reading in readings(char):
            sounds.setdefault(fold(reading), set()).add(char)
    return {sound: frozenset(chars) for sound, chars in sounds.items()}


def homophones(char: str) -> frozenset[str]:
    """The common characters one of whose readings sounds like the main reading of `char` (near sounds folded)."""
    return _by_sound().get(main_sound(char), frozenset()) - {char}


def is_common(char: str) -> bool:
    """Whether `char` is one of the common characters of GB 2312 level 1."""
    try:
        code = char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(code) == 2 and 0xB0 <= code[0] <= 0xD7
