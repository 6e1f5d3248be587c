"""A place with many documents (a city with a dozen plans): one scoped search, every answering plan
named by its title, and no "未作规定" line for each plan that does not mention the topic."""

from __future__ import annotations

import pytest

from assistant.application.assistant_service import PolicyAssistant
from assistant.settings import Settings
from ingest.pipeline import parse_paths
from tests.conftest import CHUNK_TOKENS
from vectorstore.embedders import Embedder
from vectorstore.index import PolicyIndex, build_index

TOPICS = ["推动城乡建设绿色发展", "推进城乡建设领域碳达峰", "加快建筑节能改造", "推进海绵城市建设", "推进清洁取暖",
          "推广装配式建筑", "推进老旧小区改造", "推进县城建设", "推进绿色建筑发展", "推进建筑垃圾资源化利用"]


def _plan(topic: str, floors: int | None) -> str:
    task = (f"严格限制县城民用建筑高度，县城新建住宅以6层为主，最高不超过{floors}层。" if floors
            else f"认真做好{topic}各项工作，按期完成年度任务。")
    return f"包头市{topic}实施方案\n一、重点任务\n（一）建设宜居县城。{task}\n（二）加强组织领导。各地区要抓好落实。\n"


@pytest.fixture(scope="module")
def many_plans(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> PolicyAssistant:
    folder = tmp_path_factory.mktemp("baotou")
    for n, topic in enumerate(TOPICS):
        floors = {0: 18, 7: 15, 8: 12}.get(n)
        (folder / "corpus").mkdir(exist_ok=True)
        (folder / "corpus" / f"baotou-{n}.txt").write_text(_plan(topic, floors), encoding="utf-8")
    documents = parse_paths([folder / "corpus"], max_bytes=2**20).documents
    build_index(documents, folder / "index", embedder, CHUNK_TOKENS)
    return PolicyAssistant(PolicyIndex.open(folder / "index", embedder), Settings())


def test_a_city_with_many_plans_is_answered_plan_by_plan(many_plans: PolicyAssistant) -> None:
    assert {meta.region for meta in many_plans.documents.values()} == {"包头市"}
    answer = many_plans.ask("包头市县城新建住宅最高几层", mode="extractive")
    assert answer.answerable
    assert {c.doc_id for c in answer.citations} == {"baotou-0", "baotou-7", "baotou-8"}
    for title, floors in (("包头市推动城乡建设绿色发展实施方案", 18), ("包头市推进县城建设实施方案", 15),
                          ("包头市推进绿色建筑发展实施方案", 12)):
        assert f"| {title} |" in answer.answer and f"最高不超过{floors}层" in answer.answer  # titles: "包头" alone is ambiguous
    assert "未作规定" not in answer.answer and "未对" not in answer.answer
