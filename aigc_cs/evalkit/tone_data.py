"""The tone model's training examples (corpus/phrasebook/tone-examples.tsv), built from the dev split of the
language eval: planted 禁用语 sentences are `banned`, professional lines `ok`, and the planted sentences of the
other kinds (a typo, an 极限词, a slang word: faults, but no rude tone) `fault`. Each line keeps its writer's batch as
its group, so that the model's threshold is set on writers it was not trained on.

Run ``python -m aigc_cs.evalkit.tone_data`` after the dev split changes; a test fails while the file is stale.
The test split is never read here.
"""

import re
from pathlib import Path

from aigc_cs.evalkit.language import language_dir, load_planted
from aigc_cs.guard.tone import EXAMPLES_FILE, HEADER
from aigc_cs.paths import corpus_dir


def _group(path: Path) -> str:
    """The writer's batch of a dev file: professional-3.txt and planted-3.yaml are batch 3; the unnumbered ones 1."""
    found = re.search(r"-(\d+)$", path.stem)
    return f"dev{found.group(1) if found else 1}"


def rows() -> list[tuple[str, str, str]]:
    """(label, group, text) for every dev sentence, in file order."""
    folder = language_dir("dev")
    out = [("ok", _group(path), line.strip()) for path in sorted(folder.glob("*.txt"))
           for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    out += [("banned" if item.kind == "banned" else "fault", _group(path), item.text)
            for path in sorted(folder.glob("planted*.yaml")) for item in load_planted(path)]
    return [(label, group, " ".join(text.split())) for label, group, text in out]


def render() -> str:
    return HEADER + "".join(f"{label}\t{group}\t{text}\n" for label, group, text in rows())


def main() -> None:
    path = corpus_dir() / EXAMPLES_FILE
    path.write_text(render(), encoding="utf-8")
    print(f"{path}：{len(rows())} 句")


if __name__ == "__main__":
    main()
