"""A learned reading of a sentence's tone: does it sound like a 禁用语 (impatient, blaming, brushing off, rude)
in words no list holds ("详情页都写了还问", "那我也没办法呀")?

The word lists (guard/lexicon.py) name the words; this model reads the whole sentence. It is a logistic regression
over character 1–4-grams (tf-idf), trained on the example sentences of corpus/phrasebook/tone-examples.tsv at
ingest or first use and kept as plain arrays in the cache, so that checking a sentence needs only numpy. It flags a
sentence only above the highest score any `ok` example reaches when its writer was left out of training (grouped
3-fold): on a writer it has never seen it adds few false alarms. It cannot point at the words, so a flag quotes the
whole sentence. Only sentences the word lists found nothing in are read.
"""

import contextlib
import hashlib
import os
import re
from functools import cache
from pathlib import Path

import numpy as np

from aigc_cs.errors import UserError
from aigc_cs.guard.lexicon import CHECK_KINDS, QUOTE_CHARS, Hit, scan
from aigc_cs.kb.classifier import ngrams, tfidf
from aigc_cs.paths import corpus_dir
from aigc_cs.text import normalize

EXAMPLES_FILE = "phrasebook/tone-examples.tsv"
HEADER = ("# 语气模型的训练句子（aigc_cs/guard/tone.py）：每行“标签<TAB>分组<TAB>句子”。\n"
          "# 标签 banned = 读起来像服务禁语（生硬、推责、不耐烦、怼顾客），ok = 得体的客服说法；"
          "分组 = 写这些句子的人或批次（至少 3 组，阈值在没见过的组上定）。\n"
          "# 由 python -m aigc_cs.evalkit.tone_data 从 evals/language/dev 生成；老师可以追加自己的句子。\n")
LABELS = ("banned", "ok")
SIZES = (1, 2, 3, 4)
C = 10.0
FOLDS = 3
WHY = "整句读起来像服务禁语（生硬、推责或不耐烦）；这是语气模型对整句的判断，不是词表里的词"
INSTEAD = "先认可顾客的问题，再用“您”和礼貌、主动的说法给出办法"
_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;\n]*")
_ENDS = "。！？!?；;\n "
# words that are not the agent's: a quoted remark, or the customer's turn in a script (顾客：“是快递摔坏的吧…”)
_OTHERS = re.compile(rf"^(?:顾客|买家|客户)[：:].*$|“[^”]{{0,{QUOTE_CHARS}}}”|‘[^’]{{0,{QUOTE_CHARS}}}’"
                     rf"|「[^」]{{0,{QUOTE_CHARS}}}」", re.MULTILINE)


class Model:
    def __init__(self, vocab: dict[str, int], idf: np.ndarray, coef: np.ndarray, intercept: float,
                 threshold: float) -> None:
        self.vocab, self.idf, self.coef, self.intercept, self.threshold = vocab, idf, coef, intercept, threshold

    def score(self, sentence: str) -> float:
        weights = tfidf(ngrams(sentence, SIZES), self.vocab, self.idf)
        return self.intercept + sum(w * float(self.coef[col]) for col, w in weights.items())

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.npz")
        np.savez(tmp, idf=self.idf, coef=self.coef, scalars=np.array([self.intercept, self.threshold]),
                 vocab=np.array("\n".join(sorted(self.vocab, key=self.vocab.__getitem__))))  # grams hold no newline
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> "Model":
        with np.load(path) as data:
            intercept, threshold = (float(x) for x in data["scalars"])
            vocab = {gram: col for col, gram in enumerate(str(data["vocab"]).split("\n"))}
            return cls(vocab, data["idf"], data["coef"], intercept, threshold)


def examples(path: Path) -> tuple[list[str], list[int], list[str]]:
    """(sentences, 1 for banned, groups) of the examples file; a malformed line is one error naming it."""
    texts, labels, groups = [], [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3 or parts[0] not in LABELS or not parts[2].strip():
            raise UserError(f"{path} 第 {number} 行：应为“banned 或 ok<TAB>分组<TAB>句子”，请改正这一行")
        labels.append(int(parts[0] == "banned"))
        groups.append(parts[1])
        texts.append(parts[2])
    if len(set(labels)) < 2 or len(set(groups)) < FOLDS:
        raise UserError(f"{path}：banned 和 ok 两种句子都要有，分组至少 {FOLDS} 个")
    return texts, labels, groups


def _fit(texts: list[str], labels: list[int]):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectoriser = TfidfVectorizer(analyzer=lambda t: ngrams(t, SIZES), sublinear_tf=True, min_df=2)
    features = vectoriser.fit_transform(texts)
    fitted = LogisticRegression(C=C, solver="liblinear", class_weight="balanced", max_iter=2000)
    return vectoriser, fitted.fit(features, labels)


def train(texts: list[str], labels: list[int], groups: list[str]) -> Model:
    """Fit on every example; the threshold is the highest score an `ok` example gets from a model that did not
    see its group (grouped k-fold), so that a new writer's polite sentences stay below it."""
    from sklearn.model_selection import GroupKFold

    y, highest = np.array(labels), -np.inf
    for inside, outside in GroupKFold(n_splits=FOLDS).split(texts, y, groups):
        vectoriser, fitted = _fit([texts[i] for i in inside], list(y[inside]))
        scores = fitted.decision_function(vectoriser.transform([texts[i] for i in outside]))
        highest = max(highest, float(scores[y[outside] == 0].max(initial=-np.inf)))
    vectoriser, fitted = _fit(texts, labels)
    vocab = {gram: int(col) for gram, col in vectoriser.vocabulary_.items()}
    return Model(vocab, vectoriser.idf_.astype(np.float32), fitted.coef_[0].astype(np.float32),
                 float(fitted.intercept_[0]), highest + 1e-6)


def _digest(raw: bytes) -> str:
    from importlib.metadata import version

    from aigc_cs import text
    from aigc_cs.kb import classifier

    code = b"".join(Path(m.__file__).read_bytes() for m in (text, classifier) if m.__file__)
    blob = raw + Path(__file__).read_bytes() + code + version("scikit-learn").encode()
    return hashlib.sha1(blob).hexdigest()[:16]


def _cached(path: Path) -> Path:
    """Where the model for the examples file `path` is kept: named by the file's content and the code."""
    from aigc_cs.kb.semantic import cache_dir

    return cache_dir() / f"tone-model-{_digest(path.read_bytes())}.npz"


def ready() -> bool:
    """Whether the model can be used without training it first (about fifteen seconds)."""
    path = corpus_dir() / EXAMPLES_FILE
    return not path.exists() or _cached(path).exists()


@cache
def model() -> Model | None:
    """The model for today's examples, from the cache or trained now (about fifteen seconds); None without examples."""
    path = corpus_dir() / EXAMPLES_FILE
    if not path.exists():
        return None
    cached = _cached(path)
    if cached.exists():
        with contextlib.suppress(OSError, ValueError, KeyError):  # a damaged cache is retrained below
            return Model.load(cached)
    trained = train(*examples(path))
    with contextlib.suppress(OSError):  # a read-only cache still works, only slower
        trained.save(cached)
    return trained


def warm() -> None:
    """Train (or load) the model now, at ingest, so that the first check does not wait for it."""
    model()


def flags(text: str, hits: list[Hit]) -> list[Hit]:
    """The sentences of `text` (normalised) the model reads as 禁用语 and no lexicon hit lies in. Quoted remarks
    and the customer's turns are blanked first (same offsets): they are not the agent's wording."""
    found = model()
    if found is None:
        return []
    own, out = _OTHERS.sub(lambda m: " " * len(m.group(0)), normalize(text)), []
    for match in _SENTENCE.finditer(own):
        raw = match.group(0)
        quote = raw.strip(_ENDS)
        start = match.start() + len(raw) - len(raw.lstrip(_ENDS))
        end = start + len(quote)
        if (quote and not any(h.start < end and h.end > start for h in hits)
                and found.score(quote) > found.threshold):
            out.append(Hit(kind="banned", term="语气", quote=quote, start=start, end=end,
                           why=WHY, instead=INSTEAD))
    return out


def wording(text: str, kinds: tuple[str, ...] = CHECK_KINDS) -> list[Hit]:
    """The lexicon's hits of `kinds` in `text` and the tone model's sentences, ordered by position."""
    hits = scan(text, kinds)
    return sorted(hits + flags(text, hits), key=lambda h: h.start)
