"""The blind test splits (evals/<set>/test/) are frozen: every file's content hash is in evals/FROZEN.sha256, and
each set's hashes are vouched for by a dated line in README.md (“YYYY-MM-DD frozen: evals/<set>/test … <digest>”).
Changing a test file without recording it — a new manifest hash and a new dated README line — fails here."""

import hashlib
import re

from tests.conftest import ROOT

EVALS = ROOT / "evals"
MANIFEST = EVALS / "FROZEN.sha256"
README = ROOT / "README.md"
_DATED = re.compile(r"(\d{4}-\d{2}-\d{2}) frozen: .*?(evals/[\w-]+/test)\b.*?\b([0-9a-f]{12})\b")


def manifest() -> dict[str, str]:
    """path relative to evals/ → sha256."""
    entries = {}
    for line in MANIFEST.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            digest, path = line.split(maxsplit=1)
            entries[path.strip()] = digest
    return entries


def on_disk() -> dict[str, str]:
    return {p.relative_to(EVALS).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(EVALS.glob("*/test/**/*")) if p.is_file()}


def set_digest(entries: dict[str, str], name: str) -> str:
    """One digest per set: the sha256 of its manifest lines, in path order (first 12 hex digits)."""
    lines = "".join(f"{entries[p]}  {p}\n" for p in sorted(entries) if p.split("/", 1)[0] == name)
    return hashlib.sha256(lines.encode()).hexdigest()[:12]


def test_every_test_split_file_matches_its_frozen_hash():
    frozen, current = manifest(), on_disk()
    changed = sorted(p for p in frozen if p in current and current[p] != frozen[p])
    added = sorted(set(current) - set(frozen))
    removed = sorted(set(frozen) - set(current))
    assert not (changed or added or removed), (
        f"frozen test splits changed: changed {changed}, added {added}, removed {removed}. The test splits are "
        "written blind and must not be edited to fit the code; if a change is truly needed (a typo in the data), "
        "update evals/FROZEN.sha256 and add a dated line '<date> frozen: evals/<set>/test … <digest>' to README.md")


def test_every_frozen_set_has_a_dated_line_in_the_readme():
    entries = manifest()
    sets = sorted({p.split("/", 1)[0] for p in entries})
    assert {"gold", "language", "replies", "retrieval"} <= set(sets)
    vouched = {(m.group(2), m.group(3)) for m in _DATED.finditer(README.read_text(encoding="utf-8"))}
    missing = [f"evals/{name}/test {set_digest(entries, name)}" for name in sets
               if (f"evals/{name}/test", set_digest(entries, name)) not in vouched]
    assert not missing, f"README.md has no dated 'YYYY-MM-DD frozen:' line for: {missing}"
