"""What a route gets from the app: a database session for the request, the settings, the grader. All three are
coroutines, so FastAPI runs them in the event loop instead of handing each to a thread of its pool (a hand-over
costs more than the little they do); only closing a session that still holds a connection to a database server, which
talks to it over the network, goes to a thread."""

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
        if db.in_transaction() and db.get_bind().dialect.name != "sqlite":
            await run_in_threadpool(db.close)  # a read still open: rolling it back is a round trip to the server
        else:
            db.close()  # SQLite rolls a read back in the process, in microseconds


async def get_settings(request: Request) -> WebSettings:
    return request.app.state.settings


async def get_grader(request: Request) -> Grader:
    return request.app.state.grader
