"""Grading several answers of a class at once (`grade-batch --concurrency`, the web app's threads) shares one
context: what the answers share (the reference answer, the shop's passages) is computed once, also when many threads
ask at the same time; a failure is not kept; with the judge, the reference answer is written while the model is asked,
and the grades are those of answers graded one by one."""

import json
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from aigc_cs.config import Settings
from aigc_cs.errors import UserError
from aigc_cs.grading import grade
from aigc_cs.grading.rubric import get_rubric
from aigc_cs.tasks.context import Context
from tests.fixtures.openai_server import Reply

RUBRIC, SHOP, SCENARIO = "presale-reply", "demo-fashion", "衣服不合适可以退吗"
ANSWERS = ["在的。可以退。", "亲，支持7天无理由退换哦", "您好！可以退欵的，满99包由。谢谢", "亲，我们支持30天无理由退货哦"] * 2


def test_threads_grading_at_once_write_the_reference_answer_once(demo_home: Path, monkeypatch):
    written: list[str] = []
    reference = grade._reference

    def slow(*args):  # long enough for every thread to ask before the first one is done
        written.append(args[2])
        time.sleep(0.2)
        return reference(*args)

    monkeypatch.setattr(grade, "_reference", slow)
    ctx = Context(Settings(home=demo_home))
    with ThreadPoolExecutor(len(ANSWERS)) as pool:
        together = list(pool.map(lambda a: grade.grade(a, RUBRIC, SHOP, ctx, scenario=SCENARIO), ANSWERS))
    assert written == [SCENARIO]
    alone = [grade.grade(a, RUBRIC, SHOP, Context(Settings(home=demo_home)), scenario=SCENARIO) for a in ANSWERS]
    assert [g.model_dump() for g in together] == [g.model_dump() for g in alone]


def test_a_failed_computation_is_not_kept(demo_home: Path):
    ctx = Context(Settings(home=demo_home))
    calls: list[int] = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) == 1:
            raise UserError("第一次失败")
        return "第二次成功"

    with pytest.raises(UserError, match="第一次失败"):
        grade._memo(ctx, ("test", SHOP, SCENARIO), flaky)
    assert grade._memo(ctx, ("test", SHOP, SCENARIO), flaky) == "第二次成功"
    assert grade._memo(ctx, ("test", SHOP, SCENARIO), flaky) == "第二次成功"
    assert len(calls) == 2


def test_with_the_judge_the_reference_answer_is_ready_before_the_model_answers(demo_home: Path, openai_server,
                                                                            monkeypatch):
    criteria = [c.id for c in get_rubric(RUBRIC).criteria]
    written = threading.Event()
    reference = grade._reference
    monkeypatch.setattr(grade, "_reference", lambda *args: (reference(*args), written.set())[0])

    def judge(request) -> Reply:
        written.wait(10)  # the model is slow: the reference answer was written meanwhile, not after it
        answer = re.search(r"<<<ANSWER-(\w+)>>>\n(.*)\n<<<END-\1>>>", request.prompt, re.S)
        quote = answer.group(2)[:6] if answer else ""
        return Reply(json.dumps({"criteria": [{"id": c, "level": 2, "evidence": quote, "feedback": "继续加油"}
                                              for c in criteria]}, ensure_ascii=False))

    openai_server.responder = judge
    monkeypatch.setenv("AIGC_CS_API_KEY", "sk-test-memo-000")
    settings = Settings(home=demo_home, engine="llm", provider="custom", base_url=openai_server.url,
                        model="judge-test", timeout_s=10, max_retries=0, llm_cache=False)
    ctx = Context(settings)
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(lambda a: grade.grade(a, RUBRIC, SHOP, ctx, scenario=SCENARIO, scorer="judge"),
                                 ANSWERS))
    alone = [grade.grade(a, RUBRIC, SHOP, Context(settings), scenario=SCENARIO, scorer="judge") for a in ANSWERS]
    assert [g.model_dump() for g in together] == [g.model_dump() for g in alone]
    assert all(g.improved for g in together) and openai_server.calls == 2 * len(ANSWERS)  # one call each, no repair
    assert not any("离线" in warning for g in together for warning in g.warnings)  # no call timed out
