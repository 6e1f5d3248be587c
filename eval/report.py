"""The evaluation report: Markdown and a self-contained HTML page (no external asset)."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from eval.metrics import METRIC_LABELS, TABLE_COLUMNS, ItemScore, failed

_CATEGORY_COLUMNS = tuple(name for name, _ in TABLE_COLUMNS)
_CHART = ("keyword_accuracy", "citation_recall")


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[str]]


def write_report(folder: Path, title: str, overall: dict[str, float], by_category: dict[str, dict[str, float]],
                 scores: list[ItemScore], baseline: dict[str, float] | None, naive: dict[str, float] | None) -> list[Path]:
    """Write report.md and report.html into `folder`; returns their paths."""
    tables = [_overall(overall, baseline, naive), _categories(by_category), _failures(scores)]
    folder.mkdir(parents=True, exist_ok=True)
    markdown, page = folder / "report.md", folder / "report.html"
    markdown.write_text(_markdown(title, tables), encoding="utf-8")
    page.write_text(_html(title, tables, by_category), encoding="utf-8")
    return [markdown, page]


def _fmt(value: float | None) -> str:
    return "—" if value is None else (f"{value:.0f}" if value >= 10 else f"{value:.3f}")


def _overall(overall: dict[str, float], baseline: dict[str, float] | None, naive: dict[str, float] | None) -> Table:
    header = ["指标", "本次"] + (["基线"] if baseline else []) + (["朴素流水线（切块500字+向量top4）"] if naive else [])
    rows = []
    for name, label in METRIC_LABELS.items():
        if name in overall:
            row = [label, _fmt(overall[name])]
            row += [_fmt(baseline.get(name))] if baseline else []
            row += [_fmt(naive.get(name))] if naive else []
            rows.append(row)
    return Table("总体指标", header, rows)


def _categories(by_category: dict[str, dict[str, float]]) -> Table:
    rows = [[category] + [_fmt(values.get(name)) for name in _CATEGORY_COLUMNS] for category, values in by_category.items()]
    return Table("分类指标", ["类别"] + [METRIC_LABELS[name] for name in _CATEGORY_COLUMNS], rows)


def _failures(scores: list[ItemScore]) -> Table:
    rows = []
    for item_score in scores:
        reasons = failed(item_score)
        if reasons:
            item = item_score.item
            expected = "；".join(f"{e.doc} {e.clause}" for e in item.expected) or "（应拒答）"
            rows.append([item.id, item.category, item.question, expected, "；".join(item_score.cited) or "（无）",
                         "、".join(METRIC_LABELS.get(r, r) for r in reasons)])
    return Table(f"未通过的题目（{len(rows)}）", ["编号", "类别", "问题", "应引用", "实际引用", "未通过"], rows)


def _markdown(title: str, tables: list[Table]) -> str:
    parts = [f"# {title}"]
    for table in tables:
        parts.append(f"## {table.title}")
        lines = ["| " + " | ".join(table.header) + " |", "|" + "---|" * len(table.header)]
        lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in table.rows]
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def _html(title: str, tables: list[Table], by_category: dict[str, dict[str, float]]) -> str:
    sections = [f"<h2>{html.escape(t.title)}</h2><table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in t.header)
                + "</tr>" + "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in t.rows)
                + "</table>" for t in tables]
    sections.insert(2, "<h2>分类对比图</h2>" + _chart(by_category))
    style = ("body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin-bottom:1.5em}"
             "td,th{border:1px solid #ccc;padding:4px 8px;font-size:14px;text-align:left}th{background:#f3f3f3}")
    return (f"<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            f"<style>{style}</style></head><body><h1>{html.escape(title)}</h1>{''.join(sections)}</body></html>\n")


def _chart(by_category: dict[str, dict[str, float]]) -> str:
    """Inline SVG bars: keyword accuracy and citation recall per category."""
    colours = ("#3b6ea5", "#e39b2d")
    bar, gap, height = 14, 22, 160
    width = len(by_category) * (len(_CHART) * bar + gap) + 40
    shapes = [f'<line x1="30" y1="{height}" x2="{width}" y2="{height}" stroke="#999"/>']
    for i, (category, values) in enumerate(by_category.items()):
        x = 40 + i * (len(_CHART) * bar + gap)
        for j, name in enumerate(_CHART):
            value = values.get(name)
            if value is not None:
                h = value * (height - 10)
                shapes.append(f'<rect x="{x + j * bar}" y="{height - h:.1f}" width="{bar - 2}" height="{h:.1f}" fill="{colours[j]}">'
                              f"<title>{html.escape(category)} {METRIC_LABELS[name]} {value:.2f}</title></rect>")
        shapes.append(f'<text x="{x}" y="{height + 14}" font-size="11">{html.escape(category)}</text>')
    legend = "".join(f'<tspan fill="{colours[j]}">■ {METRIC_LABELS[name]}　</tspan>' for j, name in enumerate(_CHART))
    shapes.append(f'<text x="40" y="12" font-size="12">{legend}</text>')
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 24}">{"".join(shapes)}</svg>'
