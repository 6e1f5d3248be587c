"""How well the parser reads documents it was not written for: the development corpus (eval/corpora/dev/)
against its oracle (expected/*.json, written by reading each document).

Per document: numbered items found (by number and first words, in order), with the right parents, with
the right heading (where the oracle gives one), with the right responsible units; and the metadata
fields. `python -m eval.parsing` prints the table; tests/ingest/test_dev_corpus.py holds the floors.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from ingest.loaders import SUPPORTED_SUFFIXES
from ingest.models import Clause, Document
from ingest.normalize import normalise
from ingest.pipeline import parse_file

DEV_CORPUS = Path(__file__).resolve().parent / "corpora" / "dev"
_MAX_BYTES = 10 * 2**20


@dataclass
class DocumentScore:
    file: str
    items: int = 0
    found: int = 0
    placed: int = 0  # found under the right parents
    headings: int = 0  # items the oracle gives a heading for
    headings_right: int = 0
    units: int = 0  # items the oracle gives responsible units for
    units_right: int = 0
    forms: int = 0  # blank forms the oracle lists (申请表 …)
    forms_right: int = 0  # found as an appendix of kind "form" with their title
    meta_right: int = 0
    meta_fields: int = 0
    misplaced: list[tuple[str, str]] | None = None  # (number, first words) of items missing or misplaced
    meta_wrong: list[tuple[str, Any]] | None = None


def development_documents() -> list[Path]:
    """The documents of the development corpus (not its SOURCES.md or oracles)."""
    return sorted(path for path in DEV_CORPUS.iterdir() if path.suffix in SUPPORTED_SUFFIXES and path.name != "SOURCES.md")


def oracles() -> list[Path]:
    return sorted((DEV_CORPUS / "expected").glob("*.json"))


def score(oracle: Path) -> DocumentScore:
    expected = json.loads(oracle.read_text(encoding="utf-8"))
    document = parse_file(DEV_CORPUS / expected["file"], _MAX_BYTES)
    result = DocumentScore(expected["file"], misplaced=[], meta_wrong=[])
    _score_items(document, [item for item in expected["items"] if not item.get("appendix")], result)
    _score_meta(document, expected["meta"], result)
    form_titles = {c.heading for c in document.clauses if c.kind == "form"}
    result.forms = len(expected.get("forms", []))
    result.forms_right = sum(normalise(form["title"]).text in form_titles for form in expected.get("forms", []))
    return result


def _score_items(document: Document, items: list[dict[str, Any]], result: DocumentScore) -> None:
    clauses = [c for c in document.clauses if c.kind == "clause"]
    position = 0
    for item in items:
        result.items += 1
        found = _found(clauses, position, item)
        if found is None:
            result.misplaced.append((item["number"], item["starts_with"]))  # type: ignore[union-attr]
            continue
        position = found + 1
        clause = clauses[found]
        result.found += 1
        if _parents(document, clause) == [number(p) for p in item["parents"]]:
            result.placed += 1
        else:
            result.misplaced.append((item["number"], item["starts_with"]))  # type: ignore[union-attr]
        if item["heading"]:
            result.headings += 1
            result.headings_right += _bare(clause.heading) == _bare(normalise(item["heading"]).text)
        if item["lead_units"]:
            result.units += 1
            wanted = _unit_key([normalise(unit).text for unit in item["lead_units"]])
            result.units_right += wanted in (_unit_key(clause.lead_units), _unit_key(clause.units))


def _score_meta(document: Document, printed: dict[str, Any], result: DocumentScore) -> None:
    meta = document.meta
    checks = {"title": title_matches(normalise(meta.title).text, normalise(printed["title"]).text),
              "issuers": meta.issuers == printed["issuers"],
              "doc_number": meta.doc_number == normalise(printed["doc_number"]).text,
              "date": meta.date == printed["date"],
              "region": meta.region == printed["region"],
              "level": meta.level == printed["level"]}
    result.meta_fields = len(checks)
    result.meta_right = sum(checks.values())
    result.meta_wrong = [(name, getattr(meta, name)) for name, ok in checks.items() if not ok]


def title_matches(parsed: str, printed: str) -> bool:
    """The printed title, or for a 印发 notice the name of the document it issues (how the project titles
    one: 《赤峰市…实施方案》, cited with the notice's 文号)."""
    issued = re.search(r"关于印发(.+)的(?:通知|函)$", printed)
    return parsed in (printed, issued.group(1).strip("《》") if issued else printed)


def number(written: str) -> str:
    """A number as printed ("（一）", "1.", "第三条", "一、") compared without its punctuation."""
    return re.sub(r"[、.．\s（）()]", "", normalise(written).text) if written else ""


def _found(clauses: list[Clause], after: int, item: dict[str, Any]) -> int | None:
    """Where the item is among the clauses, searching on from the previous item (items are in document order)."""
    start = normalise(item["starts_with"]).text[:8]
    return next((i for i in range(after, len(clauses)) if number(clauses[i].label) == number(item["number"])
                 and (start in clauses[i].text[:60] or start in clauses[i].heading)), None)


def _parents(document: Document, clause: Clause) -> list[str]:
    chain, node = [], clause
    while node.parent_path and (node := document.clause(node.parent_path)) is not None:
        chain.insert(0, number(node.label))
    return chain


def _bare(heading: str) -> str:
    return heading.rstrip("。：:；; ")


def _unit_key(names: list[str]) -> list[str]:
    """Unit names as compared: the project may add the level a list leaves out (教育局 → 市教育局)."""
    return [re.sub(r"^[省市县区盟旗]", "", name).replace("（", "(").replace("）", ")") for name in names]


def totals(scores: list[DocumentScore]) -> DocumentScore:
    total = DocumentScore("总计")
    for item in fields(DocumentScore):
        if isinstance(getattr(total, item.name), int):
            setattr(total, item.name, sum(getattr(s, item.name) for s in scores))
    return total


def main() -> None:
    scores = [score(oracle) for oracle in oracles()]
    print(f"{'文件':48} {'条目':>5} {'找到':>5} {'位置对':>6} {'标题对':>9} {'责任单位对':>10} {'表单':>6} {'元数据对':>8}")
    for s in [*scores, totals(scores)]:
        print(f"{s.file[:48]:48} {s.items:5} {s.found:5} {s.placed:6} {s.headings_right:4}/{s.headings:<4} "
              f"{s.units_right:5}/{s.units:<4} {s.forms_right:2}/{s.forms:<2} {s.meta_right:4}/{s.meta_fields:<3}")
        for name, value in s.meta_wrong or []:
            print(f"{'':8}元数据 {name}: {value!r}")


if __name__ == "__main__":
    main()
