"""What a user sees when ingesting files through the real CLI: odd encodings, damaged and oversized files,
FAQ tables, broken shop folders and unknown shops."""

import io
import json
import random
import re
from pathlib import Path

import pytest

CJK = re.compile(r"[\u4e00-\u9fff]")


# --------------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------------

def search(cli_own, query: str, *extra: str) -> list[dict]:
    result = cli_own("search", query, "--json", *extra)
    assert result.code == 0, result.output
    return json.loads(result.stdout)


def hits_from(passages: list[dict], source: str) -> list[dict]:
    return [p for p in passages if p["source"] == source]


def lines_naming(stderr: str, path: Path) -> list[str]:
    return [line for line in stderr.splitlines() if f"{path}：" in line]


def assert_one_chinese_line(stderr: str, path: Path, *words: str) -> str:
    """Exactly one stderr line names `path`; it explains in Chinese and contains `words`."""
    lines = lines_naming(stderr, path)
    assert len(lines) == 1, stderr
    line = lines[0]
    assert CJK.search(line.replace(str(path), "")), line
    for word in words:
        assert word in line, line
    return line


def assert_no_traceback(result) -> None:
    assert "Traceback" not in result.output
    assert "内部错误" not in result.output
    assert "Error:" not in result.output


def make_pdf(text: str) -> bytes:
    """A one-page PDF with an ASCII text line in Helvetica (enough for pypdf to extract)."""
    content = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def random_bytes(n: int, seed: int = 7) -> bytes:
    return random.Random(seed).randbytes(n)


# --------------------------------------------------------------------------------------------------
# encodings
# --------------------------------------------------------------------------------------------------

GBK_SENTENCE = "我们的桂花乌龙茶叶采自武夷山深处的老茶园，每年只产三百斤。"
GB18030_SENTENCE = "老字号𠮷祥糕点铺的枣泥麻饼每天限量八十盒，售完即止。"


def test_gbk_txt_is_found_and_round_trips_exactly(cli_own, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "茶园介绍.txt").write_bytes(GBK_SENTENCE.encode("gbk"))

    result = cli_own("ingest", str(folder))
    assert result.code == 0, result.output
    assert_no_traceback(result)

    passages = search(cli_own, "桂花乌龙")
    assert passages[0]["source"] == "docs/茶园介绍.txt"
    assert GBK_SENTENCE in passages[0]["text"]
    assert "\ufffd" not in passages[0]["text"]


def test_gb18030_only_character_round_trips(cli_own, tmp_path):
    with pytest.raises(UnicodeEncodeError):
        GB18030_SENTENCE.encode("gbk")  # the sentence really needs GB18030
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "糕点.txt").write_bytes(GB18030_SENTENCE.encode("gb18030"))

    result = cli_own("ingest", str(folder))
    assert result.code == 0, result.output

    passages = hits_from(search(cli_own, "枣泥麻饼"), "docs/糕点.txt")
    assert len(passages) == 1
    assert GB18030_SENTENCE in passages[0]["text"]
    assert "𠮷" in passages[0]["text"]


def test_utf8_bom_markdown_keeps_its_heading(cli_own, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "保养.md").write_bytes("# 真丝保养\n\n真丝睡衣请用冷水手洗，阴干，不要暴晒。\n".encode("utf-8-sig"))

    assert cli_own("ingest", str(folder)).code == 0
    passages = hits_from(search(cli_own, "真丝睡衣"), "docs/保养.md")
    assert len(passages) == 1
    assert passages[0]["section"] == "真丝保养"
    assert "\ufeff" not in passages[0]["text"]


# --------------------------------------------------------------------------------------------------
# bad files beside good ones
# --------------------------------------------------------------------------------------------------

def test_bad_files_are_skipped_one_line_each_and_good_files_still_ingest(cli_own, tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    good_md = folder / "售后话术.md"
    good_md.write_text("# 售后话术\n\n顾客说收到的围巾起球，先道歉，再请顾客拍照。\n", encoding="utf-8")
    good_txt = folder / "茶园.txt"
    good_txt.write_bytes(GBK_SENTENCE.encode("gbk"))
    corrupt = folder / "损坏的说明.docx"
    corrupt.write_bytes(random_bytes(4096))
    empty = folder / "空白.md"
    empty.write_bytes(b"")
    huge = folder / "超大资料.txt"
    huge.write_bytes(("巨型文件里的独特词语蓝鲸灯塔。" * 50_000).encode("utf-8"))  # about 2.2 MB

    result = cli_own("ingest", str(folder), env={"AIGC_CS_MAX_FILE_MB": "1"})

    assert result.code == 1, result.output
    assert_no_traceback(result)
    assert_one_chinese_line(result.stderr, corrupt, "Word")
    assert_one_chinese_line(result.stderr, empty, "空")
    assert_one_chinese_line(result.stderr, huge, "文件过大", "上限 1 MB", "AIGC_CS_MAX_FILE_MB")
    assert lines_naming(result.stderr, good_md) == []
    assert lines_naming(result.stderr, good_txt) == []
    assert "导入完成：2 个文件" in result.stderr

    assert hits_from(search(cli_own, "围巾起球"), "mixed/售后话术.md")
    assert hits_from(search(cli_own, "桂花乌龙"), "mixed/茶园.txt")
    assert not any(p["source"].startswith("mixed/超大") for p in search(cli_own, "蓝鲸灯塔", "-k", "50"))


def test_a_real_50_mb_file_is_skipped_with_the_default_limit(cli_own, tmp_path):
    folder = tmp_path / "big"
    folder.mkdir()
    (folder / "说明.md").write_text("# 发货说明\n\n周日仓库休息，周一统一补发周末的订单。\n", encoding="utf-8")
    huge = folder / "全部聊天记录.txt"
    block = ("顾客：在吗？客服：您好，请问有什么可以帮您？\n" * 2000).encode("utf-8")
    with huge.open("wb") as handle:
        while handle.tell() < 50 * 2**20:
            handle.write(block)
    assert huge.stat().st_size >= 50 * 2**20

    result = cli_own("ingest", str(folder))

    assert result.code == 1, result.output
    assert_no_traceback(result)
    line = assert_one_chinese_line(result.stderr, huge, "文件过大", "上限 20 MB")
    assert re.search(r"（5\d\.\d MB", line), line
    assert "导入完成：1 个文件" in result.stderr
    assert hits_from(search(cli_own, "周一统一补发"), "big/说明.md")


BAD_FILES = [
    ("损坏.docx", random_bytes(3000), ("Word", "损坏")),
    ("半截.docx", b"PK\x03\x04" + random_bytes(500), ("Word",)),
    ("空的.md", b"", ("空",)),
    ("只有空白.md", b"  \n\n\t\n", ("空白",)),
    ("乱码.txt", random_bytes(3000, seed=3), ("编码", "UTF-8")),
    ("损坏.xlsx", random_bytes(2000), ("Excel",)),
    ("损坏.pdf", random_bytes(2000), ("PDF",)),
    ("空页.pdf", None, ("PDF", "文字")),
]


@pytest.mark.parametrize(("name", "data", "words"), BAD_FILES, ids=[n for n, _, _ in BAD_FILES])
def test_each_kind_of_bad_file_gives_one_chinese_line_and_nothing_else(cli_own, tmp_path, name, data, words):
    if data is None:  # a PDF page with no text, as a scan would be
        from pypdf import PdfWriter

        writer = PdfWriter()
        writer.add_blank_page(300, 300)
        buffer = io.BytesIO()
        writer.write(buffer)
        data = buffer.getvalue()
    folder = tmp_path / "one"
    folder.mkdir()
    bad = folder / name
    bad.write_bytes(data)
    (folder / "好的.md").write_text("羊绒大衣送洗前请先取下腰带和纽扣。", encoding="utf-8")

    result = cli_own("ingest", str(folder))

    assert result.code == 1, result.output
    assert_no_traceback(result)
    assert_one_chinese_line(result.stderr, bad, *words)
    # nothing but our own lines: no library warnings leaking to the user
    ours = ("跳过：", "提醒：", "导入完成：")
    assert [line for line in result.stderr.splitlines() if line.strip() and not line.startswith(ours)] == []
    assert hits_from(search(cli_own, "羊绒大衣"), "one/好的.md")


# --------------------------------------------------------------------------------------------------
# real documents and FAQ tables
# --------------------------------------------------------------------------------------------------

def test_real_docx_heading_and_paragraph(cli_own, tmp_path):
    from docx import Document

    folder = tmp_path / "word"
    folder.mkdir()
    document = Document()
    document.add_heading("羽绒服清洗须知", level=1)
    document.add_paragraph("羽绒服建议干洗，机洗请选轻柔模式并放三个网球一起烘干。")
    document.save(folder / "清洗.docx")

    result = cli_own("ingest", str(folder))
    assert result.code == 0, result.output

    passages = hits_from(search(cli_own, "羽绒服 网球"), "word/清洗.docx")
    assert len(passages) == 1
    assert passages[0]["section"] == "羽绒服清洗须知"
    assert "羽绒服建议干洗，机洗请选轻柔模式并放三个网球一起烘干。" in passages[0]["text"]


def test_real_pdf_text_is_ingested_per_page(cli_own, tmp_path):
    folder = tmp_path / "pdfs"
    folder.mkdir()
    (folder / "warranty.pdf").write_bytes(make_pdf("Zephyrine warranty covers ninety days"))

    result = cli_own("ingest", str(folder))
    assert result.code == 0, result.output

    passages = hits_from(search(cli_own, "Zephyrine"), "pdfs/warranty.pdf")
    assert len(passages) == 1
    assert passages[0]["section"] == "第1页"
    assert "Zephyrine warranty covers ninety days" in passages[0]["text"]


FAQ = [
    ("羊毛衫起球怎么办？", "可以用剃毛器轻轻去除，\n注意不要拉扯毛线，别用\"粘毛器\"硬粘。"),
    ("快递可以指定顺丰吗", "可以，顺丰需要补差价10元，下单时备注“顺丰”即可。"),
]


def test_csv_faq_in_gbk_comes_back_verbatim(cli_own, tmp_path):
    import csv

    folder = tmp_path / "faq"
    folder.mkdir()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["问题", "答案"])
    writer.writerows(FAQ)
    (folder / "常见问题.csv").write_bytes(buffer.getvalue().encode("gbk"))  # as Excel saves it on Chinese Windows

    result = cli_own("ingest", str(folder))
    assert result.code == 0, result.output

    for question, answer in FAQ:
        passages = hits_from(search(cli_own, question, "--type", "faq"), "faq/常见问题.csv")
        assert passages, question
        assert passages[0]["doc_type"] == "faq"
        assert passages[0]["section"] == question
        assert answer in passages[0]["text"]


def test_xlsx_faq_comes_back_verbatim(cli_own, tmp_path):
    from openpyxl import Workbook

    folder = tmp_path / "faq"
    folder.mkdir()
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["序号", "问题", "答案"])
    for number, (question, answer) in enumerate(FAQ, 1):
        sheet.append([number, question, answer])
    sheet.append([3, "这一行没有答案", None])
    workbook.save(folder / "常见问题.xlsx")

    result = cli_own("ingest", str(folder))
    assert result.code == 0, result.output

    for question, answer in FAQ:
        passages = hits_from(search(cli_own, question, "--type", "faq"), "faq/常见问题.xlsx")
        assert passages, question
        assert passages[0]["doc_type"] == "faq"
        assert answer in passages[0]["text"]
    # a row without an answer is not a FAQ pair
    assert not any("这一行没有答案" in p["text"] for p in search(cli_own, "这一行没有答案", "--type", "faq"))


def test_csv_without_question_and_answer_columns_is_one_clear_line(cli_own, tmp_path):
    folder = tmp_path / "faq"
    folder.mkdir()
    bad = folder / "表格.csv"
    bad.write_text("标题,内容\n退货地址,杭州市西湖区\n", encoding="utf-8")
    (folder / "好的.md").write_text("围巾的流苏请不要用力拉扯。", encoding="utf-8")

    result = cli_own("ingest", str(folder))

    assert result.code == 1, result.output
    assert_no_traceback(result)
    assert_one_chinese_line(result.stderr, bad, "问题", "答案", "标题、内容")
    assert hits_from(search(cli_own, "流苏"), "faq/好的.md")


# --------------------------------------------------------------------------------------------------
# broken shop folders
# --------------------------------------------------------------------------------------------------

TEA_HEADER = [
    "shop:",
    "  id: test-tea2",
    "  name: 山间茶舍",
    "  category: 茶叶",
    "no_reason_return_days: 0",
    "return_condition: 食品类商品拆封后不退不换",
    "return_shipping_quality_issue: shop",
    "return_shipping_buyer_reason: buyer",
    "freight_insurance: false",
    "ship_within_hours: 72",
    "free_shipping_threshold_yuan: 59",
    "bargain_limit_yuan: 5",
    "refund_working_days: 5",
    "invoice: none",
    "quality_claim_days: 2",
    "aftersale_reply_minutes: 30",
    "delay_compensation: 超过72小时未发货，赠送一份试饮茶包",
]


def write_shop(root: Path, header: list[str]) -> Path:
    folder = root / "test-tea2"
    (folder / "products").mkdir(parents=True)
    body = "# 山间茶舍店铺政策\n\n## 发货与包邮\n\n付款后72小时内发货，满59元包邮。\n"
    (folder / "policy.md").write_text("---\n" + "\n".join(header) + "\n---\n\n" + body, encoding="utf-8")
    (folder / "products" / "longjing.md").write_text("# 明前龙井\n\n## 规格\n\n每罐100克。\n", encoding="utf-8")
    return folder


def assert_other_shops_usable(cli_own) -> None:
    result = cli_own("shops", "--json")
    assert result.code == 0, result.output
    ids = [record["shop"]["id"] for record in json.loads(result.stdout)]
    assert "demo-fashion" in ids
    assert "demo-beauty" in ids
    assert "test-tea2" not in ids
    check = cli_own("check", "支持7天无理由退货，满99元包邮", "--shop", "demo-fashion")
    assert check.code == 0, check.output


def replace(header: list[str], prefix: str, new: str | None) -> list[str]:
    out = [new if line.startswith(prefix) else line for line in header]
    return [line for line in out if line is not None]


def test_malformed_yaml_front_matter_is_one_line_and_other_shops_stay_usable(cli_own, tmp_path):
    folder = write_shop(tmp_path / "shops", replace(TEA_HEADER, "  name:", "  name: 山间: 茶舍"))

    result = cli_own("ingest", str(folder))

    assert result.code == 1, result.output
    assert_no_traceback(result)
    assert_one_chinese_line(result.stderr, folder / "policy.md", "YAML", "格式有误")
    assert [line for line in result.stderr.splitlines() if line.startswith("跳过：")] == \
        lines_naming(result.stderr, folder / "policy.md")
    assert_other_shops_usable(cli_own)


@pytest.mark.parametrize(("prefix", "broken", "file_line"), [
    ("  name:", "  name: 山间: 茶舍", 4),             # a second colon in a value
    ("  category:", "   category: 茶叶", 5),           # wrong indentation
    ("refund_working_days:", "refund_working_days: 5: 7", 14),
])
def test_malformed_yaml_line_number_is_the_line_in_the_file(cli_own, tmp_path, prefix, broken, file_line):
    header = replace(TEA_HEADER, prefix, broken)
    folder = write_shop(tmp_path / "shops", header)
    policy_lines = (folder / "policy.md").read_text(encoding="utf-8").splitlines()
    assert policy_lines[file_line - 1] == broken  # the line as an editor numbers it

    result = cli_own("ingest", str(folder))

    assert result.code == 1, result.output
    assert_one_chinese_line(result.stderr, folder / "policy.md", f"第 {file_line} 行")


@pytest.mark.parametrize(("prefix", "new", "words"), [
    ("invoice:", None, ("缺少字段 invoice",)),
    ("ship_within_hours:", None, ("缺少字段 ship_within_hours",)),
    ("  category:", None, ("缺少字段 shop.category",)),
    ("ship_within_hours:", "ship_within_hours: 三天", ("ship_within_hours", "三天", "整数")),
    ("invoice:", "invoice: later", ("invoice", "later")),
    ("freight_insurance:", "freight_insurence: false", ("freight_insurance",)),  # a misspelt field
])
def test_missing_or_wrong_fact_field_is_one_line_naming_policy_and_field(cli_own, tmp_path, prefix, new, words):
    folder = write_shop(tmp_path / "shops", replace(TEA_HEADER, prefix, new))

    result = cli_own("ingest", str(folder))

    assert result.code == 1, result.output
    assert_no_traceback(result)
    assert_one_chinese_line(result.stderr, folder / "policy.md", *words)
    assert [line for line in result.stderr.splitlines() if line.startswith("跳过：")] == \
        lines_naming(result.stderr, folder / "policy.md")
    assert_other_shops_usable(cli_own)


def test_good_shop_folder_ingests_cleanly(cli_own, tmp_path):
    folder = write_shop(tmp_path / "shops", TEA_HEADER)

    result = cli_own("ingest", str(folder))

    assert result.code == 0, result.output
    records = {r["shop"]["id"]: r for r in json.loads(cli_own("shops", "--json").stdout)}
    assert records["test-tea2"]["facts"]["ship_within_hours"] == 72
    assert records["test-tea2"]["products"] == ["明前龙井"]
    assert {"demo-fashion", "demo-beauty"} <= set(records)


# --------------------------------------------------------------------------------------------------
# unknown shop
# --------------------------------------------------------------------------------------------------

def test_reply_for_unknown_shop_is_exit_2_and_one_chinese_line(cli_own):
    result = cli_own("reply", "能退吗", "--shop", "nope")

    assert result.code == 2
    assert_no_traceback(result)
    lines = [line for line in result.stderr.splitlines() if "nope" in line]
    assert len(lines) == 1, result.stderr
    assert "未找到店铺“nope”" in lines[0]
    assert "demo-fashion" in lines[0]  # it tells the user which shops there are
    assert result.stdout == ""


def test_corrupt_pdf_in_a_real_process_prints_only_the_chinese_line(own_home, tmp_path):
    """Run as the user does (a real process, no pytest log capture): library warnings must not leak."""
    from tests.conftest import run_entry_point

    folder = tmp_path / "pdfs"
    folder.mkdir()
    bad = folder / "损坏.pdf"
    bad.write_bytes(random_bytes(2000))
    (folder / "好的.md").write_text("羊绒大衣送洗前请先取下腰带和纽扣。", encoding="utf-8")

    result = run_entry_point(["ingest", str(folder)], cwd=tmp_path, env={"AIGC_CS_HOME": str(own_home)})

    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert_one_chinese_line(result.stderr, bad, "PDF")
    ours = ("跳过：", "提醒：", "导入完成：")
    assert [line for line in result.stderr.splitlines() if line.strip() and not line.startswith(ours)] == []
