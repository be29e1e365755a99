"""The answer gate's parts without a database: homophone typos, the question's intent, sub-item choice, the
logistic model and its threshold, and the judging rules of answer-eval."""
import json

import pytest

from knowledge.answer_eval import load_questions, summarise, verdict
from knowledge.gate import GateModel, choose_threshold, gate_for, intent, LEXICAL
from knowledge.spelling import HomophoneCorrector
from knowledge.sub_items import choose_sub_item, sub_item_mentioned

VOCABULARY = ["身份证", "补办", "低保", "公积金", "结婚证", "营业执照", "居住证", "出生证明", "水管", "房贷", "解押"]


@pytest.fixture(scope="module")
def corrector():
    return HomophoneCorrector(VOCABULARY)


@pytest.mark.parametrize("typed, meant", [
    ("身分证过期了", "身份证过期了"), ("补半身份证", "补办身份证"), ("申请低宝", "申请低保"),
    ("公基金提取", "公积金提取"), ("结昏证丢了", "结婚证丢了"), ("营业职照", "营业执照"), ("房代还清了怎么解压", "房贷还清了怎么解押"),
])
def test_a_sound_alike_slip_becomes_the_knowledge_bases_word(corrector, typed, meant):
    assert corrector.correct(typed) == meant


@pytest.mark.parametrize("text", ["孩子的出生证明", "路灯坏了找谁管", "怎么办一下", "火星移民签证"])
def test_real_words_are_left_alone(corrector, text):
    assert corrector.correct(text) == text  # 的出 is not 提出, 谁管 is not 水管


def test_intent_tells_a_question_from_a_complaint_an_opinion_and_a_progress_query():
    assert intent("身份证丢了要带什么材料") == {"asks": True, "complains": False, "why_or_status": False,
                                              "opinion": False, "social": False}
    assert intent("楼上天天半夜蹦迪，你们赶紧派人来管一管")["complains"]
    assert intent("失业金为什么这个月还没到账")["why_or_status"]
    assert intent("我觉得温州房价太高了")["opinion"]
    assert intent("你好")["social"] and intent("123456")["social"]


FAMILY = [{"code": c, "main_item": "居民身份证申领", "sub_item": s, "keywords": []}
          for c, s in (("sc", "首次申领"), ("hl", "换领"), ("bl", "补领"), ("lsz", "临时居民身份证"))]


def test_a_cue_names_the_sub_item_and_a_denied_one_does_not():
    assert [m["code"] for m in FAMILY if sub_item_mentioned("身份证下个月到期了", m)] == ["hl"]
    assert [m["code"] for m in FAMILY if sub_item_mentioned("身份证掉了咋整", m)] == ["bl"]
    assert not any(sub_item_mentioned("身份证还没过期，想问问", m) for m in FAMILY)
    assert not any(sub_item_mentioned("要去重新办一张身份证", m) for m in FAMILY)  # 重新办 is not 新办


def test_the_sub_item_comes_from_a_cue_or_a_clear_lead_else_the_chat_asks():
    level = {"sc": 2.0, "hl": 1.9, "bl": 1.8}
    assert choose_sub_item("身份证到期了要带什么", FAMILY, level)["code"] == "hl"
    assert choose_sub_item("办身份证要带什么", FAMILY, level) is None  # nothing says which: ask
    assert choose_sub_item("办身份证要带什么", FAMILY, {"sc": 2.9, "hl": 1.0})["code"] == "sc"
    # the question names the family itself: the ranking must lead twice as far
    assert choose_sub_item("居民身份证申领要带什么", FAMILY, {"sc": 2.0, "hl": 1.2}) is None
    # a cue against a clear ranking: the two disagree, so ask
    assert choose_sub_item("身份证到期了", FAMILY, {"sc": 2.9, "hl": 1.0}) is None


def test_the_model_is_a_readable_logistic_regression_and_round_trips():
    model = GateModel(("margin", "asks"), (0.5, 0.5), (0.25, 0.5), (2.0, 1.0), -0.5, 0.6)
    assert model.probability({"margin": 0.5, "asks": 0.5}) == pytest.approx(1 / (1 + 2.718281828 ** 0.5), rel=1e-6)
    assert model.probability({"margin": 1.5, "asks": 1.0}) > model.threshold > model.probability({"margin": 0.0})
    assert model.reasons({"margin": 1.5, "asks": 0.0})[0] == "margin+"
    assert GateModel.from_json(json.loads(json.dumps(model.to_json()))) == model


def test_the_shipped_gates_hold_a_lexical_fallback():
    assert gate_for("an-embedder-it-never-saw") is gate_for(None) is gate_for(LEXICAL)
    assert "dense_cosine" in gate_for("multilingual-e5-small-q4").features
    assert "dense_cosine" not in gate_for(LEXICAL).features


def test_the_threshold_is_the_loosest_that_keeps_wrong_answers_and_refusals_in_bounds():
    probabilities = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4]
    labels = [1, 1, 0, 1, 0, 0]
    answerable = [True, True, True, True, False, False]
    threshold, measured = choose_threshold(probabilities, labels, answerable, max_wrong=0.0, min_refused=1.0)
    assert threshold == pytest.approx(0.725) and measured["kept_right"] == pytest.approx(2 / 3, abs=1e-3)


def test_answers_are_judged_by_the_issues_rules(tmp_path):
    matter = {"expect_kind": "matter", "expect_codes": ["gaj-sfz-hl"]}
    family = {"expect_kind": "clarify", "expect_codes": ["gaj-sfz-sc", "gaj-sfz-hl"]}
    nothing = {"expect_kind": "unknown", "expect_codes": []}
    said = {"kind": "matter", "matter": {"code": "gaj-sfz-hl"}}
    asked = {"kind": "clarify", "options": [{"code": "gaj-sfz-sc"}, {"code": "gaj-sfz-hl"}]}
    wrong = {"kind": "matter", "matter": {"code": "gaj-hz-hf"}}
    unknown = {"kind": "unknown"}
    assert verdict(matter, said) == "right" and verdict(matter, asked) == "wrong_clarify"  # it named the sub-item
    assert verdict(family, asked) == "right" and verdict(family, said) == "right"
    assert verdict(matter, wrong) == verdict(nothing, wrong) == "wrong_matter"
    assert verdict(nothing, unknown) == "right" and verdict(matter, unknown) == "unknown"
    summary = summarise([matter, family, nothing, nothing], [said, said, unknown, wrong])
    assert summary["right"] == 1.0 and summary["sub_item_guessed"] == 1
    assert summary["unknown_when_unanswerable"] == 0.5 and summary["wrong_matter"] == 0.25

    broken = tmp_path / "q.jsonl"
    broken.write_text('{"question": "身份证丢了", "expect_kind": "matter"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="line 1: expect_codes"):
        load_questions(broken)
