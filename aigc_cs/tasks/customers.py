"""Read a shop's purchase data (csv in UTF-8 or GBK, or xlsx) into customers, for `revisit`.

Columns are found by their common Chinese names (客户/昵称/买家, 最近购买日期/最后下单时间, 购买次数/订单数, 累计金额/消费金额,
品类/商品, 备注; corpus/phrasebook/revisit.yaml). A bad row is one readable line (which row, which column, what to
write instead) and the other rows go on; a missing column or a file without one usable row is one `UserError` line.
"""

import csv
import io
import re
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from pydantic import BaseModel

from aigc_cs.errors import UserError
from aigc_cs.kb.loaders import column, read_raw, table_rows
from aigc_cs.paths import corpus_yaml
from aigc_cs.text import to_number

BOOK_FILE = "phrasebook/revisit.yaml"
MAX_CUSTOMERS = 2000
SUFFIXES = (".csv", ".xlsx")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_EXCEL_DAY0 = date(1899, 12, 30)  # day 0 of Excel's serial dates
_EXCEL_SERIALS = (20000, 80000)  # serials of 1954..2119: a bare number in a date column
_MONEY = re.compile(r"(\d+(?:\.\d+)?)(万)?")
_OVERFLOW = "这一行的格子比列名多（多半是金额里的千分位逗号，如 1,280），请去掉逗号或给这个格子加上引号"


class ColumnSpec(BaseModel):
    label: str  # the name a teacher reads in a message
    names: list[str]  # header variants, first match wins
    required: bool = False


class Customer(BaseModel):
    row: int  # the row of the table (the header is row 1)
    name: str
    last_date: date
    orders: int
    amount: float
    product: str = ""
    note: str = ""


class CustomerTable(BaseModel):
    source: str
    customers: list[Customer]
    skipped: list[str] = []  # one line per bad row


@cache
def columns() -> dict[str, ColumnSpec]:
    return {key: ColumnSpec.model_validate(spec) for key, spec in corpus_yaml(BOOK_FILE)["columns"].items()}


def read_customers(value: str | Path) -> CustomerTable:
    """The customers of a csv/xlsx file, or of csv text (a suite's inline table)."""
    text = str(value)
    if isinstance(value, str) and "\n" in value:
        rows = [row for row in csv.reader(io.StringIO(value.strip())) if any(cell.strip() for cell in row)]
        return _table(rows, "客户表")
    path = Path(value)
    if not path.is_file():
        raise UserError(f"{text}：客户文件不存在，请检查路径（需要 .csv 或 .xlsx）")
    if path.suffix.lower() not in SUFFIXES:
        raise UserError(f"{text}：客户文件只支持 .csv 或 .xlsx，请在 Excel 里另存为其中一种")
    return _table(table_rows(read_raw(path), path), text)


def _table(rows: list[list[str]], source: str) -> CustomerTable:
    specs = columns()
    needed = "、".join(s.label for s in specs.values() if s.required)
    if not rows:
        raise UserError(f"{source}：表格是空的；第一行需要列名：{needed}（可选：品类/商品、备注）")
    header = rows[0]
    where = {key: column(header, tuple(n.lower() for n in spec.names)) for key, spec in specs.items()}
    for key, spec in specs.items():
        if spec.required and where[key] is None:
            raise UserError(f"{source}：缺少“{spec.label}”列；第一行需要 {needed}（可选：品类/商品、备注），"
                            f"现在是：{'、'.join(c.strip() for c in header if c.strip()) or '（空）'}")
    if len(rows) - 1 > MAX_CUSTOMERS:
        raise UserError(f"{source}：客户太多（{len(rows) - 1} 行），一次最多 {MAX_CUSTOMERS} 行，请分成几个文件")
    customers: list[Customer] = []
    skipped: list[str] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[1:], 2):
        cells = {key: (row[i].strip() if i is not None and i < len(row) else "") for key, i in where.items()}
        overflow = len(row) > len(header) and (any(cell.strip() for cell in row[len(header):])
                                               or _split_amount(row, where["amount"]))
        problem = _OVERFLOW if overflow else _problem(cells, seen)
        if problem:
            skipped.append(f"{source} 第 {number} 行：{problem}，这一行已跳过")
            continue
        seen[cells["name"]] = number
        customers.append(Customer(row=number, name=cells["name"], last_date=_date(cells["last_date"]),  # type: ignore[arg-type]
                                  orders=_count(cells["orders"]), amount=_money(cells["amount"]),  # type: ignore[arg-type]
                                  product=cells.get("product", ""), note=cells.get("note", "")))
    if not customers:
        first = skipped[0].split("：", 1)[-1] if skipped else "表格里只有列名"
        raise UserError(f"{source}：没有一行可用的客户数据（{first}）")
    return CustomerTable(source=source, customers=customers, skipped=skipped)


def _split_amount(row: list[str], at: int | None) -> bool:
    """An amount cut in two by its thousands comma: "¥1" and "020.00" in two cells."""
    return at is not None and at + 1 < len(row) and bool(re.search(r"\d$", row[at].strip())) \
        and bool(re.fullmatch(r"\d{3}(?:\.\d+)?", row[at + 1].strip()))


def _problem(cells: dict[str, str], seen: dict[str, int]) -> str | None:
    """What is wrong with a row, in the words of its column, or None."""
    label = {key: spec.label for key, spec in columns().items()}
    if not cells["name"]:
        return f"没有填“{label['name']}”"
    if cells["name"] in seen:
        return f"{label['name']}“{cells['name']}”和第 {seen[cells['name']]} 行重复"
    if _date(cells["last_date"]) is None:
        return f"“{label['last_date']}”是“{cells['last_date']}”，看不懂；请写成 2026-11-20 这样的日期"
    count = _count(cells["orders"])
    if count is None or count < 1:
        return f"“{label['orders']}”是“{cells['orders']}”，应是 1 以上的整数"
    amount = _money(cells["amount"])
    if amount is None or amount < 0:
        return f"“{label['amount']}”是“{cells['amount']}”，应是金额数字（如 1280 或 ¥1,280.00）"
    return None


def _date(cell: str) -> date | None:
    m = _DATE.search(cell)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    number = to_number(cell) if re.fullmatch(r"\d+(?:\.\d+)?", cell) else None
    if number is not None and _EXCEL_SERIALS[0] <= number <= _EXCEL_SERIALS[1]:
        return _EXCEL_DAY0 + timedelta(days=int(number))
    return None


def _count(cell: str) -> int | None:
    text = re.sub(r"\s|次|单|笔", "", cell)
    number = to_number(text) if text else None
    return int(number) if number is not None and number == int(number) else None


def _money(cell: str) -> float | None:
    m = _MONEY.fullmatch(re.sub(r"[\s,，¥￥元]|RMB|CNY", "", cell, flags=re.IGNORECASE))
    if not m:
        return None
    return float(m.group(1)) * (10000 if m.group(2) else 1)
