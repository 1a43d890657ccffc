"""Templates and error pages. Every template is autoescaped: student text is shown as text, never as markup."""

import logging
from datetime import datetime, timezone
from functools import cache
from http import HTTPStatus
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException

from aigc_cs.errors import UserError
from aigc_cs.tasks.exercise import TYPE_NAMES
from aigc_cs.web.auth import LOGIN_PAGES, LoginRequired, csrf_token

TEMPLATES = Path(__file__).with_name("templates")
log = logging.getLogger(__name__)
MESSAGES = {400: "请求有误，请返回上一页检查后重试", 403: "没有权限打开这个页面", 404: "页面不存在，或者你没有权限查看",
            405: "不能这样打开这个页面，请从页面上的按钮或链接进入", 500: "服务器出错了，已经记录下来；请稍后再试，或告诉老师"}


def local_time(value: datetime | None) -> str:
    """A stored UTC time in the server's local time, to the minute."""
    if value is None:
        return ""
    return value.replace(tzinfo=timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M")


def score(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def _common(request: Request) -> dict:
    return {"viewer": getattr(request.state, "viewer", None), "csrf_token": csrf_token(request)}


@cache
def templates() -> Jinja2Templates:
    import jinja2

    from aigc_cs.practice.personas import judge_settings

    # auto_reload off: the templates ship with the package, so no page stats its template files again
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True,
                             lstrip_blocks=True, undefined=jinja2.StrictUndefined, auto_reload=False)
    env.filters.update(local=local_time, score=score)
    env.globals.update(KINDS=TYPE_NAMES, OUTCOMES=judge_settings().outcomes)
    return Jinja2Templates(env=env, context_processors=[_common])


def compile_templates() -> None:
    """Compile every page template now (at a worker's start), not when its first visitor asks for it."""
    env = templates().env
    for name in env.list_templates():
        env.get_template(name)


def render(request: Request, template: str, status_code: int = 200, **context) -> Response:
    return templates().TemplateResponse(request, template, context, status_code=status_code)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def error_page(request: Request, status_code: int, message: str) -> Response:
    return render(request, "error.html", status_code=status_code, message=message)


def install_error_pages(app: FastAPI) -> None:
    """Every error is one readable Chinese line on a page; never a traceback."""

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        default = exc.detail == HTTPStatus(exc.status_code).phrase
        message = MESSAGES.get(exc.status_code, MESSAGES[400]) if default else str(exc.detail)
        return error_page(request, exc.status_code, message)

    @app.exception_handler(LoginRequired)
    async def login_required(_request: Request, exc: LoginRequired) -> Response:
        return redirect(LOGIN_PAGES[exc.role])

    @app.exception_handler(UserError)
    async def user_error(request: Request, exc: UserError) -> Response:
        return error_page(request, 400, exc.message)

    @app.exception_handler(RequestValidationError)
    async def bad_form(request: Request, _exc: RequestValidationError) -> Response:
        return error_page(request, 400, "表单没有填完整或格式不对，请返回检查后重新提交")

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> Response:
        log.error("unhandled error on %s %s: %s", request.method, request.url.path, type(exc).__name__)
        return error_page(request, 500, MESSAGES[500])
