"""The limit on failed sign-ins, counted in the database (so it holds across server processes): an account that
failed ACCOUNT_LIMIT times within WINDOW, or an address that failed ADDRESS_LIMIT times, is refused until the oldest of
those failures is WINDOW old; the password is then not even checked. Signing in clears the account's failures."""

from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from aigc_cs.errors import UserError
from aigc_cs.web.models import LoginFailure, utcnow

WINDOW = timedelta(minutes=15)
ACCOUNT_LIMIT = 5  # one account: a student mistyping a few times still gets in
ADDRESS_LIMIT = 60  # one address: a whole classroom behind one router shares it
T = TypeVar("T")


def student_account(code: str, number: str) -> str:
    return f"student:{code.strip().upper()}:{number.strip()}"


def teacher_account(name: str) -> str:
    return f"teacher:{' '.join(name.split())}"


def _wait_minutes(db: Session, column, value: str, limit: int) -> int:
    since = utcnow() - WINDOW
    found = db.execute(select(func.count(), func.min(LoginFailure.created_at))
                       .where(column == value, LoginFailure.created_at > since)).one()
    count, oldest = found
    if count < limit:
        return 0
    return max(1, int((oldest + WINDOW - utcnow()).total_seconds() // 60) + 1)


class TooManyFailures(UserError):
    """A sign-in refused before its password is checked."""


def check(db: Session, account: str, address: str) -> None:
    minutes = max(_wait_minutes(db, LoginFailure.account, account, ACCOUNT_LIMIT),
                  _wait_minutes(db, LoginFailure.address, address, ADDRESS_LIMIT))
    if minutes:
        raise TooManyFailures(f"登录失败次数太多，这个账号或这台设备暂时不能登录，请 {minutes} 分钟后再试；忘记密码请找老师重置")


def attempt(db: Session, account: str, address: str, sign_in: Callable[[], T]) -> T:
    """Run `sign_in` (which raises `UserError` on a wrong password) under the limit, counting its failures."""
    check(db, account, address)
    try:
        user = sign_in()
    except UserError:
        failed(db, account, address)
        raise
    succeeded(db, account)
    return user


def failed(db: Session, account: str, address: str) -> None:
    db.add(LoginFailure(account=account, address=address))
    db.execute(delete(LoginFailure).where(LoginFailure.created_at < utcnow() - WINDOW))  # the table stays small
    db.commit()


def succeeded(db: Session, account: str) -> None:
    db.execute(delete(LoginFailure).where(LoginFailure.account == account))
    db.commit()
