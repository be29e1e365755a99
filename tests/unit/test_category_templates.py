"""The seeded question templates are valid and attached to categories that exist; answers are checked by type."""
import pytest
from pydantic import ValidationError

from hotline.category_templates.schemas import Question, Template, check_answers, describe_answers
from hotline.category_templates.service import read_seed_file
from hotline.seeds.city import read_yaml


def test_every_seeded_template_is_valid_and_names_a_real_category():
    tree = read_yaml("categories.yaml")
    paths = {f"{a}/{b}/{c}" for a, bs in tree.items() for b, cs in bs.items() for c in cs}
    paths |= {f"{a}/{b}" for a, bs in tree.items() for b in bs} | set(tree)
    templates = read_seed_file()
    assert "环境保护/环境污染/噪音污染" in templates and set(templates) <= paths
    noise = {q.code: q for q in templates["环境保护/环境污染/噪音污染"].questions}
    assert noise["time_period"].description == "噪音出现的时间段" and noise["noise_source"].required


@pytest.mark.parametrize("bad", [
    {"code": "Bad Code", "description": "x", "datatype": "string"},
    {"code": "kind", "description": "x", "datatype": "singlevaluelist"},  # a list without values
    {"code": "kind", "description": "x", "datatype": "string", "values": [{"key": "a", "name": "甲"}]},
    {"code": "kind", "description": "x", "datatype": "colour"},
])
def test_a_malformed_question_is_refused(bad):
    with pytest.raises(ValidationError):
        Question(**bad)


def test_answers_are_checked_and_described_in_the_templates_order():
    template = Template(questions=[
        {"code": "since", "description": "开始时间", "datatype": "datetime"},
        {"code": "people", "description": "涉及人数", "datatype": "number", "required": True},
        {"code": "kinds", "description": "类型", "datatype": "multivaluelist",
         "values": [{"key": "a", "name": "甲"}, {"key": "b", "name": "乙"}]},
    ])
    stored, problems = check_answers(template.questions, {"kinds": ["b", "a", "b"], "people": ["12"],
                                                          "since": ["2025-03-01T22:30:00+08:00"]})
    assert problems == [] and stored == {"kinds": ["a", "b"], "people": 12, "since": "2025-03-01T22:30:00+08:00"}
    assert describe_answers(template.questions, stored) == ["开始时间：2025-03-01T22:30:00+08:00", "涉及人数：12",
                                                            "类型：甲、乙"]
    _, problems = check_answers(template.questions, {"since": ["0001-01-01T00:00:00+14:00"], "kinds": ["c"]})
    assert [p["field"] for p in problems] == ["attribute[since]", "attribute[people]", "attribute[kinds]"]
