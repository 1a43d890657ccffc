"""`aigc-cs serve`: --create-teacher sets a password the login page accepts (from the environment or a hidden
prompt), bad input is one line, and the real command serves the app under uvicorn."""

from pathlib import Path

import httpx
import pytest

from aigc_cs.web.app import create_app
from tests.conftest import assert_one_error_line
from tests.web.conftest import Visitor, web_settings
from tests.web.server import serving


@pytest.fixture
def db_env(tmp_path: Path) -> dict[str, str]:
    """The CLI on the shared demo index, with a database of the test's own (nothing is written to the index)."""
    return {"AIGC_CS_DATABASE_URL": f"sqlite:///{tmp_path / 'web.db'}", "AIGC_CS_SECRET_KEY": "s" * 48}


def can_sign_in(demo_home: Path, tmp_path: Path, name: str, password: str) -> bool:
    visitor = Visitor(create_app(web_settings(demo_home, tmp_path)))
    response = visitor.submit("/login/teacher", "/login/teacher", name=name, password=password)
    return response.url.path == "/teacher"


def test_create_teacher_from_the_environment(cli, db_env, demo_home, tmp_path):
    result = cli("serve", "--create-teacher", "李老师", env={**db_env, "AIGC_CS_TEACHER_PASSWORD": "long-enough-1"})
    assert result.code == 0 and "已创建教师“李老师”的密码" in result.stdout
    assert can_sign_in(demo_home, tmp_path, "李老师", "long-enough-1")
    result = cli("serve", "--create-teacher", "李老师", env={**db_env, "AIGC_CS_TEACHER_PASSWORD": "changed-pass-2"})
    assert result.code == 0 and "已更新教师“李老师”的密码" in result.stdout
    assert not can_sign_in(demo_home, tmp_path, "李老师", "long-enough-1")
    assert can_sign_in(demo_home, tmp_path, "李老师", "changed-pass-2")


def test_create_teacher_from_a_hidden_prompt(cli, db_env, demo_home, tmp_path):
    result = cli("serve", "--create-teacher", "周老师", env=db_env, input="typed-pass-3\ntyped-pass-3\n")
    assert result.code == 0, result.output
    assert "typed-pass-3" not in result.output
    assert can_sign_in(demo_home, tmp_path, "周老师", "typed-pass-3")


def test_bad_serve_input_is_one_line(cli, db_env):
    assert_one_error_line(cli("serve", "--create-teacher", "李老师", env={**db_env, "AIGC_CS_TEACHER_PASSWORD": "short"}),
                          "密码至少 8 位")
    assert_one_error_line(cli("serve", "--workers", "2", env=db_env), "多个工作进程不能共用内嵌的向量库")
    assert_one_error_line(cli("serve", env={**db_env, "AIGC_CS_SUBMIT_PER_MINUTE": "0"}),
                          "环境变量 AIGC_CS_SUBMIT_PER_MINUTE 的值“0”不可用")
    assert_one_error_line(cli("serve", env={**db_env, "AIGC_CS_DATABASE_URL": "nosuchdb://x"}),
                          "AIGC_CS_DATABASE_URL 不可用")


def test_serve_runs_the_app_with_the_demo_class(own_home, tmp_path):
    """The real command: `aigc-cs serve --demo` answers on loopback, and the demo class code lets a student in."""
    with serving({"AIGC_CS_HOME": str(own_home)}, tmp_path, "--demo") as server, \
            httpx.Client(base_url=server.base) as browser:
        page = browser.get("/join").text
        token = page.split('name="csrf_token" value="')[1].split('"')[0]
        joined = browser.post("/join", data={"csrf_token": token, "code": "demo26", "number": "1", "name": "试用",
                                             "password": "abcdef", "confirm": "abcdef"}, follow_redirects=True)
        assert "示例班级" in joined.text and joined.text.count('href="/student/questions/') == 3
    assert (own_home / "web.db").exists() and (own_home / "web-secret").stat().st_mode & 0o777 == 0o600
    assert "示例班级：班级码 DEMO26；教师 demo，密码 demo-teacher" in server.output
