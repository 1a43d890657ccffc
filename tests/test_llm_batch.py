"""Batches of model calls against the real loopback OpenAI-protocol server: the client is readied before a batch
(`prepare`, which sends nothing), and a batch keeps its connections open instead of connecting for every call, also
across tasks and for `grade-batch --scorer judge --concurrency`."""

import json
from pathlib import Path

import pytest

from aigc_cs.errors import UserError
from aigc_cs.kb.shops import read_shop
from aigc_cs.llm.batch import map_concurrent
from aigc_cs.llm.engine import EngineConfig, generate, prepare
from aigc_cs.paths import corpus_dir
from aigc_cs.tasks.reply import ReplyDraft
from tests.fixtures.openai_server import Reply

KEY = "sk-loopback-batch-7a1e"
CRITERIA = ("greeting", "accuracy", "guidance", "courtesy", "language")


def config(server, tmp_path: Path, **extra) -> EngineConfig:
    return EngineConfig(kind="llm", provider="custom", model="m", base_url=server.url, cache=tmp_path / "cache",
                        **extra)


def echo(request) -> Reply:
    customer = request.last_user.split("<<<")[1].split(">>>")[0]
    return Reply(json.dumps({"text": f"回复：{customer}"}, ensure_ascii=False), delay=0.05)


def reply_jobs(n: int) -> list[dict]:
    shop, _ = read_shop(corpus_dir() / "shops" / "demo-fashion", corpus_dir().parent, 2**20)
    return [{"message": f"第{i}号顾客：这件有S码吗", "shop": shop, "product": None, "passages": []} for i in range(n)]


def test_prepare_sends_nothing_and_caches_nothing(openai_server, monkeypatch, tmp_path):
    monkeypatch.setenv("AIGC_CS_API_KEY", KEY)
    openai_server.responder = echo
    settings = config(openai_server, tmp_path)
    prepare("reply", settings)
    assert openai_server.calls == 0 and not list(tmp_path.glob("cache/*/*.json"))
    gen = generate("reply", reply_jobs(1)[0], ReplyDraft, lambda: ReplyDraft(text="离线"), settings)
    assert gen.output.text == "回复：第0号顾客：这件有S码吗" and gen.engine == "llm:custom/m" and gen.usage.calls == 1


def test_prepare_names_a_missing_key_before_any_call(openai_server, monkeypatch, tmp_path):
    monkeypatch.delenv("AIGC_CS_API_KEY", raising=False)
    with pytest.raises(UserError, match="AIGC_CS_API_KEY"):
        prepare("reply", config(openai_server, tmp_path))
    assert openai_server.calls == 0


def test_a_batch_keeps_its_connections_across_calls_and_tasks(openai_server, monkeypatch, tmp_path):
    monkeypatch.setenv("AIGC_CS_API_KEY", KEY)
    openai_server.responder = echo
    reply_config = config(openai_server, tmp_path)
    prepare("reply", reply_config)

    def one(variables: dict) -> str:
        return generate("reply", variables, ReplyDraft, lambda: ReplyDraft(text="离线"), reply_config).output.text

    texts = map_concurrent(one, reply_jobs(24), concurrency=4)
    assert texts == [f"回复：第{i}号顾客：这件有S码吗" for i in range(24)]
    # another task with other settings (the judge's temperature 0) sends through the same connections
    judge_config = config(openai_server, tmp_path, temperature=0.0)
    for job in reply_jobs(30)[24:]:
        generate("reply", job, ReplyDraft, lambda: ReplyDraft(text="离线"), judge_config)
    peers = {request.peer for request in openai_server.requests}
    assert openai_server.calls == 30 and len(peers) <= 4, peers


def test_grade_batch_with_the_judge_keeps_its_connections(cli_own, openai_server, tmp_path):
    answers = ["您好，本店支持签收后7天内无理由退换，吊牌完好即可！", "在的。可以退。", "亲，我们支持30天无理由退货哦"]
    klass = tmp_path / "class.csv"
    klass.write_text("学号,姓名,答案\n" + "".join(f"S{i:03d},学生{i},{answers[i % 3]}\n" for i in range(12)),
                     encoding="utf-8")
    verdict = json.dumps({"criteria": [{"id": c, "level": 1, "evidence": "", "feedback": "继续加油"}
                                       for c in CRITERIA]})
    openai_server.default = Reply(verdict, delay=0.05)
    out = tmp_path / "report.xlsx"
    result = cli_own("grade-batch", str(klass), "-r", "presale-reply", "-s", "demo-fashion", "--scenario",
                     "衣服不合适可以退吗", "--scorer", "judge", "--concurrency", "3", "-o", str(out),
                     env={"AIGC_CS_PROVIDER": "custom", "AIGC_CS_BASE_URL": openai_server.url,
                          "AIGC_CS_MODEL": "judge-test", "AIGC_CS_API_KEY": KEY, "AIGC_CS_LLM_CACHE": "false"})
    assert result.code == 0, result.output
    graded = [json.loads(line) for line in out.with_name(out.name + ".progress.jsonl").read_text("utf-8").splitlines()]
    assert [g["sid"] for g in graded[1:]] == [f"S{i:03d}" for i in range(12)]
    assert all(g["grade"]["scorer"] == "judge" for g in graded[1:])
    assert openai_server.calls == 12 and len({r.peer for r in openai_server.requests}) <= 3
    assert KEY not in result.output
