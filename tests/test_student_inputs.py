"""A student's answer as it arrives: a Word file (`@答案.docx`), standard input (`-`), and the feedback saved with
`grade --out`; plus `--version` and shell completion."""

import json
from importlib.metadata import version

from docx import Document

from tests.conftest import assert_one_error_line, run_entry_point

SCENARIO = "顾客：衣服不合适，可以退吗？我有点急"
ANSWER = ["您好，给您添麻烦了，理解您的心情。", "本店支持7天无理由退换，吊牌完好、未穿着未洗涤即可。",
          "1. 在订单页申请退货；2. 寄回后把快递单号告诉我们。", "收到退货后我们会尽快为您处理，谢谢您！"]


def word_file(path, lines: list[str]):
    document = Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(str(path))
    return path


def grade(cli, answer: str, *extra: str, input: bytes | str | None = None):
    return cli("grade", answer, "-r", "aftersale-return", "-s", "demo-fashion", "--scenario", SCENARIO, *extra,
               input=input)


def test_check_reads_standard_input_in_utf8_and_gbk(cli):
    for given in ("亲，我们支持30天无理由退货哦", "亲，我们支持30天无理由退货哦".encode("gbk")):
        result = cli("check", "-", "--shop", "demo-fashion", input=given)
        assert result.code == 1, result.output
        assert "30天无理由" in result.stdout and "7天无理由退换" in result.stdout


def test_check_reads_a_word_file(cli, tmp_path):
    answer = word_file(tmp_path / "答案.docx", ["您好！", "下单就能开发票哦"])
    result = cli("check", f"@{answer}", "--shop", "demo-fashion")
    assert result.code == 1, result.output
    assert "确认收货后开具" in result.stdout


def test_empty_standard_input_gets_one_line(cli):
    assert_one_error_line(cli("check", "-", "--shop", "demo-fashion", input=""), "标准输入")


def test_grade_of_a_word_file_or_standard_input_grades_its_text(cli, tmp_path):
    typed = json.loads(grade(cli, "\n".join(ANSWER), "--json").stdout)
    from_word = json.loads(grade(cli, f"@{word_file(tmp_path / '答案.docx', ANSWER)}", "--json").stdout)
    piped = json.loads(grade(cli, "-", "--json", input="\n".join(ANSWER)).stdout)
    assert all(line in from_word["answer"] for line in ANSWER)
    assert from_word["total"] == typed["total"] == piped["total"] > 50
    assert piped["answer"] == typed["answer"]


def test_files_that_cannot_be_read_get_one_line(cli, tmp_path):
    broken = tmp_path / "答案.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    assert_one_error_line(grade(cli, f"@{broken}"), f"{broken}：Word 文档已损坏")
    old = tmp_path / "答案.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    assert_one_error_line(grade(cli, f"@{old}"), "另存为 .docx")
    assert_one_error_line(grade(cli, f"@{tmp_path / 'nope.docx'}"), "答案文件不存在")


def test_grade_out_writes_a_feedback_document(cli, tmp_path):
    path = tmp_path / "反馈.docx"
    result = grade(cli, "可以退的，30天内自己申请就行", "--out", str(path))
    assert result.code == 0, result.output
    assert str(path) in result.stdout and "总分" in result.stdout
    document = Document(str(path))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "评分反馈" in text and "总分：" in text and "可以退的，30天内自己申请就行" in text
    assert "改进版本" in text and "需要改正的地方" in text
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert rows[0] == ["评分项", "得分", "证据", "反馈"]
    assert {"共情安抚", "办理步骤清晰"} <= {row[0] for row in rows[1:]}


def test_grade_out_writes_markdown_and_refuses_an_unknown_format_before_grading(cli, tmp_path):
    path = tmp_path / "反馈.md"
    assert grade(cli, "\n".join(ANSWER), "--out", str(path)).code == 0
    markdown = path.read_text(encoding="utf-8")
    assert markdown.startswith("# 评分反馈") and "| 评分项 | 得分 | 证据 | 反馈 |" in markdown
    assert "班级：" in markdown and ANSWER[1] in markdown
    assert_one_error_line(grade(cli, "您好", "--out", str(tmp_path / "反馈.pdf")), "不支持的输出格式 .pdf")


def test_version_is_the_package_version(cli):
    result = cli("--version")
    assert result.code == 0
    assert result.stdout.strip() == f"aigc-cs {version('aigc-cs')}"


def test_shell_completion_is_offered_and_completes_commands(cli, tmp_path):
    assert "--install-completion" in cli("--help").stdout
    completed = run_entry_point([], cwd=tmp_path, env={"_AIGC_CS_COMPLETE": "complete_bash",
                                                       "COMP_WORDS": "aigc-cs gr", "COMP_CWORD": "1"})
    assert completed.stdout.split() == ["grade", "grade-batch"], completed.stderr
