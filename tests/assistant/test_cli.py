"""The command line as a user runs it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from assistant.interfaces.cli import main
from tests.conftest import CORPUS

PLAN = ("某市推动城乡建设绿色发展实施方案\n一、总体要求\n（一）主要目标。到2025年，城镇清洁取暖率达到90%。"
        "（市住房城乡建设局牵头，市发展改革委等按照职责分工负责）\n1.县城新建住宅最高不超过18层。\n")


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("POLICY_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COLUMNS", "200")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "plan.txt").write_bytes(PLAN.encode("gbk"))
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "scan.pdf").write_bytes(b"%PDF-1.4 not really")
    return tmp_path


@pytest.mark.integration  # ingests with the real embedding model
def test_ingest_summarises_and_reports_skipped_files(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest"]) == 0
    out = capsys.readouterr().out
    assert "索引完成" in out and "plan" in out
    assert "empty.txt" in out and "空文件" in out and "scan.pdf" in out
    assert main(["ingest"]) == 0
    assert "索引已是最新" in capsys.readouterr().out


@pytest.mark.integration  # ingests with the real embedding model
def test_clauses_and_search_after_ingest(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["ingest"])
    capsys.readouterr()
    assert main(["clauses", "plan"]) == 0
    tree = capsys.readouterr().out
    assert "一（一） 主要目标  牵头：市住房城乡建设局" in tree and "一（一）1 县城新建住宅最高不超过18层" in tree
    assert main(["search", "县城住宅最高几层", "-k", "1"]) == 0
    assert "一（一）1" in capsys.readouterr().out


@pytest.mark.integration  # the commands load the embedding model before they find nothing to do
def test_errors_are_clear_and_exit_non_zero(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "县城住宅最高几层"]) == 1
    assert "请先运行 `policy-assistant ingest`" in capsys.readouterr().out
    assert main(["ingest", str(data_dir / "nowhere")]) == 1
    assert "路径不存在" in capsys.readouterr().out
    assert main(["ingest", str(data_dir / "corpus" / "empty.txt")]) == 1
    assert "没有可加入的文档" in capsys.readouterr().out


@pytest.mark.integration  # ingests with the real embedding model
def test_ingesting_a_file_adds_it_to_the_library(data_dir: Path, tmp_path_factory: pytest.TempPathFactory,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    main(["ingest"])
    elsewhere = tmp_path_factory.mktemp("downloads")
    new_plan = elsewhere / "heating.txt"
    new_plan.write_text("某县冬季清洁取暖工作方案\n一、工作目标\n到2025年，全县清洁取暖率达到95%。\n", encoding="utf-8")
    (elsewhere / "broken.docx").write_bytes(b"not a zip")
    capsys.readouterr()
    assert main(["ingest", str(elsewhere)]) == 0
    out = capsys.readouterr().out
    assert "broken.docx" in out and "无法读取 docx" in out
    assert (data_dir / "corpus" / "heating.txt").read_bytes() == new_plan.read_bytes()
    assert not (data_dir / "corpus" / "broken.docx").exists()
    assert main(["clauses", "plan"]) == 0 and main(["clauses", "heating"]) == 0  # both documents are indexed


@pytest.mark.system  # runs the installed console script
def test_console_script_prints_a_documents_clause_tree(tmp_path: Path) -> None:
    script = shutil.which("policy-assistant")
    assert script, "the package is not installed (pip install -e .)"
    result = subprocess.run([script, "clauses", str(CORPUS / "chifeng-2023-green-development.txt")], cwd=tmp_path,  # no .env
                            capture_output=True, text=True, timeout=60, env={"COLUMNS": "200", "PATH": ""})
    assert result.returncode == 0, result.stderr
    assert "赤政办发〔2023〕61号" in result.stdout
    assert "三（一）2 建设人与自然和谐共生的美丽城市" in result.stdout


def test_search_shows_the_sentence_that_answers(corpus_index_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("POLICY_INDEX_DIR", str(corpus_index_dir))
    monkeypatch.setenv("COLUMNS", "300")
    assert main(["search", "县城新建住宅最高几层", "-k", "3"]) == 0
    out = capsys.readouterr().out
    assert "三（一）2" in out and "县城新建住宅以6层为主，最高不超过18层" in out


def test_ask_prints_the_answer_or_its_json(corpus_index_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    import json

    monkeypatch.setenv("POLICY_INDEX_DIR", str(corpus_index_dir))
    monkeypatch.setenv("COLUMNS", "300")
    assert main(["ask", "县城新建住宅最高几层"]) == 0
    assert "最高不超过18层" in capsys.readouterr().out
    assert main(["ask", "县城新建住宅最高几层", "--json", "--doc", "chifeng-2023-green-development"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["answerable"] and answer["citations"][0]["clause"] == "三（一）2"
    assert main(["ask", "  "]) == 1
    assert "问题不能为空" in capsys.readouterr().out


@pytest.mark.parametrize(("variable", "value"), [("POLICY_API_KEYS", '["broken'), ("POLICY_PORT", "not-a-port")])
def test_a_wrong_setting_is_named_in_chinese_without_a_traceback(data_dir: Path, capsys: pytest.CaptureFixture[str],
                                                                  monkeypatch: pytest.MonkeyPatch, variable: str,
                                                                  value: str) -> None:
    monkeypatch.setenv(variable, value)
    assert main(["search", "县城住宅"]) == 2
    out = capsys.readouterr().out
    assert "配置错误" in out and variable in out and "Traceback" not in out


def test_indicators_lists_filters_and_exports(corpus_index_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    monkeypatch.setenv("POLICY_INDEX_DIR", str(corpus_index_dir))
    monkeypatch.setenv("COLUMNS", "300")
    assert main(["indicators", "--region", "通辽", "--indicator", "清洁取暖"]) == 0
    out = capsys.readouterr().out
    assert "城镇清洁能源取暖率" in out and "赤峰" not in out
    assert main(["indicators", "--year", "2025", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[0].startswith("地区,文件,文号,条款,指标")
    assert main(["indicators", "--format", "xlsx"]) == 1  # binary to a terminal: asks for -o
    assert "-o" in capsys.readouterr().out
    assert main(["indicators", "--format", "xlsx", "-o", str(tmp_path / "指标.xlsx")]) == 0
    assert (tmp_path / "指标.xlsx").read_bytes().startswith(b"PK")  # a zip, as .xlsx files are
    assert main(["indicators", "--doc", "no-such-doc"]) == 1
    capsys.readouterr()
    assert main(["indicators", "--groups"]) == 0  # the wordings grouped as one measure, for review
    groups = capsys.readouterr().out
    assert "清洁取暖率：" in groups and "城镇清洁能源取暖率（通辽市）" in groups
