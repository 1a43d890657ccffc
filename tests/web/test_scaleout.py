"""Scale-out: the index on a Chroma server (`chroma run`), the web app on PostgreSQL, and `aigc-cs serve --workers 2`
on both, with many students submitting at once and nothing lost. Each server is a real process on loopback, started
here (tests/web/services.py): a throwaway PostgreSQL cluster (Debian's postgresql package) and Chroma's own server
from the chromadb package."""

import json
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from pydantic import HttpUrl
from sqlalchemy import create_engine, select, text

from aigc_cs.kb.index import Index
from aigc_cs.kb.ingest import sync_vectors
from aigc_cs.web.app import create_app
from aigc_cs.web.db import MIGRATIONS, open_database
from aigc_cs.web.models import Base, Student, Submission
from aigc_cs.web.settings import WebSettings
from tests.conftest import assert_one_error_line
from tests.web import services
from tests.web.conftest import (
    STUDENT_PASSWORD,
    answer,
    join,
    new_class,
    publish,
    question_ids,
    sign_in_teacher,
)
from tests.web.server import RemoteVisitor, serving
from tests.web.services import ChromaServer, free_port, new_database

SCORE = re.compile(r"得分 <strong>([0-9.]+)</strong>")
ANSWERS = ["亲，您好！签收后7天内支持无理由退换，吊牌要完好哦。个人原因退换的运费由您承担，有问题随时找我。",
           "在的亲，衣服不合适可以退，7天内在订单页申请售后就行，感谢您的耐心！",
           "您好，我理解您的担心。这款面料偏薄，建议按平时尺码选，不合适7天内可以换。"]


@pytest.fixture(scope="module")
def postgres() -> Iterator[str]:
    """A throwaway PostgreSQL cluster for this module: the server's URL, without a database."""
    try:
        with services.postgres() as cluster:
            yield cluster.url
    except services.Missing as missing:
        pytest.skip(str(missing))


@pytest.fixture(scope="module")
def chroma(tmp_path_factory) -> Iterator[ChromaServer]:
    server = ChromaServer(tmp_path_factory.mktemp("chroma-server"))
    yield server
    server.stop()


def test_ingest_and_search_go_to_the_chroma_server(cli_own, own_home, chroma):
    shutil.rmtree(own_home / "chroma")  # the embedded store is gone: whatever dense search finds comes from the server
    env = {"AIGC_CS_CHROMA_URL": chroma.url}
    chunks = len(json.loads((own_home / "chunks.json").read_text(encoding="utf-8")))
    first = cli_own("ingest", env=env)
    assert first.code == 0 and f"本次向量化 {chunks}）" in first.stderr, first.output
    assert list(chroma.collections().values()) == [chunks] and not (own_home / "chroma").exists()
    again = cli_own("ingest", env=env)
    assert again.code == 0 and "本次向量化 0）" in again.stderr, again.output
    status = json.loads(cli_own("kb", "status", "--json", env=env).stdout)
    assert status["vectors"] == chunks == status["chunks"]
    found = cli_own("search", "衣服不合适可以退吗", "--shop", "demo-fashion", "-k", "3", "--json",
                    env={**env, "AIGC_CS_RETRIEVAL": "dense"})
    assert found.code == 0, found.output
    assert any("退" in passage["text"] and passage["shop"] == "demo-fashion" for passage in json.loads(found.stdout))


def test_each_index_folder_has_its_own_collection_on_the_server(own_home, tmp_path, chroma):
    other = shutil.copytree(own_home, tmp_path / "other")
    (other / "chunks.json").write_text(json.dumps(json.loads((own_home / "chunks.json").read_text(encoding="utf-8"))[:5]),
                                       encoding="utf-8")
    before = chroma.collections()
    assert sync_vectors(Index(own_home, chroma_url=HttpUrl(chroma.url))) > 5
    assert sync_vectors(Index(other, chroma_url=HttpUrl(chroma.url))) == 5
    added = sorted(count for name, count in chroma.collections().items() if name not in before)
    assert added[0] == 5 and len(added) == 2


def test_a_chroma_server_that_is_not_there_is_one_line(cli_own):
    url = f"http://127.0.0.1:{free_port()}"
    assert_one_error_line(cli_own("kb", "status", env={"AIGC_CS_CHROMA_URL": url}),
                          f"连不上 Chroma 向量库服务器 {url}/（AIGC_CS_CHROMA_URL）")
    assert_one_error_line(cli_own("search", "退货", env={"AIGC_CS_CHROMA_URL": "ftp://127.0.0.1:8001"}),
                          "环境变量 AIGC_CS_CHROMA_URL 的值“ftp://127.0.0.1:8001”不可用：应以 http:// 或 https:// 开头")
    assert_one_error_line(cli_own("serve", "--workers", "2", env={"AIGC_CS_CHROMA_URL": url}),
                          f"连不上 Chroma 向量库服务器 {url}/")


@pytest.fixture
def own_chroma(tmp_path) -> Iterator[ChromaServer]:
    """A Chroma server for one test, which may stop it."""
    server = ChromaServer(tmp_path / "own-chroma")
    yield server
    server.stop()


def test_a_chroma_server_that_stops_keeps_the_answer_for_the_teacher(own_home, tmp_path, own_chroma):
    """The server goes away while the app runs: the student's answer is stored, and the teacher reads why it was not
    graded, naming the server."""
    server = own_chroma
    settings = WebSettings(home=own_home, chroma_url=server.url, database_url=f"sqlite:///{tmp_path / 'web.db'}",
                           secret_key="k" * 48)
    sync_vectors(Index(own_home, chroma_url=settings.chroma_url))
    app = create_app(settings)
    teacher = sign_in_teacher(app, "王老师")
    classroom_id, code = new_class(teacher)
    publish(teacher, classroom_id, n=1)
    student = join(app, code, "2401001", "张三")
    server.stop()
    response = answer(student, question_ids(student)[0], ANSWERS[0])
    assert response.status_code == 200 and "自动评分没有完成" in student.page
    submission_id = response.url.path.rsplit("/", 1)[1]
    teacher.get(f"/teacher/submissions/{submission_id}")
    assert f"评分没有完成：连不上 Chroma 向量库服务器 {server.url}/" in teacher.page and ANSWERS[0] in teacher.page


def test_the_web_app_on_postgresql(postgres, demo_home):
    """Migrations run on PostgreSQL and make the schema the models describe; a class works end to end."""
    url = new_database(postgres, "classroom").replace("postgresql+psycopg://", "postgresql://")  # the plain form too
    settings = WebSettings(home=demo_home, database_url=url, secret_key="k" * 48)
    app = create_app(settings)
    open_database(settings)  # a second start finds the schema current
    teacher = sign_in_teacher(app, "王老师")
    classroom_id, code = new_class(teacher)
    publish(teacher, classroom_id, n=1)
    student = join(app, code, "2401001", "张三")
    answer(student, question_ids(student)[0], ANSWERS[1])
    assert SCORE.search(student.page) and ANSWERS[1] in student.page
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
        head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == head
        assert connection.execute(text("SELECT count(*) FROM submissions WHERE status = 'graded'")).scalar() == 1
    engine.dispose()


def test_a_database_server_that_is_down_is_one_line(cli):
    url = f"postgresql://aigc@127.0.0.1:{free_port()}/classroom"
    assert_one_error_line(cli("serve", env={"AIGC_CS_DATABASE_URL": url}), "无法打开网页版数据库（connection failed")


def student_session(base_url: str, number: str, answers: int) -> list[tuple[str, str, float]]:
    """Join the demo class and submit `answers` answers in turn over its questions: (学号, answer, score shown)."""
    browser = RemoteVisitor(base_url)
    joined = browser.submit("/join", "/join", code="DEMO26", number=number, name=f"学生{number}",
                            password=STUDENT_PASSWORD, confirm=STUDENT_PASSWORD)
    assert joined.url.path == "/student", browser.page
    questions = question_ids(browser)
    shown = []
    for n in range(answers):
        text_ = f"{ANSWERS[n % len(ANSWERS)]}（{number} 第{n + 1}次）"
        response = answer(browser, questions[n % len(questions)], text_)
        assert response.status_code == 200 and response.url.path.startswith("/student/submissions/"), browser.page
        shown.append((number, text_, float(SCORE.search(browser.page).group(1))))
    return shown


def test_two_workers_on_postgresql_and_a_chroma_server_lose_nothing(postgres, chroma, own_home, tmp_path):
    """`aigc-cs serve --workers 2`: 8 students submit 5 answers each at once; every answer is stored exactly once,
    graded, with the score the student was shown."""
    database = new_database(postgres, "school")
    env = {"AIGC_CS_HOME": str(own_home), "AIGC_CS_DATABASE_URL": database, "AIGC_CS_CHROMA_URL": chroma.url,
           "OMP_NUM_THREADS": "1"}
    with serving(env, tmp_path, "--demo", "--workers", "2") as server, ThreadPoolExecutor(8) as pool:
        shown = [row for rows in pool.map(lambda i: student_session(server.base, f"24{i:05d}", 5), range(8))
                 for row in rows]
    workers = set(re.findall(r"Started server process \[(\d+)\]", server.output))
    assert len(workers) == 2 and "个片段的向量写入 Chroma 服务器" in server.output, server.output
    engine = create_engine(database)
    with engine.connect() as connection:
        stored = connection.execute(select(Student.number, Submission.answer, Submission.status, Submission.total)
                                    .join(Student, Submission.student_id == Student.id)).all()
    engine.dispose()
    assert len(shown) == 40 and Counter((n, a) for n, a, _, _ in stored) == Counter((n, a) for n, a, _ in shown)
    totals = {(n, a): total for n, a, status, total in stored if status == "graded"}
    assert totals == pytest.approx({(n, a): score for n, a, score in shown}, abs=1e-4)
