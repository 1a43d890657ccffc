# Two commands: `make demo` and `make test`. Both create .venv and install everything from scratch.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)
export AIGC_CS_HOME ?= .aigc-cs

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $@

demo: $(STAMP)
	$(BIN)/aigc-cs ingest
	$(BIN)/aigc-cs shops
	$(BIN)/aigc-cs reply "衣服不合适可以退吗" --shop demo-fashion
	$(BIN)/aigc-cs reply "这个面霜油不油？敏感肌能用吗" --shop demo-beauty
	@echo "--- 政策检查：下面这句话故意写错了退货天数，检查器会指出来（退出码 1）"
	$(BIN)/aigc-cs check "亲，我们支持30天无理由退货哦" --shop demo-fashion || true
	@echo "--- 给一份学生答案打分（离线规则评分），附改进版本"
	$(BIN)/aigc-cs grade "在的。可以退欵，30天内都行" --rubric presale-reply --shop demo-fashion --scenario "衣服不合适可以退吗"
	@echo "--- 为保湿面霜生成 5 条常见问题与标准回复，存成 Word"
	$(BIN)/aigc-cs faq --shop demo-beauty --product 保湿面霜 -n 5 --out $(AIGC_CS_HOME)/面霜FAQ.docx

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q
	$(BIN)/aigc-cs eval run --junit $(AIGC_CS_HOME)/eval-junit.xml --html $(AIGC_CS_HOME)/eval-report.html

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .aigc-cs .pytest_cache .ruff_cache
