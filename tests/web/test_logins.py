"""The limit on failed sign-ins: after 5 wrong passwords an account is refused for a while (the right password too),
other accounts are not; one address that fails 60 times is refused for every account; the refusal ends when the
failures are 15 minutes old, and signing in clears an account's count. Counted in the database."""

from datetime import timedelta

from sqlalchemy import update

from aigc_cs.web.logins import ACCOUNT_LIMIT, ADDRESS_LIMIT, WINDOW, failed, student_account
from aigc_cs.web.models import LoginFailure
from tests.web.conftest import STUDENT_PASSWORD, TEACHER_PASSWORD, Visitor, join, new_class

REFUSED = "登录失败次数太多，这个账号或这台设备暂时不能登录"


def sign_in(app, code: str, number: str, password: str) -> Visitor:
    visitor = Visitor(app)
    visitor.submit("/login", "/login", code=code, number=number, password=password)
    return visitor


def age_failures(app, by: timedelta) -> None:
    with app.state.sessions() as db:
        db.execute(update(LoginFailure).values(created_at=LoginFailure.created_at - by))
        db.commit()


def test_an_account_is_locked_after_five_wrong_passwords(app, teacher):
    _, code = new_class(teacher)
    join(app, code, "1001", "甲同学")
    join(app, code, "1002", "乙同学")
    for _ in range(ACCOUNT_LIMIT):
        assert "班级码、学号或密码不对" in sign_in(app, code, "1001", "wrong-password").page
    locked = sign_in(app, code, "1001", STUDENT_PASSWORD)
    assert REFUSED in locked.page and "请 15 分钟后再试" in locked.page
    assert locked.get("/student", follow=False).status_code == 303  # not signed in
    assert "我的作业" in sign_in(app, code, "1002", STUDENT_PASSWORD).page  # another account is not locked

    age_failures(app, WINDOW)
    assert "我的作业" in sign_in(app, code, "1001", STUDENT_PASSWORD).page
    with app.state.sessions() as db:
        assert db.query(LoginFailure).filter_by(account=f"student:{code}:1001").count() == 0


def test_the_response_says_too_many_with_429(app, teacher):
    _, code = new_class(teacher)
    for _ in range(ACCOUNT_LIMIT):
        sign_in(app, code, "1001", "wrong-password")
    visitor = Visitor(app)
    response = visitor.submit("/login", "/login", code=code, number="1001", password="wrong-password")
    assert response.status_code == 429 and REFUSED in visitor.page and code in visitor.page


def test_one_address_failing_for_many_accounts_is_refused(app, teacher):
    _, code = new_class(teacher)
    join(app, code, "1001", "甲同学")
    with app.state.sessions() as db:  # guessing 学号 from one address: each account fails once
        for n in range(ADDRESS_LIMIT - 1):
            failed(db, student_account(code, f"9{n:03d}"), "testclient")
    assert "我的作业" in sign_in(app, code, "1001", STUDENT_PASSWORD).page  # still under the limit
    assert "班级码、学号或密码不对" in sign_in(app, code, "9999", "wrong-password").page
    assert REFUSED in sign_in(app, code, "1001", STUDENT_PASSWORD).page


def test_teacher_accounts_are_limited_too(app, teacher):
    for _ in range(ACCOUNT_LIMIT):
        visitor = Visitor(app)
        visitor.submit("/login/teacher", "/login/teacher", name="王老师", password="not-the-password")
        assert "教师名或密码不对" in visitor.page
    visitor = Visitor(app)
    response = visitor.submit("/login/teacher", "/login/teacher", name="王老师", password=TEACHER_PASSWORD)
    assert response.status_code == 429 and REFUSED in visitor.page
