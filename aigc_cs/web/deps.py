"""What a route gets from the app: a database session for the request, the settings, the grader. All three are
coroutines, so FastAPI runs them in the event loop instead of handing each to a thread of its pool (a hand-over
costs more than the little they do); only closing a session that still holds its connection, which talks to the
database, goes to a thread."""

from collections.abc import AsyncIterator

from fastapi import Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from aigc_cs.web.grader import Grader
from aigc_cs.web.settings import WebSettings


async def get_db(request: Request) -> AsyncIterator[Session]:
    db = request.app.state.sessions()  # opens no connection until the first query
    try:
        yield db
    finally:
        if db.in_transaction():  # a read still open: closing rolls it back on its connection
            await run_in_threadpool(db.close)
        else:
            db.close()


async def get_settings(request: Request) -> WebSettings:
    return request.app.state.settings


async def get_grader(request: Request) -> Grader:
    return request.app.state.grader
