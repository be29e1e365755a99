"""Search normalisation: Traditional, full-width and mixed-case input land on the same terms as Simplified text."""
from knowledge.text import char_bigrams, normalise, passages, words


def test_traditional_and_full_width_input_is_folded_to_simplified_half_width():
    assert normalise("如何申請護照？ＡＢＣ１２３") == "如何申请护照?abc123"


def test_a_traditional_question_yields_the_same_search_terms_as_its_simplified_form():
    assert words("辦理身份證需要什麼材料") == words("办理身份证需要什么材料")
    assert "身份证" in words("辦理身份證需要什麼材料")


def test_search_terms_skip_punctuation_and_question_words():
    terms = words("请问，怎么办理居住证？")
    assert "居住证" in terms
    assert not {"请问", "怎么", "，", "？"} & set(terms)


def test_character_bigrams_do_not_cross_punctuation():
    assert char_bigrams("社保卡，补办") == ["社保", "保卡", "补办"]


def test_a_document_splits_into_sentences_and_short_fragments_are_joined():
    assert passages("一、带身份证。二、填申请表。办理地点：市民中心三楼服务窗口。") == [
        "一、带身份证。二、填申请表。",
        "办理地点：市民中心三楼服务窗口。",
    ]
