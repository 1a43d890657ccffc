"""The libyaml loader reads every YAML file the project ships exactly as PyYAML's pure-Python safe loader does, stays a
safe loader, and reports bad YAML as `yaml.YAMLError` with the line it is on."""

import pytest
import yaml

from aigc_cs.paths import corpus_dir, data_dir
from aigc_cs.yaml_safe import safe_load


def test_shipped_yaml_reads_as_with_the_python_loader():
    """One file of each folder that ships YAML (suites, labelled sets, gold, phrase books…): all of them would take
    the pure-Python loader several seconds."""
    shipped = sorted([*corpus_dir().rglob("*.yaml"), *data_dir("evals").rglob("*.yaml")])
    samples = {path.parent: path for path in reversed(shipped)}.values()
    assert len(samples) > 10
    for path in samples:
        text = path.read_text(encoding="utf-8")
        assert safe_load(text) == yaml.safe_load(text), path


def test_python_tags_are_refused():
    with pytest.raises(yaml.constructor.ConstructorError):
        safe_load('!!python/object/apply:os.system ["true"]')


def test_bad_yaml_is_an_error_with_its_line():
    with pytest.raises(yaml.YAMLError) as caught:
        safe_load("id: x\ncases:\n  - id: [unclosed\n")
    assert caught.value.problem_mark.line == 3
