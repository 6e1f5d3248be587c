"""Conversations saved in the browser: named after their first question, newest first, renamable, deletable."""

from __future__ import annotations

from assistant.application.conversations import MAX_SAVED, choices, forget, remember, rename, title_of, turns_of


def _turns(question: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": question}, {"role": "assistant", "content": "答：…"}]


def test_a_new_conversation_is_named_after_its_first_question_and_kept_first() -> None:
    saved, first = remember([], "", _turns("县城新建住宅最高几层"))
    saved, second = remember(saved, "", _turns("到2025年清洁取暖率要达到多少" * 5))
    assert first != second and [c["id"] for c in saved] == [second, first]
    assert title_of(saved, first) == "县城新建住宅最高几层" and title_of(saved, second).endswith("…")
    longer = _turns("县城新建住宅最高几层") + _turns("那通辽呢？")
    saved, same = remember(saved, first, longer)  # a conversation that goes on moves to the top, its name kept
    assert same == first and choices(saved)[0] == ("县城新建住宅最高几层", first) and turns_of(saved, first) == longer


def test_an_empty_conversation_is_not_saved_and_the_list_is_bounded() -> None:
    assert remember([], "", []) == ([], "")
    saved: list = []
    for n in range(MAX_SAVED + 5):
        saved, _ = remember(saved, "", _turns(f"问题{n}"))
    assert len(saved) == MAX_SAVED and saved[0]["title"] == f"问题{MAX_SAVED + 4}"


def test_rename_and_forget_touch_only_the_conversation_named() -> None:
    saved, first = remember([], "", _turns("甲"))
    saved, second = remember(saved, "", _turns("乙"))
    saved = rename(saved, first, "  赤峰 住宅层数  ")
    assert title_of(saved, first) == "赤峰 住宅层数" and title_of(saved, second) == "乙"
    assert rename(saved, first, "   ") == saved  # a blank name changes nothing
    assert [c["id"] for c in forget(saved, first)] == [second] and turns_of(forget(saved, first), first) == []
