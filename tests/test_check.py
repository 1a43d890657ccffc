"""`aigc-cs check`: contradictions with the shop's facts and banned words, with exit codes."""

import json

import pytest
from conftest import demo_fashion_copy


def test_thirty_day_promise_is_reported_and_exits_non_zero(cli):
    result = cli("check", "亲，我们支持30天无理由退货哦", "--shop", "demo-fashion")
    assert result.code == 1
    assert "30天无理由" in result.stdout
    assert "7天无理由退换" in result.stdout
    assert "corpus/shops/demo-fashion/policy.md" in result.stdout


def test_a_correct_text_passes(cli):
    result = cli("check", "您好，本店支持7天无理由退换，满99元包邮，付款后48小时内发货，谢谢您！", "--shop", "demo-fashion")
    assert result.code == 0, result.output
    assert "一致" in result.stdout


def test_json_lists_claims_violations_and_lexicon_hits(cli):
    result = cli("check", "在的。全网最低价，满99元包邮", "--shop", "demo-beauty", "--json")
    assert result.code == 1
    data = json.loads(result.stdout)
    assert data["ok"] is False
    assert [v["key"] for v in data["violations"]] == ["free_shipping_threshold_yuan"]
    assert {h["kind"] for h in data["lexicon"]} == {"banned", "extreme"}


def test_text_from_a_file(cli, tmp_path):
    answer = tmp_path / "答案.txt"
    answer.write_bytes("亲，下单就能开发票哦".encode("gbk"))
    result = cli("check", f"@{answer}", "--shop", "demo-fashion")
    assert result.code == 1
    assert "确认收货后开具" in result.stdout


def test_missing_file_and_unknown_shop_get_one_line(cli, tmp_path):
    missing = cli("check", f"@{tmp_path / 'nope.txt'}", "--shop", "demo-fashion")
    assert missing.code == 2 and "文件不存在" in missing.stderr
    unknown = cli("check", "七天无理由", "--shop", "no-such-shop")
    assert unknown.code == 2 and "no-such-shop" in unknown.stderr and "Traceback" not in unknown.output


@pytest.mark.parametrize(
    ("text", "shop", "wrong"),
    [
        ("签收一个月内不想要了都能退", "demo-fashion", "一个月内不想要"),  # 7-day shop: a no-reason return in other words
        ("退货的话邮费都不用您出", "demo-beauty", "邮费都不用您出"),  # buyer pays for their own reason
        ("来回运费全部我们出，什么原因都行", "demo-beauty", "运费全部我们出"),
        ("收到一个月内随便退", "demo-fashion", "一个月内随便退"),  # 随便退: a no-reason return with no conditions
        ("不喜欢的话两周内都能退", "demo-fashion", "两周内都能"),  # 两周 read as 14 days
        ("尺码不合适可以随便换", "demo-beauty", "随便换"),  # the beauty shop exchanges nothing for no reason
        ("衣服破了个洞，麻烦您先自己付邮费寄回来", "demo-fashion", "您先自己付邮费"),  # 邮费 is 运费; quality: the shop pays
        ("不喜欢想退的话，寄回来的快递费由我们出", "demo-beauty", "快递费由我们出"),  # 快递费 is 运费 too
    ],
)
def test_a_policy_error_in_other_words_is_caught(cli, text, shop, wrong):
    result = cli("check", text, "--shop", shop)
    assert result.code == 1 and f"“{wrong}”与店铺政策不符" in result.stdout


@pytest.mark.parametrize("text", ["拆封后就不能随便退了哦", "商品不是随便退的，需要吊牌完好", "7天内不满意随便退",
                                  "在户外戴过的帽子不支持无理由退换",  # 戴过的: a condition like 穿过的
                                  "个人原因寄回的运费您承担，换过去的新衣服运费由我们出"])  # outbound shipping: no return claim
def test_conditions_on_returns_are_no_policy_error(cli, text):
    result = cli("check", text, "--shop", "demo-fashion")
    assert result.code == 0 and "政策不符" not in result.stdout


def test_the_same_paraphrase_with_the_shops_own_numbers_passes(cli):
    result = cli("check", "签收7天内不合适都可以退，质量问题的话邮费都不用您出", "--shop", "demo-fashion")
    assert result.code == 0 and "政策不符" not in result.stdout


@pytest.mark.parametrize(("text", "kind"), [
    ("今天不下单明天就涨价，到时候别后悔。", "pressure"),
    ("现在不买以后肯定后悔。", "pressure"),
    ("包裹压坏了是快递的问题，跟我们没关系。", "blame"),
    ("您的验光单拍得这么模糊，让我怎么看？", "rhetorical"),
    ("您不付款的话，我就直接关单了，后果自负。", "banned"),
    ("这个问题你都问了多少遍了，竿子是28调。", "banned"),
    ("价格已经是这样了，爱要不要。", "banned"),
    ("溪岚是驰名商标，品质方面您可以放心。", "extreme"),
    ("您刚入坑台钓的话，4.5米28调比较好上手。", "slang"),
    ("这个是因为快递在运输过程中暴力分拣造成的。", "blame"),
    ("我们发货的时候都是检查过完好无损的。", "blame"),
    ("受潮一般是自己没放好。", "blame"),
    ("担心的话可以不买。", "banned"),
    ("您想多了，这点色差不影响使用。", "banned"),
    ("这套练习册是教育部指定的，放心买。", "extreme"),
    ("这个图案设计太有梗了。", "slang"),
    ("这款颈枕最舒服。", "extreme"),  # the same 最舒服 said of the product is a claim
    ("别犹豫了，直接拍就行。", "pressure"),
    ("退款申请这个都不会吗？", "rhetorical"),
    ("应该是您那边网络不好，图片一直发不过来。", "blame"),
])
def test_blaming_pressing_rhetorical_rude_extreme_and_slang_wording_is_reported(cli, text, kind):
    result = cli("check", text, "--shop", "demo-fashion", "--json")
    assert result.code == 1, result.output
    assert kind in {h["kind"] for h in json.loads(result.stdout)["lexicon"]}


@pytest.mark.parametrize("text", [
    "您好，您的订单还没有支付，系统会在30分钟后自动关闭，需要的话请尽快付款。",
    "包裹在运输中被压坏，虽然是快递的原因，但这件事由我们来负责处理。",
    "锅把手松动不是您的问题，属于质量问题，非常抱歉。",
    "担心尺码的话，可以先量一下常穿的裤子再下单。",
    "订单支付失败了，麻烦您再试试。",
    "我们不提供私下转账，请在平台订单里付款。",
    "颈枕充到七八分满最舒服，充得太满会比较硬。",  # 最舒服 as advice on use, no product as its subject
])
def test_a_polite_reminder_and_a_shop_that_takes_it_on_pass(cli, text):
    result = cli("check", text, "--shop", "demo-fashion", "--json")
    assert json.loads(result.stdout)["lexicon"] == [], result.stdout


def test_a_products_own_case_is_no_contradiction_but_the_general_rule_is(cli_own, tmp_path):
    """A product file may set its own case (刻了字不支持无理由退换); said word for word it agrees with the shop."""
    shop = demo_fashion_copy(tmp_path)
    (shop / "products" / "engraved-tee.md").write_text(
        "# 定制刻字T恤\n\n- 材质：纯棉\n- 定制说明：刻了字不支持无理由退换，刻字要多等1天发货。\n"
        "- 售后：穿过有污渍的，不支持无理由退换。\n", encoding="utf-8")
    assert cli_own("ingest", str(shop)).code == 0
    own = json.loads(cli_own("check", "刻了字不支持无理由退换，刻字要多等1天发货。", "--shop", "demo-fashion", "--json").stdout)
    assert own["violations"] == [], own["violations"]
    # the claim alone in its clause: the clause before it sets the product's case
    case = json.loads(cli_own("check", "补充一点：穿过有污渍的，不支持无理由退换。", "--shop", "demo-fashion", "--json").stdout)
    assert case["violations"] == [], case["violations"]
    general = json.loads(cli_own("check", "本店的衣服不支持无理由退换。", "--shop", "demo-fashion", "--json").stdout)
    assert [v["key"] for v in general["violations"]] == ["no_reason_return_days"]


def test_a_blessing_and_a_trade_word_pass(cli):
    from aigc_cs.guard.typos import find_typos

    text = "这款4.5米手竿适合新手，祝您周末渔获满满。"
    result = cli("check", text, "--shop", "demo-fashion", "--json")
    assert json.loads(result.stdout)["lexicon"] == [], result.stdout
    assert find_typos(text) == []  # 手竿 is a fishing rod, not 手感


def test_a_shop_that_invoices_once_the_order_ships(cli_own, tmp_path):
    """invoice: after_shipping — the reply says so, and "收货后才能开" is checked against it."""
    shop = demo_fashion_copy(tmp_path, "invoice: after_receipt", "invoice: after_shipping")
    assert cli_own("ingest", str(shop)).code == 0
    reply = json.loads(cli_own("reply", "能开发票吗", "--shop", "demo-fashion", "--json").stdout)
    assert "发货后" in reply["text"] and "不提供发票" not in reply["text"], reply["text"]
    wrong = cli_own("check", "发票要确认收货后才能开。", "--shop", "demo-fashion")
    assert wrong.code == 1 and "订单发货后开具" in wrong.stdout
    assert cli_own("check", "订单发货后就能开发票。", "--shop", "demo-fashion").code == 0


def test_an_unknown_invoice_policy_is_one_line_naming_the_file_and_the_values(cli_own, tmp_path):
    result = cli_own("ingest", str(demo_fashion_copy(tmp_path, "invoice: after_receipt", "invoice: after_delivery")))
    said = result.output
    assert "Traceback" not in said
    line = next(x for x in said.splitlines() if "invoice" in x)
    assert "policy.md" in line and "after_delivery" in line and "after_shipping" in line, said
