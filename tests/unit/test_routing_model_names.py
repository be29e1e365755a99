"""Department names and sentence vectors in the department model: what a dispatcher notices."""
import numpy as np

from routing.artifacts import load_model, save_model
from routing.evaluation import cross_validate
from routing.model import DepartmentModel

ROWS = [
    ("路邊攤販佔道經營", "zhzfj"), ("人行道上亂擺攤", "zhzfj"), ("晚上有人佔道燒烤", "zhzfj"),
    ("公積金怎麼提取", "gjj"), ("公積金貸款額度", "gjj"), ("辭職後公積金能取嗎", "gjj"),
    ("孩子上小學要報名", "jyj"), ("幼兒園收費太貴", "jyj"), ("轉學需要什麼手續", "jyj"),
]
TEXTS, UNITS = [q for q, _ in ROWS], [u for _, u in ROWS]
NAMES = {"zhzfj": "市综合行政执法局", "gjj": "市住房公积金管理中心", "jyj": "市教育局", "tyj": "市体育局"}


def test_a_named_department_without_history_is_still_suggested():
    without = DepartmentModel().fit(TEXTS, UNITS)
    assert "tyj" not in without.classes_
    model = DepartmentModel().fit(TEXTS, UNITS, department_names=NAMES)
    assert model.rank("体育局的场馆几点开门", k=1)[0][0] == "tyj"
    assert model.predict(["公积金提取要什么材料"])[0] == "gjj"  # history still decides where it exists


def test_cross_validation_scores_named_departments_the_fold_never_saw():
    texts, units = TEXTS + ["体育场馆开放时间"], UNITS + ["tyj"]  # tyj has one row: no fold trains on it
    named = cross_validate(DepartmentModel(), texts, units, department_names=NAMES, folds=3)
    unnamed = cross_validate(DepartmentModel(), texts, units, folds=3)
    assert unnamed["top3_accuracy"] < 1.0  # without its name the tyj row is a certain miss
    assert named["top3_accuracy"] == 1.0 and named["macro_f1"] > unnamed["macro_f1"]


def test_a_model_with_sentence_vectors_saves_loads_and_ranks_the_same(tmp_path):
    model = DepartmentModel(embedder="hashing:64").fit(TEXTS, UNITS, department_names=NAMES)
    loaded, _ = load_model(save_model(tmp_path / "model", model, {"task": "department"}))
    question = "小學報名要帶什麼"
    assert loaded.rank(question, k=1)[0][0] == "jyj"
    np.testing.assert_allclose(loaded.predict_proba([question]), model.predict_proba([question]))
