"""Reporters for an eval run: a rich console table, JSON, JUnit XML and one self-contained HTML file."""

import re
from pathlib import Path
from typing import Any

from aigc_cs.evalkit.runner import CaseResult, Report, SuiteResult

_XML_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
STATUS_NAMES = {"ok": "与基线持平", "regression": "退步", "improvement": "进步", "no_baseline": "无基线",
                "not_comparable": "不可比"}


def ordered(cases: list[CaseResult]) -> list[CaseResult]:
    """Failing cases first, each group in suite order."""
    return [c for c in cases if not c.passed] + [c for c in cases if c.passed]


def _mark(ok: bool) -> str:
    return "[green]✓[/green]" if ok else "[red]✗[/red]"


def console_tables(report: Report, verbose: bool = False) -> list[Any]:
    """One rich table per suite: a row per case, and a row per assertion for the failing ones (all with verbose)."""
    from rich.markup import escape
    from rich.table import Column, Table

    out: list[Any] = []
    for suite in report.suites:
        title = (f"{suite.id} · 任务 {suite.task} · 引擎 {suite.engine} · 通过 {sum(c.passed for c in suite.cases)}"
                 f"/{len(suite.cases)} · 平均分 {suite.mean_score:.3f} · {suite.seconds:.1f}s")
        table = Table(Column("用例", overflow="fold", max_width=28), Column("断言", overflow="fold", max_width=36),
                      Column("结果", justify="center"), Column("得分", justify="right"),
                      Column("说明（问题片段 / 差异）", overflow="fold"), title=title, title_justify="left")
        for case in ordered(suite.cases):
            runs = f"（{case.passes}/{case.runs} 次通过）" if case.runs > 1 else ""
            failing = case.failures()
            table.add_row(escape(case.id), f"{len(case.assertions) - len(failing)}/{len(case.assertions)} 条通过{runs}",
                          _mark(case.passed), f"{case.score:.3f}", "")
            for a in case.assertions if verbose else failing:
                table.add_row("", escape(a.label), _mark(a.passed), f"{a.score:.3f}", escape(a.detail))
        for a in suite.across:
            table.add_row("（跨用例）", escape(a.label), _mark(a.passed), f"{a.score:.3f}", escape(a.detail))
        out.append(table)
        comparison = suite.comparison
        if comparison is not None:
            colour = {"regression": "red", "improvement": "green"}.get(comparison.status, "dim")
            line = f"[{colour}]基线：{STATUS_NAMES[comparison.status]}[/{colour}]"
            extra = comparison.notes + ([f"新通过：{'、'.join(comparison.better)}"] if comparison.better else []) + \
                ([f"由通过变失败：{'、'.join(comparison.worse)}"] if comparison.worse else [])
            out.append(line + ("　" + escape("；".join(extra)) if extra else ""))
    return out


def summary(report: Report) -> str:
    cases = sum(len(s.cases) for s in report.suites)
    failed = report.failed_cases
    text = f"{len(report.suites)} 个套件，{cases} 个用例，失败 {failed}，用时 {report.seconds:.1f}s"
    if report.regressions:
        text += f"；相对基线退步：{'、'.join(report.regressions)}"
    return text


def closing_line(report: Report) -> str:
    """The last line, in the form CI runners read: ``eval: N passed, N failed``."""
    cases = [c.passed for s in report.suites for c in s.cases] + [a.passed for s in report.suites for a in s.across]
    return f"eval: {sum(cases)} passed, {len(cases) - sum(cases) + len(report.regressions)} failed"


def write_json(report: Report, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report.model_dump_json(indent=1), encoding="utf-8")


def _clean(text: str) -> str:
    return _XML_BAD.sub("", text)


def junit_xml(report: Report) -> str:
    """JUnit XML: a <testsuite> per suite, a <testcase> per case (plus cross-case checks and the baseline check)."""
    import xml.etree.ElementTree as ET

    total = sum(len(s.cases) + len(s.across) + (s.comparison is not None) for s in report.suites)
    failures = report.failed_cases + len(report.regressions)
    root = ET.Element("testsuites", name="aigc-cs eval", tests=str(total), failures=str(failures), errors="0",
                      time=f"{report.seconds:.3f}")
    for suite in report.suites:
        cases = len(suite.cases) + len(suite.across) + (suite.comparison is not None)
        failed = sum(not c.passed for c in suite.cases) + sum(not a.passed for a in suite.across) + suite.regressed
        node = ET.SubElement(root, "testsuite", name=suite.id, tests=str(cases), failures=str(failed), errors="0",
                             skipped="0", time=f"{suite.seconds:.3f}")
        props = ET.SubElement(node, "properties")
        for key, value in (("task", suite.task), ("engine", suite.engine), ("file", suite.file),
                           ("retrieval", suite.retrieval), ("repeat", str(suite.repeat)), ("reducer", suite.reducer)):
            ET.SubElement(props, "property", name=key, value=value)
        for case in suite.cases:
            tc = ET.SubElement(node, "testcase", classname=suite.id, name=_clean(case.id), time=f"{case.seconds:.3f}")
            if not case.passed:
                failing = case.failures()
                message = "；".join(f"{a.label}: {a.detail}" for a in failing)
                failure = ET.SubElement(tc, "failure", message=_clean(message[:500]), type="assertion")
                failure.text = _clean("\n".join(f"✗ {a.label}\n  {a.detail}" for a in failing))
            ET.SubElement(tc, "system-out").text = _clean(case.text or (case.error or ""))
        for a in suite.across:
            tc = ET.SubElement(node, "testcase", classname=suite.id, name=_clean(f"（跨用例）{a.label}"), time="0")
            if not a.passed:
                ET.SubElement(tc, "failure", message=_clean(a.detail[:500]), type="assertion").text = _clean(a.detail)
        if suite.comparison is not None:
            tc = ET.SubElement(node, "testcase", classname=suite.id, name="（基线）", time="0")
            if suite.regressed:
                notes = "；".join(suite.comparison.notes)
                ET.SubElement(tc, "failure", message=_clean(notes[:500]), type="regression").text = _clean(notes)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_junit(report: Report, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(junit_xml(report), encoding="utf-8")


def html(report: Report) -> str:
    """One self-contained HTML page: inline CSS, no scripts or links to anywhere."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(str(Path(__file__).parent)), autoescape=select_autoescape(["j2"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["ordered"] = ordered
    suites: list[SuiteResult] = sorted(report.suites, key=lambda s: (s.passed and not s.regressed))
    return env.get_template("report.html.j2").render(report=report, suites=suites, summary=summary(report),
                                                     status_names=STATUS_NAMES)


def write_html(report: Report, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html(report), encoding="utf-8")
