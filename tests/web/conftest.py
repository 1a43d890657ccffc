"""The web app on the shared demo index, with its own database and a browser-like client per person: each `Visitor`
keeps its own session cookie, reads the CSRF token from the page it is on, and submits that page's form."""

import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from aigc_cs.web.accounts import set_teacher_password
from aigc_cs.web.app import create_app
from aigc_cs.web.settings import WebSettings

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
TEACHER_PASSWORD = "teacher-pass-1"
STUDENT_PASSWORD = "student-pw"


class Visitor:
    def __init__(self, app: FastAPI) -> None:
        self.client = TestClient(app, follow_redirects=False)
        self.page = ""

    def get(self, path: str, follow: bool = True):
        response = self.client.get(path, follow_redirects=follow)
        self.page = response.text
        return response

    def token(self) -> str:
        found = TOKEN.search(self.page)
        assert found, "the page has no form with a CSRF token"
        return found.group(1)

    def submit(self, page: str, action: str, **fields: str | int):
        """Open `page`, then post its form to `action` with the page's CSRF token, following the redirect."""
        self.get(page)
        response = self.client.post(action, data={"csrf_token": self.token(), **fields}, follow_redirects=True)
        self.page = response.text
        return response

    def post(self, action: str, **fields: str | int):
        """A POST without opening a page first (fields as given, with or without a token)."""
        return self.client.post(action, data=fields, follow_redirects=False)


def web_settings(home: Path, db_folder: Path, **values) -> WebSettings:
    return WebSettings(home=home, database_url=f"sqlite:///{db_folder / 'web.db'}", secret_key="k" * 48, **values)


@pytest.fixture
def app(demo_home: Path, tmp_path: Path) -> FastAPI:
    return create_app(web_settings(demo_home, tmp_path))


@pytest.fixture
def teacher(app: FastAPI) -> Visitor:
    """A signed-in teacher."""
    return sign_in_teacher(app, "王老师")


def sign_in_teacher(app: FastAPI, name: str) -> Visitor:
    with app.state.sessions() as db:
        set_teacher_password(db, name, TEACHER_PASSWORD)
    visitor = Visitor(app)
    response = visitor.submit("/login/teacher", "/login/teacher", name=name, password=TEACHER_PASSWORD)
    assert response.url.path == "/teacher", visitor.page
    return visitor


def new_class(teacher: Visitor, name: str = "电商2401班") -> tuple[int, str]:
    """Create a class; its id and its code as the class page shows them."""
    response = teacher.submit("/teacher", "/teacher/classes", name=name)
    classroom_id = int(response.url.path.rsplit("/", 1)[1])
    code = re.search(r'<code class="code">([A-Z0-9]+)</code>', teacher.page).group(1)
    return classroom_id, code


def publish(teacher: Visitor, classroom_id: int, n: int = 3, kind: str = "reply", shop: str = "demo-fashion") -> int:
    page = f"/teacher/classes/{classroom_id}"
    response = teacher.submit(page, f"{page}/assignments", title="", shop=shop, kind=kind, n=n)
    assert response.url.path.startswith("/teacher/assignments/"), teacher.page
    return int(response.url.path.rsplit("/", 1)[1])


def join(app: FastAPI, code: str, number: str, name: str) -> Visitor:
    student = Visitor(app)
    response = student.submit("/join", "/join", code=code.lower(), number=number, name=name, password=STUDENT_PASSWORD,
                              confirm=STUDENT_PASSWORD)
    assert response.url.path == "/student", student.page
    return student


def question_ids(student: Visitor) -> list[int]:
    student.get("/student")
    return [int(q) for q in re.findall(r'href="/student/questions/(\d+)"', student.page)]


def answer(student: Visitor, question_id: int, text: str):
    return student.submit(f"/student/questions/{question_id}", f"/student/questions/{question_id}", text=text)
