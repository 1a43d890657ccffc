"""A student's own pages beyond the assignment: free practice (pick a shop and a task, answer an exercise of the
set, get the same feedback) and the history with its progress charts (inline SVG, one for the total and one per
criterion, with the teacher's final score)."""

import re

from tests.web.conftest import Visitor, answer, join, new_class, publish, question_ids

POLICY_ERROR = "您好，欢迎光临！这条牛仔裤支持30天无理由退货，您放心买～"
BETTER = "您好，欢迎光临衣见倾心女装！本店支持7天无理由退换，吊牌完好、未穿着未洗涤就可以，运费险也会帮您理赔运费。"


def practice(student: Visitor, shop: str, kind: str, text: str):
    student.get(f"/student/practice?shop={shop}&kind={kind}")
    first = re.search(rf'href="(/student/practice/{shop}/{kind}/\d+)"', student.page)
    assert first, student.page
    return student.submit(first.group(1), first.group(1), text=text)


def charts(page: str) -> dict[str, int]:
    """Each chart's name and how many points it draws."""
    return {name: len(points.split()) for points, name in
            re.findall(r'<polyline class="line" points="([^"]*)"/>.*?<figcaption><strong>([^<]+)</strong>', page, re.S)}


def test_free_practice_gives_the_same_feedback_and_stays_private(app, teacher):
    _, code = new_class(teacher)
    student, other = join(app, code, "1001", "甲同学"), join(app, code, "1002", "乙同学")
    student.get("/student/practice")
    assert "demo-fashion" in student.page and "致歉消息" in student.page and "对话诊断与改写" in student.page
    response = practice(student, "demo-fashion", "reply", POLICY_ERROR)
    assert response.url.path.startswith("/student/practice/attempts/")
    assert re.search(r'<mark class="fault" title="问题 \d+">30天无理由<sup>\d+</sup></mark>', student.page)
    assert "逐项得分" in student.page and "改进版本" in student.page and "再练一次" in student.page
    student.get("/student/practice")
    assert "最近的练习" in student.page and "demo-fashion · 客服回复" in student.page

    assert other.get(response.url.path).status_code == 404
    other.get("/student/history")
    assert "自由练习记录" not in other.page

    response = practice(student, "demo-beauty", "apology", "非常抱歉给您添麻烦了，我们马上为您处理。")
    assert response.status_code == 200 and "得分" in student.page


def test_practice_choices_that_do_not_exist_get_one_line(app, teacher):
    _, code = new_class(teacher)
    student = join(app, code, "1001", "甲同学")
    response = student.get("/student/practice?shop=demo-fashion&kind=faq")
    assert response.status_code == 400 and "自由练习的任务只能是 reply / apology / rewrite" in student.page
    response = student.get("/student/practice?shop=no-such-shop&kind=reply")
    assert response.status_code == 400 and "未找到店铺“no-such-shop”" in student.page
    assert student.get("/student/practice/demo-fashion/reply/99").status_code == 404
    assert student.get("/student/practice/no-such-shop/reply/1").status_code == 404


def test_history_charts_every_graded_attempt_with_the_final_score(app, teacher):
    classroom_id, code = new_class(teacher)
    publish(teacher, classroom_id, n=1)
    student = join(app, code, "1001", "甲同学")
    student.get("/student/history")
    assert "<svg" not in student.page and "还没有提交过答案" in student.page

    practice(student, "demo-fashion", "reply", POLICY_ERROR)
    answer(student, question_ids(student)[0], BETTER)
    teacher.get(f"/teacher/classes/{classroom_id}")
    teacher.get(re.search(r'href="(/teacher/assignments/\d+)"', teacher.page).group(1))
    latest = re.search(r'href="(/teacher/submissions/\d+)"', teacher.page).group(1)
    teacher.submit(latest, f"{latest}/override", score="95", reason="回答完整")

    student.get("/student/history")
    drawn = charts(student.page)
    assert drawn["总分"] == 2 and len(drawn) >= 4, drawn
    assert all(n >= 1 for n in drawn.values())
    assert re.search(r"<strong>总分</strong>　最近一次 95%（比第一次提高 \d+(\.\d)? 个百分点）", student.page)
    assert student.page.count("<circle") == sum(drawn.values())
    assert "自由练习记录" in student.page and "95（老师复核）" in student.page
