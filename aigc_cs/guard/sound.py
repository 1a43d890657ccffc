"""How a character or a word sounds: tone-less pinyin with the near sounds that students mix up folded together
(zh/z, ch/c, sh/s, n/l, ang/an, eng/en, ing/in; the folds are data in corpus/phrasebook/lexicon.yaml).

pypinyin's dictionaries are read once per machine and kept in ``<cache>/sound`` as marshal files, named by a digest
of pypinyin's version, FORMAT and (for the sound table) the folds: importing pypinyin takes a quarter of a second and
folding the readings of the 3,755 common characters a tenth more, which every process that looked for a homophone
paid (and each forked grader again, to read a word). The sound table holds every character's readings and the common
characters by folded sound; the phrase table, read only when a word is read, holds what pypinyin's phrase-aware
reading of a word depends on, so that pypinyin itself is imported only for a word with a character that it has no
reading for. A file that cannot be read or written only means working it out again."""

import contextlib
import hashlib
import marshal
import unicodedata
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import NamedTuple

from pydantic import BaseModel

from aigc_cs.guard.lexicon import lexicon_data

FORMAT = "sound-1"  # bump when what the files hold or how it is worked out changes
Reading = str | tuple[str, ...]  # syllables joined by commas (strings load faster than tuples), or as they are


class SoundAlike(BaseModel):
    initials: dict[str, str] = {}  # a syllable beginning with the key begins with the value instead (zh → z)
    finals: dict[str, str] = {}  # a syllable ending with the key ends with the value instead (ang → an)


class SoundTable(NamedTuple):
    readings: dict[str, str]  # character → its tone-less readings, the main one first, joined by commas
    by_sound: dict[str, frozenset[str]]  # folded sound → the common characters one of whose readings it is


class PhraseTable(NamedTuple):
    pieces: dict[str, Reading | None]  # each phrase of pypinyin's phrase dictionary → its reading; None: only the
    # beginning of one
    lone: dict[str, Reading | None]  # a character that pypinyin reads otherwise than by its main reading when on its
    # own; None: one it does not take for Chinese, and so reads apart from its neighbours


@cache
def _folds() -> SoundAlike:
    return SoundAlike.model_validate(lexicon_data().get("sound_alike") or {})


def fold(syllable: str, folds: SoundAlike | None = None) -> str:
    """One tone-less syllable with near initials and finals folded: zhang → zan, ning → lin (the folds of
    lexicon.yaml unless `folds` are given)."""
    folds = _folds() if folds is None else folds
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


def build(folds: SoundAlike) -> SoundTable:
    """The readings of every character in pypinyin's dictionary and the common characters by folded sound."""
    from pypinyin.pinyin_dict import pinyin_dict

    readings = {chr(code): ",".join(dict.fromkeys(_toneless(r) for r in raw.split(",")))
                for code, raw in pinyin_dict.items() if raw}
    sounds: dict[str, set[str]] = {}
    for char in common_chars():
        for reading in (readings[char].split(",") if char in readings else ()):
            sounds.setdefault(fold(reading, folds), set()).add(char)
    return SoundTable(readings, {sound: frozenset(chars) for sound, chars in sounds.items()})


def _unknown(chars: str) -> list[str]:
    """What a word's reading has for a character without pinyin."""
    return ["?"] * len(chars)


def _joined(syllables: list[str]) -> Reading:
    """`syllables` as stored: joined by commas where splitting gives them back."""
    joined = ",".join(syllables)
    return joined if syllables and joined.split(",") == syllables else tuple(syllables)


def _split(reading: Reading) -> list[str]:
    return reading.split(",") if isinstance(reading, str) else list(reading)


def build_phrases() -> PhraseTable:
    """pypinyin's reading of each of its phrases (and the beginnings of phrases, which its cutting looks for), and of
    each character that it reads on its own otherwise than by its main reading (in pypinyin 0.55, none)."""
    from pypinyin import lazy_pinyin
    from pypinyin.constants import PHRASES_DICT, PINYIN_DICT, RE_HANS

    pieces: dict[str, Reading | None] = {}
    for phrase in PHRASES_DICT:
        for end in range(1, len(phrase)):
            pieces.setdefault(phrase[:end], None)
    for phrase in PHRASES_DICT:  # one with other characters than Chinese is never matched: pypinyin splits there
        pieces[phrase] = _joined(lazy_pinyin(phrase, errors=_unknown)) if RE_HANS.match(phrase) else pieces.get(phrase)
    lone: dict[str, Reading | None] = {}
    for code, raw in PINYIN_DICT.items():
        char = chr(code)
        alone = lazy_pinyin(char, errors=_unknown)
        if not RE_HANS.match(char):
            lone[char] = None
        elif not raw or alone != [_toneless(raw.split(",")[0])]:
            lone[char] = _joined(alone)
    return PhraseTable(pieces, lone)


def _pypinyin_version() -> str:
    """The installed pypinyin's version, read without importing it."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pypinyin")
    except PackageNotFoundError:  # no distribution metadata (a bundled app): ask the module itself
        import pypinyin

        return pypinyin.__version__


def _digest(*parts: str) -> str:
    return hashlib.sha1("|".join((FORMAT, _pypinyin_version(), *parts)).encode()).hexdigest()[:16]


def cache_file(folder: Path, folds: SoundAlike) -> Path:
    """The sound table's file for the installed pypinyin and `folds`."""
    return folder / f"sounds-{_digest(folds.model_dump_json())}.marshal"


def phrases_file(folder: Path) -> Path:
    """The phrase table's file for the installed pypinyin."""
    return folder / f"phrases-{_digest()}.marshal"


def _cached(path: Path, make: Callable[[], tuple], fields: int) -> tuple:
    """The tuple of `fields` dicts in `path`, or `make()` written there (atomically) when the file is missing or
    cannot be read."""
    from aigc_cs.errors import UserError
    from aigc_cs.files import replacing

    with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
        found = marshal.loads(path.read_bytes())
        if isinstance(found, tuple) and len(found) == fields and all(isinstance(f, dict) for f in found):
            return found
    made = tuple(make())
    with contextlib.suppress(UserError), replacing(path) as tmp:
        tmp.write_bytes(marshal.dumps(made))
    return made


def load(folder: Path, folds: SoundAlike) -> SoundTable:
    """The sound table for `folds`, from its file in `folder` or worked out (and written there)."""
    return SoundTable(*_cached(cache_file(folder, folds), lambda: build(folds), len(SoundTable._fields)))


def load_phrases(folder: Path) -> PhraseTable:
    """The phrase table, from its file in `folder` or worked out (and written there)."""
    return PhraseTable(*_cached(phrases_file(folder), build_phrases, len(PhraseTable._fields)))


def _folder() -> Path:
    from aigc_cs.config import Settings

    return Settings().cache / "sound"


@cache
def _table() -> SoundTable:
    return load(_folder(), _folds())


@cache
def _phrases() -> PhraseTable:
    return load_phrases(_folder())


@cache
def readings(char: str) -> tuple[str, ...]:
    """Every tone-less reading of one character, the main one first (行 → xing, hang, heng)."""
    joined = _table().readings.get(char)
    return tuple(joined.split(",")) if joined else ()


@cache
def main_sound(char: str) -> str:
    """The folded main reading of one character: the sound a writer typed when the input method offered it."""
    return fold(readings(char)[0]) if readings(char) else "?"


def _pieces(text: str, pieces: dict[str, Reading | None]) -> Iterator[str]:
    """`text` cut as pypinyin cuts a run of Chinese characters (its mmseg, phrases only): at each point the longest
    phrase that begins there, as far as the text goes on as the beginning of a phrase; else one character, or every
    character left when the rest of the text begins a phrase without holding one."""
    while text:
        end = longest = 0
        while end < len(text) and text[: end + 1] in pieces:
            end += 1
            longest = end if pieces[text[:end]] is not None else longest
        if longest:
            yield text[:longest]
            text = text[longest:]
        elif end == len(text):
            yield from text
            return
        else:
            yield text[0]
            text = text[1:]


def _read(word: str) -> list[str] | None:
    """pypinyin's tone-less reading of `word` (lazy_pinyin) from the tables: each piece as a phrase or a character
    alone; None when a character is not one that pypinyin reads (not Chinese, or not in its dictionary)."""
    table, phrases = _table(), _phrases()
    if any(c not in table.readings or (c in phrases.lone and phrases.lone[c] is None) for c in word):
        return None
    syllables = []
    for piece in _pieces(word, phrases.pieces):
        reading = phrases.pieces.get(piece)
        if reading is None:  # a character alone (a multi-character piece is a phrase)
            reading = phrases.lone.get(piece)
        syllables += _split(reading) if reading is not None else [readings(piece)[0]]
    return syllables


@cache
def word_sounds(word: str) -> tuple[str, ...]:
    """The folded syllables of a word as it is read in context (phrase-aware: 银行 → yin han)."""
    syllables = _read(word)
    if syllables is None:
        from pypinyin import lazy_pinyin

        syllables = lazy_pinyin(word, errors=_unknown)
    return tuple(fold(s) for s in syllables)


def homophones(char: str) -> frozenset[str]:
    """The common characters one of whose readings sounds like the main reading of `char` (near sounds folded)."""
    return _table().by_sound.get(main_sound(char), frozenset()) - {char}


def is_common(char: str) -> bool:
    """Whether `char` is one of the common characters of GB 2312 level 1."""
    try:
        code = char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(code) == 2 and 0xB0 <= code[0] <= 0xD7
