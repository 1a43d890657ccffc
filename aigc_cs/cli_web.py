"""The web command of aigc-cs: `serve` runs the classroom web app, or sets a teacher's password and exits."""

import os
from typing import Annotated

import typer

from aigc_cs.cli_support import console, friendly

commands = typer.Typer()  # merged into the main app by cli.py
PASSWORD_ENV = "AIGC_CS_TEACHER_PASSWORD"


@commands.command()
@friendly
def serve(
    host: Annotated[str, typer.Option("--host", help="监听地址；0.0.0.0 让同一网络的电脑和手机访问")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="端口")] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1, max=32, help="工作进程数")] = 1,
    create_teacher: Annotated[str | None, typer.Option(
        "--create-teacher", metavar="教师名", help=f"设置（或重设）这位教师的密码后退出；密码从隐藏输入或环境变量 {PASSWORD_ENV} 读取")] = None,
    demo: Annotated[bool, typer.Option("--demo", help="启动前准备示例班级：教师 demo、班级码 DEMO26、一份 demo-fashion 作业")] = False,
) -> None:
    """运行课堂网页版：学生加入班级、作答并马上看到反馈、和模拟顾客做角色扮演练习；教师建班级、布置作业、看提交和练习、改分、导出成绩。"""
    from aigc_cs.errors import UserError
    from aigc_cs.web.db import open_database
    from aigc_cs.web.settings import WebSettings

    settings = WebSettings()
    if workers > 1 and settings.chroma_url is None and settings.embedding != "none":
        raise UserError("多个工作进程不能共用内嵌的向量库（Chroma 不支持多进程同时打开）：请设置 AIGC_CS_CHROMA_URL "
                        "指向 chroma run 启动的向量库服务器，或用 --workers 1，或设置 AIGC_CS_EMBEDDING=none 只用 BM25 检索")
    sessions = open_database(settings)
    if create_teacher is not None:
        _set_teacher(sessions, create_teacher)
        return
    _prepare_index()
    if demo:
        _seed_demo(sessions, settings)
    _run(settings, host, port, workers)


def _set_teacher(sessions, name: str) -> None:
    from aigc_cs.web.accounts import set_teacher_password

    password = os.environ.get(PASSWORD_ENV) or typer.prompt("新密码（至少 8 位）", hide_input=True, confirmation_prompt=True)
    with sessions() as db:
        created = set_teacher_password(db, name, password)
    console().print(f"已{'创建教师' if created else '更新教师'}“{' '.join(name.split())}”的密码。"
                    "用 aigc-cs serve 启动后，在“教师登录”页面登录。")


def _prepare_index() -> None:
    """Grading needs the knowledge base: ingest the bundled demo corpus when the index is empty, and fill a Chroma
    server that lacks the index's vectors (newly set, or started on an empty folder)."""
    from aigc_cs.cli_support import context
    from aigc_cs.kb.ingest import sync_vectors

    ctx = context()
    if ctx.settings.chroma_url is not None:
        embedded = sync_vectors(ctx.index)
        if embedded:
            console(stderr=True).print(f"已把 {embedded} 个片段的向量写入 Chroma 服务器 {ctx.settings.chroma_url}")


def _seed_demo(sessions, settings) -> None:
    from aigc_cs.web import demo
    from aigc_cs.web.grader import Grader

    with sessions() as db:
        made = demo.seed(db, Grader(settings), os.environ.get(PASSWORD_ENV))
    password = ("（已有这位教师，密码不变）" if made.password is None else
                f"（{PASSWORD_ENV} 里的密码）" if os.environ.get(PASSWORD_ENV) else made.password)
    console().print(f"示例班级：班级码 {made.code}；教师 {made.teacher}，密码 {password}。"
                    "示例密码人人都知道，只在自己电脑上试用；在课堂上使用前请用 --create-teacher 换成自己的密码。")


def _run(settings, host: str, port: int, workers: int) -> None:
    import uvicorn

    from aigc_cs.web.security import session_secret

    session_secret(settings)  # made once here, before the workers start
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    console().print(f"课堂网页版：http://{shown}:{port}/（按 Ctrl+C 停止）"
                    + ("；同一网络的电脑和手机用本机的 IP 地址访问" if host in ("0.0.0.0", "::") else ""))
    uvicorn.run("aigc_cs.web.app:create_app", factory=True, host=host, port=port, workers=workers,
                log_level="info", server_header=False)
