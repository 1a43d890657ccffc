"""A school-sized corpus for the 10k-chunk benchmarks (issue 14), written from the bundled demo corpus.

`write(folder)` makes `folder/shops/bench-NN/` (SHOPS copies of the demo shops, each with its own id and name) and
`folder/course/讲义-NNNN.md` (course handouts whose paragraphs are sentences drawn from the whole demo corpus, so
that words are spread over documents as in real material). Deterministic: the same files on every run, so the
content caches (vectors, classifier) are reused between runs. About 10,000 chunks at the default chunk size.
"""

import random
import re
import shutil
from pathlib import Path

from aigc_cs.paths import corpus_dir

SHOPS = 20
HANDOUTS = 1950
SECTIONS = 4
SEED = 14
_SENTENCE = re.compile(r"[^。！？\n]{8,}[。！？]")
_HEADING = re.compile(r"^#{1,3} (.+)$", re.MULTILINE)


def _pool() -> tuple[list[str], list[str]]:
    """Every sentence and every heading of the demo corpus's Markdown, front matter left out."""
    sentences, headings = [], []
    for path in sorted(corpus_dir().rglob("*.md")):
        text = re.sub(r"\A---\n.*?\n---\n", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
        sentences += _SENTENCE.findall(re.sub(r"[*#>\-]", "", text))
        headings += _HEADING.findall(text)
    return sorted(set(sentences)), sorted(set(headings))


def _handout(number: int, sentences: list[str], headings: list[str], rng: random.Random) -> str:
    parts = [f"# 讲义{number:04d}：{rng.choice(headings)}"]
    for _ in range(SECTIONS):
        parts.append(f"## {rng.choice(headings)}")
        parts += ["".join(rng.sample(sentences, rng.randint(2, 4))) for _ in range(rng.randint(2, 3))]
    return "\n\n".join(parts) + "\n"


def _shop(template: Path, target: Path, number: int) -> None:
    shutil.copytree(template, target)
    policy = target / "policy.md"
    text = policy.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^  id: .*$", f"  id: {target.name}", text, count=1)
    text = re.sub(r"(?m)^  name: (.*)$", rf"  name: \g<1>{number:02d}号店", text, count=1)
    policy.write_text(text, encoding="utf-8")


def write(folder: Path) -> Path:
    """Write the corpus under `folder` (which must not exist yet); the folder to ingest."""
    rng = random.Random(SEED)
    templates = sorted((corpus_dir() / "shops").iterdir())
    for n in range(SHOPS):
        _shop(templates[n % len(templates)], folder / "shops" / shop_id(n), n)
    sentences, headings = _pool()
    course = folder / "course"
    course.mkdir(parents=True)
    for n in range(HANDOUTS):
        (course / f"讲义-{n:04d}.md").write_text(_handout(n, sentences, headings, rng), encoding="utf-8")
    return folder


def shop_id(n: int) -> str:
    return f"bench-{n:02d}"


def one_file(folder: Path) -> Path:
    """The handout a one-file re-ingest changes."""
    return folder / "course" / "讲义-0007.md"
