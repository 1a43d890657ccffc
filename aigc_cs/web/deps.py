"""What a route gets from the app: a database session for the request, the settings, the grader."""

from collections.abc import Iterator

from fastapi import Request
from sqlalchemy.orm import Session

from aigc_cs.web.grader import Grader
from aigc_cs.web.settings import WebSettings


def get_db(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as db:
        yield db


def get_settings(request: Request) -> WebSettings:
    return request.app.state.settings


def get_grader(request: Request) -> Grader:
    return request.app.state.grader
