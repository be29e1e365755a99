"""The category as a path down the tree: each level's best guess, every node reachable, none invented."""
import pytest

from classifier.hierarchy import PathClassifier

TREE = ["环境保护/环境污染/噪音污染", "环境保护/环境污染/大气污染", "环境保护/其他/其他",
        "交通运输/客货运输/出租车管理", "交通运输/客货运输/公交", "交通运输/建设管理/规划建设"]
ROWS = [
    ("晚上工地施工噪音太大吵得睡不着", "环境保护/环境污染/噪音污染"),
    ("广场舞音响声音太吵扰民", "环境保护/环境污染/噪音污染"),
    ("酒吧深夜音乐噪声扰民", "环境保护/环境污染/噪音污染"),
    ("化工厂烟囱冒黑烟空气很臭", "环境保护/环境污染/大气污染"),
    ("烧烤油烟熏得家里没法开窗", "环境保护/环境污染/大气污染"),
    ("工厂排放废气刺鼻", "环境保护/环境污染/大气污染"),
    ("出租车司机拒载还绕路", "交通运输/客货运输/出租车管理"),
    ("打车被多收钱司机态度差", "交通运输/客货运输/出租车管理"),
    ("的士不打表乱收费", "交通运输/客货运输/出租车管理"),
    ("新修的道路规划不合理", "交通运输/建设管理/规划建设"),
    ("这条路规划建设拖了三年", "交通运输/建设管理/规划建设"),
    ("道路规划没有考虑行人", "交通运输/建设管理/规划建设"),
]


@pytest.fixture(scope="module")
def model():
    texts, paths = zip(*ROWS)
    return PathClassifier(tree_paths=TREE, min_df=1, calibration_folds=2).fit(texts, paths)


def test_a_message_gets_a_full_path_with_each_levels_confidence(model):
    [result] = model.predict_paths(["楼下的工地半夜施工，噪音吵得孩子睡不着"])
    assert result["top"][0][0] == "环境保护/环境污染/噪音污染"
    assert [node for node, _ in result["levels"]] == ["环境保护", "环境保护/环境污染", "环境保护/环境污染/噪音污染"]
    confidences = [p for _, p in result["levels"]]
    assert confidences == sorted(confidences, reverse=True)  # a deeper level is never surer than its parent
    assert len(result["top"]) == 3 and len({path for path, _ in result["top"]}) == 3


def test_each_level_sums_to_one_and_a_node_nobody_labelled_can_still_be_suggested(model):
    for level in (1, 2, 3):
        nodes, proba = model.level_proba(["公交车到站不停"], level)
        assert proba.sum() == pytest.approx(1.0)
    nodes, proba = model.level_proba(["公交车到站不停，公交司机开得太快", "车到站不停，司机开得太快"], 3)
    unseen = nodes.index("交通运输/客货运输/公交")  # no row labelled it: it gets a share of its parent,
    assert proba[1][unseen] > 0 and proba[0][unseen] > 2 * proba[1][unseen]  # more when the message names it


def test_a_row_can_teach_only_the_levels_below_its_first(model):
    texts, paths = zip(*ROWS)
    # the noise rows' level 1 under another convention: they still teach levels 2 and 3
    first = [2 if p.startswith("环境保护/环境污染/噪音") else 1 for p in paths]
    shifted = PathClassifier(tree_paths=TREE, min_df=1, calibration_folds=2).fit(texts, paths, first_level=first)
    assert sum(shifted.level_models_[1].classes.count(c) for c in ("环境保护", "交通运输")) == 2
    assert "环境保护/环境污染" in shifted.level_models_[2].classes


def test_a_label_outside_the_tree_is_refused():
    with pytest.raises(ValueError, match="not in the category tree"):
        PathClassifier(tree_paths=TREE, min_df=1).fit(["a", "b"], ["环境保护/环境污染/噪音污染", "火星/移民/签证"])


def test_a_tree_of_level_one_names_predicts_level_one():
    texts, paths = zip(*ROWS)
    model = PathClassifier(min_df=1, calibration_folds=2).fit(texts, [p.split("/")[0] for p in paths])
    [result] = model.predict_paths(["出租车绕路多收钱"])
    assert result["top"][0][0] == "交通运输" and len(result["levels"]) == 1
