"""Role-play with a shop a teacher uploaded: without a personas.yaml in the zip the shop gets four default customers
made from its products (every worker offers them at once), a strong student closes the deal with each and a careless
one loses them; with a personas.yaml the teacher's own customers are used, checked like the bundled ones, and a wrong
file is one Chinese line naming it and the field, with nothing imported. A practice keeps its customer when the shop
is uploaded again without it."""

import re
from pathlib import Path

import pytest

from aigc_cs.config import Settings
from aigc_cs.practice.personas import home_file
from aigc_cs.practice.session import Session
from aigc_cs.tasks.context import Context
from aigc_cs.tasks.doubts import raised
from aigc_cs.web.app import create_app
from aigc_cs.web.models import RolePlay
from tests.test_practice import COLD, play, states_a_fact, strong_reply
from tests.web.conftest import Visitor, join, new_class, sign_in_teacher, web_settings
from tests.web.test_roleplay import bubbles, engine, send, start
from tests.web.test_upload import GOOD, POLICY, shop_zip, upload

OOLONG = """# 铁观音乌龙茶

价格：128元

## 原料
福建安溪的铁观音，半发酵，手工摇青。

## 冲泡
用95度以上的开水冲泡，可以泡七八次。
"""
GREETING = "您好，欢迎光临，请问您想了解哪款茶呢？"
LATER = "我们的绿茶是今年的春茶，高山茶园手工炒制，请问您平时喜欢喝浓一点还是淡一点的？"
TWO_PRODUCTS = {**GOOD, "my-tea/products/oolong.md": OOLONG}
OWN = """shop: my-tea
personas:
  - id: tea-fan
    type: picky
    name: 老茶客
    profile: 喝了二十年茶，对产地和工艺很讲究
    product: 高山云雾绿茶
    opening: ["你好 问问绿茶", "在吗"]
    doubts:
      - kind: quality
        lines: ["这个茶质量怎么样", "做工讲究吗", "是不是陈茶 质量靠谱吗"]
    buys_when: 产地和工艺说得具体
    leaves_when: 说不出所以然
"""


def offered(student: Visitor, shop: str = "my-tea") -> list[str]:
    """The customers the role-play page offers for the shop."""
    student.get(f"/student/roleplay?shop={shop}")
    return re.findall(r'<input type="radio" name="persona" value="[a-z0-9-]+"[^>]*>\s*<span><strong>([^<]+)</strong>',
                      student.page)


@pytest.fixture
def school(own_home: Path, tmp_path: Path):
    """The app on a private index, a teacher, and a class of theirs: (app, teacher, class code)."""
    app = create_app(web_settings(own_home, tmp_path))
    teacher = sign_in_teacher(app, "王老师")
    return app, teacher, new_class(teacher)[1]


def test_an_uploaded_shop_gets_customers_from_its_products_and_a_student_plays_one(school, own_home, tmp_path):
    _, teacher, code = school
    assert upload(teacher, shop_zip(TWO_PRODUCTS)).status_code == 200, teacher.page
    assert ("角色扮演的顾客（按店铺的商品和政策自动生成；想自己写顾客，在压缩包里放 personas.yaml）："
            "小林（犹豫型）、周姐（砍价型）、阿峰（急躁型）、郑先生（送礼型）") in teacher.page
    assert home_file(own_home, "my-tea").exists()

    other_worker = create_app(web_settings(own_home, tmp_path))  # offered at once by every worker
    student = join(other_worker, code, "1001", "甲同学")
    assert offered(student) == ["小林", "周姐", "阿峰", "郑先生"]
    assert "想买：高山云雾绿茶" in student.page and "想买：铁观音乌龙茶" in student.page
    ctx = Context(Settings(home=own_home, engine="offline"))
    chat = start(student, persona="first-time", shop="my-tea")
    opening = engine(other_worker, chat, ctx).opening
    assert bubbles(student.page) == [("customer", opening)]
    for _ in range(30):
        session = engine(other_worker, chat, ctx)
        if session.state.done:
            break
        send(student, chat, strong_reply(session))
    assert '结果：<strong class="outcome-deal">成交</strong>' in student.page, student.page


@pytest.mark.parametrize("persona", ["first-time", "thrifty", "in-a-hurry", "for-a-friend"])
def test_each_default_customer_asks_real_doubts_and_reacts_to_the_student(school, own_home, persona):
    _, teacher, _ = school
    upload(teacher, shop_zip(TWO_PRODUCTS))
    ctx = Context(Settings(home=own_home, engine="offline"))
    strong = play(Session.start("my-tea", ctx, persona=persona, seed=3), strong_reply)
    assert strong.state.outcome == "deal", [t.text for t in strong.state.turns]
    assert strong.product.name in strong.persona.profile
    for doubt in strong.persona.doubts:  # the course's doubt detector reads each line as the doubt it stands for
        assert all(doubt.kind in [k.id for k in raised(line)] for line in doubt.lines), doubt
    for line in (t.text for t in strong.state.turns if t.role == "customer"):
        assert states_a_fact(line, strong.shop.facts) is None, line
    assert play(Session.start("my-tea", ctx, persona=persona, seed=3), lambda s: COLD).state.outcome in ("lost", "review")


def test_a_personas_yaml_in_the_zip_brings_the_teachers_own_customers(school, own_home):
    app, teacher, code = school
    upload(teacher, shop_zip({**GOOD, "my-tea/personas.yaml": OWN}))
    assert "角色扮演的顾客（来自压缩包里的 personas.yaml）：老茶客（挑剔型）" in teacher.page
    assert "personas.yaml" not in teacher.page.split("跳过的文件")[-1].split("</p>")[0]  # not a skipped file
    student = join(app, code, "1001", "甲同学")
    assert offered(student) == ["老茶客"]
    start(student, persona="tea-fan", shop="my-tea")
    assert bubbles(student.page)[0][0] == "customer"

    upload(teacher, shop_zip(GOOD))  # uploaded again without it: the default customers
    assert offered(student) == ["小林", "周姐", "阿峰", "郑先生"]


WHERE = "my-tea/personas.yaml"
WRONG = {  # what is changed in OWN -> the line the teacher reads
    ("kind: quality", "kind: taste"): f"{WHERE}：顾客 tea-fan 的字段 doubts.0.kind 只能是 price、quality、packaging、logistics、aftersale",
    ("product: 高山云雾绿茶", "product: 乌龙茶"): f"{WHERE}：顾客 tea-fan 想买的“乌龙茶”不在店铺 my-tea 的商品里，可用：高山云雾绿茶",
    ("shop: my-tea", "shop: demo-fashion"): f"{WHERE}：字段 shop 是“demo-fashion”，应是这个店铺的 ID“my-tea”",
    ("type: picky", "type: grumpy"): f"{WHERE}：顾客 tea-fan 的类型“grumpy”不存在",
    ("    buys_when: 产地和工艺说得具体\n", ""): f"{WHERE}：顾客 tea-fan 的字段 buys_when 缺少这个字段",
    ('"你好 问问绿茶", "在吗"]', '"你好'): f"{WHERE} 第 11 行：YAML 格式有误",
}


@pytest.mark.parametrize(("change", "line"), WRONG.items())
def test_a_wrong_personas_yaml_is_one_line_naming_the_field_and_imports_nothing(school, own_home, change, line):
    app, teacher, _ = school
    response = upload(teacher, shop_zip({**GOOD, "my-tea/personas.yaml": OWN.replace(*change)}))
    assert response.status_code == 400 and line in teacher.page, teacher.page
    assert "my-tea" not in app.state.grader.shops() and not home_file(own_home, "my-tea").exists()


def test_a_shop_without_products_is_imported_but_offers_no_role_play(school, own_home):
    app, teacher, code = school
    upload(teacher, shop_zip({"my-tea/policy.md": POLICY.format(id="my-tea")}))
    assert "my-tea" in app.state.grader.shops() and "角色扮演用不了这个店铺" in teacher.page
    student = join(app, code, "1001", "甲同学")
    assert "小林" not in offered(student) and "店铺“my-tea”没有角色扮演用的顾客" in student.page
    assert '<option value="my-tea"' not in student.page and '<option value="demo-fashion"' in student.page


def test_practices_with_a_customer_the_shop_no_longer_has_go_on_and_reopen(school):
    """The teacher uploads the shop again without the customer a student is practising with (and another student
    finished with): the chat goes on with the same customer, both reopen with their summaries. A session stored before
    customers were kept with it goes on by its persona's id, and keeps the customer from its next reply on."""
    app, teacher, code = school
    upload(teacher, shop_zip({**GOOD, "my-tea/personas.yaml": OWN}))
    student = join(app, code, "1001", "甲同学")
    going, finished, older = (start(student, persona="tea-fan", shop="my-tea") for _ in range(3))
    student.submit(finished, f"{finished}/end")
    with app.state.sessions() as db:  # as a session from before the snapshot column
        db.get(RolePlay, int(older.rsplit("/", 1)[1])).persona_snapshot = None
        db.commit()
    assert send(student, older, GREETING).status_code == 200 and ("agent", GREETING) in bubbles(student.page)

    upload(teacher, shop_zip(GOOD))  # again, without personas.yaml: tea-fan is gone
    assert "老茶客" not in offered(student)
    for chat in (going, older):
        assert send(student, chat, LATER).status_code == 200, student.page
        said = bubbles(student.page)
        assert said[-2] == ("agent", LATER) and said[-1][0] == "customer" and "老茶客（挑剔型）" in student.page
        student.submit(chat, f"{chat}/end")
        assert "对话评分" in student.page and "改进后的话术" in student.page, student.page
    for chat in (going, finished, older):
        assert student.get(chat).status_code == 200 and "老茶客（挑剔型）" in student.page and "对话评分" in student.page
        assert student.client.get(f"{chat}/transcript.md").status_code == 200
        assert teacher.get(f"/teacher/roleplays/{chat.rsplit('/', 1)[1]}").status_code == 200
