"""Replies to a chat export: one customer message per line of a text file (UTF-8 or GBK), answered one by one and
appended to a JSONL file as each is done, so an interrupted run loses nothing and `resume` answers only the lines not
done yet (and those that failed). Every line of the output holds its line number, the message and the reply, or the
one-line error that stopped it. With a model, `ctx.concurrency` lines are with it at once; the first line is answered
alone, so that the shop's index and the model client are ready before the others start."""

from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel

from aigc_cs.errors import UserError
from aigc_cs.files import cannot_write, read_jsonl, rewrite_jsonl
from aigc_cs.inputs import BYTES_PER_CHAR, read_file
from aigc_cs.kb.loaders import file_size
from aigc_cs.llm.batch import imap_concurrent
from aigc_cs.llm.engine import prepare
from aigc_cs.tasks.context import Context
from aigc_cs.tasks.reply import PROMPT, ReplyInput, ReplyOutput
from aigc_cs.tasks.reply import run as answer

MAX_FILE_CHARS = 500_000  # a chat export larger than this is refused unread: split it into several files


class LineReply(BaseModel):
    n: int  # the message's line among the file's non-empty lines, from 1
    message: str
    shop: str
    reply: ReplyOutput | None = None
    error: str = ""


def read_messages(path: Path) -> list[str]:
    """The file's non-empty lines, each one customer message."""
    too_big = UserError(f"{path}：文件太大（上限约 {MAX_FILE_CHARS} 字），请把聊天记录分成几个文件分别回复")
    if path.is_file() and file_size(path) > MAX_FILE_CHARS * BYTES_PER_CHAR:  # refused unread
        raise too_big
    text = read_file(path, "顾客消息")
    if len(text) > MAX_FILE_CHARS:
        raise too_big
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise UserError(f"{path}：文件里没有顾客消息，请一行写一条顾客的话")
    return lines


def _done(out: Path, messages: list[str], shop: str) -> dict[int, LineReply]:
    """The lines of an earlier run that can stand: answered, for the same message of the same shop. A journal of another
    file or shop is refused rather than mixed in."""
    done = {}
    for line in read_jsonl(out, LineReply):
        if line.n > len(messages) or messages[line.n - 1] != line.message or line.shop != shop:
            raise UserError(f"{out}：这个回复文件来自另一份消息文件或另一家店铺，不能接着回；请去掉 --resume 或换一个 -o 文件")
        if not line.error:
            done[line.n] = line
    return done


def answer_all(messages: list[str], shop: str, ctx: Context, out: Path, resume: bool,
               on_progress: Callable[[int, int], None] | None = None) -> list[LineReply]:
    """Every message answered in order, each line written to `out` as soon as it is done."""
    ctx.shop(shop)  # a missing shop is one error before any line, not one per line
    if out.exists() and out.stat().st_size and not resume:
        raise UserError(f"{out}：已经有回复了。加 --resume 接着回没回完的，或换一个 -o 文件")
    done = _done(out, messages, shop) if resume else {}
    rewrite_jsonl(out, [done[n] for n in sorted(done)])  # failed and cut lines go; they are answered again below
    todo = [n for n in range(1, len(messages) + 1) if n not in done]
    prepare(PROMPT, ctx.engine)
    answered = len(messages) - len(todo)
    try:
        with out.open("a", encoding="utf-8") as journal:
            for batch in (todo[:1], todo[1:]):  # the first alone: it loads what every later line shares
                for line in imap_concurrent(lambda n: _answer(n, messages[n - 1], shop, ctx), batch, ctx.concurrency):
                    done[line.n] = line
                    journal.write(line.model_dump_json() + "\n")
                    journal.flush()
                    answered += 1
                    if on_progress:
                        on_progress(answered, len(messages))
    except OSError as exc:
        raise cannot_write(out, exc) from None
    ordered = [done[n] for n in sorted(done)]
    if resume:  # lines answered again were appended after later ones: the file is put back in message order
        rewrite_jsonl(out, ordered)
    return ordered


def _answer(n: int, message: str, shop: str, ctx: Context) -> LineReply:
    try:
        return LineReply(n=n, message=message, shop=shop, reply=answer(ReplyInput(message=message, shop=shop), ctx))
    except UserError as exc:  # an LLM that fails under --strict: this line says so, the others go on
        return LineReply(n=n, message=message, shop=shop, error=str(exc))
