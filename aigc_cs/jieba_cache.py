"""jieba with its dictionary cached per first character, so that a process loads only what it cuts.

jieba's own cache is one marshalled dict of ~500k words and prefixes: 0.3–0.7 s to load on a quiet machine and 2–3 s
on a busy one, paid by every CLI call. Here the same dict is split by first character into one file (an index of
offsets, then one marshalled bucket per character) under ``<cache>/jieba``, built once. A word lookup only ever
involves substrings of the text being cut, so loading the buckets of the text's characters before cutting gives
exactly the words, frequencies and total of the full dictionary.
"""

import hashlib
import marshal
import mmap
import os
import struct
import sys
import tempfile
import threading
from pathlib import Path

FORMAT = "buckets-1"
_HEADER = struct.Struct("<Q")


def _import_jieba():
    """Import jieba without pkg_resources (0.1–0.3 s of start-up), which jieba only uses to open its dict.txt."""
    blocked = "pkg_resources" not in sys.modules
    if blocked:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # makes `import pkg_resources` fail
    try:
        import jieba
    finally:
        if blocked:
            del sys.modules["pkg_resources"]
    return jieba


jieba = _import_jieba()
BLOCKS = jieba.re_han_default  # jieba cuts each run of these characters (and each stretch between them) on its own


def cache_file(folder: Path) -> Path:
    """The bucket file for the installed jieba and its default dictionary."""
    dictionary = Path(jieba.__file__).with_name("dict.txt")
    stat = dictionary.stat()
    key = f"{FORMAT}|{jieba.__version__}|{dictionary}|{stat.st_size}|{stat.st_mtime_ns}"
    return folder / f"jieba-{hashlib.sha1(key.encode()).hexdigest()[:16]}.dict"


def build(path: Path) -> None:
    """Write the bucket file from jieba's own dictionary (atomically: concurrent builders are harmless)."""
    full = jieba.Tokenizer()
    full.initialize()
    buckets: dict[str, dict[str, int]] = {}
    for word, freq in full.FREQ.items():
        buckets.setdefault(word[0], {})[word] = freq
    offsets, parts, at = {}, [], 0
    for char, bucket in buckets.items():
        data = marshal.dumps(bucket)
        offsets[char] = (at, len(data))
        parts.append(data)
        at += len(data)
    header = marshal.dumps((full.total, offsets))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "wb") as handle:
        handle.write(_HEADER.pack(len(header)) + header)
        handle.writelines(parts)
    os.replace(tmp, path)


class BucketTokenizer(jieba.Tokenizer):
    """A jieba Tokenizer whose dictionary is read from the bucket file, one first character at a time."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self._loaded: set[str] = set()
        self._load_lock = threading.Lock()

    def initialize(self, dictionary: str | None = None) -> None:
        if self.initialized:
            return
        if not self.path.exists():
            build(self.path)
        with open(self.path, "rb") as handle:
            (size,) = _HEADER.unpack(handle.read(_HEADER.size))
            self.total, self._offsets = marshal.loads(handle.read(size))
            self._body = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        self._base = _HEADER.size + size
        self.initialized = True

    def _load(self, text: str) -> None:
        """Load the buckets of every character of `text` that is not loaded yet."""
        self.check_initialized()
        missing = set(text) - self._loaded
        if not missing:
            return
        with self._load_lock:
            for char in missing - self._loaded:
                if char in self._offsets:
                    at, size = self._offsets[char]
                    self.FREQ.update(marshal.loads(self._body[self._base + at: self._base + at + size]))
                self._loaded.add(char)

    def cut(self, sentence: str, cut_all: bool = False, HMM: bool = True, use_paddle: bool = False):
        self._load(sentence)
        return super().cut(sentence, cut_all, HMM, use_paddle)

    def get_FREQ(self, k: str, d: int | None = None) -> int | None:
        """The frequency of word `k` (jieba's module-level get_FREQ, for this tokenizer)."""
        if k[:1] not in self._loaded:  # a word is in its first character's bucket (the course's words, added, too)
            self._load(k[:1])
        return self.FREQ.get(k, d)

    def add_word(self, word: str, freq: int | None = None, tag: str | None = None) -> None:
        self._load(word)
        super().add_word(word, freq, tag)
