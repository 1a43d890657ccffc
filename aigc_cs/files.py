"""Files a kill cannot leave half-written, and JSONL journals a kill may have cut.

A file is written to a temporary file in its own folder and renamed onto its name in one step (`os.replace`), so at
any moment it is the old file or the new one. A journal is appended line by line; a last line cut by a kill (even
inside a UTF-8 character) is skipped when it is read back."""

import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from aigc_cs.errors import UserError

M = TypeVar("M", bound=BaseModel)
_REASONS = {errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限", errno.EROFS: "文件夹是只读的",
            errno.ENOSPC: "磁盘空间不足", errno.EDQUOT: "磁盘配额已满", errno.ENOENT: "文件夹不存在",
            errno.ENOTDIR: "路径里有一段是文件而不是文件夹", errno.EEXIST: "路径里有一段是文件而不是文件夹"}


def cannot_write(path: Path, exc: OSError) -> UserError:
    """One Chinese line for a failed write: the path, why, and what to do."""
    reason = _REASONS.get(exc.errno or 0, exc.strerror or type(exc).__name__)
    return UserError(f"{path}：无法写入（{reason}）。请换一个可写、有空间的位置，或腾出磁盘空间后重试")


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary path beside `path` to write to; when the block succeeds it is renamed onto `path`, otherwise it is
    removed and `path` is left as it was."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise cannot_write(path, exc) from None
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.replace(tmp, path)
    except OSError as exc:
        raise cannot_write(path, exc) from None
    finally:
        tmp.unlink(missing_ok=True)


def write_text_atomic(path: Path, text: str, encoding: str = "utf-8") -> None:
    with replacing(path) as tmp:
        tmp.write_text(text, encoding=encoding)


def read_jsonl(path: Path, model: type[M]) -> list[M]:
    """Every valid line of a JSONL journal as `model`, in order; a line cut short by a kill is skipped."""
    if not path.exists():
        return []
    found = []
    for line in path.read_bytes().split(b"\n"):
        try:
            found.append(model.model_validate_json(line.decode("utf-8")))
        except ValueError:  # also UnicodeDecodeError: a kill can cut a character in half
            continue
    return found


def rewrite_jsonl(path: Path, records: list[BaseModel]) -> None:
    """Replace the journal at `path` with `records`, one JSON line each (a cut last line goes with the old file)."""
    write_text_atomic(path, "".join(r.model_dump_json(by_alias=True) + "\n" for r in records))
