"""The teacher's overrides of class-report totals, kept in their own journal beside the report.

The teacher types an override into the report's 教师复核 sheet. Each run of ``grade-batch`` journals what changed
there (``<report>.overrides.jsonl``: time, 学号, 教师总分, 说明; an empty 教师总分 means the teacher cleared it)
before it writes any report, so a report that is deleted, damaged or cut by a kill loses no override: the journal
alone gives them back.
"""

from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from aigc_cs.files import read_jsonl, rewrite_jsonl

Overrides = dict[str, tuple[float, str]]  # 学号 -> (教师总分, 说明)
SheetRows = dict[str, tuple[float | None, str]]  # every row of the sheet; None: the score cell is empty


class Entry(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    time: str
    sid: str = Field(alias="学号")
    score: float | None = Field(alias="教师总分")
    note: str = Field(default="", alias="说明")


def journal_path(out: Path) -> Path:
    return out.with_name(out.name + ".overrides.jsonl")


def _replay(entries: list[Entry]) -> Overrides:
    current: Overrides = {}
    for e in entries:
        if e.score is None:
            current.pop(e.sid, None)
        else:
            current[e.sid] = (e.score, e.note)
    return current


def sync(out: Path, sheet: SheetRows | None) -> Overrides:
    """The overrides in force: the journal's, updated by the rows of the report's sheet (None when there is no
    readable report). Every change is journaled first."""
    entries = read_jsonl(journal_path(out), Entry)
    current = _replay(entries)
    now = datetime.now().isoformat(timespec="seconds")
    changed = [Entry(time=now, sid=sid, score=score, note=note) for sid, (score, note) in (sheet or {}).items()
               if current.get(sid, (None, "")) != (score, note) and (score is not None or sid in current)]
    if changed:
        rewrite_jsonl(journal_path(out), [*entries, *changed])
    return _replay([*entries, *changed])
