"""The app factory: settings, database (migrated), the grader, signed session cookies, static files, error pages and
the three groups of routes. `aigc-cs serve` runs `create_app` under uvicorn, once per worker process; each worker warms
its page templates and its grader before it takes its first request (uvicorn runs the lifespan's start before it
accepts connections)."""

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aigc_cs.web.db import open_database
from aigc_cs.web.grader import Grader
from aigc_cs.web.pages import compile_templates, install_error_pages
from aigc_cs.web.security import session_secret
from aigc_cs.web.settings import WebSettings

STATIC = Path(__file__).with_name("static")
log = logging.getLogger("uvicorn.error")  # the server's own log: the line shows beside "Started server process"
SESSION_COOKIE = "aigc_cs_session"
SESSION_HOURS = 12
HEADERS = {"Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
           "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY"}


class SecurityHeaders:
    """HEADERS on every response, unless the route set its own. A plain ASGI middleware: it only edits the response's
    first message, with no extra task or stream per request (as Starlette's BaseHTTPMiddleware would add)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, with_headers)


def _warm(app: FastAPI) -> float | None:
    compile_templates()
    return app.state.grader.warm()


@asynccontextmanager
async def warmed(app: FastAPI) -> AsyncIterator[None]:
    """Warm the page templates and the grader before the first request; a warm-up that fails is one line, and the
    server starts anyway (the first grading then says what is wrong, as it would have without the warm-up)."""
    from anyio import to_thread

    try:
        seconds = await to_thread.run_sync(_warm, app)
    except Exception as exc:
        log.warning("评分器预热失败（%s），第一次评分时再加载", getattr(exc, "message", type(exc).__name__))
    else:
        log.info("评分器已预热：%s（进程 %d）", "知识库里还没有店铺，跳过" if seconds is None else f"{seconds:.1f} 秒", os.getpid())
    yield


def create_app(settings: WebSettings | None = None) -> FastAPI:
    from aigc_cs.web import practice, public, student, student_roleplay, teacher, teacher_reports, teacher_shops

    settings = settings or WebSettings()
    app = FastAPI(title="aigc-cs 课堂", docs_url=None, redoc_url=None, openapi_url=None, lifespan=warmed)
    app.state.settings = settings
    app.state.sessions = open_database(settings)
    app.state.grader = Grader(settings)
    app.add_middleware(SessionMiddleware, secret_key=session_secret(settings), session_cookie=SESSION_COOKIE,
                       max_age=SESSION_HOURS * 3600, same_site="lax", https_only=settings.cookie_secure)
    app.add_middleware(SecurityHeaders)

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    install_error_pages(app)
    for routes in (public.router, student.router, practice.router, student_roleplay.router, teacher.router,
                   teacher_reports.router, teacher_shops.router):
        app.include_router(routes)
    return app
