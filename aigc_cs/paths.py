"""Where the bundled data lives: beside the package when installed, at the repo root in a checkout."""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_INSTALLED = _PACKAGE / "_data"
_CHECKOUT = _PACKAGE.parent


def data_dir(name: str) -> Path:
    """Return the folder `name` (``prompts`` or ``corpus``) wherever it was shipped."""
    installed = _INSTALLED / name
    return installed if installed.is_dir() else _CHECKOUT / name


def corpus_dir() -> Path:
    return data_dir("corpus")


def prompts_dir() -> Path:
    return data_dir("prompts")


def corpus_yaml(name: str):
    """A YAML file of the bundled corpus (``phrasebook/lexicon.yaml``), parsed with libyaml when it is there:
    the phrase books are read on every CLI call, and the pure-Python parser takes most of a second for them."""
    from aigc_cs.yaml_safe import safe_load

    return safe_load((corpus_dir() / name).read_text(encoding="utf-8"))
