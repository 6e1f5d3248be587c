"""A folder parse survives any one file, and gives one document per document identity."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

import ingest.pipeline
from ingest.normalize import NormalisedText
from ingest.pipeline import make_doc_id, parse_paths

MB = 2**20
PLAN = "某市推动城乡建设绿色发展实施方案\n一、总体要求\n（一）主要目标。到2025年，城镇清洁取暖率达到{}%。\n"


def _write(path: Path, text: str, mtime: int) -> Path:
    path.write_text(text, encoding="utf-8")
    os.utime(path, (mtime, mtime))
    return path


def test_an_unexpected_error_in_one_file_skips_only_that_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    _write(tmp_path / "a-good.txt", PLAN.format(90), 1_000)
    _write(tmp_path / "b-crash.txt", PLAN.format(91) + "触发解析器缺陷\n", 1_000)
    _write(tmp_path / "c-good.txt", PLAN.format(92), 1_000)
    normalise = ingest.pipeline.normalise

    def crashing(raw: str) -> NormalisedText:
        if "触发解析器缺陷" in raw:
            raise RuntimeError("bug")
        return normalise(raw)

    monkeypatch.setattr(ingest.pipeline, "normalise", crashing)
    with caplog.at_level(logging.ERROR, logger="ingest.pipeline"):
        result = parse_paths([tmp_path], MB)
    assert [d.meta.source_file for d in result.documents] == ["a-good.txt", "c-good.txt"]
    assert [(Path(s.path).name, s.reason) for s in result.skipped] == [("b-crash.txt", "解析失败（RuntimeError）")]
    assert any(record.exc_info and "b-crash.txt" in record.getMessage() for record in caplog.records)


def test_two_versions_of_one_document_keep_the_newer(tmp_path: Path) -> None:
    import docx

    _write(tmp_path / "chifeng-2023.txt", PLAN.format(90), 1_000)
    newer = tmp_path / "Chifeng-2023.docx"
    document = docx.Document()
    for line in PLAN.format(95).strip().split("\n"):
        document.add_paragraph(line)
    document.save(str(newer))
    os.utime(newer, (2_000, 2_000))
    result = parse_paths([tmp_path], MB)
    assert [(d.doc_id, d.meta.source_file) for d in result.documents] == [("chifeng-2023", "Chifeng-2023.docx")]
    assert "95%" in result.documents[0].text
    assert [(Path(s.path).name, s.reason) for s in result.skipped] == [
        ("chifeng-2023.txt", "与“Chifeng-2023.docx”是同一文档的另一版本，已使用较新的“Chifeng-2023.docx”")]


def test_the_newest_version_wins_whatever_the_listing_order(tmp_path: Path) -> None:
    _write(tmp_path / "Plan.txt", PLAN.format(90), 2_000)
    _write(tmp_path / "plan.md", PLAN.format(80), 1_000)
    result = parse_paths([tmp_path], MB)
    assert [(d.doc_id, d.meta.source_file) for d in result.documents] == [("plan", "Plan.txt")]
    assert [Path(s.path).name for s in result.skipped] == ["plan.md"]


def test_a_newer_version_that_cannot_be_read_leaves_the_newest_readable_one(tmp_path: Path) -> None:
    _write(tmp_path / "plan.txt", PLAN.format(90), 1_000)
    _write(tmp_path / "Plan.md", PLAN.format(95), 2_000)
    (tmp_path / "plan.docx").write_bytes(b"not a zip")  # the newest file
    result = parse_paths([tmp_path], MB)
    assert [(d.doc_id, d.meta.source_file) for d in result.documents] == [("plan", "Plan.md")]
    assert {Path(s.path).name: s.reason for s in result.skipped} == {
        "plan.docx": "无法读取 docx 文件（不是有效的 zip 压缩包：BadZipFile）",
        "plan.txt": "与“Plan.md”是同一文档的另一版本，已使用较新的“Plan.md”"}


def test_one_name_in_two_folders_is_two_documents_but_versions_in_one_folder_are_one(tmp_path: Path) -> None:
    (tmp_path / "chifeng").mkdir()
    (tmp_path / "tongliao").mkdir()
    _write(tmp_path / "chifeng" / "plan.txt", PLAN.format(90), 1_000)
    _write(tmp_path / "chifeng" / "plan.html", f"<p>{PLAN.format(91)}</p>", 500)
    _write(tmp_path / "tongliao" / "Plan.txt", PLAN.format(80), 2_000)
    result = parse_paths([tmp_path], MB)
    assert [(d.doc_id, d.meta.source_file) for d in result.documents] == [("plan", "plan.txt"), ("plan-2", "Plan.txt")]
    assert [Path(s.path).name for s in result.skipped] == ["plan.html"]


def test_a_270_byte_file_name_gives_a_bounded_id() -> None:
    stem = ("内蒙古自治区住房和城乡建设厅关于印发推动城乡建设绿色发展实施方案的通知" * 3)[:89]
    first, second = make_doc_id(stem + "一.docx"), make_doc_id(stem + "二.docx")
    assert len((stem + "一").encode("utf-8")) == 270
    assert len(first) <= 80 and len(second) <= 80
    assert first != second  # names that differ only at the end stay apart
    assert first == make_doc_id(stem + "一.TXT")  # the same document in another format: the same id
    assert make_doc_id("chifeng-2023-green-development.txt") == "chifeng-2023-green-development"
