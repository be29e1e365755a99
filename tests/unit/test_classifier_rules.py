"""Keyword rules an agent relies on: danger words mean emergency, thanks for a past repair does not."""
import pytest

from classifier.rules import TYPE_RULES, URGENCY_RULES


def _strongest(votes: dict) -> str | None:
    return max(votes, key=votes.get) if votes else None


@pytest.mark.parametrize("text, urgency", [
    ("楼道里煤气味很重，可能燃气泄漏了", "emergency"),
    ("隔壁着火了", "emergency"),
    ("小区停水停电一整天了", "emergency"),
    ("老人走失了，到现在还没回家", "urgent"),
    ("感谢供电公司半夜抢修，很快就恢复供电了", "normal"),
    ("建议燃气公司多做入户安全检查", "normal"),
])
def test_urgency_rules(text, urgency):
    assert _strongest(URGENCY_RULES.votes(text)) == urgency


@pytest.mark.parametrize("text, ticket_type", [
    ("我要举报有人违章搭建", "report"),
    ("表扬一下社区网格员", "praise"),
    ("请问居住证怎么办理？", "consult"),
    ("建议在路口增设红绿灯", "suggestion"),
    ("投诉出租车司机拒载", "complaint"),
    ("救命，我被困住了", "help"),
])
def test_type_rules(text, ticket_type):
    assert _strongest(TYPE_RULES.votes(text)) == ticket_type


def test_a_plain_message_fires_no_rule():
    assert URGENCY_RULES.votes("小区绿化带的树需要修剪") == {}
    assert TYPE_RULES.votes("小区绿化带的树需要修剪") == {}
