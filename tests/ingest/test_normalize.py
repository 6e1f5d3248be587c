from __future__ import annotations

from ingest.normalize import normalise


def test_full_width_digits_become_ascii_but_chinese_punctuation_stays() -> None:
    text = normalise("县城新建住宅以６层为主，最高不超过１８层（含）；比例达到９３％。").text
    assert text == "县城新建住宅以6层为主，最高不超过18层（含）；比例达到93%。"


def test_artifacts_footers_tabs_and_spaces_beside_chinese_go() -> None:
    raw = "\t[bookmark: print1]济宁市人民政府办公室\n- 2 -\n到 2025 年，完成 10 万平方米。\n第 3 页\n"
    assert normalise(raw).text == "济宁市人民政府办公室\n到2025年，完成10万平方米。"


def test_spaces_between_latin_words_are_kept() -> None:
    assert normalise("执行《JGJ 26-2018》标准 Passive House 要求。").text == "执行《JGJ 26-2018》标准Passive House要求。"


def _wrapped_page(lines: list[str]) -> str:
    return "\n\n".join(lines)


def test_lines_a_pdf_wrapped_mid_sentence_are_joined() -> None:
    filler = ["这是一行被排版软件按页宽折断的政策文件正文内容示例文字"] * 12
    raw = _wrapped_page([*filler[:6], "县城民用建筑高度，县城新建住宅以６层为主，最高不超过 18", "层，确需建设 18 层以上居住建筑的，应严格充分论证。",
                         "二、构建集约高效绿色空间载体", *filler[6:], "结束。"])
    paragraphs = normalise(raw).text.split("\n")
    assert any("最高不超过18层，确需建设18层以上居住建筑的" in p for p in paragraphs)
    assert "二、构建集约高效绿色空间载体" in paragraphs


def test_a_full_line_closing_a_unit_list_does_not_swallow_the_next_heading() -> None:
    filler = ["这是一行被排版软件按页宽折断的政策文件正文内容示例文字"] * 12
    raw = _wrapped_page([*filler, "交通运输厅、文化和旅游厅、乡村振兴局等按照职责分工负责）", "三、统筹城乡基础设施一体化建设"])
    assert normalise(raw).text.split("\n")[-1] == "三、统筹城乡基础设施一体化建设"


def test_a_figure_the_page_cut_is_one_figure_again() -> None:
    filler = ["这是一行被排版软件按页宽折断的政策文件正文内容示例文字"] * 12
    raw = _wrapped_page([*filler[:6], "全市城镇新建民用建筑中绿色建筑面积占比年均提高0.", "1%以上，力争到2025年达到100%。", *filler[6:]])
    assert "年均提高0.1%以上" in normalise(raw).text


def test_a_bracketed_unit_list_closing_a_full_line_does_not_swallow_the_next_heading() -> None:
    filler = ["这是一行被排版软件按页宽折断的政策文件正文内容示例文字"] * 12
    raw = _wrapped_page([*filler, "全面推进全国足球发展重点城市建设。[市体育局、市民政局，各区政府]", "二、加大足球发展经费保障力度"])
    assert normalise(raw).text.split("\n")[-1] == "二、加大足球发展经费保障力度"


def test_punctuation_a_founder_font_mapped_to_yi_syllables_is_repaired() -> None:
    assert normalise("现印发给你们ꎬ请认真贯彻落实ꎮ«若干措施»").text == "现印发给你们，请认真贯彻落实。《若干措施》"
    assert normalise("ꀀꀁ彝文ꎬ").text == "ꀀꀁ彝文ꎬ"  # real Yi script is left alone


def test_paragraph_files_are_not_rejoined() -> None:
    raw = "一、指导思想\n以习近平新时代中国特色社会主义思想为指导\n二、总体目标\n"
    assert normalise(raw).text.split("\n") == ["一、指导思想", "以习近平新时代中国特色社会主义思想为指导", "二、总体目标"]
