"""The agent's knowledge panel: the question found in the agent's notes, and the clean passage of a hit."""
from knowledge import text
from knowledge.assist import choose_passage, knowledge_question
from knowledge.documents import article_passages, matter_passages

MATTER = {
    "main_item": "居民身份证申领", "sub_item": "补领", "keywords": ["身份证丢了", "补办身份证", "身份证掉了"],
    "materials": [{"name": "居民户口簿"}, {"name": "近期免冠照片"}],
    "faqs": [{"q": "补办身份证能加急吗？", "a": "可以申请加急，一般3个工作日可领取。"}],
    "process": ["申请", "受理", "制证", "领取"], "location": "户籍所在地派出所", "hours": "工作日 9:00-17:00",
    "fee": "工本费二十元", "time_limit": {"promised_days": 20},
}


def test_the_question_is_the_asking_sentence_of_the_notes():
    notes = "来电人称家住鹿城区五马街道，上周在公交车上身份证丢了，想问补办身份证需要带什么材料，另外孩子上学的事以后再说"
    assert knowledge_question(notes) == "上周在公交车上身份证丢了，想问补办身份证需要带什么材料"
    assert knowledge_question("楼下烧烤店油烟很大。希望尽快处理") == "楼下烧烤店油烟很大"  # no question: its opening
    assert knowledge_question("我住在鹿城区五马街道解放街88号，楼下烧烤店每晚噪音很大，希望尽快处理") == \
        "楼下烧烤店每晚噪音很大"  # not the caller's address
    assert len(knowledge_question("怎么" * 100)) <= 40


def test_passages_are_clean_sentences_and_faq_answers_keep_their_question():
    passages = matter_passages(MATTER)
    assert not any("身份证丢了" in p.text for p in passages)  # the keyword list is never a passage
    faq = next(p for p in passages if p.question)
    assert faq == ("可以申请加急，一般3个工作日可领取。", "补办身份证能加急吗？")
    assert choose_passage(passages, "补办身份证要带什么").text.startswith("所需材料：居民户口簿")
    assert choose_passage(passages, "身份证在哪里补办").text.startswith("办理地点：户籍所在地派出所")
    assert "二十元" in choose_passage(passages, "补身份证多少钱").text
    assert choose_passage(passages, "能不能加急").question == "补办身份证能加急吗？"
    article = {"question": "公积金怎么提取？", "answer": "职工可在购房、租房、退休、离开本市时申请提取住房公积金。"
               "提取需本人携带身份证到公积金中心服务窗口办理。", "keywords": ["公积金 提取 取公积金"]}
    assert [p.text for p in article_passages(article, text.passages)] == [
        "职工可在购房、租房、退休、离开本市时申请提取住房公积金。", "提取需本人携带身份证到公积金中心服务窗口办理。"]
