"""What an agent sees: type, category and urgency suggestions with top-3, confidence and abstain."""
from pathlib import Path

import pytest

from classifier.pipeline import TicketClassifier, train_default, train_from_examples


@pytest.fixture(scope="module")
def builtin_model(tmp_path_factory) -> TicketClassifier:
    # no shared data at this path: the fresh-machine model from the built-in examples
    out = tmp_path_factory.mktemp("builtin") / "model"
    return TicketClassifier.load(train_default(out, shared_data_dir=Path("/nonexistent")))


@pytest.mark.parametrize("text, urgency", [
    ("救命，我家厨房燃气泄漏了，味道很大，老人还在屋里", "emergency"),
    ("我们小区三号楼着火了，浓烟从窗户往外冒", "emergency"),
    ("有三个人被困在电梯里出不来了", "emergency"),
    ("请问居住证怎么办理，需要带什么材料？", "normal"),
])
def test_urgency_on_clear_cases(builtin_model, text, urgency):
    assert builtin_model.predict(text)["urgency"]["label"] == urgency


@pytest.mark.parametrize("text, ticket_type", [
    ("我要举报有人半夜往河里偷排污水", "report"),
    ("表扬一下社区的网格员，帮我们解决了停车难的问题，非常感谢", "praise"),
    ("请问公积金贷款怎么办理？", "consult"),
    ("建议在学校门口增设一个红绿灯", "suggestion"),
    ("楼下烧烤店每天开到凌晨，吵得睡不着，投诉好几次也没人管", "complaint"),
])
def test_type_on_clear_cases(builtin_model, text, ticket_type):
    assert builtin_model.predict(text)["type"]["label"] == ticket_type


def test_every_head_has_label_confidence_top3_and_abstain(builtin_model):
    result = builtin_model.predict("小区门口垃圾没人清运，臭气熏天")
    assert result["model_version"] == builtin_model.model_version
    for head in ("type", "category", "urgency"):
        suggestion = result[head]
        assert 0.0 <= suggestion["confidence"] <= 1.0
        assert suggestion["top3"][0] == [suggestion["label"], suggestion["confidence"]]
        assert len(suggestion["top3"]) == 3
        assert [p for _, p in suggestion["top3"]] == sorted((p for _, p in suggestion["top3"]), reverse=True)
        assert suggestion["abstain"] == (suggestion["confidence"] < 0.5)


def test_predict_many_matches_predict(builtin_model):
    texts = ["请问社保卡丢了怎么补办", "举报有人违章搭建"]
    assert builtin_model.predict_many(texts) == [builtin_model.predict(t) for t in texts]
    assert builtin_model.predict_many([]) == []


def test_manifest_records_data_metrics_and_versions(builtin_model):
    manifest = builtin_model.manifest
    assert set(manifest["labels"]) == {"type", "category", "urgency"}
    assert {"sklearn", "numpy", "jieba", "python"} <= manifest["libraries"].keys()
    assert len(manifest["training_data_sha256"]) == 64
    assert manifest["metrics"]["type"]["n"] > 50  # measured on the test split it did not train on
    assert manifest["embedder"] == "none"


def test_learning_from_agent_corrections(tmp_path):
    confirmed = [{"text": f"{place}的共享电单车乱停乱放，把盲道堵住了", "category": "城市管理"}
                 for place in ("五马街", "南塘街", "江滨路", "学院路", "人民路", "车站大道")]
    artifact = train_from_examples(confirmed, tmp_path / "m", shared_data_dir=Path("/nonexistent"))
    model = TicketClassifier.load(artifact)
    assert "城市管理" in model.manifest["labels"]["category"]
    assert "confirmed tickets (6)" in model.manifest["heads"]["category"]["training_data"]
    top3 = [label for label, _ in model.predict("时代广场的共享电单车乱停乱放，盲道被堵住了")["category"]["top3"]]
    assert "城市管理" in top3


def test_corrections_without_text_are_refused(tmp_path):
    with pytest.raises(ValueError, match="row 1"):
        train_from_examples([{"text": "", "category": "民政"}], tmp_path / "m")
