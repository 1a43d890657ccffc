"""Invisible characters cannot hide a wrong policy claim: `check`, `grade` and the guard on model output all read text
through the one normalisation (aigc_cs.text.normalize), which removes every format / default-ignorable code point."""

import json
import sys
import unicodedata

import pytest

from aigc_cs.text import normalize

SHOP = "demo-fashion"  # its policy: 7 days, not 30
CLAIM = "30天{}无理由退货"
INVISIBLE = {
    "soft hyphen": "\u00ad", "zero-width space": "\u200b", "zero-width non-joiner": "\u200c",
    "zero-width joiner": "\u200d", "left-to-right mark": "\u200e", "word joiner": "\u2060",
    "right-to-left override": "\u202e", "left-to-right isolate": "\u2066", "byte order mark": "\ufeff",
    "combining grapheme joiner": "\u034f", "mongolian vowel separator": "\u180e", "mongolian selector": "\u180b",
    "variation selector 16": "\ufe0f", "variation selector 256": "\U000e01ef", "tag letter": "\U000e0041",
    "cancel tag": "\U000e007f", "hangul filler": "\u3164", "NUL": "\x00", "bell": "\x07", "DEL": "\x7f",
    "C1 control": "\x85", "three in a row": "\u00ad\u200b\U000e0020",
}
VARIANTS = [pytest.param(CLAIM.format(char), id=name) for name, char in INVISIBLE.items()]
VARIANTS.append(pytest.param("3\u200b0天无\u00ad理\u034f由退货", id="inside the number and the words"))


@pytest.mark.parametrize("claim", VARIANTS)
def test_check_catches_the_hidden_claim(cli, claim):
    result = cli("check", f"亲，我们支持{claim}哦", "--shop", SHOP, "--json")
    assert result.code == 1, result.output
    report = json.loads(result.stdout)
    assert [v["key"] for v in report["violations"]] == ["no_reason_return_days"]
    assert "7天无理由" in report["violations"][0]["fact"]


@pytest.mark.parametrize("claim", VARIANTS)
def test_grade_does_not_give_full_accuracy(cli, claim):
    answer = f"您好，欢迎光临衣见倾心女装。本店支持签收后{claim}，满99元包邮，有问题随时找我！"
    result = cli("grade", answer, "-r", "presale-reply", "-s", SHOP, "--scenario", "衣服不合适可以退吗", "--json")
    assert result.code == 0, result.output
    graded = json.loads(result.stdout)
    [accuracy] = [c for c in graded["criteria"] if c["id"] == "accuracy"]
    assert accuracy["points"] < accuracy["max_points"]
    assert any("30天" in f["message"] and "7天" in f["message"] for f in graded["faults"]), graded["faults"]


@pytest.mark.parametrize("claim", VARIANTS)
def test_guard_catches_the_hidden_claim_in_model_output(cli, openai_server, claim):
    openai_server.reply(json.dumps({"text": f"亲，我们支持{claim}哦"}, ensure_ascii=False))
    env = {"AIGC_CS_BASE_URL": openai_server.url, "AIGC_CS_API_KEY": "sk-loopback", "AIGC_CS_LLM_CACHE": "0",
           "AIGC_CS_TIMEOUT_S": "10", "AIGC_CS_MAX_RETRIES": "0"}
    result = cli("reply", "衣服不合适可以退吗", "--shop", SHOP, "--engine", "llm", "--provider", "custom",
                 "--model", "test-model", env=env)
    assert result.code == 1, result.output
    assert "30天无理由" in result.stderr and "7天无理由" in result.stderr


def test_every_format_character_of_this_python_is_removed():
    """Completeness: whatever Unicode version Python ships, no category Cf or Cc (but tab/newline) code point
    survives, nor a variation selector, tag or CGJ."""
    hidden = [chr(c) for c in range(sys.maxunicode + 1)
              if unicodedata.category(chr(c)) in ("Cf", "Cc") and chr(c) not in "\t\n"]
    hidden += [chr(c) for c in (*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0), *range(0xE0000, 0xE0080), 0x34F)]
    assert normalize("天".join(hidden)) == "天" * (len(hidden) - 1)
