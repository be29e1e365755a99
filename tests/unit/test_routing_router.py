"""Department suggestions: duty list, keyword rules, the district of the address, the model, and the 兜底."""
import re
from pathlib import Path

import numpy as np
import pytest
import yaml

from hotline.seeds import DUTY_LIST
from routing.model import DepartmentModel
from routing.router import Router, load_rules

CITY = yaml.safe_load((Path(__file__).resolve().parents[2] / "hotline" / "seeds" / "city.yaml").read_text("utf-8"))


@pytest.fixture(scope="module")
def router():
    return Router.from_file(DUTY_LIST, districts=CITY["districts"], departments=CITY["departments"])


def codes(suggestions):
    return [s["department"] for s in suggestions]


def sources(suggestion):
    return {r["source"] for r in suggestion["reasons"]}


def test_every_seeded_rule_names_a_department_of_the_demo_city():
    known = {d["code"] for d in CITY["departments"]}
    rules = load_rules(DUTY_LIST)
    named = ({d["department"] for d in rules["duties"]} | {r["department"] for r in rules["keyword_rules"]}
             | {d["counterpart_of"] for d in CITY["departments"] if d.get("counterpart_of")})
    assert named <= known


def test_every_duty_names_a_category_of_the_tree():
    tree = yaml.safe_load((Path(__file__).resolve().parents[2] / "hotline" / "seeds" / "categories.yaml").read_text("utf-8"))
    paths = {level1 for level1 in tree}
    for level1, level2s in tree.items():
        for level2, level3s in level2s.items():
            paths |= {f"{level1}/{level2}"} | {f"{level1}/{level2}/{level3}" for level3 in level3s}
    assert {d["category"] for d in load_rules(DUTY_LIST)["duties"]} <= paths


def test_a_water_cut_goes_to_the_water_company_because_of_the_keyword(router):
    best = router.route("我家小区从早上开始停水，到现在还没来水")[0]
    assert best["department"] == "water"
    assert "keyword" in sources(best)
    assert any("停水" in r["detail"] for r in best["reasons"])


def test_street_vendors_in_a_known_district_go_to_that_districts_enforcement_bureau(router):
    suggestions = router.route("人行道上有人占道经营，晚上很吵", address="温州市鹿城区五马街100号")
    assert suggestions[0]["department"] == "lc-zhzf"
    assert "zhzfj" in codes(suggestions)  # the municipal bureau stays as the alternative
    assert any("属地办理" in r["detail"] for r in suggestions[0]["reasons"])


def test_the_duty_list_places_a_category_and_explains_it(router):
    best = router.route("想咨询一下公积金贷款额度怎么算", category="城乡建设/住房保障与房地产/住房公积金")[0]
    assert best["department"] == "gjj"
    assert {"duty", "keyword"} <= sources(best)
    assert any("权责清单" in r["detail"] for r in best["reasons"])


def test_a_district_level_category_without_a_local_bureau_goes_to_the_district_government(router):
    # 洞头区 has no district 住建局 in the demo city, so its government handles the 物业 matter
    best = router.route("小区电梯坏了一个月没人修", category="城乡建设/住房保障与房地产", district_code="330305")[0]
    assert best["department"] == "gov-330305"


def test_a_street_level_category_goes_to_the_street_office_of_the_address(router):
    best = router.route("小区楼道堆满杂物", category="城乡建设/城市建设和市政管理/小区管理", street_code="330302001")[0]
    assert best["department"] == "st-330302001"


def test_without_a_place_the_municipal_department_is_suggested(router):
    best = router.route("小区楼道堆满杂物", category="城乡建设/城市建设和市政管理/小区管理")[0]
    assert best["department"] == "zjj"


def test_unclear_jurisdiction_falls_back_to_the_district_government(router):
    suggestions = router.route("我有个情况想反映一下，不知道该找谁", address="瑞安市安阳街道")
    assert suggestions[0]["department"] == "gov-330381"
    assert sources(suggestions[0]) == {"fallback"}


def test_unclear_jurisdiction_without_a_place_suggests_nothing_rather_than_guessing(router):
    assert router.route("我有个情况想反映一下，不知道该找谁") == []


def test_a_matter_code_prefix_is_the_strongest_evidence():
    router = Router(matters=[{"prefix": "3303-GJJ", "department": "gjj"}],
                    keyword_rules=[{"keywords": ["贷款"], "department": "czj", "priority": 100}])
    suggestions = router.route("公积金贷款材料", matter_code="3303-GJJ-0001")
    assert codes(suggestions)[:2] == ["gjj", "czj"]


def test_a_higher_priority_keyword_rule_wins_a_conflict():
    router = Router(keyword_rules=[{"keywords": ["噪音"], "department": "sthjj", "priority": 50},
                                   {"keywords": ["噪音"], "department": "zhzfj", "priority": 200}])
    suggestions = router.route("工地夜间施工噪音很大")
    assert codes(suggestions) == ["zhzfj", "sthjj"]


def test_the_dispatch_model_adds_its_suggestions_with_their_score():
    texts = ["停车场收费太贵", "路边停车位不够", "公交车晚点严重", "公交线路调整",
             "小孩上学报名", "学校收费问题"] * 3
    departments = ["jtysj", "jtysj", "jtysj", "jtysj", "jyj", "jyj"] * 3
    model = DepartmentModel().fit(texts, departments)
    suggestions = Router(model=model).route("孩子上学报名要什么材料")
    assert suggestions[0]["department"] == "jyj"
    assert sources(suggestions[0]) == {"model"}
    assert 0 < suggestions[0]["score"] <= 0.4


def test_suggestions_are_ranked_by_score(router):
    suggestions = router.route("小区噪音扰民，物业不管", category="环境保护/环境污染/噪音污染", district_code="330302")
    scores = [s["score"] for s in suggestions]
    assert scores == sorted(scores, reverse=True)
    assert np.all(np.array(scores) > 0)


def test_a_rule_with_an_unknown_level_is_refused():
    with pytest.raises(ValueError, match="level"):
        Router(duties=[{"category": "民政", "department": "mzj", "level": "province"}])


def test_a_keyword_rule_may_be_a_pattern_and_say_which_words_matched():
    router = Router(keyword_rules=[{"pattern": "(夜间|晚上).{0,6}施工", "department": "zhzfj", "priority": 100}])
    best = router.route("工地晚上十点还在施工，吵得睡不着")[0]
    assert best["department"] == "zhzfj" and "晚上十点还在施工" in best["reasons"][0]["detail"]
    assert router.route("白天施工可以理解") == []



def test_a_pathological_pattern_cannot_stall_routing():
    # Under a backtracking engine this pattern on this text takes longer than the age of the universe.
    router = Router(keyword_rules=[{"pattern": "(a+)+$", "department": "zhzfj", "priority": 100}])
    assert router.route("a" * 64 + "!") == []
    with pytest.raises(ValueError, match="RE2"):
        Router(keyword_rules=[{"pattern": "(?<!白天)施工", "department": "zhzfj"}])  # look-behind: not in RE2

def test_a_keyword_rule_scoped_to_districts_says_nothing_elsewhere():
    router = Router(keyword_rules=[{"keywords": ["共享单车"], "department": "jtysj", "districts": ["330302"]}],
                    districts=CITY["districts"])
    assert codes(router.route("共享单车乱停", district_code="330302")) == ["jtysj"]
    assert codes(router.route("共享单车乱停", district_code="330381")) == ["gov-330381"]  # unclear there: 兜底
    assert router.route("共享单车乱停") == []  # the place is unknown, so the scope cannot be checked


def test_the_model_reason_shows_its_probability():
    model = DepartmentModel().fit(["路灯坏了", "路灯不亮", "物业费太贵", "物业不作为"] * 2,
                                  ["zhzfj", "zhzfj", "zjj", "zjj"] * 2)
    reason = Router(model=model).route("路灯一直闪")[0]["reasons"][0]
    assert reason["source"] == "model" and re.fullmatch(r"历史派单模型 p=[01]\.\d\d", reason["detail"])
