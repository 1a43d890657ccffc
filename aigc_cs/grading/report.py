"""The class report: one row per student, class statistics, the most common faults, and a sheet the teacher
can override (kept across re-runs and logged). Written as XLSX and as one self-contained HTML file."""

import html
import statistics
from collections import Counter
from pathlib import Path

from pydantic import BaseModel

from aigc_cs.files import replacing, write_text_atomic
from aigc_cs.grading.batch import StudentResult
from aigc_cs.grading.handout import FLAGS
from aigc_cs.grading.models import Grade
from aigc_cs.grading.overrides import Overrides, SheetRows
from aigc_cs.grading.rubric import Rubric

OVERRIDE_SHEET = "教师复核"
BAND_LABELS = ("0-19", "20-39", "40-59", "60-79", "80-100")


class ClassStats(BaseModel):
    graded: int
    failed: int
    mean: float
    median: float
    stdev: float
    bands: dict[str, int]
    criterion_means: dict[str, float]
    top_faults: list[tuple[str, int]]


def fault_label(kind: str, message: str) -> str:
    """A fault as a class report counts it: policy errors by what the policy says, others by their first clause."""
    if kind == "policy" and "与店铺政策不符：" in message:
        return "政策不符：" + message.split("与店铺政策不符：", 1)[1]
    return message.split("；")[0]


def final_total(result: StudentResult, overrides: Overrides) -> float | None:
    """The total that counts: the teacher's override where there is one, else the graded total."""
    if result.sid in overrides:
        return overrides[result.sid][0]
    return result.grade.total if result.grade else None


def flag_text(grade: Grade) -> str:
    """A grade's flags as the Chinese lines students and teachers read."""
    return "".join(FLAGS.get(flag, flag) for flag in grade.flags)


def stats(results: list[StudentResult], rubric: Rubric, overrides: Overrides) -> ClassStats:
    """Class statistics over the graded students, on the final (overridden) totals."""
    grades = [r.grade for r in results if r.grade]
    totals = [total / r.grade.scale * 100 for r in results
              if r.grade and (total := final_total(r, overrides)) is not None]
    bands = Counter(BAND_LABELS[min(4, int(t // 20))] for t in totals)
    faults = Counter(fault_label(f.kind, f.message) for g in grades for f in g.faults if f.kind != "injection")
    return ClassStats(
        graded=len(grades), failed=len(results) - len(grades),
        mean=round(statistics.fmean(totals), 1) if totals else 0.0,
        median=round(statistics.median(totals), 1) if totals else 0.0,
        stdev=round(statistics.pstdev(totals), 1) if totals else 0.0,
        bands={label: bands.get(label, 0) for label in BAND_LABELS},
        criterion_means={c.name: round(statistics.fmean(
            next((s.points for s in g.criteria if s.id == c.id), 0.0) for g in grades), 1) if grades else 0.0
            for c in rubric.criteria},
        top_faults=faults.most_common(10),
    )


def read_overrides(path: Path) -> SheetRows | None:
    """The rows of the 教师复核 sheet of an earlier report: 学号 -> (教师总分 or None when empty, 说明); None when
    there is no readable report (the override journal still has every override)."""
    if not path.exists():
        return None
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, data_only=True)
    except Exception:  # a damaged old report: the journals still have every grade and override
        return None
    if OVERRIDE_SHEET not in book.sheetnames:
        return None
    found: SheetRows = {}
    for row in book[OVERRIDE_SHEET].iter_rows(min_row=2, values_only=True):
        sid, score, note = row[0], row[3] if len(row) > 3 else None, row[4] if len(row) > 4 else None
        if sid is None:
            continue
        try:
            found[str(sid)] = (None if score in (None, "") else float(score), "" if note is None else str(note))
        except (TypeError, ValueError):  # not a number: the journaled override, if any, stays
            continue
    return found


def write_xlsx(results: list[StudentResult], rubric: Rubric, path: Path,
               overrides: Overrides) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "成绩"
    sheet.append(["学号", "姓名", *(f"{c.name}({c.weight:g})" for c in rubric.criteria), "系统总分", "最终总分",
                  "标记", "主要问题", "错误"])
    for r in results:
        g = r.grade
        points = [next((s.points for s in g.criteria if s.id == c.id), "未评") for c in rubric.criteria] if g else \
            [""] * len(rubric.criteria)
        final = final_total(r, overrides)
        sheet.append([r.sid, r.name, *points, g.total if g else "", "" if final is None else final,
                      flag_text(g) if g else "",
                      "；".join(f.message for f in g.faults[:3]) if g else "", r.error or ""])
    s = stats(results, rubric, overrides)
    summary = book.create_sheet("班级统计")
    for row in (["已评分", s.graded], ["评分失败", s.failed], ["平均分(百分制)", s.mean], ["中位数", s.median],
                ["标准差", s.stdev]):
        summary.append(row)
    summary.append([])
    summary.append(["分数段", "人数"])
    for label, count in s.bands.items():
        summary.append([label, count])
    summary.append([])
    summary.append(["评分项", "平均得分"])
    for name, mean in s.criterion_means.items():
        summary.append([name, mean])
    faults = book.create_sheet("常见问题")
    faults.append(["问题", "人次"])
    for label, count in s.top_faults:
        faults.append([label, count])
    review = book.create_sheet(OVERRIDE_SHEET)
    review.append(["学号", "姓名", "系统总分", "教师总分（填写即覆盖）", "说明"])
    for r in results:
        score, note = overrides.get(r.sid, ("", ""))
        review.append([r.sid, r.name, r.grade.total if r.grade else "", score, note])
    for ws in book.worksheets:
        for cell in ws[1]:
            cell.font = Font(bold=True)
    with replacing(path) as tmp:
        book.save(str(tmp))


def write_html(results: list[StudentResult], rubric: Rubric, path: Path,
               overrides: Overrides) -> None:
    s = stats(results, rubric, overrides)
    peak = max(s.bands.values()) or 1
    bars = "".join(
        f'<g><rect x="{20 + i * 90}" y="{170 - 150 * n / peak:.0f}" width="60" height="{150 * n / peak:.0f}" '
        f'fill="#4a7bd0"/><text x="{50 + i * 90}" y="190" text-anchor="middle">{label}</text>'
        f'<text x="{50 + i * 90}" y="{165 - 150 * n / peak:.0f}" text-anchor="middle">{n}</text></g>'
        for i, (label, n) in enumerate(s.bands.items()))
    esc = html.escape
    rows = "".join(
        f"<tr><td>{esc(r.sid)}</td><td>{esc(r.name)}</td>"
        + "".join(f"<td>{next((f'{x.points:g}' for x in r.grade.criteria if x.id == c.id), '未评')}</td>" if r.grade else "<td></td>"
                  for c in rubric.criteria)
        + f"<td>{'' if (final := final_total(r, overrides)) is None else f'{final:g}'}</td>"
        + f"<td>{esc(flag_text(r.grade)) if r.grade else ''}</td>"
        + f"<td>{esc('；'.join(f.message for f in r.grade.faults[:3])) if r.grade else esc(r.error or '')}</td></tr>"
        for r in results)
    faults = "".join(f"<li>{esc(label)}（{count} 人次）</li>" for label, count in s.top_faults)
    head = "".join(f"<th>{esc(c.name)}</th>" for c in rubric.criteria)
    write_text_atomic(path, f"""<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>{esc(rubric.title)} 班级报告</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:4px 8px}}</style>
</head><body><h1>{esc(rubric.title)} · 班级报告</h1>
<p>已评分 {s.graded} 人，失败 {s.failed} 人；平均 {s.mean}，中位数 {s.median}，标准差 {s.stdev}（百分制）</p>
<h2>分数分布</h2><svg width="480" height="200" role="img" aria-label="分数分布">{bars}</svg>
<h2>常见问题</h2><ol>{faults}</ol>
<h2>学生成绩</h2><table><tr><th>学号</th><th>姓名</th>{head}<th>总分</th><th>标记</th><th>主要问题</th></tr>{rows}</table>
</body></html>""")
