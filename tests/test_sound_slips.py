"""A word of the intents' typed with a character of the same sound is read as meant; same-sound pairs that are both
fine Chinese are left as written."""

import pytest
from conftest import reply_json


@pytest.mark.parametrize(("written", "meant"), [
    ("开学季法货慢不 打算八月底买", "开学季发货慢不 打算八月底买"),
    ("退宽啥时候到账啊", "退款啥时候到账啊"),
    ("定制刻字多久能发 下周五要送人 来的及不", "定制刻字多久能发 下周五要送人 来得及不"),
])
def test_a_trigger_word_typed_by_sound_is_read_as_meant(written, meant):
    from aigc_cs.kb.sound_slips import heard

    assert heard(written) == meant


@pytest.mark.parametrize("written", [
    "窝买大了 想换个小一号的可以换吗",  # 换吗 / 换码, 号的 / 好的
    "床睡了一礼拜 一翻身就吱吱响",  # 睡了 / 碎了
    "核桃过敏 月饼能吃伐",  # 吃伐 is a dialect 吃吗, no 吃法
])
def test_same_sound_words_that_are_fine_as_written_stay(written):
    from aigc_cs.kb.sound_slips import heard

    assert heard(written) == written


def test_a_reply_reads_a_typed_trigger_word(cli_own):
    cli_own("ingest")
    out = reply_json(cli_own, "开学季法货慢不 打算八月底买", "demo-fashion")
    assert "ship_time" in out["intents"]
