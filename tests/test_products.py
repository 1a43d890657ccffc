"""Product files as shop owners write them: no front matter, a `#` title with `- 键：值` bullets, `键：值` lines,
or plain .txt paragraphs. Names, aliases, prices and sections are derived; `--product` resolves by name,
alias or part of a name, and an ambiguous name lists the candidates in one line."""

import json
import re

import pytest
from conftest import FIXTURES, criteria, owner_style_reply, reply_json

SHOP = FIXTURES / "shops" / "owner-style"


@pytest.fixture
def owner_cli(cli_own):
    result = cli_own("ingest", str(SHOP))
    assert result.code == 0, result.output
    return cli_own


def test_products_without_front_matter_get_names_aliases_prices_and_sections():
    from aigc_cs.kb.shops import read_shop

    shop, problems = read_shop(SHOP, SHOP.parent, 2**20)
    assert problems == []
    by_name = {p.name: p for p in shop.products}
    assert set(by_name) == {"信阳毛尖（125克袋装）", "滇红工夫茶", "茉莉花茶（罐装200克）", "信阳毛尖礼盒（250克）"}
    maojian = by_name["信阳毛尖（125克袋装）"]
    assert "信阳毛尖" in maojian.aliases and "毛尖" in maojian.aliases
    assert maojian.price_yuan == 58 and by_name["滇红工夫茶"].price_yuan == 78
    assert by_name["茉莉花茶（罐装200克）"].price_yuan == 45
    # bullets become sentences by key, never fragments with their markers
    assert maojian.sections["care"].text == "冲泡方法：85度左右的水，一杯放3克，泡2分钟。"
    assert maojian.sections["suitable"].text.startswith("适合喜欢浓一点绿茶的人")
    assert maojian.sections["size"].text == "净含量125克。保质期12个月。"
    assert "- " not in "".join(s.text for p in shop.products for s in p.sections.values())


def _snack_shop(folder, files: dict[str, str]):
    from aigc_cs.kb.shops import read_shop

    (folder / "products").mkdir(parents=True)
    (folder / "policy.md").write_text((SHOP / "policy.md").read_text(encoding="utf-8"), encoding="utf-8")
    for name, text in files.items():
        (folder / "products" / name).write_text(text, encoding="utf-8")
    shop, problems = read_shop(folder, folder.parent, 2**20)
    assert problems == []
    return {p.name: p for p in shop.products}


def test_a_file_named_in_pinyin_is_named_by_the_words_it_spells(tmp_path):
    products = _snack_shop(tmp_path / "snacks", {
        "shanzhajuan.txt": "我们的山楂卷（5卷装）用的是河北山楂，每卷20克。吃多了有点酸，怕酸的朋友少吃。\n",
        "zhengshan.txt": "正山小种红茶，产自福建武夷山。\n",  # a short opening name still wins over the two words spelled
    })
    assert set(products) == {"山楂卷（5卷装）", "正山小种红茶"}
    assert "山楂卷" in products["山楂卷（5卷装）"].aliases


@pytest.mark.parametrize(("heading", "section"), [
    ("适合多大的孩子", "suitable"),  # 适合 comes first: an age, not a size (多大)
    ("尺寸和适合的桌面", "size"),
    ("使用和尺寸", "care"),
])
def test_a_heading_naming_two_topics_is_the_section_of_the_first(tmp_path, heading, section):
    products = _snack_shop(tmp_path / "snacks", {
        "pencil.md": f"# 三角杆铅笔\n\n## {heading}\n- 3-8岁的孩子用，三角形笔杆帮孩子握稳。\n",
    })
    assert products["三角杆铅笔"].sections[section].title == heading


def test_a_file_named_by_pinyin_words_is_named_by_the_first_one_its_text_spells(tmp_path):
    products = _snack_shop(tmp_path / "snacks", {  # 牛腱 and 冷藏 are both in the text, never side by side
        "niujian_lengcang.txt": "五香卤牛腱是我们每周现卤的，真空包装，一袋250克。收到后请冷藏，7天内吃完。\n",
    })
    assert set(products) == {"牛腱"}


def test_a_code_named_file_takes_its_title_line_and_a_model_code_is_an_alias(tmp_path):
    products = _snack_shop(tmp_path / "snacks", {
        "PB-20000.txt": "20000毫安快充充电宝 PB-20000\n\n【价格】89元\n",  # a first line on its own is a title
        "ganghuamo-2pian.txt": "iPhone高清钢化膜（两片装）是我们卖得比较多的一款，19.9元。\n",  # the letters spell 钢化膜
        "a3.md": "# 半入耳蓝牙耳机A3\n\n- 价格：129元\n",
    })
    assert set(products) == {"20000毫安快充充电宝 PB-20000", "钢化膜（两片装）", "半入耳蓝牙耳机A3"}
    assert {"充电宝", "PB-20000"} <= set(products["20000毫安快充充电宝 PB-20000"].aliases)
    assert {"耳机", "A3"} <= set(products["半入耳蓝牙耳机A3"].aliases)


@pytest.mark.parametrize(("other", "alias"), [
    ("# 原味蛋卷\n\n- 价格：15元\n- 搭配：配一杯热牛奶。\n", True),
    ("# 原味蛋卷\n\n- 价格：15元\n- 搭配：和芋泥卷一起买更划算。\n", False),  # another file's word too: no one product's
])
def test_the_word_a_product_s_own_file_calls_it_is_an_alias(tmp_path, other, alias):
    products = _snack_shop(tmp_path / "snacks", {
        "yuni.md": "# 椰香芋泥卷（6个装）\n\n- 价格：29元\n- 口感：芋泥卷外皮软糯，里面是芋泥。\n",
        "danjuan.md": other,
    })
    assert ("芋泥卷" in products["椰香芋泥卷（6个装）"].aliases) is alias


@pytest.mark.parametrize(("name", "category", "never"), [
    ("四季两用宠物窝", "宠物窝", "宠物"),  # a one-character head joins the word before it
    ("鲜鸡肉全价猫粮（1.5kg / 4kg）", "猫粮", "全价"),
    ("反光牵引绳套装", "牵引绳", "套装"),  # packaging words are no category
    ("液态硅胶磁吸手机壳（iPhone 15）", "手机壳", "手机"),
    ("陈记腊味礼盒（腊肠500克+腊肉400克）", "礼盒", "陈记"),  # …but a gift box is what the product is (礼盒辣不辣)
    ("每日坚果混合装（25克×30袋）", "每日坚果", "混合"),  # 混合装 is packaging too
    ("团圆礼盒-8罐", "团圆礼盒", "8罐"),  # a count after a dash is the size, not a name
])
def test_the_derived_category_word_is_the_head_of_the_name(name, category, never):
    from aigc_cs.kb.shops import derived_aliases

    aliases = derived_aliases(name)
    assert category in aliases and never not in aliases


def test_product_option_resolves_by_part_of_the_name(owner_cli):
    result = owner_cli("faq", "--shop", "owner-style", "--product", "茉莉花茶", "-n", "3", "--json")
    assert result.code == 0, result.output
    assert json.loads(result.stdout)["product"] == "茉莉花茶（罐装200克）"


def test_ambiguous_product_lists_the_candidates_in_one_line(owner_cli):
    result = owner_cli("faq", "--shop", "owner-style", "--product", "信阳", "-n", "3")
    assert result.code != 0
    line = result.stderr.strip()
    assert "\n" not in line and "Traceback" not in result.output
    assert "信阳毛尖（125克袋装）" in line and "信阳毛尖礼盒（250克）" in line


def test_unknown_product_names_what_there_is(owner_cli):
    result = owner_cli("faq", "--shop", "owner-style", "--product", "大红袍", "-n", "3")
    assert result.code != 0
    assert "没有商品“大红袍”" in result.stderr and "滇红工夫茶" in result.stderr


def test_reply_answers_a_bullet_product_by_its_short_name_in_full_sentences(owner_cli):
    out = json.loads(owner_cli("reply", "毛尖怎么泡啊", "--shop", "owner-style", "--json").stdout)
    assert out["product"] == "信阳毛尖（125克袋装）"
    assert "85度" in out["text"] and out["answered"] is True
    assert not re.search(r"[：:]\s*-\s|信阳毛尖（125克袋装）-", out["text"]), out["text"]
    assert any(c["source"].endswith("products/maojian.md") for c in out["citations"])


def test_reply_answers_from_a_plain_text_product_file(owner_cli):
    out = json.loads(owner_cli("reply", "滇红工夫茶能加奶做奶茶吗", "--shop", "owner-style", "--json").stdout)
    assert out["product"] == "滇红工夫茶"
    assert "奶茶" in out["text"] and out["answered"] is True, out["text"]
    assert any(c["source"].endswith("products/dianhong.txt") for c in out["citations"])


@pytest.mark.parametrize(("message", "answered"), [
    ("毛尖每袋附送几个茶包", True),  # two words of the question in one line of the file
    ("毛尖送的茶包能重复用吗", False),  # 茶包 alone: the file does not say
])
def test_a_line_of_the_product_file_that_takes_up_the_question_answers_it(cli_own, tmp_path, message, answered):
    import shutil

    shop = shutil.copytree(SHOP, tmp_path / "owner-style")
    with (shop / "products" / "maojian.md").open("a", encoding="utf-8") as f:
        f.write("- 赠品：每袋附送10个无纺布茶包，泡完连茶叶一起扔，不用洗杯子\n")
    assert cli_own("ingest", str(shop)).code == 0
    out = json.loads(cli_own("reply", message, "--shop", "owner-style", "--json").stdout)
    assert out["answered"] is answered, out["text"]
    assert ("10个无纺布茶包" in out["text"]) is answered, out["text"]


@pytest.mark.parametrize(("message", "product"), [
    ("裤子会不会短", "高腰直筒牛仔裤"),  # 裤 ends one product's name only
    ("这个裙子透不透", "法式碎花连衣裙"),
    ("被子能机洗吗", None),  # 被 ends no product's name
    ("牛仔外套有吗", None),  # 套 is no word of its own here
])
def test_a_one_character_category_word_names_the_only_product_it_ends(message, product):
    from aigc_cs.kb.products import mentioned
    from aigc_cs.kb.shops import read_shop
    from aigc_cs.paths import corpus_dir

    shop, _ = read_shop(corpus_dir() / "shops" / "demo-fashion", corpus_dir(), 2**20)
    found = mentioned(message, shop)
    assert (found.name if found else None) == product


@pytest.mark.parametrize(("message", "product"), [
    ("牛仔库会不会短", "高腰直筒牛仔裤"),  # 库 sounds like 裤: a name typed with a homophone
    ("连衣群透不透", "法式碎花连衣裙"),
    ("连衣帽有吗", None),  # 帽 sounds like no character of 连衣裙
])
def test_a_product_name_typed_with_a_character_of_the_same_sound_names_it(message, product):
    from aigc_cs.kb.products import mentioned
    from aigc_cs.kb.shops import read_shop
    from aigc_cs.paths import corpus_dir

    shop, _ = read_shop(corpus_dir() / "shops" / "demo-fashion", corpus_dir(), 2**20)
    found = mentioned(message, shop)
    assert (found.name if found else None) == product


@pytest.mark.parametrize(("message", "product"), [
    ("250克的送人体面吗", "信阳毛尖礼盒（250克）"),  # only the gift box comes in 250克
    ("200g那罐是散装的吗", "茉莉花茶（罐装200克）"),
    ("1250克有吗", None),  # not 250克
    ("500克的有没有", None),  # no product comes in 500克
])
def test_a_size_only_one_product_comes_in_names_that_product(message, product):
    from aigc_cs.kb.products import mentioned
    from aigc_cs.kb.shops import read_shop

    shop, _ = read_shop(SHOP, SHOP.parent, 2**20)
    found = mentioned(message, shop)
    assert (found.name if found else None) == product


@pytest.mark.parametrize(("message", "product"), [
    ("挂耳是纯黑的吗", "慢半拍挂耳咖啡"),  # 挂耳: two characters of one name, though jieba cuts 挂/耳
    ("燕麦是进口的吗", "燕麦片1kg"),  # two of the three other files suggest 燕麦 beside them: still this product's word
    ("燕麦饼干有吗", None),  # 燕麦 opens another thing here
])
def test_two_characters_of_one_product_s_name_name_it(tmp_path, message, product):
    import shutil

    from aigc_cs.kb.products import mentioned
    from aigc_cs.kb.shops import read_shop

    folder = tmp_path / "drinks"
    (folder / "products").mkdir(parents=True)
    shutil.copy(SHOP / "policy.md", folder / "policy.md")
    for name, text in [("慢半拍挂耳咖啡", "每包10克，办公室冲着喝。"), ("保山小粒咖啡豆", "中深烘，配燕麦片当早餐。"),
                       ("燕麦片1kg", "原味即食，开水一冲就能吃。"), ("低糖热可可", "可以加进燕麦里一起冲。")]:
        (folder / "products" / f"{name}.txt").write_text(f"# {name}\n\n{text}\n", encoding="utf-8")
    shop, _ = read_shop(folder, tmp_path, 2**20)
    found = mentioned(message, shop)
    assert (found.name if found else None) == product


def test_a_colon_list_is_one_sentence_so_no_item_is_dropped():
    from aigc_cs.kb.answerable import sentences

    said = sentences("## 快递\n- 发出后时效（以实际派送为准）：江浙沪1-2天；其他省份2-4天；偏远5-7天\n"
                     "- 默认发中通；想发顺丰要补差价")
    assert said == ["发出后时效（以实际派送为准）：江浙沪1-2天；其他省份2-4天；偏远5-7天。", "默认发中通。", "想发顺丰要补差价。"]


def test_a_clock_time_is_not_read_as_a_key_and_value():
    from aigc_cs.kb.answerable import sentences

    said = sentences("## 客服时间\n- 客服在线时间9:00-22:00，都是真人客服。\n- 22:00以后的留言，第二天9:00起回复。\n- 时间：9:00-18:00")
    assert said == ["客服在线时间9:00-22:00，都是真人客服。", "22:00以后的留言，第二天9:00起回复。", "时间9:00-18:00。"]


def test_a_care_tip_from_a_plain_text_product_file_counts_as_a_real_benefit(owner_cli):
    def offer(sms: str) -> float:
        graded = criteria(owner_cli, sms, "revisit-message", "owner-style", "老客户回访 · 短信：王女士，20天前买过滇红工夫茶")
        return graded["offer"]["points"]

    tip = offer("王女士您好，滇红喝着还顺口吗？开封后放在阴凉干燥处，别和气味重的东西放一起。有问题随时找我们。退订回T")
    empty = offer("王女士您好，滇红喝着还顺口吗？店里有很多好茶，欢迎常来看看。有问题随时找我们。退订回T")
    assert tip > empty


def test_a_formal_category_word_gets_the_word_customers_type():
    from aigc_cs.kb.shops import derived_aliases

    assert "狗粮" in derived_aliases("牛肉蔬菜全价犬粮（2kg / 10kg）")
    assert not any("狗" in a for a in derived_aliases("鲜鸡肉全价猫粮（1.5kg / 4kg）"))


def test_a_named_product_and_an_attribute_word_get_that_attribute_or_an_honest_check(owner_cli):
    """保质期 names the product's size section although the classifier doubts it; a product whose own file does
    not give its shelf life is not answered with another product's (or with its size)."""
    given = json.loads(owner_cli("reply", "那个毛尖保质期多久", "--shop", "owner-style", "--json").stdout)
    assert given["answered"] is True and "保质期12个月" in given["text"], given
    missing = json.loads(owner_cli("reply", "茉莉花茶保质期多久", "--shop", "owner-style", "--json").stdout)
    assert missing["answered"] is False, missing
    assert "“保质期”，店铺资料里没有写明" in missing["text"] and "12个月" not in missing["text"]


def test_a_set_is_also_called_by_what_it_holds_and_by_its_set_word():
    from aigc_cs.kb.shops import derived_aliases

    aliases = derived_aliases("耐热玻璃保鲜盒四件套")
    assert {"耐热玻璃保鲜盒", "保鲜盒", "四件套"} <= set(aliases)


def test_a_shop_without_no_reason_returns_states_its_own_condition(owner_cli):
    out = json.loads(owner_cli("reply", "不喜欢的话能退吗", "--shop", "owner-style", "--json").stdout)
    assert "不支持无理由退货" in out["text"] and "食品类商品拆封后不退不换" in out["text"], out["text"]
    assert out["warnings"] == []  # "…不退不换" quoted from the shop is no exchange promised


def test_a_denied_no_reason_exchange_is_no_claim_of_one():
    from aigc_cs.guard.claims import extract

    assert [(c.key, c.value) for c in extract("生鲜水果不支持无理由退换。")] == [("no_reason_return_days", 0.0)]
    assert ("no_reason_exchange", True) in [(c.key, c.value) for c in extract("本店支持7天无理由退换。")]


def test_a_product_file_s_chinese_name_gives_the_name_customers_use(tmp_path):
    """焦糖瓜子500g.txt holds 焦糖味葵花籽: customers say 瓜子, as the owner did when saving the file."""
    from aigc_cs.kb.shops import read_product

    path = tmp_path / "焦糖瓜子500g.txt"
    path.write_text("焦糖瓜子 500克\n\n品名：焦糖味葵花籽\n价格：19.9元一袋\n", encoding="utf-8")
    product = read_product(path, "products/焦糖瓜子500g.txt", 1 << 20)
    assert product.name == "焦糖味葵花籽" and "瓜子" in product.aliases, product.aliases
    coded = tmp_path / "KXG-500.md"
    coded.write_text("# 原色开心果（500克罐装）\n", encoding="utf-8")
    assert not any("KXG" in a for a in read_product(coded, "products/KXG-500.md", 1 << 20).aliases)


def test_a_quantity_at_the_end_of_a_name_is_no_kind_of_product(cli_own, tmp_path):
    """云南普洱熟茶饼 357克 is a 饼: "几克" asks a weight and names no product (it was read as the 克 of this one)."""
    from tests.conftest import owner_style_reply

    out = owner_style_reply(cli_own, tmp_path, "几克", products={
        "puer.md": "# 云南普洱熟茶饼 357克\n\n## 多大一饼\n\n一饼357克，168元一饼。\n"})
    assert out["product"] is None, out


def test_a_chinese_file_name_gives_way_to_the_title_line_the_file_opens_with(tmp_path):
    """团圆礼盒-8罐.txt opens with its title, a comma inside its brackets: that line names the product; the file name,
    as the owner typed it, is still an alias."""
    from aigc_cs.kb.shops import read_product

    path = tmp_path / "团圆礼盒-8罐.txt"
    path.write_text("团圆坚果礼盒（8罐，1500克）\n\n价格168元一盒。\n", encoding="utf-8")
    product = read_product(path, "products/团圆礼盒-8罐.txt", 1 << 20)
    assert product.name == "团圆坚果礼盒（8罐，1500克）" and "团圆礼盒" in product.aliases, product.aliases
    plain = tmp_path / "鸡仔饼.txt"
    plain.write_text("鸡仔饼是我们自家作坊烤的，一盒300克。\n", encoding="utf-8")  # a sentence is no title
    assert read_product(plain, "products/鸡仔饼.txt", 1 << 20).name == "鸡仔饼"


@pytest.mark.parametrize(("file_name", "text", "message", "said"), [
    # 礼盒里8罐都是啥: the sentence of the gift box's file that names what is inside, not "not written"
    ("团圆礼盒-8罐.txt", "团圆坚果礼盒（8罐，1500克）\n\n价格168元一盒，中秋、春节送人用得最多。\n\n"
     "盒子里一共8罐：原色开心果200克、奶油巴旦木仁200克、盐焗腰果180克、芒果干160克。\n\n盒子是红色硬纸板翻盖盒。\n",
     "团圆礼盒里8罐都是啥", "原色开心果200克、奶油巴旦木仁200克"),
    # 不带花瓶。 (five characters with its stop) was too short to be a sentence: 鲜花订阅带花瓶不 was not answered
    ("flower-subscription.txt", "一周一花鲜花订阅：每周给您寄一束当季鲜花。\n\n价格：月卡99元，季卡279元。\n\n"
     "不带花瓶。需要的话可以加购玻璃花瓶，25元一个。\n\n每束附一张醒花卡。\n\n鲜花是活体，不支持无理由退换。\n",
     "鲜花订阅带花瓶不", "不带花瓶"),
])
def test_a_sentence_of_a_plain_product_file_answers_when_no_field_labels_it(cli_own, tmp_path, file_name, text,
                                                                             message, said):
    out = owner_style_reply(cli_own, tmp_path, message, products={file_name: text})
    assert out["answered"] and said in out["text"], out["text"]


def test_a_trait_asked_yes_or_no_is_answered_by_the_line_that_states_it_anywhere_in_the_file(cli_own, tmp_path):
    """礼盒辣不辣 送长辈的: the file's 三样都不辣 answers it, though sentences on gifts for elders are nearer in meaning."""
    box = ("# 腊味礼盒（腊肠500克+腊肉400克）\n\n- 价格：168元\n- 送礼：过年走亲戚、给长辈、公司发福利都合适。\n"
           "- 包装：红色硬纸礼盒，配一个手提袋，送长辈拿得出手。\n- 发货：包裹里不放价格单，可以直接寄给收礼的长辈。\n"
           "- 保存：没开袋常温6个月。\n- 吃法：蒸15分钟切片。\n- 产地：广东中山。\n- 规格：腊肠500克、腊肉400克。\n"
           "- 重量：连盒大约1.3公斤。\n- 贺卡：可以免费放一张贺卡，写给长辈的祝福语50字以内。\n"
           "- 代发：直接寄到长辈家里的，发货单上不印价格。\n- 礼袋：手提袋是加厚的，长辈拎着不会断。\n"
           "- 搭配：送长辈的话，可以再配一瓶花生酱。\n- 配料：两样都不辣，配料里没有花生。\n")
    out = owner_style_reply(cli_own, tmp_path, "腊味礼盒辣不辣 送长辈的", products={"box.md": box})
    assert out["answered"] and "两样都不辣" in out["text"], out["text"]


def test_a_topic_asked_of_a_plain_text_file_is_its_nearest_line_naming_the_topic(cli_own, tmp_path):
    """牛腱吃不完能冻起来吗 of a file with no labelled fields: its line on 冷冻 answers; the product's own name (充电宝)
    asks no topic, so 充电宝能上高铁不 is not answered by a line on charging."""
    beef = ("五香卤牛腱\n\n五香卤牛腱是每周一现卤的，用的是牛前腱。0-4℃冷藏保质期20天。开袋以后48小时内吃完。"
            "放冷冻室能放3个月，解冻后不要再冻回去。切片蘸料吃，冷着吃最有嚼劲。价格58元一袋。\n")
    power = ("20000毫安充电宝\n\n价格89元。用30W快充头约3.5小时充满，用5V2A的老充电头约10小时。"
             "不支持无线充电，也不带磁吸。重量375克。\n")
    out = owner_style_reply(cli_own, tmp_path, "牛腱吃不完能冻起来吗", products={"niujian.txt": beef, "pb.txt": power})
    assert out["answered"] and "放冷冻室能放3个月" in out["text"], out["text"]
    train = reply_json(cli_own, "充电宝能上高铁不", "owner-style")
    assert not train["answered"] and "10小时" not in train["text"], train["text"]


def test_a_product_line_that_answers_comes_with_the_next_that_takes_up_the_question(cli_own, tmp_path):
    """开心果闭口的多不多: 闭口果每罐不超过3%, and the file's line on what to do with a closed one; not 开心果属于树坚果,
    near in meaning only because it names the product."""
    nuts = ("# 原色开心果（500克罐装）\n\n价格79元一罐。闭口果每罐不超过3%。闭口的不是坏的，用开口果的半片壳插进缝里一拧就开。"
            "开心果属于树坚果。配料是开心果、食用盐。\n")
    out = owner_style_reply(cli_own, tmp_path, "开心果闭口的多不多", products={"kxg.md": nuts})
    assert out["answered"] and "不超过3%" in out["text"] and "一拧就开" in out["text"], out["text"]
    assert "树坚果" not in out["text"], out["text"]


def test_a_pack_size_in_a_name_leaves_no_stray_sign_and_a_glued_name_word_still_names_it(cli_own, tmp_path):
    """慢半拍挂耳咖啡 10克×10包 is called 慢半拍挂耳咖啡 (not …咖啡 ×); 一包挂耳冲多少水 names it though jieba cuts 挂耳冲,
    and its own line on how much water answers."""
    from aigc_cs.kb.shops import derived_aliases

    assert "慢半拍挂耳咖啡" in derived_aliases("慢半拍挂耳咖啡 10克×10包")
    assert not any("×" in a for a in derived_aliases("慢半拍挂耳咖啡 10克×10包"))
    drip = ("慢半拍挂耳咖啡 10克×10包\n\n价格39元一盒。沿虚线撕开，两边纸耳挂在杯沿上。"
            "冲泡是每包配200毫升90℃左右的热水，分三次慢慢注水。\n")
    out = owner_style_reply(cli_own, tmp_path, "一包挂耳冲多少水合适 水要烧开吗", products={"GE-DRIP10.txt": drip})
    assert out["product"] == "慢半拍挂耳咖啡 10克×10包" and "200毫升" in out["text"], out


def test_a_question_s_own_words_match_in_any_case_and_not_across_the_product_s_name(cli_own, tmp_path):
    """耳机有anc吗 降噪咋样: the line on 主动降噪（ANC） takes up both words though the customer typed anc; 宝有 of
    充电宝有3c吗 is jieba cutting across the name, no word of the question."""
    from aigc_cs.kb.question_words import own_words

    assert own_words("充电宝有3c吗", ["充电宝"]) == {"3c"}
    assert "桌上" in own_words("蛋卷桌上能直接放卡式炉吗", ["蛋卷桌", "卡式炉"])  # 上 is what the customer means
    buds = ("# 蓝牙耳机A3\n\n- 价格：129元\n- 降噪：打电话用双麦降噪；没有主动降噪（ANC），听歌时外面的声音降不掉。\n"
            "- 续航：单次听歌5小时。\n")
    out = owner_style_reply(cli_own, tmp_path, "耳机有anc吗 降噪咋样", products={"a3.md": buds})
    assert out["answered"] and "没有主动降噪（ANC）" in out["text"], out["text"]


def test_a_question_s_own_words_leave_out_what_jieba_s_guess_took_in():
    """柴犬能睡这个窝吗: jieba makes 柴犬能 of a name it does not know; the question's word is 柴犬. 豆腐砂结团咋样: the
    word cut across the product's name 豆腐砂 leaves 结团."""
    from aigc_cs.kb.question_words import own_words

    assert own_words("柴犬能睡这个窝吗", []) == {"柴犬"}
    assert "结团" in own_words("豆腐砂结团咋样", ["豆腐砂"])


@pytest.mark.parametrize(("message", "said"), [
    ("曲奇用的啥油 黄油还是植物油", "配料"),  # 黄油 is in the product's name too: the title line is no answer
    ("桌子是真橡木还是贴皮的 别忽悠我哈", "不是贴皮"),
])
def test_a_choice_question_is_answered_by_the_line_naming_one_of_its_alternatives(cli_own, tmp_path, message, said):
    cookies = ("# 手工黄油曲奇罐\n\n- 价格：58元一罐\n- 配料：低筋小麦粉、黄油、糖粉、鸡蛋\n- 保存：开罐后7天内吃完\n")
    table = ("# 橡木餐桌\n\n- 价格：1980元\n- 用料：桌面和桌腿全是橡木实木，不是贴皮，也没有密度板\n"
             "- 尺寸：140×80×75厘米\n")
    out = owner_style_reply(cli_own, tmp_path, message, products={"cookies.md": cookies, "table.md": table})
    assert out["answered"] and said in out["text"], out["text"]


def test_a_variant_in_the_name_names_the_product_without_its_measure(tmp_path):
    """四人位 of 云朵布沙发（三人位2.1米 / 四人位2.4米）: the customer types the variant, not its length."""
    import shutil

    from aigc_cs.kb.products import mentioned
    from aigc_cs.kb.shops import read_shop

    shop = shutil.copytree(SHOP, tmp_path / "owner-style")
    (shop / "products" / "sofa.md").write_text("# 云朵布沙发（三人位2.1米 / 四人位2.4米）\n\n- 价格：三人位2699元\n",
                                               encoding="utf-8")
    found = mentioned("四人位能进电梯不", read_shop(shop, tmp_path, 2**20)[0])
    assert found is not None and found.name == "云朵布沙发（三人位2.1米 / 四人位2.4米）"


def test_a_plain_file_named_by_a_code_is_known_by_the_name_its_text_opens_with(cli_own, tmp_path):
    """花草茶HC15.txt opens "这款墨红玫瑰洋甘菊花草茶，…": 玫瑰是哪儿的 asks about it, and its text answers."""
    tea = ("这款墨红玫瑰洋甘菊花草茶，一袋15个三角包，36元一袋。里面是墨红玫瑰花冠和洋甘菊，玫瑰是云南曲靖的。\n\n"
           "泡法：一包配300毫升90℃的热水，泡5分钟。\n")
    out = owner_style_reply(cli_own, tmp_path, "玫瑰是哪儿的啊 云南的吗", products={"花草茶HC15.txt": tea})
    assert out["product"] == "花草茶HC15" and out["answered"] and "曲靖" in out["text"], out


def test_a_question_naming_no_product_means_the_one_whose_file_holds_its_words(cli_own, tmp_path):
    """雾霾蓝那个掉不掉色: of the question's own words only 雾霾蓝 is in any file, the bedding set's; 高硼硅, which jieba
    cuts into three letters, is one word of the question."""
    from aigc_cs.kb.question_words import own_words

    assert "高硼硅" in own_words("是高硼硅的吗 还是普通钢化玻璃", [])
    bedding = ("# 长绒棉四件套\n\n- 价格：459元\n- 颜色：月白、雾霾蓝、豆沙粉\n"
               "- 洗涤：雾霾蓝、豆沙粉头两次洗会有一点浮色，单独洗就行\n")
    out = owner_style_reply(cli_own, tmp_path, "雾霾蓝那个掉不掉色", products={"bedding.md": bedding})
    assert out["product"] == "长绒棉四件套" and "浮色" in out["text"], out


def test_a_bracketed_key_line_is_a_field_like_a_colon_one(cli_own, tmp_path):
    """【重量】约375克, the way many detail pages are written: 充电宝多重 reads that field, as it reads 重量：约375克."""
    from aigc_cs.kb.answerable import fields

    text = "20000毫安充电宝\n\n【价格】89元\n【尺寸】150×71×28毫米\n【重量】约375克\n【注意事项】\n不支持无线充电；\n别暴晒。\n"
    assert {f.key: f.text for f in fields(text)}["重量"] == "重量是约375克。"
    out = owner_style_reply(cli_own, tmp_path, "充电宝多重啊 揣包里沉不沉", products={"PB-20000.txt": text})
    assert "约375克" in out["text"], out["text"]


@pytest.mark.parametrize(("message", "answered"), [
    ("你们有信阳毛尖吗？", True),  # the shop sells it: yes, by its name
    ("有明前特级的毛尖没", False),  # a version of it the file never names: checked, not sold
])
def test_asked_whether_the_shop_sells_a_product_it_sells_the_reply_says_so(owner_cli, message, answered):
    out = json.loads(owner_cli("reply", message, "--shop", "owner-style", "--json").stdout)
    assert out["answered"] is answered, out["text"]
    assert ("店里在卖信阳毛尖（125克袋装）" in out["text"]) is answered, out["text"]


@pytest.mark.parametrize(("file_name", "text", "name"), [
    ("LB-03.txt", "LB-03 是我们家的水培绿萝，养在玻璃瓶的清水里。\n\n价格：一瓶19.9元。\n", "水培绿萝"),
    ("flower-subscription.txt", "一周一花鲜花订阅：每周给您寄一束当季鲜花。\n\n价格：月卡99元。\n", "一周一花鲜花订阅"),
])
def test_a_plain_file_named_in_latin_letters_takes_the_name_its_first_sentence_gives(tmp_path, file_name, text, name):
    """"LB-03 是我们家的水培绿萝，…" names 水培绿萝 (it was named by the whole clause, code and all); "一周一花鲜花订阅：每周…"
    names what comes before the colon (it was named flower-subscription)."""
    from aigc_cs.kb.shops import read_product

    path = tmp_path / file_name
    path.write_text(text, encoding="utf-8")
    assert read_product(path, f"products/{file_name}", 1 << 20).name == name


def test_a_markdown_table_in_a_product_file_is_read_out_row_by_row(cli_own, tmp_path):
    """A size table (| 尺寸 | 口径 | 价格 |) was pasted into replies as "| 尺寸 | 口径 | 价格 |。": each row is now a sentence
    its first cell leads (大号口径25cm，价格59元), and the header and the rule of dashes are no sentences at all."""
    from aigc_cs.kb.loaders import tables_read_out

    table = "## 尺寸和价格\n| 尺寸 | 口径 | 价格 |\n|---|---|---|\n| 小号 | 12cm | 19元 |\n| 大号 | 25cm | 59元 |\n\n颜色：米白\n"
    assert tables_read_out(table) == "## 尺寸和价格\n- 小号口径12cm，价格19元。\n- 大号口径25cm，价格59元。\n\n颜色：米白\n"
    pots = "# 粗陶花盆（小/大两个尺寸）\n\n" + table + "\n## 材质\n- 粗陶，哑光釉。\n"
    out = owner_style_reply(cli_own, tmp_path, "大号花盆口径多大", products={"pot.md": pots})
    assert "大号口径25cm" in out["text"] and "|" not in out["text"], out["text"]
