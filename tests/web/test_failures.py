"""Nothing a student typed is lost: when grading fails for real (the assignment's shop is gone from the index), the
submission stays, marked 待教师处理 for the teacher, and the student reads one Chinese line; answers that cannot be
taken are refused with the text kept in the box."""

import pytest

from aigc_cs.inputs import MAX_TEXT_CHARS
from aigc_cs.web.app import create_app
from aigc_cs.web.models import Submission
from tests.web.conftest import answer, join, new_class, publish, question_ids, sign_in_teacher, web_settings

ANSWER = "您好，欢迎光临衣见倾心女装！牛仔裤可以机洗，建议翻面冷水洗、不要暴晒。还有其他问题随时问我哦，祝您生活愉快！"


@pytest.fixture
def shop_gone(own_home, tmp_path):
    """A class with an assignment on demo-fashion, whose shop was then removed from the index."""
    app = create_app(web_settings(own_home, tmp_path))
    teacher = sign_in_teacher(app, "王老师")
    classroom_id, code = new_class(teacher)
    assignment_id = publish(teacher, classroom_id, n=1)
    shop_file = own_home / "shops" / "demo-fashion.json"
    saved = shop_file.read_bytes()
    shop_file.unlink()
    return app, teacher, code, assignment_id, lambda: shop_file.write_bytes(saved)


def test_a_failed_grading_keeps_the_submission_for_the_teacher(shop_gone):
    app, teacher, code, assignment_id, restore = shop_gone
    student = join(app, code, "1001", "甲同学")
    response = answer(student, question_ids(student)[0], ANSWER)
    assert response.status_code == 200 and response.url.path.startswith("/student/submissions/")
    assert "自动评分没有完成，已交给老师处理（待教师处理）" in student.page and "你的答案没有丢失" in student.page
    assert ANSWER in student.page and "Traceback" not in student.page
    with app.state.sessions() as db:
        stored = db.query(Submission).one()
    assert (stored.answer, stored.status, stored.total) == (ANSWER, "failed", None)
    assert "未找到店铺“demo-fashion”" in stored.error

    teacher.get(f"/teacher/assignments/{assignment_id}")
    assert '<a href="/teacher/submissions/1" class="attention">待教师处理</a>' in teacher.page
    teacher.get("/teacher/submissions/1")
    assert "评分没有完成：未找到店铺“demo-fashion”" in teacher.page
    student.get("/student/history")
    assert "待教师处理" in student.page

    restore()
    teacher.submit("/teacher/submissions/1", "/teacher/submissions/1/regrade")
    assert "已评分" in teacher.page and "评分没有完成" not in teacher.page
    student.get("/student/submissions/1")
    assert "得分 <strong>" in student.page and "待教师处理" not in student.page


def test_the_teacher_can_score_a_failed_submission_by_hand(shop_gone):
    app, teacher, code, _, _ = shop_gone
    student = join(app, code, "1001", "甲同学")
    answer(student, question_ids(student)[0], ANSWER)
    teacher.submit("/teacher/submissions/1", "/teacher/submissions/1/override", score="80", reason="人工批改：回答完整")
    student.get("/student/submissions/1")
    assert "得分 <strong>80</strong> / 100" in student.page and "人工批改：回答完整" in student.page
    assert "自动评分没有完成" not in student.page


def test_answers_that_cannot_be_taken_keep_their_text(app, teacher):
    classroom_id, code = new_class(teacher)
    publish(teacher, classroom_id, n=1)
    student = join(app, code, "1001", "甲同学")
    question = question_ids(student)[0]
    assert answer(student, question, "   ").status_code == 400 and "答案是空的" in student.page
    long = "您好" * (MAX_TEXT_CHARS // 2 + 1)
    assert answer(student, question, long).status_code == 400
    assert f"上限 {MAX_TEXT_CHARS} 字" in student.page and long in student.page
    with app.state.sessions() as db:
        assert db.query(Submission).count() == 0


def test_bad_override_and_publish_forms_get_one_line(app, teacher):
    classroom_id, code = new_class(teacher)
    page = f"/teacher/classes/{classroom_id}"
    response = teacher.submit(page, f"{page}/assignments", title="", shop="no-such-shop", kind="reply", n=2)
    assert response.status_code == 400 and "未找到店铺“no-such-shop”" in teacher.page
    response = teacher.submit(page, f"{page}/assignments", title="", shop="demo-fashion", kind="poem", n=2)
    assert response.status_code == 400 and "题型“poem”不可用" in teacher.page
    publish(teacher, classroom_id, n=1)
    student = join(app, code, "1001", "甲同学")
    answer(student, question_ids(student)[0], ANSWER)
    for score, reason, line in (("120", "太高", "分数要在 0 到 100 之间"), ("abc", "不是数", "分数要在 0 到 100 之间"),
                                ("60", " ", "请写明改分原因")):
        response = teacher.submit("/teacher/submissions/1", "/teacher/submissions/1/override", score=score, reason=reason)
        assert response.status_code == 400 and line in teacher.page
    assert "改分记录" not in teacher.page
