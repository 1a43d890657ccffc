"""`aigc-cs faq`: questions customers really ask, ready-to-send replies grounded in the product file and the shop's
facts, a citation per pair, no near-duplicate questions, and handouts in docx/xlsx/md/json."""

import json
import re
from itertools import combinations
from pathlib import Path

import pytest

from aigc_cs.guard.lexicon import scan
from aigc_cs.tasks.faq import NEAR_DUPLICATE, book, near_duplicate, similarity
from tests.conftest import ROOT, assert_one_error_line
from tests.test_llm import LLM, llm_env

SHOPS = {"demo-beauty": "保湿面霜", "demo-fashion": "牛仔裤"}


def faq_json(cli, *args: str) -> dict:
    result = cli("faq", *args, "--json")
    assert result.code == 0, result.output
    return json.loads(result.stdout)


def by_topic(out: dict) -> dict[str, dict]:
    return {item["topic"]: item for item in out["items"]}


def numbers(text: str) -> set[str]:
    return set(re.findall(r"\d+(?:\.\d+)?", text))


def shop_record(cli, shop: str) -> dict:
    return next(s for s in json.loads(cli("shops", "--json").stdout) if s["shop"]["id"] == shop)


# -- grounded, cited, clean -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("shop", SHOPS)
def test_five_pairs_each_cited_clean_and_plain_spoken(cli, shop):
    out = faq_json(cli, "--shop", shop, "--product", SHOPS[shop], "-n", "5")
    assert len(out["items"]) == 5 and out["requested"] == 5
    assert out["engine"] == "offline" and out["clean"] is True and out["warnings"] == []
    for item in out["items"]:
        assert item["citations"], item
        assert item["answer"].startswith(("您好", "感谢")), item["answer"]
        assert scan(item["question"] + "\n" + item["answer"]) == []
        assert len(item["question"]) <= 25  # typed by a customer, not a handout heading
    assert out["citations"]
    kinds = {book().items[i["topic"]].section is not None for i in out["items"]}
    assert kinds == {True, False}, "a product set asks about the product and about buying it"


def test_beauty_answers_carry_the_beauty_facts(cli):
    items = by_topic(faq_json(cli, "--shop", "demo-beauty", "--product", "保湿面霜", "-n", "30"))
    assert "签收后15天内" in items["return_condition"]["answer"]
    assert "未拆封、塑封完好" in items["return_condition"]["answer"]
    assert "24小时内发货" in items["ship_time"]["answer"]
    assert "不议价" in items["price"]["answer"] and "129元" in items["price"]["answer"]
    assert "全场包邮" in items["free_shipping"]["answer"]
    assert "下单时" in items["invoice"]["answer"]
    assert "7天内" in items["quality_claim"]["answer"] and "由我们承担" in items["quality_claim"]["answer"]
    assert "不附带运费险" in items["return_shipping"]["answer"]
    assert "3个工作日内" in items["refund_time"]["answer"]
    # product facts are quoted from the product's own file
    cream = (ROOT / "corpus/shops/demo-beauty/products/moisturizing-cream.md").read_text(encoding="utf-8")
    assert "神经酰胺、角鲨烷和透明质酸钠" in items["material"]["answer"] and "神经酰胺、角鲨烷和透明质酸钠" in cream
    assert {"source": "corpus/shops/demo-beauty/products/moisturizing-cream.md", "section": "材质与成分"} \
        in items["material"]["citations"]
    assert {"source": "corpus/shops/demo-beauty/policy.md", "section": "十五天无理由退货"} \
        in items["return_condition"]["citations"]


def test_fashion_answers_carry_the_fashion_facts(cli):
    items = by_topic(faq_json(cli, "--shop", "demo-fashion", "--product", "牛仔裤", "-n", "30"))
    assert "签收后7天内" in items["return_condition"]["answer"] and "吊牌完好" in items["return_condition"]["answer"]
    assert "48小时内发货" in items["ship_time"]["answer"]
    assert "不超过20元" in items["price"]["answer"] and "139元" in items["price"]["answer"]
    assert "满99元包邮" in items["free_shipping"]["answer"]
    assert "确认收货之后" in items["invoice"]["answer"]
    assert "3天内" in items["quality_claim"]["answer"]
    assert "附带运费险" in items["return_shipping"]["answer"]
    assert "腰围64–67厘米" in items["size"]["answer"]  # the size chart of the jeans, not of another product


@pytest.mark.parametrize("shop", SHOPS)
def test_every_number_in_every_answer_comes_from_the_sources(cli, shop):
    record = shop_record(cli, shop)
    values = [v for v in record["facts"].values() if not isinstance(v, bool)]
    facts = {f"{v:g}" for v in values if isinstance(v, int | float)} | numbers(" ".join(map(str, values)))
    prices = {f"{p.price_yuan:g}" for p in _shop(shop).products if p.price_yuan}
    for product in _shop(shop).products:
        out = faq_json(cli, "--shop", shop, "--product", product.name, "-n", "30")
        own = numbers(" ".join(s.text for s in product.sections.values()))
        for item in out["items"]:
            rows = re.sub(r"(?m)^\d+\. ", "", item["answer"])  # a numbered row's marker is no fact
            stray = numbers(rows) - facts - own - prices - {"1", "2", "3"}  # 1）2）3） list markers
            assert not stray, (product.name, item["answer"], stray)
            assert item["citations"]


def _shop(shop_id: str):
    from aigc_cs.kb.shops import read_shop
    from aigc_cs.paths import corpus_dir

    return read_shop(corpus_dir() / "shops" / shop_id, corpus_dir(), 2**20)[0]


# -- no near-duplicates, varied, stable -----------------------------------------------------------------------------
def test_bigram_similarity_spots_near_duplicates():
    assert similarity("包邮吗？", "包邮吗") == 1.0  # punctuation does not count
    assert near_duplicate("退货运费谁出？", "退货的运费谁出")
    assert not near_duplicate("面霜是什么成分", "面霜适合什么肤质")
    assert not near_duplicate("退货运费谁出？", "有运费险吗？")
    assert similarity("", "") == 1.0 and similarity("T恤", "t恤") == 1.0


@pytest.mark.parametrize(("shop", "what"), [
    *((s, ("--product", p.name)) for s in SHOPS for p in _shop(s).products),
    *((s, ("--topic", t.name)) for s in SHOPS for t in book().topics),
])
def test_no_two_questions_of_a_set_are_near_duplicates(cli, shop, what):
    out = faq_json(cli, "--shop", shop, *what, "-n", "30")
    questions = [i["question"] for i in out["items"]]
    for a, b in combinations(questions, 2):
        assert similarity(a, b) < NEAR_DUPLICATE, (a, b)
    assert out["clean"], out["warnings"]


@pytest.mark.parametrize("shop", SHOPS)
def test_two_products_do_not_read_like_one_template(cli, shop):
    def masked(product) -> list[str]:
        out = faq_json(cli, "--shop", shop, "--product", product.name, "-n", "5")
        questions = [i["question"] for i in out["items"]]
        for name in sorted(product.names(), key=len, reverse=True):
            questions = [q.replace(name, "X") for q in questions]
        return questions

    products = _shop(shop).products
    sets = {p.name: masked(p) for p in products}
    for a, b in combinations(products, 2):
        qa, qb = sets[a.name], sets[b.name]
        assert len(set(qa) & set(qb)) <= 2, (qa, qb)
        closest = sum(max(similarity(x, y) for y in qb) for x in qa) / len(qa)
        assert closest < 0.5, (a.name, b.name, qa, qb)


def test_same_input_gives_the_same_set(cli):
    args = ("--shop", "demo-fashion", "--product", "T恤", "-n", "6")
    assert faq_json(cli, *args) == faq_json(cli, *args)


# -- policy topics ----------------------------------------------------------------------------------------------------
def test_topic_set_for_the_return_policy_follows_each_shop(cli):
    fashion = faq_json(cli, "--shop", "demo-fashion", "--topic", "七天无理由退货", "-n", "5")
    assert fashion["topic"] == "七天无理由退换" and fashion["product"] is None and len(fashion["items"]) == 5
    assert "签收后7天内" in by_topic(fashion)["return_condition"]["answer"]
    assert fashion["notes"] == []

    result = cli("faq", "--shop", "demo-beauty", "--topic", "七天无理由退货", "-n", "5", "--json")
    assert result.code == 0, result.output
    beauty = json.loads(result.stdout)
    assert beauty["topic"] == "十五天无理由退货"
    text = beauty["text"]
    assert "15天" in text and "7天内可以申请无理由" not in text and "签收后7天内无理由" not in text
    assert any("本店支持15天无理由退货" in n for n in beauty["notes"])  # the teacher's wording differed from the policy
    assert all(i["citations"] for i in beauty["items"])


@pytest.mark.parametrize(("topic", "must"), [("发货", "48小时内发货"), ("发票", "确认收货之后"), ("运费", "满99元包邮"),
                                             ("退款", "2个工作日内"), ("质量问题", "3天内"), ("价格", "不超过20元")])
def test_each_policy_topic_answers_with_the_fact(cli, topic, must):
    out = faq_json(cli, "--shop", "demo-fashion", "--topic", topic)
    assert must in out["text"], out["text"]
    assert out["clean"] and all(i["citations"] for i in out["items"])


def test_asking_for_more_than_there_is_says_how_many_and_why(cli):
    result = cli("faq", "--shop", "demo-fashion", "--topic", "发票", "-n", "8", "--json")
    assert result.code == 0, result.output
    out = json.loads(result.stdout)
    assert len(out["items"]) == 3 and out["requested"] == 8
    assert "只生成了3条（要求8条）" in result.stderr and "重复" in result.stderr


def test_a_shop_without_invoices_gets_one_honest_invoice_answer(cli_own):
    from tests.conftest import FIXTURES

    assert cli_own("ingest", str(FIXTURES / "shops" / "test-tea"), "--shop", "test-tea").code == 0
    out = json.loads(cli_own("faq", "--shop", "test-tea", "--topic", "发票", "--json").stdout)
    assert [i["topic"] for i in out["items"]] == ["invoice"]
    assert "不提供发票" in out["text"]
    tea = json.loads(cli_own("faq", "--shop", "test-tea", "--product", "龙井", "-n", "30", "--json").stdout)
    assert tea["clean"], tea["warnings"]
    assert "不支持无理由退货" in tea["text"] and "72小时内发货" in tea["text"]


# -- errors ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("args", "line"), [
    (("--product", "眼霜"), "没有商品“眼霜”，可选：氨基酸洁面乳、玻尿酸补水精华、水润保湿面霜、清透防晒乳"),
    (("--topic", "会员积分"), "未知话题“会员积分”，可用：无理由退货、发货与物流"),
    ((), "请用 --product 指定商品，或用 --topic 指定政策话题"),
    (("--product", "面霜", "--topic", "发货"), "两者选一个"),
])
def test_bad_input_gets_one_chinese_line(cli, args, line):
    assert_one_error_line(cli("faq", "--shop", "demo-beauty", *args), line)


# -- outputs ----------------------------------------------------------------------------------------------------------
def test_plain_output_shows_pairs_sources_and_engine(cli):
    result = cli("faq", "--shop", "demo-beauty", "--product", "保湿面霜")
    assert result.code == 0, result.output
    assert "引擎：offline" in result.stdout and "1. 问：" in result.stdout and "答：" in result.stdout
    assert "出处：corpus/shops/demo-beauty/" in result.stdout


def test_docx_handout_a_teacher_can_hand_out(cli, tmp_path: Path):
    from docx import Document

    path = tmp_path / "faq.docx"
    result = cli("faq", "--shop", "demo-beauty", "--product", "保湿面霜", "-n", "5", "--out", str(path))
    assert result.code == 0, result.output
    assert "已保存" in result.stdout
    questions = [i["question"] for i in faq_json(cli, "--shop", "demo-beauty", "--product", "保湿面霜")["items"]]
    doc = Document(str(path))
    paragraphs = [p.text for p in doc.paragraphs]
    assert paragraphs[0] == "水润保湿面霜常见问题与标准回复（润物小铺护肤）"
    assert "店铺：润物小铺护肤（demo-beauty）" in paragraphs and "商品：水润保湿面霜（标价129元）" in paragraphs
    [table] = doc.tables
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["序号", "顾客问题", "标准回复", "依据"]
    assert [r[1] for r in rows[1:]] == questions and [r[0] for r in rows[1:]] == ["1", "2", "3", "4", "5"]
    assert all(r[2] and r[3] for r in rows[1:])
    widths = [c.width for c in table.rows[1].cells]
    assert widths[2] == max(widths)  # the answers get the room
    assert "出处" in paragraphs and any(p.startswith("corpus/shops/demo-beauty/policy.md") for p in paragraphs)


def test_xlsx_md_and_json_outputs(cli, tmp_path: Path):
    from openpyxl import load_workbook

    args = ("faq", "--shop", "demo-fashion", "--product", "T恤", "-n", "4")
    for suffix in ("xlsx", "md", "json"):
        assert cli(*args, "--out", str(tmp_path / f"faq.{suffix}")).code == 0
    data = json.loads((tmp_path / "faq.json").read_text(encoding="utf-8"))
    questions = [i["question"] for i in data["items"]]
    assert len(questions) == 4 and data["product"] == "纯棉基础T恤"
    sheet = load_workbook(tmp_path / "faq.xlsx")["问答"]
    assert [c.value for c in sheet[1]] == ["序号", "顾客问题", "标准回复", "依据"]
    assert [sheet.cell(row=r, column=2).value for r in range(2, 6)] == questions
    md = (tmp_path / "faq.md").read_text(encoding="utf-8")
    assert md.startswith("# 纯棉基础T恤常见问题与标准回复") and "| 序号 | 顾客问题 | 标准回复 | 依据 |" in md
    assert all(q in md for q in questions)


# -- the LLM engine, against the loopback OpenAI-protocol server ------------------------------------------------------
SAFE_ANSWER = "您好，这个问题我帮您核实清楚后再详细答复您，请稍等。"


def test_llm_engine_writes_one_item_per_call_in_parallel(cli, openai_server):
    from tests.fixtures.openai_server import Reply

    def answer(request) -> Reply:
        example = re.search(r"【参考问法】<<<(.+?)>>>", request.last_user).group(1)
        return Reply(json.dumps({"question": f"请问{example}", "answer": SAFE_ANSWER}, ensure_ascii=False), delay=0.2)

    openai_server.responder = answer
    result = cli("faq", "--shop", "demo-beauty", "--product", "保湿面霜", "-n", "4", "--concurrency", "4", "--json",
                 *LLM, env=llm_env(openai_server))
    assert result.code == 0, result.output
    out = json.loads(result.stdout)
    assert out["engine"] == "llm:custom/test-model" and out["clean"] is True
    assert openai_server.calls == 4 and len(out["items"]) == 4
    assert out["usage"]["calls"] == 4 and out["usage"]["prompt_tokens"] > 0, "token usage is summed over the items"
    assert "用量：调用 4 次" in result.stderr
    assert all(i["question"].startswith("请问") and i["answer"] == SAFE_ANSWER and i["citations"] for i in out["items"])
    starts = sorted(r.time for r in openai_server.requests)
    assert starts[-1] - starts[0] < 0.2, "the four calls run side by side"
    for request in openai_server.requests:
        prompt = request.prompt
        assert "只使用" in prompt and "JSON" in prompt
        assert "支持15天无理由退货" in prompt and "全场包邮" in prompt  # the shop's facts
        assert "【商品资料】水润保湿面霜，标价129元" in prompt and "神经酰胺" in prompt  # the product's file
        assert "出处：corpus/shops/demo-beauty/" in prompt  # retrieved passages


def test_llm_questions_that_repeat_are_replaced(cli, openai_server):
    from tests.fixtures.openai_server import Reply

    openai_server.default = Reply(json.dumps({"question": "这款面霜怎么样？", "answer": SAFE_ANSWER}, ensure_ascii=False))
    result = cli("faq", "--shop", "demo-beauty", "--product", "保湿面霜", "-n", "3", "--json", *LLM,
                 env=llm_env(openai_server))
    assert result.code == 0, result.output
    out = json.loads(result.stdout)
    questions = [i["question"] for i in out["items"]]
    assert questions[0] == "这款面霜怎么样？" and len(questions) == 3
    for a, b in combinations(questions, 2):
        assert not near_duplicate(a, b), (a, b)
    assert "模型写的问题和前面的重复" in result.stderr
    assert out["engine"] == "llm:custom/test-model + offline"
