"""Issue 12: an uploaded shop reaches every worker without a restart. Two app instances on one home and one database
stand for two worker processes (or a worker and the server after a restart): a shop uploaded through one is at once
in the other, on the teacher's pages, for publishing and for grading; uploaded again with other facts, the other
instance grades against the new facts and writes its improved version with them (not with what it wrote before)."""

import re

from aigc_cs.web.app import create_app
from tests.web.conftest import answer, join, new_class, publish, question_ids, sign_in_teacher, web_settings
from tests.web.test_upload import GOOD, POLICY, shop_zip, upload

FIFTEEN_DAYS = "您好，欢迎光临山间茶舍！茶叶包装未拆封的，收货后15天内可以无理由退货。"
FAULT = re.compile(r'<mark class="fault"[^>]*>[^<]*15天')
IMPROVED = re.compile(r'<div class="answer improved">(.*?)</div>', re.S)


def test_a_shop_uploaded_through_one_worker_is_used_by_the_other_at_once(own_home, tmp_path):
    first, second = (create_app(web_settings(own_home, tmp_path)) for _ in range(2))
    uploader, other = sign_in_teacher(first, "李老师"), sign_in_teacher(second, "王老师")
    classroom_id, code = new_class(other)
    publish(other, classroom_id, n=1)
    student = join(second, code, "1001", "甲同学")
    answer(student, question_ids(student)[0], "您好，欢迎光临！")  # the second worker has built its retriever
    other.get("/teacher/shops")
    assert "my-tea" not in other.page

    assert upload(uploader, shop_zip(GOOD)).status_code == 200, uploader.page
    other.get("/teacher/shops")
    assert "<td><code>my-tea</code></td><td>山间茶舍</td>" in other.page
    publish(other, classroom_id, n=1, shop="my-tea")
    question = question_ids(student)[0]
    answer(student, question, FIFTEEN_DAYS)
    assert "山间茶舍" in student.page and not FAULT.search(student.page)  # right by the policy as uploaded

    ten_days = POLICY.format(id="my-tea").replace("no_reason_return_days: 15", "no_reason_return_days: 10").replace(
        "15天内", "10天内")
    assert upload(uploader, shop_zip({**GOOD, "my-tea/policy.md": ten_days})).status_code == 200, uploader.page
    answer(student, question, FIFTEEN_DAYS)
    assert FAULT.search(student.page), student.page
    improved = IMPROVED.search(student.page).group(1)
    assert "10天" in improved and "15天" not in improved, improved
