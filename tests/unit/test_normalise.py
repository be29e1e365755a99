"""Intake normalisation: what a citizen's text looks like once it is stored."""
from hypothesis import given, settings
from hypothesis import strategies as st

from hotline.text.normalise import normalise_text
from hotline.text.pii import find_pii


def test_traditional_becomes_simplified():
    assert normalise_text("鹿城區五馬街道的路燈壞了，請儘快維修。") == "鹿城区五马街道的路灯坏了，请尽快维修。"


def test_full_width_ascii_becomes_half_width():
    assert normalise_text("ＡＢＣ　１２３＠ｑｑ．ｃｏｍ") == "ABC 123@qq.com"


def test_chinese_punctuation_stays_full_width():
    assert normalise_text("请问：社保卡（补办）要带什么？谢谢！") == "请问：社保卡（补办）要带什么？谢谢！"


def test_list_markers_and_area_units_stay_as_written():
    assert normalise_text("①房屋漏水 ②面积80㎡……") == "①房屋漏水 ②面积80㎡……"


def test_whitespace_collapses_and_line_breaks_survive():
    assert normalise_text("  路灯\t\t不亮 \r\n\r\n  已经三天  ") == "路灯 不亮\n已经三天"


def test_control_and_invisible_characters_are_removed():
    assert normalise_text("噪音\x00扰\u200b民\ufeff\x07") == "噪音扰民"


def test_full_width_phone_number_is_found_after_normalising():
    text = normalise_text("我的电话：１３８－１２３４－５６７８")
    assert [(span.kind, span.value) for span in find_pii(text)] == [("mobile", "13812345678")]


def test_chained_traditional_forms_reach_their_final_simplified_form():
    # OpenCC maps 薴 to 苧 and 苧 on to 苎; stored text must not change when normalised again.
    assert normalise_text("薴") == "苎"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_normalising_twice_changes_nothing(text):
    once = normalise_text(text)
    assert normalise_text(once) == once


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x3000, max_codepoint=0x9FFF) | st.sampled_from("０９ＡＺ　 \n\t")))
def test_normalising_chinese_text_twice_changes_nothing(text):
    once = normalise_text(text)
    assert normalise_text(once) == once
