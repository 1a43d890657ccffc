"""Who may eat a snack, asked about a person (我家娃两岁半 能给他吃不, 我爷爷牙口不好 嚼得动不, 同事是回族 能送她吗): the
product's own lines on who it suits answer it, never the quality-problem route a bare 能…吃不 looked like to the
classifier; a line that warns a group (清真饮食的朋友请注意) pushes no order; `不适合：…` reads with its colon."""

import pytest
from conftest import reply_json, shop_fixtures
from test_reply_snack_headings import POLICY as SNACK_POLICY

PRODUCTS = {
    "rougan.md": """# 蜜汁猪肉干（180克）

- 价格：32元
- 配料：猪腿肉、白砂糖、酱油、食用盐
- 适合：办公室零食、追剧、带去爬山
- 不适合：3岁以下的小朋友，整片容易噎着
- 说明：含猪肉，清真饮食的朋友请注意
- 口感：偏干偏韧，老人家嫌硬可以撕成细条
- 原料：猪腿肉，这种肉干在我们老家也叫猪肉条
- 保质期：8个月
- 产地：原料是本地的黑猪，在自家作坊烤制加工
- 个头：每片长度大约8-10厘米
- 储存：阴凉干燥处保存；开袋以后用袋口的密封条压紧，3天内吃完
- 赠品：每袋送1个封口夹
""",
}

MEAT_POLICY = SNACK_POLICY.replace("crunch-shop", "meat-shop") + """
## 零食怎么保存

- 没开封的放阴凉干燥处。
- 南方回南天的时候，开了封的肉干放冰箱冷藏，吃之前拿出来回温一会儿。
"""
meat_shop, meat_cli = shop_fixtures("meat-shop", MEAT_POLICY, PRODUCTS)


@pytest.mark.parametrize(("message", "line"), [
    ("我家娃两岁半 猪肉干能给他吃不", "3岁以下"),
    ("我爷爷牙口不好 猪肉干嚼得动不", "适合"),
    ("同事是回族 能送她猪肉干吗", "适合"),
    ("我孙子两岁半 那个猪肉干他能吃吗", "3岁以下"),
])
def test_who_may_eat_it_is_a_suitability_question(meat_cli, message, line):
    out = reply_json(meat_cli, message, "meat-shop")
    assert out["intents"] == ["product_suitable"] and out["answered"] is True and line in out["text"], out


def test_a_line_that_warns_a_group_pushes_no_order(meat_cli):
    out = reply_json(meat_cli, "同事是回族 能送她猪肉干吗", "meat-shop")
    assert "清真饮食的朋友请注意" in out["text"] and "下单" not in out["text"], out["text"]


def test_a_not_suited_key_keeps_its_colon(meat_shop):
    from aigc_cs.kb.shops import as_sentence

    assert as_sentence("- 不适合：3岁以下的小朋友") == "不适合：3岁以下的小朋友。"


def test_a_name_the_file_says_the_product_is_also_called_names_it(meat_shop, meat_cli):
    """也叫猪肉条: a customer who types 猪肉条 means this product."""
    product = meat_shop.products[0]
    assert "猪肉条" in product.aliases
    out = reply_json(meat_cli, "猪肉条多少钱一袋", "meat-shop")
    assert out["product"] == product.name and "32元" in out["text"], out


@pytest.mark.parametrize(("message", "left"), [
    ("退款几天到账 我用花呗付的", []),  # what the customer paid with, no question how one may pay
    ("能用花呗吗", ["能用花呗"]),
])
def test_a_payment_said_is_no_payment_asked(message, left):
    from aigc_cs.kb.unconfirmed import unconfirmed

    assert unconfirmed(message, "退款原路退回") == left


def test_each_further_question_of_a_product_message_gets_its_line(meat_cli):
    """保质期多久 开了袋能放几天: the shelf life answers the first part, the file's 储存 line the second, before lines
    merely near the whole message in meaning."""
    out = reply_json(meat_cli, "猪肉干保质期多长 开了袋能放多久", "meat-shop")
    assert "8个月" in out["text"] and "3天内吃完" in out["text"], out["text"]


def test_the_shops_general_rule_follows_the_products_own_line_and_is_cited(meat_cli):
    """回南天 开了袋咋放: the product's 储存 line, then the policy's line on 回南天 (it holds for every product), and both
    files are cited."""
    out = reply_json(meat_cli, "在广州 回南天贼潮 猪肉干开了袋咋放", "meat-shop")
    assert "3天内吃完" in out["text"] and "冰箱冷藏" in out["text"], out["text"]
    assert {c["source"].split("/")[-1] for c in out["citations"]} >= {"rougan.md", "policy.md"}, out["citations"]


@pytest.mark.parametrize("message", [
    "猪肉干除了肉还放了啥 添加剂多不多",
    "猪肉干有防腐剂吗",
    "我闺女虾过敏 猪肉干里头有没有虾皮啥的",  # a thing asked to be inside: the list answers either way
    "宝宝花生过敏 猪肉干里放了啥",  # the child is who is allergic, no question whether it suits children
])
def test_what_is_added_to_a_food_is_answered_by_its_list_of_ingredients(meat_cli, message):
    """The file lists every ingredient (配料：…): that list says what is added or whether something is inside, not "I will
    check"."""
    out = reply_json(meat_cli, message, "meat-shop")
    assert out["answered"] is True and "猪腿肉、白砂糖、酱油" in out["text"], out["text"]


def test_where_to_keep_it_asked_of_no_product_is_answered_by_the_policys_section(meat_cli):
    """零食到手放哪好: ## 零食怎么保存 names the topic (放哪 asks where to keep it)."""
    out = reply_json(meat_cli, "零食到手了放哪比较好 我家挺潮的", "meat-shop")
    assert out["answered"] is True and "阴凉干燥处" in out["text"], out["text"]
