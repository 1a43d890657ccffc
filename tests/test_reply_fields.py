"""Offline replies that read out the labelled field of a product file the customer asks about (防水：…, 安装：…,
重量：…), only when the field's own key or heading names the topic; a property the product's file never mentions is
checked, not answered; a product file without a title is named by its first line, specs in brackets aside."""


import json

import pytest

from tests.conftest import demo_fashion_copy, owner_style_reply, reply_json, shop_fixtures

POLICY = """---
shop: {id: camp-shop, name: 小营地户外, category: 户外用品}
no_reason_return_days: 7
return_condition: 未使用、配件齐全
return_shipping_quality_issue: shop
return_shipping_buyer_reason: buyer
freight_insurance: true
ship_within_hours: 24
free_shipping_threshold_yuan: 99
bargain_limit_yuan: 10
refund_working_days: 2
invoice: after_receipt
quality_claim_days: 15
aftersale_reply_minutes: 10
delay_compensation: null
---

# 小营地户外的规矩

## 发货
付款后24小时内发货。默认发中通，想发顺丰的补差价12元。
"""

PRODUCTS = {
    "lamp.md": """# 帆布挂灯（充电款）

- 价格：79元
- 重量：约350克
- 防水：IPX4，淋点小雨没关系，别泡在水里
- 续航：低亮度约30小时

## 特点
- 暖光，挂在帐篷顶上正好。

## 使用注意
- 第一次用前先充满电。
""",
    "stool.txt": """铝合金折叠小板凳（小号/大号款）

价格：小号45元，大号59元
承重：小号100公斤，大号130公斤；别站在上面
安装：不用装，拿出来一掰就撑开
注意：
别放在篝火旁边。
沙地上用的时候先压实再坐。

清洁：湿布擦干净，晾干再收。
""",
}


camp_shop, camp_cli = shop_fixtures("camp-shop", POLICY, PRODUCTS)


def reply(cli, message: str) -> dict:
    return reply_json(cli, message, "camp-shop")


def test_a_product_file_is_read_into_its_labelled_fields():
    from aigc_cs.kb.answerable import fields

    found = {f.key: f.text for text in PRODUCTS.values() for f in fields(text)}
    assert found["承重"] == "承重是小号100公斤，大号130公斤；别站在上面。"
    assert found["注意"] == "别放在篝火旁边。沙地上用的时候先压实再坐。"  # a `键：` line with the lines under it
    assert found["使用注意"] == "第一次用前先充满电。"  # a `## ` heading with its lines
    assert "防水" in found and "特点" in found


@pytest.mark.parametrize(("message", "keys"), [
    ("下雨天挂外面行不", ["防水"]),
    ("这灯多重 能亮多久", ["重量", "续航"]),
    ("要自己装吗", ["安装"]),
    ("我一百八十斤坐上去会不会塌", ["承重"]),
    ("能扛多大风", []),  # 多大风 is no question of size; and no key of the file says 风
    ("好看吗", []),
])
def test_the_asked_field_is_the_one_whose_key_names_the_topic(message, keys):
    from aigc_cs.kb.answerable import asked_fields
    from aigc_cs.kb.intents import field_topics

    text = PRODUCTS["lamp.md"] + PRODUCTS["stool.txt"]
    assert [f.key for f in asked_fields(message, text, field_topics())] == keys


@pytest.mark.parametrize(("message", "keys"), [
    ("开心果哪的", ["产地"]), ("这个是哪里的呀 除了盐还加了别的没", ["产地", "配料"]), ("发哪的快递", []),
])
def test_where_a_product_is_from_asks_its_origin(message, keys):
    from aigc_cs.kb.answerable import asked_fields
    from aigc_cs.kb.intents import field_topics

    text = "# 原色开心果\n\n- 产地：美国加州\n- 配料：开心果、食用盐\n"
    assert [f.key for f in asked_fields(message, text, field_topics())] == keys


def test_a_title_line_with_specs_in_brackets_names_the_product_and_a_size_is_no_price(camp_shop):
    stool = next(p for p in camp_shop.products if p.source.endswith("stool.txt"))
    assert stool.name == "铝合金折叠小板凳（小号/大号款）"
    assert stool.price_yuan is None  # "价格：小号45元" gives no one price


def test_a_variant_in_the_name_names_the_product(camp_shop):
    from aigc_cs.kb.products import mentioned

    assert mentioned("大号款坐着稳不稳", camp_shop).name == "铝合金折叠小板凳（小号/大号款）"


def test_a_question_on_a_labelled_field_is_answered_from_it(camp_cli):
    out = reply(camp_cli, "挂灯下雨天能挂外面吗")
    assert out["answered"] is True
    assert "IPX4" in out["text"]
    assert out["intents"] == []  # the file's field answered, not a guessed product section
    assert any(c["source"].endswith("lamp.md") for c in out["citations"])


def test_a_property_the_products_file_never_mentions_is_checked_not_answered(camp_cli):
    out = reply(camp_cli, "挂灯洗了会缩水吗")
    assert out["answered"] is False
    assert "“缩水”，店铺资料里没有写明" in out["text"]


def test_a_key_line_with_a_list_under_it_is_a_section_of_a_plain_file(camp_shop):
    stool = next(p for p in camp_shop.products if p.source.endswith("stool.txt"))
    care = stool.sections["care"]
    assert care.title == "注意、清洁"
    assert care.text == "别放在篝火旁边。沙地上用的时候先压实再坐。清洁方法：湿布擦干净，晾干再收。"


@pytest.mark.parametrize(("message", "flagged"), [
    ("板凳有几种颜色", ["颜色"]),  # the stool's file names no colour
    ("板凳颜色不喜欢能退吗", []),  # no question of which colours there are
])
def test_which_colours_a_product_comes_in_only_its_own_file_says(camp_shop, message, flagged):
    from aigc_cs.kb.unconfirmed import unconfirmed
    from aigc_cs.text import normalize

    stool = next(p for p in camp_shop.products if p.source.endswith("stool.txt"))
    others = normalize("".join(p.text for p in camp_shop.products)).lower() + "墨绿色"
    assert unconfirmed(message, others, normalize(stool.text).lower()) == flagged


def test_a_list_item_is_said_with_the_line_that_introduces_it():
    from aigc_cs.kb.answerable import Found
    from aigc_cs.kb.framing import framed
    from aigc_cs.kb.models import Chunk

    chunk = Chunk(id="c1", shop="camp-shop", doc_type="policy", source="policy.md", section="质量问题", origin="/x",
                  text="【质量问题】\n这些算质量问题：\n- 拉链坏了；\n\n下面这些不算质量问题：\n- 用火烤出来的洞；\n- 自己剪坏的地方。")
    item = Found(chunk=chunk, sentence="用火烤出来的洞。", score=0.95)
    assert framed(item).sentence == "下面这些不算质量问题：用火烤出来的洞。"
    assert framed(item.model_copy(update={"sentence": "拉链坏了。"})).sentence == "这些算质量问题：拉链坏了。"
    plain = Chunk(**{**chunk.model_dump(), "text": "付款后24小时内发货。"})
    assert framed(Found(chunk=plain, sentence="付款后24小时内发货。", score=0.95)).sentence == "付款后24小时内发货。"


@pytest.mark.parametrize(("message", "answered", "said"), [
    ("能发顺丰不 加钱也行", True, "12元"),  # the classifier is unsure; a courier's name is not
    ("能发韵达吗", False, "韵达"),  # a courier the shop never mentions: said honestly, checked later
])
def test_a_question_naming_a_courier_is_a_delivery_question(camp_cli, message, answered, said):
    out = reply(camp_cli, message)
    assert out["intents"] == ["delivery_time"]
    assert out["answered"] is answered and said in out["text"], out["text"]


def test_haggling_in_chat_words_is_a_bargaining_question(camp_cli):
    out = reply(camp_cli, "老板 挂灯79 70出不出")
    assert out["intents"] == ["bargain"], out["text"]


@pytest.mark.parametrize(("message", "key"), [
    ("橙子甜不甜", "甜度"),
    ("现在有没有 啥时候上", "上市时间"),
    ("5斤大概几个", "个数"),
    ("买回来太硬了咋办", "催熟"),
])
def test_taste_season_count_and_ripening_questions_read_the_field_that_says_it(message, key):
    from aigc_cs.kb.answerable import asked_fields
    from aigc_cs.kb.intents import field_topics

    text = "# 脐橙（5斤装）\n\n- 甜度：13-15度\n- 上市时间：11月到次年2月\n- 个数：5斤约10-12个\n- 催熟：和苹果放一起两三天\n"
    assert [f.key for f in asked_fields(message, text, field_topics())] == [key]


def test_a_question_that_names_no_product_is_answered_by_the_one_file_with_that_field(cli_own, tmp_path):
    shop = demo_fashion_copy(tmp_path)
    (shop / "products" / "tent.md").write_text("# 双人帐篷\n\n- 人数：适合2到3人睡\n- 价格：299元\n", encoding="utf-8")
    assert cli_own("ingest", str(shop)).code == 0
    out = json.loads(cli_own("reply", "一家四口 够不够住", "--shop", "demo-fashion", "--json").stdout)
    assert out["product"] == "双人帐篷" and "2到3人" in out["text"] and out["answered"]
    other = json.loads(cli_own("reply", "什么材质的", "--shop", "demo-fashion", "--json").stdout)
    assert other["product"] is None  # every file has 材质: which product is meant stays open


@pytest.mark.parametrize(("message", "written", "unsure"), [
    ("有没有糖和奶精", "不含糖，不含奶精", []),  # each of the things it joins is written
    ("有没有糖和香精", "不含糖", ["糖和香精"]),
    ("燕麦片里有没有植脂末那些", "没有植脂末", []),  # 那些 is no part of the thing asked
    ("孕妇能喝不", "孕期的朋友请先咨询医生", []),  # the shop writes 孕期 where the customer says 孕妇
    ("这个四件套洗了会缩水吗", "第一次洗会缩2%-3%，尺寸已经预留了", []),  # how much it shrinks says whether it does
    ("这个四件套洗了会缩水吗", "面料100%长绒棉", ["缩水"]),
])
def test_what_counts_as_written_down(message, written, unsure):
    from aigc_cs.kb.unconfirmed import unconfirmed

    assert unconfirmed(message, written) == unsure


def test_items_of_two_lists_keep_their_own_introductions_in_a_detail():
    """下面这些不算质量问题：… said between two items of the other list: the second item gets its own list's line again,
    a further item of the list said last does not repeat it, and a lone introduction is never a detail."""
    from aigc_cs.kb.answerable import Found
    from aigc_cs.kb.framing import introduces
    from aigc_cs.kb.models import Chunk
    from aigc_cs.tasks.details import _add

    chunk = Chunk(id="c1", shop="baby", doc_type="policy", source="policy.md", section="质量问题", origin="/x",
                  text="【质量问题】\n下面这些算质量问题：\n- 开线、破洞；\n- 盖子拧紧了还漏奶；\n- 有刺鼻的味道；\n"
                       "\n下面这些不算质量问题：\n- 屏幕看起来有一点色差；")
    out: dict[str, str] = {}
    for sentence in ("开线、破洞。", "屏幕看起来有一点色差。", "盖子拧紧了还漏奶。", "有刺鼻的味道。"):
        _add(out, "quality_issue", Found(chunk=chunk, sentence=sentence, score=0.9))
    assert out["quality_issue"] == ("下面这些算质量问题：开线、破洞。下面这些不算质量问题：屏幕看起来有一点色差。"
                                    "下面这些算质量问题：盖子拧紧了还漏奶。有刺鼻的味道。")
    assert introduces("下面这些不算质量问题：") and not introduces("付款后24小时内发货。")



@pytest.mark.parametrize(("message", "names", "asked"), [
    ("辣不辣 我不太能吃辣", ["五香牛腱"], "辣"),
    ("学饮杯会漏吗 想放包里", ["学饮杯"], "漏"),
    ("碎花裙透不透", ["碎花裙"], "透"),
    ("收不收旧充电宝", ["充电宝"], None),  # an act, not a trait
    ("鸭脖辣不辣", ["麻辣鸭脖"], None),  # the product's own name says it
    ("好不好用", ["护手霜"], None),
])
def test_a_one_letter_trait_is_what_a_yes_no_question_asks(message, names, asked):
    from aigc_cs.kb.answerable import trait

    assert trait(message, names) == asked


def test_a_trait_question_is_answered_by_the_product_sentence_that_names_it(cli_own, tmp_path):
    out = owner_style_reply(cli_own, tmp_path, "随手杯会漏吗", products={"cup.md": (
        "# 竹盖随手杯（400毫升）\n\n杯身是双层玻璃，拿在手里不烫。竹子盖子里有一圈硅胶圈，拧紧以后倒过来也不漏，"
        "可以放进包里。杯子高18厘米，口径7厘米。价格39元。\n")})
    assert out["answered"] is True and "倒过来也不漏" in out["text"], out["text"]


def test_a_field_held_by_another_questions_section_is_read_out_on_its_own(camp_shop):
    """保质期 written under 规格 answers 开了能放多久 as itself: the 规格 section read out as 尺码规格 was no answer."""
    from aigc_cs.kb.intents import intents
    from aigc_cs.kb.models import Product, ProductSection
    from aigc_cs.tasks.reply_products import asked_of

    size = next(i for i in intents() if i.id == "product_size")
    text = "# 护手霜（50克）\n\n## 规格\n- 净含量：50克\n- 保质期：没开封3年，开封后12个月内用完\n"
    cream = Product(name="护手霜（50克）", source="products/cream.md", text=text,
                    sections={"size": ProductSection(title="规格", text="净含量：50克。保质期：没开封3年，开封后12个月内用完。")})
    assert [f.key for f in asked_of("护手霜开了能放多久", cream, [size])] == ["保质期"]
    assert asked_of("护手霜多重", cream, [size]) == []  # a size question: the 规格 section answers it


def test_a_topic_asked_of_no_product_lists_each_product_s_own_line(cli_own, tmp_path):
    """A product question that names no product: each file's own 保质期 line, then which one (no one file's details)."""

    products = {name: f"# {name[:-3]}茶（100克）\n\n- 价格：88元\n- 保质期：{life}，开封后三个月内喝完\n"
                for name, life in (("dahongpao.md", "24个月"), ("baicha.md", "36个月"))}
    out = owner_style_reply(cli_own, tmp_path, "保质期是多久 开了以后能放多久", products=products)
    assert "每款不一样" in out["text"] and "24个月" in out["text"] and "36个月" in out["text"], out["text"]
    assert "哪一款" in out["text"] and "保质期：" not in out["text"], out["text"]


def test_the_topic_asked_in_more_words_reads_its_field_first(cli_own, tmp_path):
    """收起来多长 asks 收起来 and 多长: each product's 收纳尺寸, not its unfolded 尺寸, which comes first in the file."""
    products = {
        "tent.md": "# 速开帐篷（4人款）\n\n- 价格：499元\n- 尺寸：展开240×210厘米\n- 收纳尺寸：105×22×22厘米\n",
        "chair.md": "# 折叠月亮椅\n\n- 价格：129元\n- 尺寸：坐高35厘米\n- 收纳尺寸：38×13×13厘米\n",
    }
    out = owner_style_reply(cli_own, tmp_path, "收起来多长 我车后备箱小", products=products)
    assert "105×22×22厘米" in out["text"] and "38×13×13厘米" in out["text"], out["text"]
    assert "240×210" not in out["text"], out["text"]


@pytest.mark.parametrize(("message", "wanted"), [("牛肉干一袋里有几小包", "一袋大约14-16小包"),
                                                 ("一袋牛肉干有几根啊 够不够两个人吃", "一袋大约14-16小包")])
def test_how_many_pieces_is_the_product_s_own_count(cli_own, tmp_path, message, wanted):
    """一袋里有几小包: the file's 净含量 line that counts the pieces, not the policy's line on small packs."""
    beef = "# 手撕牛肉干（200克）\n\n- 价格：59元\n- 净含量：200克/袋，里面是独立小包，一袋大约14-16小包\n"
    out = owner_style_reply(cli_own, tmp_path, message, products={"beef.md": beef},
                            policy="\n## 运输\n\n- 牛肉干是真空小包装，夏天常温运输不会坏。\n")
    assert wanted in out["text"], out["text"]


TEA = ("# 武夷大红袍（100克）\n\n- 价格：128元\n- 上市：每年5月新茶上市，现在是去年秋茶。\n"
       "- 说明：大红袍是岩茶里很有名的一种，岩茶是武夷山产的乌龙茶的统称。\n")
HONEY = ("# 油菜花蜂蜜（500克）\n\n## 储存\n\n- 常温、避光保存，瓶盖拧紧。\n- 开封后6个月内吃完。\n\n## 怎么吃\n\n"
         "- 冲水喝：一勺大约15克，配200毫升温水，水温不要超过60℃。\n")


@pytest.mark.parametrize(("product", "message", "wanted"), [
    (TEA, "大红袍现在有吗", "每年5月新茶上市"),  # whether it is in season: the file's 上市 line
    (TEA, "岩茶跟你们这个大红袍有啥区别", "大红袍是岩茶里很有名的一种"),  # 你们这个 is the customer's way of naming it
    (HONEY, "蜂蜜能直接开水冲吗", "不要超过60℃"),  # hot water: the 冲水喝 line, not the storage section
])
def test_a_product_s_season_comparison_and_mixing_are_its_own_lines(cli_own, tmp_path, product, message, wanted):
    out = owner_style_reply(cli_own, tmp_path, message, products={"product.md": product})
    assert out["answered"] and wanted in out["text"], out["text"]


@pytest.mark.parametrize(("message", "intents"), [
    ("鸡仔饼保质期多久", ["product_size"]),  # a 规格 line holds it: the question is named 使用和保养, not 尺码规格
    ("孕妇能吃鸡仔饼吗 一天吃多少合适", ["product_suitable", "product_care"]),  # two parts: both asked
])
def test_the_topic_of_a_field_asked_about_names_the_product_question(cli_own, tmp_path, message, intents):
    cookie = "鸡仔饼\n\n这款鸡仔饼一袋250克，18元。没拆的放阴凉干燥的地方，常温保质期45天。\n"
    out = owner_style_reply(cli_own, tmp_path, message, products={"jizaibing.txt": cookie})
    assert out["intents"] == intents, out
    assert "尺码规格" not in out["text"], out["text"]


@pytest.mark.parametrize(("message", "answered"), [
    ("宝宝两岁半能吃开心果吗", True),  # the file says 小朋友 and 3岁以下: written, in other words
    ("小孩能喝毛尖吗", False),  # the 开心果 file's line on children says nothing of the tea
])
def test_whether_a_product_suits_a_child_is_for_its_own_file_to_say(cli_own, tmp_path, message, answered):
    nuts = ("# 原色开心果（500克罐装）\n\n- 价格：89元\n- 适合人群：3岁以下的小朋友不要吃整粒，碾碎了再给；小孩子吃要有大人看着\n")
    out = owner_style_reply(cli_own, tmp_path, message, products={"pistachio.md": nuts})
    assert out["answered"] is answered, out["text"]
    assert ("3岁以下" in out["text"]) is answered, out["text"]


def test_which_courier_is_answered_by_the_shop_s_own_line(camp_cli):
    """发啥快递 顺丰吗: the shop's 默认发中通 line, said in the answer, not only how many hours it ships in."""
    out = reply(camp_cli, "发啥快递 顺丰吗")
    answer = out["text"].split("另外提醒您")[0].split("补充一点")[0]
    assert "默认发中通" in answer, out["text"]
