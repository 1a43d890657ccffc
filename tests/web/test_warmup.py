"""Each worker warms its grader as it starts, before it takes a request: the embedding model, the retriever and every
rubric are loaded then, so the first student's answer is graded without that wait. A warm-up that cannot grade is
one line in the server's log, and the server starts anyway."""

import logging
import re
import time
from pathlib import Path

from fastapi.testclient import TestClient

from aigc_cs.web.app import create_app
from tests.web import conftest as web
from tests.web.server import RemoteVisitor, serving
from tests.web.services import free_port

WARMED = re.compile(r"评分器已预热：([0-9.]+) 秒（进程 (\d+)）")
ANSWER = "亲，您好！签收后7天内支持无理由退换，吊牌要完好哦。个人原因退换的运费由您承担，有问题随时找我。"


def test_the_first_answer_after_a_start_is_graded_without_loading_the_model(own_home: Path, tmp_path: Path):
    """A real `aigc-cs serve` in a fresh process: the warm-up is logged before the server takes requests, and the
    first answer takes a fraction of what the warm-up took (which is what it would otherwise have waited for)."""
    settings = web.web_settings(own_home, tmp_path)
    app = create_app(settings)  # the class, its assignment and a student, made beforehand
    teacher = web.sign_in_teacher(app, "王老师")
    classroom_id, code = web.new_class(teacher)
    web.publish(teacher, classroom_id, n=1)
    web.join(app, code, "1001", "甲同学")
    env = {"AIGC_CS_HOME": str(own_home), "AIGC_CS_DATABASE_URL": settings.db_url, "AIGC_CS_SECRET_KEY": "k" * 48,
           "OMP_NUM_THREADS": "1"}
    with serving(env, tmp_path) as server:
        student = RemoteVisitor(server.base)
        student.submit("/login", "/login", code=code, number="1001", password=web.STUDENT_PASSWORD)
        question = web.question_ids(student)[0]
        began = time.perf_counter()
        response = web.answer(student, question, ANSWER)
        first = time.perf_counter() - began
        assert response.url.path.startswith("/student/submissions/") and "得分" in student.page, student.page
    warmed = WARMED.search(server.output)
    assert warmed and server.output.index(warmed.group(0)) < server.output.index("Application startup complete")
    assert first < float(warmed.group(1)) / 2, (first, warmed.group(0))


def test_the_app_warms_its_grader_when_it_starts(demo_home: Path, tmp_path: Path, caplog):
    app = create_app(web.web_settings(demo_home, tmp_path))
    with caplog.at_level(logging.INFO, logger="uvicorn.error"), TestClient(app) as client:
        assert "retriever" in vars(app.state.grader.ctx)  # opened by the warm-up, before any request
        assert client.get("/").status_code == 200
    assert WARMED.search(caplog.text)


def test_a_warm_up_that_cannot_grade_is_one_line_and_the_server_starts(own_home: Path, tmp_path: Path, caplog):
    url = f"http://127.0.0.1:{free_port()}"
    empty = create_app(web.web_settings(tmp_path / "empty", tmp_path / "empty"))
    down = create_app(web.web_settings(own_home, tmp_path, chroma_url=url))
    with caplog.at_level(logging.INFO, logger="uvicorn.error"):
        for app in (empty, down):
            with TestClient(app) as client:
                assert client.get("/").status_code == 200
    assert "评分器已预热：知识库里还没有店铺，跳过" in caplog.text
    assert f"评分器预热失败（连不上 Chroma 向量库服务器 {url}/" in caplog.text and "第一次评分时再加载" in caplog.text
