"""The hybrid knowledge index: Chinese-aware matching, edits kept in step, and paraphrases found by the dense channel."""
import numpy as np
import pytest

from classifier.embedders import load_embedder
from knowledge.dense import DenseIndex
from knowledge.hybrid import HybridIndex
from knowledge.lexical import BM25Index
from knowledge.text import words

MATTERS = [
    {"id": 101, "title": "居民身份证首次申领", "text": "申领居民身份证需带户口簿原件，到户籍所在地派出所窗口办理，现场采集照片和指纹。"},
    {"id": 102, "title": "机动车驾驶证换证", "text": "机动车驾驶证有效期满前九十日内申请换证，需提交身份证明和体检证明。"},
    {"id": 103, "title": "失业保险金申领", "text": "失业人员可以在线申领失业保险金，需提供社会保障卡和解除劳动合同证明。"},
    {"id": 104, "title": "食品安全投诉", "text": "买到过期食品可以向市场监督管理局投诉举报，请保留购物小票。"},
    {"id": 105, "title": "住房公积金提取", "text": "购买自住住房可以提取住房公积金，需要购房合同和身份证原件。"},
]


@pytest.fixture(scope="module")
def e5():
    return load_embedder("e5")


@pytest.fixture()
def index(e5):
    index = HybridIndex(e5)
    index.add(MATTERS)
    return index


def test_a_traditional_chinese_question_finds_the_simplified_matter(index):
    hits = index.search("買房後怎麼提取住房公積金？", k=3)
    assert hits[0].id == 105
    assert hits[0].lexical_rank == 1


def test_hybrid_finds_a_paraphrase_that_bm25_misses(e5):
    bm25 = HybridIndex(mode="bm25")
    bm25.add(MATTERS)
    hybrid = HybridIndex(e5)
    hybrid.add(MATTERS)
    question = "丢了工作能领钱吗"  # no word in common with the unemployment benefit matter
    assert 103 not in [hit.id for hit in bm25.search(question, k=1)]
    top = hybrid.search(question, k=1)[0]
    assert top.id == 103
    assert top.dense_rank == 1


def test_an_updated_matter_is_found_by_its_new_text_only(index):
    index.add([{"id": 104, "title": "燃气报修", "text": "燃气泄漏请立即关闭阀门并拨打燃气公司抢修电话。"}])
    assert len(index) == len(MATTERS)
    assert index.search("燃气泄漏抢修", k=1)[0].id == 104
    assert 104 not in [hit.id for hit in index.search("过期食品投诉", k=5) if hit.lexical_rank]


def test_a_removed_matter_is_never_returned(index):
    index.remove([105])
    assert 105 not in index
    assert 105 not in [hit.id for hit in index.search("提取住房公积金", k=5)]
    index.remove([105])  # removing twice is harmless
    assert len(index) == len(MATTERS) - 1


def test_best_passage_is_the_sentence_that_answers_the_question(index):
    matter = "办理居民身份证需带户口簿原件。办理地点：各派出所户籍窗口，工作日上午九点至下午五点。收费标准：首次申领二十元。"
    assert "二十元" in index.best_passage(matter, "办身份证要交多少钱", title="居民身份证申领")
    assert "派出所" in index.best_passage(matter, "在哪里办身份证", title="居民身份证申领")


def test_bm25_scores_follow_edits_exactly():
    edited = BM25Index()
    edited.add(1, words("身份证补办"))
    edited.add(2, words("护照补办"))
    edited.add(1, words("居住证签注"))
    edited.remove(2)
    fresh = BM25Index()
    fresh.add(1, words("居住证签注"))
    for query in ["居住证", "补办", "护照"]:
        got, want = edited.search(words(query), 5), fresh.search(words(query), 5)
        assert got[0].tolist() == want[0].tolist()
        np.testing.assert_allclose(got[1], want[1])


def test_dense_index_replaces_a_vector_stored_under_the_same_id():
    dense = DenseIndex(2)
    dense.add([7, 8], np.array([[1.0, 0.0], [0.0, 1.0]]))
    dense.add([7], np.array([[0.0, 1.0]]))
    ids, scores = dense.search(np.array([0.0, 1.0]), 5)
    assert len(dense) == 2
    assert sorted(ids.tolist()) == [7, 8]
    np.testing.assert_allclose(scores, [1.0, 1.0])
