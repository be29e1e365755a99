"""The tokenizer keeps the hotline's own terms whole and reads raw and pre-segmented text alike."""
from classifier.tokenize import normalise, words


def test_domain_terms_stay_whole():
    tokens = words("温州市鹿城区五马街道的燃气泄漏了，请联系市场监管局和住建局")
    for term in ("温州市", "鹿城区", "五马街道", "燃气泄漏", "市场监管局", "住建局"):
        assert term in tokens


def test_stopwords_and_punctuation_are_dropped_unless_asked_to_keep():
    assert words("我们的小区停水了！") == ["小区", "停水"]
    assert "请问" in words("请问怎么办理居住证？", drop_stopwords=False)


def test_pre_segmented_training_row_reads_like_the_raw_message():
    raw = "A1区华庭小区自来水有霉味，2019年至今没人管"
    segmented = "A1 区华庭 小区 自来水 霉味 2019 年 至今 没人管"
    assert normalise(raw).startswith("区华庭小区自来水")
    assert words(segmented) == words("区华庭小区自来水霉味年至今没人管")


def test_segmentation_is_deterministic():
    text = "瓯海区梧田街道有人违章搭建彩钢棚，举报多次无人处理"
    assert words(text) == words(text)
