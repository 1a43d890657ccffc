"""A teacher uploads a shop folder as a .zip: it is checked, unpacked under the tool's home and ingested like
`aigc-cs ingest`, and can then be set as an assignment; an archive with a problem is refused with one Chinese line
per problem and changes nothing (no path may leave the target folder)."""

import io
import stat
import zipfile
from pathlib import Path

import pytest

from aigc_cs.web.app import create_app
from aigc_cs.web.uploads import FOLDER, MAX_ZIP_MB
from tests.web.conftest import Visitor, new_class, publish, sign_in_teacher, web_settings

POLICY = """---
shop:
  id: {id}
  name: 山间茶舍
  category: 茶叶
no_reason_return_days: 15
return_condition: 包装未拆封、不影响二次销售
return_shipping_quality_issue: shop
return_shipping_buyer_reason: buyer
freight_insurance: false
ship_within_hours: 24
free_shipping_threshold_yuan: 0
bargain_limit_yuan: 0
refund_working_days: 3
invoice: with_order
quality_claim_days: 7
aftersale_reply_minutes: 10
delay_compensation: null
---

# 山间茶舍店铺政策

## 退换货
茶叶包装未拆封的，收货后15天内可以无理由退货，个人原因退货的运费由买家承担。

## 发货
付款后24小时内发货，全场包邮。
"""
PRODUCT = """# 高山云雾绿茶

价格：88元

## 规格
每罐100克，保质期18个月。

## 冲泡
用80度左右的水冲泡，第一泡30秒出汤。
"""


def shop_zip(files: dict[str, str | bytes], links: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
        for name in links:
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
    return buffer.getvalue()


GOOD = {"my-tea/policy.md": POLICY.format(id="my-tea"), "my-tea/products/green-tea.md": PRODUCT,
        "my-tea/products/photo.jpg": b"\xff\xd8\xff", "__MACOSX/my-tea/._policy.md": b"junk"}


@pytest.fixture
def teacher_app(own_home: Path, tmp_path: Path):
    app = create_app(web_settings(own_home, tmp_path))
    return app, sign_in_teacher(app, "王老师")


def upload(teacher: Visitor, data: bytes, filename: str = "shop.zip"):
    teacher.get("/teacher/shops")
    response = teacher.client.post("/teacher/shops", data={"csrf_token": teacher.token()},
                                   files={"archive": (filename, data, "application/zip")})
    teacher.page = response.text
    return response


def test_an_uploaded_shop_is_ingested_and_can_be_assigned(teacher_app, own_home):
    app, teacher = teacher_app
    response = upload(teacher, shop_zip(GOOD))
    assert response.status_code == 200, teacher.page
    assert "已导入店铺 <strong>山间茶舍</strong>（<code>my-tea</code>）：2 个文件" in teacher.page
    assert "跳过的文件：my-tea/products/photo.jpg" in teacher.page
    assert "<td><code>my-tea</code></td><td>山间茶舍</td>" in teacher.page
    assert (own_home / FOLDER / "my-tea" / "products" / "green-tea.md").read_text(encoding="utf-8") == PRODUCT
    assert app.state.grader.ctx.index.shop("my-tea").facts.no_reason_return_days == 15

    classroom_id, _ = new_class(teacher)
    publish(teacher, classroom_id, n=1, shop="my-tea")
    assert "山间茶舍" in teacher.page

    again = upload(teacher, shop_zip({**GOOD, "my-tea/policy.md": POLICY.format(id="my-tea").replace(
        "no_reason_return_days: 15", "no_reason_return_days: 10").replace("15天内", "10天内")}))
    assert again.status_code == 200 and app.state.grader.ctx.index.shop("my-tea").facts.no_reason_return_days == 10


@pytest.mark.parametrize(("filename", "files", "line"), [
    ("shop.rar", GOOD, "“shop.rar”不是 .zip 文件"),
    ("shop.zip", None, "上传的文件不是有效的 zip 压缩包"),
    ("shop.zip", {"my-tea/products/green-tea.md": PRODUCT}, "压缩包里没有 policy.md"),
    ("shop.zip", {**GOOD, "other/policy.md": POLICY.format(id="other")}, "一次只能上传一个店铺"),
    ("shop.zip", {**GOOD, "../escape.md": "x"}, "../escape.md：压缩包里的路径不能是绝对路径或含有“..”"),
    ("shop.zip", {**GOOD, "/abs/escape.md": "x"}, "/abs/escape.md：压缩包里的路径不能是绝对路径"),
    ("shop.zip", {"my-tea/policy.md": POLICY.format(id="my-tea").replace("ship_within_hours: 24\n", "")},
     "policy.md：缺少字段 ship_within_hours"),
    ("shop.zip", {"my-tea/policy.md": POLICY.format(id="demo-fashion")}, "店铺 ID“demo-fashion”已被另一个店铺使用"),
])
def test_a_bad_archive_gets_one_line_and_changes_nothing(teacher_app, own_home, filename, files, line):
    app, teacher = teacher_app
    before = sorted(app.state.grader.shops())
    response = upload(teacher, b"Rar!\x1a\x07\x00 not a zip" if files is None else shop_zip(files), filename)
    assert response.status_code == 400 and line in teacher.page, teacher.page
    assert "没有导入，请改正后重新上传" in teacher.page and str(own_home) not in teacher.page
    assert sorted(app.state.grader.shops()) == before
    assert not (own_home / FOLDER / "my-tea").exists() and not (own_home.parent / "escape.md").exists()


def test_links_and_oversized_archives_are_refused(teacher_app, own_home):
    _, teacher = teacher_app
    response = upload(teacher, shop_zip(GOOD, links=("my-tea/products/link.md",)))
    assert response.status_code == 400 and "link.md：压缩包里不能有符号链接" in teacher.page
    for extra, status in ((1, 400), (2**20, 413)):  # read and measured; refused before it is read
        response = upload(teacher, b"PK" + b"\0" * (MAX_ZIP_MB * 2**20 + extra))
        assert response.status_code == status and f"压缩包太大，上限 {MAX_ZIP_MB} MB" in teacher.page
    assert not (own_home / FOLDER / "my-tea").exists()
