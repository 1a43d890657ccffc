"""The app factory: settings, database (migrated), the grader, signed session cookies, static files, error pages and
the three groups of routes. `aigc-cs serve` runs `create_app` under uvicorn, once per worker process."""

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from aigc_cs.web.db import open_database
from aigc_cs.web.grader import Grader
from aigc_cs.web.pages import install_error_pages
from aigc_cs.web.security import session_secret
from aigc_cs.web.settings import WebSettings

STATIC = Path(__file__).with_name("static")
SESSION_COOKIE = "aigc_cs_session"
SESSION_HOURS = 12
HEADERS = {"Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
           "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY"}


def create_app(settings: WebSettings | None = None) -> FastAPI:
    from aigc_cs.web import practice, public, student, student_roleplay, teacher, teacher_reports, teacher_shops

    settings = settings or WebSettings()
    app = FastAPI(title="aigc-cs 课堂", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.sessions = open_database(settings)
    app.state.grader = Grader(settings)
    app.add_middleware(SessionMiddleware, secret_key=session_secret(settings), session_cookie=SESSION_COOKIE,
                       max_age=SESSION_HOURS * 3600, same_site="lax", https_only=settings.cookie_secure)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    install_error_pages(app)
    for routes in (public.router, student.router, practice.router, student_roleplay.router, teacher.router,
                   teacher_reports.router, teacher_shops.router):
        app.include_router(routes)
    return app
