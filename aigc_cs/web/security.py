"""Passwords (argon2id), the key that signs session cookies, and CSRF tokens.

Each argon2id hash or check holds 64 MiB while it runs (the library's RFC 9106 low-memory profile: m=64 MiB, t=3,
p=4, above OWASP's minimum of m=19 MiB, t=2, p=1). A whole class signing in at once would run dozens at the same
time (over 2 GB in one process, measured), so a process runs at most as many as it has cores; the others wait their
turn, which costs no more time in all, since the work is CPU-bound.
"""

import hashlib
import hmac
import os
import secrets
import tempfile
import threading
from functools import cache

from aigc_cs.errors import UserError
from aigc_cs.files import cannot_write
from aigc_cs.web.settings import WebSettings

TEACHER_MIN_PASSWORD = 8
STUDENT_MIN_PASSWORD = 6
MAX_PASSWORD = 128
_hashing = threading.BoundedSemaphore(os.cpu_count() or 1)


@cache
def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()  # argon2id with the library's memory-hard defaults


def hash_password(password: str) -> str:
    with _hashing:
        return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    if not password_hash:
        hash_password(password)  # as slow as a real check: the time does not tell whether the user exists
        return False
    try:
        with _hashing:
            return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def check_new_password(password: str, confirm: str | None, minimum: int) -> None:
    """One line when a new password is too short, too long, or not typed the same twice."""
    if len(password) < minimum:
        raise UserError(f"密码至少 {minimum} 位，请重新设置")
    if len(password) > MAX_PASSWORD:
        raise UserError(f"密码最多 {MAX_PASSWORD} 位，请重新设置")
    if confirm is not None and password != confirm:
        raise UserError("两次输入的密码不一样，请重新输入")


def stamp(password_hash: str | None) -> str:
    """A short fingerprint of the password hash kept in the session: a changed or reset password (a new salt)
    ends every session signed in with the old one."""
    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:16]


def session_secret(settings: WebSettings) -> str:
    """AIGC_CS_SECRET_KEY, else the key in <home>/web-secret, made on first start (mode 0600). Processes
    starting together agree on one key: the file appears in one step, complete, and only once."""
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value()
    path = settings.secret_file
    if not path.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".web-secret-")  # mode 0600
            with os.fdopen(fd, "w", encoding="ascii") as out:
                out.write(secrets.token_urlsafe(48))
            try:
                os.link(tmp, path)  # fails when another process won the race: its key stands
            except FileExistsError:
                pass
            finally:
                os.unlink(tmp)
        except OSError as exc:
            raise cannot_write(path, exc) from None
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 32:
        raise UserError(f"{path}：会话密钥太短或是空的，请删除这个文件后重新启动（会生成新的密钥，所有人需要重新登录）")
    return key


def new_token() -> str:
    return secrets.token_urlsafe(32)


def same_token(given: str | None, expected: str | None) -> bool:
    return bool(given and expected) and hmac.compare_digest(str(given), str(expected))
