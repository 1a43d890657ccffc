"""The character model of professional text (guard/charlm.py) that lets the typo check read a swap in its context."""

from aigc_cs.guard import charlm
from aigc_cs.guard.tone import EXAMPLES_FILE, examples
from aigc_cs.guard.typos import find_typos
from aigc_cs.paths import corpus_dir


def test_a_swap_that_professional_text_never_writes_is_a_typo_and_a_clean_line_stays_clean():
    assert [(t.quote, t.suggestion) for t in find_typos("花束里的鲜化都是今天早上到的。")] == [("鲜化", "鲜花")]
    assert find_typos("花束里的鲜花都是今天早上到的。") == []
    assert find_typos("海鲜全程冷链配送，箱内放有冰袋，收到后请尽快放进冰箱冷藏。") == []


def test_the_model_prefers_what_agents_write():
    assert charlm.gain("包裹正在排送中", "包裹正在派送中") > 5


def test_it_is_trained_on_professional_lines_only_never_on_planted_errors():
    texts = set(charlm._texts())
    lines, labels, _ = examples(corpus_dir() / EXAMPLES_FILE)
    assert {line for line, label in zip(lines, labels, strict=True) if label == "ok"} <= texts
    assert not {line for line, label in zip(lines, labels, strict=True) if label != "ok"} & texts


def test_the_trained_model_is_kept_and_read_back_the_same(tmp_path):
    lm = charlm.CharLM.train(["您好欢迎光临", "包裹正在派送中", "快递员正在派送", "包裹已经派送", "请保持电话畅通", "您好请稍等"])
    lm.save(tmp_path / "lm.marshal")
    again = charlm.CharLM.load(tmp_path / "lm.marshal")
    assert again.logprob("包裹正在派送中") == lm.logprob("包裹正在派送中") > lm.logprob("包裹正在排送中")
