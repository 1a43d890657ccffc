"""Who may see and do what: every teacher route refuses a student (and sends a visitor to the login page), a student
sees only their own work, every form needs the session's CSRF token, student text is always shown as text, and
passwords, cookies and the submission rate are handled as a school server needs."""

import re

import pytest
from fastapi.routing import APIRoute

from aigc_cs.web.app import create_app
from aigc_cs.web.models import Student, Submission
from aigc_cs.web.settings import WebSettings
from tests.web.conftest import (
    STUDENT_PASSWORD,
    Visitor,
    answer,
    join,
    new_class,
    publish,
    question_ids,
    sign_in_teacher,
    web_settings,
)

SCRIPT = "<script>alert('x')</script>"


@pytest.fixture
def classroom(app, teacher):
    """A class with one assignment, two students, and one submission by the first: everything a route can name."""
    classroom_id, code = new_class(teacher)
    assignment_id = publish(teacher, classroom_id, n=1)
    first, second = join(app, code, "1001", "甲同学"), join(app, code, "1002", "乙同学")
    question = question_ids(first)[0]
    answer(first, question, "您好，欢迎光临！请问有什么可以帮您？")
    submission = int(first.client.get("/student/history").text.split('href="/student/submissions/')[1].split('"')[0])
    first.submit("/student/roleplay", "/student/roleplay", shop="demo-fashion", persona="hesitant-dress")
    roleplay = int(first.page.split('action="/student/roleplay/')[1].split('"')[0])
    with app.state.sessions() as db:
        student = db.query(Student).filter_by(number="1001").one().id
    ids = {"classroom_id": classroom_id, "assignment_id": assignment_id, "question_id": question,
           "submission_id": submission, "student_id": student, "shop": "demo-fashion", "kind": "reply", "no": 1,
           "attempt_id": 1, "roleplay_id": roleplay, "fmt": "md"}
    return {"ids": ids, "first": first, "second": second, "code": code}


def api_routes(routes) -> list[APIRoute]:
    """Every route of the app; newer FastAPI lists an included router as one entry that holds the router."""
    found = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            found += api_routes(route.original_router.routes)
    return found


def routes(app, prefix: str) -> list[tuple[str, str]]:
    found = [(method, route.path) for route in api_routes(app.routes) if route.path.startswith(prefix)
             for method in sorted(route.methods)]
    assert found
    return found


def test_every_teacher_route_refuses_students_and_sends_visitors_to_login(app, classroom):
    student, ids = classroom["first"], classroom["ids"]
    student.get("/student")
    token = student.token()
    visitor = Visitor(app)
    teacher_routes = routes(app, "/teacher")
    assert len(teacher_routes) >= 15
    for method, path in teacher_routes:
        url = path.format(**ids)
        as_student = student.client.request(method, url, data={"csrf_token": token} if method == "POST" else None)
        assert as_student.status_code == 403, (method, path)
        assert "这是教师页面" in as_student.text
        anonymous = visitor.client.request(method, url)
        assert anonymous.status_code == 303 and anonymous.headers["location"] == "/login/teacher", (method, path)


def test_every_student_route_refuses_teachers(app, teacher, classroom):
    teacher.get("/teacher")
    token = teacher.token()
    for method, path in routes(app, "/student"):
        response = teacher.client.request(method, path.format(**classroom["ids"]),
                                          data={"csrf_token": token} if method == "POST" else None)
        assert response.status_code == 403, (method, path)


def test_a_student_sees_only_their_own_work(app, classroom):
    second, submission = classroom["second"], classroom["ids"]["submission_id"]
    response = second.get(f"/student/submissions/{submission}")
    assert response.status_code == 404 and "欢迎光临" not in response.text
    second.get("/student/history")
    assert "还没有提交过答案" in second.page
    roleplay = f"/student/roleplay/{classroom['ids']['roleplay_id']}"
    assert classroom["first"].get(roleplay).status_code == 200
    for path in (roleplay, f"{roleplay}/transcript.md"):
        assert second.get(path).status_code == 404, path
    second.get("/student/roleplay")
    assert "我的角色扮演" not in second.page


def test_a_teacher_sees_only_their_own_classes(app, classroom):
    other = sign_in_teacher(app, "另一位老师")
    ids = classroom["ids"]
    for path in (f"/teacher/classes/{ids['classroom_id']}", f"/teacher/assignments/{ids['assignment_id']}",
                 f"/teacher/submissions/{ids['submission_id']}", f"/teacher/classes/{ids['classroom_id']}/export.xlsx"):
        assert other.get(path).status_code == 404, path
    other.get("/teacher")
    assert "还没有班级" in other.page


def test_a_student_of_another_class_cannot_open_its_questions(app, teacher, classroom):
    _, code = new_class(teacher, "另一个班")
    outsider = join(app, code, "1001", "丙同学")
    assert outsider.get(f"/student/questions/{classroom['ids']['question_id']}").status_code == 404


def test_posts_without_the_csrf_token_are_refused(app, classroom):
    first, question = classroom["first"], classroom["ids"]["question_id"]
    refused = first.post(f"/student/questions/{question}", text="没有令牌的提交")
    assert refused.status_code == 403 and "表单已过期" in refused.text
    assert first.post(f"/student/questions/{question}", text="错的令牌", csrf_token="forged").status_code == 403
    visitor = Visitor(app)
    assert visitor.post("/login", code=classroom["code"], number="1001", password=STUDENT_PASSWORD).status_code == 403
    with app.state.sessions() as db:
        assert db.query(Submission).count() == 1


def test_student_text_is_shown_as_text(app, teacher, classroom):
    ids = classroom["ids"]
    answer(classroom["first"], ids["question_id"], f"您好{SCRIPT}，欢迎光临！")
    page = classroom["first"].page
    assert SCRIPT not in page and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    name = "<b onmouseover=alert(1)>丁</b>"
    join(app, classroom["code"], "1003", name)
    teacher.get(f"/teacher/classes/{ids['classroom_id']}")
    assert name not in teacher.page and "&lt;b onmouseover=alert(1)&gt;丁&lt;/b&gt;" in teacher.page
    teacher.get(f"/teacher/assignments/{ids['assignment_id']}")
    latest = re.findall(r'href="/teacher/submissions/(\d+)"', teacher.page)[0]
    teacher.get(f"/teacher/submissions/{latest}")
    assert SCRIPT not in teacher.page and "&lt;script&gt;" in teacher.page


def test_passwords_are_argon2_hashes_and_a_reset_ends_the_session(app, teacher, classroom):
    first, ids = classroom["first"], classroom["ids"]
    with app.state.sessions() as db:
        stored = db.get(Student, ids["student_id"]).password_hash
    assert stored.startswith("$argon2id$") and STUDENT_PASSWORD not in stored
    page = f"/teacher/classes/{ids['classroom_id']}"
    teacher.submit(page, f"/teacher/students/{ids['student_id']}/reset-password")
    assert "待学生重新设置" in teacher.page
    assert first.get("/student", follow=False).headers["location"] == "/login"
    relogin = Visitor(app)
    relogin.submit("/login", "/login", code=classroom["code"], number="1001", password=STUDENT_PASSWORD)
    assert "还没有设置密码" in relogin.page
    rejoin = join(app, classroom["code"], "1001", "甲同学")
    assert rejoin.get("/student/history").text.count('href="/student/submissions/') == 1


def test_wrong_passwords_and_codes_get_one_line(app, classroom):
    visitor = Visitor(app)
    response = visitor.submit("/login", "/login", code=classroom["code"], number="1001", password="wrong-password")
    assert response.status_code == 400 and "班级码、学号或密码不对" in visitor.page
    response = visitor.submit("/join", "/join", code="NOSUCH", number="1", name="某", password="abcdef", confirm="abcdef")
    assert response.status_code == 400 and "没有这个班级码" in visitor.page
    visitor.submit("/join", "/join", code=classroom["code"], number="1001", name="甲同学", password="abcdef",
                   confirm="abcdef")
    assert "已经加入班级了" in visitor.page


def test_session_cookie_is_signed_httponly_and_samesite(app, classroom):
    visitor = Visitor(app)
    response = visitor.get("/login")
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert "default-src 'self'" in response.headers["content-security-policy"]
    visitor.client.cookies.set("aigc_cs_session", "eyJyb2xlIjogInRlYWNoZXIiLCAidWlkIjogMX0=.forged.sig")
    assert visitor.get("/teacher", follow=False).headers["location"] == "/login/teacher"


def test_submissions_are_rate_limited_and_the_text_is_kept(demo_home, tmp_path):
    app = create_app(web_settings(demo_home, tmp_path, submit_per_minute=2))
    teacher = sign_in_teacher(app, "王老师")
    classroom_id, code = new_class(teacher)
    publish(teacher, classroom_id, n=1)
    student = join(app, code, "1001", "甲同学")
    question = question_ids(student)[0]
    for text in ("第一次：您好，在的。", "第二次：您好，欢迎光临。"):
        assert answer(student, question, text).status_code == 200
    third = answer(student, question, "第三次：这段文字不能丢")
    assert third.status_code == 429 and "提交得太快了" in student.page and "第三次：这段文字不能丢" in student.page
    with app.state.sessions() as db:
        assert db.query(Submission).count() == 2


def test_the_session_key_is_made_once_with_owner_only_permissions(tmp_path):
    settings = WebSettings(home=tmp_path / "home", database_url=f"sqlite:///{tmp_path / 'web.db'}")
    create_app(settings)
    key = settings.secret_file
    assert key.stat().st_mode & 0o777 == 0o600 and len(key.read_text()) >= 32
    first = key.read_text()
    create_app(settings)
    assert key.read_text() == first


def test_api_keys_never_reach_a_page_or_the_log(app, teacher, classroom, monkeypatch, caplog):
    sentinel = "sk-sentinel-never-shown-0123456789"
    for name in ("OPENAI_API_KEY", "DEEPSEEK_API_KEY", "AIGC_CS_API_KEY"):
        monkeypatch.setenv(name, sentinel)
    ids, first = classroom["ids"], classroom["first"]
    answer(first, ids["question_id"], f"您好，我的密钥是 {sentinel[:6]}，欢迎光临！")
    pages = [first.get(path).text for path in ("/student", "/student/history", f"/student/questions/{ids['question_id']}",
                                               f"/student/submissions/{ids['submission_id']}")]
    pages += [teacher.get(path).text for path in ("/teacher", f"/teacher/classes/{ids['classroom_id']}",
                                                  f"/teacher/assignments/{ids['assignment_id']}",
                                                  f"/teacher/submissions/{ids['submission_id']}")]
    assert not any(sentinel in page for page in pages)
    assert sentinel not in caplog.text


def test_the_export_keeps_formula_like_text_as_text(app, teacher, classroom):
    import io

    from openpyxl import load_workbook

    join(app, classroom["code"], "1009", '=HYPERLINK("http://example.invalid","点我")')
    response = teacher.client.get(f"/teacher/classes/{classroom['ids']['classroom_id']}/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert '=HYPERLINK("http://example.invalid","点我")' in names  # kept as the student typed it, as text
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
